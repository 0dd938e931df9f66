/* SPDX-License-Identifier: MIT */
/* Unit tests of dev/ioapic.c against the 82093AA datasheet (version 0x20). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dev/ioapic.h"

#define MAX_MSGS 16

/* Redirection entry low dwords as a guest builds them. */
#define LO_VECTOR(v)	((u32)(v))
#define LO_DM(dm)	((u32)(dm) << APIC_DM_SHIFT)
#define LO_LOGICAL	((u32)IOAPIC_DEST_MODE)
#define LO_LEVEL	((u32)IOAPIC_TRIG_LEVEL)
#define LO_MASKED	((u32)IOAPIC_MASKED)
#define LO_REMOTE_IRR	((u32)IOAPIC_REMOTE_IRR)
#define HI_DEST(d)	((u32)(d) << (IOAPIC_DEST_SHIFT - 32))

struct fixture {
	struct kvm_ioapic s;
	struct kvm_lapic_irq msgs[MAX_MSGS];
	unsigned int n;
	int accept;		/* what deliver() returns */
};

static int deliver(void *ctx, const struct kvm_lapic_irq *irq)
{
	struct fixture *f = ctx;

	assert_true(f->n < MAX_MSGS);
	f->msgs[f->n++] = *irq;
	return f->accept;
}

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	f.accept = 1;
	ioapic_init(&f.s, deliver, &f);
	*state = &f;
	return 0;
}

static void sel(struct kvm_ioapic *s, u8 reg)
{
	ioapic_mmio_ops.write(s, IOAPIC_REG_SELECT, 4, reg);
}

static u32 rd(struct kvm_ioapic *s, u8 reg)
{
	sel(s, reg);
	return ioapic_mmio_ops.read(s, IOAPIC_REG_WINDOW, 4);
}

static void wr(struct kvm_ioapic *s, u8 reg, u32 val)
{
	sel(s, reg);
	ioapic_mmio_ops.write(s, IOAPIC_REG_WINDOW, 4, val);
}

static u8 redtbl_lo(int pin)
{
	return IOAPIC_REG_REDTBL_BASE + 2 * pin;
}

static u8 redtbl_hi(int pin)
{
	return IOAPIC_REG_REDTBL_BASE + 2 * pin + 1;
}

/* Program @pin; the high dword first, as OSes do before unmasking. */
static void set_entry(struct kvm_ioapic *s, int pin, u32 lo, u32 hi)
{
	wr(s, redtbl_hi(pin), hi);
	wr(s, redtbl_lo(pin), lo);
}

static void test_id_version_arb(void **state)
{
	struct fixture *f = *state;
	struct kvm_ioapic *s = &f->s;

	assert_int_equal(rd(s, IOAPIC_REG_VERSION), 0x00170020);
	assert_int_equal(rd(s, IOAPIC_REG_ID), 0);
	assert_int_equal(rd(s, IOAPIC_REG_ARB), 0);

	/* Only ID bits 27:24 exist. */
	wr(s, IOAPIC_REG_ID, 0xffffffff);
	assert_int_equal(rd(s, IOAPIC_REG_ID), 0x0f000000);
	wr(s, IOAPIC_REG_ID, 0x02000000);
	assert_int_equal(rd(s, IOAPIC_REG_ID), 0x02000000);
	assert_int_equal(s->id, 2);
	/* The arbitration ID follows; VER and ARB ignore writes. */
	assert_int_equal(rd(s, IOAPIC_REG_ARB), 0x02000000);
	wr(s, IOAPIC_REG_ARB, 0x05000000);
	wr(s, IOAPIC_REG_VERSION, 0);
	assert_int_equal(rd(s, IOAPIC_REG_ARB), 0x02000000);
	assert_int_equal(rd(s, IOAPIC_REG_VERSION), 0x00170020);

	/* Unimplemented registers read all-ones and ignore writes. */
	assert_true(rd(s, 0x03) == 0xffffffff);
	assert_true(rd(s, 0x0f) == 0xffffffff);
	assert_true(rd(s, redtbl_lo(IOAPIC_NUM_PINS)) == 0xffffffff);
	wr(s, 0xff, 0);
	assert_true(rd(s, 0xff) == 0xffffffff);

	/* IOREGSEL reads back. */
	sel(s, 0x2a);
	assert_int_equal(ioapic_mmio_ops.read(s, IOAPIC_REG_SELECT, 4), 0x2a);
}

static void test_redtbl_read_write(void **state)
{
	struct fixture *f = *state;
	struct kvm_ioapic *s = &f->s;
	int pin;

	/* Reset: masked, everything else clear. */
	for (pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
		assert_int_equal(rd(s, redtbl_lo(pin)), 0x00010000);
		assert_int_equal(rd(s, redtbl_hi(pin)), 0);
	}

	/* Delivery status, remote IRR and reserved bits do not stick. */
	wr(s, redtbl_lo(5), 0xffffffff);
	assert_int_equal(rd(s, redtbl_lo(5)), 0x0001afff);
	wr(s, redtbl_hi(5), 0xffffffff);
	assert_int_equal(rd(s, redtbl_hi(5)), 0xff000000);
	assert_true(s->redirtbl[5] == 0xff0000000001afffull);
	/* Each half leaves the other alone. */
	wr(s, redtbl_lo(5), LO_MASKED | LO_VECTOR(0x41));
	assert_int_equal(rd(s, redtbl_hi(5)), 0xff000000);
	wr(s, redtbl_hi(5), HI_DEST(3));
	assert_int_equal(rd(s, redtbl_lo(5)), LO_MASKED | 0x41);
	assert_int_equal(rd(s, redtbl_hi(5)), HI_DEST(3));
	/* Neighbours untouched. */
	assert_int_equal(rd(s, redtbl_lo(4)), 0x00010000);
	assert_int_equal(rd(s, redtbl_lo(6)), 0x00010000);
	/* The last entry is 23. */
	wr(s, redtbl_hi(23), HI_DEST(0x81));
	assert_int_equal(rd(s, redtbl_hi(23)), HI_DEST(0x81));
	assert_int_equal(f->n, 0);
}

static void test_edge_delivery(void **state)
{
	struct fixture *f = *state;
	struct kvm_ioapic *s = &f->s;

	set_entry(s, 1, LO_VECTOR(0x31), HI_DEST(0));
	kvm_ioapic_set_irq(s, 1, 1);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->msgs[0].vector, 0x31);
	assert_int_equal(f->msgs[0].trig_mode, APIC_TRIG_EDGE);
	/* Held high: no new edge. */
	kvm_ioapic_set_irq(s, 1, 1);
	assert_int_equal(f->n, 1);
	kvm_ioapic_set_irq(s, 1, 0);
	assert_int_equal(f->n, 1);
	kvm_ioapic_set_irq(s, 1, 1);
	assert_int_equal(f->n, 2);
	/* Edge entries never set remote IRR; an EOI does nothing. */
	assert_int_equal(rd(s, redtbl_lo(1)) & LO_REMOTE_IRR, 0);
	kvm_ioapic_update_eoi(s, 0x31);
	assert_int_equal(f->n, 2);
}

static void test_masked_pins(void **state)
{
	struct fixture *f = *state;
	struct kvm_ioapic *s = &f->s;

	/* An edge on a masked pin is lost, not held pending. */
	set_entry(s, 3, LO_MASKED | LO_VECTOR(0x33), 0);
	kvm_ioapic_set_irq(s, 3, 1);
	assert_int_equal(f->n, 0);
	wr(s, redtbl_lo(3), LO_VECTOR(0x33));
	assert_int_equal(f->n, 0);
	kvm_ioapic_set_irq(s, 3, 0);

	/* A level pin asserted while masked is delivered on unmask. */
	set_entry(s, 9, LO_MASKED | LO_LEVEL | LO_VECTOR(0x39), 0);
	kvm_ioapic_set_irq(s, 9, 1);
	assert_int_equal(f->n, 0);
	wr(s, redtbl_lo(9), LO_LEVEL | LO_VECTOR(0x39));
	assert_int_equal(f->n, 1);
	assert_int_equal(f->msgs[0].vector, 0x39);
	assert_int_equal(f->msgs[0].trig_mode, APIC_TRIG_LEVEL);
	assert_int_equal(rd(s, redtbl_lo(9)),
			 LO_LEVEL | LO_REMOTE_IRR | LO_VECTOR(0x39));
	/* Re-masking after acceptance does not recall it; remote IRR stays. */
	wr(s, redtbl_lo(9), LO_MASKED | LO_LEVEL | LO_VECTOR(0x39));
	assert_int_equal(rd(s, redtbl_lo(9)) & LO_REMOTE_IRR, LO_REMOTE_IRR);
	/* EOI while masked: remote IRR clears, nothing is sent. */
	kvm_ioapic_update_eoi(s, 0x39);
	assert_int_equal(rd(s, redtbl_lo(9)) & LO_REMOTE_IRR, 0);
	assert_int_equal(f->n, 1);
	/* Deasserted, then unmasked: nothing. */
	kvm_ioapic_set_irq(s, 9, 0);
	wr(s, redtbl_lo(9), LO_LEVEL | LO_VECTOR(0x39));
	assert_int_equal(f->n, 1);
}

static void test_level_remote_irr(void **state)
{
	struct fixture *f = *state;
	struct kvm_ioapic *s = &f->s;

	set_entry(s, 10, LO_LEVEL | LO_VECTOR(0x3a), HI_DEST(1));
	kvm_ioapic_set_irq(s, 10, 1);
	assert_int_equal(f->n, 1);
	assert_int_equal(rd(s, redtbl_lo(10)) & LO_REMOTE_IRR, LO_REMOTE_IRR);
	/* Remote IRR holds back any repeat. */
	kvm_ioapic_set_irq(s, 10, 1);
	kvm_ioapic_set_irq(s, 10, 0);
	kvm_ioapic_set_irq(s, 10, 1);
	assert_int_equal(f->n, 1);
	/* A guest rewriting the entry cannot clear it. */
	wr(s, redtbl_lo(10), LO_LEVEL | LO_VECTOR(0x3a));
	assert_int_equal(rd(s, redtbl_lo(10)) & LO_REMOTE_IRR, LO_REMOTE_IRR);
	assert_int_equal(f->n, 1);
	/* An EOI for another vector changes nothing. */
	kvm_ioapic_update_eoi(s, 0x3b);
	assert_int_equal(f->n, 1);
	/* EOI while still asserted: sent again. */
	kvm_ioapic_update_eoi(s, 0x3a);
	assert_int_equal(f->n, 2);
	assert_int_equal(f->msgs[1].vector, 0x3a);
	assert_int_equal(rd(s, redtbl_lo(10)) & LO_REMOTE_IRR, LO_REMOTE_IRR);
	/* Deasserted before the EOI: the EOI only clears remote IRR. */
	kvm_ioapic_set_irq(s, 10, 0);
	kvm_ioapic_update_eoi(s, 0x3a);
	assert_int_equal(f->n, 2);
	assert_int_equal(rd(s, redtbl_lo(10)) & LO_REMOTE_IRR, 0);
	kvm_ioapic_set_irq(s, 10, 1);
	assert_int_equal(f->n, 3);
}

static void test_level_not_accepted(void **state)
{
	struct fixture *f = *state;
	struct kvm_ioapic *s = &f->s;

	/* Nobody accepts: no remote IRR, the next chance tries again. */
	f->accept = 0;
	set_entry(s, 11, LO_LEVEL | LO_VECTOR(0x3b), HI_DEST(7));
	kvm_ioapic_set_irq(s, 11, 1);
	assert_int_equal(f->n, 1);
	assert_int_equal(rd(s, redtbl_lo(11)) & LO_REMOTE_IRR, 0);
	assert_true(s->nr_dropped == 1);
	/* Retargeted by the guest: delivered and accepted now. */
	f->accept = 1;
	wr(s, redtbl_hi(11), HI_DEST(0));
	assert_int_equal(f->n, 2);
	assert_int_equal(f->msgs[1].dest_id, 0);
	assert_int_equal(rd(s, redtbl_lo(11)) & LO_REMOTE_IRR, LO_REMOTE_IRR);
	assert_true(s->nr_delivered == 1);

	/* No callback at all counts as nobody. */
	ioapic_init(s, NULL, NULL);
	set_entry(s, 11, LO_LEVEL | LO_VECTOR(0x3b), 0);
	kvm_ioapic_set_irq(s, 11, 1);
	assert_int_equal(rd(s, redtbl_lo(11)) & LO_REMOTE_IRR, 0);
	assert_true(s->nr_dropped == 1);
}

static void test_eoi_register(void **state)
{
	struct fixture *f = *state;
	struct kvm_ioapic *s = &f->s;

	set_entry(s, 16, LO_LEVEL | LO_VECTOR(0x50), 0);
	set_entry(s, 17, LO_LEVEL | LO_VECTOR(0x50), 0);
	set_entry(s, 18, LO_LEVEL | LO_VECTOR(0x51), 0);
	kvm_ioapic_set_irq(s, 16, 1);
	kvm_ioapic_set_irq(s, 17, 1);
	kvm_ioapic_set_irq(s, 18, 1);
	assert_int_equal(f->n, 3);

	/* A write of the vector at 0x40 is an EOI for every pin using it. */
	kvm_ioapic_set_irq(s, 17, 0);
	ioapic_mmio_ops.write(s, IOAPIC_REG_EOI, 4, 0x50);
	assert_int_equal(f->n, 4);		/* pin 16, still asserted */
	assert_int_equal(f->msgs[3].vector, 0x50);
	assert_int_equal(rd(s, redtbl_lo(17)) & LO_REMOTE_IRR, 0);
	assert_int_equal(rd(s, redtbl_lo(18)) & LO_REMOTE_IRR, LO_REMOTE_IRR);
	/* Only the low byte is the vector; the register reads 0. */
	ioapic_mmio_ops.write(s, IOAPIC_REG_EOI, 4, 0xffff0051);
	assert_int_equal(rd(s, redtbl_lo(18)) & LO_REMOTE_IRR, LO_REMOTE_IRR);
	assert_int_equal(f->n, 5);
	assert_int_equal(f->msgs[4].vector, 0x51);
	assert_true(ioapic_mmio_ops.read(s, IOAPIC_REG_EOI, 4) == 0);
}

static void test_message_fields(void **state)
{
	struct fixture *f = *state;
	struct kvm_ioapic *s = &f->s;
	const struct kvm_lapic_irq *m;

	set_entry(s, 2, LO_LOGICAL | LO_DM(APIC_DM_LOWEST) | LO_LEVEL |
		  LO_VECTOR(0x62), HI_DEST(0x0f));
	kvm_ioapic_set_irq(s, 2, 1);
	assert_int_equal(f->n, 1);
	m = &f->msgs[0];
	assert_int_equal(m->vector, 0x62);
	assert_int_equal(m->delivery_mode, APIC_DM_LOWEST);
	assert_int_equal(m->dest_mode, APIC_DEST_LOGICAL);
	assert_int_equal(m->trig_mode, APIC_TRIG_LEVEL);
	assert_int_equal(m->level, 1);
	assert_int_equal(m->shorthand, APIC_DEST_NOSHORT);
	assert_int_equal(m->dest_id, 0x0f);

	/* Physical, fixed, edge. */
	set_entry(s, 4, LO_VECTOR(0xec), HI_DEST(0xfe));
	kvm_ioapic_set_irq(s, 4, 1);
	m = &f->msgs[1];
	assert_int_equal(m->vector, 0xec);
	assert_int_equal(m->delivery_mode, APIC_DM_FIXED);
	assert_int_equal(m->dest_mode, APIC_DEST_PHYSICAL);
	assert_int_equal(m->trig_mode, APIC_TRIG_EDGE);
	assert_int_equal(m->dest_id, 0xfe);

	/* NMI programmed level-triggered is still an edge: no remote IRR,
	 * one message per rising edge. */
	set_entry(s, 6, LO_DM(APIC_DM_NMI) | LO_LEVEL, HI_DEST(1));
	kvm_ioapic_set_irq(s, 6, 1);
	assert_int_equal(f->n, 3);
	m = &f->msgs[2];
	assert_int_equal(m->delivery_mode, APIC_DM_NMI);
	assert_int_equal(m->trig_mode, APIC_TRIG_EDGE);
	assert_int_equal(rd(s, redtbl_lo(6)) & LO_REMOTE_IRR, 0);
	kvm_ioapic_set_irq(s, 6, 1);
	assert_int_equal(f->n, 3);

	/* ExtINT (the 8259's INTR routed through pin 0). */
	set_entry(s, 0, LO_DM(APIC_DM_EXTINT), HI_DEST(0));
	kvm_ioapic_set_irq(s, 0, 1);
	assert_int_equal(f->n, 4);
	assert_int_equal(f->msgs[3].delivery_mode, APIC_DM_EXTINT);
}

static void test_level_to_edge_clears_remote_irr(void **state)
{
	struct fixture *f = *state;
	struct kvm_ioapic *s = &f->s;

	set_entry(s, 20, LO_LEVEL | LO_VECTOR(0x70), 0);
	kvm_ioapic_set_irq(s, 20, 1);
	assert_int_equal(rd(s, redtbl_lo(20)) & LO_REMOTE_IRR, LO_REMOTE_IRR);
	/* The flip to edge and back that OSes use on a stuck remote IRR. */
	wr(s, redtbl_lo(20), LO_MASKED | LO_VECTOR(0x70));
	assert_int_equal(rd(s, redtbl_lo(20)) & LO_REMOTE_IRR, 0);
	kvm_ioapic_set_irq(s, 20, 0);
	wr(s, redtbl_lo(20), LO_LEVEL | LO_VECTOR(0x70));
	assert_int_equal(f->n, 1);
	kvm_ioapic_set_irq(s, 20, 1);
	assert_int_equal(f->n, 2);
}

static void test_bad_pin(void **state)
{
	struct fixture *f = *state;
	struct kvm_ioapic *s = &f->s;
	int pin;

	for (pin = 0; pin < IOAPIC_NUM_PINS; pin++)
		set_entry(s, pin, LO_VECTOR(0x80 + pin), 0);
	kvm_ioapic_set_irq(s, -1, 1);
	kvm_ioapic_set_irq(s, IOAPIC_NUM_PINS, 1);
	kvm_ioapic_set_irq(s, 1000, 1);
	assert_int_equal(f->n, 0);
	assert_true(s->line_level == 0);
	/* A write beyond the table does not land in an entry. */
	wr(s, redtbl_lo(IOAPIC_NUM_PINS), 0);
	wr(s, redtbl_hi(IOAPIC_NUM_PINS), 0xffffffff);
	for (pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
		assert_int_equal(rd(s, redtbl_lo(pin)), 0x80 + pin);
		assert_int_equal(rd(s, redtbl_hi(pin)), 0);
	}
	/* Nor does an EOI for an odd vector deliver anything. */
	kvm_ioapic_update_eoi(s, -1);
	kvm_ioapic_update_eoi(s, 0x1000);
	assert_int_equal(f->n, 0);
}

static void test_narrow_and_odd_accesses(void **state)
{
	struct fixture *f = *state;
	struct kvm_ioapic *s = &f->s;

	/* Byte write of IOREGSEL; byte and word reads of IOWIN. */
	ioapic_mmio_ops.write(s, IOAPIC_REG_SELECT, 1, IOAPIC_REG_VERSION);
	assert_int_equal(ioapic_mmio_ops.read(s, IOAPIC_REG_SELECT, 1),
			 IOAPIC_REG_VERSION);
	assert_int_equal(ioapic_mmio_ops.read(s, IOAPIC_REG_WINDOW, 1), 0x20);
	assert_int_equal(ioapic_mmio_ops.read(s, IOAPIC_REG_WINDOW + 2, 1),
			 0x17);
	assert_int_equal(ioapic_mmio_ops.read(s, IOAPIC_REG_WINDOW + 2, 2),
			 0x0017);
	assert_int_equal(ioapic_mmio_ops.read(s, IOAPIC_REG_WINDOW, 2),
			 0x0020);
	/* 8 bytes at IOWIN: the register, then reserved space reading 0. */
	assert_true(ioapic_mmio_ops.read(s, IOAPIC_REG_WINDOW, 8) ==
		    0x00170020ull);
	/* Bytes of IOREGSEL above the first are 0 and ignore writes. */
	ioapic_mmio_ops.write(s, IOAPIC_REG_SELECT + 1, 1, 0x12);
	assert_int_equal(ioapic_mmio_ops.read(s, IOAPIC_REG_SELECT, 4),
			 IOAPIC_REG_VERSION);

	/* A byte write at IOWIN + 3 merges into the ID register. */
	sel(s, IOAPIC_REG_ID);
	ioapic_mmio_ops.write(s, IOAPIC_REG_WINDOW + 3, 1, 0x05);
	assert_int_equal(rd(s, IOAPIC_REG_ID), 0x05000000);
	/* A word write at IOWIN + 2 of an entry (here: unmasking it) keeps
	 * the low word. */
	set_entry(s, 7, LO_MASKED | LO_VECTOR(0x47), 0);
	sel(s, redtbl_lo(7));
	ioapic_mmio_ops.write(s, IOAPIC_REG_WINDOW + 2, 2, 0);
	assert_int_equal(rd(s, redtbl_lo(7)), 0x47);
	kvm_ioapic_set_irq(s, 7, 1);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->msgs[0].vector, 0x47);

	/* Unimplemented offsets read 0 and ignore writes. */
	ioapic_mmio_ops.write(s, 0x20, 4, 0xffffffff);
	assert_true(ioapic_mmio_ops.read(s, 0x20, 4) == 0);
	assert_true(ioapic_mmio_ops.read(s, 0x04, 4) == 0);
	assert_true(ioapic_mmio_ops.read(s, IOAPIC_MEM_LENGTH - 4, 8) == 0);
	assert_int_equal(rd(s, IOAPIC_REG_ID), 0x05000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_id_version_arb, setup),
		cmocka_unit_test_setup(test_redtbl_read_write, setup),
		cmocka_unit_test_setup(test_edge_delivery, setup),
		cmocka_unit_test_setup(test_masked_pins, setup),
		cmocka_unit_test_setup(test_level_remote_irr, setup),
		cmocka_unit_test_setup(test_level_not_accepted, setup),
		cmocka_unit_test_setup(test_eoi_register, setup),
		cmocka_unit_test_setup(test_message_fields, setup),
		cmocka_unit_test_setup(test_level_to_edge_clears_remote_irr,
				       setup),
		cmocka_unit_test_setup(test_bad_pin, setup),
		cmocka_unit_test_setup(test_narrow_and_odd_accesses, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

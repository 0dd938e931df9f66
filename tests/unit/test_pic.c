/* SPDX-License-Identifier: MIT */
/* Unit tests of dev/pic8259.c against the 8259A datasheet and PIIX ELCR. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dev/pic8259.h"

#define MASTER_CMD	(PIC_MASTER_BASE + PIC_CMD)
#define MASTER_DATA	(PIC_MASTER_BASE + PIC_DATA)
#define SLAVE_CMD	(PIC_SLAVE_BASE + PIC_CMD)
#define SLAVE_DATA	(PIC_SLAVE_BASE + PIC_DATA)
#define ELCR_MASTER	PIC_ELCR_BASE
#define ELCR_SLAVE	(PIC_ELCR_BASE + 1)

/* Command bytes as a guest writes them. */
#define OCW2_EOI	(PIC_OCW2_EOI << PIC_OCW2_CMD_SHIFT)
#define OCW2_SEOI(l)	\
	((PIC_OCW2_SPECIFIC_EOI << PIC_OCW2_CMD_SHIFT) | (l))
#define OCW2_ROT_EOI	(PIC_OCW2_ROTATE_EOI << PIC_OCW2_CMD_SHIFT)
#define OCW2_SETPRI(l)	\
	((PIC_OCW2_SET_PRIORITY << PIC_OCW2_CMD_SHIFT) | (l))
#define OCW3_READ_IRR	(PIC_OCW3_SELECT | PIC_OCW3_RR)
#define OCW3_READ_ISR	(PIC_OCW3_SELECT | PIC_OCW3_RR | PIC_OCW3_RIS)
#define OCW3_POLL	(PIC_OCW3_SELECT | PIC_OCW3_POLL)
#define OCW3_SMM_ON	(PIC_OCW3_SELECT | PIC_OCW3_ESMM | PIC_OCW3_SMM)
#define OCW3_SMM_OFF	(PIC_OCW3_SELECT | PIC_OCW3_ESMM)

struct fixture {
	struct kvm_pic pic;
	unsigned int intr_calls;
	bool intr_level;
};

static void intr_changed(void *ctx, bool level)
{
	struct fixture *f = ctx;

	f->intr_calls++;
	f->intr_level = level;
}

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	pic_init(&f.pic, intr_changed, &f);
	*state = &f;
	return 0;
}

/* Port access through the bus glue, as the run loop would do it. */
static const struct io_device_ops *port_ops(u16 port, u64 *off)
{
	if (port >= PIC_ELCR_BASE) {
		*off = port - PIC_ELCR_BASE;
		return &pic_elcr_ops;
	}
	if (port >= PIC_SLAVE_BASE) {
		*off = port - PIC_SLAVE_BASE;
		return &pic_slave_ops;
	}
	*off = port - PIC_MASTER_BASE;
	return &pic_master_ops;
}

static void out(struct kvm_pic *s, u16 port, u8 val)
{
	u64 off;
	const struct io_device_ops *ops = port_ops(port, &off);

	ops->write(s, off, 1, val);
}

static u8 in(struct kvm_pic *s, u16 port)
{
	u64 off;
	const struct io_device_ops *ops = port_ops(port, &off);

	return ops->read(s, off, 1);
}

/* What Linux's init_8259A() writes; @master_icw4 is 0x01 (8086 mode) there,
 * tests add AEOI or SFNM. */
static void linux_init(struct kvm_pic *s, u8 master_icw4)
{
	out(s, MASTER_CMD, 0x11);	/* ICW1: init, ICW4 needed */
	out(s, MASTER_DATA, 0x20);	/* ICW2: vectors 0x20-0x27 */
	out(s, MASTER_DATA, 0x04);	/* ICW3: slave on IR2 */
	out(s, MASTER_DATA, master_icw4);
	out(s, SLAVE_CMD, 0x11);
	out(s, SLAVE_DATA, 0x28);	/* vectors 0x28-0x2f */
	out(s, SLAVE_DATA, 0x02);	/* slave ID 2 */
	out(s, SLAVE_DATA, 0x01);
}

static int setup_linux(void **state)
{
	struct fixture *f;

	setup(state);
	f = *state;
	linux_init(&f->pic, PIC_ICW4_UPM);
	return 0;
}

static void pulse(struct kvm_pic *s, int irq)
{
	kvm_pic_set_irq(s, irq, 1);
	kvm_pic_set_irq(s, irq, 0);
}

static u8 read_isr(struct kvm_pic *s, u16 cmd)
{
	out(s, cmd, OCW3_READ_ISR);
	return in(s, cmd);
}

static u8 read_irr(struct kvm_pic *s, u16 cmd)
{
	out(s, cmd, OCW3_READ_IRR);
	return in(s, cmd);
}

static void test_power_on_and_icw1_reset(void **state)
{
	struct fixture *f = *state;
	struct kvm_pic *s = &f->pic;

	assert_false(pic_has_interrupt(s));
	assert_int_equal(in(s, MASTER_DATA), 0);
	assert_int_equal(in(s, SLAVE_DATA), 0);
	assert_int_equal(in(s, MASTER_CMD), 0);	/* IRR */

	linux_init(s, PIC_ICW4_UPM);
	kvm_pic_set_irq(s, 1, 1);		/* held high */
	assert_int_equal(kvm_pic_read_irq(s), 0x21);
	out(s, MASTER_DATA, BIT(3));
	pulse(s, 3);				/* edge latched, masked */
	assert_int_equal(read_irr(s, MASTER_CMD), BIT(3));
	assert_int_equal(read_isr(s, MASTER_CMD), BIT(1));

	/* ICW1: IMR and ISR cleared, edge latches reset, reads select IRR
	 * again. */
	out(s, MASTER_CMD, 0x11);
	assert_int_equal(in(s, MASTER_CMD), 0);
	out(s, MASTER_DATA, 0x20);
	out(s, MASTER_DATA, 0x04);
	out(s, MASTER_DATA, 0x01);
	assert_int_equal(in(s, MASTER_DATA), 0);
	assert_int_equal(read_isr(s, MASTER_CMD), 0);
	/* The input is still high: no new edge, no request. */
	assert_false(pic_has_interrupt(s));
	kvm_pic_set_irq(s, 1, 0);
	kvm_pic_set_irq(s, 1, 1);
	assert_true(pic_has_interrupt(s));
	assert_int_equal(kvm_pic_read_irq(s), 0x21);
}

static void test_init_sequence(void **state)
{
	struct fixture *f = *state;
	struct kvm_pic *s = &f->pic;

	linux_init(s, PIC_ICW4_UPM);
	assert_int_equal(s->pics[0].irq_base, 0x20);
	assert_int_equal(s->pics[1].irq_base, 0x28);
	assert_int_equal(s->pics[0].init_state, PIC_INIT_READY);
	/* The next data write is OCW1, and reads return it. */
	out(s, MASTER_DATA, 0xfb);
	out(s, SLAVE_DATA, 0xff);
	assert_int_equal(in(s, MASTER_DATA), 0xfb);
	assert_int_equal(in(s, SLAVE_DATA), 0xff);

	/* ICW2's low three bits are ignored in 8086 mode. */
	out(s, MASTER_CMD, 0x11);
	out(s, MASTER_DATA, 0x37);
	out(s, MASTER_DATA, 0x04);
	out(s, MASTER_DATA, 0x01);
	assert_int_equal(s->pics[0].irq_base, 0x30);
	kvm_pic_set_irq(s, 4, 1);
	assert_int_equal(kvm_pic_read_irq(s), 0x34);

	/* Without IC4 the sequence ends after ICW3. */
	out(s, SLAVE_CMD, 0x10);
	out(s, SLAVE_DATA, 0x70);
	out(s, SLAVE_DATA, 0x02);
	out(s, SLAVE_DATA, 0x5a);
	assert_int_equal(in(s, SLAVE_DATA), 0x5a);
	assert_int_equal(s->pics[1].irq_base, 0x70);

	/* Single mode skips ICW3. */
	out(s, SLAVE_CMD, PIC_ICW1_INIT | PIC_ICW1_SNGL | PIC_ICW1_IC4);
	out(s, SLAVE_DATA, 0x78);
	out(s, SLAVE_DATA, PIC_ICW4_UPM | PIC_ICW4_AEOI);
	assert_true(s->pics[1].auto_eoi);
	out(s, SLAVE_DATA, 0xa5);
	assert_int_equal(in(s, SLAVE_DATA), 0xa5);
}

static void test_irq1_vector_and_eoi(void **state)
{
	struct fixture *f = *state;
	struct kvm_pic *s = &f->pic;

	assert_false(pic_has_interrupt(s));
	pulse(s, 1);
	assert_true(pic_has_interrupt(s));
	assert_int_equal(read_irr(s, MASTER_CMD), BIT(1));
	assert_int_equal(kvm_pic_read_irq(s), 0x21);
	assert_false(pic_has_interrupt(s));
	assert_int_equal(read_irr(s, MASTER_CMD), 0);
	assert_int_equal(read_isr(s, MASTER_CMD), BIT(1));
	out(s, MASTER_CMD, OCW2_EOI);
	assert_int_equal(in(s, MASTER_CMD), 0);	/* ISR still selected */
}

static void test_slave_cascade(void **state)
{
	struct fixture *f = *state;
	struct kvm_pic *s = &f->pic;

	pulse(s, 10);
	assert_true(pic_has_interrupt(s));
	assert_int_equal(read_irr(s, MASTER_CMD), BIT(2));
	assert_int_equal(read_irr(s, SLAVE_CMD), BIT(2));
	assert_int_equal(kvm_pic_read_irq(s), 0x2a);
	assert_false(pic_has_interrupt(s));
	assert_int_equal(read_isr(s, MASTER_CMD), BIT(2));
	assert_int_equal(read_isr(s, SLAVE_CMD), BIT(2));
	assert_int_equal(read_irr(s, MASTER_CMD), 0);

	/* A higher slave IRQ raises the slave's INT, but IR2 is in service
	 * on the master: it waits for the master's EOI. */
	pulse(s, 9);
	assert_int_equal(read_irr(s, MASTER_CMD), BIT(2));
	assert_false(pic_has_interrupt(s));
	out(s, SLAVE_CMD, OCW2_EOI);
	assert_int_equal(read_isr(s, SLAVE_CMD), 0);
	assert_false(pic_has_interrupt(s));
	out(s, MASTER_CMD, OCW2_EOI);
	assert_true(pic_has_interrupt(s));
	assert_int_equal(kvm_pic_read_irq(s), 0x29);

	/* IRQ 2 belongs to the cascade: ignored as an input. */
	out(s, SLAVE_CMD, OCW2_EOI);
	out(s, MASTER_CMD, OCW2_EOI);
	kvm_pic_set_irq(s, 2, 1);
	kvm_pic_set_irq(s, -1, 1);
	kvm_pic_set_irq(s, 16, 1);
	assert_false(pic_has_interrupt(s));
}

static void test_masks(void **state)
{
	struct fixture *f = *state;
	struct kvm_pic *s = &f->pic;

	out(s, MASTER_DATA, BIT(1));
	pulse(s, 1);
	assert_false(pic_has_interrupt(s));
	assert_int_equal(read_irr(s, MASTER_CMD), BIT(1));
	out(s, MASTER_DATA, 0);
	assert_true(pic_has_interrupt(s));
	assert_int_equal(kvm_pic_read_irq(s), 0x21);
	out(s, MASTER_CMD, OCW2_EOI);

	/* Masking IR2 on the master silences every slave input ... */
	out(s, MASTER_DATA, BIT(2));
	pulse(s, 12);
	assert_false(pic_has_interrupt(s));
	out(s, MASTER_DATA, 0);
	assert_true(pic_has_interrupt(s));
	assert_int_equal(kvm_pic_read_irq(s), 0x2c);
	out(s, SLAVE_CMD, OCW2_EOI);
	out(s, MASTER_CMD, OCW2_EOI);

	/* ... and the slave's own IMR masks one. */
	out(s, SLAVE_DATA, BIT(14 - 8));
	pulse(s, 14);
	assert_false(pic_has_interrupt(s));
	assert_int_equal(read_irr(s, MASTER_CMD), 0);
}

static void test_priority(void **state)
{
	struct fixture *f = *state;
	struct kvm_pic *s = &f->pic;

	pulse(s, 3);
	pulse(s, 0);
	assert_int_equal(kvm_pic_read_irq(s), 0x20);
	/* IRQ 0 in service blocks the lower IRQ 3. */
	assert_false(pic_has_interrupt(s));
	out(s, MASTER_CMD, OCW2_EOI);
	assert_true(pic_has_interrupt(s));
	assert_int_equal(kvm_pic_read_irq(s), 0x23);

	/* IRQ 3 in service: IRQ 5 waits, IRQ 1 nests. */
	pulse(s, 5);
	assert_false(pic_has_interrupt(s));
	pulse(s, 1);
	assert_true(pic_has_interrupt(s));
	assert_int_equal(kvm_pic_read_irq(s), 0x21);
	/* The same level does not nest on itself either. */
	pulse(s, 1);
	assert_false(pic_has_interrupt(s));
	assert_int_equal(read_isr(s, MASTER_CMD), BIT(1) | BIT(3));
}

static void test_nonspecific_and_specific_eoi(void **state)
{
	struct fixture *f = *state;
	struct kvm_pic *s = &f->pic;

	pulse(s, 3);
	assert_int_equal(kvm_pic_read_irq(s), 0x23);
	pulse(s, 1);
	assert_int_equal(kvm_pic_read_irq(s), 0x21);
	assert_int_equal(read_isr(s, MASTER_CMD), BIT(1) | BIT(3));
	/* Non-specific EOI ends the highest-priority level in service. */
	out(s, MASTER_CMD, OCW2_EOI);
	assert_int_equal(in(s, MASTER_CMD), BIT(3));
	out(s, MASTER_CMD, OCW2_EOI);
	assert_int_equal(in(s, MASTER_CMD), 0);
	/* Nothing in service: a further EOI changes nothing. */
	out(s, MASTER_CMD, OCW2_EOI);
	assert_int_equal(in(s, MASTER_CMD), 0);

	/* Specific EOI names its level. */
	pulse(s, 3);
	kvm_pic_read_irq(s);
	pulse(s, 1);
	kvm_pic_read_irq(s);
	out(s, MASTER_CMD, OCW2_SEOI(3));
	assert_int_equal(read_isr(s, MASTER_CMD), BIT(1));
}

static void test_edge_vs_level(void **state)
{
	struct fixture *f = *state;
	struct kvm_pic *s = &f->pic;

	/* Edge IRQ 4 held high: one interrupt per rising edge. */
	kvm_pic_set_irq(s, 4, 1);
	assert_int_equal(kvm_pic_read_irq(s), 0x24);
	out(s, MASTER_CMD, OCW2_EOI);
	kvm_pic_set_irq(s, 4, 1);
	assert_false(pic_has_interrupt(s));
	kvm_pic_set_irq(s, 4, 0);
	assert_false(pic_has_interrupt(s));
	kvm_pic_set_irq(s, 4, 1);
	assert_true(pic_has_interrupt(s));
	assert_int_equal(kvm_pic_read_irq(s), 0x24);
	out(s, MASTER_CMD, OCW2_EOI);
	kvm_pic_set_irq(s, 4, 0);

	/* Level IRQ 5: asks again after EOI while high. */
	out(s, ELCR_MASTER, BIT(5));
	kvm_pic_set_irq(s, 5, 1);
	assert_int_equal(kvm_pic_read_irq(s), 0x25);
	assert_false(pic_has_interrupt(s));	/* in service */
	assert_int_equal(read_irr(s, MASTER_CMD), BIT(5));
	out(s, MASTER_CMD, OCW2_EOI);
	assert_true(pic_has_interrupt(s));
	assert_int_equal(kvm_pic_read_irq(s), 0x25);
	kvm_pic_set_irq(s, 5, 0);
	out(s, MASTER_CMD, OCW2_EOI);
	assert_false(pic_has_interrupt(s));
	assert_int_equal(read_irr(s, MASTER_CMD), 0);

	/* A level input turned on while high requests at once. */
	kvm_pic_set_irq(s, 6, 1);
	kvm_pic_read_irq(s);
	out(s, MASTER_CMD, OCW2_EOI);
	assert_false(pic_has_interrupt(s));
	out(s, ELCR_MASTER, BIT(5) | BIT(6));
	assert_true(pic_has_interrupt(s));
	assert_int_equal(kvm_pic_read_irq(s), 0x26);
}

static void test_spurious(void **state)
{
	struct fixture *f = *state;
	struct kvm_pic *s = &f->pic;

	/* A level request withdrawn before INTA: IR7, nothing in service. */
	out(s, ELCR_MASTER, BIT(5));
	kvm_pic_set_irq(s, 5, 1);
	assert_true(pic_has_interrupt(s));
	kvm_pic_set_irq(s, 5, 0);
	assert_false(pic_has_interrupt(s));
	assert_int_equal(kvm_pic_read_irq(s), 0x27);
	assert_int_equal(read_isr(s, MASTER_CMD), 0);

	/* Same on the slave: the master latched the IR2 edge, the slave has
	 * nothing to say → IRQ 15's vector; master IR2 stays in service. */
	out(s, ELCR_SLAVE, BIT(11 - 8));
	kvm_pic_set_irq(s, 11, 1);
	kvm_pic_set_irq(s, 11, 0);
	assert_true(pic_has_interrupt(s));
	assert_int_equal(kvm_pic_read_irq(s), 0x2f);
	assert_int_equal(read_isr(s, MASTER_CMD), BIT(2));
	assert_int_equal(read_isr(s, SLAVE_CMD), 0);
	assert_false(pic_has_interrupt(s));
}

static void test_ocw3_reads_and_poll(void **state)
{
	struct fixture *f = *state;
	struct kvm_pic *s = &f->pic;

	out(s, MASTER_DATA, BIT(6));
	pulse(s, 6);
	assert_int_equal(read_irr(s, MASTER_CMD), BIT(6));
	assert_int_equal(read_isr(s, MASTER_CMD), 0);
	/* The selection sticks; the data port still reads IMR. */
	assert_int_equal(in(s, MASTER_CMD), 0);
	assert_int_equal(in(s, MASTER_DATA), BIT(6));
	out(s, MASTER_DATA, 0);
	kvm_pic_read_irq(s);
	assert_int_equal(in(s, MASTER_CMD), BIT(6));
	/* OCW3 without RR leaves the selection alone. */
	out(s, MASTER_CMD, PIC_OCW3_SELECT);
	assert_int_equal(in(s, MASTER_CMD), BIT(6));
	out(s, MASTER_CMD, OCW2_EOI);

	/* Poll: the read acknowledges and returns I + level, once. */
	pulse(s, 3);
	out(s, MASTER_CMD, OCW3_POLL);
	assert_int_equal(in(s, MASTER_DATA), PIC_POLL_INT | 3);
	assert_false(pic_has_interrupt(s));
	assert_int_equal(read_isr(s, MASTER_CMD), BIT(3));
	out(s, MASTER_CMD, OCW2_EOI);
	out(s, MASTER_CMD, OCW3_POLL);
	assert_int_equal(in(s, MASTER_CMD), 0);

	/* Polling a slave request: master reports IR2, slave the level. */
	pulse(s, 13);
	out(s, MASTER_CMD, OCW3_POLL);
	assert_int_equal(in(s, MASTER_CMD), PIC_POLL_INT | 2);
	out(s, SLAVE_CMD, OCW3_POLL);
	assert_int_equal(in(s, SLAVE_CMD), PIC_POLL_INT | (13 - 8));
	assert_false(pic_has_interrupt(s));
	out(s, SLAVE_CMD, OCW2_EOI);
	out(s, MASTER_CMD, OCW2_EOI);

	/* Polling the slave alone consumes the request the master latched
	 * on IR2 for it; a second slave request is latched anew. */
	pulse(s, 13);
	pulse(s, 14);
	assert_true(pic_has_interrupt(s));
	out(s, SLAVE_CMD, OCW3_POLL);
	assert_int_equal(in(s, SLAVE_CMD), PIC_POLL_INT | (13 - 8));
	assert_int_equal(read_irr(s, MASTER_CMD), 0);
	assert_false(pic_has_interrupt(s));
	out(s, SLAVE_CMD, OCW2_EOI);
	assert_int_equal(read_irr(s, MASTER_CMD), BIT(2));
	out(s, SLAVE_CMD, OCW3_POLL);
	assert_int_equal(in(s, SLAVE_CMD), PIC_POLL_INT | (14 - 8));
	assert_int_equal(read_irr(s, MASTER_CMD), 0);
}

static void test_elcr(void **state)
{
	struct fixture *f = *state;
	struct kvm_pic *s = &f->pic;

	assert_int_equal(in(s, ELCR_MASTER), 0);
	assert_int_equal(in(s, ELCR_SLAVE), 0);
	out(s, ELCR_MASTER, 0xff);
	out(s, ELCR_SLAVE, 0xff);
	/* IRQ 0, 1, 2, 8 and 13 stay edge. */
	assert_int_equal(in(s, ELCR_MASTER), 0xf8);
	assert_int_equal(in(s, ELCR_SLAVE), 0xde);
	/* IRQ 8 (RTC) held high: one interrupt, it is still edge. */
	kvm_pic_set_irq(s, 8, 1);
	assert_int_equal(kvm_pic_read_irq(s), 0x28);
	out(s, SLAVE_CMD, OCW2_EOI);
	out(s, MASTER_CMD, OCW2_EOI);
	assert_false(pic_has_interrupt(s));
	/* While IRQ 9, level now, asks again after its EOIs. */
	kvm_pic_set_irq(s, 9, 1);
	assert_int_equal(kvm_pic_read_irq(s), 0x29);
	out(s, SLAVE_CMD, OCW2_EOI);
	out(s, MASTER_CMD, OCW2_EOI);
	assert_true(pic_has_interrupt(s));
	/* Withdrawn before INTA: the master's IR2 is an edge input and keeps
	 * its request, the slave has none → IRQ 15's vector, as on a PC. */
	kvm_pic_set_irq(s, 9, 0);
	assert_true(pic_has_interrupt(s));
	assert_int_equal(kvm_pic_read_irq(s), 0x2f);
	out(s, MASTER_CMD, OCW2_EOI);
	assert_false(pic_has_interrupt(s));

	assert_true(pic_elcr_ops.read(s, 0, 2) == 0xdef8);
	pic_elcr_ops.write(s, 0, 2, 0x0c20);
	assert_int_equal(in(s, ELCR_MASTER), 0x20);
	assert_int_equal(in(s, ELCR_SLAVE), 0x0c);
	/* Beyond the two registers: all-ones, writes dropped. */
	assert_true(pic_elcr_ops.read(s, 1, 2) == 0xff0c);
	pic_elcr_ops.write(s, 1, 2, 0xff00);
	assert_int_equal(in(s, ELCR_SLAVE), 0);
}

static void test_auto_eoi(void **state)
{
	struct fixture *f = *state;
	struct kvm_pic *s = &f->pic;

	linux_init(s, PIC_ICW4_UPM | PIC_ICW4_AEOI);
	pulse(s, 1);
	assert_int_equal(kvm_pic_read_irq(s), 0x21);
	assert_int_equal(read_isr(s, MASTER_CMD), 0);
	/* Nothing in service: a lower IRQ gets through without an EOI. */
	pulse(s, 3);
	assert_true(pic_has_interrupt(s));
	assert_int_equal(kvm_pic_read_irq(s), 0x23);
	assert_false(pic_has_interrupt(s));

	/* Rotate in AEOI mode: the acknowledged level becomes lowest. */
	out(s, MASTER_CMD, PIC_OCW2_ROTATE_AEOI_SET << PIC_OCW2_CMD_SHIFT);
	pulse(s, 0);
	assert_int_equal(kvm_pic_read_irq(s), 0x20);
	pulse(s, 0);
	pulse(s, 4);
	assert_int_equal(kvm_pic_read_irq(s), 0x24);
	assert_int_equal(kvm_pic_read_irq(s), 0x20);
}

static void test_rotation(void **state)
{
	struct fixture *f = *state;
	struct kvm_pic *s = &f->pic;

	/* Set priority: IRQ 3 lowest, so IRQ 4 is highest. */
	out(s, MASTER_CMD, OCW2_SETPRI(3));
	pulse(s, 0);
	pulse(s, 4);
	assert_int_equal(kvm_pic_read_irq(s), 0x24);
	/* IRQ 0 now has lower priority than IRQ 4 in service. */
	assert_false(pic_has_interrupt(s));

	/* Rotate on non-specific EOI: IRQ 4 ends and becomes lowest. */
	out(s, MASTER_CMD, OCW2_ROT_EOI);
	assert_int_equal(read_isr(s, MASTER_CMD), 0);
	pulse(s, 4);
	pulse(s, 7);
	assert_int_equal(kvm_pic_read_irq(s), 0x27);
	out(s, MASTER_CMD, OCW2_EOI);
	assert_int_equal(kvm_pic_read_irq(s), 0x20);
}

static void test_special_mask_mode(void **state)
{
	struct fixture *f = *state;
	struct kvm_pic *s = &f->pic;

	pulse(s, 1);
	assert_int_equal(kvm_pic_read_irq(s), 0x21);
	pulse(s, 5);
	assert_false(pic_has_interrupt(s));
	/* The handler masks its own level in special mask mode. */
	out(s, MASTER_CMD, OCW3_SMM_ON);
	out(s, MASTER_DATA, BIT(1));
	assert_true(pic_has_interrupt(s));
	assert_int_equal(kvm_pic_read_irq(s), 0x25);
	out(s, MASTER_CMD, OCW2_SEOI(5));
	out(s, MASTER_CMD, OCW3_SMM_OFF);
	out(s, MASTER_DATA, 0);
	assert_int_equal(read_isr(s, MASTER_CMD), BIT(1));
}

static void test_special_fully_nested(void **state)
{
	struct fixture *f = *state;
	struct kvm_pic *s = &f->pic;

	/* Fully nested: a higher slave IRQ waits behind master IR2. */
	pulse(s, 12);
	assert_int_equal(kvm_pic_read_irq(s), 0x2c);
	pulse(s, 9);
	assert_false(pic_has_interrupt(s));

	/* Special fully nested on the master: it nests. */
	setup(state);
	f = *state;
	s = &f->pic;
	linux_init(s, PIC_ICW4_UPM | PIC_ICW4_SFNM);
	pulse(s, 12);
	assert_int_equal(kvm_pic_read_irq(s), 0x2c);
	pulse(s, 9);
	assert_true(pic_has_interrupt(s));
	assert_int_equal(kvm_pic_read_irq(s), 0x29);
	/* A lower one still waits for the slave's EOIs. */
	pulse(s, 14);
	assert_false(pic_has_interrupt(s));
	assert_int_equal(read_isr(s, SLAVE_CMD), BIT(1) | BIT(4));
}

static void test_slave_auto_eoi_second_request(void **state)
{
	struct fixture *f = *state;
	struct kvm_pic *s = &f->pic;

	/* Slave in AEOI with two requests: the second one is not lost
	 * behind an IR2 input that never went low. */
	linux_init(s, PIC_ICW4_UPM | PIC_ICW4_AEOI);
	out(s, SLAVE_CMD, 0x11);
	out(s, SLAVE_DATA, 0x28);
	out(s, SLAVE_DATA, 0x02);
	out(s, SLAVE_DATA, PIC_ICW4_UPM | PIC_ICW4_AEOI);
	pulse(s, 9);
	pulse(s, 11);
	assert_int_equal(kvm_pic_read_irq(s), 0x29);
	assert_true(pic_has_interrupt(s));
	assert_int_equal(kvm_pic_read_irq(s), 0x2b);
	assert_false(pic_has_interrupt(s));
}

static void test_intr_changed(void **state)
{
	struct fixture *f = *state;
	struct kvm_pic *s = &f->pic;

	f->intr_calls = 0;
	pulse(s, 1);
	assert_int_equal(f->intr_calls, 1);
	assert_true(f->intr_level);
	/* A second request while INT is already high: no new call. */
	pulse(s, 3);
	assert_int_equal(f->intr_calls, 1);
	kvm_pic_read_irq(s);
	assert_int_equal(f->intr_calls, 2);
	assert_false(f->intr_level);
	/* Masked request: INT stays low, no call. */
	out(s, MASTER_DATA, BIT(4));
	pulse(s, 4);
	assert_int_equal(f->intr_calls, 2);
	/* The EOI lets IRQ 3 through. */
	out(s, MASTER_CMD, OCW2_EOI);
	assert_int_equal(f->intr_calls, 3);
	assert_true(f->intr_level);

	/* A NULL callback is allowed. */
	pic_init(s, NULL, NULL);
	linux_init(s, PIC_ICW4_UPM);
	pulse(s, 1);
	assert_true(pic_has_interrupt(s));
	assert_int_equal(f->intr_calls, 3);
}

static void test_bus_glue(void **state)
{
	struct fixture *f = *state;
	struct kvm_pic *s = &f->pic;
	u64 v;

	out(s, MASTER_DATA, 0x5a);
	pulse(s, 0);
	/* 16-bit read at the command port: IRR then IMR. */
	v = pic_master_ops.read(s, PIC_CMD, 2);
	assert_true(v == (0x5aull << 8 | BIT(0)));
	/* Past the second port: all-ones. */
	v = pic_slave_ops.read(s, PIC_DATA, 2);
	assert_true(v == 0xff00);
	/* A 16-bit write at the slave's data port: byte 2 dropped. */
	pic_slave_ops.write(s, PIC_DATA, 2, 0x1234);
	assert_int_equal(in(s, SLAVE_DATA), 0x34);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_power_on_and_icw1_reset, setup),
		cmocka_unit_test_setup(test_init_sequence, setup),
		cmocka_unit_test_setup(test_irq1_vector_and_eoi, setup_linux),
		cmocka_unit_test_setup(test_slave_cascade, setup_linux),
		cmocka_unit_test_setup(test_masks, setup_linux),
		cmocka_unit_test_setup(test_priority, setup_linux),
		cmocka_unit_test_setup(test_nonspecific_and_specific_eoi,
				       setup_linux),
		cmocka_unit_test_setup(test_edge_vs_level, setup_linux),
		cmocka_unit_test_setup(test_spurious, setup_linux),
		cmocka_unit_test_setup(test_ocw3_reads_and_poll, setup_linux),
		cmocka_unit_test_setup(test_elcr, setup_linux),
		cmocka_unit_test_setup(test_auto_eoi, setup),
		cmocka_unit_test_setup(test_rotation, setup_linux),
		cmocka_unit_test_setup(test_special_mask_mode, setup_linux),
		cmocka_unit_test_setup(test_special_fully_nested, setup_linux),
		cmocka_unit_test_setup(test_slave_auto_eoi_second_request,
				       setup),
		cmocka_unit_test_setup(test_intr_changed, setup_linux),
		cmocka_unit_test_setup(test_bus_glue, setup_linux),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

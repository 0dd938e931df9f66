/* SPDX-License-Identifier: MIT */
/* Unit tests of dev/lapic.c against the SDM's local APIC behaviour. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dev/lapic.h"

#define TEST_APIC_ID	0x23u
#define TEST_X2APIC_ID	0x123u	/* xAPIC ID 0x23, cluster 0x12 */
#define NR_APICS	3
#define MAX_LOG		16

#define BASE_XAPIC	(APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE)
#define BASE_X2APIC	(BASE_XAPIC | MSR_IA32_APICBASE_EXTD)
#define BASE_DISABLED	APIC_DEFAULT_PHYS_BASE

#define MSR_OF(reg)	(APIC_BASE_MSR + ((reg) >> APIC_REG_SHIFT))
#define VEC_TIMER	0x40

struct fixture {
	u8 pages[NR_APICS][PAGE_SIZE] __aligned(PAGE_SIZE);
	struct kvm_lapic apics[NR_APICS];
	u64 tsc;
	struct kvm_lapic_irq ipis[MAX_LOG];
	unsigned int nr_ipis;
	int eois[MAX_LOG];
	unsigned int nr_eois;
};

static u64 fake_read_tsc(void *ctx)
{
	return ((struct fixture *)ctx)->tsc;
}

static int fake_send_ipi(void *ctx, const struct kvm_lapic_irq *irq)
{
	struct fixture *f = ctx;

	assert_true(f->nr_ipis < MAX_LOG);
	f->ipis[f->nr_ipis++] = *irq;
	return 1;
}

static void fake_eoi_level(void *ctx, int vector)
{
	struct fixture *f = ctx;

	assert_true(f->nr_eois < MAX_LOG);
	f->eois[f->nr_eois++] = vector;
}

static const struct lapic_ops fake_ops = {
	.read_tsc = fake_read_tsc,
	.send_ipi = fake_send_ipi,
	.eoi_level = fake_eoi_level,
};

static const struct lapic_ops tsc_only_ops = {
	.read_tsc = fake_read_tsc,
};

static int setup(void **state)
{
	static struct fixture f;
	unsigned int i;

	/* Garbage that init must clear. */
	memset(f.pages, 0xaa, sizeof(f.pages));
	memset(f.apics, 0xaa, sizeof(f.apics));
	f.tsc = 0;
	f.nr_ipis = 0;
	f.nr_eois = 0;
	for (i = 0; i < NR_APICS; i++)
		kvm_lapic_init(&f.apics[i], f.pages[i], TEST_APIC_ID + i,
			       &fake_ops, &f);
	kvm_lapic_reset(&f.apics[0], true);
	*state = &f;
	return 0;
}

/* MMIO shorthands on apic 0. */
static u32 rd(struct kvm_lapic *apic, u32 reg)
{
	return kvm_lapic_mmio_read(apic, reg, 4);
}

static void wr(struct kvm_lapic *apic, u32 reg, u32 val)
{
	kvm_lapic_mmio_write(apic, reg, 4, val);
}

static void sw_enable(struct kvm_lapic *apic)
{
	wr(apic, APIC_SPIV, APIC_SPIV_APIC_ENABLED | 0xff);
}

static void to_x2apic(struct kvm_lapic *apic)
{
	assert_int_equal(kvm_lapic_set_base(apic, BASE_X2APIC, false), 0);
	assert_true(apic_x2apic_mode(apic));
}

static u64 msr_rd(struct kvm_lapic *apic, u32 msr)
{
	u64 v = ~0ull;

	assert_int_equal(kvm_x2apic_msr_read(apic, msr, &v), 0);
	return v;
}

static u32 esr(struct kvm_lapic *apic)
{
	wr(apic, APIC_ESR, 0);
	return rd(apic, APIC_ESR);
}

static struct kvm_lapic_irq fixed_irq(u32 vector, u32 trig)
{
	struct kvm_lapic_irq irq = {
		.vector = vector,
		.delivery_mode = APIC_DM_FIXED,
		.dest_mode = APIC_DEST_PHYSICAL,
		.level = 1,
		.trig_mode = trig,
		.shorthand = APIC_DEST_NOSHORT,
	};

	return irq;
}

static bool accept(struct kvm_lapic *apic, u32 vector, u32 trig)
{
	struct kvm_lapic_irq irq = fixed_irq(vector, trig);

	return kvm_apic_set_irq(apic, &irq);
}

static bool test_vec(struct kvm_lapic *apic, u32 base, u32 vector)
{
	return kvm_lapic_get_reg(apic, base + (vector / 32) * 0x10) &
	       BIT(vector % 32);
}

/* ---- reset ------------------------------------------------------------ */

static void test_reset_values(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *bsp = &f->apics[0], *ap = &f->apics[1];
	static const u32 lvts[] = { APIC_LVTT, APIC_LVTTHMR, APIC_LVTPC,
				    APIC_LVT0, APIC_LVT1, APIC_LVTERR };
	unsigned int i;

	assert_int_equal(kvm_lapic_get_base(bsp), 0xfee00900ull);
	assert_int_equal(kvm_lapic_get_base(ap), 0xfee00800ull);
	assert_int_equal(kvm_lapic_base_address(bsp), 0xfee00000ull);
	assert_true(kvm_apic_hw_enabled(bsp));
	assert_false(kvm_apic_sw_enabled(bsp));
	assert_false(apic_x2apic_mode(bsp));

	assert_int_equal(rd(bsp, APIC_ID), TEST_APIC_ID << 24);
	assert_int_equal(rd(ap, APIC_ID), (TEST_APIC_ID + 1) << 24);
	assert_int_equal(kvm_apic_id(ap), TEST_APIC_ID + 1);
	assert_int_equal(rd(bsp, APIC_LVR), 0x50014);
	assert_int_equal(rd(bsp, APIC_TASKPRI), 0);
	assert_int_equal(rd(bsp, APIC_ARBPRI), 0);
	assert_int_equal(rd(bsp, APIC_PROCPRI), 0);
	assert_int_equal(rd(bsp, APIC_LDR), 0);
	assert_int_equal(rd(bsp, APIC_DFR), 0xffffffff);
	assert_int_equal(rd(bsp, APIC_SPIV), 0xff);
	for (i = 0; i < 8; i++) {
		assert_int_equal(rd(bsp, APIC_ISR + i * 0x10), 0);
		assert_int_equal(rd(bsp, APIC_TMR + i * 0x10), 0);
		assert_int_equal(rd(bsp, APIC_IRR + i * 0x10), 0);
	}
	for (i = 0; i < ARRAY_SIZE(lvts); i++)
		assert_int_equal(rd(bsp, lvts[i]), APIC_LVT_MASKED);
	assert_int_equal(rd(bsp, APIC_ICR), 0);
	assert_int_equal(rd(bsp, APIC_ICR2), 0);
	assert_int_equal(rd(bsp, APIC_TMICT), 0);
	assert_int_equal(rd(bsp, APIC_TMCCT), 0);
	assert_int_equal(rd(bsp, APIC_TDCR), 0);
	assert_int_equal(esr(bsp), 0);
	assert_int_equal(kvm_lapic_next_deadline(bsp), 0);
	assert_int_equal(bsp->pending_events, 0);
	/* The page is the register file: the version is at 0x30. */
	assert_int_equal(kvm_lapic_get_reg(bsp, APIC_LVR), 0x50014);
	/* Untouched reserved space is zero (init cleared the page). */
	assert_int_equal(kvm_lapic_get_reg(bsp, 0x800), 0);
	/* No CMCI without the feature: a reserved register. */
	assert_int_equal(rd(bsp, APIC_LVTCMCI), 0);
	assert_int_equal(esr(bsp), APIC_ESR_ILLREGA);
}

static void test_features_cmci_directed_eoi(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];

	/* SVR bit 12 is reserved unless advertised. */
	wr(apic, APIC_SPIV, APIC_SPIV_DIRECTED_EOI | APIC_SPIV_APIC_ENABLED);
	assert_int_equal(rd(apic, APIC_SPIV), APIC_SPIV_APIC_ENABLED);

	kvm_lapic_set_features(apic, LAPIC_FEAT_DEFAULT | LAPIC_FEAT_CMCI |
				     LAPIC_FEAT_DIRECTED_EOI);
	kvm_lapic_reset(apic, true);
	assert_int_equal(rd(apic, APIC_LVR), 0x1060014);
	assert_int_equal(rd(apic, APIC_LVTCMCI), APIC_LVT_MASKED);
	wr(apic, APIC_SPIV, APIC_SPIV_DIRECTED_EOI | APIC_SPIV_APIC_ENABLED);
	assert_int_equal(rd(apic, APIC_SPIV),
			 APIC_SPIV_DIRECTED_EOI | APIC_SPIV_APIC_ENABLED);
	wr(apic, APIC_LVTCMCI, 0xffffffff);
	assert_int_equal(rd(apic, APIC_LVTCMCI), 0x107ff);
	assert_int_equal(esr(apic), 0);
}

static void test_init_reset(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0], *x2 = &f->apics[1];

	sw_enable(apic);
	wr(apic, APIC_ID, 0x7u << 24);
	wr(apic, APIC_TASKPRI, 0x30);
	wr(apic, APIC_LVT0, 0x700);
	assert_true(accept(apic, 0x50, APIC_TRIG_EDGE));
	kvm_lapic_reset_init(apic);
	assert_int_equal(kvm_lapic_get_base(apic), 0xfee00900ull);
	assert_int_equal(rd(apic, APIC_ID), 0x7u << 24);	/* kept */
	assert_int_equal(rd(apic, APIC_TASKPRI), 0);
	assert_int_equal(rd(apic, APIC_SPIV), 0xff);
	assert_int_equal(rd(apic, APIC_LVT0), APIC_LVT_MASKED);
	assert_int_equal(apic_find_highest_irr(apic), -1);
	assert_int_equal(rd(apic, APIC_LVR), 0x50014);

	/* INIT in x2APIC mode keeps the mode, the ID and the derived LDR. */
	x2->apic_id = TEST_X2APIC_ID;
	to_x2apic(x2);
	kvm_lapic_reset_init(x2);
	assert_true(apic_x2apic_mode(x2));
	assert_int_equal(msr_rd(x2, MSR_OF(APIC_ID)), TEST_X2APIC_ID);
	assert_int_equal(msr_rd(x2, MSR_OF(APIC_LDR)), (0x12u << 16) | BIT(3));
	assert_int_equal(msr_rd(x2, MSR_OF(APIC_SPIV)), 0xff);
}

/* ---- IA32_APIC_BASE ---------------------------------------------------- */

static void test_apic_base_transitions(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[1];

	/* EXTD without EN is the invalid state. */
	assert_int_equal(kvm_lapic_set_base(apic, BASE_DISABLED |
					    MSR_IA32_APICBASE_EXTD, false),
			 -EINVAL);
	/* xAPIC → x2APIC → xAPIC (illegal) → disabled → x2APIC (bad). */
	to_x2apic(apic);
	assert_int_equal(kvm_lapic_set_base(apic, BASE_XAPIC, false), -EINVAL);
	assert_true(apic_x2apic_mode(apic));
	assert_int_equal(kvm_lapic_set_base(apic, BASE_DISABLED, false), 0);
	assert_false(kvm_apic_hw_enabled(apic));
	assert_int_equal(kvm_lapic_set_base(apic, BASE_X2APIC, false), -EINVAL);
	assert_false(kvm_apic_hw_enabled(apic));
	/* disabled → xAPIC → disabled. */
	assert_int_equal(kvm_lapic_set_base(apic, BASE_XAPIC, false), 0);
	assert_true(kvm_apic_hw_enabled(apic));
	assert_false(apic_x2apic_mode(apic));
	assert_int_equal(kvm_lapic_set_base(apic, BASE_DISABLED, false), 0);
	assert_int_equal(kvm_lapic_get_base(apic), BASE_DISABLED);
	/* The host may restore any valid state directly. */
	assert_int_equal(kvm_lapic_set_base(apic, BASE_X2APIC, true), 0);
	assert_int_equal(msr_rd(apic, MSR_OF(APIC_ID)), TEST_APIC_ID + 1);
	assert_int_equal(kvm_lapic_set_base(apic, BASE_XAPIC, true), 0);
	assert_int_equal(rd(apic, APIC_ID), (TEST_APIC_ID + 1) << 24);
	assert_int_equal(kvm_lapic_set_base(apic, BASE_DISABLED |
					    MSR_IA32_APICBASE_EXTD, true),
			 -EINVAL);
}

static void test_apic_base_reserved_bits(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];

	assert_int_equal(kvm_lapic_set_base(apic, BASE_XAPIC | BIT(0), false),
			 -EINVAL);
	assert_int_equal(kvm_lapic_set_base(apic, BASE_XAPIC | BIT(9), false),
			 -EINVAL);
	assert_int_equal(kvm_lapic_set_base(apic, BASE_XAPIC | BIT(9), true),
			 -EINVAL);
	/* MAXPHYADDR 36 by default: bit 36 is reserved, bit 35 is not. */
	assert_int_equal(kvm_lapic_set_base(apic, BASE_XAPIC | BIT_ULL(36),
					    false), -EINVAL);
	assert_int_equal(kvm_lapic_set_base(apic, BASE_XAPIC | BIT_ULL(35),
					    false), 0);
	assert_int_equal(kvm_lapic_base_address(apic),
			 0xfee00000ull | BIT_ULL(35));
	apic->maxphyaddr = 40;
	assert_int_equal(kvm_lapic_set_base(apic, BASE_XAPIC | BIT_ULL(39),
					    false), 0);
	/* The BSP flag is writable; nothing failed changed the value. */
	assert_int_equal(kvm_lapic_set_base(apic, BASE_XAPIC, false), 0);
	assert_int_equal(kvm_lapic_get_base(apic), BASE_XAPIC);
	assert_int_equal(kvm_lapic_set_base(apic, BASE_XAPIC |
					    MSR_IA32_APICBASE_BSP, false), 0);
	assert_int_equal(kvm_lapic_get_base(apic),
			 BASE_XAPIC | MSR_IA32_APICBASE_BSP);
	/* Without x2APIC support EXTD is reserved. */
	kvm_lapic_set_features(apic, LAPIC_FEAT_TSC_DEADLINE);
	assert_int_equal(kvm_lapic_set_base(apic, BASE_X2APIC, false), -EINVAL);
	assert_false(apic_x2apic_mode(apic));
}

static void test_disable_resets_registers(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];

	sw_enable(apic);
	wr(apic, APIC_ID, 0x5u << 24);
	wr(apic, APIC_TASKPRI, 0x20);
	wr(apic, APIC_LVT1, APIC_DM_NMI << APIC_DM_SHIFT);
	wr(apic, APIC_TMICT, 1000);
	assert_true(accept(apic, 0x80, APIC_TRIG_EDGE));
	assert_int_equal(kvm_lapic_set_base(apic, BASE_DISABLED, false), 0);

	/* Disabled: nothing decodes the MMIO page, nothing is accepted. */
	assert_int_equal(rd(apic, APIC_LVR), 0xffffffff);
	assert_int_equal(kvm_lapic_mmio_read(apic, APIC_LVR, 1), 0xff);
	assert_false(accept(apic, 0x81, APIC_TRIG_EDGE));
	assert_int_equal(kvm_apic_has_interrupt(apic), -1);
	assert_true(kvm_apic_accept_pic_intr(apic));
	assert_int_equal(kvm_lapic_next_deadline(apic), 0);

	assert_int_equal(kvm_lapic_set_base(apic, BASE_XAPIC, false), 0);
	assert_int_equal(rd(apic, APIC_ID), 0x5u << 24);	/* kept */
	assert_int_equal(rd(apic, APIC_TASKPRI), 0);
	assert_int_equal(rd(apic, APIC_SPIV), 0xff);
	assert_int_equal(rd(apic, APIC_LVT1), APIC_LVT_MASKED);
	assert_int_equal(rd(apic, APIC_TMICT), 0);
	assert_int_equal(rd(apic, APIC_LVR), 0x50014);
	assert_int_equal(apic_find_highest_irr(apic), -1);
	assert_false(kvm_apic_accept_pic_intr(apic));
}

/* ---- x2APIC ----------------------------------------------------------- */

static void test_x2apic_enter_and_leave(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[2];
	u64 v;

	apic->apic_id = TEST_X2APIC_ID;
	kvm_lapic_reset(apic, false);
	assert_int_equal(rd(apic, APIC_ID), 0x23u << 24);
	wr(apic, APIC_TASKPRI, 0x40);
	wr(apic, APIC_ICR2, 0x9u << 24);
	to_x2apic(apic);

	assert_int_equal(msr_rd(apic, MSR_OF(APIC_ID)), TEST_X2APIC_ID);
	assert_int_equal(kvm_apic_id(apic), TEST_X2APIC_ID);
	assert_int_equal(msr_rd(apic, MSR_OF(APIC_LDR)),
			 (0x12u << 16) | BIT(3));
	assert_int_equal(kvm_lapic_get_reg(apic, APIC_ID), TEST_X2APIC_ID);
	/* Other registers survive the transition. */
	assert_int_equal(msr_rd(apic, MSR_OF(APIC_TASKPRI)), 0x40);
	assert_int_equal(msr_rd(apic, MSR_OF(APIC_LVR)), 0x50014);
	assert_int_equal(msr_rd(apic, MSR_OF(APIC_ICR)), 0x9ull << 32);

	/* MMIO is gone in x2APIC mode. */
	assert_int_equal(rd(apic, APIC_TASKPRI), 0xffffffff);
	wr(apic, APIC_TASKPRI, 0x80);
	assert_int_equal(msr_rd(apic, MSR_OF(APIC_TASKPRI)), 0x40);
	assert_int_equal(lapic_mmio_ops.read(apic, APIC_LVR, 8), ~0ull);

	/* ID and LDR are read-only, DFR and ICR2 have no MSR. */
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_ID), 1),
			 -EINVAL);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_LDR), 1),
			 -EINVAL);
	assert_int_equal(kvm_x2apic_msr_read(apic, MSR_OF(APIC_DFR), &v),
			 -EINVAL);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_DFR), 0),
			 -EINVAL);
	assert_int_equal(kvm_x2apic_msr_read(apic, 0x831, &v), -EINVAL);
	assert_int_equal(kvm_x2apic_msr_write(apic, 0x831, 0), -EINVAL);

	/* Leaving through disabled keeps the legacy 8-bit ID only. */
	assert_int_equal(kvm_lapic_set_base(apic, BASE_DISABLED, false), 0);
	assert_int_equal(kvm_x2apic_msr_read(apic, MSR_OF(APIC_ID), &v),
			 -EINVAL);
	assert_int_equal(kvm_lapic_set_base(apic, BASE_XAPIC, false), 0);
	assert_int_equal(rd(apic, APIC_ID), 0x23u << 24);
	assert_int_equal(rd(apic, APIC_LDR), 0);
	assert_int_equal(rd(apic, APIC_TASKPRI), 0);
	assert_int_equal(rd(apic, APIC_DFR), 0xffffffff);
}

static void test_x2apic_msr_rules(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];
	u64 v;

	/* Not in x2APIC mode: every MSR faults. */
	assert_int_equal(kvm_x2apic_msr_read(apic, MSR_OF(APIC_LVR), &v),
			 -EINVAL);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_TASKPRI), 0),
			 -EINVAL);
	to_x2apic(apic);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_SPIV),
					      APIC_SPIV_APIC_ENABLED | 0xff),
			 0);

	/* Out of range and reserved addresses. */
	assert_int_equal(kvm_x2apic_msr_read(apic, 0x7ff, &v), -EINVAL);
	assert_int_equal(kvm_x2apic_msr_read(apic, 0x900, &v), -EINVAL);
	assert_int_equal(kvm_x2apic_msr_read(apic, 0x804, &v), -EINVAL);
	assert_int_equal(kvm_x2apic_msr_read(apic, MSR_OF(APIC_ARBPRI), &v),
			 -EINVAL);
	assert_int_equal(kvm_x2apic_msr_read(apic, MSR_OF(APIC_RRR), &v),
			 -EINVAL);
	assert_int_equal(kvm_x2apic_msr_read(apic, MSR_OF(APIC_LVTCMCI), &v),
			 -EINVAL);
	assert_int_equal(kvm_x2apic_msr_write(apic, 0x804, 0), -EINVAL);

	/* Write-only registers. */
	assert_int_equal(kvm_x2apic_msr_read(apic, MSR_OF(APIC_EOI), &v),
			 -EINVAL);
	assert_int_equal(kvm_x2apic_msr_read(apic, MSR_OF(APIC_SELF_IPI), &v),
			 -EINVAL);

	/* Read-only registers. */
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_LVR), 0),
			 -EINVAL);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_PROCPRI), 0),
			 -EINVAL);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_ISR), 0),
			 -EINVAL);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_TMR + 0x70),
					      0), -EINVAL);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_IRR + 0x30),
					      0), -EINVAL);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_TMCCT), 0),
			 -EINVAL);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_ARBPRI), 0),
			 -EINVAL);

	/* Reserved bits. */
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_TASKPRI),
					      0x100), -EINVAL);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_TASKPRI),
					      BIT_ULL(32)), -EINVAL);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_TASKPRI),
					      0x30), 0);
	assert_int_equal(msr_rd(apic, MSR_OF(APIC_TASKPRI)), 0x30);
	assert_int_equal(msr_rd(apic, MSR_OF(APIC_PROCPRI)), 0x30);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_LVTT),
					      BIT(20)), -EINVAL);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_LVTERR),
					      APIC_DM_NMI << APIC_DM_SHIFT),
			 -EINVAL);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_SPIV),
					      APIC_SPIV_DIRECTED_EOI |
					      APIC_SPIV_APIC_ENABLED), -EINVAL);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_TDCR), BIT(2)),
			 -EINVAL);
	/* The read-only delivery-status bit is tolerated and reads 0. */
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_LVT0),
					      APIC_LVT_SEND_PENDING | 0x31),
			 0);
	assert_int_equal(msr_rd(apic, MSR_OF(APIC_LVT0)), 0x31);

	/* ESR: only 0 may be written. */
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_ESR), 1),
			 -EINVAL);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_ESR), 0), 0);

	/* EOI: non-zero faults and does nothing; 0 is the EOI. */
	assert_true(accept(apic, 0x60, APIC_TRIG_EDGE));
	kvm_apic_ack_interrupt(apic, 0x60);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_EOI), 1),
			 -EINVAL);
	assert_int_equal(apic_find_highest_isr(apic), 0x60);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_EOI), 0), 0);
	assert_int_equal(apic_find_highest_isr(apic), -1);
}

static void test_x2apic_self_ipi(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];

	to_x2apic(apic);
	kvm_x2apic_msr_write(apic, MSR_OF(APIC_SPIV),
			     APIC_SPIV_APIC_ENABLED | 0xff);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_SELF_IPI),
					      0x1ff), -EINVAL);
	assert_int_equal(apic_find_highest_irr(apic), -1);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_SELF_IPI),
					      0x71), 0);
	assert_int_equal(apic_find_highest_irr(apic), 0x71);
	assert_false(test_vec(apic, APIC_TMR, 0x71));
	/* Delivered locally, not through the platform. */
	assert_int_equal(f->nr_ipis, 0);
	/* Illegal vector: receive error. */
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_SELF_IPI), 7),
			 0);
	kvm_x2apic_msr_write(apic, MSR_OF(APIC_ESR), 0);
	assert_int_equal(msr_rd(apic, MSR_OF(APIC_ESR)), APIC_ESR_RECVILL);
	/* No SELF IPI register in xAPIC mode. */
	kvm_lapic_set_base(apic, BASE_DISABLED, false);
	kvm_lapic_set_base(apic, BASE_XAPIC, false);
	sw_enable(apic);
	wr(apic, APIC_SELF_IPI, 0x72);
	assert_int_equal(apic_find_highest_irr(apic), -1);
	assert_int_equal(esr(apic), APIC_ESR_ILLREGA);
}

static void test_x2apic_icr(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];
	u64 icr = (0x123ull << 32) | APIC_ICR_LEVEL_ASSERT | 0x55;

	to_x2apic(apic);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_ICR), icr), 0);
	assert_int_equal(f->nr_ipis, 1);
	assert_int_equal(f->ipis[0].vector, 0x55);
	assert_int_equal(f->ipis[0].delivery_mode, APIC_DM_FIXED);
	assert_int_equal(f->ipis[0].dest_mode, APIC_DEST_PHYSICAL);
	assert_int_equal(f->ipis[0].dest_id, 0x123);
	assert_int_equal(f->ipis[0].shorthand, APIC_DEST_NOSHORT);
	assert_int_equal(msr_rd(apic, MSR_OF(APIC_ICR)), icr);
	/* 64-bit layout in the page: the destination at 0x304. */
	assert_int_equal(kvm_lapic_get_reg(apic, APIC_ICR), (u32)icr);
	assert_int_equal(kvm_lapic_get_reg(apic, APIC_ICR + 4), 0x123);

	/* Delivery status is read-only: accepted, reads 0. */
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_ICR),
					      icr | APIC_ICR_BUSY), 0);
	assert_int_equal(msr_rd(apic, MSR_OF(APIC_ICR)), icr);
	assert_int_equal(f->nr_ipis, 2);
	/* Reserved bit 13 and bits 31:20 fault and send nothing. */
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_ICR),
					      icr | BIT(13)), -EINVAL);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_ICR),
					      icr | BIT(20)), -EINVAL);
	assert_int_equal(f->nr_ipis, 2);

	/* Logical, level INIT to all-but-self with a 32-bit destination. */
	icr = (0xffffffffull << 32) | APIC_ICR_DEST_LOGICAL |
	      (APIC_DM_INIT << APIC_DM_SHIFT) | APIC_ICR_LEVEL_TRIG |
	      ((u64)APIC_DEST_ALLBUT << APIC_SHORT_SHIFT);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_ICR), icr), 0);
	assert_int_equal(f->ipis[2].delivery_mode, APIC_DM_INIT);
	assert_int_equal(f->ipis[2].dest_mode, APIC_DEST_LOGICAL);
	assert_int_equal(f->ipis[2].trig_mode, APIC_TRIG_LEVEL);
	assert_int_equal(f->ipis[2].level, 0);
	assert_int_equal(f->ipis[2].shorthand, APIC_DEST_ALLBUT);
	assert_int_equal(f->ipis[2].dest_id, 0xffffffff);
}

/* ---- xAPIC registers ---------------------------------------------------- */

static void test_xapic_icr(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];

	wr(apic, APIC_ICR2, 0x03ffffff);
	assert_int_equal(rd(apic, APIC_ICR2), 0x03000000);
	assert_int_equal(f->nr_ipis, 0);	/* ICR2 does not send */
	wr(apic, APIC_ICR, 0xfff00000 | APIC_ICR_BUSY | BIT(13) |
			   APIC_ICR_LEVEL_ASSERT | APIC_ICR_LEVEL_TRIG |
			   (APIC_DM_INIT << APIC_DM_SHIFT));
	assert_int_equal(f->nr_ipis, 1);
	assert_int_equal(f->ipis[0].dest_id, 3);
	assert_int_equal(f->ipis[0].delivery_mode, APIC_DM_INIT);
	assert_int_equal(f->ipis[0].level, 1);
	assert_int_equal(f->ipis[0].trig_mode, APIC_TRIG_LEVEL);
	assert_int_equal(f->ipis[0].shorthand, APIC_DEST_NOSHORT);
	/* Delivery is instantaneous: status idle; reserved bits dropped. */
	assert_int_equal(rd(apic, APIC_ICR), APIC_ICR_LEVEL_ASSERT |
					     APIC_ICR_LEVEL_TRIG |
					     (APIC_DM_INIT << APIC_DM_SHIFT));

	/* SIPI with vector 0x9a, and the self shorthand also goes out. */
	wr(apic, APIC_ICR, (APIC_DM_STARTUP << APIC_DM_SHIFT) | 0x9a);
	assert_int_equal(f->ipis[1].delivery_mode, APIC_DM_STARTUP);
	assert_int_equal(f->ipis[1].vector, 0x9a);
	wr(apic, APIC_ICR, (APIC_DEST_SELF << APIC_SHORT_SHIFT) | 0x44);
	assert_int_equal(f->nr_ipis, 3);
	assert_int_equal(f->ipis[2].shorthand, APIC_DEST_SELF);
	assert_true(kvm_apic_match_dest(apic, &f->ipis[2], apic));
	assert_false(kvm_apic_match_dest(&f->apics[1], &f->ipis[2], apic));
}

static void test_icr_without_send_ipi(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];

	kvm_lapic_init(apic, f->pages[0], TEST_APIC_ID, &tsc_only_ops, f);
	sw_enable(apic);
	wr(apic, APIC_ICR, (APIC_DEST_SELF << APIC_SHORT_SHIFT) | 0x44);
	assert_int_equal(apic_find_highest_irr(apic), 0x44);
	/* Physical to somebody else: nobody here to receive it. */
	wr(apic, APIC_ICR2, (TEST_APIC_ID + 1) << 24);
	wr(apic, APIC_ICR, 0x45);
	assert_int_equal(apic_find_highest_irr(apic), 0x44);
	/* Physical to itself. */
	wr(apic, APIC_ICR2, TEST_APIC_ID << 24);
	wr(apic, APIC_ICR, 0x46);
	assert_int_equal(apic_find_highest_irr(apic), 0x46);
}

static void test_xapic_register_masks(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];
	unsigned int i;

	sw_enable(apic);
	/* Read-only registers ignore writes (and raise no error). */
	wr(apic, APIC_LVR, 0);
	wr(apic, APIC_PROCPRI, 0xff);
	wr(apic, APIC_ARBPRI, 0xff);
	wr(apic, APIC_RRR, 0xff);
	wr(apic, APIC_TMCCT, 0xff);
	for (i = 0; i < 8; i++) {
		wr(apic, APIC_ISR + i * 0x10, ~0u);
		wr(apic, APIC_TMR + i * 0x10, ~0u);
		wr(apic, APIC_IRR + i * 0x10, ~0u);
	}
	assert_int_equal(rd(apic, APIC_LVR), 0x50014);
	assert_int_equal(rd(apic, APIC_PROCPRI), 0);
	assert_int_equal(rd(apic, APIC_ARBPRI), 0);
	assert_int_equal(rd(apic, APIC_RRR), 0);
	assert_int_equal(rd(apic, APIC_TMCCT), 0);
	assert_int_equal(apic_find_highest_isr(apic), -1);
	assert_int_equal(apic_find_highest_irr(apic), -1);
	assert_int_equal(rd(apic, APIC_TMR + 0x70), 0);
	assert_int_equal(esr(apic), 0);

	/* Writable fields only. */
	wr(apic, APIC_ID, 0xffffffff);
	assert_int_equal(rd(apic, APIC_ID), 0xff000000);
	wr(apic, APIC_TASKPRI, 0xffffffff);
	assert_int_equal(rd(apic, APIC_TASKPRI), 0xff);
	wr(apic, APIC_LDR, 0xffffffff);
	assert_int_equal(rd(apic, APIC_LDR), 0xff000000);
	wr(apic, APIC_DFR, 0);
	assert_int_equal(rd(apic, APIC_DFR), 0x0fffffff);
	wr(apic, APIC_SPIV, 0xffffffff);
	assert_int_equal(rd(apic, APIC_SPIV), 0x3ff);
	wr(apic, APIC_TDCR, 0xffffffff);
	assert_int_equal(rd(apic, APIC_TDCR), 0xb);
	wr(apic, APIC_LVTT, 0xffffffff);
	assert_int_equal(rd(apic, APIC_LVTT), 0x700ff);
	wr(apic, APIC_LVTTHMR, 0xffffffff);
	assert_int_equal(rd(apic, APIC_LVTTHMR), 0x107ff);
	wr(apic, APIC_LVTPC, 0xffffffff);
	assert_int_equal(rd(apic, APIC_LVTPC), 0x107ff);
	wr(apic, APIC_LVT0, 0xffffffff);	/* not remote IRR, status */
	assert_int_equal(rd(apic, APIC_LVT0), 0x1a7ff);
	wr(apic, APIC_LVT1, 0xffffffff);
	assert_int_equal(rd(apic, APIC_LVT1), 0x1a7ff);
	wr(apic, APIC_LVTERR, 0xffffffff);
	assert_int_equal(rd(apic, APIC_LVTERR), 0x100ff);
	wr(apic, APIC_LVTERR, 0xe3);
	assert_int_equal(rd(apic, APIC_LVTERR), 0xe3);

	/* Software disable masks every LVT and keeps them masked. */
	wr(apic, APIC_LVT0, 0x700);
	wr(apic, APIC_SPIV, 0xff);
	assert_int_equal(rd(apic, APIC_LVT0), 0x10700);
	assert_int_equal(rd(apic, APIC_LVTERR), 0x100e3);
	wr(apic, APIC_LVT0, 0x700);
	assert_int_equal(rd(apic, APIC_LVT0), 0x10700);

	/* Without TSC-deadline support the mode is one bit. */
	kvm_lapic_set_features(apic, LAPIC_FEAT_X2APIC);
	sw_enable(apic);
	wr(apic, APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE | 0x40);
	assert_int_equal(rd(apic, APIC_LVTT), 0x40);
}

static void test_mmio_access_sizes(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];

	/* Partial reads inside bytes 0-3 of a register. */
	assert_int_equal(kvm_lapic_mmio_read(apic, APIC_LVR, 1), 0x14);
	assert_int_equal(kvm_lapic_mmio_read(apic, APIC_LVR + 2, 1), 0x05);
	assert_int_equal(kvm_lapic_mmio_read(apic, APIC_LVR + 2, 2), 0x0005);
	assert_int_equal(kvm_lapic_mmio_read(apic, APIC_ID + 3, 1),
			 TEST_APIC_ID);
	/* Bytes 4-15 of a slot read 0; a straddling read mixes both. */
	assert_int_equal(kvm_lapic_mmio_read(apic, APIC_LVR + 4, 4), 0);
	assert_int_equal(kvm_lapic_mmio_read(apic, APIC_LVR + 2, 4), 0x0005);
	assert_int_equal(lapic_mmio_ops.read(apic, APIC_LVR, 8), 0x50014);
	assert_int_equal(lapic_mmio_ops.read(apic, APIC_DFR + 0xc, 8),
			 0xff00000000ull);
	/* Past the page: all ones. */
	assert_int_equal(lapic_mmio_ops.read(apic, 0xffe, 4), 0xffff0000);
	/* None of those bytes was in a register's dword: no error. */
	assert_int_equal(esr(apic), 0);

	/* Only aligned dword writes land. */
	kvm_lapic_mmio_write(apic, APIC_TASKPRI, 1, 0x55);
	kvm_lapic_mmio_write(apic, APIC_TASKPRI, 2, 0x55);
	kvm_lapic_mmio_write(apic, APIC_TASKPRI + 1, 4, 0x55);
	kvm_lapic_mmio_write(apic, APIC_TASKPRI + 4, 4, 0x55);
	lapic_mmio_ops.write(apic, APIC_TASKPRI, 8, 0x55);
	assert_int_equal(rd(apic, APIC_TASKPRI), 0);
	lapic_mmio_ops.write(apic, APIC_TASKPRI, 4, 0x55);
	assert_int_equal(rd(apic, APIC_TASKPRI), 0x55);
	assert_int_equal(kvm_lapic_get_reg(apic, APIC_TASKPRI + 4), 0);

	/* The EOI register reads 0 without an error. */
	assert_int_equal(rd(apic, APIC_EOI), 0);
	assert_int_equal(esr(apic), 0);
	/* Unimplemented offsets: error on access, writes dropped. */
	wr(apic, 0x400, 0x1234);
	assert_int_equal(kvm_lapic_get_reg(apic, 0x400), 0);
	assert_int_equal(esr(apic), APIC_ESR_ILLREGA);
	assert_int_equal(rd(apic, 0x040), 0);
	assert_int_equal(esr(apic), APIC_ESR_ILLREGA);
	assert_int_equal(esr(apic), 0);
}

/* ---- priorities, acceptance, EOI --------------------------------------- */

static void test_ppr(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];

	sw_enable(apic);
	wr(apic, APIC_TASKPRI, 0x35);
	assert_int_equal(rd(apic, APIC_PROCPRI), 0x35);
	assert_true(accept(apic, 0x51, APIC_TRIG_EDGE));
	kvm_apic_ack_interrupt(apic, 0x51);
	/* ISR class wins: PPR takes it with sub-class 0. */
	assert_int_equal(rd(apic, APIC_PROCPRI), 0x50);
	/* Equal classes: TPR's value. */
	wr(apic, APIC_TASKPRI, 0x5a);
	assert_int_equal(rd(apic, APIC_PROCPRI), 0x5a);
	wr(apic, APIC_TASKPRI, 0x6a);
	assert_int_equal(rd(apic, APIC_PROCPRI), 0x6a);
	wr(apic, APIC_TASKPRI, 0x20);
	assert_int_equal(rd(apic, APIC_PROCPRI), 0x50);
	kvm_apic_eoi(apic);
	assert_int_equal(rd(apic, APIC_PROCPRI), 0x20);

	/* CR8 is TPR[7:4]. */
	kvm_lapic_set_tpr(apic, 0x9);
	assert_int_equal(rd(apic, APIC_TASKPRI), 0x90);
	assert_int_equal(rd(apic, APIC_PROCPRI), 0x90);
	assert_int_equal(kvm_lapic_get_cr8(apic), 0x9);
	wr(apic, APIC_TASKPRI, 0x7f);
	assert_int_equal(kvm_lapic_get_cr8(apic), 0x7);

	/* A TPR changed in the page (TPR shadow) is seen at the next check. */
	assert_true(accept(apic, 0x85, APIC_TRIG_EDGE));
	assert_int_equal(kvm_apic_has_interrupt(apic), 0x85);
	kvm_lapic_set_reg(apic, APIC_TASKPRI, 0x80);
	assert_int_equal(kvm_apic_has_interrupt(apic), -1);
	assert_int_equal(rd(apic, APIC_PROCPRI), 0x80);
}

static void test_irr_isr_eoi_sequence(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];

	sw_enable(apic);
	assert_int_equal(kvm_apic_has_interrupt(apic), -1);
	assert_true(accept(apic, 0x31, APIC_TRIG_EDGE));
	assert_true(accept(apic, 0x62, APIC_TRIG_EDGE));
	assert_true(accept(apic, 0x45, APIC_TRIG_EDGE));
	assert_true(test_vec(apic, APIC_IRR, 0x31));
	assert_int_equal(kvm_lapic_get_reg(apic, APIC_IRR + 0x30), BIT(2));
	assert_int_equal(apic_find_highest_irr(apic), 0x62);

	assert_int_equal(kvm_apic_has_interrupt(apic), 0x62);
	kvm_apic_ack_interrupt(apic, 0x62);
	assert_false(test_vec(apic, APIC_IRR, 0x62));
	assert_true(test_vec(apic, APIC_ISR, 0x62));
	assert_int_equal(rd(apic, APIC_PROCPRI), 0x60);
	/* Lower classes wait for the EOI. */
	assert_int_equal(kvm_apic_has_interrupt(apic), -1);
	/* A higher class nests. */
	assert_true(accept(apic, 0x7f, APIC_TRIG_EDGE));
	assert_int_equal(kvm_apic_has_interrupt(apic), 0x7f);
	kvm_apic_ack_interrupt(apic, 0x7f);
	assert_int_equal(apic_find_highest_isr(apic), 0x7f);
	/* Same class as in service does not nest. */
	assert_true(accept(apic, 0x70, APIC_TRIG_EDGE));
	assert_int_equal(kvm_apic_has_interrupt(apic), -1);

	/* EOI retires the highest in-service vector first. */
	assert_int_equal(kvm_apic_eoi(apic), 0x7f);
	assert_int_equal(kvm_apic_has_interrupt(apic), 0x70);
	kvm_apic_ack_interrupt(apic, 0x70);
	assert_int_equal(kvm_apic_eoi(apic), 0x70);
	assert_int_equal(rd(apic, APIC_PROCPRI), 0x60);
	wr(apic, APIC_EOI, 0);	/* the MMIO EOI */
	assert_int_equal(apic_find_highest_isr(apic), -1);
	assert_int_equal(kvm_apic_has_interrupt(apic), 0x45);
	kvm_apic_ack_interrupt(apic, 0x45);
	assert_int_equal(kvm_apic_has_interrupt(apic), -1);
	assert_int_equal(kvm_apic_eoi(apic), 0x45);
	assert_int_equal(kvm_apic_has_interrupt(apic), 0x31);
	kvm_apic_ack_interrupt(apic, 0x31);
	assert_int_equal(kvm_apic_eoi(apic), 0x31);
	/* EOI with nothing in service is harmless. */
	assert_int_equal(kvm_apic_eoi(apic), -1);
	assert_int_equal(rd(apic, APIC_PROCPRI), 0);
	assert_int_equal(f->nr_eois, 0);	/* all edge-triggered */
}

static void test_tmr_and_eoi_level(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];

	sw_enable(apic);
	assert_true(accept(apic, 0x40, APIC_TRIG_LEVEL));
	assert_true(accept(apic, 0x41, APIC_TRIG_EDGE));
	assert_true(test_vec(apic, APIC_TMR, 0x40));
	assert_false(test_vec(apic, APIC_TMR, 0x41));

	kvm_apic_ack_interrupt(apic, 0x41);
	assert_int_equal(kvm_apic_eoi(apic), 0x41);
	assert_int_equal(f->nr_eois, 0);
	kvm_apic_ack_interrupt(apic, 0x40);
	assert_int_equal(kvm_apic_eoi(apic), 0x40);
	assert_int_equal(f->nr_eois, 1);
	assert_int_equal(f->eois[0], 0x40);

	/* Accepting the vector edge-triggered clears its TMR bit. */
	assert_true(accept(apic, 0x40, APIC_TRIG_EDGE));
	assert_false(test_vec(apic, APIC_TMR, 0x40));

	/* EOI-induced exit: the CPU cleared ISR already. */
	assert_true(accept(apic, 0xc8, APIC_TRIG_LEVEL));
	kvm_apic_ack_interrupt(apic, 0xc8);
	kvm_lapic_set_reg(apic, APIC_ISR + 0x60, 0);
	kvm_apic_set_eoi_accelerated(apic, 0xc8);
	assert_int_equal(f->nr_eois, 2);
	assert_int_equal(f->eois[1], 0xc8);
	assert_int_equal(rd(apic, APIC_PROCPRI), 0);

	/* EOI-broadcast suppression, when advertised and enabled. */
	kvm_lapic_set_features(apic, LAPIC_FEAT_DEFAULT |
				     LAPIC_FEAT_DIRECTED_EOI);
	wr(apic, APIC_SPIV, APIC_SPIV_APIC_ENABLED | APIC_SPIV_DIRECTED_EOI |
			    0xff);
	assert_true(accept(apic, 0x90, APIC_TRIG_LEVEL));
	kvm_apic_ack_interrupt(apic, 0x90);
	assert_int_equal(kvm_apic_eoi(apic), 0x90);
	assert_int_equal(f->nr_eois, 2);
}

static void test_illegal_vector_and_esr(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];

	sw_enable(apic);
	/* Errors are visible only after an ESR write. */
	assert_false(accept(apic, 5, APIC_TRIG_EDGE));
	assert_int_equal(apic_find_highest_irr(apic), -1);
	assert_int_equal(rd(apic, APIC_ESR), 0);
	wr(apic, APIC_ESR, 0xffffffff);	/* the value is ignored */
	assert_int_equal(rd(apic, APIC_ESR), APIC_ESR_RECVILL);
	assert_int_equal(rd(apic, APIC_ESR), APIC_ESR_RECVILL);
	wr(apic, APIC_ESR, 0);
	assert_int_equal(rd(apic, APIC_ESR), 0);

	/* Sending an illegal vector: error, nothing sent. */
	wr(apic, APIC_ICR, 0x0f);
	assert_int_equal(f->nr_ipis, 0);
	wr(apic, APIC_ICR, (APIC_DM_LOWEST << APIC_DM_SHIFT) | 0x03);
	assert_int_equal(f->nr_ipis, 0);
	/* NMI ignores the vector. */
	wr(apic, APIC_ICR, APIC_DM_NMI << APIC_DM_SHIFT);
	assert_int_equal(f->nr_ipis, 1);
	assert_int_equal(esr(apic), APIC_ESR_SENDILL);

	/* An unmasked LVT Error raises the error interrupt. */
	wr(apic, APIC_LVTERR, 0xe0);
	assert_false(accept(apic, 0x0e, APIC_TRIG_EDGE));
	assert_int_equal(apic_find_highest_irr(apic), 0xe0);
	assert_int_equal(esr(apic), APIC_ESR_RECVILL);
	/* An illegal vector in LVT Error is one more error, no loop. */
	wr(apic, APIC_LVTERR, 0x02);
	assert_false(accept(apic, 0x01, APIC_TRIG_EDGE));
	assert_int_equal(esr(apic), APIC_ESR_RECVILL);
	/* The first legal vector. */
	assert_true(accept(apic, 0x10, APIC_TRIG_EDGE));
	assert_int_equal(esr(apic), 0);
}

static void test_delivery_modes(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];
	struct kvm_lapic_irq irq = fixed_irq(0x20, APIC_TRIG_EDGE);

	/* Software-disabled: no fixed interrupts, but NMI, INIT, SIPI. */
	assert_false(kvm_apic_set_irq(apic, &irq));
	irq.delivery_mode = APIC_DM_LOWEST;
	assert_false(kvm_apic_set_irq(apic, &irq));
	irq.delivery_mode = APIC_DM_NMI;
	assert_true(kvm_apic_set_irq(apic, &irq));
	assert_int_equal(apic->pending_events, BIT(KVM_APIC_NMI));
	irq.delivery_mode = APIC_DM_INIT;
	irq.trig_mode = APIC_TRIG_LEVEL;
	irq.level = 0;	/* INIT level de-assert */
	assert_false(kvm_apic_set_irq(apic, &irq));
	irq.level = 1;
	assert_true(kvm_apic_set_irq(apic, &irq));
	assert_true(apic->pending_events & BIT(KVM_APIC_INIT));
	irq.delivery_mode = APIC_DM_STARTUP;
	irq.vector = 0x9a;
	assert_true(kvm_apic_set_irq(apic, &irq));
	assert_true(apic->pending_events & BIT(KVM_APIC_SIPI));
	assert_int_equal(apic->sipi_vector, 0x9a);
	/* A new INIT voids the SIPI before it (only a later one counts);
	 * the pending NMI stays. */
	irq.delivery_mode = APIC_DM_INIT;
	assert_true(kvm_apic_set_irq(apic, &irq));
	assert_int_equal(apic->pending_events,
			 BIT(KVM_APIC_NMI) | BIT(KVM_APIC_INIT));
	irq.delivery_mode = APIC_DM_SMI;
	assert_false(kvm_apic_set_irq(apic, &irq));
	irq.delivery_mode = APIC_DM_EXTINT;
	assert_false(kvm_apic_set_irq(apic, &irq));
	assert_int_equal(apic_find_highest_irr(apic), -1);

	sw_enable(apic);
	irq = fixed_irq(0x21, APIC_TRIG_EDGE);
	irq.delivery_mode = APIC_DM_LOWEST;
	assert_true(kvm_apic_set_irq(apic, &irq));
	assert_int_equal(apic_find_highest_irr(apic), 0x21);
	/* A second request for a pending vector coalesces. */
	assert_true(kvm_apic_set_irq(apic, &irq));
	kvm_apic_ack_interrupt(apic, 0x21);
	assert_int_equal(apic_find_highest_irr(apic), -1);
}

static void test_local_deliver_and_pic(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];

	sw_enable(apic);
	assert_false(kvm_apic_accept_pic_intr(apic));	/* LINT0 masked */
	wr(apic, APIC_LVT0, APIC_DM_EXTINT << APIC_DM_SHIFT);
	assert_true(kvm_apic_accept_pic_intr(apic));
	assert_false(kvm_apic_local_deliver(apic, APIC_LVT0));
	wr(apic, APIC_LVT0,
	   APIC_LVT_MASKED | (APIC_DM_EXTINT << APIC_DM_SHIFT));
	assert_false(kvm_apic_accept_pic_intr(apic));

	wr(apic, APIC_LVT1, APIC_DM_NMI << APIC_DM_SHIFT);
	assert_true(kvm_apic_local_deliver(apic, APIC_LVT1));
	assert_int_equal(apic->pending_events, BIT(KVM_APIC_NMI));

	wr(apic, APIC_LVT0, APIC_LVT_LEVEL_TRIGGER | 0x33);
	assert_true(kvm_apic_local_deliver(apic, APIC_LVT0));
	assert_true(test_vec(apic, APIC_IRR, 0x33));
	assert_true(test_vec(apic, APIC_TMR, 0x33));
	wr(apic, APIC_LVTPC, APIC_LVT_MASKED | 0x34);
	assert_false(kvm_apic_local_deliver(apic, APIC_LVTPC));
	/* Not an LVT register. */
	assert_false(kvm_apic_local_deliver(apic, APIC_TASKPRI));
	assert_false(kvm_apic_local_deliver(apic, APIC_LVTCMCI));
}

/* ---- destinations ------------------------------------------------------ */

static struct kvm_lapic_irq dest_irq(u32 dest_mode, u32 dest_id)
{
	struct kvm_lapic_irq irq = fixed_irq(0x30, APIC_TRIG_EDGE);

	irq.dest_mode = dest_mode;
	irq.dest_id = dest_id;
	return irq;
}

static bool match(const struct kvm_lapic *apic, u32 mode, u32 dest,
		  const struct kvm_lapic *source)
{
	struct kvm_lapic_irq irq = dest_irq(mode, dest);

	return kvm_apic_match_dest(apic, &irq, source);
}

static void test_match_physical(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *a = &f->apics[0], *b = &f->apics[1];

	assert_true(match(a, APIC_DEST_PHYSICAL, TEST_APIC_ID, NULL));
	assert_false(match(a, APIC_DEST_PHYSICAL, TEST_APIC_ID + 1, NULL));
	assert_true(match(b, APIC_DEST_PHYSICAL, TEST_APIC_ID + 1, a));
	assert_true(match(a, APIC_DEST_PHYSICAL, 0xff, NULL));
	assert_true(match(a, APIC_DEST_PHYSICAL, 0xff, b));
	assert_false(match(a, APIC_DEST_PHYSICAL, 0x100 + TEST_APIC_ID, NULL));
	/* The ID register is what counts in xAPIC mode. */
	wr(a, APIC_ID, 0x42u << 24);
	assert_true(match(a, APIC_DEST_PHYSICAL, 0x42, NULL));
	assert_false(match(a, APIC_DEST_PHYSICAL, TEST_APIC_ID, NULL));

	/* x2APIC: 32-bit IDs and broadcast. */
	b->apic_id = TEST_X2APIC_ID;
	kvm_lapic_reset(b, false);
	to_x2apic(b);
	assert_true(match(b, APIC_DEST_PHYSICAL, TEST_X2APIC_ID, a));
	assert_false(match(b, APIC_DEST_PHYSICAL, 0x23, a));
	assert_true(match(b, APIC_DEST_PHYSICAL, 0xffffffff, a));
	/* 0xff: broadcast only from an 8-bit source (I/O APIC, MSI). */
	assert_false(match(b, APIC_DEST_PHYSICAL, 0xff, a));
	assert_true(match(b, APIC_DEST_PHYSICAL, 0xff, NULL));

	/* A hardware-disabled APIC matches nothing. */
	kvm_lapic_set_base(b, BASE_DISABLED, false);
	assert_false(match(b, APIC_DEST_PHYSICAL, 0xffffffff, a));
}

static void test_match_logical_flat_cluster(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *a = &f->apics[0], *b = &f->apics[1],
			 *c = &f->apics[2];

	/* Flat: 8-bit masks. */
	wr(a, APIC_LDR, 0x01u << 24);
	wr(b, APIC_LDR, 0x04u << 24);
	wr(c, APIC_LDR, 0x02u << 24);
	assert_true(match(a, APIC_DEST_LOGICAL, 0x05, NULL));
	assert_true(match(b, APIC_DEST_LOGICAL, 0x05, NULL));
	assert_false(match(c, APIC_DEST_LOGICAL, 0x05, NULL));
	assert_false(match(a, APIC_DEST_LOGICAL, 0x00, NULL));
	assert_true(match(c, APIC_DEST_LOGICAL, 0xff, NULL));
	/* Logical never looks at the physical ID. */
	wr(c, APIC_ID, 0x04u << 24);
	assert_false(match(c, APIC_DEST_LOGICAL, 0x04, NULL));

	/* Cluster: cluster 7:4, members 3:0. */
	wr(a, APIC_DFR, APIC_DFR_CLUSTER << APIC_DFR_MODEL_SHIFT);
	wr(a, APIC_LDR, 0x21u << 24);
	assert_true(match(a, APIC_DEST_LOGICAL, 0x23, NULL));
	assert_true(match(a, APIC_DEST_LOGICAL, 0x21, NULL));
	assert_false(match(a, APIC_DEST_LOGICAL, 0x22, NULL));
	assert_false(match(a, APIC_DEST_LOGICAL, 0x13, NULL));
	assert_true(match(a, APIC_DEST_LOGICAL, 0xff, NULL));
	/* A reserved model matches nothing but broadcast. */
	wr(a, APIC_DFR, 0x5u << APIC_DFR_MODEL_SHIFT);
	assert_false(match(a, APIC_DEST_LOGICAL, 0x21, NULL));
	assert_true(match(a, APIC_DEST_LOGICAL, 0xff, NULL));
}

static void test_match_x2apic_cluster(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *a = &f->apics[0], *b = &f->apics[1],
			 *c = &f->apics[2];

	b->apic_id = TEST_X2APIC_ID;	/* cluster 0x12, member bit 3 */
	kvm_lapic_reset(b, false);
	to_x2apic(b);
	assert_true(match(b, APIC_DEST_LOGICAL, (0x12u << 16) | BIT(3), a));
	assert_true(match(b, APIC_DEST_LOGICAL, (0x12u << 16) | 0xffff, a));
	assert_false(match(b, APIC_DEST_LOGICAL, (0x12u << 16) | BIT(2), a));
	assert_false(match(b, APIC_DEST_LOGICAL, (0x11u << 16) | BIT(3), a));
	assert_true(match(b, APIC_DEST_LOGICAL, 0xffffffff, a));
	assert_false(match(b, APIC_DEST_LOGICAL, 0xff, a));
	assert_true(match(b, APIC_DEST_LOGICAL, 0xff, NULL));

	/* ID 0x1c: cluster 1, member bit 12. */
	c->apic_id = 0x1c;
	kvm_lapic_reset(c, false);
	to_x2apic(c);
	assert_int_equal(msr_rd(c, MSR_OF(APIC_LDR)), (1u << 16) | BIT(12));
	assert_true(match(c, APIC_DEST_LOGICAL, (1u << 16) | BIT(12), a));
	assert_false(match(c, APIC_DEST_LOGICAL, (1u << 16) | BIT(4), a));
}

static void test_match_shorthands(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *a = &f->apics[0], *b = &f->apics[1];
	struct kvm_lapic_irq irq = dest_irq(APIC_DEST_PHYSICAL, 0x77);

	irq.shorthand = APIC_DEST_SELF;
	assert_true(kvm_apic_match_dest(a, &irq, a));
	assert_false(kvm_apic_match_dest(b, &irq, a));
	irq.shorthand = APIC_DEST_ALLINC;
	assert_true(kvm_apic_match_dest(a, &irq, a));
	assert_true(kvm_apic_match_dest(b, &irq, a));
	irq.shorthand = APIC_DEST_ALLBUT;
	assert_false(kvm_apic_match_dest(a, &irq, a));
	assert_true(kvm_apic_match_dest(b, &irq, a));
	kvm_lapic_set_base(b, BASE_DISABLED, false);
	assert_false(kvm_apic_match_dest(b, &irq, a));
}

/* ---- timer --------------------------------------------------------------- */

static void timer_setup(struct kvm_lapic *apic, u32 mode, u32 tdcr)
{
	sw_enable(apic);
	wr(apic, APIC_TDCR, tdcr);
	wr(apic, APIC_LVTT, mode | VEC_TIMER);
}

static void test_divide_values(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];
	static const struct { u32 tdcr, div; } t[] = {
		{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
		{ 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		f->tsc = 1000;
		timer_setup(apic, APIC_LVT_TIMER_ONESHOT, t[i].tdcr);
		wr(apic, APIC_TMICT, 10);
		assert_int_equal(kvm_lapic_next_deadline(apic),
				 1000 + 10 * t[i].div);
	}
}

static void test_timer_oneshot(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];

	timer_setup(apic, APIC_LVT_TIMER_ONESHOT, 0x3);	/* ÷16 */
	f->tsc = 1000;
	wr(apic, APIC_TMICT, 100);
	assert_int_equal(kvm_lapic_next_deadline(apic), 1000 + 1600);
	assert_int_equal(rd(apic, APIC_TMICT), 100);
	assert_int_equal(rd(apic, APIC_TMCCT), 100);
	f->tsc = 1015;
	assert_int_equal(rd(apic, APIC_TMCCT), 100);
	f->tsc = 1016;
	assert_int_equal(rd(apic, APIC_TMCCT), 99);
	f->tsc = 1800;
	assert_int_equal(rd(apic, APIC_TMCCT), 50);
	f->tsc = 2599;
	assert_int_equal(rd(apic, APIC_TMCCT), 1);
	assert_false(kvm_lapic_timer_check(apic, 2599));
	assert_int_equal(apic_find_highest_irr(apic), -1);

	f->tsc = 2600;
	assert_int_equal(rd(apic, APIC_TMCCT), 0);
	assert_true(kvm_lapic_timer_check(apic, 2600));
	assert_int_equal(apic_find_highest_irr(apic), VEC_TIMER);
	assert_false(test_vec(apic, APIC_TMR, VEC_TIMER));
	assert_int_equal(kvm_lapic_next_deadline(apic), 0);
	assert_false(kvm_lapic_timer_check(apic, 5000));
	f->tsc = 5000;
	assert_int_equal(rd(apic, APIC_TMCCT), 0);
	assert_int_equal(rd(apic, APIC_TMICT), 100);

	/* Re-writing restarts; writing 0 stops. */
	wr(apic, APIC_TMICT, 10);
	assert_int_equal(kvm_lapic_next_deadline(apic), 5160);
	wr(apic, APIC_TMICT, 0);
	assert_int_equal(kvm_lapic_next_deadline(apic), 0);
	assert_int_equal(rd(apic, APIC_TMCCT), 0);
	assert_false(kvm_lapic_timer_check(apic, 100000));
}

static void test_timer_periodic(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];

	timer_setup(apic, APIC_LVT_TIMER_PERIODIC, 0x0);	/* ÷2 */
	f->tsc = 0;
	wr(apic, APIC_TMICT, 50);	/* period 100 ticks */
	assert_int_equal(kvm_lapic_next_deadline(apic), 100);
	assert_true(kvm_lapic_timer_check(apic, 100));
	assert_int_equal(kvm_lapic_next_deadline(apic), 200);
	kvm_apic_ack_interrupt(apic, VEC_TIMER);
	kvm_apic_eoi(apic);

	/* Overdue and unchecked: the count has reloaded already. */
	f->tsc = 250;
	assert_int_equal(rd(apic, APIC_TMCCT), 25);
	/* Late by several periods: one interrupt, phase kept. */
	assert_true(kvm_lapic_timer_check(apic, 450));
	assert_int_equal(kvm_lapic_next_deadline(apic), 500);
	assert_false(kvm_lapic_timer_check(apic, 499));
	f->tsc = 480;
	assert_int_equal(rd(apic, APIC_TMCCT), 10);

	/* Masked: no interrupt, but it keeps running. */
	kvm_apic_ack_interrupt(apic, VEC_TIMER);
	kvm_apic_eoi(apic);
	wr(apic, APIC_LVTT, APIC_LVT_MASKED | APIC_LVT_TIMER_PERIODIC |
			    VEC_TIMER);
	assert_false(kvm_lapic_timer_check(apic, 500));
	assert_int_equal(apic_find_highest_irr(apic), -1);
	assert_int_equal(kvm_lapic_next_deadline(apic), 600);
	wr(apic, APIC_LVTT, APIC_LVT_TIMER_PERIODIC | VEC_TIMER);
	assert_true(kvm_lapic_timer_check(apic, 600));
	assert_int_equal(kvm_lapic_next_deadline(apic), 700);

	/* Periodic → one-shot keeps counting and stops at expiry. */
	wr(apic, APIC_LVTT, APIC_LVT_TIMER_ONESHOT | VEC_TIMER);
	assert_int_equal(kvm_lapic_next_deadline(apic), 700);
	assert_true(kvm_lapic_timer_check(apic, 700));
	assert_int_equal(kvm_lapic_next_deadline(apic), 0);
}

static void test_timer_divide_change(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];

	timer_setup(apic, APIC_LVT_TIMER_ONESHOT, 0x0);	/* ÷2 */
	f->tsc = 0;
	wr(apic, APIC_TMICT, 100);
	assert_int_equal(kvm_lapic_next_deadline(apic), 200);
	f->tsc = 100;
	assert_int_equal(rd(apic, APIC_TMCCT), 50);
	/* ÷8: the 50 counts left now last 400 ticks. */
	wr(apic, APIC_TDCR, 0x2);
	assert_int_equal(kvm_lapic_next_deadline(apic), 500);
	assert_int_equal(rd(apic, APIC_TMCCT), 50);
	f->tsc = 108;
	assert_int_equal(rd(apic, APIC_TMCCT), 49);
}

static void test_timer_tsc_deadline(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];

	/* Outside TSC-deadline mode the MSR is inert. */
	timer_setup(apic, APIC_LVT_TIMER_ONESHOT, 0x0);
	assert_int_equal(kvm_lapic_write_tsc_deadline(apic, 5000), 0);
	assert_int_equal(kvm_lapic_get_tsc_deadline(apic), 0);
	assert_int_equal(kvm_lapic_next_deadline(apic), 0);

	/* Entering TSC-deadline mode disarms a running count. */
	f->tsc = 1000;
	wr(apic, APIC_TMICT, 100);
	assert_int_not_equal(kvm_lapic_next_deadline(apic), 0);
	wr(apic, APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE | VEC_TIMER);
	assert_int_equal(kvm_lapic_next_deadline(apic), 0);
	assert_int_equal(rd(apic, APIC_TMICT), 0);

	assert_int_equal(kvm_lapic_write_tsc_deadline(apic, 5000), 0);
	assert_int_equal(kvm_lapic_get_tsc_deadline(apic), 5000);
	assert_int_equal(kvm_lapic_next_deadline(apic), 5000);
	/* The count registers are inert in this mode. */
	wr(apic, APIC_TMICT, 10);
	assert_int_equal(rd(apic, APIC_TMICT), 0);
	assert_int_equal(rd(apic, APIC_TMCCT), 0);
	assert_int_equal(kvm_lapic_next_deadline(apic), 5000);

	assert_false(kvm_lapic_timer_check(apic, 4999));
	assert_true(kvm_lapic_timer_check(apic, 5000));
	assert_int_equal(apic_find_highest_irr(apic), VEC_TIMER);
	assert_int_equal(kvm_lapic_get_tsc_deadline(apic), 0);
	assert_int_equal(kvm_lapic_next_deadline(apic), 0);
	assert_false(kvm_lapic_timer_check(apic, 6000));

	/* A deadline in the past fires at the next check; 0 disarms. */
	kvm_lapic_write_tsc_deadline(apic, 10);
	assert_int_equal(kvm_lapic_next_deadline(apic), 10);
	kvm_lapic_write_tsc_deadline(apic, 0);
	assert_int_equal(kvm_lapic_next_deadline(apic), 0);
	assert_false(kvm_lapic_timer_check(apic, 7000));

	/* Leaving TSC-deadline mode disarms too. */
	kvm_lapic_write_tsc_deadline(apic, 9000);
	wr(apic, APIC_LVTT, APIC_LVT_TIMER_PERIODIC | VEC_TIMER);
	assert_int_equal(kvm_lapic_next_deadline(apic), 0);
	assert_int_equal(kvm_lapic_get_tsc_deadline(apic), 0);
	assert_false(kvm_lapic_timer_check(apic, 9000));
}

/*
 * APIC-write VM exits: the CPU has already stored the guest's value in the
 * page (the virtual-APIC page); kvm_apic_write_nodecode() must act on it as
 * on a write through MMIO, even where the model compares with the old value.
 */
static void test_write_nodecode(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];

	/* ICR: the stored value is sent and its reserved bits dropped. */
	kvm_lapic_set_reg(apic, APIC_ICR2, 0x02000000);
	kvm_lapic_set_reg(apic, APIC_ICR, APIC_ICR_BUSY | 0x51);
	kvm_apic_write_nodecode(apic, APIC_ICR);
	assert_int_equal(f->nr_ipis, 1);
	assert_int_equal(f->ipis[0].vector, 0x51);
	assert_int_equal(f->ipis[0].dest_id, 2);
	assert_int_equal(rd(apic, APIC_ICR), 0x51);

	/* LVT Timer into TSC-deadline mode: the page already says so, yet
	 * the running count must stop as for any mode change. */
	timer_setup(apic, APIC_LVT_TIMER_ONESHOT, 0x0);
	f->tsc = 1000;
	wr(apic, APIC_TMICT, 100);
	assert_int_not_equal(kvm_lapic_next_deadline(apic), 0);
	kvm_lapic_set_reg(apic, APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE | VEC_TIMER);
	kvm_apic_write_nodecode(apic, APIC_LVTT);
	assert_int_equal(kvm_lapic_next_deadline(apic), 0);
	assert_int_equal(rd(apic, APIC_TMICT), 0);
	/* TMICT is inert in that mode even when the CPU stored a value. */
	kvm_lapic_set_reg(apic, APIC_TMICT, 77);
	kvm_apic_write_nodecode(apic, APIC_TMICT);
	assert_int_equal(rd(apic, APIC_TMICT), 0);
	assert_int_equal(kvm_lapic_next_deadline(apic), 0);

	/* ESR: the write latches the errors found since the last one. */
	wr(apic, APIC_ICR, 0x05);	/* illegal vector: send error */
	kvm_lapic_set_reg(apic, APIC_ESR, 0);
	kvm_apic_write_nodecode(apic, APIC_ESR);
	assert_int_equal(rd(apic, APIC_ESR), APIC_ESR_SENDILL);

	/* An offset inside a register slot names that register. */
	kvm_lapic_set_reg(apic, APIC_LVT0, APIC_LVT_MASKED | 0x33);
	kvm_apic_write_nodecode(apic, APIC_LVT0 + 4);
	assert_int_equal(rd(apic, APIC_LVT0), APIC_LVT_MASKED | 0x33);
}

static void test_timer_x2apic_msrs(void **state)
{
	struct fixture *f = *state;
	struct kvm_lapic *apic = &f->apics[0];

	to_x2apic(apic);
	kvm_x2apic_msr_write(apic, MSR_OF(APIC_SPIV),
			     APIC_SPIV_APIC_ENABLED | 0xff);
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_TDCR), 0xb),
			 0);	/* ÷1 */
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_LVTT),
					      APIC_LVT_TIMER_ONESHOT | 0x50),
			 0);
	f->tsc = 10;
	assert_int_equal(kvm_x2apic_msr_write(apic, MSR_OF(APIC_TMICT), 300),
			 0);
	f->tsc = 110;
	assert_int_equal(msr_rd(apic, MSR_OF(APIC_TMCCT)), 200);
	assert_int_equal(kvm_lapic_next_deadline(apic), 310);
	assert_true(kvm_lapic_timer_check(apic, 310));
	assert_int_equal(kvm_apic_has_interrupt(apic), 0x50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_values, setup),
		cmocka_unit_test_setup(test_features_cmci_directed_eoi, setup),
		cmocka_unit_test_setup(test_init_reset, setup),
		cmocka_unit_test_setup(test_apic_base_transitions, setup),
		cmocka_unit_test_setup(test_apic_base_reserved_bits, setup),
		cmocka_unit_test_setup(test_disable_resets_registers, setup),
		cmocka_unit_test_setup(test_x2apic_enter_and_leave, setup),
		cmocka_unit_test_setup(test_x2apic_msr_rules, setup),
		cmocka_unit_test_setup(test_x2apic_self_ipi, setup),
		cmocka_unit_test_setup(test_x2apic_icr, setup),
		cmocka_unit_test_setup(test_xapic_icr, setup),
		cmocka_unit_test_setup(test_write_nodecode, setup),
		cmocka_unit_test_setup(test_icr_without_send_ipi, setup),
		cmocka_unit_test_setup(test_xapic_register_masks, setup),
		cmocka_unit_test_setup(test_mmio_access_sizes, setup),
		cmocka_unit_test_setup(test_ppr, setup),
		cmocka_unit_test_setup(test_irr_isr_eoi_sequence, setup),
		cmocka_unit_test_setup(test_tmr_and_eoi_level, setup),
		cmocka_unit_test_setup(test_illegal_vector_and_esr, setup),
		cmocka_unit_test_setup(test_delivery_modes, setup),
		cmocka_unit_test_setup(test_local_deliver_and_pic, setup),
		cmocka_unit_test_setup(test_match_physical, setup),
		cmocka_unit_test_setup(test_match_logical_flat_cluster, setup),
		cmocka_unit_test_setup(test_match_x2apic_cluster, setup),
		cmocka_unit_test_setup(test_match_shorthands, setup),
		cmocka_unit_test_setup(test_divide_values, setup),
		cmocka_unit_test_setup(test_timer_oneshot, setup),
		cmocka_unit_test_setup(test_timer_periodic, setup),
		cmocka_unit_test_setup(test_timer_divide_change, setup),
		cmocka_unit_test_setup(test_timer_tsc_deadline, setup),
		cmocka_unit_test_setup(test_timer_x2apic_msrs, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

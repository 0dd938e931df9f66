/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the guest's MTRR registers and the IA32_PAT check
 * (vmx/mtrr.c; SDM Vol. 3A, "Memory Type Range Registers (MTRRs)" and
 * "Page Attribute Table (PAT)"): which MSRs are MTRRs, the read-only
 * capability register, the memory types and reserved bits each register
 * accepts, MAXPHYADDR, and that a rejected write leaves the value alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tvx/types.h"
#include "vmx/mtrr.h"

/* The MSR addresses as the SDM lists them (Vol. 4, "Architectural MSRs"),
 * written out here so the test does not just repeat the code's macros. */
#define T_MTRRCAP		0xfeu
#define T_PHYSBASE0		0x200u
#define T_PHYSMASK0		0x201u
#define T_PHYSBASE7		0x20eu
#define T_PHYSMASK7		0x20fu
#define T_FIX64K_00000		0x250u
#define T_FIX16K_80000		0x258u
#define T_FIX16K_A0000		0x259u
#define T_FIX4K_C0000		0x268u
#define T_FIX4K_F8000		0x26fu
#define T_DEF_TYPE		0x2ffu
#define T_PAT			0x277u

/* Every MTRR MSR: the 11 fixed ranges, 8 variable pairs, DEF_TYPE. */
static const u32 fixed_msrs[] = {
	0x250, 0x258, 0x259, 0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d, 0x26e,
	0x26f,
};
#define NR_VAR_MSRS		16

/* Neighbours of the MTRR ranges that are not MTRRs. */
static const u32 not_mtrr_msrs[] = {
	0x0, 0xfd, 0xff, 0x1ff, 0x210, 0x211, 0x24f, 0x251, 0x257, 0x25a,
	0x267, 0x270, 0x276, T_PAT, 0x2fe, 0x300, 0xc0000080u,
};

#define TYPE_UC			0x00ull
#define TYPE_WC			0x01ull
#define TYPE_RSVD2		0x02ull
#define TYPE_RSVD3		0x03ull
#define TYPE_WT			0x04ull
#define TYPE_WP			0x05ull
#define TYPE_WB			0x06ull
#define TYPE_UC_MINUS		0x07ull
#define TYPE_8			0x08ull
#define TYPE_FF			0xffull

#define DEF_FE			(1ull << 10)
#define DEF_E			(1ull << 11)
#define MASK_V			(1ull << 11)

#define MAXPHY_36		36
#define MAXPHY_39		39
#define MAXPHY_46		46
#define MAXPHY_52		52

/* A 256 MiB range at 1 GiB. */
#define RANGE_BASE		0x40000000ull
#define RANGE_MASK_36		0xff0000000ull

/* Fixed-range values: all WB, and a byte pattern of every MTRR type. */
#define FIXED_ALL_WB		0x0606060606060606ull
#define FIXED_MIXED		0x0605040100060504ull

static const u64 mtrr_types[] = { TYPE_UC, TYPE_WC, TYPE_WT, TYPE_WP, TYPE_WB };

/*
 * A different valid value for each fixed-range MSR: byte j of the MSR with
 * index i holds the (i + j)-th type, round robin, and the top byte also
 * moves on with every round so that MSRs i and i + 5 differ.
 */
static u64 fixed_value(size_t i)
{
	size_t n = ARRAY_SIZE(mtrr_types), round = i / n;
	u64 v = 0;

	for (size_t j = 0; j < 8; j++)
		v |= mtrr_types[(i + j + (j == 7 ? round : 0)) % n] << (j * 8);
	return v;
}

static void test_which_msrs_are_mtrrs(void **state)
{
	assert_true(kvm_mtrr_msr(T_MTRRCAP));
	assert_true(kvm_mtrr_msr(T_DEF_TYPE));
	for (size_t i = 0; i < ARRAY_SIZE(fixed_msrs); i++)
		assert_true(kvm_mtrr_msr(fixed_msrs[i]));
	for (u32 i = 0; i < NR_VAR_MSRS; i++)
		assert_true(kvm_mtrr_msr(T_PHYSBASE0 + i));
	for (size_t i = 0; i < ARRAY_SIZE(not_mtrr_msrs); i++)
		assert_false(kvm_mtrr_msr(not_mtrr_msrs[i]));
}

/* IA32_MTRRCAP: VCNT 8, FIX, WC, no SMRR; read-only. */
static void test_mtrrcap(void **state)
{
	struct kvm_mtrr m = { 0 };
	u64 v = 0;

	assert_int_equal(kvm_mtrr_get_msr(&m, T_MTRRCAP, &v), 0);
	assert_int_equal(v & 0xff, 8);
	assert_true(v & (1ull << 8));		/* FIX */
	assert_true(v & (1ull << 10));		/* WC */
	assert_false(v & (1ull << 11));		/* SMRR */
	assert_int_equal(v, 0x508);
	assert_int_equal(kvm_mtrr_set_msr(&m, T_MTRRCAP, v, MAXPHY_36), 1);
	assert_int_equal(kvm_mtrr_set_msr(&m, T_MTRRCAP, 0, MAXPHY_36), 1);
	assert_false(kvm_mtrr_valid(T_MTRRCAP, v, MAXPHY_36));
}

/* Power-on: everything reads 0 (MTRRs disabled). */
static void test_power_on_zero(void **state)
{
	struct kvm_mtrr m;
	u64 v;

	memset(&m, 0, sizeof(m));
	v = ~0ull;
	assert_int_equal(kvm_mtrr_get_msr(&m, T_DEF_TYPE, &v), 0);
	assert_int_equal(v, 0);
	for (size_t i = 0; i < ARRAY_SIZE(fixed_msrs); i++) {
		v = ~0ull;
		assert_int_equal(kvm_mtrr_get_msr(&m, fixed_msrs[i], &v), 0);
		assert_int_equal(v, 0);
	}
	for (u32 i = 0; i < NR_VAR_MSRS; i++) {
		v = ~0ull;
		assert_int_equal(kvm_mtrr_get_msr(&m, T_PHYSBASE0 + i, &v), 0);
		assert_int_equal(v, 0);
	}
}

static void test_def_type(void **state)
{
	static const u64 good[] = {
		0, TYPE_WB, TYPE_UC | DEF_E, TYPE_WB | DEF_E | DEF_FE,
		TYPE_WC | DEF_FE, TYPE_WT | DEF_E, TYPE_WP | DEF_E,
	};
	static const u64 bad[] = {
		TYPE_RSVD2, TYPE_RSVD3 | DEF_E, TYPE_UC_MINUS, TYPE_8, TYPE_FF,
		TYPE_WB | (1ull << 8), TYPE_WB | (1ull << 9),
		TYPE_WB | (1ull << 12), TYPE_WB | DEF_E | (1ull << 63),
		TYPE_WB | (1ull << 32),
	};
	struct kvm_mtrr m = { 0 };
	u64 v;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		assert_int_equal(kvm_mtrr_set_msr(&m, T_DEF_TYPE, good[i],
						  MAXPHY_36), 0);
		assert_int_equal(kvm_mtrr_get_msr(&m, T_DEF_TYPE, &v), 0);
		assert_int_equal(v, good[i]);
	}
	/* A rejected write leaves the last good value. */
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_false(kvm_mtrr_valid(T_DEF_TYPE, bad[i], MAXPHY_52));
		assert_int_equal(kvm_mtrr_set_msr(&m, T_DEF_TYPE, bad[i],
						  MAXPHY_52), 1);
		assert_int_equal(kvm_mtrr_get_msr(&m, T_DEF_TYPE, &v), 0);
		assert_int_equal(v, good[ARRAY_SIZE(good) - 1]);
	}
}

/* Each fixed-range MSR keeps its own value; any byte may be any of
 * the five MTRR types, none may be reserved (nor UC-, a PAT-only type). */
static void test_fixed_ranges(void **state)
{
	struct kvm_mtrr m = { 0 };
	u64 v;

	for (size_t i = 0; i < ARRAY_SIZE(fixed_msrs); i++)
		assert_int_equal(kvm_mtrr_set_msr(&m, fixed_msrs[i],
						  fixed_value(i), MAXPHY_36), 0);
	for (size_t i = 0; i < ARRAY_SIZE(fixed_msrs); i++) {
		assert_int_equal(kvm_mtrr_get_msr(&m, fixed_msrs[i], &v), 0);
		assert_int_equal(v, fixed_value(i));
	}
	/* The variable ranges and DEF_TYPE were not touched. */
	assert_int_equal(kvm_mtrr_get_msr(&m, T_DEF_TYPE, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(kvm_mtrr_get_msr(&m, T_PHYSMASK7, &v), 0);
	assert_int_equal(v, 0);

	for (int byte = 0; byte < 8; byte++) {
		static const u64 bad_types[] = {
			TYPE_RSVD2, TYPE_RSVD3, TYPE_UC_MINUS, TYPE_8, TYPE_FF,
		};

		for (size_t t = 0; t < ARRAY_SIZE(bad_types); t++) {
			u64 bad = (FIXED_ALL_WB & ~(0xffull << (byte * 8))) |
				  (bad_types[t] << (byte * 8));

			assert_false(kvm_mtrr_valid(T_FIX4K_F8000, bad,
						    MAXPHY_36));
			assert_int_equal(kvm_mtrr_set_msr(&m, T_FIX16K_A0000,
							  bad, MAXPHY_36), 1);
		}
	}
	assert_int_equal(kvm_mtrr_get_msr(&m, T_FIX16K_A0000, &v), 0);
	assert_int_equal(v, fixed_value(2));
	assert_true(kvm_mtrr_valid(T_FIX64K_00000, FIXED_ALL_WB, MAXPHY_36));
	assert_true(kvm_mtrr_valid(T_FIX16K_80000, 0, MAXPHY_36));
	assert_true(kvm_mtrr_valid(T_FIX4K_C0000, FIXED_MIXED, MAXPHY_36));
}

/* PHYSBASEn at 0x200 + 2n and PHYSMASKn at 0x201 + 2n are separate. */
static void test_variable_pairs(void **state)
{
	struct kvm_mtrr m = { 0 };
	u64 v;

	for (u32 n = 0; n < 8; n++) {
		u64 base = (RANGE_BASE * (n + 1)) | TYPE_WB;
		u64 mask = RANGE_MASK_36 | MASK_V;

		assert_int_equal(kvm_mtrr_set_msr(&m, T_PHYSBASE0 + 2 * n,
						  base, MAXPHY_36), 0);
		assert_int_equal(kvm_mtrr_set_msr(&m, T_PHYSMASK0 + 2 * n,
						  mask - (n << 28), MAXPHY_36),
				 0);
	}
	for (u32 n = 0; n < 8; n++) {
		assert_int_equal(kvm_mtrr_get_msr(&m, T_PHYSBASE0 + 2 * n, &v),
				 0);
		assert_int_equal(v, (RANGE_BASE * (n + 1)) | TYPE_WB);
		assert_int_equal(kvm_mtrr_get_msr(&m, T_PHYSMASK0 + 2 * n, &v),
				 0);
		assert_int_equal(v, (RANGE_MASK_36 | MASK_V) - (n << 28));
	}
	assert_int_equal(m.var_ranges[7].base, (RANGE_BASE * 8) | TYPE_WB);
	assert_int_equal(kvm_mtrr_get_msr(&m, T_PHYSBASE7, &v), 0);
	assert_int_equal(v, m.var_ranges[7].base);
	/* A mask may be written without its valid bit (range disabled). */
	assert_int_equal(kvm_mtrr_set_msr(&m, T_PHYSMASK7, RANGE_MASK_36,
					  MAXPHY_36), 0);
	/* The ninth pair does not exist. */
	assert_int_equal(kvm_mtrr_set_msr(&m, 0x210, TYPE_WB, MAXPHY_36), 1);
	assert_int_equal(kvm_mtrr_get_msr(&m, 0x211, &v), 1);
}

static void test_variable_base_checks(void **state)
{
	static const u64 bad_types[] = {
		TYPE_RSVD2, TYPE_RSVD3, TYPE_UC_MINUS, TYPE_8, TYPE_FF,
	};
	static const u64 good_types[] = {
		TYPE_UC, TYPE_WC, TYPE_WT, TYPE_WP, TYPE_WB,
	};
	struct kvm_mtrr m = { 0 };
	u64 v;

	for (size_t i = 0; i < ARRAY_SIZE(good_types); i++)
		assert_true(kvm_mtrr_valid(T_PHYSBASE0, RANGE_BASE | good_types[i],
					   MAXPHY_36));
	for (size_t i = 0; i < ARRAY_SIZE(bad_types); i++)
		assert_false(kvm_mtrr_valid(T_PHYSBASE0, RANGE_BASE | bad_types[i],
					    MAXPHY_36));
	/* bits 11:8 are reserved */
	for (int bit = 8; bit < 12; bit++)
		assert_false(kvm_mtrr_valid(T_PHYSBASE0,
					    RANGE_BASE | TYPE_WB | (1ull << bit),
					    MAXPHY_36));
	/* address bits: up to MAXPHYADDR - 1, not from MAXPHYADDR up */
	assert_true(kvm_mtrr_valid(T_PHYSBASE0, (1ull << 35) | TYPE_WB,
				   MAXPHY_36));
	assert_false(kvm_mtrr_valid(T_PHYSBASE0, (1ull << 36) | TYPE_WB,
				    MAXPHY_36));
	assert_true(kvm_mtrr_valid(T_PHYSBASE0, (1ull << 36) | TYPE_WB,
				   MAXPHY_39));
	assert_false(kvm_mtrr_valid(T_PHYSBASE0, (1ull << 39) | TYPE_WB,
				    MAXPHY_39));
	assert_true(kvm_mtrr_valid(T_PHYSBASE0, (1ull << 51) | TYPE_WB,
				   MAXPHY_52));
	assert_false(kvm_mtrr_valid(T_PHYSBASE0, (1ull << 52) | TYPE_WB,
				    MAXPHY_52));
	assert_false(kvm_mtrr_valid(T_PHYSBASE0, (1ull << 63) | TYPE_WB,
				    MAXPHY_52));

	assert_int_equal(kvm_mtrr_set_msr(&m, T_PHYSBASE0, RANGE_BASE | TYPE_WC,
					  MAXPHY_36), 0);
	assert_int_equal(kvm_mtrr_set_msr(&m, T_PHYSBASE0, RANGE_BASE | TYPE_RSVD2,
					  MAXPHY_36), 1);
	assert_int_equal(kvm_mtrr_set_msr(&m, T_PHYSBASE0, (1ull << 40) | TYPE_WB,
					  MAXPHY_39), 1);
	assert_int_equal(kvm_mtrr_get_msr(&m, T_PHYSBASE0, &v), 0);
	assert_int_equal(v, RANGE_BASE | TYPE_WC);
}

static void test_variable_mask_checks(void **state)
{
	struct kvm_mtrr m = { 0 };
	u64 v;

	/* bits 10:0 are reserved, bit 11 is V */
	for (int bit = 0; bit < 11; bit++)
		assert_false(kvm_mtrr_valid(T_PHYSMASK0,
					    RANGE_MASK_36 | MASK_V | (1ull << bit),
					    MAXPHY_36));
	assert_true(kvm_mtrr_valid(T_PHYSMASK0, RANGE_MASK_36 | MASK_V,
				   MAXPHY_36));
	/* a memory type is not checked in the mask (there is none) */
	assert_false(kvm_mtrr_valid(T_PHYSMASK0, TYPE_WB, MAXPHY_36));
	/* a full mask for 46 bits fits 46, not 39 */
	assert_true(kvm_mtrr_valid(T_PHYSMASK7, 0x3ffffffff000ull | MASK_V,
				   MAXPHY_46));
	assert_false(kvm_mtrr_valid(T_PHYSMASK7, 0x3ffffffff000ull | MASK_V,
				    MAXPHY_39));

	assert_int_equal(kvm_mtrr_set_msr(&m, T_PHYSMASK7, RANGE_MASK_36 | MASK_V,
					  MAXPHY_36), 0);
	assert_int_equal(kvm_mtrr_set_msr(&m, T_PHYSMASK7,
					  (1ull << 36) | RANGE_MASK_36 | MASK_V,
					  MAXPHY_36), 1);
	assert_int_equal(kvm_mtrr_set_msr(&m, T_PHYSMASK7, MASK_V | 1, MAXPHY_36),
			 1);
	assert_int_equal(kvm_mtrr_get_msr(&m, T_PHYSMASK7, &v), 0);
	assert_int_equal(v, RANGE_MASK_36 | MASK_V);
}

static void test_not_mtrrs(void **state)
{
	struct kvm_mtrr m = { 0 };
	struct kvm_mtrr zero = { 0 };
	u64 v = 0x1234;

	for (size_t i = 0; i < ARRAY_SIZE(not_mtrr_msrs); i++) {
		assert_int_equal(kvm_mtrr_get_msr(&m, not_mtrr_msrs[i], &v), 1);
		assert_int_equal(kvm_mtrr_set_msr(&m, not_mtrr_msrs[i], 0,
						  MAXPHY_36), 1);
		assert_false(kvm_mtrr_valid(not_mtrr_msrs[i], 0, MAXPHY_36));
	}
	assert_int_equal(v, 0x1234);
	assert_memory_equal(&m, &zero, sizeof(m));
}

/* IA32_PAT: types 0, 1, 4, 5, 6, 7 in every byte; 2, 3 and >= 8 #GP. */
static void test_pat(void **state)
{
	static const u64 bad_types[] = { TYPE_RSVD2, TYPE_RSVD3, TYPE_8, TYPE_FF };

	assert_true(kvm_pat_valid(0x0007040600070406ull));	/* power-on */
	assert_true(kvm_pat_valid(0x0606060606060606ull));
	assert_true(kvm_pat_valid(0));
	assert_true(kvm_pat_valid(0x0706050401000706ull));
	for (int byte = 0; byte < 8; byte++) {
		for (size_t t = 0; t < ARRAY_SIZE(bad_types); t++) {
			u64 pat = (0x0606060606060606ull &
				   ~(0xffull << (byte * 8))) |
				  (bad_types[t] << (byte * 8));

			assert_false(kvm_pat_valid(pat));
		}
		/* a high bit of a byte is as reserved as the whole byte */
		assert_false(kvm_pat_valid(0x0606060606060606ull |
					   (0x80ull << (byte * 8))));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_which_msrs_are_mtrrs),
		cmocka_unit_test(test_mtrrcap),
		cmocka_unit_test(test_power_on_zero),
		cmocka_unit_test(test_def_type),
		cmocka_unit_test(test_fixed_ranges),
		cmocka_unit_test(test_variable_pairs),
		cmocka_unit_test(test_variable_base_checks),
		cmocka_unit_test(test_variable_mask_checks),
		cmocka_unit_test(test_not_mtrrs),
		cmocka_unit_test(test_pat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the MSR bitmap (vmx/msr_bitmap.c, seed 001; SDM Vol. 3C,
 * "MSR-Bitmap Address"): where each MSR's read and write bit lives in the
 * four 1 KiB quadrants, which MSRs no bitmap covers, and that opening or
 * closing an MSR touches exactly the bits it should.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tvx/types.h"
#include "vmx/msr_bitmap.h"

/* A few real MSRs, for spot checks away from the edges. */
#define TEST_MSR_IA32_TSC		0x00000010u
#define TEST_MSR_IA32_SYSENTER_CS	0x00000174u
#define TEST_MSR_EFER			0xc0000080u
#define TEST_MSR_KERNEL_GS_BASE		0xc0000102u
/* An MSR beyond both covered ranges (a hypervisor-range MSR). */
#define TEST_MSR_UNCOVERED		0x40000000u

#define BITS_PER_BYTE			8
#define LAST_BIT_IN_BYTE		7

/* Bits set in the whole page. */
static unsigned page_popcount(const u8 *bm)
{
	unsigned n = 0;

	for (size_t i = 0; i < MSR_BITMAP_SIZE; i++)
		n += __builtin_popcount(bm[i]);
	return n;
}

static void expect_locate(u32 msr, unsigned type, unsigned byte, unsigned bit)
{
	unsigned got_byte = 0xdead, got_bit = 0xdead;

	assert_int_equal(msr_bitmap_locate(msr, type, &got_byte, &got_bit), 0);
	assert_int_equal(got_byte, byte);
	assert_int_equal(got_bit, bit);
}

/* ---- msr_bitmap_locate() --------------------------------------------- */

static void test_locate_low_range_edges(void **state)
{
	/* Read bitmap for low MSRs: bytes 0-1023. */
	expect_locate(MSR_BITMAP_LOW_FIRST, MSR_TYPE_R, 0, 0);
	expect_locate(MSR_BITMAP_LOW_LAST, MSR_TYPE_R, 1023, LAST_BIT_IN_BYTE);
	/* Write bitmap for low MSRs: bytes 2048-3071. */
	expect_locate(MSR_BITMAP_LOW_FIRST, MSR_TYPE_W, 2048, 0);
	expect_locate(MSR_BITMAP_LOW_LAST, MSR_TYPE_W, 3071, LAST_BIT_IN_BYTE);
	/* Neighbours of the edges: one bit further, same or next byte. */
	expect_locate(MSR_BITMAP_LOW_FIRST + 1, MSR_TYPE_R, 0, 1);
	expect_locate(MSR_BITMAP_LOW_FIRST + BITS_PER_BYTE, MSR_TYPE_R, 1, 0);
	expect_locate(MSR_BITMAP_LOW_LAST - 1, MSR_TYPE_W, 3071, 6);
	expect_locate(MSR_BITMAP_LOW_LAST - BITS_PER_BYTE, MSR_TYPE_W, 3070,
		      LAST_BIT_IN_BYTE);
}

static void test_locate_high_range_edges(void **state)
{
	/* Read bitmap for high MSRs: bytes 1024-2047. */
	expect_locate(MSR_BITMAP_HIGH_FIRST, MSR_TYPE_R, 1024, 0);
	expect_locate(MSR_BITMAP_HIGH_LAST, MSR_TYPE_R, 2047, LAST_BIT_IN_BYTE);
	/* Write bitmap for high MSRs: bytes 3072-4095. */
	expect_locate(MSR_BITMAP_HIGH_FIRST, MSR_TYPE_W, 3072, 0);
	expect_locate(MSR_BITMAP_HIGH_LAST, MSR_TYPE_W, 4095, LAST_BIT_IN_BYTE);
}

static void test_locate_real_msrs(void **state)
{
	/* 0x10 / 8 = byte 2, bit 0. */
	expect_locate(TEST_MSR_IA32_TSC, MSR_TYPE_R, 2, 0);
	expect_locate(TEST_MSR_IA32_TSC, MSR_TYPE_W, 2048 + 2, 0);
	/* 0x174 = 372: byte 46, bit 4. */
	expect_locate(TEST_MSR_IA32_SYSENTER_CS, MSR_TYPE_R, 46, 4);
	expect_locate(TEST_MSR_IA32_SYSENTER_CS, MSR_TYPE_W, 2048 + 46, 4);
	/* EFER: index 0x80 = 128 in the high range: byte 16, bit 0. */
	expect_locate(TEST_MSR_EFER, MSR_TYPE_R, 1024 + 16, 0);
	expect_locate(TEST_MSR_EFER, MSR_TYPE_W, 3072 + 16, 0);
	/* KERNEL_GS_BASE: index 0x102 = 258: byte 32, bit 2. */
	expect_locate(TEST_MSR_KERNEL_GS_BASE, MSR_TYPE_R, 1024 + 32, 2);
	expect_locate(TEST_MSR_KERNEL_GS_BASE, MSR_TYPE_W, 3072 + 32, 2);
}

static void test_locate_out_of_range(void **state)
{
	static const u32 uncovered[] = {
		MSR_BITMAP_LOW_LAST + 1,	/* 0x2000 */
		MSR_BITMAP_HIGH_FIRST - 1,	/* 0xbfffffff */
		MSR_BITMAP_HIGH_LAST + 1,	/* 0xc0002000 */
		0xffffffffu,
		TEST_MSR_UNCOVERED,
	};

	for (size_t i = 0; i < ARRAY_SIZE(uncovered); i++) {
		unsigned byte, bit;

		assert_int_equal(msr_bitmap_locate(uncovered[i], MSR_TYPE_R,
						   &byte, &bit), -ERANGE);
		assert_int_equal(msr_bitmap_locate(uncovered[i], MSR_TYPE_W,
						   &byte, &bit), -ERANGE);
	}
}

static void test_locate_bad_type(void **state)
{
	/* One access type at a time: neither none, both, nor an unknown bit. */
	static const unsigned bad[] = { 0, MSR_TYPE_RW, BIT(2), ~0u };
	unsigned byte, bit;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(msr_bitmap_locate(TEST_MSR_EFER, bad[i], &byte,
						   &bit), -EINVAL);
		assert_int_equal(msr_bitmap_locate(MSR_BITMAP_LOW_FIRST, bad[i],
						   &byte, &bit), -EINVAL);
	}
}

/* Every covered MSR maps to a distinct bit, inside its own quadrant. */
static void test_locate_bijective(void **state)
{
	static u8 seen[MSR_BITMAP_SIZE];
	static const struct {
		u32 first;
		unsigned type;
		enum msr_bitmap_quadrant q;
	} ranges[] = {
		{ MSR_BITMAP_LOW_FIRST, MSR_TYPE_R, MSR_BITMAP_READ_LOW },
		{ MSR_BITMAP_HIGH_FIRST, MSR_TYPE_R, MSR_BITMAP_READ_HIGH },
		{ MSR_BITMAP_LOW_FIRST, MSR_TYPE_W, MSR_BITMAP_WRITE_LOW },
		{ MSR_BITMAP_HIGH_FIRST, MSR_TYPE_W, MSR_BITMAP_WRITE_HIGH },
	};
	const u32 per_range = MSR_BITMAP_LOW_LAST - MSR_BITMAP_LOW_FIRST + 1;

	memset(seen, 0, sizeof(seen));
	for (size_t r = 0; r < ARRAY_SIZE(ranges); r++) {
		for (u32 i = 0; i < per_range; i++) {
			unsigned byte, bit;

			assert_int_equal(msr_bitmap_locate(ranges[r].first + i,
							   ranges[r].type,
							   &byte, &bit), 0);
			assert_true(byte / MSR_BITMAP_QUADRANT_SIZE ==
				    (unsigned)ranges[r].q);
			assert_true(bit < BITS_PER_BYTE);
			assert_false(seen[byte] & BIT(bit));
			seen[byte] |= BIT(bit);
		}
	}
	assert_int_equal(page_popcount(seen), MSR_BITMAP_SIZE * BITS_PER_BYTE);
}

/* ---- vmx_{disable,enable}_intercept_for_msr() ------------------------ */

static void test_disable_clears_one_bit_per_type(void **state)
{
	static const u32 msrs[] = {
		MSR_BITMAP_LOW_FIRST, MSR_BITMAP_LOW_LAST,
		MSR_BITMAP_HIGH_FIRST, MSR_BITMAP_HIGH_LAST,
		TEST_MSR_IA32_SYSENTER_CS, TEST_MSR_EFER,
	};
	const unsigned all = MSR_BITMAP_SIZE * BITS_PER_BYTE;
	u8 bm[MSR_BITMAP_SIZE];

	for (size_t i = 0; i < ARRAY_SIZE(msrs); i++) {
		u32 msr = msrs[i];
		unsigned rbyte, rbit, wbyte, wbit;

		assert_int_equal(msr_bitmap_locate(msr, MSR_TYPE_R, &rbyte,
						   &rbit), 0);
		assert_int_equal(msr_bitmap_locate(msr, MSR_TYPE_W, &wbyte,
						   &wbit), 0);

		/* Read only: exactly the read bit goes. */
		memset(bm, 0xff, sizeof(bm));
		assert_int_equal(page_popcount(bm), all);
		assert_int_equal(vmx_disable_intercept_for_msr(bm, msr,
							       MSR_TYPE_R), 0);
		assert_int_equal(page_popcount(bm), all - 1);
		assert_false(bm[rbyte] & BIT(rbit));
		assert_false(vmx_msr_access_exits(bm, msr, MSR_TYPE_R));
		assert_true(vmx_msr_access_exits(bm, msr, MSR_TYPE_W));

		/* Write only: exactly the write bit goes. */
		memset(bm, 0xff, sizeof(bm));
		assert_int_equal(vmx_disable_intercept_for_msr(bm, msr,
							       MSR_TYPE_W), 0);
		assert_int_equal(page_popcount(bm), all - 1);
		assert_false(bm[wbyte] & BIT(wbit));
		assert_true(vmx_msr_access_exits(bm, msr, MSR_TYPE_R));
		assert_false(vmx_msr_access_exits(bm, msr, MSR_TYPE_W));

		/* Both: two bits, in different quadrants. */
		memset(bm, 0xff, sizeof(bm));
		assert_int_equal(vmx_disable_intercept_for_msr(bm, msr,
							       MSR_TYPE_RW), 0);
		assert_int_equal(page_popcount(bm), all - 2);
		assert_false(bm[rbyte] & BIT(rbit));
		assert_false(bm[wbyte] & BIT(wbit));
		assert_false(vmx_msr_access_exits(bm, msr, MSR_TYPE_R));
		assert_false(vmx_msr_access_exits(bm, msr, MSR_TYPE_W));

		/* Doing it again changes nothing. */
		assert_int_equal(vmx_disable_intercept_for_msr(bm, msr,
							       MSR_TYPE_RW), 0);
		assert_int_equal(page_popcount(bm), all - 2);

		/* Enable puts back exactly those bits. */
		assert_int_equal(vmx_enable_intercept_for_msr(bm, msr,
							      MSR_TYPE_R), 0);
		assert_int_equal(page_popcount(bm), all - 1);
		assert_true(vmx_msr_access_exits(bm, msr, MSR_TYPE_R));
		assert_false(vmx_msr_access_exits(bm, msr, MSR_TYPE_W));
		assert_int_equal(vmx_enable_intercept_for_msr(bm, msr,
							      MSR_TYPE_W), 0);
		assert_int_equal(page_popcount(bm), all);
		assert_true(vmx_msr_access_exits(bm, msr, MSR_TYPE_W));
	}
}

static void test_enable_sets_one_bit_per_type(void **state)
{
	u8 bm[MSR_BITMAP_SIZE];
	unsigned byte, bit;

	/* From an all-open page, closing one MSR sets exactly its bits. */
	memset(bm, 0, sizeof(bm));
	assert_false(vmx_msr_access_exits(bm, TEST_MSR_EFER, MSR_TYPE_R));
	assert_int_equal(vmx_enable_intercept_for_msr(bm, TEST_MSR_EFER,
						      MSR_TYPE_W), 0);
	assert_int_equal(page_popcount(bm), 1);
	assert_int_equal(msr_bitmap_locate(TEST_MSR_EFER, MSR_TYPE_W, &byte,
					   &bit), 0);
	assert_true(bm[byte] & BIT(bit));
	assert_false(vmx_msr_access_exits(bm, TEST_MSR_EFER, MSR_TYPE_R));
	assert_true(vmx_msr_access_exits(bm, TEST_MSR_EFER, MSR_TYPE_W));

	assert_int_equal(vmx_enable_intercept_for_msr(bm, TEST_MSR_IA32_TSC,
						      MSR_TYPE_RW), 0);
	assert_int_equal(page_popcount(bm), 3);
	assert_true(vmx_msr_access_exits(bm, TEST_MSR_IA32_TSC, MSR_TYPE_R));
	assert_true(vmx_msr_access_exits(bm, TEST_MSR_IA32_TSC, MSR_TYPE_W));
	/* A neighbour in the same byte is not affected. */
	assert_false(vmx_msr_access_exits(bm, TEST_MSR_IA32_TSC + 1,
					  MSR_TYPE_R));
}

static void test_uncovered_msr_cannot_be_opened(void **state)
{
	static const u32 uncovered[] = {
		MSR_BITMAP_LOW_LAST + 1, MSR_BITMAP_HIGH_FIRST - 1,
		MSR_BITMAP_HIGH_LAST + 1, 0xffffffffu, TEST_MSR_UNCOVERED,
	};
	u8 bm[MSR_BITMAP_SIZE];

	/* Even on an all-open page an uncovered MSR always exits, and no
	 * attempt to open or close it touches the page. */
	memset(bm, 0, sizeof(bm));
	for (size_t i = 0; i < ARRAY_SIZE(uncovered); i++) {
		u32 msr = uncovered[i];

		assert_true(vmx_msr_access_exits(bm, msr, MSR_TYPE_R));
		assert_true(vmx_msr_access_exits(bm, msr, MSR_TYPE_W));
		assert_int_equal(vmx_disable_intercept_for_msr(bm, msr,
							       MSR_TYPE_RW),
				 -ERANGE);
		assert_int_equal(vmx_enable_intercept_for_msr(bm, msr,
							      MSR_TYPE_RW),
				 -ERANGE);
		assert_int_equal(vmx_enable_intercept_for_msr(bm, msr,
							      MSR_TYPE_R),
				 -ERANGE);
		assert_int_equal(page_popcount(bm), 0);
		assert_true(vmx_msr_access_exits(bm, msr, MSR_TYPE_R));
	}

	memset(bm, 0xff, sizeof(bm));
	assert_int_equal(vmx_disable_intercept_for_msr(bm, TEST_MSR_UNCOVERED,
						       MSR_TYPE_W), -ERANGE);
	assert_int_equal(page_popcount(bm), MSR_BITMAP_SIZE * BITS_PER_BYTE);
}

/* The edges of the covered ranges land in the right quadrant's edge byte. */
static void test_edges_touch_edge_bytes(void **state)
{
	u8 bm[MSR_BITMAP_SIZE];

	memset(bm, 0xff, sizeof(bm));
	assert_int_equal(vmx_disable_intercept_for_msr(bm, MSR_BITMAP_LOW_FIRST,
						       MSR_TYPE_RW), 0);
	assert_int_equal(vmx_disable_intercept_for_msr(bm, MSR_BITMAP_LOW_LAST,
						       MSR_TYPE_RW), 0);
	assert_int_equal(vmx_disable_intercept_for_msr(bm, MSR_BITMAP_HIGH_FIRST,
						       MSR_TYPE_RW), 0);
	assert_int_equal(vmx_disable_intercept_for_msr(bm, MSR_BITMAP_HIGH_LAST,
						       MSR_TYPE_RW), 0);
	assert_int_equal(bm[0], 0xff & ~BIT(0));
	assert_int_equal(bm[1023], 0xff & ~BIT(LAST_BIT_IN_BYTE));
	assert_int_equal(bm[1024], 0xff & ~BIT(0));
	assert_int_equal(bm[2047], 0xff & ~BIT(LAST_BIT_IN_BYTE));
	assert_int_equal(bm[2048], 0xff & ~BIT(0));
	assert_int_equal(bm[3071], 0xff & ~BIT(LAST_BIT_IN_BYTE));
	assert_int_equal(bm[3072], 0xff & ~BIT(0));
	assert_int_equal(bm[4095], 0xff & ~BIT(LAST_BIT_IN_BYTE));
	assert_int_equal(page_popcount(bm),
			 MSR_BITMAP_SIZE * BITS_PER_BYTE - 8);
	/* Just past each edge the MSRs still exit. */
	assert_true(vmx_msr_access_exits(bm, MSR_BITMAP_LOW_FIRST + 1,
					 MSR_TYPE_R));
	assert_true(vmx_msr_access_exits(bm, MSR_BITMAP_LOW_LAST - 1,
					 MSR_TYPE_W));
	assert_true(vmx_msr_access_exits(bm, MSR_BITMAP_HIGH_FIRST + 1,
					 MSR_TYPE_R));
	assert_true(vmx_msr_access_exits(bm, MSR_BITMAP_HIGH_LAST - 1,
					 MSR_TYPE_W));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_locate_low_range_edges),
		cmocka_unit_test(test_locate_high_range_edges),
		cmocka_unit_test(test_locate_real_msrs),
		cmocka_unit_test(test_locate_out_of_range),
		cmocka_unit_test(test_locate_bad_type),
		cmocka_unit_test(test_locate_bijective),
		cmocka_unit_test(test_disable_clears_one_bit_per_type),
		cmocka_unit_test(test_enable_sets_one_bit_per_type),
		cmocka_unit_test(test_uncovered_msr_cannot_be_opened),
		cmocka_unit_test(test_edges_touch_edge_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

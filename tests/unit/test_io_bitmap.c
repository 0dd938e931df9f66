/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the I/O bitmaps (vmx/io_bitmap.c; SDM Vol. 3C, "I/O-Bitmap
 * Addresses"): bitmap A covers ports 0x0000-0x7fff and B 0x8000-0xffff, an
 * access of several bytes exits if any of its ports is intercepted, and one
 * that wraps past 0xffff always exits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tvx/types.h"
#include "vmx/io_bitmap.h"

#define BITS_PER_BYTE		8
#define IO_BITMAP_BYTES		(IO_BITMAP_PORTS_PER_PAGE / BITS_PER_BYTE)
#define ALL_BITS		(IO_BITMAP_BYTES * BITS_PER_BYTE)
#define LAST_PORT_A		(IO_BITMAP_PORTS_PER_PAGE - 1)	/* 0x7fff */
#define FIRST_PORT_B		IO_BITMAP_PORTS_PER_PAGE	/* 0x8000 */
#define LAST_PORT		0xffffu

/* Ports of a COM1 UART (8 registers) and the PCI configuration ports. */
#define TEST_COM1_BASE		0x3f8u
#define TEST_COM1_PORTS		8
#define TEST_PCI_CONFIG_ADDRESS	0xcf8u

/* The access sizes IN and OUT can have. */
#define IO_SIZE_BYTE		1
#define IO_SIZE_WORD		2
#define IO_SIZE_DWORD		4

struct bitmaps {
	u8 a[IO_BITMAP_BYTES];
	u8 b[IO_BITMAP_BYTES];
};

static unsigned popcount(const u8 *bm)
{
	unsigned n = 0;

	for (size_t i = 0; i < IO_BITMAP_BYTES; i++)
		n += __builtin_popcount(bm[i]);
	return n;
}

static bool port_bit(const struct bitmaps *bm, u32 port)
{
	const u8 *page = port < IO_BITMAP_PORTS_PER_PAGE ? bm->a : bm->b;
	u32 index = port % IO_BITMAP_PORTS_PER_PAGE;

	return page[index / BITS_PER_BYTE] & BIT(index % BITS_PER_BYTE);
}

static bool exits(const struct bitmaps *bm, u32 port, unsigned size)
{
	return io_bitmap_access_exits(bm->a, bm->b, (u16)port, size);
}

static void fill(struct bitmaps *bm, u8 value)
{
	memset(bm->a, value, sizeof(bm->a));
	memset(bm->b, value, sizeof(bm->b));
}

/* ---- io_bitmap_set_intercept() --------------------------------------- */

static void test_edge_ports_map_to_edge_bits(void **state)
{
	struct bitmaps bm;

	fill(&bm, 0);
	io_bitmap_set_intercept(bm.a, bm.b, 0, 1, true);
	assert_int_equal(bm.a[0], BIT(0));
	io_bitmap_set_intercept(bm.a, bm.b, LAST_PORT_A, 1, true);
	assert_int_equal(bm.a[IO_BITMAP_BYTES - 1], BIT(7));
	io_bitmap_set_intercept(bm.a, bm.b, FIRST_PORT_B, 1, true);
	assert_int_equal(bm.b[0], BIT(0));
	io_bitmap_set_intercept(bm.a, bm.b, LAST_PORT, 1, true);
	assert_int_equal(bm.b[IO_BITMAP_BYTES - 1], BIT(7));
	assert_int_equal(popcount(bm.a), 2);
	assert_int_equal(popcount(bm.b), 2);

	/* 0x3f8 = 1016 = byte 127, bit 0 of A; 0xcf8 = byte 415, bit 0. */
	io_bitmap_set_intercept(bm.a, bm.b, TEST_COM1_BASE, 1, true);
	assert_int_equal(bm.a[127], BIT(0));
	io_bitmap_set_intercept(bm.a, bm.b, TEST_PCI_CONFIG_ADDRESS + 3, 1,
				true);
	assert_int_equal(bm.a[415], BIT(3));
	/* 0x8000 + 0x3f8 lands at the same offset of B. */
	io_bitmap_set_intercept(bm.a, bm.b, FIRST_PORT_B + TEST_COM1_BASE, 1,
				true);
	assert_int_equal(bm.b[127], BIT(0));
	assert_int_equal(popcount(bm.a), 4);
	assert_int_equal(popcount(bm.b), 3);
}

static void test_pass_through_clears_exactly_the_range(void **state)
{
	struct bitmaps bm;

	fill(&bm, 0xff);
	io_bitmap_set_intercept(bm.a, bm.b, TEST_COM1_BASE, TEST_COM1_PORTS,
				false);
	assert_int_equal(popcount(bm.a), ALL_BITS - TEST_COM1_PORTS);
	assert_int_equal(popcount(bm.b), ALL_BITS);
	assert_int_equal(bm.a[127], 0);		/* 0x3f8-0x3ff: one byte */
	assert_int_equal(bm.a[126], 0xff);
	assert_int_equal(bm.a[128], 0xff);
	for (u32 p = TEST_COM1_BASE; p < TEST_COM1_BASE + TEST_COM1_PORTS; p++)
		assert_false(port_bit(&bm, p));
	assert_true(port_bit(&bm, TEST_COM1_BASE - 1));
	assert_true(port_bit(&bm, TEST_COM1_BASE + TEST_COM1_PORTS));

	/* An unaligned range spanning two bytes. */
	io_bitmap_set_intercept(bm.a, bm.b, 0x61, 10, false);
	assert_int_equal(popcount(bm.a), ALL_BITS - TEST_COM1_PORTS - 10);
	assert_true(port_bit(&bm, 0x60));
	assert_false(port_bit(&bm, 0x61));
	assert_false(port_bit(&bm, 0x6a));
	assert_true(port_bit(&bm, 0x6b));

	/* Intercepting again restores the page. */
	io_bitmap_set_intercept(bm.a, bm.b, TEST_COM1_BASE, TEST_COM1_PORTS,
				true);
	io_bitmap_set_intercept(bm.a, bm.b, 0x61, 10, true);
	assert_int_equal(popcount(bm.a), ALL_BITS);
}

static void test_range_crossing_a_b_boundary(void **state)
{
	struct bitmaps bm;

	/* 0x7ffe-0x8001: two ports in A, two in B. */
	fill(&bm, 0xff);
	io_bitmap_set_intercept(bm.a, bm.b, LAST_PORT_A - 1, 4, false);
	assert_int_equal(popcount(bm.a), ALL_BITS - 2);
	assert_int_equal(popcount(bm.b), ALL_BITS - 2);
	assert_int_equal(bm.a[IO_BITMAP_BYTES - 1], 0xff & ~(BIT(6) | BIT(7)));
	assert_int_equal(bm.b[0], 0xff & ~(BIT(0) | BIT(1)));
	assert_true(port_bit(&bm, LAST_PORT_A - 2));
	assert_true(port_bit(&bm, FIRST_PORT_B + 2));

	/* And back, starting in A and ending in B. */
	fill(&bm, 0);
	io_bitmap_set_intercept(bm.a, bm.b, LAST_PORT_A, 2, true);
	assert_int_equal(popcount(bm.a), 1);
	assert_int_equal(popcount(bm.b), 1);
	assert_true(port_bit(&bm, LAST_PORT_A));
	assert_true(port_bit(&bm, FIRST_PORT_B));

	/* A range covering all of A and the start of B. */
	fill(&bm, 0xff);
	io_bitmap_set_intercept(bm.a, bm.b, 0, IO_BITMAP_PORTS_PER_PAGE + 8,
				false);
	assert_int_equal(popcount(bm.a), 0);
	assert_int_equal(popcount(bm.b), ALL_BITS - 8);
	assert_int_equal(bm.b[0], 0);
	assert_int_equal(bm.b[1], 0xff);
}

static void test_range_past_last_port_is_clipped(void **state)
{
	struct bitmaps bm;

	/* 0xfffe + 4 would run past B; only 0xfffe and 0xffff change (and
	 * ASan catches a write past the end of B). */
	fill(&bm, 0xff);
	io_bitmap_set_intercept(bm.a, bm.b, LAST_PORT - 1, 4, false);
	assert_int_equal(popcount(bm.b), ALL_BITS - 2);
	assert_int_equal(popcount(bm.a), ALL_BITS);	/* no wrap to port 0 */
	assert_int_equal(bm.b[IO_BITMAP_BYTES - 1], 0xff & ~(BIT(6) | BIT(7)));

	/* The whole port space at once. */
	io_bitmap_set_intercept(bm.a, bm.b, 0, LAST_PORT + 1, false);
	assert_int_equal(popcount(bm.a), 0);
	assert_int_equal(popcount(bm.b), 0);
	io_bitmap_set_intercept(bm.a, bm.b, 0, LAST_PORT + 1, true);
	assert_int_equal(popcount(bm.a), ALL_BITS);
	assert_int_equal(popcount(bm.b), ALL_BITS);

	/* A zero count changes nothing. */
	io_bitmap_set_intercept(bm.a, bm.b, TEST_COM1_BASE, 0, false);
	assert_int_equal(popcount(bm.a), ALL_BITS);
}

/* ---- io_bitmap_access_exits() ---------------------------------------- */

static void test_access_exits_if_any_port_intercepted(void **state)
{
	struct bitmaps bm;

	fill(&bm, 0xff);
	io_bitmap_set_intercept(bm.a, bm.b, TEST_COM1_BASE, TEST_COM1_PORTS,
				false);
	/* Entirely inside the pass-through range. */
	assert_false(exits(&bm, TEST_COM1_BASE, IO_SIZE_BYTE));
	assert_false(exits(&bm, TEST_COM1_BASE, IO_SIZE_DWORD));
	assert_false(exits(&bm, TEST_COM1_BASE + 4, IO_SIZE_DWORD));
	assert_false(exits(&bm, TEST_COM1_BASE + 6, IO_SIZE_WORD));
	assert_false(exits(&bm, TEST_COM1_BASE + 7, IO_SIZE_BYTE));
	/* Sticking out at either end. */
	assert_true(exits(&bm, TEST_COM1_BASE + 5, IO_SIZE_DWORD));
	assert_true(exits(&bm, TEST_COM1_BASE + 7, IO_SIZE_WORD));
	assert_true(exits(&bm, TEST_COM1_BASE - 1, IO_SIZE_WORD));
	assert_true(exits(&bm, TEST_COM1_BASE - 3, IO_SIZE_DWORD));
	/* Outside. */
	assert_true(exits(&bm, TEST_COM1_BASE - 1, IO_SIZE_BYTE));
	assert_true(exits(&bm, TEST_COM1_BASE + TEST_COM1_PORTS, IO_SIZE_BYTE));

	/* One intercepted port in the middle of a dword is enough. */
	fill(&bm, 0);
	io_bitmap_set_intercept(bm.a, bm.b, TEST_PCI_CONFIG_ADDRESS + 2, 1,
				true);
	assert_true(exits(&bm, TEST_PCI_CONFIG_ADDRESS, IO_SIZE_DWORD));
	assert_false(exits(&bm, TEST_PCI_CONFIG_ADDRESS, IO_SIZE_WORD));
	assert_true(exits(&bm, TEST_PCI_CONFIG_ADDRESS + 1, IO_SIZE_WORD));
	assert_false(exits(&bm, TEST_PCI_CONFIG_ADDRESS + 3, IO_SIZE_BYTE));
	assert_true(exits(&bm, TEST_PCI_CONFIG_ADDRESS + 2, IO_SIZE_BYTE));
}

static void test_access_crossing_a_b_boundary(void **state)
{
	struct bitmaps bm;

	/* Open 0x7ffe-0x8001: a dword at 0x7ffe reads two bits of A and two
	 * of B. */
	fill(&bm, 0xff);
	io_bitmap_set_intercept(bm.a, bm.b, LAST_PORT_A - 1, 4, false);
	assert_false(exits(&bm, LAST_PORT_A - 1, IO_SIZE_DWORD));
	assert_false(exits(&bm, LAST_PORT_A, IO_SIZE_WORD));
	assert_true(exits(&bm, LAST_PORT_A, IO_SIZE_DWORD));	/* 0x8002 */
	assert_true(exits(&bm, LAST_PORT_A - 2, IO_SIZE_DWORD)); /* 0x7ffd */

	/* Only B's half intercepted: the access still exits. */
	fill(&bm, 0);
	io_bitmap_set_intercept(bm.a, bm.b, FIRST_PORT_B + 1, 1, true);
	assert_true(exits(&bm, LAST_PORT_A - 1, IO_SIZE_DWORD));
	assert_false(exits(&bm, LAST_PORT_A - 1, IO_SIZE_WORD));
	assert_false(exits(&bm, LAST_PORT_A, IO_SIZE_WORD));

	/* Only A's half intercepted. */
	fill(&bm, 0);
	io_bitmap_set_intercept(bm.a, bm.b, LAST_PORT_A, 1, true);
	assert_true(exits(&bm, LAST_PORT_A, IO_SIZE_WORD));
	assert_false(exits(&bm, FIRST_PORT_B, IO_SIZE_DWORD));

	/* Bitmap B really is consulted for B's ports (not A at the same
	 * offset). */
	fill(&bm, 0);
	memset(bm.a, 0xff, sizeof(bm.a));
	assert_false(exits(&bm, FIRST_PORT_B, IO_SIZE_BYTE));
	assert_false(exits(&bm, LAST_PORT - 3, IO_SIZE_DWORD));
	assert_true(exits(&bm, 0, IO_SIZE_BYTE));
	fill(&bm, 0);
	memset(bm.b, 0xff, sizeof(bm.b));
	assert_true(exits(&bm, FIRST_PORT_B, IO_SIZE_BYTE));
	assert_false(exits(&bm, LAST_PORT_A - 3, IO_SIZE_DWORD));
}

static void test_access_wrapping_always_exits(void **state)
{
	struct bitmaps bm;

	/* Everything passed through, yet an access past 0xffff exits. */
	fill(&bm, 0);
	assert_false(exits(&bm, LAST_PORT, IO_SIZE_BYTE));
	assert_false(exits(&bm, LAST_PORT - 1, IO_SIZE_WORD));
	assert_false(exits(&bm, LAST_PORT - 3, IO_SIZE_DWORD));
	assert_true(exits(&bm, LAST_PORT, IO_SIZE_WORD));
	assert_true(exits(&bm, LAST_PORT, IO_SIZE_DWORD));
	assert_true(exits(&bm, LAST_PORT - 1, IO_SIZE_DWORD));
	assert_true(exits(&bm, LAST_PORT - 2, IO_SIZE_DWORD));
	/* Port 0, where a wrapped access would continue, is open too. */
	assert_false(exits(&bm, 0, IO_SIZE_DWORD));
}

static void test_all_open_and_all_closed(void **state)
{
	struct bitmaps bm;
	static const unsigned sizes[] = { IO_SIZE_BYTE, IO_SIZE_WORD,
					  IO_SIZE_DWORD };

	/* All open: only the wrapping accesses exit. */
	fill(&bm, 0);
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		for (u32 port = 0; port <= LAST_PORT; port++) {
			bool wraps = port + sizes[s] - 1 > LAST_PORT;

			assert_int_equal(exits(&bm, port, sizes[s]), wraps);
		}
	}
	/* All closed: everything exits. */
	fill(&bm, 0xff);
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++)
		for (u32 port = 0; port <= LAST_PORT; port++)
			assert_true(exits(&bm, port, sizes[s]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edge_ports_map_to_edge_bits),
		cmocka_unit_test(test_pass_through_clears_exactly_the_range),
		cmocka_unit_test(test_range_crossing_a_b_boundary),
		cmocka_unit_test(test_range_past_last_port_is_clipped),
		cmocka_unit_test(test_access_exits_if_any_port_intercepted),
		cmocka_unit_test(test_access_crossing_a_b_boundary),
		cmocka_unit_test(test_access_wrapping_always_exits),
		cmocka_unit_test(test_all_open_and_all_closed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

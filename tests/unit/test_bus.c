/* SPDX-License-Identifier: MIT */
/* Unit tests of dev/bus.c: registration, dispatch, unassigned accesses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dev/bus.h"

/* A fake device that records its last access. */
struct fake_dev {
	unsigned int reads, writes;
	u64 last_offset;
	unsigned int last_size;
	u64 last_value;
	u64 read_value;
};

static u64 fake_read(void *opaque, u64 offset, unsigned size)
{
	struct fake_dev *d = opaque;

	d->reads++;
	d->last_offset = offset;
	d->last_size = size;
	return d->read_value;
}

static void fake_write(void *opaque, u64 offset, unsigned size, u64 value)
{
	struct fake_dev *d = opaque;

	d->writes++;
	d->last_offset = offset;
	d->last_size = size;
	d->last_value = value;
}

static const struct io_device_ops fake_ops = {
	.read = fake_read,
	.write = fake_write,
};

static const struct io_device_ops null_ops = { 0 };

static void test_register_and_overlap(void **state)
{
	struct io_bus bus;
	struct fake_dev a = { 0 };

	io_bus_init(&bus, "test");
	assert_int_equal(io_bus_register(&bus, 0x100, 0x10, &fake_ops, &a, "a"),
			 0);
	/* Exact duplicate, overlap from below, from above, inside, around. */
	assert_int_equal(io_bus_register(&bus, 0x100, 0x10, &fake_ops, &a, "x"),
			 -EBUSY);
	assert_int_equal(io_bus_register(&bus, 0xf8, 0x9, &fake_ops, &a, "x"),
			 -EBUSY);
	assert_int_equal(io_bus_register(&bus, 0x10f, 0x4, &fake_ops, &a, "x"),
			 -EBUSY);
	assert_int_equal(io_bus_register(&bus, 0x104, 0x1, &fake_ops, &a, "x"),
			 -EBUSY);
	assert_int_equal(io_bus_register(&bus, 0x0, 0x1000, &fake_ops, &a, "x"),
			 -EBUSY);
	/* Adjacent on both sides is fine. */
	assert_int_equal(io_bus_register(&bus, 0xf8, 0x8, &fake_ops, &a, "lo"),
			 0);
	assert_int_equal(io_bus_register(&bus, 0x110, 0x1, &fake_ops, &a, "hi"),
			 0);
	assert_int_equal(bus.nr_ranges, 3);
	/* Kept sorted whatever the registration order. */
	assert_true(bus.ranges[0].base == 0xf8);
	assert_true(bus.ranges[1].base == 0x100);
	assert_true(bus.ranges[2].base == 0x110);
	assert_string_equal(io_bus_find(&bus, 0x10f)->name, "a");
	assert_string_equal(io_bus_find(&bus, 0xff)->name, "lo");
	assert_null(io_bus_find(&bus, 0x111));
	assert_null(io_bus_find(&bus, 0xf7));
}

static void test_register_invalid(void **state)
{
	struct io_bus bus;

	io_bus_init(&bus, "test");
	assert_int_equal(io_bus_register(&bus, 0x10, 0, &fake_ops, NULL, "z"),
			 -EINVAL);
	assert_int_equal(io_bus_register(&bus, 0x10, 1, NULL, NULL, "z"),
			 -EINVAL);
	/* Wrapping past the top of the address space. */
	assert_int_equal(io_bus_register(&bus, ~0ull - 1, 3, &fake_ops, NULL,
					 "z"), -EINVAL);
	/* Ending exactly at the top is fine and findable. */
	assert_int_equal(io_bus_register(&bus, ~0ull - 1, 2, &fake_ops, NULL,
					 "top"), 0);
	assert_non_null(io_bus_find(&bus, ~0ull));
	assert_int_equal(bus.nr_ranges, 1);
}

static void test_register_full(void **state)
{
	struct io_bus bus;
	unsigned int i;

	io_bus_init(&bus, "test");
	/* Register in descending order to exercise insertion. */
	for (i = 0; i < IO_BUS_MAX_RANGES; i++)
		assert_int_equal(io_bus_register(&bus,
						 (IO_BUS_MAX_RANGES - i) * 0x10,
						 0x10, &fake_ops, NULL, "d"), 0);
	assert_int_equal(io_bus_register(&bus, 0x10000, 1, &fake_ops, NULL,
					 "d"), -ENOSPC);
	/* Overlap is still reported as such on a full bus. */
	assert_int_equal(io_bus_register(&bus, 0x10, 1, &fake_ops, NULL, "d"),
			 -EBUSY);
	for (i = 1; i < IO_BUS_MAX_RANGES; i++)
		assert_true(bus.ranges[i - 1].base < bus.ranges[i].base);
}

static void test_dispatch_offsets(void **state)
{
	struct io_bus bus;
	struct fake_dev a = { .read_value = 0x1122334455667788ull };
	struct fake_dev b = { .read_value = 0xabcd };
	u64 v = 0;

	io_bus_init(&bus, "test");
	assert_int_equal(io_bus_register(&bus, 0x3f8, 8, &fake_ops, &a, "a"), 0);
	assert_int_equal(io_bus_register(&bus, 0x1000, 0x1000, &fake_ops, &b,
					 "b"), 0);

	assert_int_equal(io_bus_read(&bus, 0x3fd, 1, &v), 0);
	assert_int_equal(a.reads, 1);
	assert_int_equal(a.last_offset, 5);
	assert_int_equal(a.last_size, 1);
	/* The bus truncates what the device returned to the access size. */
	assert_true(v == 0x88);

	assert_int_equal(io_bus_read(&bus, 0x3f8, 8, &v), 0);
	assert_true(v == 0x1122334455667788ull);

	assert_int_equal(io_bus_write(&bus, 0x1ffc, 4, 0xdeadbeefcafef00dull),
			 0);
	assert_int_equal(b.writes, 1);
	assert_true(b.last_offset == 0xffc);
	assert_int_equal(b.last_size, 4);
	assert_true(b.last_value == 0xcafef00d);
	assert_int_equal(a.writes, 0);

	/* Straddling the end: delivered whole to the first byte's device. */
	assert_int_equal(io_bus_write(&bus, 0x3ff, 2, 0x1234), 0);
	assert_int_equal(a.writes, 1);
	assert_int_equal(a.last_offset, 7);
	assert_int_equal(a.last_size, 2);
	assert_true(a.last_value == 0x1234);

	assert_true(bus.stats.handled == 4);
	assert_true(bus.stats.unassigned_reads == 0);
	assert_true(bus.stats.unassigned_writes == 0);
}

static void test_unassigned(void **state)
{
	static const struct {
		unsigned int size;
		u64 ones;
	} cases[] = {
		{ 1, 0xff },
		{ 2, 0xffff },
		{ 4, 0xffffffffull },
		{ 8, ~0ull },
	};
	struct io_bus bus;
	struct fake_dev a = { 0 };
	unsigned int i;
	u64 v;

	io_bus_init(&bus, "test");
	assert_int_equal(io_bus_register(&bus, 0x60, 1, &fake_ops, &a, "a"), 0);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		v = 0;
		assert_int_equal(io_bus_read(&bus, 0x80, cases[i].size, &v),
				 IO_BUS_UNASSIGNED);
		assert_true(v == cases[i].ones);
	}
	/* Just past a device is unassigned too. */
	assert_int_equal(io_bus_read(&bus, 0x61, 1, &v), IO_BUS_UNASSIGNED);
	assert_int_equal(io_bus_write(&bus, 0x80, 1, 0x12), IO_BUS_UNASSIGNED);
	assert_int_equal(io_bus_write(&bus, 0x5f, 4, 0x12), IO_BUS_UNASSIGNED);
	assert_int_equal(a.reads + a.writes, 0);
	assert_true(bus.stats.unassigned_reads == 5);
	assert_true(bus.stats.unassigned_writes == 2);
	assert_true(bus.stats.handled == 0);

	/* An empty bus. */
	io_bus_init(&bus, "empty");
	assert_int_equal(io_bus_read(&bus, 0, 2, &v), IO_BUS_UNASSIGNED);
	assert_true(v == 0xffff);
}

static void test_bad_sizes(void **state)
{
	static const unsigned int bad[] = { 0, 3, 5, 6, 7, 9, 16 };
	struct io_bus bus;
	struct fake_dev a = { 0 };
	unsigned int i;
	u64 v;

	io_bus_init(&bus, "test");
	assert_int_equal(io_bus_register(&bus, 0x80, 1, &fake_ops, &a, "a"), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		v = 0x5a;
		assert_int_equal(io_bus_read(&bus, 0x80, bad[i], &v), -EINVAL);
		assert_true(v == 0x5a);
		assert_int_equal(io_bus_write(&bus, 0x80, bad[i], 1), -EINVAL);
		assert_int_equal(io_bus_read(&bus, 0x90, bad[i], &v), -EINVAL);
	}
	assert_int_equal(a.reads + a.writes, 0);
	assert_true(bus.stats.handled + bus.stats.unassigned_reads +
		    bus.stats.unassigned_writes == 0);
}

static void test_null_handlers(void **state)
{
	struct io_bus bus;
	u64 v = 0;

	io_bus_init(&bus, "test");
	assert_int_equal(io_bus_register(&bus, 0x80, 4, &null_ops, NULL, "n"),
			 0);
	/* Decoded but handler-less: all-ones, write dropped, still handled. */
	assert_int_equal(io_bus_read(&bus, 0x80, 2, &v), 0);
	assert_true(v == 0xffff);
	assert_int_equal(io_bus_write(&bus, 0x81, 1, 7), 0);
	assert_true(bus.stats.handled == 2);
}

/*
 * A direct map answers exactly like the binary search: ranges registered
 * out of order (indices shift), one crossing the end of the map, every
 * address compared against a bus without a map.
 */
static void test_direct_map_matches_search(void **state)
{
	static struct io_bus with, without;
	static u8 map[0x400];
	static const struct { u64 base, len; } r[] = {
		{ 0x3f8, 4 }, { 0x20, 2 }, { 0x3fc, 0 }, { 0x80, 1 },
		{ 0x3ff, 0x10 }, { 0x0, 1 }, { 0xa0, 2 }, { 0x500, 4 },
	};
	struct fake_dev d = { 0 };

	io_bus_init(&with, "with");
	io_bus_init(&without, "without");
	io_bus_set_direct_map(&with, map, sizeof(map));
	for (unsigned i = 0; i < ARRAY_SIZE(r); i++) {
		int a = io_bus_register(&with, r[i].base, r[i].len, &fake_ops, &d, "x");
		int b = io_bus_register(&without, r[i].base, r[i].len, &fake_ops, &d, "x");

		assert_int_equal(a, b);
	}
	for (u64 addr = 0; addr < 0x600; addr++) {
		const struct io_range *x = io_bus_find(&with, addr);
		const struct io_range *y = io_bus_find(&without, addr);

		assert_true((x == NULL) == (y == NULL));
		if (x)
			assert_true(x->base == y->base && x->len == y->len);
	}
	/* the range crossing the end of the map is found on both sides */
	assert_non_null(io_bus_find(&with, 0x3ff));
	assert_non_null(io_bus_find(&with, 0x40e));
	assert_null(io_bus_find(&with, 0x40f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_and_overlap),
		cmocka_unit_test(test_register_invalid),
		cmocka_unit_test(test_register_full),
		cmocka_unit_test(test_dispatch_offsets),
		cmocka_unit_test(test_unassigned),
		cmocka_unit_test(test_bad_sizes),
		cmocka_unit_test(test_null_handlers),
		cmocka_unit_test(test_direct_map_matches_search),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

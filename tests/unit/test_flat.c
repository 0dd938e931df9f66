/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the flat real-mode image rules (loader/flat.c): parsing
 * ADDR, the CS:IP and SS:SP rule, and the limits an image must respect.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tvx/types.h"
#include "loader/flat.h"

static char err[256];

static void parse_ok(const char *s, u32 want)
{
	u32 v = 0xdeadbeef;

	err[0] = '\0';
	assert_int_equal(flat_parse_addr(s, &v, err, sizeof(err)), 0);
	assert_int_equal(v, want);
	assert_string_equal(err, "");
}

static void parse_bad(const char *s, const char *msg)
{
	u32 v = 0x1234;

	err[0] = '\0';
	assert_int_equal(flat_parse_addr(s, &v, err, sizeof(err)), -EINVAL);
	assert_int_equal(v, 0x1234);	/* untouched */
	assert_non_null(strstr(err, msg));
}

static void test_parse_addr(void **state)
{
	parse_ok("0x7c00", 0x7c00);
	parse_ok("0X7C00", 0x7c00);
	parse_ok("31744", 0x7c00);
	parse_ok("0", 0);
	parse_ok("0x0", 0);
	parse_ok("0xfffff", 0xfffff);
	parse_ok("1048575", 0xfffff);

	parse_bad("", "expected a number below 1 MiB");
	parse_bad("0x", "expected a number below 1 MiB");
	parse_bad("7c00", "'7c00': expected a number");
	parse_bad("0x7c00 ", "expected a number");
	parse_bad("-1", "expected a number");
	parse_bad("0x7g00", "expected a number");
	parse_bad("0x100000", "0x100000 is not below 1 MiB (0x100000)");
	parse_bad("1048576", "1048576 is not below 1 MiB");
	/* far beyond 64 bits: refused as too big, not wrapped around */
	parse_bad("0x100000000000000000007c00", "is not below 1 MiB");
	parse_bad("99999999999999999999999999", "is not below 1 MiB");
}

static void test_parse_addr_no_err_buffer(void **state)
{
	u32 v;

	assert_int_equal(flat_parse_addr("junk", &v, NULL, 0), -EINVAL);
	assert_int_equal(flat_parse_addr("0x2000", &v, NULL, 0), 0);
	assert_int_equal(v, 0x2000);
}

static void plan_ok(u32 addr, u64 len, u16 cs, u16 ip)
{
	struct flat_entry e;

	memset(&e, 0xa5, sizeof(e));
	assert_int_equal(flat_plan(addr, len, &e, err, sizeof(err)), 0);
	assert_int_equal(e.load_addr, addr);
	assert_int_equal(e.load_end, addr + len);
	assert_int_equal(e.cs, cs);
	assert_int_equal(e.ip, ip);
	/* the rule: CS.base + IP is the load address */
	assert_int_equal(((u32)e.cs << REAL_MODE_SEG_SHIFT) + e.ip, addr);
	/* the stack: the last page below 0xa0000 */
	assert_int_equal(e.ss, 0x9f00);
	assert_int_equal(e.sp, 0x1000);
	assert_int_equal(((u32)e.ss << REAL_MODE_SEG_SHIFT) + e.sp, FLAT_CONV_MEM_END);
}

static void test_plan_entry_rule(void **state)
{
	plan_ok(0x7c00, 512, 0x0000, 0x7c00);	/* a boot sector */
	plan_ok(0x17c00, 512, 0x1000, 0x7c00);	/* same offset, next 64 KiB */
	plan_ok(0x10000, 1, 0x1000, 0x0000);
	plan_ok(0x8000, 0x1000, 0x0000, 0x8000);
	plan_ok(0x9ef00, 0x100, 0x9000, 0xef00);	/* ends at the stack page */
	plan_ok(0, 1, 0, 0);			/* its own IVT, if it wants */
}

static void test_plan_limits(void **state)
{
	struct flat_entry e;

	/* exactly up to the stack page fits; one byte more does not */
	plan_ok(0x7c00, FLAT_IMAGE_LIMIT - 0x7c00, 0, 0x7c00);
	assert_int_equal(flat_plan(0x7c00, FLAT_IMAGE_LIMIT - 0x7c00 + 1, &e, err,
				   sizeof(err)), -E2BIG);
	assert_non_null(strstr(err, "must end at or below 0x9f000"));
	assert_non_null(strstr(err, "would end at 0x9f001"));
	assert_non_null(strstr(err, "the 619521-byte image at 0x7c00"));

	/* an address inside the stack page or above it: nothing fits */
	assert_int_equal(flat_plan(FLAT_IMAGE_LIMIT, 1, &e, err, sizeof(err)), -E2BIG);
	assert_int_equal(flat_plan(0xf0000, 16, &e, err, sizeof(err)), -E2BIG);
	assert_non_null(strstr(err, "0x9f000"));

	/* huge lengths do not wrap around */
	assert_int_equal(flat_plan(0x1000, ~0ull, &e, err, sizeof(err)), -E2BIG);
	assert_int_equal(flat_plan(0x1000, 1ull << 32, &e, err, sizeof(err)), -E2BIG);

	assert_int_equal(flat_plan(0x7c00, 0, &e, err, sizeof(err)), -ENOEXEC);
	assert_string_equal(err, "empty file");

	assert_int_equal(flat_plan(FLAT_ADDR_LIMIT, 16, &e, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not below 1 MiB"));
	assert_int_equal(flat_plan(0xffffffffu, 16, &e, NULL, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_addr),
		cmocka_unit_test(test_parse_addr_no_err_buffer),
		cmocka_unit_test(test_plan_entry_rule),
		cmocka_unit_test(test_plan_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

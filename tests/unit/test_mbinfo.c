/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the multiboot information builder (loader/mbinfo.c).  The
 * tests read the built block the way a guest kernel would: through the
 * guest-physical pointers inside it, translated back into the buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tvx/types.h"
#include "loader/mbinfo.h"

#define MIB		0x100000ull
#define INFO_GPA	0x10a000u
#define BUF_SIZE	4096

static u8 buf[BUF_SIZE];
static char err[256];

/* The guest's view: a pointer inside the block, bounds-checked. */
static const void *at(u32 gpa, size_t used, size_t n)
{
	assert_true(gpa >= INFO_GPA);
	assert_true(gpa - INFO_GPA + n <= used);
	return buf + (gpa - INFO_GPA);
}

static struct multiboot_info read_info(void)
{
	struct multiboot_info mbi;

	memcpy(&mbi, buf, sizeof(mbi));
	return mbi;
}

static size_t build(const struct mb_boot_params *p)
{
	size_t used = 0;

	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(mb_build_info(p, INFO_GPA, buf, sizeof(buf), &used), 0);
	assert_int_equal(used, mb_info_size(p));
	/* Nothing written past what it reported. */
	assert_int_equal(buf[used], 0xee);
	return used;
}

static void test_flags_and_memory(void **state)
{
	static const struct {
		u64 mem;
		u32 upper_kib;
	} cases[] = {
		{ 16 * MIB, 15 * 1024 },
		{ 128 * MIB, 127 * 1024 },
		{ 1024 * MIB, 1023 * 1024 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mb_boot_params p = {
			.mem_bytes = cases[i].mem,
			.cmdline = "console=ttyS0",
			.loader_name = "tinyvmx",
		};
		struct multiboot_info mbi;

		build(&p);
		mbi = read_info();
		assert_int_equal(mbi.flags,
				 MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE |
				 MULTIBOOT_INFO_MODS | MULTIBOOT_INFO_MEM_MAP |
				 MULTIBOOT_INFO_BOOT_LOADER_NAME);
		assert_int_equal(mbi.mem_lower, 639);
		assert_int_equal(mbi.mem_upper, cases[i].upper_kib);
		/* Fields we do not provide stay zero. */
		assert_int_equal(mbi.boot_device, 0);
		assert_int_equal(mbi.drives_length, 0);
		assert_int_equal(mbi.framebuffer_addr, 0);
	}
}

struct range {
	u64 addr, len;
	u32 type;
};

static void check_mmap(u64 mem)
{
	const struct range want[] = {
		{ 0, 0x9fc00, MULTIBOOT_MEMORY_AVAILABLE },
		{ 0x9fc00, 0x400, MULTIBOOT_MEMORY_RESERVED },
		{ 0xf0000, 0x10000, MULTIBOOT_MEMORY_RESERVED },
		{ 0x100000, mem - 0x100000, MULTIBOOT_MEMORY_AVAILABLE },
	};
	struct mb_boot_params p = { .mem_bytes = mem };
	struct multiboot_info mbi;
	size_t used = build(&p);
	u32 gpa, end;
	unsigned n = 0;

	mbi = read_info();
	assert_int_equal(mbi.mmap_length, ARRAY_SIZE(want) * 24);
	assert_int_equal(mbi.mmap_addr % 4, 0);
	/* Walk it as the specification says: size excludes itself. */
	for (gpa = mbi.mmap_addr, end = gpa + mbi.mmap_length; gpa < end;) {
		struct multiboot_mmap_entry e;

		memcpy(&e, at(gpa, used, sizeof(e)), sizeof(e));
		assert_int_equal(e.size, 20);
		assert_true(n < ARRAY_SIZE(want));
		assert_int_equal(e.addr, want[n].addr);
		assert_int_equal(e.len, want[n].len);
		assert_int_equal(e.type, want[n].type);
		gpa += e.size + sizeof(e.size);
		n++;
	}
	assert_int_equal(gpa, end);
	assert_int_equal(n, ARRAY_SIZE(want));
}

static void test_memory_map(void **state)
{
	check_mmap(16 * MIB);
	check_mmap(128 * MIB);
	check_mmap(1024 * MIB);
	check_mmap(6ull * 1024 * MIB);	/* above 4 GiB: 64-bit lengths */
}

static void test_strings(void **state)
{
	struct mb_boot_params p = {
		.mem_bytes = 32 * MIB,
		.cmdline = "/boot/guest.elf quiet",
		.loader_name = "tinyvmx 0.1",
	};
	struct multiboot_info mbi;
	size_t used = build(&p);

	mbi = read_info();
	assert_string_equal(at(mbi.cmdline, used, strlen(p.cmdline) + 1), p.cmdline);
	assert_string_equal(at(mbi.boot_loader_name, used, 12), "tinyvmx 0.1");

	/* No command line: still present, empty. */
	p.cmdline = NULL;
	p.loader_name = NULL;
	used = build(&p);
	mbi = read_info();
	assert_true(mbi.flags & MULTIBOOT_INFO_CMDLINE);
	assert_true(mbi.flags & MULTIBOOT_INFO_BOOT_LOADER_NAME);
	assert_string_equal(at(mbi.cmdline, used, 1), "");
	assert_string_equal(at(mbi.boot_loader_name, used, 1), "");
}

static void test_modules(void **state)
{
	struct mb_module_desc mods[] = {
		{ 0x200000, 0x201800, "initrd" },
		{ 0x202000, 0x202010, NULL },
		{ 0x203000, 0x203000, "empty module args" },
	};
	struct mb_boot_params p = {
		.mem_bytes = 32 * MIB,
		.cmdline = "k",
		.loader_name = "tinyvmx",
		.nmods = ARRAY_SIZE(mods),
		.mods = mods,
	};
	struct multiboot_info mbi;
	size_t used = build(&p);

	mbi = read_info();
	assert_int_equal(mbi.mods_count, 3);
	for (unsigned i = 0; i < 3; i++) {
		struct multiboot_mod_list m;

		memcpy(&m, at(mbi.mods_addr + i * sizeof(m), used, sizeof(m)),
		       sizeof(m));
		assert_int_equal(m.mod_start, mods[i].start);
		assert_int_equal(m.mod_end, mods[i].end);
		assert_int_equal(m.pad, 0);
		assert_string_equal(at(m.cmdline, used, 1),
				    mods[i].string ? mods[i].string : "");
	}

	/* Zero modules: count 0, the address still inside the block. */
	p.nmods = 0;
	used = build(&p);
	mbi = read_info();
	assert_int_equal(mbi.mods_count, 0);
	assert_true(mbi.flags & MULTIBOOT_INFO_MODS);
	at(mbi.mods_addr, used, 0);
}

static void test_build_errors(void **state)
{
	struct mb_module_desc bad = { 0x200000, 0x1ff000, "x" };
	struct mb_boot_params p = {
		.mem_bytes = 16 * MIB,
		.cmdline = "a fairly long command line",
		.loader_name = "tinyvmx",
	};
	size_t need = mb_info_size(&p), used = 0;
	u64 top;

	/* Every short buffer is refused without writing past its end. */
	for (size_t len = 0; len < need; len++) {
		u8 *b = malloc(len ? len : 1);

		assert_non_null(b);
		assert_int_equal(mb_build_info(&p, INFO_GPA, b, len, &used),
				 -ENOSPC);
		free(b);
	}
	assert_int_equal(mb_build_info(&p, INFO_GPA, buf, need, &used), 0);
	assert_int_equal(used, need);

	assert_int_equal(mb_build_info(&p, INFO_GPA + 2, buf, sizeof(buf), NULL),
			 -EINVAL);
	assert_int_equal(mb_build_info(&p, 0xfffff000, buf, sizeof(buf), NULL),
			 0);
	/* The highest aligned address where it fits below 4 GiB, and above. */
	top = ALIGN_DOWN(0xffffffffull - need, sizeof(u32));
	assert_int_equal(mb_build_info(&p, (u32)top, buf, sizeof(buf), NULL), 0);
	assert_int_equal(mb_build_info(&p, (u32)top + 4, buf, sizeof(buf), NULL),
			 -ERANGE);
	p.mem_bytes = MIB;
	assert_int_equal(mb_build_info(&p, INFO_GPA, buf, sizeof(buf), NULL),
			 -EINVAL);
	p.mem_bytes = 16 * MIB;
	p.nmods = 1;
	assert_int_equal(mb_build_info(&p, INFO_GPA, buf, sizeof(buf), NULL),
			 -EINVAL);
	p.mods = &bad;
	assert_int_equal(mb_build_info(&p, INFO_GPA, buf, sizeof(buf), NULL),
			 -EINVAL);
}

static void test_layout_after_kernel(void **state)
{
	struct mb_module_desc mods[2] = {
		{ 0, 0, "one" },
		{ 0, 0, "two" },
	};
	const u32 sizes[2] = { 0x1800, 0x10 };
	struct mb_boot_params p = {
		.mem_bytes = 32 * MIB,
		.cmdline = "kernel args",
		.loader_name = "tinyvmx",
		.nmods = 2,
		.mods = mods,
	};
	struct mb_layout lay;
	const u32 kernel_end = 0x123456;

	assert_int_equal(mb_plan_layout(kernel_end, &p, sizes, &lay, err,
					sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(lay.mod_start[0], 0x124000);
	assert_int_equal(lay.mod_end[0], 0x125800);
	assert_int_equal(lay.mod_start[1], 0x126000);
	assert_int_equal(lay.mod_end[1], 0x126010);
	assert_int_equal(lay.info_gpa, 0x127000);
	assert_int_equal(lay.info_size, mb_info_size(&p));
	assert_int_equal(lay.end, lay.info_gpa + lay.info_size);
	for (unsigned i = 0; i < 2; i++) {
		assert_true(IS_ALIGNED(lay.mod_start[i], PAGE_SIZE));
		assert_true(lay.mod_start[i] >= kernel_end);
		assert_true(lay.info_gpa >= lay.mod_end[i]);
	}
	assert_true(IS_ALIGNED(lay.info_gpa, PAGE_SIZE));

	mb_apply_layout(&p, &lay);
	assert_int_equal(mods[1].start, 0x126000);
	assert_int_equal(mods[1].end, 0x126010);

	/* No modules: the info block right after the kernel. */
	p.nmods = 0;
	assert_int_equal(mb_plan_layout(0x200000, &p, NULL, &lay, err,
					sizeof(err)), 0);
	assert_int_equal(lay.info_gpa, 0x200000);
}

/* Everything together, as the hypervisor does it. */
static void test_layout_then_build(void **state)
{
	struct mb_module_desc mods[1] = { { 0, 0, "mod arg" } };
	const u32 sizes[1] = { 0x3000 };
	struct mb_boot_params p = {
		.mem_bytes = 16 * MIB,
		.cmdline = "guest",
		.loader_name = "tinyvmx",
		.nmods = 1,
		.mods = mods,
	};
	struct multiboot_info mbi;
	struct multiboot_mod_list m;
	struct mb_layout lay;
	size_t used;
	u8 *b;

	assert_int_equal(mb_plan_layout(0x105000, &p, sizes, &lay, err,
					sizeof(err)), 0);
	mb_apply_layout(&p, &lay);
	b = malloc(lay.info_size);
	assert_non_null(b);
	assert_int_equal(mb_build_info(&p, lay.info_gpa, b, lay.info_size,
				       &used), 0);
	assert_int_equal(used, lay.info_size);
	memcpy(&mbi, b, sizeof(mbi));
	assert_true(mbi.cmdline >= lay.info_gpa && mbi.cmdline < lay.end);
	assert_true(mbi.mmap_addr >= lay.info_gpa && mbi.mmap_addr < lay.end);
	memcpy(&m, b + (mbi.mods_addr - lay.info_gpa), sizeof(m));
	assert_int_equal(m.mod_start, 0x105000);
	assert_int_equal(m.mod_end, 0x108000);
	assert_string_equal((char *)b + (m.cmdline - lay.info_gpa), "mod arg");
	assert_int_equal(lay.info_gpa, 0x108000);
	free(b);
}

static void test_layout_avoids_low_hole(void **state)
{
	const u32 sizes[1] = { 0x2000 };
	struct mb_module_desc mods[1] = { { 0, 0, NULL } };
	struct mb_boot_params p = {
		.mem_bytes = 8 * MIB,
		.nmods = 1,
		.mods = mods,
	};
	struct mb_layout lay;

	/* A low kernel: the module would cross the EBDA, so it moves to 1 MiB. */
	assert_int_equal(mb_plan_layout(0x9e800, &p, sizes, &lay, err,
					sizeof(err)), 0);
	assert_int_equal(lay.mod_start[0], 0x100000);
	assert_int_equal(lay.info_gpa, 0x102000);

	/* Small enough to fit below it. */
	p.nmods = 0;
	assert_int_equal(mb_plan_layout(0x10000, &p, NULL, &lay, err,
					sizeof(err)), 0);
	assert_int_equal(lay.info_gpa, 0x10000);
	/* Never page 0. */
	assert_int_equal(mb_plan_layout(0, &p, NULL, &lay, err, sizeof(err)), 0);
	assert_int_equal(lay.info_gpa, PAGE_SIZE);
}

static void test_layout_does_not_fit(void **state)
{
	struct mb_module_desc mods[MB_MAX_MODULES + 1] = { { 0, 0, "m" } };
	u32 sizes[MB_MAX_MODULES + 1] = { 0x100000 };
	struct mb_boot_params p = {
		.mem_bytes = 2 * MIB,
		.cmdline = "c",
		.nmods = 1,
		.mods = mods,
	};
	struct mb_layout lay;

	/* Kernel up to 1.5 MiB, a 1 MiB module: past 2 MiB of RAM. */
	assert_int_equal(mb_plan_layout(0x180000, &p, sizes, &lay, err,
					sizeof(err)), -ENOMEM);
	assert_string_equal(err, "boot module 0 (1048576 bytes) does not fit in 2 MiB of guest memory (it would end at 0x00280000)");

	/* The module fits exactly; the info block then does not. */
	sizes[0] = 0x80000;
	assert_int_equal(mb_plan_layout(0x180000, &p, sizes, &lay, err,
					sizeof(err)), -ENOMEM);
	assert_non_null(strstr(err, "multiboot information"));
	assert_non_null(strstr(err, "2 MiB"));

	/* One page less and everything fits, ending below 2 MiB. */
	sizes[0] = 0x7f000;
	assert_int_equal(mb_plan_layout(0x180000, &p, sizes, &lay, err,
					sizeof(err)), 0);
	assert_true(lay.end <= 2 * MIB);

	p.nmods = MB_MAX_MODULES + 1;
	assert_int_equal(mb_plan_layout(0x180000, &p, sizes, &lay, err,
					sizeof(err)), -E2BIG);
	assert_non_null(strstr(err, "at most 8"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags_and_memory),
		cmocka_unit_test(test_memory_map),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_modules),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_layout_after_kernel),
		cmocka_unit_test(test_layout_then_build),
		cmocka_unit_test(test_layout_avoids_low_hole),
		cmocka_unit_test(test_layout_does_not_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

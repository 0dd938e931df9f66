/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of dev/fw_cfg.c through the port bus, the way a QEMU guest
 * (kvm-unit-tests' fwcfg_get_u(): outw to 0x510, inb from 0x511) reads it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dev/bus.h"
#include "dev/fw_cfg.h"

#define SEL_PORT (FW_CFG_IO_BASE + FW_CFG_PORT_SEL)
#define DATA_PORT (FW_CFG_IO_BASE + FW_CFG_PORT_DATA)
#define RAM_SIZE (0x123456789ull * 4096)
#define NB_CPUS 3

struct fixture {
	struct io_bus bus;
	struct fw_cfg cfg;
};

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	io_bus_init(&f.bus, "pio");
	fw_cfg_init(&f.cfg, RAM_SIZE, NB_CPUS);
	assert_int_equal(io_bus_register(&f.bus, FW_CFG_IO_BASE, FW_CFG_IO_LEN,
					 &fw_cfg_io_ops, &f.cfg, "fw_cfg"),
			 0);
	*state = &f;
	return 0;
}

static u64 in(struct fixture *f, u16 port, unsigned size)
{
	u64 v = 0;

	assert_int_equal(io_bus_read(&f->bus, port, size, &v), 0);
	return v;
}

static void out(struct fixture *f, u16 port, unsigned size, u64 v)
{
	assert_int_equal(io_bus_write(&f->bus, port, size, v), 0);
}

/* kvm-unit-tests' way: select with a word write, read bytes LE. */
static u64 fwcfg_get_u(struct fixture *f, u16 key, unsigned bytes)
{
	u64 r = 0;
	unsigned int i;

	out(f, SEL_PORT, 2, key);
	for (i = 0; i < bytes; i++)
		r |= in(f, DATA_PORT, 1) << (i * 8);
	return r;
}

static void test_signature(void **state)
{
	struct fixture *f = *state;
	char sig[5] = { 0 };
	unsigned int i;

	out(f, SEL_PORT, 2, FW_CFG_SIGNATURE);
	for (i = 0; i < 4; i++)
		sig[i] = (char)in(f, DATA_PORT, 1);
	assert_string_equal(sig, "QEMU");
	/* Past the end: zeros, forever. */
	assert_int_equal(in(f, DATA_PORT, 1), 0);
	assert_int_equal(in(f, DATA_PORT, 1), 0);
}

static void test_signature_selected_at_reset(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(in(f, DATA_PORT, 1), 'Q');
	assert_int_equal(in(f, DATA_PORT, 1), 'E');
}

static void test_scalar_items(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(fwcfg_get_u(f, FW_CFG_ID, 4), FW_CFG_VERSION);
	assert_true(fwcfg_get_u(f, FW_CFG_RAM_SIZE, 8) == RAM_SIZE);
	assert_int_equal(fwcfg_get_u(f, FW_CFG_NB_CPUS, 2), NB_CPUS);
	assert_int_equal(fwcfg_get_u(f, FW_CFG_MAX_CPUS, 2), NB_CPUS);
	assert_int_equal(fwcfg_get_u(f, FW_CFG_NOGRAPHIC, 2), 1);
	assert_int_equal(fwcfg_get_u(f, FW_CFG_NUMA, 8), 0);
	assert_int_equal(fwcfg_get_u(f, FW_CFG_FILE_DIR, 4), 0);
}

/* Items have exactly their documented length: the byte after reads 0 even
 * where the value would continue if it were wider. */
static void test_item_lengths(void **state)
{
	struct fixture *f = *state;
	static const struct {
		u16 key;
		unsigned len;
	} items[] = {
		{ FW_CFG_SIGNATURE, 4 }, { FW_CFG_ID, 4 },
		{ FW_CFG_RAM_SIZE, 8 },	 { FW_CFG_NOGRAPHIC, 2 },
		{ FW_CFG_NB_CPUS, 2 },	 { FW_CFG_MAX_CPUS, 2 },
		{ FW_CFG_NUMA, 8 },	 { FW_CFG_FILE_DIR, 4 },
	};
	unsigned int i, j;
	u16 len;

	for (i = 0; i < ARRAY_SIZE(items); i++) {
		len = 0;
		for (j = 0; j < f->cfg.nr_items; j++) {
			if (f->cfg.items[j].key == items[i].key)
				len = f->cfg.items[j].len;
		}
		assert_int_equal(len, items[i].len);
	}
	/* With every byte of RAM_SIZE non-zero, the 9th byte reads 0. */
	fw_cfg_init(&f->cfg, 0xfedcba9876543210ull, NB_CPUS);
	out(f, SEL_PORT, 2, FW_CFG_RAM_SIZE);
	for (i = 0; i < 8; i++)
		assert_int_equal(in(f, DATA_PORT, 1),
				 (u8)(0xfedcba9876543210ull >> (i * 8)));
	assert_int_equal(in(f, DATA_PORT, 1), 0);
}

static void test_unknown_items_read_zero(void **state)
{
	struct fixture *f = *state;
	static const u16 keys[] = { 0x0002, 0x000a, 0x0020, 0x3fff, 0x8000,
				    0x8003, 0xbfff };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		assert_int_equal(fwcfg_get_u(f, keys[i], 8), 0);
}

/* Bit 14 only asks for write access; the item is the same. */
static void test_write_channel_bit_ignored(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(fwcfg_get_u(f, FW_CFG_WRITE_CHANNEL | FW_CFG_NB_CPUS,
				     2),
			 NB_CPUS);
	/* Bit 15 is a different (arch) key space: nothing there. */
	assert_int_equal(fwcfg_get_u(f, FW_CFG_ARCH_LOCAL | FW_CFG_NB_CPUS, 2),
			 0);
}

static void test_reselect_resets_offset(void **state)
{
	struct fixture *f = *state;

	out(f, SEL_PORT, 2, FW_CFG_SIGNATURE);
	assert_int_equal(in(f, DATA_PORT, 1), 'Q');
	assert_int_equal(in(f, DATA_PORT, 1), 'E');
	out(f, SEL_PORT, 2, FW_CFG_SIGNATURE);
	assert_int_equal(in(f, DATA_PORT, 1), 'Q');
}

static void test_wide_reads(void **state)
{
	struct fixture *f = *state;

	out(f, SEL_PORT, 2, FW_CFG_SIGNATURE);
	assert_int_equal(in(f, DATA_PORT, 4), 0x554d4551);	/* "QEMU" */
	assert_int_equal(in(f, DATA_PORT, 4), 0);
	out(f, SEL_PORT, 2, FW_CFG_SIGNATURE);
	assert_int_equal(in(f, DATA_PORT, 2), 0x4551);		/* "QE" */
	assert_int_equal(in(f, DATA_PORT, 1), 'M');
	/* Straddling the end: the missing bytes are 0. */
	assert_int_equal(in(f, DATA_PORT, 2), 'U');
	out(f, SEL_PORT, 2, FW_CFG_NB_CPUS);
	assert_int_equal(in(f, DATA_PORT, 4), NB_CPUS);
}

/* A byte read of the selector port returns data too, as in QEMU. */
static void test_byte_read_of_selector_port(void **state)
{
	struct fixture *f = *state;

	out(f, SEL_PORT, 2, FW_CFG_SIGNATURE);
	assert_int_equal(in(f, SEL_PORT, 1), 'Q');
	assert_int_equal(in(f, DATA_PORT, 1), 'E');
}

static void test_data_writes_ignored(void **state)
{
	struct fixture *f = *state;

	out(f, SEL_PORT, 2, FW_CFG_NB_CPUS);
	out(f, DATA_PORT, 1, 0x77);
	out(f, SEL_PORT, 2, FW_CFG_WRITE_CHANNEL | FW_CFG_NB_CPUS);
	out(f, DATA_PORT, 1, 0x77);
	assert_int_equal(fwcfg_get_u(f, FW_CFG_NB_CPUS, 2), NB_CPUS);
}

static void test_byte_and_dword_select(void **state)
{
	struct fixture *f = *state;

	out(f, SEL_PORT, 1, FW_CFG_NB_CPUS);
	assert_int_equal(in(f, DATA_PORT, 1), NB_CPUS);
	/* A doubleword write selects with its low 16 bits. */
	out(f, SEL_PORT, 4, 0xabcd0000u | FW_CFG_SIGNATURE);
	assert_int_equal(in(f, DATA_PORT, 1), 'Q');
}

static void test_add_errors(void **state)
{
	struct fixture *f = *state;
	u8 big[FW_CFG_DATA_SIZE];
	int ret;
	u16 key;

	memset(big, 0x5a, sizeof(big));
	assert_int_equal(fw_cfg_add_i16(&f->cfg, FW_CFG_NB_CPUS, 9), -EEXIST);
	assert_int_equal(fw_cfg_add_i16(&f->cfg, FW_CFG_WRITE_CHANNEL | 0x30,
					9),
			 -EINVAL);
	assert_int_equal(fw_cfg_add_bytes(&f->cfg, 0x30, big, sizeof(big)),
			 -ENOSPC);
	assert_int_equal(fw_cfg_add_i32(&f->cfg, 0x8002, 1), 0);
	assert_int_equal(fwcfg_get_u(f, 0x8002, 4), 1);

	/* Fill the item table. */
	for (key = 0x40, ret = 0; ret == 0; key++)
		ret = fw_cfg_add_bytes(&f->cfg, key, NULL, 0);
	assert_int_equal(ret, -ENOSPC);
	assert_int_equal(f->cfg.nr_items, FW_CFG_MAX_ITEMS);
	/* Earlier items still read back. */
	assert_int_equal(fwcfg_get_u(f, FW_CFG_NB_CPUS, 2), NB_CPUS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_signature, setup),
		cmocka_unit_test_setup(test_signature_selected_at_reset, setup),
		cmocka_unit_test_setup(test_scalar_items, setup),
		cmocka_unit_test_setup(test_item_lengths, setup),
		cmocka_unit_test_setup(test_unknown_items_read_zero, setup),
		cmocka_unit_test_setup(test_write_channel_bit_ignored, setup),
		cmocka_unit_test_setup(test_reselect_resets_offset, setup),
		cmocka_unit_test_setup(test_wide_reads, setup),
		cmocka_unit_test_setup(test_byte_read_of_selector_port, setup),
		cmocka_unit_test_setup(test_data_writes_ignored, setup),
		cmocka_unit_test_setup(test_byte_and_dword_select, setup),
		cmocka_unit_test_setup(test_add_errors, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

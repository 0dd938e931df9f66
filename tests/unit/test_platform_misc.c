/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the small PC platform devices, through the port and MMIO
 * buses: RTC/CMOS (dev/rtc_cmos.c), the PCI host bridge (dev/pci_host.c),
 * QEMU's pc-testdev (dev/pc_testdev.c) and the ACPI PM block
 * (dev/pm_timer.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dev/bus.h"
#include "dev/pc_testdev.h"
#include "dev/pci_host.h"
#include "dev/pm_timer.h"
#include "dev/rtc_cmos.h"

#define PM_BASE 0x600
#define MIB (1024ull * 1024)
#define GIB (1024 * MIB)

struct irq_log {
	int irq[16];
	int level[16];
	unsigned int n;
};

struct fixture {
	struct io_bus pio, mmio;
	struct rtc_cmos rtc;
	struct pci_host pci;
	struct pc_testdev testdev;
	struct pc_testdev_iomem iomem;
	struct pm_timer pm;
	struct irq_log irqs;
	u64 tsc;		/* the fake guest TSC */
	u64 unix_time;		/* the fake wall clock */
};

static void log_irq(void *ctx, int irq, int level)
{
	struct irq_log *log = ctx;

	assert_true(log->n < ARRAY_SIZE(log->irq));
	log->irq[log->n] = irq;
	log->level[log->n] = level;
	log->n++;
}

static u64 fake_tsc(void *ctx)
{
	return ((struct fixture *)ctx)->tsc;
}

static u64 fake_clock(void *ctx)
{
	return ((struct fixture *)ctx)->unix_time;
}

#define TSC_HZ 2000000000ull

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	io_bus_init(&f.pio, "pio");
	io_bus_init(&f.mmio, "mmio");
	rtc_cmos_init(&f.rtc, 128 * MIB);
	pci_host_init(&f.pci);
	pc_testdev_init(&f.testdev, log_irq, &f.irqs);
	pc_testdev_iomem_init(&f.iomem);
	pm_timer_init(&f.pm, fake_tsc, &f, TSC_HZ);

	assert_int_equal(io_bus_register(&f.pio, RTC_CMOS_IO_BASE,
					 RTC_CMOS_IO_LEN, &rtc_cmos_ops, &f.rtc,
					 "rtc"),
			 0);
	assert_int_equal(io_bus_register(&f.pio, PCI_CONFIG_ADDRESS_PORT,
					 PCI_CONFIG_ADDRESS_LEN,
					 &pci_host_address_ops, &f.pci,
					 "pci-addr"),
			 0);
	assert_int_equal(io_bus_register(&f.pio, PCI_CONFIG_DATA_PORT,
					 PCI_CONFIG_DATA_LEN,
					 &pci_host_data_ops, &f.pci,
					 "pci-data"),
			 0);
	assert_int_equal(pc_testdev_register(&f.testdev, &f.pio), 0);
	assert_int_equal(io_bus_register(&f.mmio, PC_TESTDEV_IOMEM,
					 PC_TESTDEV_IOMEM_LEN,
					 &pc_testdev_iomem_ops, &f.iomem,
					 "pc-testdev-iomem"),
			 0);
	assert_int_equal(io_bus_register(&f.pio, PM_BASE, PM_IO_LEN,
					 &pm_timer_ops, &f.pm, "acpi-pm"),
			 0);
	*state = &f;
	return 0;
}

static u64 in(struct fixture *f, u16 port, unsigned size)
{
	u64 v = 0;

	assert_int_equal(io_bus_read(&f->pio, port, size, &v), 0);
	return v;
}

static void out(struct fixture *f, u16 port, unsigned size, u64 v)
{
	assert_int_equal(io_bus_write(&f->pio, port, size, v), 0);
}

static u8 cmos_read(struct fixture *f, u8 index)
{
	out(f, 0x70, 1, index);
	return (u8)in(f, 0x71, 1);
}

static void cmos_write(struct fixture *f, u8 index, u8 v)
{
	out(f, 0x70, 1, index);
	out(f, 0x71, 1, v);
}

/* ---- RTC / CMOS ---- */

/* 2000-01-01 00:00:00 UTC, a Saturday, until a source is set. */
static void test_rtc_default_epoch(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cmos_read(f, RTC_SECONDS), 0x00);
	assert_int_equal(cmos_read(f, RTC_MINUTES), 0x00);
	assert_int_equal(cmos_read(f, RTC_HOURS), 0x00);
	assert_int_equal(cmos_read(f, RTC_DAY_OF_WEEK), 7);
	assert_int_equal(cmos_read(f, RTC_DAY_OF_MONTH), 0x01);
	assert_int_equal(cmos_read(f, RTC_MONTH), 0x01);
	assert_int_equal(cmos_read(f, RTC_YEAR), 0x00);
	assert_int_equal(cmos_read(f, RTC_CENTURY), 0x20);
}

/* 1700000000 = Tuesday 2023-11-14 22:13:20 UTC. */
static void test_rtc_time_source_bcd(void **state)
{
	struct fixture *f = *state;

	f->unix_time = 1700000000;
	rtc_cmos_set_time_source(&f->rtc, fake_clock, f);
	assert_int_equal(cmos_read(f, RTC_SECONDS), 0x20);
	assert_int_equal(cmos_read(f, RTC_MINUTES), 0x13);
	assert_int_equal(cmos_read(f, RTC_HOURS), 0x22);
	assert_int_equal(cmos_read(f, RTC_DAY_OF_WEEK), 3);
	assert_int_equal(cmos_read(f, RTC_DAY_OF_MONTH), 0x14);
	assert_int_equal(cmos_read(f, RTC_MONTH), 0x11);
	assert_int_equal(cmos_read(f, RTC_YEAR), 0x23);
	assert_int_equal(cmos_read(f, RTC_CENTURY), 0x20);
	/* The clock runs with the source. */
	f->unix_time += 45;
	assert_int_equal(cmos_read(f, RTC_SECONDS), 0x05);
	assert_int_equal(cmos_read(f, RTC_MINUTES), 0x14);
}

static void test_rtc_binary_and_12_hour(void **state)
{
	struct fixture *f = *state;

	f->unix_time = 1700000000;
	rtc_cmos_set_time_source(&f->rtc, fake_clock, f);
	cmos_write(f, RTC_REG_B, RTC_B_24H | RTC_B_DM_BINARY);
	assert_int_equal(cmos_read(f, RTC_HOURS), 22);
	assert_int_equal(cmos_read(f, RTC_YEAR), 23);
	assert_int_equal(cmos_read(f, RTC_MONTH), 11);
	/* 12-hour binary: 10 PM. */
	cmos_write(f, RTC_REG_B, RTC_B_DM_BINARY);
	assert_int_equal(cmos_read(f, RTC_HOURS), 0x80 | 10);
	/* 12-hour BCD; midnight and noon are 12. */
	cmos_write(f, RTC_REG_B, 0);
	assert_int_equal(cmos_read(f, RTC_HOURS), 0x80 | 0x10);
	f->unix_time = 1700000000 - 22 * 3600;		/* 00:13:20 */
	assert_int_equal(cmos_read(f, RTC_HOURS), 0x12);
	f->unix_time += 12 * 3600;			/* 12:13:20 */
	assert_int_equal(cmos_read(f, RTC_HOURS), 0x80 | 0x12);
}

static void test_rtc_status_registers(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cmos_read(f, RTC_REG_A), 0x26);
	assert_int_equal(cmos_read(f, RTC_REG_B), 0x02);
	assert_int_equal(cmos_read(f, RTC_REG_C), 0x00);
	assert_int_equal(cmos_read(f, RTC_REG_D), 0x80);
	/* UIP is read-only and never set. */
	cmos_write(f, RTC_REG_A, 0xa6);
	assert_int_equal(cmos_read(f, RTC_REG_A), 0x26);
	cmos_write(f, RTC_REG_A, 0x2f);
	assert_int_equal(cmos_read(f, RTC_REG_A), 0x2f);
	/* C and D are read-only; C clears on read. */
	cmos_write(f, RTC_REG_D, 0x00);
	assert_int_equal(cmos_read(f, RTC_REG_D), 0x80);
	cmos_write(f, RTC_REG_C, 0xff);
	f->rtc.reg_c = RTC_C_IRQF | RTC_C_PF;
	assert_int_equal(cmos_read(f, RTC_REG_C), 0xc0);
	assert_int_equal(cmos_read(f, RTC_REG_C), 0x00);
	/* SET clears UIE. */
	cmos_write(f, RTC_REG_B, RTC_B_SET | RTC_B_UIE | RTC_B_24H);
	assert_int_equal(cmos_read(f, RTC_REG_B), RTC_B_SET | RTC_B_24H);
}

static void test_rtc_index_port_and_nmi(void **state)
{
	struct fixture *f = *state;

	cmos_write(f, 0x40, 0x5a);
	assert_false(rtc_cmos_nmi_disabled(&f->rtc));
	out(f, 0x70, 1, RTC_NMI_DISABLE | 0x40);
	assert_true(rtc_cmos_nmi_disabled(&f->rtc));
	assert_int_equal(in(f, 0x71, 1), 0x5a);
	out(f, 0x70, 1, 0x40);
	assert_false(rtc_cmos_nmi_disabled(&f->rtc));
	/* The index port is write-only. */
	assert_int_equal(in(f, 0x70, 1), 0xff);
	/* outw: index in the low byte, data in the high byte. */
	out(f, 0x70, 2, 0x6641);
	assert_int_equal(cmos_read(f, 0x41), 0x66);
	/* inw at 0x70: 0xff then the selected register. */
	out(f, 0x70, 1, 0x41);
	assert_int_equal(in(f, 0x70, 2), 0x66ff);
}

static void test_rtc_plain_ram(void **state)
{
	struct fixture *f = *state;
	unsigned int i;

	for (i = 0x0e; i < RTC_CMOS_SIZE; i++) {
		if (i == RTC_CENTURY)
			continue;
		cmos_write(f, (u8)i, (u8)(i ^ 0xa5));
	}
	for (i = 0x0e; i < RTC_CMOS_SIZE; i++) {
		if (i == RTC_CENTURY)
			continue;
		assert_int_equal(cmos_read(f, (u8)i), (u8)(i ^ 0xa5));
	}
	/* Alarm registers hold what is written. */
	cmos_write(f, RTC_SECONDS_ALARM, 0x30);
	cmos_write(f, RTC_HOURS_ALARM, 0xc0);
	assert_int_equal(cmos_read(f, RTC_SECONDS_ALARM), 0x30);
	assert_int_equal(cmos_read(f, RTC_HOURS_ALARM), 0xc0);
}

static u16 cmos_word(struct rtc_cmos *s, u8 lo)
{
	return (u16)(rtc_cmos_read_reg(s, lo) |
		     (rtc_cmos_read_reg(s, (u8)(lo + 1)) << 8));
}

static void check_cmos_checksum(struct rtc_cmos *s)
{
	unsigned int i;
	u16 sum = 0;

	for (i = 0x10; i <= 0x2d; i++)
		sum += rtc_cmos_read_reg(s, (u8)i);
	assert_int_equal(rtc_cmos_read_reg(s, 0x2e), sum >> 8);
	assert_int_equal(rtc_cmos_read_reg(s, 0x2f), sum & 0xff);
}

static void test_rtc_memory_size_128m(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cmos_word(&f->rtc, 0x15), 640);
	/* 127 MiB of extended memory does not fit in 16 bits of KiB. */
	assert_int_equal(cmos_word(&f->rtc, 0x17), 0xffff);
	assert_int_equal(cmos_word(&f->rtc, 0x30), 0xffff);
	assert_int_equal(cmos_word(&f->rtc, 0x34), (128 - 16) * 16);
	assert_int_equal(rtc_cmos_read_reg(&f->rtc, 0x5b), 0);
	assert_int_equal(rtc_cmos_read_reg(&f->rtc, 0x5c), 0);
	assert_int_equal(rtc_cmos_read_reg(&f->rtc, 0x5d), 0);
	assert_true(rtc_cmos_read_reg(&f->rtc, 0x14) & CMOS_EQUIPMENT_FPU);
	check_cmos_checksum(&f->rtc);
}

static void test_rtc_memory_size_large_and_small(void **state)
{
	struct rtc_cmos s;

	/* 6 GiB: extended memory saturates, 2 GiB above 4 GiB. */
	rtc_cmos_init(&s, 6 * GIB);
	assert_int_equal(cmos_word(&s, 0x17), 0xffff);
	assert_int_equal(cmos_word(&s, 0x30), 0xffff);
	assert_int_equal(cmos_word(&s, 0x34), (4 * GIB - 16 * MIB) >> 16);
	assert_int_equal(rtc_cmos_read_reg(&s, 0x5b), 0x00);
	assert_int_equal(rtc_cmos_read_reg(&s, 0x5c), 0x80);
	assert_int_equal(rtc_cmos_read_reg(&s, 0x5d), 0x00);
	check_cmos_checksum(&s);

	/* 32 MiB: extended memory in KiB fits. */
	rtc_cmos_init(&s, 32 * MIB);
	assert_int_equal(cmos_word(&s, 0x15), 640);
	assert_int_equal(cmos_word(&s, 0x17), 31 * 1024);
	assert_int_equal(cmos_word(&s, 0x30), 31 * 1024);
	assert_int_equal(cmos_word(&s, 0x34), 16 * 16);
	check_cmos_checksum(&s);

	/* 8 MiB: nothing above 16 MiB. */
	rtc_cmos_init(&s, 8 * MIB);
	assert_int_equal(cmos_word(&s, 0x17), 7 * 1024);
	assert_int_equal(cmos_word(&s, 0x34), 0);
	check_cmos_checksum(&s);

	/* 512 GiB + 64 KiB above 4 GiB: all three bytes of the count. */
	rtc_cmos_init(&s, 4 * GIB + 512 * GIB + 65536);
	assert_int_equal(rtc_cmos_read_reg(&s, 0x5b), 0x01);
	assert_int_equal(rtc_cmos_read_reg(&s, 0x5c), 0x00);
	assert_int_equal(rtc_cmos_read_reg(&s, 0x5d), 0x80);
	/* 1 TiB + 64 KiB: saturates at 24 bits. */
	rtc_cmos_init(&s, 4 * GIB + 1024 * GIB + 65536);
	assert_int_equal(rtc_cmos_read_reg(&s, 0x5b), 0xff);
	assert_int_equal(rtc_cmos_read_reg(&s, 0x5c), 0xff);
	assert_int_equal(rtc_cmos_read_reg(&s, 0x5d), 0xff);
}

/* The Linux way: SET, write every field, clear SET. */
static void test_rtc_set_time_with_set_bit(void **state)
{
	struct fixture *f = *state;

	f->unix_time = 1700000000;
	rtc_cmos_set_time_source(&f->rtc, fake_clock, f);
	/* Start on a 31st, so setting the month first passes through an
	 * impossible date (February 31) that must be held, not rolled. */
	cmos_write(f, RTC_REG_B, RTC_B_SET | RTC_B_24H);
	cmos_write(f, RTC_DAY_OF_MONTH, 0x31);
	cmos_write(f, RTC_MONTH, 0x02);
	/* Halted: the source moving changes nothing. */
	f->unix_time += 1000;
	assert_int_equal(cmos_read(f, RTC_DAY_OF_MONTH), 0x31);
	assert_int_equal(cmos_read(f, RTC_MONTH), 0x02);
	cmos_write(f, RTC_DAY_OF_MONTH, 0x29);
	cmos_write(f, RTC_YEAR, 0x24);
	cmos_write(f, RTC_HOURS, 0x12);
	cmos_write(f, RTC_MINUTES, 0x34);
	cmos_write(f, RTC_SECONDS, 0x56);
	cmos_write(f, RTC_DAY_OF_WEEK, 5);	/* Thursday */
	cmos_write(f, RTC_REG_B, RTC_B_24H);

	/* 2024-02-29 12:34:56 UTC. */
	assert_true(rtc_cmos_time(&f->rtc) == 1709210096);
	f->unix_time += 10;
	assert_int_equal(cmos_read(f, RTC_SECONDS), 0x06);
	assert_int_equal(cmos_read(f, RTC_MINUTES), 0x35);
	assert_int_equal(cmos_read(f, RTC_DAY_OF_MONTH), 0x29);
	assert_int_equal(cmos_read(f, RTC_MONTH), 0x02);
	assert_int_equal(cmos_read(f, RTC_DAY_OF_WEEK), 5);
	/* Across midnight, the weekday counts on. */
	f->unix_time += 12 * 3600;
	assert_int_equal(cmos_read(f, RTC_DAY_OF_MONTH), 0x01);
	assert_int_equal(cmos_read(f, RTC_MONTH), 0x03);
	assert_int_equal(cmos_read(f, RTC_DAY_OF_WEEK), 6);
}

static void test_rtc_single_field_writes(void **state)
{
	struct fixture *f = *state;
	s64 before;

	f->unix_time = 1700000000;
	rtc_cmos_set_time_source(&f->rtc, fake_clock, f);
	before = rtc_cmos_time(&f->rtc);
	cmos_write(f, RTC_MINUTES, 0x45);
	assert_int_equal(cmos_read(f, RTC_MINUTES), 0x45);
	assert_true(rtc_cmos_time(&f->rtc) == before + 32 * 60);
	/* Out of range values are dropped. */
	cmos_write(f, RTC_SECONDS, 0x60);
	cmos_write(f, RTC_MONTH, 0x13);
	cmos_write(f, RTC_MONTH, 0x00);
	cmos_write(f, RTC_HOURS, 0x24);
	assert_int_equal(cmos_read(f, RTC_SECONDS), 0x20);
	assert_int_equal(cmos_read(f, RTC_MONTH), 0x11);
	assert_int_equal(cmos_read(f, RTC_HOURS), 0x22);
	/* Century and a 12-hour write. */
	cmos_write(f, RTC_CENTURY, 0x19);
	assert_int_equal(cmos_read(f, RTC_CENTURY), 0x19);
	assert_int_equal(cmos_read(f, RTC_YEAR), 0x23);
	cmos_write(f, RTC_REG_B, 0);
	cmos_write(f, RTC_HOURS, 0x80 | 0x12);		/* 12 PM = noon */
	cmos_write(f, RTC_REG_B, RTC_B_24H);
	assert_int_equal(cmos_read(f, RTC_HOURS), 0x12);
	/* A fixed epoch drops the adjustments. */
	rtc_cmos_set_epoch(&f->rtc, 0);
	assert_true(rtc_cmos_time(&f->rtc) == 0);
	assert_int_equal(cmos_read(f, RTC_YEAR), 0x70);
	assert_int_equal(cmos_read(f, RTC_CENTURY), 0x19);
	assert_int_equal(cmos_read(f, RTC_DAY_OF_WEEK), 5);	/* Thursday */
}

/* Calendar conversions against known dates and a round trip. */
static void test_rtc_calendar(void **state)
{
	static const struct {
		s64 t;
		int y, mon, d, wday;
	} known[] = {
		{ 0, 1970, 1, 1, 4 },
		{ 951782400, 2000, 2, 29, 2 },		/* leap: 400 */
		{ 4107542400ll, 2100, 3, 1, 1 },	/* 2100 not leap */
		{ -2203891200ll, 1900, 3, 1, 4 },	/* 1900 not leap */
		{ 1709164800, 2024, 2, 29, 4 },
		{ -86400, 1969, 12, 31, 3 },
	};
	struct rtc_time tm;
	unsigned int i;
	s64 t;

	for (i = 0; i < ARRAY_SIZE(known); i++) {
		rtc_time_from_seconds(known[i].t, &tm);
		assert_true(tm.year == known[i].y);
		assert_int_equal(tm.mon, known[i].mon);
		assert_int_equal(tm.mday, known[i].d);
		assert_int_equal(tm.wday, known[i].wday);
		assert_int_equal(tm.hour, 0);
		assert_true(rtc_time_to_seconds(&tm) == known[i].t);
	}
	for (t = -5000000000ll; t < 20000000000ll; t += 86400 * 7 + 3599) {
		rtc_time_from_seconds(t, &tm);
		assert_true(tm.mon >= 1 && tm.mon <= 12);
		assert_true(tm.mday >= 1 && tm.mday <= 31);
		assert_true(rtc_time_to_seconds(&tm) == t);
	}
}

/* ---- PCI host bridge ---- */

static void test_pci_config_address(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(in(f, 0xcf8, 4), 0);
	out(f, 0xcf8, 4, 0x80000000u);
	assert_int_equal(in(f, 0xcf8, 4), 0x80000000u);
	/* Reserved bits 30:24 and 1:0 read 0. */
	out(f, 0xcf8, 4, 0xffffffffu);
	assert_int_equal(in(f, 0xcf8, 4), 0x80fffffcu);
	out(f, 0xcf8, 4, 0x80012345u);
	assert_int_equal(pci_config_bus(0x80012345u), 0x01);
	assert_int_equal(pci_config_dev(0x80012345u), 0x04);
	assert_int_equal(pci_config_fn(0x80012345u), 0x03);
	/* Byte and word accesses are not CONFIG_ADDRESS. */
	out(f, 0xcf8, 1, 0x00);
	out(f, 0xcf8, 2, 0x0000);
	assert_int_equal(in(f, 0xcf8, 4), 0x80012344u);
	assert_int_equal(in(f, 0xcf8, 1), 0xff);
	assert_int_equal(in(f, 0xcf8, 2), 0xffff);
}

static void test_pci_empty_bus(void **state)
{
	struct fixture *f = *state;
	unsigned int dev;

	/* Scan bus 0 the classic way: vendor ID 0xffff everywhere. */
	for (dev = 0; dev < 32; dev++) {
		out(f, 0xcf8, 4, 0x80000000u | (dev << 11));
		assert_int_equal(in(f, 0xcfc, 4), 0xffffffffu);
		assert_int_equal(in(f, 0xcfc, 2), 0xffff);
	}
	assert_int_equal(f->pci.config_reads, 64);
	assert_int_equal(in(f, 0xcfd, 1), 0xff);
	assert_int_equal(in(f, 0xcfe, 2), 0xffff);
	assert_int_equal(in(f, 0xcff, 1), 0xff);
	/* Past 0xcff the bytes float high too. */
	assert_int_equal(in(f, 0xcfe, 4), 0xffffffffu);
	out(f, 0xcfc, 4, 0x12345678);
	out(f, 0xcfd, 1, 0x12);
	assert_int_equal(f->pci.config_writes, 2);
	assert_int_equal(in(f, 0xcfc, 4), 0xffffffffu);
	/* Enable clear: no configuration cycle at all. */
	out(f, 0xcf8, 4, 0);
	f->pci.config_reads = f->pci.config_writes = 0;
	assert_int_equal(in(f, 0xcfc, 4), 0xffffffffu);
	out(f, 0xcfc, 4, 0);
	assert_int_equal(f->pci.config_reads, 0);
	assert_int_equal(f->pci.config_writes, 0);
}

static u64 cf9_value;

static void cf9_write(void *opaque, u64 offset, unsigned size, u64 value)
{
	cf9_value = value;
}

static const struct io_device_ops cf9_ops = { .write = cf9_write };

/* The reset control register at 0xcf9 can live next to CONFIG_ADDRESS. */
static void test_pci_leaves_cf9_free(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(io_bus_register(&f->pio, 0xcf9, 1, &cf9_ops, NULL,
					 "reset"),
			 0);
	out(f, 0xcf9, 1, 0x06);
	assert_int_equal(cf9_value, 0x06);
	out(f, 0xcf8, 4, 0x80000010u);
	assert_int_equal(in(f, 0xcf8, 4), 0x80000010u);
}

/* ---- pc-testdev ---- */

static void test_testdev_latch(void **state)
{
	struct fixture *f = *state;

	out(f, 0xe0, 4, 0x12345678);
	assert_int_equal(in(f, 0xe0, 4), 0x12345678);
	assert_int_equal(in(f, 0xe0, 1), 0x78);
	assert_int_equal(in(f, 0xe1, 1), 0x56);
	assert_int_equal(in(f, 0xe2, 2), 0x1234);
	out(f, 0xe2, 1, 0xaa);
	assert_int_equal(in(f, 0xe0, 4), 0x12aa5678);
	out(f, 0xe0, 2, 0xbeef);
	assert_int_equal(in(f, 0xe0, 4), 0x12aabeef);
	/* Lanes past 0xe3 do not exist. */
	out(f, 0xe2, 4, 0xddccbbaa);
	assert_int_equal(in(f, 0xe0, 4), 0xbbaabeef);
	assert_int_equal(in(f, 0xe2, 4), 0x0000bbaa);
}

/* rep outsb / insb: one byte access per element, all on lane 0. */
static void test_testdev_string_io(void **state)
{
	struct fixture *f = *state;
	static const u8 src[] = { 0x11, 0x22, 0x33 };
	u8 dst[3];
	unsigned int i;

	out(f, 0xe0, 4, 0xa0b0c0d0);
	for (i = 0; i < sizeof(src); i++)
		out(f, 0xe0, 1, src[i]);
	assert_int_equal(in(f, 0xe0, 4), 0xa0b0c033);
	for (i = 0; i < sizeof(dst); i++)
		dst[i] = (u8)in(f, 0xe0, 1);
	assert_int_equal(dst[0], 0x33);
	assert_int_equal(dst[2], 0x33);
	/* rep outsw moves words through lanes 0-1. */
	out(f, 0xe0, 2, 0x4455);
	out(f, 0xe0, 2, 0x6677);
	assert_int_equal(in(f, 0xe0, 4), 0xa0b06677);
}

/* 0xe8 is the same latch, byte-wide. */
static void test_testdev_byte_alias(void **state)
{
	struct fixture *f = *state;

	out(f, 0xe8, 4, 0xcafef00d);
	assert_int_equal(in(f, 0xe0, 4), 0xcafef00d);
	assert_int_equal(in(f, 0xeb, 1), 0xca);
	out(f, 0xe1, 1, 0x00);
	assert_int_equal(in(f, 0xe8, 4), 0xcafe000d);
}

static void test_testdev_flush_port(void **state)
{
	struct fixture *f = *state;

	out(f, 0xe4, 4, 0x00123456);
	assert_int_equal(f->testdev.flushes, 1);
	assert_true(f->testdev.last_flush_addr == 0x00123000);
	assert_int_equal(in(f, 0xe4, 4), 0);
	assert_int_equal(in(f, 0xe4, 1), 0);
	/* The latch is not touched. */
	assert_int_equal(in(f, 0xe0, 4), 0);
}

static void test_testdev_irq_lines(void **state)
{
	struct fixture *f = *state;

	out(f, 0x2000 + 4, 1, 1);
	out(f, 0x2000 + 4, 1, 0x80);
	out(f, 0x2000 + 4, 1, 0);
	out(f, 0x2000 + 23, 1, 1);
	assert_int_equal(f->irqs.n, 4);
	assert_int_equal(f->irqs.irq[0], 4);
	assert_int_equal(f->irqs.level[0], 1);
	assert_int_equal(f->irqs.level[1], 1);
	assert_int_equal(f->irqs.level[2], 0);
	assert_int_equal(f->irqs.irq[3], 23);
	/* Only byte writes drive a line (QEMU rejects the rest). */
	out(f, 0x2005, 2, 0x0101);
	out(f, 0x2005, 4, 1);
	assert_int_equal(f->irqs.n, 4);
	assert_int_equal(in(f, 0x2000, 1), 0);
	/* 0x2018 is outside the device. */
	assert_int_equal(io_bus_write(&f->pio, 0x2018, 1, 1),
			 IO_BUS_UNASSIGNED);
	assert_int_equal(f->irqs.n, 4);
}

static void test_testdev_no_irq_callback(void **state)
{
	struct pc_testdev t;

	pc_testdev_init(&t, NULL, NULL);
	pc_testdev_irq_ops.write(&t, 3, 1, 1);	/* must not crash */
	assert_int_equal(pc_testdev_irq_ops.read(&t, 3, 1), 0);
}

static void test_testdev_iomem(void **state)
{
	struct fixture *f = *state;
	u64 v = 0;

	assert_int_equal(io_bus_write(&f->mmio, PC_TESTDEV_IOMEM + 8, 8,
				      0x0102030405060708ull),
			 0);
	assert_int_equal(io_bus_read(&f->mmio, PC_TESTDEV_IOMEM + 8, 4, &v),
			 0);
	assert_int_equal(v, 0x05060708);
	assert_int_equal(io_bus_read(&f->mmio, PC_TESTDEV_IOMEM + 15, 1, &v),
			 0);
	assert_int_equal(v, 0x01);
	assert_int_equal(f->iomem.buf[8], 0x08);
	/* Crossing the end: only the bytes inside are kept. */
	assert_int_equal(io_bus_write(&f->mmio, PC_TESTDEV_IOMEM + 0xfffe, 4,
				      0xaabbccdd),
			 0);
	assert_int_equal(io_bus_read(&f->mmio, PC_TESTDEV_IOMEM + 0xfffe, 4,
				     &v),
			 0);
	assert_int_equal(v, 0xccdd);
}

static void test_testdev_register_twice(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(pc_testdev_register(&f->testdev, &f->pio), -EBUSY);
}

/* ---- ACPI PM timer and PM1 registers ---- */

#define PM_HZ PM_TIMER_FREQUENCY

static u64 ref_ticks(u64 tsc, u64 hz)
{
	return (u64)((unsigned __int128)tsc * PM_HZ / hz);
}

static void test_pm_ticks_exact(void **state)
{
	assert_true(pm_timer_ticks(0, TSC_HZ) == 0);
	assert_true(pm_timer_ticks(TSC_HZ, TSC_HZ) == PM_HZ);
	assert_true(pm_timer_ticks(10 * TSC_HZ, TSC_HZ) == 10 * PM_HZ);
	/* 1e6 * 3579545 / 2e9 = 1789.77: floor. */
	assert_true(pm_timer_ticks(1000000, TSC_HZ) == 1789);
	assert_true(pm_timer_ticks(1, TSC_HZ) == 0);
	/* One PM tick is 2e9 / F = 558.73 TSC ticks. */
	assert_true(pm_timer_ticks(558, TSC_HZ) == 0);
	assert_true(pm_timer_ticks(559, TSC_HZ) == 1);
	assert_true(pm_timer_ticks(12345, 0) == 0);
	/* A TSC at the PM timer's own rate counts 1:1. */
	assert_true(pm_timer_ticks(0xabcdef, PM_HZ) == 0xabcdef);
}

static void test_pm_counter_wraps_at_24_bits(void **state)
{
	assert_int_equal(pm_timer_counter(0xffffff, PM_HZ), 0xffffff);
	assert_int_equal(pm_timer_counter(0x1000000, PM_HZ), 0);
	assert_int_equal(pm_timer_counter(0x1000005, PM_HZ), 5);
	assert_int_equal(pm_timer_counter(0x7ff000005ull, PM_HZ), 5);
	/* At 2 GHz the counter wraps every 2^24 / F seconds (~4.69 s). */
	assert_int_equal(pm_timer_counter(TSC_HZ * 5, TSC_HZ),
			 (5 * PM_HZ) & 0xffffff);
}

/* An hour of TSC is an hour of PM ticks, anywhere in the TSC's range. */
static void test_pm_rate_long_interval(void **state)
{
	static const u64 hz[] = { 1000000000ull, 2100000000ull, 2893437000ull,
				  3579545ull };
	static const u64 start[] = { 0, 1000000000000ull, 1ull << 62,
				     (1ull << 63) + 12345 };
	unsigned int i, j;
	u64 t0, t1, d;

	for (i = 0; i < ARRAY_SIZE(hz); i++) {
		for (j = 0; j < ARRAY_SIZE(start); j++) {
			t0 = pm_timer_ticks(start[j], hz[i]);
			t1 = pm_timer_ticks(start[j] + 3600 * hz[i], hz[i]);
			d = t1 - t0;
			assert_true(d >= 3600 * PM_HZ - 1 &&
				    d <= 3600 * PM_HZ + 1);
			/* The 24-bit counter agrees modulo 2^24. */
			assert_int_equal((pm_timer_counter(start[j] +
							   3600 * hz[i],
							   hz[i]) -
					  pm_timer_counter(start[j], hz[i])) &
						 0xffffff,
					 d & 0xffffff);
		}
	}
}

/* No overflow anywhere: compare with 128-bit arithmetic. */
static void test_pm_no_overflow_near_2_63(void **state)
{
	static const u64 hz[] = { 1ull, 3579545ull, 2500000000ull,
				  4000000000ull, 1000000000000ull,
				  PM_TIMER_MAX_TSC_HZ };
	static const u64 tsc[] = { (1ull << 63) - 1, 1ull << 63,
				   (1ull << 63) + 12345, ~0ull,
				   0x8000000123456789ull, 5153960755200ull };
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(hz); i++) {
		for (j = 0; j < ARRAY_SIZE(tsc); j++) {
			assert_true(pm_timer_ticks(tsc[j], hz[i]) ==
				    ref_ticks(tsc[j], hz[i]));
			assert_int_equal(pm_timer_counter(tsc[j], hz[i]),
					 ref_ticks(tsc[j], hz[i]) & 0xffffff);
		}
	}
}

static void test_pm_timer_port(void **state)
{
	struct fixture *f = *state;
	u64 expect;

	/* A whole number of seconds below 2^63: no fractional tick. */
	f->tsc = 4611686018ull * TSC_HZ;
	expect = ref_ticks(f->tsc, TSC_HZ) & 0xffffff;
	assert_int_equal(in(f, PM_BASE + 8, 4), expect);
	assert_int_equal(pm_timer_read(&f->pm), expect);
	assert_int_equal(in(f, PM_BASE + 8, 2), expect & 0xffff);
	assert_int_equal(in(f, PM_BASE + 10, 2), expect >> 16);
	assert_int_equal(in(f, PM_BASE + 11, 1), 0);	/* 24-bit */
	/* Read-only. */
	out(f, PM_BASE + 8, 4, 0);
	assert_int_equal(in(f, PM_BASE + 8, 4), expect);
	/* It advances with the TSC. */
	f->tsc += TSC_HZ / 1000;	/* 1 ms = 3579.545 ticks */
	assert_int_equal((in(f, PM_BASE + 8, 4) - expect) & 0xffffff, 3579);
}

static void test_pm1_control(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(in(f, PM_BASE + 4, 2), ACPI_PM1_SCI_EN);
	out(f, PM_BASE + 4, 2, 0);
	assert_int_equal(in(f, PM_BASE + 4, 2), ACPI_PM1_SCI_EN);
	out(f, PM_BASE + 4, 2, ACPI_PM1_SLP_EN | (5 << 10) | ACPI_PM1_GBL_RLS |
				       ACPI_PM1_BM_RLD);
	assert_int_equal(in(f, PM_BASE + 4, 2),
			 ACPI_PM1_SCI_EN | (5 << 10) | ACPI_PM1_BM_RLD);
	/* Byte access to the high byte. */
	out(f, PM_BASE + 5, 1, 0);
	assert_int_equal(in(f, PM_BASE + 4, 2),
			 ACPI_PM1_SCI_EN | ACPI_PM1_BM_RLD);
	/* Reserved bytes +6/+7. */
	out(f, PM_BASE + 6, 2, 0xffff);
	assert_int_equal(in(f, PM_BASE + 6, 2), 0);
}

static void test_pm1_enable(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(in(f, PM_BASE + 2, 2), 0);
	out(f, PM_BASE + 2, 2, 0xffff);
	assert_int_equal(in(f, PM_BASE + 2, 2), ACPI_PM1_EN_MASK);
	out(f, PM_BASE + 3, 1, 0);
	assert_int_equal(in(f, PM_BASE + 2, 2),
			 ACPI_PM1_EN_MASK & 0xff);
	/* A doubleword at +0 reads PM1_STS and PM1_EN together. */
	assert_int_equal(in(f, PM_BASE, 4), (ACPI_PM1_EN_MASK & 0xff) << 16);
}

static void test_pm1_status_write_one_to_clear(void **state)
{
	struct fixture *f = *state;

	pm_timer_raise_status(&f->pm, ACPI_PM1_PWRBTN_STS | ACPI_PM1_RTC_STS |
					      ACPI_PM1_WAK_STS);
	assert_int_equal(in(f, PM_BASE, 2), ACPI_PM1_PWRBTN_STS |
						    ACPI_PM1_RTC_STS |
						    ACPI_PM1_WAK_STS);
	/* Zeros clear nothing. */
	out(f, PM_BASE, 2, 0);
	assert_int_equal(in(f, PM_BASE, 2), ACPI_PM1_PWRBTN_STS |
						    ACPI_PM1_RTC_STS |
						    ACPI_PM1_WAK_STS);
	out(f, PM_BASE, 2, ACPI_PM1_PWRBTN_STS);
	assert_int_equal(in(f, PM_BASE, 2), ACPI_PM1_RTC_STS |
						    ACPI_PM1_WAK_STS);
	/* Byte write to the high byte: RTC_STS is bit 10 = byte 1 bit 2. */
	out(f, PM_BASE + 1, 1, 0x04);
	assert_int_equal(in(f, PM_BASE, 2), ACPI_PM1_WAK_STS);
	out(f, PM_BASE, 2, 0xffff);
	assert_int_equal(in(f, PM_BASE, 2), 0);
}

/* TMR_STS: set when bit 23 of the counter toggles, cleared by writing 1. */
static void test_pm1_timer_status(void **state)
{
	struct fixture *f = *state;

	f->pm.tsc_hz = PM_HZ;		/* 1 TSC tick = 1 PM tick */
	f->tsc = 0x100;
	assert_int_equal(in(f, PM_BASE, 2), 0);
	f->tsc = 0x7fffff;
	assert_int_equal(in(f, PM_BASE, 2), 0);
	f->tsc = 0x800000;
	assert_int_equal(in(f, PM_BASE, 2), ACPI_PM1_TMR_STS);
	/* Sticky until cleared, even after bit 23 flips back. */
	f->tsc = 0x1000001;
	assert_int_equal(in(f, PM_BASE, 2), ACPI_PM1_TMR_STS);
	out(f, PM_BASE, 2, ACPI_PM1_TMR_STS);
	assert_int_equal(in(f, PM_BASE, 2), 0);
	f->tsc = 0x17fffff;
	assert_int_equal(in(f, PM_BASE, 2), 0);
	f->tsc = 0x1800000;
	assert_int_equal(in(f, PM_BASE, 2), ACPI_PM1_TMR_STS);
	/* raise_status cannot fake it. */
	out(f, PM_BASE, 2, ACPI_PM1_TMR_STS);
	pm_timer_raise_status(&f->pm, ACPI_PM1_TMR_STS);
	assert_int_equal(in(f, PM_BASE, 2), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_rtc_default_epoch, setup),
		cmocka_unit_test_setup(test_rtc_time_source_bcd, setup),
		cmocka_unit_test_setup(test_rtc_binary_and_12_hour, setup),
		cmocka_unit_test_setup(test_rtc_status_registers, setup),
		cmocka_unit_test_setup(test_rtc_index_port_and_nmi, setup),
		cmocka_unit_test_setup(test_rtc_plain_ram, setup),
		cmocka_unit_test_setup(test_rtc_memory_size_128m, setup),
		cmocka_unit_test(test_rtc_memory_size_large_and_small),
		cmocka_unit_test_setup(test_rtc_set_time_with_set_bit, setup),
		cmocka_unit_test_setup(test_rtc_single_field_writes, setup),
		cmocka_unit_test(test_rtc_calendar),
		cmocka_unit_test_setup(test_pci_config_address, setup),
		cmocka_unit_test_setup(test_pci_empty_bus, setup),
		cmocka_unit_test_setup(test_pci_leaves_cf9_free, setup),
		cmocka_unit_test_setup(test_testdev_latch, setup),
		cmocka_unit_test_setup(test_testdev_string_io, setup),
		cmocka_unit_test_setup(test_testdev_byte_alias, setup),
		cmocka_unit_test_setup(test_testdev_flush_port, setup),
		cmocka_unit_test_setup(test_testdev_irq_lines, setup),
		cmocka_unit_test(test_testdev_no_irq_callback),
		cmocka_unit_test_setup(test_testdev_iomem, setup),
		cmocka_unit_test_setup(test_testdev_register_twice, setup),
		cmocka_unit_test(test_pm_ticks_exact),
		cmocka_unit_test(test_pm_counter_wraps_at_24_bits),
		cmocka_unit_test(test_pm_rate_long_interval),
		cmocka_unit_test(test_pm_no_overflow_near_2_63),
		cmocka_unit_test_setup(test_pm_timer_port, setup),
		cmocka_unit_test_setup(test_pm1_control, setup),
		cmocka_unit_test_setup(test_pm1_enable, setup),
		cmocka_unit_test_setup(test_pm1_status_write_one_to_clear,
				       setup),
		cmocka_unit_test_setup(test_pm1_timer_status, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

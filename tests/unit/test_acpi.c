/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of dev/acpi.c: build the tables into a model of the BIOS area
 * and parse them back the way an OS does (scan for "RSD PTR " on 16-byte
 * boundaries, follow RSDT and XSDT, find tables by signature), checking
 * every checksum and the values the PC platform depends on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dev/acpi.h"

#define BIOS_GPA ACPI_RSDP_SCAN_START
#define BIOS_LEN (ACPI_RSDP_SCAN_END - ACPI_RSDP_SCAN_START)
#define PM_BASE 0x600
#define FILL 0xa5

/* Guest-physical window under test. */
struct guest {
	u8 mem[BIOS_LEN];
	u64 gpa;
	u64 len;
};

static struct guest g;

static int setup(void **state)
{
	memset(g.mem, FILL, sizeof(g.mem));
	g.gpa = BIOS_GPA;
	g.len = BIOS_LEN;
	*state = &g;
	return 0;
}

/* Host pointer for [gpa, gpa + len), or fail the test. */
static const void *gpa_ptr(u64 gpa, u64 len)
{
	assert_true(gpa >= g.gpa);
	assert_true(gpa + len <= g.gpa + g.len);
	return &g.mem[gpa - g.gpa];
}

static struct acpi_config pc_config(unsigned nr_cpus)
{
	struct acpi_config cfg = {
		.nr_cpus = nr_cpus,
		.pm_base = PM_BASE,
		.ioapic_addr = ACPI_DEFAULT_IOAPIC_ADDR,
		.lapic_addr = ACPI_DEFAULT_LAPIC_ADDR,
	};

	return cfg;
}

static u64 build(unsigned nr_cpus)
{
	struct acpi_config cfg = pc_config(nr_cpus);
	u64 rsdp = 0;

	assert_int_equal(acpi_build_tables(g.mem, g.gpa, g.len, &cfg, &rsdp),
			 0);
	return rsdp;
}

/* What an OS does: scan 0xe0000-0xfffff on 16-byte boundaries. */
static const struct acpi_rsdp *scan_rsdp(void)
{
	const struct acpi_rsdp *r;
	u64 a = ALIGN_UP(MAX(g.gpa, (u64)ACPI_RSDP_SCAN_START),
			 (u64)ACPI_RSDP_ALIGN);
	u64 end = MIN(g.gpa + g.len, (u64)ACPI_RSDP_SCAN_END);

	/* The part of the scan range this window covers. */
	for (; a + ACPI_RSDP_ALIGN <= end; a += ACPI_RSDP_ALIGN) {
		r = gpa_ptr(a, ACPI_RSDP_ALIGN);
		if (memcmp(r->signature, ACPI_SIG_RSDP, 8) == 0 &&
		    acpi_checksum(r, ACPI_RSDP_V1_LENGTH) == 0)
			return r;
	}
	return NULL;
}

/* Map a table, check its header and checksum. */
static const struct acpi_table_header *map_table(u64 gpa, const char *sig)
{
	const struct acpi_table_header *h = gpa_ptr(gpa, sizeof(*h));

	assert_memory_equal(h->signature, sig, ACPI_NAME_SIZE);
	assert_true(h->length >= sizeof(*h));
	h = gpa_ptr(gpa, h->length);
	assert_int_equal(acpi_checksum(h, h->length), 0);
	assert_memory_equal(h->oem_id, "TINYVX", ACPI_OEM_ID_SIZE);
	return h;
}

struct root_tables {
	u64 fadt, madt;
};

static void find_in_root(u64 entry, struct root_tables *t)
{
	const struct acpi_table_header *h = gpa_ptr(entry, sizeof(*h));

	if (memcmp(h->signature, ACPI_SIG_FADT, ACPI_NAME_SIZE) == 0) {
		assert_true(t->fadt == 0);
		t->fadt = entry;
	} else if (memcmp(h->signature, ACPI_SIG_MADT, ACPI_NAME_SIZE) == 0) {
		assert_true(t->madt == 0);
		t->madt = entry;
	}
}

/* Follow RSDT and XSDT; both must list the same FADT and MADT. */
static void walk_roots(const struct acpi_rsdp *r, struct root_tables *out)
{
	const struct acpi_table_header *rsdt, *xsdt;
	struct root_tables via_rsdt = { 0 }, via_xsdt = { 0 };
	unsigned int i, n;
	u32 e32;
	u64 e64;

	rsdt = map_table(r->rsdt_address, ACPI_SIG_RSDT);
	n = (rsdt->length - sizeof(*rsdt)) / sizeof(u32);
	assert_int_equal((rsdt->length - sizeof(*rsdt)) % sizeof(u32), 0);
	for (i = 0; i < n; i++) {
		memcpy(&e32, (const u8 *)rsdt + sizeof(*rsdt) + i * 4, 4);
		find_in_root(e32, &via_rsdt);
	}
	xsdt = map_table(r->xsdt_address, ACPI_SIG_XSDT);
	n = (xsdt->length - sizeof(*xsdt)) / sizeof(u64);
	assert_int_equal((xsdt->length - sizeof(*xsdt)) % sizeof(u64), 0);
	for (i = 0; i < n; i++) {
		memcpy(&e64, (const u8 *)xsdt + sizeof(*xsdt) + i * 8, 8);
		find_in_root(e64, &via_xsdt);
	}
	assert_true(via_rsdt.fadt != 0 && via_rsdt.madt != 0);
	assert_true(via_rsdt.fadt == via_xsdt.fadt);
	assert_true(via_rsdt.madt == via_xsdt.madt);
	*out = via_rsdt;
}

static void test_checksum(void **state)
{
	u8 b[4] = { 1, 2, 3, 0 };

	assert_int_equal(acpi_checksum(b, 3), 6);
	b[3] = (u8)-6;
	assert_int_equal(acpi_checksum(b, 4), 0);
	assert_int_equal(acpi_checksum(b, 0), 0);
}

static void test_rsdp_found_by_scan(void **state)
{
	u64 rsdp_gpa = build(1);
	const struct acpi_rsdp *r = scan_rsdp();

	assert_non_null(r);
	assert_true(rsdp_gpa == g.gpa + (u64)((const u8 *)r - g.mem));
	assert_int_equal(rsdp_gpa % ACPI_RSDP_ALIGN, 0);
	assert_int_equal(r->revision, ACPI_RSDP_REVISION);
	assert_int_equal(r->length, sizeof(*r));
	assert_int_equal(acpi_checksum(r, r->length), 0);
	assert_memory_equal(r->oem_id, "TINYVX", ACPI_OEM_ID_SIZE);
	assert_true(r->xsdt_address != 0);
	assert_true(r->rsdt_address != 0);
}

static void test_fadt(void **state)
{
	const struct acpi_rsdp *r;
	const struct acpi_fadt *f;
	const struct acpi_table_header *dsdt;
	const struct acpi_facs *facs;
	struct root_tables t;

	build(1);
	r = scan_rsdp();
	assert_non_null(r);
	walk_roots(r, &t);
	f = (const void *)map_table(t.fadt, ACPI_SIG_FADT);

	assert_true(f->header.revision >= 3);
	assert_true(f->header.length >= sizeof(*f));
	assert_int_equal(f->sci_int, 9);
	assert_int_equal(f->smi_cmd, 0);
	assert_int_equal(f->pm1a_evt_blk, PM_BASE);
	assert_int_equal(f->pm1a_cnt_blk, PM_BASE + 4);
	assert_int_equal(f->pm_tmr_blk, PM_BASE + 8);
	assert_int_equal(f->pm1_evt_len, 4);
	assert_int_equal(f->pm1_cnt_len, 2);
	assert_int_equal(f->pm_tmr_len, 4);
	assert_int_equal(f->pm1b_evt_blk, 0);
	assert_int_equal(f->pm1b_cnt_blk, 0);
	assert_int_equal(f->century, 0x32);
	/* 24-bit timer, reset register supported. */
	assert_false(f->flags & ACPI_FADT_TMR_VAL_EXT);
	assert_true(f->flags & ACPI_FADT_RESET_REG_SUP);

	assert_int_equal(f->reset_reg.space_id, ACPI_ADR_SPACE_SYSTEM_IO);
	assert_int_equal(f->reset_reg.bit_width, 8);
	assert_int_equal(f->reset_reg.bit_offset, 0);
	assert_true(f->reset_reg.address == 0xcf9);
	assert_int_equal(f->reset_value, 0x06);

	/* X_ fields agree with the 32-bit ones. */
	assert_true(f->x_pm_tmr_blk.address == PM_BASE + 8);
	assert_int_equal(f->x_pm_tmr_blk.space_id, ACPI_ADR_SPACE_SYSTEM_IO);
	assert_int_equal(f->x_pm_tmr_blk.bit_width, 32);
	assert_true(f->x_pm1a_evt_blk.address == PM_BASE);
	assert_int_equal(f->x_pm1a_evt_blk.bit_width, 32);
	assert_true(f->x_pm1a_cnt_blk.address == PM_BASE + 4);
	assert_int_equal(f->x_pm1a_cnt_blk.bit_width, 16);
	assert_true(f->x_pm1b_evt_blk.address == 0);
	assert_true(f->x_dsdt == f->dsdt);
	assert_true(f->x_firmware_ctrl == f->firmware_ctrl);

	dsdt = map_table(f->dsdt, ACPI_SIG_DSDT);
	assert_int_equal(dsdt->length, sizeof(*dsdt));
	assert_int_equal(dsdt->revision, 2);

	assert_int_equal(f->firmware_ctrl % ACPI_FACS_ALIGN, 0);
	facs = gpa_ptr(f->firmware_ctrl, sizeof(*facs));
	assert_memory_equal(facs->signature, ACPI_SIG_FACS, ACPI_NAME_SIZE);
	assert_int_equal(facs->length, 64);
}

struct madt_summary {
	unsigned nr_lapic;
	u8 lapic_ids[ACPI_MAX_CPUS];
	unsigned nr_ioapic;
	struct acpi_madt_io_apic ioapic;
	unsigned nr_iso;
	struct acpi_madt_interrupt_override iso[4];
	unsigned nr_nmi;
};

static void parse_madt(u64 gpa, struct madt_summary *s)
{
	const struct acpi_madt *m = (const void *)map_table(gpa, "APIC");
	const u8 *p = (const u8 *)m + sizeof(*m);
	const u8 *end = (const u8 *)m + m->header.length;
	struct acpi_madt_local_apic la;

	memset(s, 0, sizeof(*s));
	assert_true(m->lapic_address == 0xfee00000u);
	assert_true(m->flags & ACPI_MADT_PCAT_COMPAT);
	while (p < end) {
		const struct acpi_subtable_header *h = (const void *)p;

		assert_true(p + sizeof(*h) <= end);
		assert_true(h->length >= sizeof(*h));
		assert_true(p + h->length <= end);
		switch (h->type) {
		case ACPI_MADT_TYPE_LOCAL_APIC:
			assert_int_equal(h->length, sizeof(la));
			memcpy(&la, p, sizeof(la));
			assert_true(la.lapic_flags & ACPI_MADT_ENABLED);
			assert_int_equal(la.processor_id, s->nr_lapic);
			s->lapic_ids[s->nr_lapic++] = la.id;
			break;
		case ACPI_MADT_TYPE_IO_APIC:
			assert_int_equal(h->length, sizeof(s->ioapic));
			memcpy(&s->ioapic, p, sizeof(s->ioapic));
			s->nr_ioapic++;
			break;
		case ACPI_MADT_TYPE_INTERRUPT_OVERRIDE:
			assert_int_equal(h->length, sizeof(s->iso[0]));
			assert_true(s->nr_iso < ARRAY_SIZE(s->iso));
			memcpy(&s->iso[s->nr_iso++], p, sizeof(s->iso[0]));
			break;
		case ACPI_MADT_TYPE_LOCAL_APIC_NMI:
			assert_int_equal(h->length, 6);
			s->nr_nmi++;
			break;
		default:
			fail_msg("unexpected MADT entry type %u", h->type);
		}
		p += h->length;
	}
	/* Entries tile the table exactly. */
	assert_true(p == end);
}

static void check_madt(unsigned nr_cpus)
{
	struct madt_summary s;
	struct root_tables t;
	const struct acpi_rsdp *r;
	unsigned int i;

	build(nr_cpus);
	r = scan_rsdp();
	assert_non_null(r);
	walk_roots(r, &t);
	parse_madt(t.madt, &s);

	assert_int_equal(s.nr_lapic, nr_cpus);
	for (i = 0; i < nr_cpus; i++)
		assert_int_equal(s.lapic_ids[i], i);
	assert_int_equal(s.nr_ioapic, 1);
	assert_int_equal(s.ioapic.id, nr_cpus);
	assert_true(s.ioapic.address == 0xfec00000u);
	assert_int_equal(s.ioapic.global_irq_base, 0);

	assert_int_equal(s.nr_iso, 2);
	assert_int_equal(s.iso[0].bus, 0);
	assert_int_equal(s.iso[0].source_irq, 0);
	assert_int_equal(s.iso[0].global_irq, 2);
	assert_int_equal(s.iso[0].inti_flags, 0);	/* ISA: edge, high */
	assert_int_equal(s.iso[1].bus, 0);
	assert_int_equal(s.iso[1].source_irq, 9);
	assert_int_equal(s.iso[1].global_irq, 9);
	/* Active high (01), level triggered (11 << 2). */
	assert_int_equal(s.iso[1].inti_flags, 0x000d);
	assert_int_equal(s.nr_nmi, 1);
}

static void test_madt_1_cpu(void **state)
{
	check_madt(1);
}

static void test_madt_4_cpus(void **state)
{
	check_madt(4);
}

static void test_madt_max_cpus(void **state)
{
	check_madt(ACPI_MAX_CPUS);
}

/* Bytes before the RSDP and after the last table are not touched. */
static void test_rest_of_window_untouched(void **state)
{
	struct acpi_config cfg = pc_config(2);
	u64 rsdp = 0, used;
	unsigned int i;

	/* An unaligned window: the RSDP moves up to a 16-byte boundary. */
	g.gpa = BIOS_GPA + 4;
	g.len = BIOS_LEN - 4;
	assert_int_equal(acpi_build_tables(g.mem, g.gpa, g.len, &cfg, &rsdp),
			 0);
	assert_true(rsdp == BIOS_GPA + 16);
	for (i = 0; i < 12; i++)
		assert_int_equal(g.mem[i], FILL);
	assert_non_null(scan_rsdp());
	/* Find the end: the last FILL run starts right after the tables. */
	used = g.len;
	while (used > 0 && g.mem[used - 1] == FILL)
		used--;
	assert_true(used < 1024);
	assert_true(used > 12);
	assert_int_equal(g.mem[g.len - 1], FILL);
}

/* Find the smallest window that fits, then check one byte less fails. */
static void test_enospc(void **state)
{
	struct acpi_config cfg = pc_config(4);
	u64 rsdp = 0, need;

	for (need = 0; need < BIOS_LEN; need++) {
		if (acpi_build_tables(g.mem, g.gpa, need, &cfg, &rsdp) == 0)
			break;
	}
	assert_true(need > 36 * 4 && need < BIOS_LEN);
	assert_int_equal(acpi_build_tables(g.mem, g.gpa, need - 1, &cfg,
					   &rsdp),
			 -ENOSPC);
	assert_int_equal(acpi_build_tables(g.mem, g.gpa, 0, &cfg, &rsdp),
			 -ENOSPC);
	/* More CPUs, more MADT. */
	cfg.nr_cpus = 5;
	assert_int_equal(acpi_build_tables(g.mem, g.gpa, need, &cfg, &rsdp),
			 -ENOSPC);
	/* Exactly fitting tables still parse. */
	cfg.nr_cpus = 4;
	memset(g.mem, FILL, sizeof(g.mem));
	assert_int_equal(acpi_build_tables(g.mem, g.gpa, need, &cfg, &rsdp),
			 0);
	assert_int_equal(g.mem[need], FILL);
	assert_non_null(scan_rsdp());
}

static void test_invalid_arguments(void **state)
{
	struct acpi_config cfg = pc_config(1);
	u64 rsdp = 0;

	cfg.nr_cpus = 0;
	assert_int_equal(acpi_build_tables(g.mem, g.gpa, g.len, &cfg, &rsdp),
			 -EINVAL);
	cfg.nr_cpus = ACPI_MAX_CPUS + 1;
	assert_int_equal(acpi_build_tables(g.mem, g.gpa, g.len, &cfg, &rsdp),
			 -EINVAL);
	cfg = pc_config(1);
	cfg.ioapic_addr = 1ull << 32;
	assert_int_equal(acpi_build_tables(g.mem, g.gpa, g.len, &cfg, &rsdp),
			 -EINVAL);
	cfg = pc_config(1);
	assert_int_equal(acpi_build_tables(NULL, g.gpa, g.len, &cfg, &rsdp),
			 -EINVAL);
	assert_int_equal(acpi_build_tables(g.mem, g.gpa, g.len, NULL, &rsdp),
			 -EINVAL);
	assert_int_equal(acpi_build_tables(g.mem, g.gpa, g.len, &cfg, NULL),
			 -EINVAL);
	/* The RSDT holds 32-bit addresses. */
	assert_int_equal(acpi_build_tables(g.mem, 1ull << 32, g.len, &cfg,
					   &rsdp),
			 -ERANGE);
	assert_int_equal(acpi_build_tables(g.mem, (1ull << 32) - 64, g.len,
					   &cfg, &rsdp),
			 -ERANGE);
	/* Nothing was written by the failures. */
	assert_int_equal(g.mem[0], FILL);
	assert_int_equal(g.mem[64], FILL);
}

/* Zero addresses default; other addresses are used as given. */
static void test_apic_addresses(void **state)
{
	struct acpi_config cfg = pc_config(1);
	const struct acpi_madt *m;
	struct madt_summary s;
	struct root_tables t;
	u64 rsdp = 0;

	cfg.lapic_addr = 0;
	cfg.ioapic_addr = 0;
	assert_int_equal(acpi_build_tables(g.mem, g.gpa, g.len, &cfg, &rsdp),
			 0);
	walk_roots(scan_rsdp(), &t);
	parse_madt(t.madt, &s);
	assert_true(s.ioapic.address == 0xfec00000u);

	cfg.lapic_addr = 0xfee10000;
	cfg.ioapic_addr = 0xfec01000;
	assert_int_equal(acpi_build_tables(g.mem, g.gpa, g.len, &cfg, &rsdp),
			 0);
	walk_roots(scan_rsdp(), &t);
	m = (const void *)map_table(t.madt, ACPI_SIG_MADT);
	assert_true(m->lapic_address == 0xfee10000u);
	memcpy(&s.ioapic, (const u8 *)m + sizeof(*m) + 8, sizeof(s.ioapic));
	assert_int_equal(s.ioapic.header.type, ACPI_MADT_TYPE_IO_APIC);
	assert_true(s.ioapic.address == 0xfec01000u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checksum),
		cmocka_unit_test_setup(test_rsdp_found_by_scan, setup),
		cmocka_unit_test_setup(test_fadt, setup),
		cmocka_unit_test_setup(test_madt_1_cpu, setup),
		cmocka_unit_test_setup(test_madt_4_cpus, setup),
		cmocka_unit_test_setup(test_madt_max_cpus, setup),
		cmocka_unit_test_setup(test_rest_of_window_untouched, setup),
		cmocka_unit_test_setup(test_enospc, setup),
		cmocka_unit_test_setup(test_invalid_arguments, setup),
		cmocka_unit_test_setup(test_apic_addresses, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * ACPI table builder.  Table layouts and field meanings are cited in acpi.h;
 * the values chosen for the PC follow QEMU's `pc` machine where a guest can
 * tell the difference, and are explained where they are set.
 */
#include <string.h>

#include "dev/acpi.h"

/* RSDT entries and FADT FIRMWARE_CTRL/DSDT are 32-bit addresses. */
#define ACPI_ADDR_LIMIT		BIT_ULL(32)
#define BYTE_BITS		8

/* The RSDT and XSDT list the FADT and the MADT. */
#define ACPI_NR_ROOT_ENTRIES	2

/* The MADT's interrupt source overrides (see acpi_build_madt()). */
#define ACPI_NR_OVERRIDES	2

/* Worst-case C2/C3 latencies meaning "state not supported" (FADT,
 * P_LVL2_LAT: > 100 us; P_LVL3_LAT: > 1000 us); QEMU's values. */
#define ACPI_P_LVL2_LAT_NONE	0xfff
#define ACPI_P_LVL3_LAT_NONE	0xffff

u8 acpi_checksum(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

/* Store the byte that makes the @len bytes at @table sum to zero. */
static void acpi_set_checksum(void *table, size_t len, u8 *field)
{
	*field = 0;
	*field = (u8)(0 - acpi_checksum(table, len));
}

static void acpi_fill_header(struct acpi_table_header *h, const char *sig,
			     u32 length, u8 revision)
{
	memcpy(h->signature, sig, ACPI_NAME_SIZE);
	h->length = length;
	h->revision = revision;
	h->checksum = 0;
	memcpy(h->oem_id, ACPI_OEM_ID, ACPI_OEM_ID_SIZE);
	memcpy(h->oem_table_id, ACPI_OEM_TABLE_ID, ACPI_OEM_TABLE_ID_SIZE);
	h->oem_revision = ACPI_OEM_REVISION;
	memcpy(h->asl_compiler_id, ACPI_CREATOR_ID, ACPI_NAME_SIZE);
	h->asl_compiler_revision = ACPI_CREATOR_REVISION;
}

static void acpi_finish_table(struct acpi_table_header *h)
{
	acpi_set_checksum(h, h->length, &h->checksum);
}

/* A System I/O register block of @len bytes accessed @access at a time. */
static struct acpi_generic_address acpi_io_gas(u16 port, u8 len, u8 access)
{
	struct acpi_generic_address g = {
		.space_id = ACPI_ADR_SPACE_SYSTEM_IO,
		.bit_width = (u8)(len * BYTE_BITS),
		.bit_offset = 0,
		.access_width = access,
		.address = port,
	};

	return g;
}

static u32 acpi_madt_size(unsigned nr_cpus)
{
	return sizeof(struct acpi_madt) +
	       nr_cpus * sizeof(struct acpi_madt_local_apic) +
	       sizeof(struct acpi_madt_io_apic) +
	       ACPI_NR_OVERRIDES * sizeof(struct acpi_madt_interrupt_override) +
	       sizeof(struct acpi_madt_local_apic_nmi);
}

/* Guest-physical placement of every structure. */
struct acpi_layout {
	u64 rsdp, rsdt, xsdt, fadt, facs, dsdt, madt, end;
	u32 rsdt_len, xsdt_len, madt_len;
};

/* Lay the structures out from @base; addresses only, nothing written. */
static void acpi_plan(u64 base, unsigned nr_cpus, struct acpi_layout *l)
{
	l->rsdt_len = sizeof(struct acpi_table_header) +
		      ACPI_NR_ROOT_ENTRIES * sizeof(u32);
	l->xsdt_len = sizeof(struct acpi_table_header) +
		      ACPI_NR_ROOT_ENTRIES * sizeof(u64);
	l->madt_len = acpi_madt_size(nr_cpus);

	l->rsdp = ALIGN_UP(base, (u64)ACPI_RSDP_ALIGN);
	l->rsdt = ALIGN_UP(l->rsdp + sizeof(struct acpi_rsdp),
			   (u64)ACPI_TABLE_ALIGN);
	l->xsdt = ALIGN_UP(l->rsdt + l->rsdt_len, (u64)ACPI_TABLE_ALIGN);
	l->fadt = ALIGN_UP(l->xsdt + l->xsdt_len, (u64)ACPI_TABLE_ALIGN);
	l->facs = ALIGN_UP(l->fadt + sizeof(struct acpi_fadt),
			   (u64)ACPI_FACS_ALIGN);
	l->dsdt = ALIGN_UP(l->facs + sizeof(struct acpi_facs),
			   (u64)ACPI_TABLE_ALIGN);
	l->madt = ALIGN_UP(l->dsdt + sizeof(struct acpi_table_header),
			   (u64)ACPI_TABLE_ALIGN);
	l->end = l->madt + l->madt_len;
}

static void acpi_build_rsdp(struct acpi_rsdp *r, const struct acpi_layout *l)
{
	memcpy(r->signature, ACPI_SIG_RSDP, sizeof(r->signature));
	memcpy(r->oem_id, ACPI_OEM_ID, ACPI_OEM_ID_SIZE);
	r->revision = ACPI_RSDP_REVISION;
	r->rsdt_address = (u32)l->rsdt;
	r->length = sizeof(*r);
	r->xsdt_address = l->xsdt;
	/* The ACPI 1.0 checksum covers the first 20 bytes only; the extended
	 * one covers everything, the first checksum included. */
	acpi_set_checksum(r, ACPI_RSDP_V1_LENGTH, &r->checksum);
	acpi_set_checksum(r, sizeof(*r), &r->extended_checksum);
}

static void acpi_build_root(void *rsdt_mem, void *xsdt_mem,
			    const struct acpi_layout *l)
{
	struct acpi_rsdt *rsdt = rsdt_mem;
	struct acpi_xsdt *xsdt = xsdt_mem;
	const u64 tables[ACPI_NR_ROOT_ENTRIES] = { l->fadt, l->madt };
	unsigned int i;

	acpi_fill_header(&rsdt->header, ACPI_SIG_RSDT, l->rsdt_len,
			 ACPI_RSDT_REVISION);
	acpi_fill_header(&xsdt->header, ACPI_SIG_XSDT, l->xsdt_len,
			 ACPI_XSDT_REVISION);
	for (i = 0; i < ACPI_NR_ROOT_ENTRIES; i++) {
		rsdt->entry[i] = (u32)tables[i];
		xsdt->entry[i] = tables[i];
	}
	acpi_finish_table(&rsdt->header);
	acpi_finish_table(&xsdt->header);
}

static void acpi_build_fadt(struct acpi_fadt *f, const struct acpi_layout *l,
			    const struct acpi_config *cfg)
{
	u16 evt = cfg->pm_base + ACPI_PM1_EVT_OFFSET;
	u16 cnt = cfg->pm_base + ACPI_PM1_CNT_OFFSET;
	u16 tmr = cfg->pm_base + ACPI_PM_TMR_OFFSET;

	acpi_fill_header(&f->header, ACPI_SIG_FADT, sizeof(*f),
			 ACPI_FADT_REVISION);
	f->firmware_ctrl = (u32)l->facs;
	f->dsdt = (u32)l->dsdt;
	f->preferred_pm_profile = ACPI_PM_PROFILE_UNSPECIFIED;
	f->sci_int = ACPI_SCI_IRQ;
	/*
	 * SMI_CMD = 0: no SMM and no legacy mode to leave, so the hardware is
	 * in ACPI mode from the start and PM1_CNT.SCI_EN reads as set
	 * (FADT, SMI_CMD; "Legacy/ACPI Select and the SCI Interrupt").
	 */
	f->smi_cmd = 0;
	f->pm1a_evt_blk = evt;
	f->pm1a_cnt_blk = cnt;
	f->pm_tmr_blk = tmr;
	f->pm1_evt_len = ACPI_PM1_EVT_LEN;
	f->pm1_cnt_len = ACPI_PM1_CNT_LEN;
	f->pm_tmr_len = ACPI_PM_TMR_LEN;
	/* Only HLT (C1) is offered. */
	f->p_lvl2_lat = ACPI_P_LVL2_LAT_NONE;
	f->p_lvl3_lat = ACPI_P_LVL3_LAT_NONE;
	f->century = ACPI_CMOS_CENTURY;
	/*
	 * ISA devices (RTC, COM1, PIC, PIT) are present; no VGA.  8042 is left
	 * clear: there is no keyboard controller, and clear tells the OS not
	 * to probe for one.
	 */
	f->iapc_boot_arch = ACPI_FADT_LEGACY_DEVICES | ACPI_FADT_NO_VGA;
	/*
	 * WBINVD works; C1 (HLT) on all processors; power and sleep buttons
	 * are not fixed features; 24-bit PM timer (TMR_VAL_EXT clear); the
	 * reset register below is supported.
	 */
	f->flags = ACPI_FADT_WBINVD | ACPI_FADT_PROC_C1 |
		   ACPI_FADT_PWR_BUTTON | ACPI_FADT_SLP_BUTTON |
		   ACPI_FADT_RESET_REG_SUP;
	f->reset_reg = acpi_io_gas(ACPI_RESET_PORT, sizeof(u8),
				   ACPI_ACCESS_BYTE);
	f->reset_value = ACPI_RESET_VALUE;
	f->x_firmware_ctrl = l->facs;
	f->x_dsdt = l->dsdt;
	/* PM1 registers are 16-bit (PM1_STS, PM1_EN, PM1_CNT), the timer
	 * 32-bit ("PM1 Event Grouping", "PM1 Control Grouping", "Power
	 * Management Timer"). */
	f->x_pm1a_evt_blk = acpi_io_gas(evt, ACPI_PM1_EVT_LEN,
					ACPI_ACCESS_WORD);
	f->x_pm1a_cnt_blk = acpi_io_gas(cnt, ACPI_PM1_CNT_LEN,
					ACPI_ACCESS_WORD);
	f->x_pm_tmr_blk = acpi_io_gas(tmr, ACPI_PM_TMR_LEN, ACPI_ACCESS_DWORD);
	acpi_finish_table(&f->header);
}

static void acpi_build_facs(struct acpi_facs *facs)
{
	memcpy(facs->signature, ACPI_SIG_FACS, ACPI_NAME_SIZE);
	facs->length = sizeof(*facs);
	facs->version = ACPI_FACS_VERSION;
}

static void acpi_build_dsdt(struct acpi_table_header *dsdt)
{
	acpi_fill_header(dsdt, ACPI_SIG_DSDT, sizeof(*dsdt),
			 ACPI_DSDT_REVISION);
	acpi_finish_table(dsdt);
}

static void acpi_build_madt(void *mem, const struct acpi_layout *l,
			    const struct acpi_config *cfg, u32 lapic_addr,
			    u32 ioapic_addr)
{
	struct acpi_madt *madt = mem;
	u8 *p = (u8 *)mem + sizeof(*madt);
	struct acpi_madt_io_apic *io;
	struct acpi_madt_interrupt_override *iso;
	struct acpi_madt_local_apic_nmi *nmi;
	unsigned int i;

	acpi_fill_header(&madt->header, ACPI_SIG_MADT, l->madt_len,
			 ACPI_MADT_REVISION);
	madt->lapic_address = lapic_addr;
	/* The 8259 pair exists as well; the OS must mask it before using
	 * the I/O APIC. */
	madt->flags = ACPI_MADT_PCAT_COMPAT;

	for (i = 0; i < cfg->nr_cpus; i++) {
		struct acpi_madt_local_apic *lapic = (void *)p;

		lapic->header.type = ACPI_MADT_TYPE_LOCAL_APIC;
		lapic->header.length = sizeof(*lapic);
		lapic->processor_id = (u8)i;
		lapic->id = (u8)i;
		lapic->lapic_flags = ACPI_MADT_ENABLED;
		p += sizeof(*lapic);
	}

	/* The I/O APIC takes the first ID after the CPUs' (as an MP-table
	 * BIOS assigns it) and serves GSIs 0-23. */
	io = (void *)p;
	io->header.type = ACPI_MADT_TYPE_IO_APIC;
	io->header.length = sizeof(*io);
	io->id = (u8)cfg->nr_cpus;
	io->address = ioapic_addr;
	io->global_irq_base = 0;
	p += sizeof(*io);

	/*
	 * ISA IRQs map 1:1 to GSIs except: the PIT's IRQ0 is wired to pin 2
	 * (edge, active high like the ISA bus), and the SCI on IRQ9 is a
	 * level-triggered, active-high line.  QEMU's pc adds the same two,
	 * plus IRQs 5, 10 and 11 for PCI INTx links we do not have.
	 */
	iso = (void *)p;
	iso->header.type = ACPI_MADT_TYPE_INTERRUPT_OVERRIDE;
	iso->header.length = sizeof(*iso);
	iso->bus = ACPI_MADT_BUS_ISA;
	iso->source_irq = ACPI_ISA_TIMER_IRQ;
	iso->global_irq = ACPI_ISA_TIMER_GSI;
	iso->inti_flags = ACPI_MADT_POLARITY_CONFORMS |
			  ACPI_MADT_TRIGGER_CONFORMS;
	p += sizeof(*iso);

	iso = (void *)p;
	iso->header.type = ACPI_MADT_TYPE_INTERRUPT_OVERRIDE;
	iso->header.length = sizeof(*iso);
	iso->bus = ACPI_MADT_BUS_ISA;
	iso->source_irq = ACPI_SCI_IRQ;
	iso->global_irq = ACPI_SCI_IRQ;
	iso->inti_flags = ACPI_MADT_POLARITY_ACTIVE_HIGH |
			  ACPI_MADT_TRIGGER_LEVEL;
	p += sizeof(*iso);

	/* NMI arrives on LINT1 of every local APIC (the PC's wiring). */
	nmi = (void *)p;
	nmi->header.type = ACPI_MADT_TYPE_LOCAL_APIC_NMI;
	nmi->header.length = sizeof(*nmi);
	nmi->processor_id = ACPI_MADT_ALL_PROCESSORS;
	nmi->inti_flags = ACPI_MADT_POLARITY_CONFORMS |
			  ACPI_MADT_TRIGGER_CONFORMS;
	nmi->lint = ACPI_LINT1;

	acpi_finish_table(&madt->header);
}

int acpi_build_tables(void *mem, u64 mem_gpa, u64 len,
		      const struct acpi_config *cfg, u64 *rsdp_gpa)
{
	struct acpi_layout l;
	u64 lapic, ioapic;
	u8 *base = mem;

	if (!mem || !cfg || !rsdp_gpa)
		return -EINVAL;
	if (cfg->nr_cpus < 1 || cfg->nr_cpus > ACPI_MAX_CPUS)
		return -EINVAL;
	lapic = cfg->lapic_addr ? cfg->lapic_addr : ACPI_DEFAULT_LAPIC_ADDR;
	ioapic = cfg->ioapic_addr ? cfg->ioapic_addr : ACPI_DEFAULT_IOAPIC_ADDR;
	if (lapic >= ACPI_ADDR_LIMIT || ioapic >= ACPI_ADDR_LIMIT)
		return -EINVAL;
	/* Plan below 4 GiB only, so the sums below cannot wrap. */
	if (mem_gpa >= ACPI_ADDR_LIMIT)
		return -ERANGE;

	acpi_plan(mem_gpa, cfg->nr_cpus, &l);
	if (l.end - mem_gpa > len)
		return -ENOSPC;
	if (l.end > ACPI_ADDR_LIMIT)
		return -ERANGE;

	/* Padding between the tables reads as zero. */
	memset(base + (l.rsdp - mem_gpa), 0, l.end - l.rsdp);
	acpi_build_facs((void *)(base + (l.facs - mem_gpa)));
	acpi_build_dsdt((void *)(base + (l.dsdt - mem_gpa)));
	acpi_build_fadt((void *)(base + (l.fadt - mem_gpa)), &l, cfg);
	acpi_build_madt(base + (l.madt - mem_gpa), &l, cfg, (u32)lapic,
			(u32)ioapic);
	acpi_build_root(base + (l.rsdt - mem_gpa), base + (l.xsdt - mem_gpa),
			&l);
	acpi_build_rsdp((void *)(base + (l.rsdp - mem_gpa)), &l);
	*rsdp_gpa = l.rsdp;
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Static ACPI tables for the PC platform, built once into guest memory before
 * the guest starts, the way a PC BIOS leaves them for the OS.  Layouts follow
 * the ACPI Specification 6.x, chapter "ACPI Software Programming Model":
 * "Root System Description Pointer (RSDP)", "System Description Table
 * Header", "Root System Description Table (RSDT)", "Extended System
 * Description Table (XSDT)", "Fixed ACPI Description Table (FADT)",
 * "Firmware ACPI Control Structure (FACS)", "Differentiated System
 * Description Table (DSDT)" and "Multiple APIC Description Table (MADT)".
 *
 * The set is what a QEMU `pc` guest without PCI devices needs: the PM timer
 * and PM1 blocks (dev/pm_timer.h), the 0xcf9 reset register, and the MADT
 * describing the local APICs, one I/O APIC and the ISA interrupt overrides.
 * The DSDT is an empty header: there is no AML namespace (so no _S5 object
 * and no ACPI power-off; the shutdown ports serve that).
 */
#ifndef TVX_DEV_ACPI_H
#define TVX_DEV_ACPI_H

#include "tvx/types.h"

#define ACPI_NAME_SIZE		4
#define ACPI_OEM_ID_SIZE	6
#define ACPI_OEM_TABLE_ID_SIZE	8

#define ACPI_SIG_RSDP		"RSD PTR "
#define ACPI_SIG_RSDT		"RSDT"
#define ACPI_SIG_XSDT		"XSDT"
#define ACPI_SIG_FADT		"FACP"
#define ACPI_SIG_FACS		"FACS"
#define ACPI_SIG_DSDT		"DSDT"
#define ACPI_SIG_MADT		"APIC"

#define ACPI_OEM_ID		"TINYVX"
#define ACPI_OEM_TABLE_ID	"TINYVMX "
#define ACPI_OEM_REVISION	1
#define ACPI_CREATOR_ID		"TVX "
#define ACPI_CREATOR_REVISION	1

/* Alignment rules: the RSDP is found by scanning 16-byte boundaries of the
 * BIOS area ("Finding the RSDP on IA-PC Systems"); the FACS must be 64-byte
 * aligned (FACS, "Firmware ACPI Control Structure"). */
#define ACPI_RSDP_ALIGN		16
#define ACPI_FACS_ALIGN		64
#define ACPI_TABLE_ALIGN	8
#define ACPI_RSDP_SCAN_START	0xe0000
#define ACPI_RSDP_SCAN_END	0x100000	/* exclusive */

/* Defaults used when acpi_config leaves an address 0. */
#define ACPI_DEFAULT_LAPIC_ADDR		0xfee00000ull
#define ACPI_DEFAULT_IOAPIC_ADDR	0xfec00000ull

/* "System Description Table Header". */
struct acpi_table_header {
	char signature[ACPI_NAME_SIZE];
	u32 length;		/* whole table, header included */
	u8 revision;
	u8 checksum;		/* whole table sums to 0 */
	char oem_id[ACPI_OEM_ID_SIZE];
	char oem_table_id[ACPI_OEM_TABLE_ID_SIZE];
	u32 oem_revision;
	char asl_compiler_id[ACPI_NAME_SIZE];
	u32 asl_compiler_revision;
} __packed;
_Static_assert(sizeof(struct acpi_table_header) == 36, "ACPI header");

/* "Root System Description Pointer (RSDP) Structure", revision 2. */
#define ACPI_RSDP_REVISION	2
#define ACPI_RSDP_V1_LENGTH	20	/* bytes the first checksum covers */
struct acpi_rsdp {
	char signature[8];
	u8 checksum;		/* first 20 bytes sum to 0 */
	char oem_id[ACPI_OEM_ID_SIZE];
	u8 revision;
	u32 rsdt_address;
	u32 length;		/* whole structure (36) */
	u64 xsdt_address;
	u8 extended_checksum;	/* whole structure sums to 0 */
	u8 reserved[3];
} __packed;
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP");

#define ACPI_RSDT_REVISION	1
#define ACPI_XSDT_REVISION	1
/* RSDT and XSDT: the header followed by 32- / 64-bit table addresses. */
struct acpi_rsdt {
	struct acpi_table_header header;
	u32 entry[];
} __packed;

struct acpi_xsdt {
	struct acpi_table_header header;
	u64 entry[];
} __packed;

/* "Generic Address Structure (GAS)". */
struct acpi_generic_address {
	u8 space_id;
	u8 bit_width;
	u8 bit_offset;
	u8 access_width;
	u64 address;
} __packed;
_Static_assert(sizeof(struct acpi_generic_address) == 12, "GAS");

#define ACPI_ADR_SPACE_SYSTEM_MEMORY	0
#define ACPI_ADR_SPACE_SYSTEM_IO	1
/* GAS access size field. */
#define ACPI_ACCESS_UNDEFINED	0
#define ACPI_ACCESS_BYTE	1
#define ACPI_ACCESS_WORD	2
#define ACPI_ACCESS_DWORD	3

/*
 * "Fixed ACPI Description Table (FADT)" up to X_GPE1_BLK: the revision 3
 * (ACPI 2.0) length of 244 bytes, the first with RESET_REG and the X_
 * fields; later revisions only append fields an OS reads when the length
 * says they are there.
 */
#define ACPI_FADT_REVISION	3
struct acpi_fadt {
	struct acpi_table_header header;
	u32 firmware_ctrl;	/* FACS, 32-bit */
	u32 dsdt;		/* DSDT, 32-bit */
	u8 reserved0;		/* INT_MODEL in ACPI 1.0 */
	u8 preferred_pm_profile;
	u16 sci_int;
	u32 smi_cmd;
	u8 acpi_enable;
	u8 acpi_disable;
	u8 s4bios_req;
	u8 pstate_cnt;
	u32 pm1a_evt_blk;
	u32 pm1b_evt_blk;
	u32 pm1a_cnt_blk;
	u32 pm1b_cnt_blk;
	u32 pm2_cnt_blk;
	u32 pm_tmr_blk;
	u32 gpe0_blk;
	u32 gpe1_blk;
	u8 pm1_evt_len;
	u8 pm1_cnt_len;
	u8 pm2_cnt_len;
	u8 pm_tmr_len;
	u8 gpe0_blk_len;
	u8 gpe1_blk_len;
	u8 gpe1_base;
	u8 cst_cnt;
	u16 p_lvl2_lat;
	u16 p_lvl3_lat;
	u16 flush_size;
	u16 flush_stride;
	u8 duty_offset;
	u8 duty_width;
	u8 day_alrm;
	u8 mon_alrm;
	u8 century;		/* CMOS index of the century byte */
	u16 iapc_boot_arch;
	u8 reserved1;
	u32 flags;
	struct acpi_generic_address reset_reg;
	u8 reset_value;
	u16 arm_boot_arch;	/* reserved before ACPI 5.1 */
	u8 minor_revision;	/* reserved before ACPI 5.1 */
	u64 x_firmware_ctrl;
	u64 x_dsdt;
	struct acpi_generic_address x_pm1a_evt_blk;
	struct acpi_generic_address x_pm1b_evt_blk;
	struct acpi_generic_address x_pm1a_cnt_blk;
	struct acpi_generic_address x_pm1b_cnt_blk;
	struct acpi_generic_address x_pm2_cnt_blk;
	struct acpi_generic_address x_pm_tmr_blk;
	struct acpi_generic_address x_gpe0_blk;
	struct acpi_generic_address x_gpe1_blk;
} __packed;
_Static_assert(sizeof(struct acpi_fadt) == 244, "FADT rev 3");
_Static_assert(offsetof(struct acpi_fadt, pm_tmr_blk) == 76, "FADT");
_Static_assert(offsetof(struct acpi_fadt, flags) == 112, "FADT");
_Static_assert(offsetof(struct acpi_fadt, reset_reg) == 116, "FADT");
_Static_assert(offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT");

/* FADT Preferred_PM_Profile. */
#define ACPI_PM_PROFILE_UNSPECIFIED	0

/* FADT Fixed Feature Flags. */
#define ACPI_FADT_WBINVD		BIT(0)
#define ACPI_FADT_WBINVD_FLUSH		BIT(1)
#define ACPI_FADT_PROC_C1		BIT(2)
#define ACPI_FADT_P_LVL2_UP		BIT(3)
#define ACPI_FADT_PWR_BUTTON		BIT(4)	/* 1: no fixed power button */
#define ACPI_FADT_SLP_BUTTON		BIT(5)	/* 1: no fixed sleep button */
#define ACPI_FADT_FIX_RTC		BIT(6)
#define ACPI_FADT_RTC_S4		BIT(7)
#define ACPI_FADT_TMR_VAL_EXT		BIT(8)	/* 1: 32-bit PM timer */
#define ACPI_FADT_DCK_CAP		BIT(9)
#define ACPI_FADT_RESET_REG_SUP		BIT(10)

/* FADT IA-PC Boot Architecture Flags. */
#define ACPI_FADT_LEGACY_DEVICES	BIT(0)	/* ISA devices present */
#define ACPI_FADT_8042			BIT(1)
#define ACPI_FADT_NO_VGA		BIT(2)
#define ACPI_FADT_NO_MSI		BIT(3)
#define ACPI_FADT_NO_ASPM		BIT(4)
#define ACPI_FADT_NO_CMOS_RTC		BIT(5)

/* "Firmware ACPI Control Structure (FACS)"; no checksum. */
#define ACPI_FACS_VERSION	2
struct acpi_facs {
	char signature[ACPI_NAME_SIZE];
	u32 length;
	u32 hardware_signature;
	u32 firmware_waking_vector;
	u32 global_lock;
	u32 flags;
	u64 x_firmware_waking_vector;
	u8 version;
	u8 reserved0[3];
	u32 ospm_flags;
	u8 reserved1[24];
} __packed;
_Static_assert(sizeof(struct acpi_facs) == 64, "FACS");

/* DSDT revision 2: AML integers are 64-bit (DSDT, "Revision" field). */
#define ACPI_DSDT_REVISION	2

/* "Multiple APIC Description Table (MADT)". */
#define ACPI_MADT_REVISION	1	/* as QEMU's pc machine */
#define ACPI_MADT_PCAT_COMPAT	BIT(0)	/* dual 8259s present too */
struct acpi_madt {
	struct acpi_table_header header;
	u32 lapic_address;
	u32 flags;
} __packed;
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT");

/* Interrupt Controller Structure types. */
#define ACPI_MADT_TYPE_LOCAL_APIC		0
#define ACPI_MADT_TYPE_IO_APIC			1
#define ACPI_MADT_TYPE_INTERRUPT_OVERRIDE	2
#define ACPI_MADT_TYPE_LOCAL_APIC_NMI		4

struct acpi_subtable_header {
	u8 type;
	u8 length;
} __packed;

/* "Processor Local APIC Structure". */
#define ACPI_MADT_ENABLED	BIT(0)
struct acpi_madt_local_apic {
	struct acpi_subtable_header header;
	u8 processor_id;	/* ACPI Processor UID */
	u8 id;			/* local APIC ID */
	u32 lapic_flags;
} __packed;
_Static_assert(sizeof(struct acpi_madt_local_apic) == 8, "MADT LAPIC");

/* "I/O APIC Structure". */
struct acpi_madt_io_apic {
	struct acpi_subtable_header header;
	u8 id;
	u8 reserved;
	u32 address;
	u32 global_irq_base;
} __packed;
_Static_assert(sizeof(struct acpi_madt_io_apic) == 12, "MADT IOAPIC");

/* "Interrupt Source Override Structure"; MPS INTI flags. */
#define ACPI_MADT_BUS_ISA		0
#define ACPI_MADT_POLARITY_CONFORMS	0
#define ACPI_MADT_POLARITY_ACTIVE_HIGH	1
#define ACPI_MADT_POLARITY_ACTIVE_LOW	3
#define ACPI_MADT_TRIGGER_SHIFT		2
#define ACPI_MADT_TRIGGER_CONFORMS	(0 << ACPI_MADT_TRIGGER_SHIFT)
#define ACPI_MADT_TRIGGER_EDGE		(1 << ACPI_MADT_TRIGGER_SHIFT)
#define ACPI_MADT_TRIGGER_LEVEL		(3 << ACPI_MADT_TRIGGER_SHIFT)
struct acpi_madt_interrupt_override {
	struct acpi_subtable_header header;
	u8 bus;
	u8 source_irq;
	u32 global_irq;
	u16 inti_flags;
} __packed;
_Static_assert(sizeof(struct acpi_madt_interrupt_override) == 10,
	       "MADT ISO");

/* "Local APIC NMI Structure". */
#define ACPI_MADT_ALL_PROCESSORS	0xff
#define ACPI_LINT1			1
struct acpi_madt_local_apic_nmi {
	struct acpi_subtable_header header;
	u8 processor_id;
	u16 inti_flags;
	u8 lint;
} __packed;
_Static_assert(sizeof(struct acpi_madt_local_apic_nmi) == 6, "MADT NMI");

/* The PC's SCI line and ISA IRQ routing (as QEMU's pc machine). */
#define ACPI_SCI_IRQ		9
#define ACPI_ISA_TIMER_IRQ	0
#define ACPI_ISA_TIMER_GSI	2	/* PIT wired to I/O APIC pin 2 */

/* Reset register: the PC's Reset Control Register at port 0xcf9;
 * 0x06 = full reset (bit 2 RST_CPU, bit 1 SYS_RST). */
#define ACPI_RESET_PORT		0xcf9
#define ACPI_RESET_VALUE	0x06

/* Layout of the PM register block at acpi_config.pm_base (dev/pm_timer.h
 * implements it; QEMU pc: base 0x600). */
#define ACPI_PM1_EVT_OFFSET	0
#define ACPI_PM1_EVT_LEN	4	/* PM1_STS + PM1_EN */
#define ACPI_PM1_CNT_OFFSET	4
#define ACPI_PM1_CNT_LEN	2
#define ACPI_PM_TMR_OFFSET	8
#define ACPI_PM_TMR_LEN		4
#define ACPI_PM_BLOCK_LEN	(ACPI_PM_TMR_OFFSET + ACPI_PM_TMR_LEN)

/* CMOS index of the century byte (dev/rtc_cmos.h). */
#define ACPI_CMOS_CENTURY	0x32

/*
 * Largest CPU count: APIC IDs 0 … nr_cpus - 1 and the I/O APIC's ID nr_cpus
 * must be 8-bit and not the broadcast ID 0xff.
 */
#define ACPI_MAX_CPUS		254

struct acpi_config {
	unsigned nr_cpus;	/* 1 … ACPI_MAX_CPUS; APIC ID = vCPU index */
	u16 pm_base;		/* PM1a_EVT_BLK; PM timer at pm_base + 8 */
	u64 ioapic_addr;	/* 0: ACPI_DEFAULT_IOAPIC_ADDR */
	u64 lapic_addr;		/* 0: ACPI_DEFAULT_LAPIC_ADDR */
};

/*
 * 8-bit sum of @len bytes at @p.  A table (or the RSDP's first 20 bytes) is
 * valid when this is 0; the builder stores the byte that makes it so.
 */
u8 acpi_checksum(const void *p, size_t len);

/*
 * Build RSDP, RSDT, XSDT, FADT, FACS, DSDT and MADT into @mem, the host view
 * of guest-physical [@mem_gpa, @mem_gpa + @len).  The RSDP comes first, at
 * the first 16-byte aligned guest address in the window, so a scan of
 * 0xe0000-0xfffff finds it when the window is there; *@rsdp_gpa receives its
 * address (e.g. for a multiboot2 ACPI tag).  Bytes of the window after the
 * tables are left untouched.
 *
 * Returns 0; -ENOSPC if the tables do not fit; -EINVAL for a NULL pointer, a
 * CPU count outside 1 … ACPI_MAX_CPUS or an APIC address above 4 GiB;
 * -ERANGE if the window reaches past 4 GiB (RSDT and 32-bit FADT pointers).
 */
int acpi_build_tables(void *mem, u64 mem_gpa, u64 len,
		      const struct acpi_config *cfg, u64 *rsdp_gpa);

#endif

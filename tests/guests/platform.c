/* SPDX-License-Identifier: MIT */
/*
 * platform: what a test kernel written for QEMU's pc machine reads at
 * boot.  fw_cfg (signature, RAM size = -m, CPU count), the ACPI tables
 * found by scanning 0xE0000-0xFFFFF (checksums, FADT PM timer and reset
 * register, MADT with one LAPIC and the IOAPIC), the PM timer's rate
 * against the TSC rate from CPUID 0x40000010, CMOS memory size, PCI
 * config space with no devices, pc-testdev's latch at 0xe0 (plain and
 * string I/O), and the multiboot modules (-initrd / --module).
 * Arguments: expect_mib=N, and expect_mod=STRING when a module is given.
 */
#include "guest.h"

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_RAM_SIZE 0x03
#define FW_CFG_NB_CPUS 0x05
#define FW_CFG_UNKNOWN 0x7777

#define BIOS_START 0xe0000u
#define BIOS_END 0x100000u
#define RSDP_ALIGN 16
#define FADT_PM_TMR_BLK 76		/* ACPI spec: offsets in the FADT */
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define MADT_ENTRIES 44
#define MADT_TYPE_LAPIC 0
#define MADT_TYPE_IOAPIC 1

#define PM_TIMER_HZ 3579545ull
#define PM_TIMER_MASK 0xffffffu

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_EXT_MEM_64K_LO 0x34	/* RAM above 16 MiB, 64 KiB units */
#define CMOS_EXT_MEM_64K_HI 0x35

#define PCI_ADDR 0xcf8
#define PCI_DATA 0xcfc
#define TESTDEV_PORT 0xe0

struct acpi_header {
	char sig[4];
	u32 length;
	u8 revision, checksum;
	char oem_id[6], oem_table_id[8];
	u32 oem_revision, creator_id, creator_revision;
} __attribute__((packed));

static u8 sum(const void *p, u32 n)
{
	const u8 *b = p;
	u8 s = 0;

	while (n--)
		s += *b++;
	return s;
}

static u64 fw_cfg_read(u16 key, unsigned bytes)
{
	u64 v = 0;

	outw(FW_CFG_PORT_SEL, key);
	for (unsigned i = 0; i < bytes; i++)
		v |= (u64)inb(FW_CFG_PORT_DATA) << (8 * i);
	return v;
}

static void check_fw_cfg(u32 expect_mib)
{
	char sig[5] = { 0 };
	u64 ram;

	outw(FW_CFG_PORT_SEL, FW_CFG_SIGNATURE);
	for (int i = 0; i < 4; i++)
		sig[i] = inb(FW_CFG_PORT_DATA);
	report(!strcmp(sig, "QEMU"), "fw_cfg signature \"%s\"", sig);
	ram = fw_cfg_read(FW_CFG_RAM_SIZE, 8);
	report(ram == (u64)expect_mib << 20, "fw_cfg RAM size %llu MiB (expected %u)",
	       ram >> 20, expect_mib);
	report(fw_cfg_read(FW_CFG_NB_CPUS, 2) == 1, "fw_cfg CPU count 1");
	report(fw_cfg_read(FW_CFG_UNKNOWN, 4) == 0, "unknown fw_cfg item reads 0");
}

static const struct acpi_header *find_table(const struct acpi_header *rsdt,
					    const char *sig)
{
	const u32 *entry = (const u32 *)(rsdt + 1);
	u32 n = (rsdt->length - sizeof(*rsdt)) / 4;

	for (u32 i = 0; i < n; i++) {
		const struct acpi_header *t = (const void *)entry[i];

		if (!memcmp(t->sig, sig, 4))
			return t;
	}
	return 0;
}

static u16 pm_timer_port;

static void check_acpi(void)
{
	const u8 *rsdp = 0;
	const struct acpi_header *rsdt, *fadt, *madt;
	const u8 *p, *end;
	int lapics = 0, ioapics = 0;
	u32 ioapic_addr = 0;

	for (u32 a = BIOS_START; a < BIOS_END; a += RSDP_ALIGN)
		if (!memcmp((const void *)a, "RSD PTR ", 8)) {
			rsdp = (const u8 *)a;
			break;
		}
	report(rsdp != 0, "RSDP found at %#x", (u32)rsdp);
	if (!rsdp)
		return;
	report(sum(rsdp, 20) == 0, "RSDP checksum");
	report(rsdp[15] < 2 || sum(rsdp, *(const u32 *)(rsdp + 20)) == 0,
	       "RSDP extended checksum (revision %u)", rsdp[15]);
	rsdt = (const void *)*(const u32 *)(rsdp + 16);
	report(!memcmp(rsdt->sig, "RSDT", 4) && sum(rsdt, rsdt->length) == 0,
	       "RSDT at %#x, checksum", (u32)rsdt);
	fadt = find_table(rsdt, "FACP");
	madt = find_table(rsdt, "APIC");
	report(fadt && sum(fadt, fadt->length) == 0, "FADT present, checksum");
	report(madt && sum(madt, madt->length) == 0, "MADT present, checksum");
	if (fadt) {
		const u8 *f = (const u8 *)fadt;

		pm_timer_port = *(const u32 *)(f + FADT_PM_TMR_BLK);
		report(pm_timer_port == 0x608, "FADT PM_TMR_BLK %#x", pm_timer_port);
		report(f[FADT_RESET_REG] == 1 && *(const u32 *)(f + FADT_RESET_REG + 4) == 0xcf9 &&
		       f[FADT_RESET_VALUE] == 6, "FADT reset register: I/O 0xcf9, value 6");
	}
	if (!madt)
		return;
	end = (const u8 *)madt + madt->length;
	for (p = (const u8 *)madt + MADT_ENTRIES; p < end && p[1]; p += p[1]) {
		if (p[0] == MADT_TYPE_LAPIC)
			lapics++;
		if (p[0] == MADT_TYPE_IOAPIC) {
			ioapics++;
			ioapic_addr = *(const u32 *)(p + 4);
		}
	}
	report(lapics == 1, "MADT: %d processor local APIC", lapics);
	report(ioapics == 1 && ioapic_addr == 0xfec00000,
	       "MADT: %d IOAPIC at %#x", ioapics, ioapic_addr);
}

/* Ticks of the PM timer over @tsc_ticks of TSC, across 24-bit wraps. */
static void check_pm_timer(void)
{
	u32 a, b, c, d, khz, prev, now, pm = 0, high = 0;
	u64 t0, t1, expect;

	cpuid(0x40000010, 0, &a, &b, &c, &d);
	khz = a;
	report(khz != 0, "CPUID 0x40000010: TSC %u kHz, APIC timer %u kHz", a, b);
	if (!khz || !pm_timer_port)
		return;
	prev = inl(pm_timer_port) & PM_TIMER_MASK;
	t0 = rdtsc();
	for (int i = 0; i < 2000; i++) {
		now = inl(pm_timer_port);
		high |= now & ~PM_TIMER_MASK;
		pm += (now - prev) & PM_TIMER_MASK;
		prev = now;
	}
	t1 = rdtsc();
	report(!high, "PM timer is 24 bits wide");
	/* pm / (t1 - t0) == 3579545 / (khz * 1000), within the 1-tick
	 * granularity of the two reads */
	expect = div64((t1 - t0) * PM_TIMER_HZ, (u64)khz * 1000);
	report(pm + 2 >= expect && pm <= expect + 2,
	       "PM timer advanced %u ticks over %llu TSC ticks (expected %llu)",
	       pm, t1 - t0, expect);
}

static u8 cmos_read(u8 index)
{
	outb(CMOS_INDEX, index);
	return inb(CMOS_DATA);
}

static void check_cmos_pci_testdev(u32 expect_mib)
{
	u32 ext = cmos_read(CMOS_EXT_MEM_64K_LO) | (cmos_read(CMOS_EXT_MEM_64K_HI) << 8);
	u8 buf[4] = { 1, 2, 3, 4 }, back[4] = { 0 };
	u8 *src = buf, *dst = back;
	u32 v, n;

	report(ext == (expect_mib > 16 ? (expect_mib - 16) * 16 : 0),
	       "CMOS: %u x 64 KiB above 16 MiB", ext);
	outl(PCI_ADDR, 0x80000000);
	report(inl(PCI_ADDR) == 0x80000000, "PCI CONFIG_ADDRESS reads back");
	report(inl(PCI_DATA) == 0xffffffff, "PCI bus 0 device 0: no device (all ones)");

	outl(TESTDEV_PORT, 0x12345678);
	report(inl(TESTDEV_PORT) == 0x12345678, "pc-testdev latch at 0xe0");
	n = 4;
	asm volatile("cld; rep outsb" : "+S"(src), "+c"(n) : "d"(TESTDEV_PORT) : "memory");
	v = inl(TESTDEV_PORT);
	report(v == 0x12345604, "rep outsb: byte writes replace the low byte, last one stays (%#x)", v);
	outl(TESTDEV_PORT, 0xa1b2c3d4);
	n = 4;
	asm volatile("cld; rep insb" : "+D"(dst), "+c"(n) : "d"(TESTDEV_PORT) : "memory");
	report(back[0] == 0xd4 && back[3] == 0xd4, "rep insb reads the latch's low byte (%#x)",
	       back[0]);
}

static void check_modules(const struct multiboot_info *mbi, const char *cmdline)
{
	const char *want = strstr(cmdline, "expect_mod=");
	const struct multiboot_mod *m;

	if (!want)
		return;
	want += strlen("expect_mod=");
	report((mbi->flags & MB_INFO_MODS_FLAG) && mbi->mods_count == 1,
	       "one multiboot module (%u)", mbi->mods_count);
	if (!(mbi->flags & MB_INFO_MODS_FLAG) || !mbi->mods_count)
		return;
	m = (const void *)mbi->mods_addr;
	report(m->mod_start >= 0x100000 && !(m->mod_start & 0xfff) && m->mod_end > m->mod_start,
	       "module at %#x-%#x, page-aligned", m->mod_start, m->mod_end);
	report(!memcmp((const void *)m->mod_start, "tinyvmx module\n", 15),
	       "module contents");
	report(!strncmp((const char *)m->cmdline, want, strlen((const char *)m->cmdline)) &&
	       strlen((const char *)m->cmdline) > 0,
	       "module string \"%s\"", (const char *)m->cmdline);
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	const char *cmdline = guest_cmdline(mbi);
	u32 mib = guest_arg_u32(mbi, "expect_mib=", 128);

	printf("platform: expecting %u MiB\n", mib);
	check_fw_cfg(mib);
	check_acpi();
	check_pm_timer();
	check_cmos_pci_testdev(mib);
	check_modules(mbi, cmdline);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * The PC the guest sees behind the exit record, modelled on what QEMU's
 * `pc` machine gives a `-kernel` guest:
 *
 *   ports  0x20/0xa0, 0x4d0  8259 pair and ELCR         dev/pic8259.c
 *          0x70              RTC/CMOS                   dev/rtc_cmos.c
 *          0xe0-0xe8, 0x2000 pc-testdev                 dev/pc_testdev.c
 *          0xf4              isa-debug-exit             dev/debug_exit.c
 *          0x3f8             COM1 16550A                dev/uart16550.c
 *          0x510             fw_cfg (legacy I/O)        dev/fw_cfg.c
 *          0x600             ACPI PM block and timer    dev/pm_timer.c
 *          0xcf8/0xcfc       PCI host bridge, no devices dev/pci_host.c
 *          0xcf9             reset control (FADT reset register)
 *          0x8900            Bochs "Shutdown" port      dev/shutdown_port.c
 *   MMIO   0xfec00000        IOAPIC                     dev/ioapic.c
 *          0xff000000        pc-testdev memory          dev/pc_testdev.c
 *
 * and the ACPI tables in the BIOS area (acpi_build_tables()).  The local
 * APICs are not here: like KVM's split irqchip they live in the hypervisor
 * (virt/irqchip.c), and the IOAPIC and the PIC reach them through the
 * callbacks in struct pc_config.
 *
 * ISA IRQ lines (from pc-testdev) go to both the PIC and the IOAPIC, with
 * IRQ 0 on IOAPIC pin 2 as the MADT's interrupt source override says.
 */
#ifndef TVX_DEV_PC_H
#define TVX_DEV_PC_H

#include "dev/apic_irq.h"
#include "dev/bus.h"
#include "dev/debug_exit.h"
#include "dev/fw_cfg.h"
#include "dev/ioapic.h"
#include "dev/machine_event.h"
#include "dev/pc_testdev.h"
#include "dev/pci_host.h"
#include "dev/pic8259.h"
#include "dev/pm_timer.h"
#include "dev/rtc_cmos.h"
#include "dev/shutdown_port.h"
#include "dev/uart16550.h"

/* QEMU pc's ACPI PM I/O base (PIIX4 PMBA as SeaBIOS programs it). */
#define PC_PM_BASE		0x600
/* Reset control register (FADT RESET_REG), PIIX3 "RC": bit 2 resets. */
#define PC_RESET_CONTROL_PORT	0xcf9
#define PC_RESET_CONTROL_RST_CPU BIT(2)
/* The ACPI tables go here: reserved in the memory map, inside the
 * 0xE0000-0xFFFFF range a guest scans for the RSDP. */
#define PC_ACPI_BASE		0xf0000
#define PC_ACPI_SIZE		0x10000

struct pc_config {
	u64 ram_size;
	unsigned nr_cpus;
	u64 tsc_hz;			/* guest TSC rate */
	void (*console_tx)(void *ctx, u8 byte);
	u64 (*read_tsc)(void *ctx);	/* guest TSC now */
	/* IOAPIC redirection entry -> local APICs; returns how many took it */
	int (*deliver)(void *ctx, const struct kvm_lapic_irq *irq);
	/* the PIC's INTR output changed */
	void (*pic_intr)(void *ctx, bool level);
	void *ctx;			/* for every callback above */
};

/* The x86 port space: 0-0xffff (SDM Vol. 1, "I/O Port Addressing"). */
#define PC_NR_PORTS		0x10000

struct pc_machine {
	struct io_bus pio;	/* port space; unassigned counts in pio.stats */
	u8 pio_map[PC_NR_PORTS];	/* pio's direct map */
	struct io_bus mmio;	/* guest-physical MMIO; counts in mmio.stats */
	struct uart16550 com1;
	struct debug_exit debug_exit;
	struct shutdown_port shutdown;
	struct kvm_pic pic;
	struct kvm_ioapic ioapic;
	struct fw_cfg fw_cfg;
	struct rtc_cmos rtc;
	struct pci_host pci;
	struct pc_testdev testdev;
	struct pc_testdev_iomem testdev_iomem;
	struct pm_timer pm;
	struct machine_event ev;
};

/* Assemble the machine. */
void pc_machine_init(struct pc_machine *pc, const struct pc_config *cfg);

/* Drive ISA IRQ line @irq (0-15, or 16-23 IOAPIC-only) to @level. */
void pc_set_irq(struct pc_machine *pc, int irq, int level);

/*
 * Write the ACPI tables into the guest's BIOS area, @bios_area being the
 * host address of guest-physical PC_ACPI_BASE (PC_ACPI_SIZE bytes).
 * Returns 0 or acpi_build_tables()'s error.
 */
int pc_build_acpi(struct pc_machine *pc, void *bios_area, unsigned nr_cpus);

/*
 * Port I/O of @size 1, 2 or 4 bytes.  On a read *val receives the value
 * (all-ones of @size if unassigned); on a write the low @size bytes of *val
 * are written.  Returns 0, IO_BUS_UNASSIGNED or -EINVAL as io_bus_read/write.
 * Inline: every port exit of the guest comes through here.
 */
static __always_inline int pc_pio(struct pc_machine *pc, u16 port,
				  unsigned size, bool is_write, u32 *val)
{
	u64 v;
	int ret;

	/* IN/OUT move at most a doubleword (SDM Vol. 1, I/O Instructions). */
	if (unlikely(size > sizeof(u32)))
		return -EINVAL;
	if (is_write)
		return io_bus_write(&pc->pio, port, size, *val);
	ret = io_bus_read(&pc->pio, port, size, &v);
	if (ret >= 0)
		*val = (u32)v;
	return ret;
}

/* MMIO of @size 1, 2, 4 or 8 bytes at guest-physical @gpa; as pc_pio(). */
int pc_mmio(struct pc_machine *pc, u64 gpa, unsigned size, bool is_write,
	    u64 *val);

#endif

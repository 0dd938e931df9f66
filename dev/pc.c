/* SPDX-License-Identifier: MIT */
/* The PC: wiring of the devices onto the buses and the IRQ lines. */
#include <string.h>

#include "dev/acpi.h"
#include "dev/pc.h"

/* The PIIX3 reset control register: only the reset request matters. */
static void reset_control_write(void *opaque, u64 offset, unsigned size,
				u64 value)
{
	struct pc_machine *pc = opaque;

	if (value & PC_RESET_CONTROL_RST_CPU)
		machine_event_request(&pc->ev, MACHINE_RESET, (u32)value,
				      "port 0xcf9");
}

static u64 reset_control_read(void *opaque, u64 offset, unsigned size)
{
	return 0;
}

static const struct io_device_ops reset_control_ops = {
	.read = reset_control_read,
	.write = reset_control_write,
};

static void testdev_set_irq(void *ctx, int irq, int level)
{
	pc_set_irq(ctx, irq, level);
}

/*
 * ISA IRQ n reaches PIC input n (0-15) and IOAPIC pin n, except IRQ 0 on
 * pin 2 (the MADT's interrupt source override, as on every PC with an
 * IOAPIC).  Lines 16-23 exist only on the IOAPIC.
 */
void pc_set_irq(struct pc_machine *pc, int irq, int level)
{
	if (irq < 0 || irq >= IOAPIC_NUM_PINS)
		return;
	if (irq < 16)
		kvm_pic_set_irq(&pc->pic, irq, level);
	kvm_ioapic_set_irq(&pc->ioapic, irq == 0 ? 2 : irq, level);
}

void pc_machine_init(struct pc_machine *pc, const struct pc_config *cfg)
{
	io_bus_init(&pc->pio, "pio");
	io_bus_set_direct_map(&pc->pio, pc->pio_map, PC_NR_PORTS);
	io_bus_init(&pc->mmio, "mmio");
	machine_event_init(&pc->ev);

	uart16550_init(&pc->com1, cfg->console_tx, cfg->ctx);
	debug_exit_init(&pc->debug_exit, &pc->ev);
	shutdown_port_init(&pc->shutdown, &pc->ev);
	pic_init(&pc->pic, cfg->pic_intr, cfg->ctx);
	ioapic_init(&pc->ioapic, cfg->deliver, cfg->ctx);
	/* the MADT gives the IOAPIC the ID after the CPUs' */
	pc->ioapic.id = cfg->nr_cpus;
	fw_cfg_init(&pc->fw_cfg, cfg->ram_size, cfg->nr_cpus);
	rtc_cmos_init(&pc->rtc, cfg->ram_size);
	pci_host_init(&pc->pci);
	pc_testdev_init(&pc->testdev, testdev_set_irq, pc);
	pc_testdev_iomem_init(&pc->testdev_iomem);
	pm_timer_init(&pc->pm, cfg->read_tsc, cfg->ctx, cfg->tsc_hz);

	/*
	 * Fixed, disjoint ranges on empty buses: registration cannot fail,
	 * and the unit tests exercise every device through the bus.
	 */
	(void)io_bus_register(&pc->pio, PIC_MASTER_BASE, PIC_NR_PORTS,
			      &pic_master_ops, &pc->pic, "pic-master");
	(void)io_bus_register(&pc->pio, PIC_SLAVE_BASE, PIC_NR_PORTS,
			      &pic_slave_ops, &pc->pic, "pic-slave");
	(void)io_bus_register(&pc->pio, PIC_ELCR_BASE, PIC_ELCR_NR_PORTS,
			      &pic_elcr_ops, &pc->pic, "elcr");
	(void)io_bus_register(&pc->pio, RTC_CMOS_IO_BASE, RTC_CMOS_IO_LEN,
			      &rtc_cmos_ops, &pc->rtc, "rtc-cmos");
	(void)pc_testdev_register(&pc->testdev, &pc->pio);
	(void)io_bus_register(&pc->pio, DEBUG_EXIT_PORT, DEBUG_EXIT_LEN,
			      &debug_exit_ops, &pc->debug_exit,
			      "isa-debug-exit");
	(void)io_bus_register(&pc->pio, COM1_BASE, UART16550_NR_PORTS,
			      &uart16550_ops, &pc->com1, "com1");
	(void)io_bus_register(&pc->pio, FW_CFG_IO_BASE, FW_CFG_IO_LEN,
			      &fw_cfg_io_ops, &pc->fw_cfg, "fw_cfg");
	(void)io_bus_register(&pc->pio, PC_PM_BASE, PM_IO_LEN, &pm_timer_ops,
			      &pc->pm, "acpi-pm");
	(void)io_bus_register(&pc->pio, PCI_CONFIG_ADDRESS_PORT,
			      PCI_CONFIG_ADDRESS_LEN, &pci_host_address_ops,
			      &pc->pci, "pci-address");
	(void)io_bus_register(&pc->pio, PC_RESET_CONTROL_PORT, 1,
			      &reset_control_ops, pc, "reset-control");
	(void)io_bus_register(&pc->pio, PCI_CONFIG_DATA_PORT,
			      PCI_CONFIG_DATA_LEN, &pci_host_data_ops, &pc->pci,
			      "pci-data");
	(void)io_bus_register(&pc->pio, SHUTDOWN_PORT, SHUTDOWN_PORT_LEN,
			      &shutdown_port_ops, &pc->shutdown,
			      "shutdown-port");

	(void)io_bus_register(&pc->mmio, IOAPIC_DEFAULT_BASE_ADDRESS,
			      IOAPIC_MEM_LENGTH, &ioapic_mmio_ops, &pc->ioapic,
			      "ioapic");
	(void)io_bus_register(&pc->mmio, PC_TESTDEV_IOMEM, PC_TESTDEV_IOMEM_LEN,
			      &pc_testdev_iomem_ops, &pc->testdev_iomem,
			      "pc-testdev-iomem");
}

int pc_build_acpi(struct pc_machine *pc, void *bios_area, unsigned nr_cpus)
{
	const struct acpi_config cfg = {
		.nr_cpus = nr_cpus,
		.pm_base = PC_PM_BASE,
		.ioapic_addr = IOAPIC_DEFAULT_BASE_ADDRESS,
	};
	u64 rsdp;

	return acpi_build_tables(bios_area, PC_ACPI_BASE, PC_ACPI_SIZE, &cfg,
				 &rsdp);
}

int pc_mmio(struct pc_machine *pc, u64 gpa, unsigned size, bool is_write,
	    u64 *val)
{
	if (is_write)
		return io_bus_write(&pc->mmio, gpa, size, *val);
	return io_bus_read(&pc->mmio, gpa, size, val);
}

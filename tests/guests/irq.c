/* SPDX-License-Identifier: MIT */
/*
 * irq: ISA interrupts raised with QEMU's pc-testdev (a write of 1/0 to
 * port 0x2000 + n drives IRQ line n) reach the CPU through the 8259 pair
 * (LINT0 in ExtINT mode, as firmware leaves it) and, with the PICs masked,
 * through the IOAPIC at the vector its redirection entry programs: edge
 * once per edge, level with remote IRR held until the local APIC's EOI
 * and the interrupt raised again while the line stays high.
 */
#include "guest.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI 0x20
#define PIC1_BASE 0x20
#define PIC2_BASE 0x28
#define TESTDEV_IRQ(n) (0x2000 + (n))

#define IOAPIC_BASE 0xfec00000u
#define IOAPIC_REGSEL 0x00
#define IOAPIC_WIN 0x10
#define IOAPIC_VER 0x01
#define IOAPIC_REDTBL(pin) (0x10 + 2 * (pin))
#define IOAPIC_REMOTE_IRR (1u << 14)
#define IOAPIC_LEVEL (1u << 15)
#define IOAPIC_MASKED (1u << 16)

#define LAPIC_EOI 0xfee000b0u
#define LAPIC_SVR 0xfee000f0u
#define LAPIC_SVR_ENABLE (1u << 8)

#define EDGE_PIN 5
#define EDGE_VECTOR 0x60
#define LEVEL_PIN 7
#define LEVEL_VECTOR 0x61

static u32 ioapic_read(u32 reg)
{
	mmio_write32(IOAPIC_BASE + IOAPIC_REGSEL, reg);
	return mmio_read32(IOAPIC_BASE + IOAPIC_WIN);
}

static void ioapic_write(u32 reg, u32 v)
{
	mmio_write32(IOAPIC_BASE + IOAPIC_REGSEL, reg);
	mmio_write32(IOAPIC_BASE + IOAPIC_WIN, v);
}

static void pic_eoi_handler(u8 vector)
{
	if (vector >= PIC2_BASE)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
}

static void pulse(int irq)
{
	outb(TESTDEV_IRQ(irq), 1);
	outb(TESTDEV_IRQ(irq), 0);
}

static void check_pic(void)
{
	/* ICW1-4 on both, as Linux does, then unmask IRQ 2 (cascade), 3, 10 */
	outb(PIC1_CMD, 0x11);
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, PIC1_BASE);
	outb(PIC2_DATA, PIC2_BASE);
	outb(PIC1_DATA, 1 << 2);
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 0x01);
	outb(PIC2_DATA, 0x01);
	outb(PIC1_DATA, (u8)~((1 << 2) | (1 << 3)));
	outb(PIC2_DATA, (u8)~(1 << (10 - 8)));
	set_irq_handler(PIC1_BASE + 3, pic_eoi_handler);
	set_irq_handler(PIC2_BASE + 2, pic_eoi_handler);

	pulse(3);
	report(irq_count[PIC1_BASE + 3] == 0, "IRQ 3 held while RFLAGS.IF = 0");
	sti();
	asm volatile("nop");
	cli();
	report(irq_count[PIC1_BASE + 3] == 1, "IRQ 3 through the PIC at vector %#x (%u)",
	       PIC1_BASE + 3, irq_count[PIC1_BASE + 3]);
	pulse(10);
	sti_hlt();
	cli();
	report(irq_count[PIC2_BASE + 2] == 1, "IRQ 10 through the slave PIC at vector %#x (%u)",
	       PIC2_BASE + 2, irq_count[PIC2_BASE + 2]);
	pulse(4);		/* masked at the PIC */
	sti();
	asm volatile("nop");
	cli();
	report(irq_count[PIC1_BASE + 4] == 0, "masked IRQ 4 does not arrive");
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

static volatile u32 level_remote_irr;

static void lapic_eoi_handler(u8 vector)
{
	mmio_write32(LAPIC_EOI, 0);
}

static void level_handler(u8 vector)
{
	if (irq_count[vector] == 1) {
		/* line still high: EOI makes the IOAPIC send it again */
		level_remote_irr = ioapic_read(IOAPIC_REDTBL(LEVEL_PIN));
	} else {
		outb(TESTDEV_IRQ(LEVEL_PIN), 0);
	}
	mmio_write32(LAPIC_EOI, 0);
}

static void check_ioapic(void)
{
	u32 ver = ioapic_read(IOAPIC_VER);

	report((ver & 0xff) == 0x20 && ((ver >> 16) & 0xff) == 23,
	       "IOAPIC version %#x: 0x20, 24 pins", ver);
	mmio_write32(LAPIC_SVR, LAPIC_SVR_ENABLE | 0xff);
	set_irq_handler(EDGE_VECTOR, lapic_eoi_handler);
	set_irq_handler(LEVEL_VECTOR, level_handler);

	ioapic_write(IOAPIC_REDTBL(EDGE_PIN) + 1, 0);		/* APIC ID 0 */
	ioapic_write(IOAPIC_REDTBL(EDGE_PIN), EDGE_VECTOR);	/* fixed, edge */
	report(ioapic_read(IOAPIC_REDTBL(EDGE_PIN)) == EDGE_VECTOR,
	       "redirection entry reads back %#x", ioapic_read(IOAPIC_REDTBL(EDGE_PIN)));
	pulse(EDGE_PIN);
	sti_hlt();
	cli();
	report(irq_count[EDGE_VECTOR] == 1, "edge IRQ %d at vector %#x (%u)", EDGE_PIN,
	       EDGE_VECTOR, irq_count[EDGE_VECTOR]);
	outb(TESTDEV_IRQ(EDGE_PIN), 1);		/* held high: one edge only */
	sti();
	asm volatile("nop");
	cli();
	outb(TESTDEV_IRQ(EDGE_PIN), 0);
	report(irq_count[EDGE_VECTOR] == 2, "a held edge line interrupts once (%u)",
	       irq_count[EDGE_VECTOR]);

	ioapic_write(IOAPIC_REDTBL(LEVEL_PIN) + 1, 0);
	ioapic_write(IOAPIC_REDTBL(LEVEL_PIN), LEVEL_VECTOR | IOAPIC_LEVEL);
	outb(TESTDEV_IRQ(LEVEL_PIN), 1);
	sti_hlt();
	asm volatile("nop");
	cli();
	report(level_remote_irr & IOAPIC_REMOTE_IRR, "level IRQ: remote IRR set in the handler");
	report(irq_count[LEVEL_VECTOR] == 2,
	       "level IRQ delivered again after EOI while the line was high (%u)",
	       irq_count[LEVEL_VECTOR]);
	report(!(ioapic_read(IOAPIC_REDTBL(LEVEL_PIN)) & IOAPIC_REMOTE_IRR),
	       "remote IRR clear after the last EOI");

	ioapic_write(IOAPIC_REDTBL(EDGE_PIN), EDGE_VECTOR | IOAPIC_MASKED);
	pulse(EDGE_PIN);
	sti();
	asm volatile("nop");
	cli();
	report(irq_count[EDGE_VECTOR] == 2, "masked pin raises nothing");
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	puts("irq: pc-testdev IRQs through the PIC and the IOAPIC\n");
	check_pic();
	check_ioapic();
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * The PC's pair of 8259A programmable interrupt controllers (Intel 8259A
 * datasheet) and the PIIX edge/level control registers (ELCR, Intel 82371AB
 * PIIX4 datasheet) that replaced ICW1.LTIM on every PC since.
 *
 * Wiring is the AT's and is fixed: master at 0x20/0x21 with its INT output
 * going to the CPU's INTR, slave at 0xa0/0xa1 with its INT output on the
 * master's IR2, ELCR at 0x4d0 (IRQ 0-7) and 0x4d1 (IRQ 8-15).
 *
 * The model keeps, per chip, the datasheet's three registers (IRR, ISR, IMR)
 * and the state the command words program.  An interrupt request resolves
 * as the chip's priority resolver does: the highest-priority unmasked IRR
 * bit wins if it beats everything in service.  kvm_pic_read_irq() is the
 * CPU's INTA cycle; the platform calls it when it injects the PIC's
 * interrupt.  The struct and field names follow KVM's i8259 emulation so a
 * reader can grep for them; the code is this project's own.
 */
#ifndef TVX_DEV_PIC8259_H
#define TVX_DEV_PIC8259_H

#include "dev/bus.h"

#define PIC_MASTER_BASE		0x20
#define PIC_SLAVE_BASE		0xa0
#define PIC_NR_PORTS		2
#define PIC_ELCR_BASE		0x4d0	/* master, then slave */
#define PIC_ELCR_NR_PORTS	2

/* Port offsets from each chip's base (the chip's A0 input). */
#define PIC_CMD			0	/* ICW1, OCW2/3; IRR/ISR */
#define PIC_DATA		1	/* ICW2-4, OCW1 (IMR) */

#define PIC_NR_IRQS		16
#define PIC_IRQS_PER_CHIP	8
#define PIC_CASCADE_IRQ		2	/* master IR the slave drives */
#define PIC_SPURIOUS_IRQ	7	/* level a spurious INTA reports */

/* ICW1: written to the command port with bit 4 set. */
#define PIC_ICW1_IC4		BIT(0)	/* ICW4 follows */
#define PIC_ICW1_SNGL		BIT(1)	/* single chip: no ICW3 */
#define PIC_ICW1_ADI		BIT(2)	/* address interval, 8080 */
#define PIC_ICW1_LTIM		BIT(3)	/* level; ELCR instead */
#define PIC_ICW1_INIT		BIT(4)

/* ICW2: the vector base.  In 8086 mode the low three bits are the level. */
#define PIC_ICW2_BASE_MASK	0xf8
#define PIC_LEVEL_MASK		0x07

/* ICW4. */
#define PIC_ICW4_UPM		BIT(0)	/* 8086/8088 mode */
#define PIC_ICW4_AEOI		BIT(1)	/* automatic EOI */
#define PIC_ICW4_MS		BIT(2)	/* buffered master/slave */
#define PIC_ICW4_BUF		BIT(3)	/* buffered mode */
#define PIC_ICW4_SFNM		BIT(4)	/* special fully nested */

/* OCW2 (command port, bits 4:3 = 00): command in bits 7:5, level in 2:0. */
#define PIC_OCW2_CMD_SHIFT		5
#define PIC_OCW2_ROTATE_AEOI_CLEAR	0
#define PIC_OCW2_EOI			1	/* non-specific EOI */
#define PIC_OCW2_NOP			2
#define PIC_OCW2_SPECIFIC_EOI		3
#define PIC_OCW2_ROTATE_AEOI_SET	4
#define PIC_OCW2_ROTATE_EOI		5	/* on non-specific EOI */
#define PIC_OCW2_SET_PRIORITY		6
#define PIC_OCW2_ROTATE_SPECIFIC_EOI	7

/* OCW3 (command port, bits 4:3 = 01). */
#define PIC_OCW3_RIS		BIT(0)	/* read ISR (1) / IRR (0) */
#define PIC_OCW3_RR		BIT(1)	/* ... if set */
#define PIC_OCW3_POLL		BIT(2)
#define PIC_OCW3_SELECT		BIT(3)	/* OCW3, not OCW2 */
#define PIC_OCW3_SMM		BIT(5)	/* special mask on / off */
#define PIC_OCW3_ESMM		BIT(6)	/* ... if set */

/* The byte a poll command's read returns: I bit and the level W2-W0. */
#define PIC_POLL_INT		BIT(7)

/*
 * ELCR bits that can be set.  IRQ 0 (timer), 1 (keyboard), 2 (cascade),
 * 8 (RTC) and 13 (FPU error) are hard-wired edge on the PIIX.
 */
#define PIC_ELCR_MASTER_MASK	((u8)~(BIT(0) | BIT(1) | BIT(2)))
#define PIC_ELCR_SLAVE_MASK	((u8)~(BIT(0) | BIT(5)))  /* IRQ 8, 13 */

/* Where the initialization sequence stands (kvm_kpic_state.init_state). */
enum pic_init_state {
	PIC_INIT_READY = 0,	/* data port writes are OCW1 */
	PIC_INIT_ICW2,
	PIC_INIT_ICW3,
	PIC_INIT_ICW4,
};

/* One 8259A. */
struct kvm_kpic_state {
	u8 last_irr;		/* level last seen on each IR input */
	u8 irr;			/* interrupt request register */
	u8 imr;			/* interrupt mask register (OCW1) */
	u8 isr;			/* in-service register */
	u8 priority_add;	/* level that has the highest priority */
	u8 irq_base;		/* ICW2, low three bits clear */
	u8 read_reg_select;	/* command-port reads: 0 IRR, 1 ISR */
	u8 init_state;		/* enum pic_init_state */
	bool poll;		/* next read is a poll (OCW3.P) */
	bool special_mask;	/* special mask mode (OCW3.SMM) */
	bool auto_eoi;		/* ICW4.AEOI */
	bool rotate_on_auto_eoi; /* OCW2 rotate in AEOI mode */
	bool special_fully_nested_mode; /* ICW4.SFNM */
	bool init4;		/* ICW1 asked for ICW4 */
	bool single_mode;	/* ICW1.SNGL: no ICW3 */
	u8 elcr;		/* 1 = level-triggered input (PIIX ELCR) */
	u8 elcr_mask;		/* ELCR bits that are writable */
};

struct kvm_pic {
	struct kvm_kpic_state pics[2];	/* [0] master, [1] slave */
	bool output;			/* master INT, the CPU's INTR */
	void (*intr_changed)(void *ctx, bool level);
	void *ctx;
};

/*
 * Power-on state.  The 8259A has no reset pin; what the PC's firmware would
 * find is every register clear: nothing masked, nothing pending, but no
 * vector base either until the guest runs the ICW sequence.  All inputs
 * edge-triggered.  @intr_changed (may be NULL) is called with the new level
 * every time the master's INT output changes.
 */
void pic_init(struct kvm_pic *s, void (*intr_changed)(void *ctx, bool level),
	      void *ctx);

/*
 * Drive input @irq (0-15) to @level (0 or not).  Edge-triggered inputs latch
 * a request on a 0→1 transition; level-triggered ones (ELCR) request while
 * high.  IRQ 2 is the cascade input, driven only by the slave: calls for it
 * (and out-of-range numbers) are ignored.
 */
void kvm_pic_set_irq(struct kvm_pic *s, int irq, int level);

/* The master's INT output: an interrupt is waiting for an INTA cycle. */
bool pic_has_interrupt(const struct kvm_pic *s);

/*
 * The INTA cycle: returns the vector of the highest-priority request and
 * moves it from IRR to ISR (not in auto-EOI mode), cascading through the
 * slave for IR2.  With nothing to deliver it returns the spurious vector of
 * level 7: master base + 7, or slave base + 7 (IRQ 15) if the slave's
 * request went away after the master latched IR2.
 */
int kvm_pic_read_irq(struct kvm_pic *s);

/*
 * Bus glue, the opaque is the struct kvm_pic.  Master and slave decode
 * PIC_NR_PORTS ports each, the ELCR PIC_ELCR_NR_PORTS.  Wider accesses are
 * split per byte as an ISA bridge does, low byte first; bytes past the
 * device read as all-ones and are dropped on writes.
 */
extern const struct io_device_ops pic_master_ops, pic_slave_ops, pic_elcr_ops;

#endif

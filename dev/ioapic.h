/* SPDX-License-Identifier: MIT */
/*
 * I/O APIC (Intel 82093AA I/O APIC datasheet; SDM Vol. 3A, "Advanced
 * Programmable Interrupt Controller (APIC)").
 *
 * 24 input pins, each with a 64-bit redirection entry that turns the pin's
 * signal into an interrupt message for the local APICs.  The register file
 * is reached indirectly: software writes a register index to IOREGSEL and
 * then reads or writes the 32-bit register through IOWIN.  The version is
 * 0x20, the one QEMU's default I/O APIC and the ICH-era chipsets report,
 * which adds the directed EOI register at offset 0x40 (written with a vector
 * it acts like an EOI message from a local APIC).
 *
 * The model sends messages through a callback the platform supplies, which
 * routes them to the local APICs and says how many accepted.  Inputs are
 * logical (1 = asserted): the polarity bit is kept for the guest to read
 * back but does not invert anything, since the platform's wires carry
 * assertion, not voltage.
 */
#ifndef TVX_DEV_IOAPIC_H
#define TVX_DEV_IOAPIC_H

#include "dev/apic_irq.h"
#include "dev/bus.h"

#define IOAPIC_DEFAULT_BASE_ADDRESS	0xfec00000
#define IOAPIC_MEM_LENGTH		0x100
#define IOAPIC_NUM_PINS			24
#define IOAPIC_VERSION			0x20

/* MMIO offsets from the base. */
#define IOAPIC_REG_SELECT	0x00	/* IOREGSEL, 8 bits */
#define IOAPIC_REG_WINDOW	0x10	/* IOWIN, 32 bits */
#define IOAPIC_REG_EOI		0x40	/* directed EOI (0x20) */

/* Indirect registers (IOREGSEL values). */
#define IOAPIC_REG_ID		0x00
#define IOAPIC_REG_VERSION	0x01
#define IOAPIC_REG_ARB		0x02	/* arbitration ID */
/* Pin n: low dword at IOAPIC_REG_REDTBL_BASE + 2n, high dword after it. */
#define IOAPIC_REG_REDTBL_BASE	0x10

/* ID and arbitration registers: the 4-bit ID in bits 27:24. */
#define IOAPIC_ID_SHIFT		24
#define IOAPIC_ID_MASK		0xf

/* Version register. */
#define IOAPIC_VER_VERSION_MASK	0xff
#define IOAPIC_VER_ENTRIES_SHIFT 16	/* maximum redirection entry */

/* Redirection entry fields. */
#define IOAPIC_VECTOR_MASK		0xffull
#define IOAPIC_DELIVERY_MODE_SHIFT	APIC_DM_SHIFT	/* bits 10:8 */
#define IOAPIC_DELIVERY_MODE_MASK	((u64)APIC_DM_MASK << \
					 IOAPIC_DELIVERY_MODE_SHIFT)
#define IOAPIC_DEST_MODE		BIT_ULL(APIC_DEST_MODE_SHIFT) /* 11 */
#define IOAPIC_DELIVERY_STATUS		BIT_ULL(12)	/* RO */
#define IOAPIC_POLARITY_LOW		BIT_ULL(13)
#define IOAPIC_REMOTE_IRR		BIT_ULL(14)	/* RO */
#define IOAPIC_TRIG_LEVEL		BIT_ULL(APIC_TRIG_MODE_SHIFT) /* 15 */
#define IOAPIC_MASKED			BIT_ULL(16)
#define IOAPIC_DEST_SHIFT		56
#define IOAPIC_DEST_MASK		(0xffull << IOAPIC_DEST_SHIFT)

/* What software can change; the rest is read-only or reserved (reads 0). */
#define IOAPIC_REDTBL_WRITABLE	(IOAPIC_VECTOR_MASK | \
				 IOAPIC_DELIVERY_MODE_MASK | \
				 IOAPIC_DEST_MODE | IOAPIC_POLARITY_LOW | \
				 IOAPIC_TRIG_LEVEL | IOAPIC_MASKED | \
				 IOAPIC_DEST_MASK)
#define IOAPIC_REDTBL_RESET	IOAPIC_MASKED

struct kvm_ioapic {
	u32 id;			/* APIC ID, 0-15 */
	u8 ioregsel;
	u32 line_level;		/* pins currently asserted */
	u64 redirtbl[IOAPIC_NUM_PINS];
	int (*deliver)(void *ctx, const struct kvm_lapic_irq *irq);
	void *ctx;
	u64 nr_delivered;	/* messages some local APIC accepted */
	u64 nr_dropped;		/* messages nobody accepted */
};

/*
 * Reset: ID 0, every entry masked with its other bits clear (the datasheet
 * leaves them undefined), no pin asserted.  @deliver (may be NULL: nobody
 * accepts) returns how many local APICs accepted the message.  The platform
 * may set s->id afterwards to match its MP table / MADT.
 */
void ioapic_init(struct kvm_ioapic *s,
		 int (*deliver)(void *ctx, const struct kvm_lapic_irq *irq),
		 void *ctx);

/*
 * Drive @pin to @level (0 or not).  An edge-triggered entry sends one
 * message per 0→1 transition if unmasked (an edge on a masked pin is lost);
 * a level-triggered entry sends while the pin is asserted, unmasked and
 * remote IRR is clear, and sets remote IRR when some APIC accepts.  Pins
 * out of range are ignored.
 */
void kvm_ioapic_set_irq(struct kvm_ioapic *s, int pin, int level);

/*
 * An EOI for @vector (from a local APIC's EOI of a level-triggered vector,
 * or the EOI register): clear remote IRR of every entry with that vector,
 * and send again for each such pin still asserted and unmasked.
 */
void kvm_ioapic_update_eoi(struct kvm_ioapic *s, int vector);

/*
 * Bus glue, the opaque is the struct kvm_ioapic; decode IOAPIC_MEM_LENGTH
 * bytes.  Reads and writes are taken per aligned dword.  IOWIN accepts 1, 2
 * and 4-byte accesses at any byte of it: reads return the register shifted
 * to the byte addressed, writes merge the bytes written into the register
 * (the datasheet only defines dword accesses).  IOREGSEL is its low byte;
 * the EOI register takes the vector from its low byte.  Unimplemented
 * offsets read 0 and ignore writes; unimplemented registers (IOREGSEL
 * beyond the table) read all-ones and ignore writes, as QEMU's does.
 */
extern const struct io_device_ops ioapic_mmio_ops;

#endif

/* SPDX-License-Identifier: MIT */
/*
 * I/O APIC.  Register layout and semantics from the Intel 82093AA I/O APIC
 * datasheet ("Register Description", "I/O Redirection Table Registers");
 * the version-0x20 EOI register as the ICH datasheets describe it ("EOI
 * Register").  Message delivery itself belongs to the local APICs (SDM
 * Vol. 3A, "Advanced Programmable Interrupt Controller (APIC)", "Message
 * Signalled Interrupts" and "I/O APIC"): this file only decides when a pin
 * sends a message and with which fields.
 *
 * Delivery is synchronous: the message is handed to the platform's
 * callback at once, so the delivery status bit ("send pending") is always
 * idle.
 */
#include <string.h>

#include "dev/ioapic.h"

#define DWORD_BYTES	4
#define DWORD_MASK	0xffffffffull
#define DWORD_BITS	32
#define BYTE_BITS	8
#define BYTE_MASK	0xff

/* Register value of an unimplemented register (QEMU's choice). */
#define IOAPIC_UNIMPLEMENTED	0xffffffffu

static u32 ioapic_vector(u64 e)
{
	return e & IOAPIC_VECTOR_MASK;
}

static u32 ioapic_delivery_mode(u64 e)
{
	return (e & IOAPIC_DELIVERY_MODE_MASK) >> IOAPIC_DELIVERY_MODE_SHIFT;
}

/*
 * Whether an entry behaves level-triggered.  Only fixed and lowest-priority
 * messages can be: SMI, NMI, INIT and ExtINT are always treated as edge
 * whatever the trigger mode bit says (82093AA datasheet, delivery mode
 * field), and so never set remote IRR.
 */
static bool ioapic_entry_is_level(u64 e)
{
	u32 dm = ioapic_delivery_mode(e);

	return (e & IOAPIC_TRIG_LEVEL) &&
	       (dm == APIC_DM_FIXED || dm == APIC_DM_LOWEST);
}

/*
 * Send @pin's message if the entry lets it go: not masked, and for a level
 * entry not still waiting for the EOI of the previous one.  Remote IRR is
 * set "when local APIC(s) accept the level interrupt" (82093AA datasheet):
 * a message nobody accepted would never be EOIed, so it leaves remote IRR
 * clear and the pin tries again at its next chance.
 */
static void ioapic_service(struct kvm_ioapic *s, int pin)
{
	u64 *e = &s->redirtbl[pin];
	bool level = ioapic_entry_is_level(*e);
	struct kvm_lapic_irq irq;
	int accepted;

	if (*e & IOAPIC_MASKED)
		return;
	if (level && (*e & IOAPIC_REMOTE_IRR))
		return;

	irq.vector = ioapic_vector(*e);
	irq.delivery_mode = ioapic_delivery_mode(*e);
	irq.dest_mode = (*e & IOAPIC_DEST_MODE) ? APIC_DEST_LOGICAL :
						  APIC_DEST_PHYSICAL;
	irq.level = 1;
	irq.trig_mode = level ? APIC_TRIG_LEVEL : APIC_TRIG_EDGE;
	irq.shorthand = APIC_DEST_NOSHORT;
	irq.dest_id = (*e & IOAPIC_DEST_MASK) >> IOAPIC_DEST_SHIFT;

	accepted = s->deliver ? s->deliver(s->ctx, &irq) : 0;
	if (accepted > 0) {
		s->nr_delivered++;
		if (level)
			*e |= IOAPIC_REMOTE_IRR;
	} else {
		s->nr_dropped++;
	}
}

void ioapic_init(struct kvm_ioapic *s,
		 int (*deliver)(void *ctx, const struct kvm_lapic_irq *irq),
		 void *ctx)
{
	unsigned int pin;

	memset(s, 0, sizeof(*s));
	for (pin = 0; pin < IOAPIC_NUM_PINS; pin++)
		s->redirtbl[pin] = IOAPIC_REDTBL_RESET;
	s->deliver = deliver;
	s->ctx = ctx;
}

void kvm_ioapic_set_irq(struct kvm_ioapic *s, int pin, int level)
{
	u32 mask;
	bool was_asserted;

	if (pin < 0 || pin >= IOAPIC_NUM_PINS)
		return;
	mask = BIT(pin);
	was_asserted = s->line_level & mask;

	if (!level) {
		/* A level entry's remote IRR stays set until the EOI. */
		s->line_level &= ~mask;
		return;
	}
	s->line_level |= mask;
	/*
	 * An edge on a masked pin is ignored, not held pending (82093AA
	 * datasheet, mask bit): ioapic_service() drops it.  A level entry is
	 * serviced on every assertion call: harmless, since remote IRR holds
	 * back a repeat until the EOI.
	 */
	if (ioapic_entry_is_level(s->redirtbl[pin]) || !was_asserted)
		ioapic_service(s, pin);
}

void kvm_ioapic_update_eoi(struct kvm_ioapic *s, int vector)
{
	int pin;

	for (pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
		u64 *e = &s->redirtbl[pin];

		if (ioapic_vector(*e) != (u32)vector ||
		    !(*e & IOAPIC_REMOTE_IRR))
			continue;
		*e &= ~IOAPIC_REMOTE_IRR;
		/* Still asserted: the device wants service again. */
		if ((s->line_level & BIT(pin)) && ioapic_entry_is_level(*e))
			ioapic_service(s, pin);
	}
}

/* The register IOREGSEL selects, as IOWIN reads it. */
static u32 ioapic_read_indirect(const struct kvm_ioapic *s)
{
	unsigned int index;

	switch (s->ioregsel) {
	case IOAPIC_REG_ID:
	case IOAPIC_REG_ARB:
		/* The arbitration ID is loaded from the ID. */
		return (s->id & IOAPIC_ID_MASK) << IOAPIC_ID_SHIFT;
	case IOAPIC_REG_VERSION:
		return IOAPIC_VERSION |
		       (IOAPIC_NUM_PINS - 1) << IOAPIC_VER_ENTRIES_SHIFT;
	}
	if (s->ioregsel < IOAPIC_REG_REDTBL_BASE)
		return IOAPIC_UNIMPLEMENTED;
	index = (s->ioregsel - IOAPIC_REG_REDTBL_BASE) / 2;
	if (index >= IOAPIC_NUM_PINS)
		return IOAPIC_UNIMPLEMENTED;
	if (s->ioregsel & 1)
		return s->redirtbl[index] >> DWORD_BITS;
	return s->redirtbl[index] & DWORD_MASK;
}

static void ioapic_write_redirtbl(struct kvm_ioapic *s, unsigned int pin,
				  bool high, u32 val)
{
	u64 *e = &s->redirtbl[pin];
	u64 new = high ? (*e & DWORD_MASK) | (u64)val << DWORD_BITS :
			 (*e & ~DWORD_MASK) | val;

	/* Delivery status and remote IRR are read-only: writes (as part of
	 * a 32-bit word) do not affect them; reserved bits stay 0. */
	*e = (new & IOAPIC_REDTBL_WRITABLE) |
	     (*e & (IOAPIC_DELIVERY_STATUS | IOAPIC_REMOTE_IRR));
	/*
	 * Remote IRR means nothing for an edge entry.  Clear it when an
	 * entry stops being level-triggered: OSes (Linux's IO-APIC code
	 * among them) flip the trigger mode to edge and back to clear a
	 * stuck remote IRR.
	 */
	if (!ioapic_entry_is_level(*e))
		*e &= ~IOAPIC_REMOTE_IRR;
	/*
	 * An asserted level pin is seen as soon as the entry lets it through
	 * (unmasking, or an earlier message nobody accepted); an edge that
	 * happened while masked is gone.
	 */
	if ((s->line_level & BIT(pin)) && ioapic_entry_is_level(*e))
		ioapic_service(s, pin);
}

static void ioapic_write_indirect(struct kvm_ioapic *s, u32 val)
{
	unsigned int index;

	switch (s->ioregsel) {
	case IOAPIC_REG_ID:
		s->id = (val >> IOAPIC_ID_SHIFT) & IOAPIC_ID_MASK;
		return;
	case IOAPIC_REG_VERSION:
	case IOAPIC_REG_ARB:
		return;		/* read-only */
	}
	if (s->ioregsel < IOAPIC_REG_REDTBL_BASE)
		return;
	index = (s->ioregsel - IOAPIC_REG_REDTBL_BASE) / 2;
	if (index < IOAPIC_NUM_PINS)
		ioapic_write_redirtbl(s, index, s->ioregsel & 1, val);
}

/* The dword at @off (a multiple of 4). */
static u32 ioapic_read_dword(struct kvm_ioapic *s, u64 off)
{
	switch (off) {
	case IOAPIC_REG_SELECT:
		return s->ioregsel;
	case IOAPIC_REG_WINDOW:
		return ioapic_read_indirect(s);
	default:
		/* Unimplemented offsets, and the write-only EOI register. */
		return 0;
	}
}

/* Write the bytes of @val selected by @bytes (byte-lane mask) at @off. */
static void ioapic_write_dword(struct kvm_ioapic *s, u64 off, u32 val,
			       u32 bytes)
{
	switch (off) {
	case IOAPIC_REG_SELECT:
		if (bytes & BYTE_MASK)
			s->ioregsel = val & BYTE_MASK;
		break;
	case IOAPIC_REG_WINDOW:
		/* A narrow write merges into the register as it reads. */
		if (bytes != DWORD_MASK)
			val = (ioapic_read_indirect(s) & ~bytes) |
			      (val & bytes);
		ioapic_write_indirect(s, val);
		break;
	case IOAPIC_REG_EOI:
		if (bytes & BYTE_MASK)
			kvm_ioapic_update_eoi(s, val & BYTE_MASK);
		break;
	}
}

static u64 ioapic_mmio_read(void *opaque, u64 offset, unsigned size)
{
	struct kvm_ioapic *s = opaque;
	u64 val = 0;
	unsigned int i = 0;

	/* One register read per dword the access touches. */
	while (i < size) {
		u64 off = offset + i;
		u64 dword = ALIGN_DOWN(off, DWORD_BYTES);
		unsigned int lane = off - dword;
		unsigned int n = MIN(size - i, DWORD_BYTES - lane);
		u64 part = off < IOAPIC_MEM_LENGTH ?
			   ioapic_read_dword(s, dword) : 0;

		part = (part >> (lane * BYTE_BITS)) & io_size_mask(n);
		val |= part << (i * BYTE_BITS);
		i += n;
	}
	return val;
}

static void ioapic_mmio_write(void *opaque, u64 offset, unsigned size,
			      u64 value)
{
	struct kvm_ioapic *s = opaque;
	unsigned int i = 0;

	while (i < size) {
		u64 off = offset + i;
		u64 dword = ALIGN_DOWN(off, DWORD_BYTES);
		unsigned int lane = off - dword;
		unsigned int n = MIN(size - i, DWORD_BYTES - lane);
		u32 bytes = io_size_mask(n) << (lane * BYTE_BITS);
		u32 part = ((value >> (i * BYTE_BITS)) & io_size_mask(n)) <<
			   (lane * BYTE_BITS);

		if (off < IOAPIC_MEM_LENGTH)
			ioapic_write_dword(s, dword, part, bytes);
		i += n;
	}
}

const struct io_device_ops ioapic_mmio_ops = {
	.read = ioapic_mmio_read,
	.write = ioapic_mmio_write,
};

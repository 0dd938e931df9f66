/* SPDX-License-Identifier: MIT */
/*
 * 8259A pair and PIIX ELCR.
 *
 * Behaviour follows the Intel 8259A datasheet ("Interrupt Sequence",
 * "Initialization Command Words", "Operation Command Words", "Fully Nested
 * Mode", "Special Fully Nested Mode", "Special Mask Mode", "Poll Command",
 * "Automatic Rotation", "Specific Rotation", "Edge and Level Triggered
 * Modes") with the PIIX's ELCR deciding the trigger mode per input (Intel
 * 82371AB PIIX4 datasheet, "ELCR1/ELCR2": ICW1.LTIM is disabled there).
 * The choices the datasheet leaves open are explained where they are made.
 */
#include <string.h>

#include "dev/pic8259.h"

#define PIC_MASTER	0
#define PIC_SLAVE	1
#define BYTE_BITS	8
#define BYTE_MASK	0xff

/* pic_get_priority() when no bit is set: below every real level. */
#define PIC_NO_PRIORITY	PIC_IRQS_PER_CHIP

/*
 * Priority of the highest-priority bit set in @mask: 0 is the highest.
 * Level priority_add has priority 0 and the others follow in circular
 * order, so rotation only moves priority_add ("Automatic Rotation").
 */
static int pic_get_priority(const struct kvm_kpic_state *s, u8 mask)
{
	int priority;

	for (priority = 0; priority < PIC_IRQS_PER_CHIP; priority++)
		if (mask & BIT((priority + s->priority_add) & PIC_LEVEL_MASK))
			return priority;
	return PIC_NO_PRIORITY;
}

/*
 * The chip's priority resolver: the level (0-7) it would raise INT for, or
 * -1.  A request wins only if it has a strictly higher priority than every
 * level in service ("Fully Nested Mode"), with two exceptions:
 *  - special mask mode: a level masked in IMR does not block others, so a
 *    handler that masks its own level lets lower ones in ("Special Mask
 *    Mode");
 *  - special fully nested mode on the master: the slave's level in service
 *    does not block the slave, so a higher-priority slave request can nest
 *    ("Special Fully Nested Mode").
 */
static int pic_get_irq(const struct kvm_kpic_state *s, bool is_master)
{
	u8 in_service = s->isr;
	int priority = pic_get_priority(s, s->irr & ~s->imr);

	if (priority == PIC_NO_PRIORITY)
		return -1;
	if (s->special_mask)
		in_service &= ~s->imr;
	if (is_master && s->special_fully_nested_mode)
		in_service &= ~BIT(PIC_CASCADE_IRQ);
	if (priority >= pic_get_priority(s, in_service))
		return -1;
	return (priority + s->priority_add) & PIC_LEVEL_MASK;
}

/*
 * Drive one IR input.  A level-triggered input's IRR bit is the input.  An
 * edge-triggered one latches on 0→1 and keeps the request when the input
 * falls again before INTA: on the chip that would end in a spurious IR7
 * ("Edge and Level Triggered Modes"), but device models here signal an
 * edge as a pulse (raise, then lower at once), as KVM's and QEMU's do.
 */
static void pic_set_irq1(struct kvm_kpic_state *s, int irq, int level)
{
	u8 mask = BIT(irq);

	if (s->elcr & mask) {
		if (level)
			s->irr |= mask;
		else
			s->irr &= ~mask;
	} else if (level && !(s->last_irr & mask)) {
		s->irr |= mask;
	}
	if (level)
		s->last_irr |= mask;
	else
		s->last_irr &= ~mask;
}

/* Recompute the slave's INT (the master's IR2) and the master's INT. */
static void pic_update_irq(struct kvm_pic *s)
{
	bool slave_int = pic_get_irq(&s->pics[PIC_SLAVE], false) >= 0;
	bool output;

	pic_set_irq1(&s->pics[PIC_MASTER], PIC_CASCADE_IRQ, slave_int);
	output = pic_get_irq(&s->pics[PIC_MASTER], true) >= 0;
	if (output != s->output) {
		s->output = output;
		if (s->intr_changed)
			s->intr_changed(s->ctx, output);
	}
}

/*
 * Acknowledge level @irq: the request moves to ISR, or with auto-EOI
 * straight out again (optionally rotating).  An edge request is consumed;
 * a level-triggered IRR bit keeps following its input, so a still-asserted
 * line asks again once the level leaves service.
 */
static void pic_intack(struct kvm_kpic_state *s, int irq)
{
	u8 mask = BIT(irq);

	if (s->auto_eoi) {
		if (s->rotate_on_auto_eoi)
			s->priority_add = (irq + 1) & PIC_LEVEL_MASK;
	} else {
		s->isr |= mask;
	}
	if (!(s->elcr & mask))
		s->irr &= ~mask;
}

/*
 * The master just acknowledged the cascade input.  Forget the level seen
 * on IR2 so that, if the slave still (or again) asserts INT once it has
 * answered, that is a new edge: the slave's INT falls while it is being
 * serviced, and without this a slave in auto-EOI mode with a second
 * request pending would hold IR2 high and never be heard again.
 */
static void pic_cascade_acked(struct kvm_pic *s)
{
	s->pics[PIC_MASTER].last_irr &= ~BIT(PIC_CASCADE_IRQ);
}

void pic_init(struct kvm_pic *s, void (*intr_changed)(void *ctx, bool level),
	      void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->pics[PIC_MASTER].elcr_mask = PIC_ELCR_MASTER_MASK;
	s->pics[PIC_SLAVE].elcr_mask = PIC_ELCR_SLAVE_MASK;
	s->intr_changed = intr_changed;
	s->ctx = ctx;
}

void kvm_pic_set_irq(struct kvm_pic *s, int irq, int level)
{
	if (irq < 0 || irq >= PIC_NR_IRQS || irq == PIC_CASCADE_IRQ)
		return;
	pic_set_irq1(&s->pics[irq / PIC_IRQS_PER_CHIP],
		     irq % PIC_IRQS_PER_CHIP, level);
	pic_update_irq(s);
}

bool pic_has_interrupt(const struct kvm_pic *s)
{
	return s->output;
}

int kvm_pic_read_irq(struct kvm_pic *s)
{
	struct kvm_kpic_state *master = &s->pics[PIC_MASTER];
	struct kvm_kpic_state *slave = &s->pics[PIC_SLAVE];
	int irq = pic_get_irq(master, true);
	int vector;

	if (irq < 0) {
		/* INTA without a request (it went away, or was masked, after
		 * INT was seen): the chip answers with level 7 and sets no ISR
		 * bit ("Interrupt Sequence"). */
		vector = master->irq_base | PIC_SPURIOUS_IRQ;
	} else if (irq == PIC_CASCADE_IRQ) {
		int irq2;

		pic_intack(master, irq);
		pic_cascade_acked(s);
		irq2 = pic_get_irq(slave, false);
		if (irq2 >= 0) {
			pic_intack(slave, irq2);
		} else {
			/* Spurious on the slave: IRQ 15's vector, and the
			 * master's IR2 stays in service until software sends
			 * it an EOI. */
			irq2 = PIC_SPURIOUS_IRQ;
		}
		vector = slave->irq_base | irq2;
	} else {
		pic_intack(master, irq);
		vector = master->irq_base | irq;
	}
	pic_update_irq(s);
	return vector;
}

/*
 * ICW1 starts initialization.  The datasheet lists its effects: the edge
 * sense circuit is reset (an edge-triggered input must make a new low-to-
 * high transition, so latched edge requests are dropped while level
 * requests, which are the inputs themselves, stay), IMR is cleared, IR7 gets
 * the lowest priority, special mask mode is cleared and status reads select
 * IRR; without IC4 every ICW4 function is zero.  ISR and the poll and
 * rotate-in-AEOI states are cleared too, since a chip being re-initialized
 * has nothing in service.
 */
static void pic_write_icw1(struct kvm_kpic_state *s, u8 val)
{
	s->irr &= s->elcr;
	s->imr = 0;
	s->isr = 0;
	s->priority_add = 0;
	s->read_reg_select = 0;
	s->special_mask = false;
	s->poll = false;
	s->auto_eoi = false;
	s->rotate_on_auto_eoi = false;
	s->special_fully_nested_mode = false;
	s->init4 = val & PIC_ICW1_IC4;
	s->single_mode = val & PIC_ICW1_SNGL;
	/* PIC_ICW1_LTIM: ignored, the ELCR selects the trigger mode.
	 * PIC_ICW1_ADI and the address bits: 8080 mode only. */
	s->init_state = PIC_INIT_ICW2;
}

static void pic_write_ocw2(struct kvm_kpic_state *s, u8 val)
{
	int level = val & PIC_LEVEL_MASK;
	int priority;

	switch (val >> PIC_OCW2_CMD_SHIFT) {
	case PIC_OCW2_ROTATE_AEOI_SET:
		s->rotate_on_auto_eoi = true;
		break;
	case PIC_OCW2_ROTATE_AEOI_CLEAR:
		s->rotate_on_auto_eoi = false;
		break;
	case PIC_OCW2_EOI:
	case PIC_OCW2_ROTATE_EOI:
		/* Non-specific EOI: the highest-priority level in service is
		 * the one being finished in fully nested mode. */
		priority = pic_get_priority(s, s->isr);
		if (priority == PIC_NO_PRIORITY)
			break;
		level = (priority + s->priority_add) & PIC_LEVEL_MASK;
		s->isr &= ~BIT(level);
		if (val >> PIC_OCW2_CMD_SHIFT == PIC_OCW2_ROTATE_EOI)
			s->priority_add = (level + 1) & PIC_LEVEL_MASK;
		break;
	case PIC_OCW2_SPECIFIC_EOI:
		s->isr &= ~BIT(level);
		break;
	case PIC_OCW2_ROTATE_SPECIFIC_EOI:
		s->isr &= ~BIT(level);
		s->priority_add = (level + 1) & PIC_LEVEL_MASK;
		break;
	case PIC_OCW2_SET_PRIORITY:
		/* Level L becomes the lowest priority. */
		s->priority_add = (level + 1) & PIC_LEVEL_MASK;
		break;
	case PIC_OCW2_NOP:
		break;
	}
}

static void pic_write_ocw3(struct kvm_kpic_state *s, u8 val)
{
	/* A poll command overrides a register read selection for the next
	 * read ("Poll Command"), but the selection itself is still taken. */
	if (val & PIC_OCW3_POLL)
		s->poll = true;
	if (val & PIC_OCW3_RR)
		s->read_reg_select = !!(val & PIC_OCW3_RIS);
	if (val & PIC_OCW3_ESMM)
		s->special_mask = !!(val & PIC_OCW3_SMM);
}

static void pic_write_data(struct kvm_kpic_state *s, u8 val)
{
	switch (s->init_state) {
	case PIC_INIT_READY:
		s->imr = val;	/* OCW1 */
		break;
	case PIC_INIT_ICW2:
		s->irq_base = val & PIC_ICW2_BASE_MASK;
		if (!s->single_mode)
			s->init_state = PIC_INIT_ICW3;
		else if (s->init4)
			s->init_state = PIC_INIT_ICW4;
		else
			s->init_state = PIC_INIT_READY;
		break;
	case PIC_INIT_ICW3:
		/* The slave-on-IR2 wiring is fixed; the master's slave mask
		 * and the slave's ID are accepted and not checked. */
		s->init_state = s->init4 ? PIC_INIT_ICW4 : PIC_INIT_READY;
		break;
	case PIC_INIT_ICW4:
		/* PIC_ICW4_UPM is assumed set: a PC's 8259s run in 8086 mode.
		 * Buffered mode only concerns the bus transceivers. */
		s->auto_eoi = val & PIC_ICW4_AEOI;
		s->special_fully_nested_mode = val & PIC_ICW4_SFNM;
		s->init_state = PIC_INIT_READY;
		break;
	}
}

static void pic_ioport_write(struct kvm_pic *pic, int chip, unsigned int off,
			     u8 val)
{
	struct kvm_kpic_state *s = &pic->pics[chip];

	if (off == PIC_DATA)
		pic_write_data(s, val);
	else if (val & PIC_ICW1_INIT)
		pic_write_icw1(s, val);
	else if (val & PIC_OCW3_SELECT)
		pic_write_ocw3(s, val);
	else
		pic_write_ocw2(s, val);
	pic_update_irq(pic);
}

/*
 * A read after a poll command: the chip treats it as an INTA, setting the
 * ISR bit of the highest request, and returns I (request present) and the
 * level.  Polling the slave acknowledges its request without the master
 * seeing an INTA for IR2, so the master's latched IR2 request is dropped
 * with it; if the slave has another request, its INT rises again and the
 * master latches that as a new edge.
 */
static u8 pic_poll_read(struct kvm_pic *pic, int chip)
{
	struct kvm_kpic_state *s = &pic->pics[chip];
	int irq = pic_get_irq(s, chip == PIC_MASTER);
	u8 ret = 0;

	s->poll = false;
	if (irq >= 0) {
		pic_intack(s, irq);
		if (chip == PIC_SLAVE) {
			pic->pics[PIC_MASTER].irr &= ~BIT(PIC_CASCADE_IRQ);
			pic_cascade_acked(pic);
		} else if (irq == PIC_CASCADE_IRQ) {
			pic_cascade_acked(pic);
		}
		ret = PIC_POLL_INT | irq;
	}
	pic_update_irq(pic);
	return ret;
}

static u8 pic_ioport_read(struct kvm_pic *pic, int chip, unsigned int off)
{
	struct kvm_kpic_state *s = &pic->pics[chip];

	/* The poll applies to the next read at either address. */
	if (s->poll)
		return pic_poll_read(pic, chip);
	if (off == PIC_DATA)
		return s->imr;
	return s->read_reg_select ? s->isr : s->irr;
}

/*
 * The PIIX latches the whole ELCR byte, minus the hard-wired edge bits.  A
 * level input switched on takes its IRR bit from the input at once; an input
 * switched to edge keeps a request it had.
 */
static void pic_elcr_write(struct kvm_pic *pic, int chip, u8 val)
{
	struct kvm_kpic_state *s = &pic->pics[chip];

	s->elcr = val & s->elcr_mask;
	s->irr = (s->irr & ~s->elcr) | (s->last_irr & s->elcr);
	pic_update_irq(pic);
}

/*
 * Split an access into byte accesses at offsets [offset, offset + size)
 * of a device that decodes @nr_ports ports.
 */
static u64 pic_split_read(struct kvm_pic *pic, int chip, u64 offset,
			  unsigned size, unsigned int nr_ports, bool elcr)
{
	u64 val = 0;
	unsigned int i;

	for (i = 0; i < size; i++) {
		u64 off = offset + i;
		u8 byte = BYTE_MASK;

		if (off < nr_ports) {
			if (elcr)
				byte = pic->pics[off].elcr;
			else
				byte = pic_ioport_read(pic, chip, off);
		}
		val |= (u64)byte << (i * BYTE_BITS);
	}
	return val;
}

static void pic_split_write(struct kvm_pic *pic, int chip, u64 offset,
			    unsigned size, u64 value, unsigned int nr_ports,
			    bool elcr)
{
	unsigned int i;

	for (i = 0; i < size; i++) {
		u64 off = offset + i;
		u8 byte = (value >> (i * BYTE_BITS)) & BYTE_MASK;

		if (off >= nr_ports)
			continue;
		if (elcr)
			pic_elcr_write(pic, off, byte);
		else
			pic_ioport_write(pic, chip, off, byte);
	}
}

static u64 pic_master_read(void *opaque, u64 offset, unsigned size)
{
	return pic_split_read(opaque, PIC_MASTER, offset, size, PIC_NR_PORTS,
			      false);
}

static void pic_master_write(void *opaque, u64 offset, unsigned size,
			     u64 value)
{
	pic_split_write(opaque, PIC_MASTER, offset, size, value, PIC_NR_PORTS,
			false);
}

static u64 pic_slave_read(void *opaque, u64 offset, unsigned size)
{
	return pic_split_read(opaque, PIC_SLAVE, offset, size, PIC_NR_PORTS,
			      false);
}

static void pic_slave_write(void *opaque, u64 offset, unsigned size,
			    u64 value)
{
	pic_split_write(opaque, PIC_SLAVE, offset, size, value, PIC_NR_PORTS,
			false);
}

static u64 pic_elcr_read(void *opaque, u64 offset, unsigned size)
{
	return pic_split_read(opaque, PIC_MASTER, offset, size,
			      PIC_ELCR_NR_PORTS, true);
}

static void pic_elcr_bus_write(void *opaque, u64 offset, unsigned size,
			       u64 value)
{
	pic_split_write(opaque, PIC_MASTER, offset, size, value,
			PIC_ELCR_NR_PORTS, true);
}

const struct io_device_ops pic_master_ops = {
	.read = pic_master_read,
	.write = pic_master_write,
};

const struct io_device_ops pic_slave_ops = {
	.read = pic_slave_read,
	.write = pic_slave_write,
};

const struct io_device_ops pic_elcr_ops = {
	.read = pic_elcr_read,
	.write = pic_elcr_bus_write,
};

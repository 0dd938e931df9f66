/* SPDX-License-Identifier: MIT */
/*
 * Local APIC register model.  Section titles cited are from SDM Vol. 3A,
 * chapter "Advanced Programmable Interrupt Controller (APIC)", unless
 * another volume is named.  The design choices are listed in lapic.h.
 */
#include <string.h>

#include "dev/lapic.h"

/* Six LVT entries without CMCI, seven with it (SDM "Local APIC Version
 * Register": the Max LVT Entry field is the number of entries minus 1). */
#define LAPIC_NR_LVT_BASE	6

/* x2APIC mode keeps the 64-bit ICR at 0x300: the destination (high half)
 * is the dword at 0x304, where the CPU's RDMSR/WRMSR virtualization of MSR
 * 0x830 finds it (SDM Vol. 3C, "Virtualizing RDMSR and WRMSR"). */
#define APIC_ICR_X2APIC_HIGH	(APIC_ICR + sizeof(u32))

/* Divide configuration: value (bit 3 above bits 1:0) n selects 2^(n+1), the
 * value 111b wrapping round to 1 (SDM "APIC Timer"). */
#define APIC_TDCR_HIGH_TO_VALUE	1	/* bit 3 → value bit 2 */
#define APIC_TDCR_VALUE_MASK	0x7u

/* CR8 holds TPR bits 7:4 (SDM "Task Priority in IA-32e Mode"). */
#define APIC_TPR_CR8_SHIFT	4
#define CR8_TPR_MASK		0xfull

#define BITS_PER_BYTE		8
#define BYTE_MASK		0xffu

/* IA32_APIC_BASE EN/EXTD combinations (SDM "x2APIC State Transitions"). */
enum lapic_mode {
	LAPIC_MODE_DISABLED = 0,
	LAPIC_MODE_INVALID = MSR_IA32_APICBASE_EXTD,
	LAPIC_MODE_XAPIC = MSR_IA32_APICBASE_ENABLE,
	LAPIC_MODE_X2APIC = MSR_IA32_APICBASE_ENABLE | MSR_IA32_APICBASE_EXTD,
};

/* Every LVT entry, CMCI last so that the first nr_lvt are the ones present. */
static const u32 apic_lvt_regs[] = {
	APIC_LVTT, APIC_LVTTHMR, APIC_LVTPC, APIC_LVT0, APIC_LVT1,
	APIC_LVTERR, APIC_LVTCMCI,
};

/* ---- small helpers ---------------------------------------------------- */

static enum lapic_mode apic_mode_of(u64 base)
{
	return (enum lapic_mode)(base & (MSR_IA32_APICBASE_ENABLE |
					 MSR_IA32_APICBASE_EXTD));
}

static bool apic_has(const struct kvm_lapic *apic, u32 feature)
{
	return apic->features & feature;
}

static unsigned int apic_nr_lvt(const struct kvm_lapic *apic)
{
	return LAPIC_NR_LVT_BASE + (apic_has(apic, LAPIC_FEAT_CMCI) ? 1 : 0);
}

static u32 apic_version(const struct kvm_lapic *apic)
{
	u32 v = APIC_VERSION |
		((apic_nr_lvt(apic) - 1) << APIC_LVR_MAX_LVT_SHIFT);

	if (apic_has(apic, LAPIC_FEAT_DIRECTED_EOI))
		v |= APIC_LVR_DIRECTED_EOI;
	return v;
}

static u64 apic_now(const struct kvm_lapic *apic)
{
	return apic->ops && apic->ops->read_tsc ?
		apic->ops->read_tsc(apic->ctx) : 0;
}

static u32 apic_vector_reg(u32 base, u32 vector)
{
	return base + (vector / APIC_VECTORS_PER_REG) * APIC_REG_STRIDE;
}

static u32 apic_vector_bit(u32 vector)
{
	return BIT(vector % APIC_VECTORS_PER_REG);
}

static void apic_set_vector(struct kvm_lapic *apic, u32 base, u32 vector)
{
	u32 reg = apic_vector_reg(base, vector);

	kvm_lapic_set_reg(apic, reg, kvm_lapic_get_reg(apic, reg) |
				     apic_vector_bit(vector));
}

static void apic_clear_vector(struct kvm_lapic *apic, u32 base, u32 vector)
{
	u32 reg = apic_vector_reg(base, vector);

	kvm_lapic_set_reg(apic, reg, kvm_lapic_get_reg(apic, reg) &
				     ~apic_vector_bit(vector));
}

static bool apic_test_vector(const struct kvm_lapic *apic, u32 base,
			     u32 vector)
{
	return kvm_lapic_get_reg(apic, apic_vector_reg(base, vector)) &
	       apic_vector_bit(vector);
}

static int apic_find_highest_vector(const struct kvm_lapic *apic, u32 base)
{
	int i;

	for (i = APIC_NR_VECTOR_REGS - 1; i >= 0; i--) {
		u32 v = kvm_lapic_get_reg(apic, base + i * APIC_REG_STRIDE);

		if (v)
			return i * APIC_VECTORS_PER_REG +
			       (APIC_VECTORS_PER_REG - 1 - __builtin_clz(v));
	}
	return -1;
}

/* ISR, TMR and IRR are contiguous: 24 register slots from 0x100. */
static bool apic_is_vector_reg(u32 reg)
{
	return reg >= APIC_ISR &&
	       reg < APIC_IRR + APIC_NR_VECTOR_REGS * APIC_REG_STRIDE;
}

static bool apic_is_lvt(const struct kvm_lapic *apic, u32 reg)
{
	unsigned int i;

	for (i = 0; i < apic_nr_lvt(apic); i++)
		if (apic_lvt_regs[i] == reg)
			return true;
	return false;
}

int apic_find_highest_irr(const struct kvm_lapic *apic)
{
	return apic_find_highest_vector(apic, APIC_IRR);
}

int apic_find_highest_isr(const struct kvm_lapic *apic)
{
	return apic_find_highest_vector(apic, APIC_ISR);
}

/* ---- mode and identity ------------------------------------------------ */

bool kvm_apic_hw_enabled(const struct kvm_lapic *apic)
{
	return apic->apic_base & MSR_IA32_APICBASE_ENABLE;
}

bool kvm_apic_sw_enabled(const struct kvm_lapic *apic)
{
	return kvm_lapic_get_reg(apic, APIC_SPIV) & APIC_SPIV_APIC_ENABLED;
}

bool apic_x2apic_mode(const struct kvm_lapic *apic)
{
	return apic_mode_of(apic->apic_base) == LAPIC_MODE_X2APIC;
}

u32 kvm_apic_id(const struct kvm_lapic *apic)
{
	u32 id = kvm_lapic_get_reg(apic, APIC_ID);

	return apic_x2apic_mode(apic) ? id :
	       (id >> APIC_XAPIC_ID_SHIFT) & APIC_XAPIC_ID_MASK;
}

static void apic_set_xapic_id(struct kvm_lapic *apic, u32 id)
{
	kvm_lapic_set_reg(apic, APIC_ID,
			  (id & APIC_XAPIC_ID_MASK) << APIC_XAPIC_ID_SHIFT);
}

/*
 * x2APIC mode: the ID register holds all 32 bits of the x2APIC ID, and the
 * read-only LDR is derived from it, cluster (ID 31:4) in bits 31:16 and one
 * bit for ID 3:0 in bits 15:0 (SDM "Logical Destination Mode in x2APIC
 * Mode").
 */
static void apic_set_x2apic_id(struct kvm_lapic *apic)
{
	u32 id = apic->apic_id;
	u32 ldr = ((id >> APIC_X2APIC_MEMBER_BITS) <<
		   APIC_X2APIC_CLUSTER_SHIFT) |
		  BIT(id & APIC_X2APIC_MEMBER_MASK);

	kvm_lapic_set_reg(apic, APIC_ID, id);
	kvm_lapic_set_reg(apic, APIC_LDR, ldr);
}

/* ---- priorities ------------------------------------------------------- */

/*
 * PPR (SDM "Processor Priority Register (PPR)"): the larger of TPR and the
 * in-service vector by priority class; the sub-class is TPR's when TPR's
 * class wins (or ties) and 0 otherwise.
 */
void kvm_apic_update_ppr(struct kvm_lapic *apic)
{
	u32 tpr = kvm_lapic_get_reg(apic, APIC_TASKPRI) & APIC_TPR_MASK;
	int isr = apic_find_highest_isr(apic);
	u32 isrv = isr < 0 ? 0 : (u32)isr;
	u32 ppr;

	if ((tpr & APIC_PRIO_CLASS_MASK) >= (isrv & APIC_PRIO_CLASS_MASK))
		ppr = tpr;
	else
		ppr = isrv & APIC_PRIO_CLASS_MASK;
	kvm_lapic_set_reg(apic, APIC_PROCPRI, ppr);
}

void kvm_lapic_set_tpr(struct kvm_lapic *apic, u64 cr8)
{
	kvm_lapic_set_reg(apic, APIC_TASKPRI,
			  (u32)(cr8 & CR8_TPR_MASK) << APIC_TPR_CR8_SHIFT);
	kvm_apic_update_ppr(apic);
}

u64 kvm_lapic_get_cr8(const struct kvm_lapic *apic)
{
	return (kvm_lapic_get_reg(apic, APIC_TASKPRI) & APIC_TPR_MASK) >>
	       APIC_TPR_CR8_SHIFT;
}

/* ---- interrupt acceptance --------------------------------------------- */

/*
 * Record errors (SDM "Error Handling"): they accumulate until the next ESR
 * write makes them visible, and each detection signals the error interrupt
 * through LVT Error.  An illegal vector in LVT Error itself is one more
 * error, recorded without another delivery attempt.
 */
static void apic_set_error(struct kvm_lapic *apic, u32 errors)
{
	u32 lvt = kvm_lapic_get_reg(apic, APIC_LVTERR);

	apic->esr_pending |= errors;
	if (lvt & APIC_LVT_MASKED)
		return;
	if ((lvt & APIC_LVT_VECTOR_MASK) < APIC_FIRST_LEGAL_VECTOR) {
		apic->esr_pending |= APIC_ESR_RECVILL;
		return;
	}
	kvm_apic_local_deliver(apic, APIC_LVTERR);
}

bool kvm_apic_set_irq(struct kvm_lapic *apic, const struct kvm_lapic_irq *irq)
{
	u32 vector = irq->vector & APIC_VECTOR_MASK;

	if (!kvm_apic_hw_enabled(apic))
		return false;

	switch (irq->delivery_mode) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		/* Lowest priority was arbitrated by the platform; here it is
		 * a fixed interrupt (SDM "Interrupt Command Register"). */
		if (vector < APIC_FIRST_LEGAL_VECTOR) {
			apic_set_error(apic, APIC_ESR_RECVILL);
			return false;
		}
		/* A software-disabled APIC takes no new maskable interrupts
		 * (SDM "Local APIC State After It Has Been Software
		 * Disabled"). */
		if (!kvm_apic_sw_enabled(apic))
			return false;
		apic_set_vector(apic, APIC_IRR, vector);
		if (irq->trig_mode == APIC_TRIG_LEVEL)
			apic_set_vector(apic, APIC_TMR, vector);
		else
			apic_clear_vector(apic, APIC_TMR, vector);
		return true;
	case APIC_DM_NMI:
		apic->pending_events |= BIT(KVM_APIC_NMI);
		return true;
	case APIC_DM_INIT:
		/* INIT level de-assert only synchronised arbitration IDs on
		 * old processors; it is not an INIT (SDM "Interrupt Command
		 * Register"). */
		if (irq->trig_mode == APIC_TRIG_LEVEL && !irq->level)
			return false;
		/* A SIPI from before this INIT is void: only a SIPI after it
		 * starts the processor. */
		apic->pending_events = (apic->pending_events &
					~BIT(KVM_APIC_SIPI)) | BIT(KVM_APIC_INIT);
		return true;
	case APIC_DM_STARTUP:
		apic->sipi_vector = vector;
		apic->pending_events |= BIT(KVM_APIC_SIPI);
		return true;
	default:
		/* SMI (no SMM here), ExtINT (the PIC's, see
		 * kvm_apic_accept_pic_intr()) and reserved modes. */
		return false;
	}
}

bool kvm_apic_local_deliver(struct kvm_lapic *apic, u32 lvt_reg)
{
	struct kvm_lapic_irq irq;
	u32 lvt;

	if (!kvm_apic_hw_enabled(apic) || !apic_is_lvt(apic, lvt_reg))
		return false;
	lvt = kvm_lapic_get_reg(apic, lvt_reg);
	if (lvt & APIC_LVT_MASKED)
		return false;

	/* Entries without a delivery-mode field (timer, error) read 000b
	 * there, which is fixed; only LINT0/1 have a trigger mode. */
	irq.vector = lvt & APIC_LVT_VECTOR_MASK;
	irq.delivery_mode = (lvt >> APIC_DM_SHIFT) & APIC_DM_MASK;
	irq.dest_mode = APIC_DEST_PHYSICAL;
	irq.level = 1;
	irq.trig_mode = (lvt & APIC_LVT_LEVEL_TRIGGER) ? APIC_TRIG_LEVEL :
							  APIC_TRIG_EDGE;
	irq.shorthand = APIC_DEST_SELF;
	irq.dest_id = kvm_apic_id(apic);
	if (irq.delivery_mode == APIC_DM_EXTINT)
		return false;
	return kvm_apic_set_irq(apic, &irq);
}

bool kvm_apic_accept_pic_intr(const struct kvm_lapic *apic)
{
	u32 lvt0 = kvm_lapic_get_reg(apic, APIC_LVT0);

	/* A disabled APIC passes INTR straight through (SDM "Local APIC
	 * Status and Location"); otherwise LINT0 must be an unmasked ExtINT
	 * entry (SDM "Local Vector Table"). */
	if (!kvm_apic_hw_enabled(apic))
		return true;
	return !(lvt0 & APIC_LVT_MASKED) &&
	       ((lvt0 >> APIC_DM_SHIFT) & APIC_DM_MASK) == APIC_DM_EXTINT;
}

/* ---- destination matching (SDM "Determining IPI Destination") -------- */

static bool apic_match_physical(const struct kvm_lapic *apic, u32 dest,
				const struct kvm_lapic *source)
{
	if (dest == X2APIC_BROADCAST)
		return true;
	/*
	 * 0xff is the xAPIC broadcast.  For an x2APIC target it still is when
	 * the message carries an 8-bit destination (I/O APIC, MSI: no
	 * source), as x2APIC-capable chipsets treat it.
	 */
	if (dest == APIC_BROADCAST && (!apic_x2apic_mode(apic) || !source))
		return true;
	return dest == kvm_apic_id(apic);
}

static bool apic_match_logical(const struct kvm_lapic *apic, u32 dest,
			       const struct kvm_lapic *source)
{
	u32 ldr = kvm_lapic_get_reg(apic, APIC_LDR);
	u32 logical_id;

	if (dest == X2APIC_BROADCAST)
		return true;
	if (apic_x2apic_mode(apic)) {
		if (dest == APIC_BROADCAST && !source)
			return true;
		/* SDM "Logical Destination Mode in x2APIC Mode". */
		return (dest >> APIC_X2APIC_CLUSTER_SHIFT) ==
			       (ldr >> APIC_X2APIC_CLUSTER_SHIFT) &&
		       (dest & ldr & APIC_X2APIC_CLUSTER_MEMBERS);
	}

	if (dest == APIC_BROADCAST)
		return true;
	if (dest > APIC_BROADCAST)
		return false;
	logical_id = ldr >> APIC_LDR_SHIFT;
	switch (kvm_lapic_get_reg(apic, APIC_DFR) >> APIC_DFR_MODEL_SHIFT) {
	case APIC_DFR_FLAT:
		/* SDM "Flat Model": any common bit of the 8-bit masks. */
		return logical_id & dest;
	case APIC_DFR_CLUSTER:
		/* SDM "Cluster Model": same cluster, common member bit. */
		return (dest >> APIC_XAPIC_CLUSTER_SHIFT) ==
			       (logical_id >> APIC_XAPIC_CLUSTER_SHIFT) &&
		       (dest & logical_id & APIC_XAPIC_CLUSTER_MEMBERS);
	default:
		return false;	/* reserved model */
	}
}

bool kvm_apic_match_dest(const struct kvm_lapic *apic,
			 const struct kvm_lapic_irq *irq,
			 const struct kvm_lapic *source)
{
	if (!kvm_apic_hw_enabled(apic))
		return false;

	switch (irq->shorthand) {
	case APIC_DEST_NOSHORT:
		if (irq->dest_mode == APIC_DEST_PHYSICAL)
			return apic_match_physical(apic, irq->dest_id, source);
		return apic_match_logical(apic, irq->dest_id, source);
	case APIC_DEST_SELF:
		return apic == source;
	case APIC_DEST_ALLINC:
		return true;
	case APIC_DEST_ALLBUT:
		return apic != source;
	default:
		return false;
	}
}

/* ---- in service and EOI ----------------------------------------------- */

int kvm_apic_has_interrupt(struct kvm_lapic *apic)
{
	int vector;
	u32 ppr;

	if (!kvm_apic_hw_enabled(apic))
		return -1;
	/* TPR may have changed in the page behind our back (TPR shadow). */
	kvm_apic_update_ppr(apic);
	ppr = kvm_lapic_get_reg(apic, APIC_PROCPRI);
	vector = apic_find_highest_irr(apic);
	/* SDM "Interrupt, Task, and Processor Priority": only a priority
	 * class above PPR's is delivered. */
	if (vector < 0 || ((u32)vector & APIC_PRIO_CLASS_MASK) <=
			  (ppr & APIC_PRIO_CLASS_MASK))
		return -1;
	return vector;
}

void kvm_apic_ack_interrupt(struct kvm_lapic *apic, int vector)
{
	if (vector < 0 || vector >= APIC_NR_VECTORS)
		return;
	apic_clear_vector(apic, APIC_IRR, vector);
	apic_set_vector(apic, APIC_ISR, vector);
	kvm_apic_update_ppr(apic);
}

/*
 * The EOI message to the I/O APICs for a level-triggered vector (SDM "EOI
 * Register"), unless software suppresses the broadcast and EOIs the I/O
 * APIC itself (SVR bit 12, only writable when advertised).
 */
static void apic_eoi_level(struct kvm_lapic *apic, u32 vector)
{
	if (!apic_test_vector(apic, APIC_TMR, vector))
		return;
	if (apic_has(apic, LAPIC_FEAT_DIRECTED_EOI) &&
	    (kvm_lapic_get_reg(apic, APIC_SPIV) & APIC_SPIV_DIRECTED_EOI))
		return;
	if (apic->ops && apic->ops->eoi_level)
		apic->ops->eoi_level(apic->ctx, (int)vector);
}

int kvm_apic_eoi(struct kvm_lapic *apic)
{
	int vector = apic_find_highest_isr(apic);

	if (vector < 0)
		return -1;
	apic_clear_vector(apic, APIC_ISR, vector);
	kvm_apic_update_ppr(apic);
	apic_eoi_level(apic, vector);
	return vector;
}

void kvm_apic_set_eoi_accelerated(struct kvm_lapic *apic, int vector)
{
	if (vector < 0 || vector >= APIC_NR_VECTORS)
		return;
	kvm_apic_update_ppr(apic);
	apic_eoi_level(apic, vector);
}

/* ---- timer (SDM "APIC Timer") ------------------------------------------ */

static u32 apic_lvtt_mode(const struct kvm_lapic *apic)
{
	return kvm_lapic_get_reg(apic, APIC_LVTT) & APIC_LVT_TIMER_MASK;
}

static bool apic_lvtt_tscdeadline(const struct kvm_lapic *apic)
{
	return apic_lvtt_mode(apic) == APIC_LVT_TIMER_TSCDEADLINE;
}

static u32 apic_divide_count(u32 tdcr)
{
	u32 value = (tdcr & APIC_TDCR_LOW_MASK) |
		    ((tdcr & APIC_TDCR_HIGH_BIT) >> APIC_TDCR_HIGH_TO_VALUE);

	return BIT((value + 1) & APIC_TDCR_VALUE_MASK);
}

static u32 apic_timer_divisor(const struct kvm_lapic *apic)
{
	return apic_divide_count(kvm_lapic_get_reg(apic, APIC_TDCR));
}

static void apic_cancel_timer(struct kvm_lapic *apic)
{
	apic->lapic_timer.armed = false;
	apic->lapic_timer.tscdeadline = 0;
}

/*
 * One-shot and periodic count down from the initial count, one count per
 * divisor TSC ticks; the reserved mode 11b counts like one-shot.  Writing
 * the initial count (re)starts the count, 0 stops it.
 */
static void apic_start_count_timer(struct kvm_lapic *apic, u64 now)
{
	struct kvm_timer *t = &apic->lapic_timer;
	u32 tmict = kvm_lapic_get_reg(apic, APIC_TMICT);

	if (!tmict || apic_lvtt_tscdeadline(apic)) {
		apic_cancel_timer(apic);
		return;
	}
	t->period = (u64)tmict * apic_timer_divisor(apic);
	t->target = now + t->period;
	t->armed = true;
}

/*
 * Current count at @now: the counts left until the deadline, rounded up so
 * that the register reads the initial count right after the write and
 * drops by one every divisor ticks.  A periodic timer past its deadline
 * that nobody checked yet has already reloaded in hardware.
 */
static u32 apic_get_tmcct(const struct kvm_lapic *apic, u64 now)
{
	const struct kvm_timer *t = &apic->lapic_timer;
	u32 div = apic_timer_divisor(apic);
	u64 remaining, count;

	if (!t->armed || apic_lvtt_tscdeadline(apic))
		return 0;
	if (now < t->target)
		remaining = t->target - now;
	else if (apic_lvtt_mode(apic) == APIC_LVT_TIMER_PERIODIC)
		remaining = t->period - (now - t->target) % t->period;
	else
		return 0;
	count = (remaining + div - 1) / div;
	return (u32)MIN(count, (u64)kvm_lapic_get_reg(apic, APIC_TMICT));
}

/* A new divisor takes effect from now on: the counts left are kept and run
 * at the new rate. */
static void apic_write_tdcr(struct kvm_lapic *apic, u32 val)
{
	struct kvm_timer *t = &apic->lapic_timer;
	u64 now = apic_now(apic);
	u32 count = apic_get_tmcct(apic, now);
	u32 div;

	kvm_lapic_set_reg(apic, APIC_TDCR, val & APIC_TDCR_MASK);
	if (!t->armed || apic_lvtt_tscdeadline(apic))
		return;
	div = apic_timer_divisor(apic);
	t->period = (u64)kvm_lapic_get_reg(apic, APIC_TMICT) * div;
	/* An expiry already due stays due for kvm_lapic_timer_check(). */
	if (now < t->target)
		t->target = now + (u64)count * div;
}

int kvm_lapic_write_tsc_deadline(struct kvm_lapic *apic, u64 deadline)
{
	struct kvm_timer *t = &apic->lapic_timer;

	/* SDM "TSC-Deadline Mode": writes outside that mode are ignored. */
	if (!kvm_apic_hw_enabled(apic) || !apic_lvtt_tscdeadline(apic))
		return 0;
	t->tscdeadline = deadline;
	t->target = deadline;
	t->armed = deadline != 0;
	return 0;
}

u64 kvm_lapic_get_tsc_deadline(const struct kvm_lapic *apic)
{
	if (!kvm_apic_hw_enabled(apic) || !apic_lvtt_tscdeadline(apic))
		return 0;
	return apic->lapic_timer.tscdeadline;
}

u64 kvm_lapic_next_deadline(const struct kvm_lapic *apic)
{
	return apic->lapic_timer.armed ? apic->lapic_timer.target : 0;
}

bool kvm_lapic_timer_check(struct kvm_lapic *apic, u64 now)
{
	struct kvm_timer *t = &apic->lapic_timer;

	if (!t->armed || now < t->target)
		return false;

	if (apic_lvtt_tscdeadline(apic)) {
		/* The timer disarms itself and clears IA32_TSC_DEADLINE. */
		apic_cancel_timer(apic);
	} else if (apic_lvtt_mode(apic) == APIC_LVT_TIMER_PERIODIC) {
		/* Keep the phase of the original deadline (no drift); skip
		 * the periods already missed. */
		t->target += ((now - t->target) / t->period + 1) * t->period;
	} else {
		t->armed = false;
	}
	return kvm_apic_local_deliver(apic, APIC_LVTT);
}

/* ---- register writes -------------------------------------------------- */

/* Bits software may set in an LVT entry. */
static u32 apic_lvt_writable(const struct kvm_lapic *apic, u32 reg)
{
	const u32 base = APIC_LVT_VECTOR_MASK | APIC_LVT_MASKED;

	switch (reg) {
	case APIC_LVTT:
		return base | (apic_has(apic, LAPIC_FEAT_TSC_DEADLINE) ?
			       APIC_LVT_TIMER_MASK : APIC_LVT_TIMER_PERIODIC);
	case APIC_LVT0:
	case APIC_LVT1:
		return base | APIC_LVT_DM_MASK | APIC_LVT_POLARITY_LOW |
		       APIC_LVT_LEVEL_TRIGGER;
	case APIC_LVTERR:
		return base;
	default:	/* thermal, performance counters, CMCI */
		return base | APIC_LVT_DM_MASK;
	}
}

/* Bits that are not reserved: the writable ones and the read-only status
 * bits (which a write of a value read back may carry). */
static u32 apic_lvt_known(const struct kvm_lapic *apic, u32 reg)
{
	u32 known = apic_lvt_writable(apic, reg) | APIC_LVT_SEND_PENDING;

	if (reg == APIC_LVT0 || reg == APIC_LVT1)
		known |= APIC_LVT_REMOTE_IRR;
	return known;
}

static int apic_write_lvt(struct kvm_lapic *apic, u32 reg, u32 val,
			  bool x2apic)
{
	/* The mode the timer runs in, not the page's LVT Timer: after an
	 * APIC-write VM exit the page already holds the new value. */
	u32 old_mode = apic->lapic_timer.timer_mode;
	u32 v;

	if (x2apic && (val & ~apic_lvt_known(apic, reg)))
		return -EINVAL;
	v = val & apic_lvt_writable(apic, reg);
	/* SDM "Local APIC State After It Has Been Software Disabled": the
	 * mask bits stay set. */
	if (!kvm_apic_sw_enabled(apic))
		v |= APIC_LVT_MASKED;
	kvm_lapic_set_reg(apic, reg, v);
	if (reg == APIC_LVTT)
		apic->lapic_timer.timer_mode = v & APIC_LVT_TIMER_MASK;

	/* SDM "TSC-Deadline Mode": moving into or out of TSC-deadline mode
	 * disarms the timer.  One-shot ↔ periodic keeps counting; the mode
	 * at expiry decides whether it reloads. */
	if (reg == APIC_LVTT &&
	    (old_mode == APIC_LVT_TIMER_TSCDEADLINE) !=
	    ((v & APIC_LVT_TIMER_MASK) == APIC_LVT_TIMER_TSCDEADLINE)) {
		apic_cancel_timer(apic);
		kvm_lapic_set_reg(apic, APIC_TMICT, 0);
	}
	return 0;
}

static int apic_write_spiv(struct kvm_lapic *apic, u32 val, bool x2apic)
{
	u32 writable = APIC_SPIV_VECTOR_MASK | APIC_SPIV_APIC_ENABLED |
		       APIC_SPIV_FOCUS_DISABLED;
	unsigned int i;

	if (apic_has(apic, LAPIC_FEAT_DIRECTED_EOI))
		writable |= APIC_SPIV_DIRECTED_EOI;
	if (x2apic && (val & ~writable))
		return -EINVAL;
	kvm_lapic_set_reg(apic, APIC_SPIV, val & writable);
	/* Software disable sets every LVT mask bit. */
	if (!(val & APIC_SPIV_APIC_ENABLED))
		for (i = 0; i < apic_nr_lvt(apic); i++)
			kvm_lapic_set_reg(apic, apic_lvt_regs[i],
					  kvm_lapic_get_reg(apic,
							    apic_lvt_regs[i]) |
					  APIC_LVT_MASKED);
	return 0;
}

/*
 * Send the message in ICR (SDM "Interrupt Command Register (ICR)").  Every
 * destination, the self shorthand included, goes through ops->send_ipi so
 * one routing path sees every IPI; without that callback only this APIC
 * can receive.
 */
static void apic_send_ipi(struct kvm_lapic *apic, u32 icr_low, u32 icr_high)
{
	struct kvm_lapic_irq irq = {
		.vector = icr_low & APIC_ICR_VECTOR_MASK,
		.delivery_mode = (icr_low >> APIC_DM_SHIFT) & APIC_DM_MASK,
		.dest_mode = (icr_low & APIC_ICR_DEST_LOGICAL) ?
			     APIC_DEST_LOGICAL : APIC_DEST_PHYSICAL,
		.level = (icr_low & APIC_ICR_LEVEL_ASSERT) ? 1 : 0,
		.trig_mode = (icr_low & APIC_ICR_LEVEL_TRIG) ?
			     APIC_TRIG_LEVEL : APIC_TRIG_EDGE,
		.shorthand = (icr_low >> APIC_SHORT_SHIFT) & APIC_SHORT_MASK,
		.dest_id = apic_x2apic_mode(apic) ? icr_high :
			   icr_high >> APIC_ICR2_DEST_SHIFT,
	};

	if ((irq.delivery_mode == APIC_DM_FIXED ||
	     irq.delivery_mode == APIC_DM_LOWEST) &&
	    irq.vector < APIC_FIRST_LEGAL_VECTOR) {
		apic_set_error(apic, APIC_ESR_SENDILL);
		return;
	}
	if (apic->ops && apic->ops->send_ipi)
		apic->ops->send_ipi(apic->ctx, &irq);
	else if (kvm_apic_match_dest(apic, &irq, apic))
		kvm_apic_set_irq(apic, &irq);
}

/* SELF IPI register (x2APIC): a fixed, edge-triggered interrupt to this
 * APIC alone, delivered here without the platform. */
static void apic_self_ipi(struct kvm_lapic *apic, u32 vector)
{
	struct kvm_lapic_irq irq = {
		.vector = vector,
		.delivery_mode = APIC_DM_FIXED,
		.dest_mode = APIC_DEST_PHYSICAL,
		.level = 1,
		.trig_mode = APIC_TRIG_EDGE,
		.shorthand = APIC_DEST_SELF,
		.dest_id = kvm_apic_id(apic),
	};

	kvm_apic_set_irq(apic, &irq);
}

/*
 * Write one 32-bit register.  In xAPIC mode nothing faults: read-only
 * registers ignore writes, reserved bits are dropped, unimplemented
 * registers set ESR "illegal register address".  In x2APIC mode those cases
 * return -EINVAL (#GP), per SDM "x2APIC Register Address Space" and
 * "Reserved Bit Checking".  The 64-bit x2APIC ICR is not written here.
 */
static int apic_reg_write(struct kvm_lapic *apic, u32 reg, u32 val,
			  bool x2apic)
{
	if (apic_is_vector_reg(reg))
		return x2apic ? -EINVAL : 0;	/* read-only */
	if (apic_is_lvt(apic, reg))
		return apic_write_lvt(apic, reg, val, x2apic);

	switch (reg) {
	case APIC_ID:
		/* Writable in xAPIC mode; x2APIC's is set by hardware. */
		if (x2apic)
			return -EINVAL;
		kvm_lapic_set_reg(apic, APIC_ID,
				  val & (APIC_XAPIC_ID_MASK <<
					 APIC_XAPIC_ID_SHIFT));
		return 0;
	case APIC_TASKPRI:
		if (x2apic && (val & ~APIC_TPR_MASK))
			return -EINVAL;
		kvm_lapic_set_reg(apic, APIC_TASKPRI, val & APIC_TPR_MASK);
		kvm_apic_update_ppr(apic);
		return 0;
	case APIC_EOI:
		if (x2apic && val)
			return -EINVAL;
		kvm_apic_eoi(apic);
		return 0;
	case APIC_LDR:
		if (x2apic)
			return -EINVAL;
		kvm_lapic_set_reg(apic, APIC_LDR, val & APIC_LDR_MASK);
		return 0;
	case APIC_DFR:
		if (x2apic)
			return -EINVAL;
		kvm_lapic_set_reg(apic, APIC_DFR, (val & APIC_DFR_MODEL_MASK) |
						  APIC_DFR_RESERVED_ONES);
		return 0;
	case APIC_SPIV:
		return apic_write_spiv(apic, val, x2apic);
	case APIC_ESR:
		/* SDM "Error Handling": the write makes the errors detected
		 * since the previous write visible; the value is ignored
		 * (and must be 0 in x2APIC mode). */
		if (x2apic && val)
			return -EINVAL;
		kvm_lapic_set_reg(apic, APIC_ESR, apic->esr_pending);
		apic->esr_pending = 0;
		return 0;
	case APIC_ICR:
		if (x2apic)
			return -EINVAL;
		val &= APIC_ICR_WRITABLE;
		kvm_lapic_set_reg(apic, APIC_ICR, val);
		apic_send_ipi(apic, val, kvm_lapic_get_reg(apic, APIC_ICR2));
		return 0;
	case APIC_ICR2:
		if (x2apic)
			return -EINVAL;
		kvm_lapic_set_reg(apic, APIC_ICR2, val & APIC_ICR2_DEST_MASK);
		return 0;
	case APIC_TMICT:
		/* Ignored in TSC-deadline mode (SDM "TSC-Deadline Mode"),
		 * where the register stays 0 (entering the mode cleared it;
		 * an APIC-write VM exit may have stored the value). */
		if (apic_lvtt_tscdeadline(apic)) {
			kvm_lapic_set_reg(apic, APIC_TMICT, 0);
			return 0;
		}
		kvm_lapic_set_reg(apic, APIC_TMICT, val);
		apic_start_count_timer(apic, apic_now(apic));
		return 0;
	case APIC_TDCR:
		if (x2apic && (val & ~APIC_TDCR_MASK))
			return -EINVAL;
		apic_write_tdcr(apic, val);
		return 0;
	case APIC_SELF_IPI:
		if (!x2apic)
			break;	/* no register at 0x3f0 in xAPIC mode */
		if (val & ~APIC_SELF_IPI_VECTOR_MASK)
			return -EINVAL;
		apic_self_ipi(apic, val);
		return 0;
	case APIC_LVR:
	case APIC_PROCPRI:
	case APIC_TMCCT:
		return x2apic ? -EINVAL : 0;	/* read-only */
	case APIC_ARBPRI:
	case APIC_RRR:
		if (!x2apic)
			return 0;	/* read-only; absent in x2APIC mode */
		break;
	default:
		break;
	}

	/* No register here. */
	if (x2apic)
		return -EINVAL;
	apic_set_error(apic, APIC_ESR_ILLREGA);
	return 0;
}

/* ---- register reads --------------------------------------------------- */

static bool apic_reg_readable(const struct kvm_lapic *apic, u32 reg,
			      bool x2apic)
{
	if (apic_is_vector_reg(reg) || apic_is_lvt(apic, reg))
		return true;
	switch (reg) {
	case APIC_ID:
	case APIC_LVR:
	case APIC_TASKPRI:
	case APIC_PROCPRI:
	case APIC_LDR:
	case APIC_SPIV:
	case APIC_ESR:
	case APIC_ICR:
	case APIC_TMICT:
	case APIC_TMCCT:
	case APIC_TDCR:
		return true;
	case APIC_ARBPRI:
	case APIC_RRR:
	case APIC_DFR:
	case APIC_ICR2:
		return !x2apic;	/* no x2APIC MSR for these */
	case APIC_EOI:
		/* Write-only.  An xAPIC read returns 0; RDMSR faults. */
		return !x2apic;
	default:
		return false;	/* SELF IPI is write-only; others reserved */
	}
}

/* A readable 32-bit register.  APR and remote read are not modelled and
 * stay 0 in the page. */
static u32 apic_reg_read(const struct kvm_lapic *apic, u32 reg)
{
	if (reg == APIC_TMCCT)
		return apic_get_tmcct(apic, apic_now(apic));
	return kvm_lapic_get_reg(apic, reg);
}

/* ---- xAPIC MMIO --------------------------------------------------------- */

static bool apic_mmio_enabled(const struct kvm_lapic *apic)
{
	return apic_mode_of(apic->apic_base) == LAPIC_MODE_XAPIC;
}

static u32 apic_mmio_reg_read(struct kvm_lapic *apic, u32 reg)
{
	if (!apic_reg_readable(apic, reg, false)) {
		apic_set_error(apic, APIC_ESR_ILLREGA);
		return 0;
	}
	return apic_reg_read(apic, reg);
}

static u64 apic_mmio_read_bytes(struct kvm_lapic *apic, u64 offset,
				unsigned size)
{
	u32 cached_reg = ~0u, dword = 0;
	u64 val = 0;
	unsigned int i;

	if (!apic_mmio_enabled(apic))
		return io_size_mask(size);

	for (i = 0; i < size && i < sizeof(u64); i++) {
		u64 off = offset + i;
		u32 byte;

		if (off >= LAPIC_MMIO_LENGTH) {
			byte = BYTE_MASK;
		} else if ((off & (APIC_REG_STRIDE - 1)) >=
			   APIC_REG_DWORD_BYTES) {
			byte = 0;
		} else {
			u32 reg = (u32)off & ~(APIC_REG_STRIDE - 1);

			if (reg != cached_reg) {
				cached_reg = reg;
				dword = apic_mmio_reg_read(apic, reg);
			}
			byte = (dword >> ((off % APIC_REG_DWORD_BYTES) *
					  BITS_PER_BYTE)) & BYTE_MASK;
		}
		val |= (u64)byte << (i * BITS_PER_BYTE);
	}
	return val;
}

u32 kvm_lapic_mmio_read(struct kvm_lapic *apic, u32 offset, unsigned size)
{
	return (u32)apic_mmio_read_bytes(apic, offset,
					 MIN(size, (unsigned)sizeof(u32)));
}

void kvm_lapic_mmio_write(struct kvm_lapic *apic, u32 offset, unsigned size,
			  u32 value)
{
	if (!apic_mmio_enabled(apic) || offset >= LAPIC_MMIO_LENGTH)
		return;
	/* SDM "Local APIC Register Address Map": registers are written with
	 * aligned 32-bit stores; anything else is dropped. */
	if (size != sizeof(u32) || (offset & (APIC_REG_STRIDE - 1)))
		return;
	apic_reg_write(apic, offset, value, false);
}

static u64 lapic_bus_read(void *opaque, u64 offset, unsigned size)
{
	return apic_mmio_read_bytes(opaque, offset, size);
}

static void lapic_bus_write(void *opaque, u64 offset, unsigned size,
			    u64 value)
{
	if (offset < LAPIC_MMIO_LENGTH)
		kvm_lapic_mmio_write(opaque, (u32)offset, size, (u32)value);
}

const struct io_device_ops lapic_mmio_ops = {
	.read = lapic_bus_read,
	.write = lapic_bus_write,
};

/* ---- APIC-write VM exits ----------------------------------------------- */

void kvm_apic_write_nodecode(struct kvm_lapic *apic, u32 offset)
{
	u32 reg = offset & ~(APIC_REG_STRIDE - 1);

	if (apic_x2apic_mode(apic)) {
		u64 v = kvm_lapic_get_reg(apic, reg);

		if (reg == APIC_ICR)
			v |= (u64)kvm_lapic_get_reg(apic, APIC_ICR_X2APIC_HIGH)
			     << 32;
		kvm_x2apic_msr_write(apic, APIC_BASE_MSR +
					   (reg >> APIC_REG_SHIFT), v);
		return;
	}
	apic_reg_write(apic, reg, kvm_lapic_get_reg(apic, reg), false);
}

/* ---- x2APIC MSRs -------------------------------------------------------- */

static int apic_msr_to_reg(const struct kvm_lapic *apic, u32 msr, u32 *reg)
{
	/* SDM "x2APIC Register Availability": #GP outside x2APIC mode. */
	if (!apic_x2apic_mode(apic) || msr < APIC_BASE_MSR ||
	    msr > APIC_LAST_MSR)
		return -EINVAL;
	*reg = (msr - APIC_BASE_MSR) << APIC_REG_SHIFT;
	return 0;
}

int kvm_x2apic_msr_read(struct kvm_lapic *apic, u32 msr, u64 *data)
{
	u32 reg;

	if (apic_msr_to_reg(apic, msr, &reg) ||
	    !apic_reg_readable(apic, reg, true))
		return -EINVAL;
	if (reg == APIC_ICR)
		*data = kvm_lapic_get_reg(apic, APIC_ICR) |
			(u64)kvm_lapic_get_reg(apic, APIC_ICR_X2APIC_HIGH) <<
				32;
	else
		*data = apic_reg_read(apic, reg);
	return 0;
}

int kvm_x2apic_msr_write(struct kvm_lapic *apic, u32 msr, u64 data)
{
	u32 reg, low, high;

	if (apic_msr_to_reg(apic, msr, &reg))
		return -EINVAL;
	if (reg == APIC_ICR) {
		/* One 64-bit register, the destination in bits 63:32 (SDM
		 * "Interrupt Command Register (ICR)"); delivery status is
		 * read-only, not reserved. */
		low = (u32)data;
		high = (u32)(data >> 32);
		if (low & ~(APIC_ICR_WRITABLE | APIC_ICR_BUSY))
			return -EINVAL;
		low &= APIC_ICR_WRITABLE;
		kvm_lapic_set_reg(apic, APIC_ICR, low);
		kvm_lapic_set_reg(apic, APIC_ICR_X2APIC_HIGH, high);
		apic_send_ipi(apic, low, high);
		return 0;
	}
	/* Bits 63:32 of every other x2APIC MSR are reserved. */
	if (data >> 32)
		return -EINVAL;
	return apic_reg_write(apic, reg, (u32)data, true);
}

/* ---- reset and IA32_APIC_BASE ----------------------------------------- */

/*
 * Every register but the ID to its power-up value (SDM "Local APIC State
 * After Power-Up or Reset"): IRR, ISR, TMR, ICR, LDR, TPR, timer and
 * divide registers 0, LVTs masked, SVR 0xff, DFR all ones.  The timer
 * stops and no error is pending.
 */
static void apic_reset_regs(struct kvm_lapic *apic)
{
	u32 id = kvm_lapic_get_reg(apic, APIC_ID);
	unsigned int i;

	memset(apic->regs, 0, LAPIC_MMIO_LENGTH);
	kvm_lapic_set_reg(apic, APIC_ID, id);
	kvm_lapic_set_reg(apic, APIC_LVR, apic_version(apic));
	kvm_lapic_set_reg(apic, APIC_DFR, APIC_DFR_RESET);
	kvm_lapic_set_reg(apic, APIC_SPIV, APIC_SPIV_RESET);
	for (i = 0; i < apic_nr_lvt(apic); i++)
		kvm_lapic_set_reg(apic, apic_lvt_regs[i], APIC_LVT_RESET);
	apic_cancel_timer(apic);
	apic->lapic_timer.period = 0;
	apic->lapic_timer.target = 0;
	apic->lapic_timer.timer_mode = APIC_LVT_TIMER_ONESHOT;
	apic->esr_pending = 0;
}

void kvm_lapic_init(struct kvm_lapic *apic, void *regs_page, u32 apic_id,
		    const struct lapic_ops *ops, void *ctx)
{
	memset(apic, 0, sizeof(*apic));
	apic->regs = regs_page;
	apic->apic_id = apic_id;
	apic->ops = ops;
	apic->ctx = ctx;
	apic->features = LAPIC_FEAT_DEFAULT;
	apic->maxphyaddr = LAPIC_DEFAULT_MAXPHYADDR;
	memset(apic->regs, 0, LAPIC_MMIO_LENGTH);
	kvm_lapic_reset(apic, false);
}

void kvm_lapic_set_features(struct kvm_lapic *apic, u32 features)
{
	apic->features = features;
	kvm_lapic_set_reg(apic, APIC_LVR, apic_version(apic));
}

void kvm_lapic_reset(struct kvm_lapic *apic, bool bsp)
{
	apic->apic_base = APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE |
			  (bsp ? MSR_IA32_APICBASE_BSP : 0);
	apic_reset_regs(apic);
	apic_set_xapic_id(apic, apic->apic_id);
	apic->pending_events = 0;
	apic->sipi_vector = 0;
}

void kvm_lapic_reset_init(struct kvm_lapic *apic)
{
	apic_reset_regs(apic);
	/* The derived LDR belongs to the x2APIC ID, which INIT keeps. */
	if (apic_x2apic_mode(apic))
		apic_set_x2apic_id(apic);
}

/* IA32_APIC_BASE bits that exist (SDM "Local APIC Status and Location"). */
static u64 apic_base_valid_bits(const struct kvm_lapic *apic)
{
	u8 maxphyaddr = MIN(apic->maxphyaddr, (u8)(sizeof(u64) *
						   BITS_PER_BYTE - 1));
	u64 valid = MSR_IA32_APICBASE_BSP | MSR_IA32_APICBASE_ENABLE;

	if (apic_has(apic, LAPIC_FEAT_X2APIC))
		valid |= MSR_IA32_APICBASE_EXTD;
	return valid | (((1ull << maxphyaddr) - 1) & PAGE_MASK);
}

u64 kvm_lapic_get_base(const struct kvm_lapic *apic)
{
	return apic->apic_base;
}

u64 kvm_lapic_base_address(const struct kvm_lapic *apic)
{
	return apic->apic_base & apic_base_valid_bits(apic) & PAGE_MASK;
}

int kvm_lapic_set_base(struct kvm_lapic *apic, u64 value, bool host_initiated)
{
	enum lapic_mode old_mode = apic_mode_of(apic->apic_base);
	enum lapic_mode new_mode = apic_mode_of(value);
	u32 id;

	if ((value & ~apic_base_valid_bits(apic)) ||
	    new_mode == LAPIC_MODE_INVALID)
		return -EINVAL;
	/* SDM "x2APIC State Transitions": x2APIC is left only through the
	 * disabled state and entered only from xAPIC mode.  The host may
	 * restore any valid state. */
	if (!host_initiated &&
	    ((old_mode == LAPIC_MODE_X2APIC && new_mode == LAPIC_MODE_XAPIC) ||
	     (old_mode == LAPIC_MODE_DISABLED &&
	      new_mode == LAPIC_MODE_X2APIC)))
		return -EINVAL;

	apic->apic_base = value;
	if (old_mode == new_mode)
		return 0;

	switch (new_mode) {
	case LAPIC_MODE_DISABLED:
		/*
		 * Register state is lost (SDM "Local APIC Status and
		 * Location"); the ID survives, from x2APIC mode as the
		 * legacy 8-bit xAPIC ID (SDM "x2APIC State Transitions").
		 */
		id = old_mode == LAPIC_MODE_X2APIC ?
		     (apic->apic_id & APIC_XAPIC_ID_MASK) <<
			     APIC_XAPIC_ID_SHIFT :
		     kvm_lapic_get_reg(apic, APIC_ID);
		apic_reset_regs(apic);
		kvm_lapic_set_reg(apic, APIC_ID, id);
		break;
	case LAPIC_MODE_XAPIC:
		/* From disabled the registers are already reset; from x2APIC
		 * (host only) the ID and LDR go back to the xAPIC format. */
		if (old_mode == LAPIC_MODE_X2APIC) {
			apic_set_xapic_id(apic, apic->apic_id);
			kvm_lapic_set_reg(apic, APIC_LDR, 0);
			kvm_lapic_set_reg(apic, APIC_ICR_X2APIC_HIGH, 0);
		}
		break;
	case LAPIC_MODE_X2APIC:
		/* SDM "State Changes From xAPIC Mode to x2APIC Mode": the
		 * x2APIC ID is the initial one and LDR is derived from it.
		 * The ICR destination moves to its x2APIC place. */
		apic_set_x2apic_id(apic);
		kvm_lapic_set_reg(apic, APIC_ICR_X2APIC_HIGH,
				  kvm_lapic_get_reg(apic, APIC_ICR2) >>
				  APIC_ICR2_DEST_SHIFT);
		kvm_lapic_set_reg(apic, APIC_ICR2, 0);
		break;
	default:
		break;
	}
	return 0;
}

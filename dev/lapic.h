/* SPDX-License-Identifier: MIT */
/*
 * Local APIC register model (SDM Vol. 3A, chapter "Advanced Programmable
 * Interrupt Controller (APIC)").
 *
 * The register state lives in one 4 KiB page in the xAPIC MMIO layout: each
 * register is the first dword of a 16-byte slot (offset 0xNN0), and ISR, TMR
 * and IRR are eight such dwords each.  Every register read goes to that
 * page, so the hypervisor can hand the same page to the CPU as the
 * virtual-APIC page (SDM Vol. 3C, "APIC Virtualization and Virtual
 * Interrupts") and the CPU's TPR shadow, virtual-interrupt delivery and EOI
 * virtualization act on the very registers this model reads.  The one
 * exception is the timer's current count, which is computed from the TSC on
 * every read (the CPU never virtualizes that read either).
 *
 * Two front ends reach the registers: xAPIC MMIO (EPT violations on the
 * APIC page, through kvm_lapic_mmio_read/write or lapic_mmio_ops) and the
 * x2APIC MSRs 0x800-0x8ff (RDMSR/WRMSR exits).  The model does not know the
 * other vCPUs: interrupt messages leave through ops->send_ipi and arrive
 * through kvm_apic_match_dest() + kvm_apic_set_irq(), called by the
 * platform for every local APIC.
 *
 * Choices (the SDM leaves them to the implementation):
 *  - Version 0x14 with six LVT entries (timer, thermal, performance
 *    counters, LINT0, LINT1, error), i.e. 0x50014, what a Pentium 4 / Xeon
 *    reports.  LVT CMCI (a seventh entry, Max LVT 6) and EOI-broadcast
 *    suppression (version bit 24, SVR bit 12) exist only when enabled with
 *    kvm_lapic_set_features(); x2APIC and TSC-deadline mode are on by
 *    default.
 *  - Message delivery is instantaneous: the delivery-status bits of the ICR
 *    and the LVTs always read 0 (idle), and remote IRR of LINT0/LINT1 is
 *    not modelled (reads 0).
 *  - The timer counts at the TSC rate divided by the divide configuration
 *    (the "bus clock" is the TSC).  A guest that calibrates the APIC timer
 *    against RDTSC then measures an exact ratio, and expiries map directly
 *    onto the TSC deadlines the VMX-preemption timer is programmed from.
 */
#ifndef TVX_DEV_LAPIC_H
#define TVX_DEV_LAPIC_H

#include "dev/apic_irq.h"
#include "dev/bus.h"

/* IA32_APIC_BASE (SDM Vol. 3A, "Local APIC Status and Location"). */
#define MSR_IA32_APICBASE_BSP		BIT(8)
#define MSR_IA32_APICBASE_EXTD		BIT(10)	/* x2APIC mode */
#define MSR_IA32_APICBASE_ENABLE	BIT(11)
#define MSR_IA32_APICBASE_BASE_SHIFT	PAGE_SHIFT
#define APIC_DEFAULT_PHYS_BASE		0xfee00000ull
#define LAPIC_MMIO_LENGTH		PAGE_SIZE
/* MAXPHYADDR assumed until the caller sets apic->maxphyaddr. */
#define LAPIC_DEFAULT_MAXPHYADDR	36

/* MSR_IA32_TSC_DEADLINE (SDM Vol. 3A, "TSC-Deadline Mode"). */
#define MSR_IA32_TSC_DEADLINE		0x6e0

/* x2APIC MSRs: MSR = APIC_BASE_MSR + (MMIO offset >> 4). */
#define APIC_BASE_MSR			0x800
#define APIC_LAST_MSR			0x8ff
#define APIC_REG_SHIFT			4	/* 16-byte register slots */
#define APIC_REG_STRIDE			BIT(APIC_REG_SHIFT)
#define APIC_REG_DWORD_BYTES		4	/* slot bytes 4-15 reserved */

/* Register offsets in the page (SDM "Local APIC Register Address Map"). */
#define APIC_ID		0x020
#define APIC_LVR	0x030	/* version */
#define APIC_TASKPRI	0x080	/* TPR */
#define APIC_ARBPRI	0x090	/* APR */
#define APIC_PROCPRI	0x0a0	/* PPR */
#define APIC_EOI	0x0b0
#define APIC_RRR	0x0c0	/* remote read */
#define APIC_LDR	0x0d0
#define APIC_DFR	0x0e0
#define APIC_SPIV	0x0f0	/* spurious-interrupt vector register */
#define APIC_ISR	0x100	/* 8 registers */
#define APIC_TMR	0x180	/* 8 registers */
#define APIC_IRR	0x200	/* 8 registers */
#define APIC_ESR	0x280
#define APIC_LVTCMCI	0x2f0
#define APIC_ICR	0x300	/* low; x2APIC: the 64-bit ICR at 0x300 */
#define APIC_ICR2	0x310	/* high, xAPIC only */
#define APIC_LVTT	0x320	/* timer */
#define APIC_LVTTHMR	0x330	/* thermal sensor */
#define APIC_LVTPC	0x340	/* performance counters */
#define APIC_LVT0	0x350	/* LINT0 */
#define APIC_LVT1	0x360	/* LINT1 */
#define APIC_LVTERR	0x370	/* error */
#define APIC_TMICT	0x380	/* timer initial count */
#define APIC_TMCCT	0x390	/* timer current count */
#define APIC_TDCR	0x3e0	/* timer divide configuration */
#define APIC_SELF_IPI	0x3f0	/* x2APIC only */
#define APIC_REG_LAST	0x3f0

/* ISR/TMR/IRR: 256 vectors in 8 dwords at a stride of one register slot. */
#define APIC_VECTORS_PER_REG	32
#define APIC_NR_VECTOR_REGS	8
#define APIC_VECTOR_MASK	0xffu
#define APIC_NR_VECTORS		256
/* Vectors 0-15 are reserved: illegal for fixed and lowest-priority delivery. */
#define APIC_FIRST_LEGAL_VECTOR	16
/* Priority class of a vector, TPR or PPR: bits 7:4. */
#define APIC_PRIO_CLASS_MASK	0xf0u
#define APIC_PRIO_SUBCLASS_MASK	0x0fu

/* ID register: the 8-bit xAPIC ID in bits 31:24; x2APIC: all 32 bits. */
#define APIC_XAPIC_ID_SHIFT	24
#define APIC_XAPIC_ID_MASK	0xffu

/* Version register. */
#define APIC_VERSION		0x14	/* integrated, Pentium 4 on */
#define APIC_LVR_MAX_LVT_SHIFT	16	/* number of LVT entries - 1 */
#define APIC_LVR_DIRECTED_EOI	BIT(24)	/* EOI broadcast suppressible */

/* TPR: bits 7:0, the rest reserved. */
#define APIC_TPR_MASK		0xffu

/* LDR (xAPIC) and DFR. */
#define APIC_LDR_SHIFT		24	/* logical ID in bits 31:24 */
#define APIC_LDR_MASK		(0xffu << APIC_LDR_SHIFT)
#define APIC_DFR_MODEL_SHIFT	28
#define APIC_DFR_MODEL_MASK	(0xfu << APIC_DFR_MODEL_SHIFT)
#define APIC_DFR_FLAT		0xfu	/* model field values */
#define APIC_DFR_CLUSTER	0x0u
#define APIC_DFR_RESERVED_ONES	0x0fffffffu	/* 27:0 read as 1 */
#define APIC_DFR_RESET		0xffffffffu
/* xAPIC logical IDs: flat is an 8-bit mask; cluster: cluster 7:4, mask 3:0. */
#define APIC_XAPIC_CLUSTER_SHIFT	4
#define APIC_XAPIC_CLUSTER_MEMBERS	0xfu
/* x2APIC LDR: cluster (x2APIC ID 31:4) in 31:16, one bit of 16 in 15:0. */
#define APIC_X2APIC_CLUSTER_SHIFT	16
#define APIC_X2APIC_CLUSTER_MEMBERS	0xffffu
#define APIC_X2APIC_MEMBER_BITS		4
#define APIC_X2APIC_MEMBER_MASK		0xfu

/* Broadcast destinations. */
#define APIC_BROADCAST		0xffu
#define X2APIC_BROADCAST	0xffffffffu

/* Spurious-interrupt vector register. */
#define APIC_SPIV_VECTOR_MASK		0xffu
#define APIC_SPIV_APIC_ENABLED		BIT(8)
#define APIC_SPIV_FOCUS_DISABLED	BIT(9)
#define APIC_SPIV_DIRECTED_EOI		BIT(12)	/* no EOI broadcast */
#define APIC_SPIV_RESET			0xffu

/* Error status register bits (SDM "Error Handling"). */
#define APIC_ESR_SEND_CS	BIT(0)	/* send checksum (P6, Pentium) */
#define APIC_ESR_RECV_CS	BIT(1)
#define APIC_ESR_SEND_ACCEPT	BIT(2)
#define APIC_ESR_RECV_ACCEPT	BIT(3)
#define APIC_ESR_REDIR_IPI	BIT(4)	/* redirectable IPI */
#define APIC_ESR_SENDILL	BIT(5)	/* send illegal vector */
#define APIC_ESR_RECVILL	BIT(6)	/* receive illegal vector */
#define APIC_ESR_ILLREGA	BIT(7)	/* illegal register address */

/* Interrupt command register, low dword (apic_irq.h has the field shifts). */
#define APIC_ICR_VECTOR_MASK	0xffu
#define APIC_ICR_DEST_LOGICAL	BIT(APIC_DEST_MODE_SHIFT)
#define APIC_ICR_BUSY		BIT(12)	/* delivery status, RO */
#define APIC_ICR_LEVEL_ASSERT	BIT(14)
#define APIC_ICR_LEVEL_TRIG	BIT(APIC_TRIG_MODE_SHIFT)
#define APIC_ICR_SHORT_MASK	(APIC_SHORT_MASK << APIC_SHORT_SHIFT)
#define APIC_ICR_DM_MASK	(APIC_DM_MASK << APIC_DM_SHIFT)
#define APIC_ICR_WRITABLE	(APIC_ICR_VECTOR_MASK | APIC_ICR_DM_MASK | \
				 APIC_ICR_DEST_LOGICAL | \
				 APIC_ICR_LEVEL_ASSERT | \
				 APIC_ICR_LEVEL_TRIG | APIC_ICR_SHORT_MASK)
/* ICR high dword: xAPIC destination in bits 31:24; x2APIC: all 32 bits. */
#define APIC_ICR2_DEST_SHIFT	24
#define APIC_ICR2_DEST_MASK	(0xffu << APIC_ICR2_DEST_SHIFT)

/* LVT entries (SDM "Local Vector Table"). */
#define APIC_LVT_VECTOR_MASK	0xffu
#define APIC_LVT_DM_MASK	(APIC_DM_MASK << APIC_DM_SHIFT)
#define APIC_LVT_SEND_PENDING	BIT(12)	/* delivery status, RO */
#define APIC_LVT_POLARITY_LOW	BIT(13)	/* LINT0/1 */
#define APIC_LVT_REMOTE_IRR	BIT(14)	/* LINT0/1, read-only */
#define APIC_LVT_LEVEL_TRIGGER	BIT(APIC_TRIG_MODE_SHIFT) /* LINT0/1 */
#define APIC_LVT_MASKED		BIT(16)
#define APIC_LVT_TIMER_SHIFT	17	/* timer mode, bits 18:17 */
#define APIC_LVT_TIMER_MASK	(0x3u << APIC_LVT_TIMER_SHIFT)
#define APIC_LVT_TIMER_ONESHOT	(0x0u << APIC_LVT_TIMER_SHIFT)
#define APIC_LVT_TIMER_PERIODIC	(0x1u << APIC_LVT_TIMER_SHIFT)
#define APIC_LVT_TIMER_TSCDEADLINE (0x2u << APIC_LVT_TIMER_SHIFT)
#define APIC_LVT_RESET		APIC_LVT_MASKED

/* Divide configuration register: bits 3, 1:0 select 2^(n+1), 111b = 1. */
#define APIC_TDCR_LOW_MASK	0x3u
#define APIC_TDCR_HIGH_BIT	BIT(3)
#define APIC_TDCR_MASK		(APIC_TDCR_LOW_MASK | APIC_TDCR_HIGH_BIT)

/* SELF IPI register: the vector in bits 7:0. */
#define APIC_SELF_IPI_VECTOR_MASK	0xffu

/* kvm_lapic_set_features() flags. */
#define LAPIC_FEAT_X2APIC	BIT(0)	/* IA32_APIC_BASE.EXTD settable */
#define LAPIC_FEAT_TSC_DEADLINE	BIT(1)	/* LVT timer mode 10b */
#define LAPIC_FEAT_CMCI		BIT(2)	/* LVT CMCI, 7 LVT entries */
#define LAPIC_FEAT_DIRECTED_EOI	BIT(3)	/* EOI broadcast suppression */
#define LAPIC_FEAT_DEFAULT	(LAPIC_FEAT_X2APIC | LAPIC_FEAT_TSC_DEADLINE)

/* apic->pending_events bits: events the vCPU code acts on. */
#define KVM_APIC_INIT		0
#define KVM_APIC_SIPI		1	/* vector in apic->sipi_vector */
#define KVM_APIC_NMI		2

struct lapic_ops {
	/* Guest TSC now.  NULL: time stands at 0. */
	u64 (*read_tsc)(void *ctx);
	/*
	 * Route an interrupt message written to the ICR (every destination,
	 * shorthands and self included): the platform calls
	 * kvm_apic_match_dest() with this APIC as the source and
	 * kvm_apic_set_irq() on every local APIC that matches.  Returns how
	 * many accepted (ignored by the model).  NULL: the message reaches
	 * this APIC alone, if it matches.
	 */
	int (*send_ipi)(void *ctx, const struct kvm_lapic_irq *irq);
	/* EOI of a vector whose TMR bit was set: tell the I/O APIC.  May be
	 * NULL. */
	void (*eoi_level)(void *ctx, int vector);
};

struct kvm_timer {
	u64 target;		/* TSC of the next expiry, when armed */
	u64 period;		/* initial count × divisor, in TSC ticks */
	u64 tscdeadline;	/* IA32_TSC_DEADLINE while armed, else 0 */
	u32 timer_mode;		/* APIC_LVT_TIMER_* of the last LVT Timer write */
	bool armed;
};

struct kvm_lapic {
	u8 *regs;		/* the 4 KiB register page, caller-provided */
	u64 apic_base;		/* IA32_APIC_BASE */
	u32 apic_id;		/* initial (x2)APIC ID, all 32 bits */
	u32 features;		/* LAPIC_FEAT_* */
	u8 maxphyaddr;		/* guest MAXPHYADDR: bounds the base */
	const struct lapic_ops *ops;
	void *ctx;
	struct kvm_timer lapic_timer;
	u32 esr_pending;	/* errors detected since the last ESR write */
	u32 pending_events;	/* BIT(KVM_APIC_*) */
	u8 sipi_vector;		/* vector of the last SIPI */
};

/*
 * Set up @apic over @regs_page (4 KiB, zeroed here) with initial APIC ID
 * @apic_id, LAPIC_FEAT_DEFAULT and the power-on state of a non-BSP
 * processor (call kvm_lapic_reset(apic, true) for the BSP).  @ops may be
 * NULL; @ctx is passed to every callback.
 */
void kvm_lapic_init(struct kvm_lapic *apic, void *regs_page, u32 apic_id,
		    const struct lapic_ops *ops, void *ctx);

/*
 * Choose the optional parts (LAPIC_FEAT_*) to match the guest's CPUID, then
 * call kvm_lapic_reset(): the version register follows at once, registers
 * only at the next reset.
 */
void kvm_lapic_set_features(struct kvm_lapic *apic, u32 features);

/*
 * Power-up (RESET) state, SDM "Local APIC State After Power-Up or Reset":
 * IA32_APIC_BASE = 0xfee00000 | EN | (@bsp ? BSP : 0), xAPIC mode, ID =
 * initial APIC ID, every LVT masked, SVR 0xff, DFR all ones, other registers
 * 0, timer stopped, no pending events.
 */
void kvm_lapic_reset(struct kvm_lapic *apic, bool bsp);

/*
 * INIT (SDM "Local APIC State After an INIT Reset (“Wait-for-SIPI”
 * State)", "x2APIC State Transitions"): like RESET except that
 * IA32_APIC_BASE (so the mode) and the ID register are kept.  Pending
 * events are left for the vCPU code.
 */
void kvm_lapic_reset_init(struct kvm_lapic *apic);

/* IA32_APIC_BASE. */
u64 kvm_lapic_get_base(const struct kvm_lapic *apic);
/*
 * WRMSR IA32_APIC_BASE.  -EINVAL (inject #GP) for reserved bits (7:0, 9,
 * EXTD without x2APIC support, bits at or above MAXPHYADDR), EXTD without
 * EN, and, unless @host_initiated, disabled→x2APIC and x2APIC→xAPIC.
 * Entering the disabled state resets the registers (keeping the ID);
 * entering x2APIC mode sets the 32-bit ID and the derived LDR.  The BSP
 * flag is writable.  A new base address is only recorded: the caller moves
 * the MMIO range (kvm_lapic_base_address()).
 */
int kvm_lapic_set_base(struct kvm_lapic *apic, u64 value, bool host_initiated);
/* Guest-physical address of the xAPIC MMIO page. */
u64 kvm_lapic_base_address(const struct kvm_lapic *apic);

bool kvm_apic_hw_enabled(const struct kvm_lapic *apic);	/* base EN */
bool kvm_apic_sw_enabled(const struct kvm_lapic *apic);	/* SVR bit 8 */
bool apic_x2apic_mode(const struct kvm_lapic *apic);	/* EN and EXTD */
/* The APIC ID messages are matched against: 8 bits in xAPIC mode. */
u32 kvm_apic_id(const struct kvm_lapic *apic);

/*
 * xAPIC MMIO at @offset (0-0xfff) from the base.  Reads of 1, 2 or 4 bytes
 * inside bytes 0-3 of a register slot return those bytes of the register;
 * bytes 4-15 of a slot read 0 (the SDM makes such accesses undefined).
 * Only aligned 32-bit writes reach a register; other writes are dropped.
 * Access to an unimplemented register sets ESR "illegal register address".
 * In x2APIC mode and when the APIC is disabled the registers are not
 * reachable: reads return all ones (nothing decodes the address) and writes
 * are dropped (SDM "x2APIC Register Availability").
 */
u32 kvm_lapic_mmio_read(struct kvm_lapic *apic, u32 offset, unsigned size);
void kvm_lapic_mmio_write(struct kvm_lapic *apic, u32 offset, unsigned size,
			  u32 value);
/* Bus glue, the opaque is the struct kvm_lapic; LAPIC_MMIO_LENGTH bytes.
 * Reads of any size are taken byte by byte as above (bytes past the page
 * read all ones); writes as kvm_lapic_mmio_write(). */
extern const struct io_device_ops lapic_mmio_ops;

/*
 * x2APIC MSRs 0x800-0x8ff.  -EINVAL (inject #GP) outside x2APIC mode, for
 * an MSR that names no register, reads of write-only registers (EOI, SELF
 * IPI), writes of read-only ones, reserved bits set (SDM "Reserved Bit
 * Checking"; bits 63:32 everywhere but the ICR) and non-zero EOI/ESR
 * writes.
 */
int kvm_x2apic_msr_read(struct kvm_lapic *apic, u32 msr, u64 *data);
int kvm_x2apic_msr_write(struct kvm_lapic *apic, u32 msr, u64 data);

/* CR8 = TPR[7:4] (SDM Vol. 3A, "Task Priority in IA-32e Mode"). */
void kvm_lapic_set_tpr(struct kvm_lapic *apic, u64 cr8);
u64 kvm_lapic_get_cr8(const struct kvm_lapic *apic);
/* Recompute PPR, e.g. after the CPU changed TPR in the page (TPR shadow). */
void kvm_apic_update_ppr(struct kvm_lapic *apic);

/*
 * Accept an interrupt message this APIC matched (kvm_apic_match_dest()).
 * Fixed and lowest priority: set IRR, and TMR for level / clear it for edge;
 * refused when the APIC is software-disabled, and vectors 0-15 set ESR
 * "receive illegal vector" instead.  NMI, INIT (not INIT level de-assert)
 * and SIPI set apic->pending_events (SIPI also apic->sipi_vector) even when
 * software-disabled.  SMI and ExtINT are not accepted (ExtINT comes from the
 * PIC, see kvm_apic_accept_pic_intr()).  Nothing is accepted while the
 * APIC is hardware-disabled.  Returns whether the message was accepted.
 */
bool kvm_apic_set_irq(struct kvm_lapic *apic, const struct kvm_lapic_irq *irq);

/*
 * Whether @apic is a destination of @irq.  @source is the sending local
 * APIC (ICR) or NULL (I/O APIC, MSI).  Shorthands: self, all including
 * self, all excluding self.  Physical: the APIC ID (8 bits in xAPIC mode,
 * 32 in x2APIC mode); 0xffffffff is a broadcast for every target, 0xff for
 * an xAPIC target, and for an x2APIC target only from a NULL source (an
 * 8-bit destination field).  Logical, xAPIC:
 * DFR flat (LDR bits AND destination) or cluster (same cluster, member bits
 * AND); x2APIC: cluster in dest 31:16, member mask in 15:0.  A
 * hardware-disabled APIC matches nothing.
 */
bool kvm_apic_match_dest(const struct kvm_lapic *apic,
			 const struct kvm_lapic_irq *irq,
			 const struct kvm_lapic *source);

/*
 * Deliver the interrupt an LVT entry (APIC_LVT0, APIC_LVT1, APIC_LVTPC, …)
 * describes to this APIC, unless it is masked.  LINT0 programmed for ExtINT
 * does nothing here: see kvm_apic_accept_pic_intr().  Returns whether an
 * interrupt or event was made pending.
 */
bool kvm_apic_local_deliver(struct kvm_lapic *apic, u32 lvt_reg);

/* Whether the 8259 PIC's INTR reaches the processor: the APIC is disabled,
 * or LVT LINT0 is unmasked with delivery mode ExtINT. */
bool kvm_apic_accept_pic_intr(const struct kvm_lapic *apic);

/* Highest vector set in IRR / ISR, or -1. */
int apic_find_highest_irr(const struct kvm_lapic *apic);
int apic_find_highest_isr(const struct kvm_lapic *apic);

/*
 * The vector the processor would take now: the highest IRR vector whose
 * priority class is above PPR's (recomputed first), or -1; always -1 while
 * the APIC is hardware-disabled.
 */
int kvm_apic_has_interrupt(struct kvm_lapic *apic);

/* Interrupt acknowledge: @vector moves from IRR to ISR and PPR follows. */
void kvm_apic_ack_interrupt(struct kvm_lapic *apic, int vector);

/*
 * EOI: clear the highest ISR bit, update PPR, and when that vector's TMR bit
 * is set tell the I/O APIC through ops->eoi_level (unless EOI-broadcast
 * suppression is advertised and enabled in SVR).  Returns the vector, or -1
 * when ISR was empty.
 */
int kvm_apic_eoi(struct kvm_lapic *apic);
/*
 * EOI-induced VM exit (SDM Vol. 3C, "EOI Virtualization"): the CPU has
 * already cleared @vector in ISR of the virtual-APIC page; do the rest of
 * the EOI for it (PPR, TMR → ops->eoi_level).
 */
void kvm_apic_set_eoi_accelerated(struct kvm_lapic *apic, int vector);

/*
 * APIC-write VM exit (SDM Vol. 3C, "APIC-Write Emulation"): the guest's
 * 32-bit write to the register at @offset is already in the page (the
 * virtual-APIC page is apic->regs); carry out its effects as if it had
 * been written through kvm_lapic_mmio_write() or, in x2APIC mode, WRMSR.
 */
void kvm_apic_write_nodecode(struct kvm_lapic *apic, u32 offset);

/*
 * IA32_TSC_DEADLINE.  The write arms the timer at TSC @deadline (0
 * disarms; a deadline already past expires at the next check) and is
 * ignored outside TSC-deadline mode; returns 0 (WRMSR never faults).  The
 * read returns the armed deadline, 0 once expired or outside TSC-deadline
 * mode.
 */
int kvm_lapic_write_tsc_deadline(struct kvm_lapic *apic, u64 deadline);
u64 kvm_lapic_get_tsc_deadline(const struct kvm_lapic *apic);

/* TSC value of the next timer expiry, or 0 when the timer is not armed. */
u64 kvm_lapic_next_deadline(const struct kvm_lapic *apic);

/*
 * Expire the timer if @now (guest TSC) has reached the deadline: the LVT
 * timer vector becomes pending in IRR unless the entry is masked (a masked
 * timer still runs and re-arms).  Periodic mode re-arms at the first
 * multiple of the period after @now counted from the previous deadline
 * (missed periods coalesce into the one interrupt, as the single IRR bit
 * would), one-shot and TSC-deadline disarm.  Returns whether an interrupt
 * was made pending.
 */
bool kvm_lapic_timer_check(struct kvm_lapic *apic, u64 now);

/* Raw page access (the dword at register offset @reg). */
typedef u32 __attribute__((may_alias)) apic_reg_t;

static inline u32 kvm_lapic_get_reg(const struct kvm_lapic *apic, u32 reg)
{
	return *(const apic_reg_t *)(apic->regs + reg);
}

static inline void kvm_lapic_set_reg(struct kvm_lapic *apic, u32 reg, u32 val)
{
	*(apic_reg_t *)(apic->regs + reg) = val;
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * VM and vCPU objects with a KVM-shaped internal API (seed 004):
 *
 *   kvm_create_vm()             KVM_CREATE_VM
 *   kvm_set_memory_region()     KVM_SET_USER_MEMORY_REGION
 *   kvm_vm_ioctl_create_vcpu()  KVM_CREATE_VCPU  -> vmx_create_vcpu()
 *   vcpu_load() / vcpu_put()    make the vCPU's VMCS current on this CPU
 *   kvm_arch_vcpu_ioctl_run()   KVM_RUN: vcpu_run() loops vcpu_enter_guest()
 *                               until an exit handler returns <= 0, then
 *                               returns to the device model with kvm_run.
 *
 * The layout is plain data so pure code (exec_controls.c) and unit tests can
 * build these objects on the host.
 */
#ifndef TVX_KVM_HOST_H
#define TVX_KVM_HOST_H

#include "tvx/types.h"
#include "virt/kvm_run.h"
#include "vmx/exit_reason.h"
#include "vmx/insn_decode.h"
#include "vmx/mtrr.h"

struct kvm_lapic;

#define KVM_MAX_VCPUS 8
#define KVM_MAX_MEMSLOTS 8

/* KVM's register numbering = the x86 encoding order (SDM "Register
 * Encodings"), so a decoded ModRM register indexes regs[] directly. */
enum kvm_reg {
	VCPU_REGS_RAX = 0,
	VCPU_REGS_RCX = 1,
	VCPU_REGS_RDX = 2,
	VCPU_REGS_RBX = 3,
	VCPU_REGS_RSP = 4,
	VCPU_REGS_RBP = 5,
	VCPU_REGS_RSI = 6,
	VCPU_REGS_RDI = 7,
	VCPU_REGS_R8 = 8,
	VCPU_REGS_R9 = 9,
	VCPU_REGS_R10 = 10,
	VCPU_REGS_R11 = 11,
	VCPU_REGS_R12 = 12,
	VCPU_REGS_R13 = 13,
	VCPU_REGS_R14 = 14,
	VCPU_REGS_R15 = 15,
	NR_VCPU_REGS = 16,
};

struct kvm_memory_slot {
	u64 base_gfn;
	u64 npages;
	u64 host_phys;		/* contiguous backing (identity-mapped) */
	const char *name;
};

/* Per-exit-reason statistics, like `perf kvm stat`. */
struct kvm_exit_stat {
	u64 count;
	u64 ticks;		/* TSC ticks from VM exit to the next VM entry */
	u64 max_ticks;
};

struct kvm_vcpu_stat {
	/* one per basic exit reason, and [EXIT_REASON_MAX] for the time
	 * after a failed VM entry (no exit reason); only the first are
	 * printed */
	struct kvm_exit_stat exits[EXIT_REASON_MAX + 1];
	u64 io_exits, mmio_exits, mmio_unassigned, hypercalls;
	u64 lapic_mmio;		/* xAPIC accesses emulated in the hypervisor */
	u64 injected_exceptions, injected_interrupts;
	u64 guest_ticks;	/* time spent in VMX non-root operation */
};

/* How the guest starts (the loader decides). */
enum vcpu_entry_mode {
	VCPU_ENTRY_PROTECTED_32,	/* multiboot: flat 32-bit, paging off */
	VCPU_ENTRY_REAL_MODE,		/* flat image: real mode at CS:IP */
};

/* Entry state the loader asks for. */
struct vcpu_boot_state {
	enum vcpu_entry_mode mode;
	u64 rip, rsp;		/* real mode: IP and SP */
	/* VCPU_ENTRY_REAL_MODE: the CS and SS selectors (segment base =
	 * selector << 4); DS, ES, FS and GS are 0 (loader/flat.h) */
	u16 real_cs, real_ss;
	u64 regs[NR_VCPU_REGS];
};

/* A pending instruction completion after the device model ran. */
enum vcpu_pending_op {
	PENDING_NONE,
	PENDING_PIO_IN,		/* write io_data into RAX */
	PENDING_PIO_STRING,	/* finish an INS/OUTS chunk */
	PENDING_MMIO_READ,	/* write mmio.data into the decoded register */
	PENDING_MMIO_WRITE,	/* advance RIP */
};

struct kvm_pending_exception {
	bool pending;
	u8 vector;
	bool has_error_code;
	u32 error_code;
};

/* vcpu->arch.requests (KVM's KVM_REQ_*): work before the next VM entry. */
#define KVM_REQ_EVENT		BIT(0)	/* re-evaluate interrupts and NMIs */
/* Sticky while a VM has several vCPUs: every entry re-arms the VMX
 * preemption timer for the end of the vCPU's time slice. */
#define KVM_REQ_SLICE		BIT(1)

/* What a vCPU is doing (KVM's KVM_MP_STATE_*). */
enum kvm_mp_state {
	KVM_MP_STATE_RUNNABLE,
	KVM_MP_STATE_INIT_RECEIVED,	/* wait-for-SIPI (an AP after INIT) */
	KVM_MP_STATE_HALTED,		/* in HLT, waiting for an event */
};

struct kvm_vcpu_arch {
	u32 requests;		/* KVM_REQ_* */
	enum kvm_mp_state mp_state;
	bool halt_if;		/* RFLAGS.IF when it halted */
	u64 slice_end;		/* guest TSC when the time slice ends, or 0 */
	struct kvm_lapic *apic;	/* in-kernel local APIC, see virt/irqchip.c */
	u64 efer;		/* guest-visible IA32_EFER */
	u64 pat;
	u64 tsc_offset;		/* TSC_OFFSET: guest TSC = host TSC + this */
	u64 tsc_adjust;		/* IA32_TSC_ADJUST as the guest sees it */
	/* guest XCR0; in the CPU from KVM_RUN entry to return (kvm_main.c) */
	u64 xcr0;
	struct kvm_mtrr mtrr;	/* guest MTRRs as written (all 0 at power-on) */
	/* the guest cleared IA32_MISC_ENABLE.FAST_STRING (set at power-on,
	 * so that a zeroed vCPU starts with the right value; vmx/msr.c) */
	bool misc_enable_no_fast_string;
	struct kvm_pending_exception exception;
	enum vcpu_pending_op pending;
	/* decoded instruction for PENDING_MMIO_*, chunk for PENDING_PIO_STRING */
	struct insn pending_insn;
	u64 pending_string_gva;	/* linear address of the chunk */
	u32 pending_string_count;
	/* saved "user return" MSRs the VMCS does not switch */
	u64 msr_kernel_gs_base, msr_star, msr_lstar, msr_cstar, msr_sfmask, msr_tsc_aux;
};

struct kvm;

/*
 * The device model's half of the interrupt controllers (KVM's "split
 * irqchip": local APICs in the hypervisor, PIC and IOAPIC in the VMM).
 */
struct kvm_irqchip_ops {
	/* the 8259's INTR output, and its INTA cycle (returns the vector) */
	bool (*pic_has_interrupt)(void *ctx);
	int (*pic_read_irq)(void *ctx);
	/* EOI of a level-triggered vector: the IOAPIC clears remote IRR */
	void (*eoi_level)(void *ctx, int vector);
};

struct kvm_vcpu {
	struct kvm *kvm;
	int vcpu_id;
	int cpu;		/* physical CPU the vCPU is loaded on, -1 if none */
	struct kvm_run *run;
	unsigned long regs[NR_VCPU_REGS];
	struct kvm_vcpu_arch arch;
	struct kvm_vcpu_stat stat;
	u64 exit_tsc;		/* TSC at the last VM exit */
	u64 entry_tsc;		/* TSC at the last VM entry */
	u32 last_exit_reason;
	u64 host_pages;		/* host memory used by this vCPU (pages) */
};

struct kvm_ept {
	u64 *pml4;		/* root of the EPT paging structures */
	u64 eptp;
	u64 pages;		/* paging-structure pages allocated */
};

/* Per-VM switches (the module parameters and VM capabilities of KVM). */
struct kvm_settings {
	bool hlt_in_guest;		/* KVM_X86_DISABLE_EXITS_HLT */
	bool mwait_in_guest;		/* KVM_X86_DISABLE_EXITS_MWAIT */
	bool enable_ept;
	bool enable_vpid;
	bool enable_preemption_timer;
	bool enable_vnmi;
	bool apicv;
	u32 trace;			/* TRACE_* classes to log */
	const char *break_guest_state;	/* x-break-guest-state=FIELD (tests) */
};

#define TRACE_IO BIT(0)
#define TRACE_MMIO BIT(1)
#define TRACE_MSR BIT(2)
#define TRACE_CPUID BIT(3)
#define TRACE_CR BIT(4)
#define TRACE_HYPERCALL BIT(5)
#define TRACE_EXITS BIT(6)		/* every exit */

struct kvm {
	int id;
	struct kvm_settings settings;
	struct kvm_memory_slot memslots[KVM_MAX_MEMSLOTS];
	int nr_memslots;
	struct kvm_vcpu *vcpus[KVM_MAX_VCPUS];
	int online_vcpus;
	struct kvm_ept ept;
	/* APICv: the page EPT maps at the xAPIC address (APIC_ACCESS_ADDR) */
	void *apic_access_page;
	bool apic_access_page_mapped;
	u64 host_pages;		/* host memory used by the VM object (pages) */
	u64 start_tsc;
	u64 tsc_offset;		/* TSC_OFFSET of every vCPU: one guest TSC */
	u64 tsc_khz;		/* guest TSC rate (= the host's), for timers */
	/* the device model's interrupt controllers, see kvm_set_irqchip() */
	const struct kvm_irqchip_ops *irqchip;
	void *irqchip_ctx;
	/* the device model's port-I/O handler, see kvm_set_pio_handler() */
	int (*pio_handler)(void *ctx, struct kvm_vcpu *vcpu);
	void *pio_ctx;
};

/* ---- the API the device model uses (virt/kvm_main.c) ---- */
struct kvm *kvm_create_vm(const struct kvm_settings *settings);
bool kvm_vcpu_runnable(struct kvm_vcpu *vcpu);
void kvm_destroy_vm(struct kvm *kvm);
int kvm_set_memory_region(struct kvm *kvm, u64 gpa, u64 size, const char *name);
struct kvm_vcpu *kvm_vm_ioctl_create_vcpu(struct kvm *kvm, int id,
					   const struct vcpu_boot_state *boot);
void vcpu_load(struct kvm_vcpu *vcpu);
void vcpu_put(struct kvm_vcpu *vcpu);
int kvm_arch_vcpu_ioctl_run(struct kvm_vcpu *vcpu);
/* The guest's TSC now: the host's plus TSC_OFFSET (KVM's kvm_read_l1_tsc). */
u64 kvm_read_l1_tsc(const struct kvm_vcpu *vcpu);
/*
 * Let vcpu_run() hand a single-element KVM_EXIT_IO record to @fn(@ctx,
 * vcpu) by a call instead of returning from KVM_RUN.  @fn serves the record
 * exactly as the device model would after a return (same kvm_run fields, IN
 * data into io_data) and returns 1 to go on running the guest, 0 to make
 * KVM_RUN return (the machine is ending).  Plain IN/OUT is most of what a
 * guest's drivers do, and this saves unwinding and re-entering the run loop
 * for each.  String I/O and every other exit still return.
 */
/* Connect the device model's PIC/IOAPIC (kept by reference). */
void kvm_set_irqchip(struct kvm *kvm, const struct kvm_irqchip_ops *ops,
		     void *ctx);
/*
 * Deliver an interrupt message (IOAPIC redirection entry, MSI, IPI) to the
 * local APICs it addresses; @src is the sending vCPU's APIC for IPIs, else
 * NULL.  Returns the number of APICs that accepted it (KVM's
 * kvm_irq_delivery_to_apic()).
 */
struct kvm_lapic_irq;
int kvm_irq_delivery_to_apic(struct kvm *kvm, struct kvm_lapic *src,
			     const struct kvm_lapic_irq *irq);
/* The 8259's INTR output changed: let the vCPUs look again. */
void kvm_pic_intr_changed(struct kvm *kvm);
void kvm_set_pio_handler(struct kvm *kvm,
			 int (*fn)(void *ctx, struct kvm_vcpu *vcpu), void *ctx);

/* ---- guest memory ---- */
struct kvm_memory_slot *gfn_to_memslot(struct kvm *kvm, u64 gfn);
/* Host pointer for [gpa, gpa+len) if it lies inside one slot, else NULL. */
void *kvm_gpa_to_hva(struct kvm *kvm, u64 gpa, u64 len);
int kvm_read_guest(struct kvm *kvm, u64 gpa, void *dst, u64 len);
int kvm_write_guest(struct kvm *kvm, u64 gpa, const void *src, u64 len);

/* ---- statistics (virt/stats.c) ---- */
void kvm_print_exit_stats(struct kvm_vcpu *vcpu);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The VMX vCPU: struct vcpu_vmx around the generic struct kvm_vcpu, the
 * loaded_vmcs it runs on (seed 004) and the control-field shadows with their
 * setters (seed 002, BUILD_CONTROLS_SHADOW).
 */
#ifndef TVX_VMX_H
#define TVX_VMX_H

#include "dev/lapic.h"
#include "tvx/types.h"
#include "virt/kvm_host.h"
#include "vmx/vmcs.h"

/*
 * Host state loaded from the VMCS on VM exit whose values change rarely: a
 * write-through cache so the entry path writes the VMCS only on change.
 */
struct vmcs_host_state {
	unsigned long cr3;
	unsigned long cr4;
	unsigned long gs_base;
	unsigned long fs_base;
	unsigned long rsp;
	u16 fs_sel, gs_sel, ldt_sel;
	u16 ds_sel, es_sel;
};

/* Last values written to the five control fields (seed 002). */
struct vmcs_controls_shadow {
	u32 vm_entry;
	u32 vm_exit;
	u32 pin;
	u32 exec;
	u32 secondary_exec;
};

/*
 * A VMCS that may be loaded on a CPU (seed 004).  cpu = -1 when it is not
 * current anywhere; launched tells VMLAUNCH from VMRESUME.
 */
struct loaded_vmcs {
	struct vmcs *vmcs;
	int cpu;
	bool launched;
	unsigned long *msr_bitmap;
	struct vmcs_host_state host_state;
	struct vmcs_controls_shadow controls_shadow;
};

/* KERNEL_GS_BASE, STAR, LSTAR, CSTAR, SFMASK, TSC_AUX (vmx_vcpu_load()) */
#define NR_USER_RETURN_MSRS 6

struct vcpu_vmx {
	struct kvm_vcpu vcpu;
	struct loaded_vmcs vmcs01;
	struct loaded_vmcs *loaded_vmcs;
	u8 *io_bitmap_a;	/* ports 0x0000-0x7fff */
	u8 *io_bitmap_b;	/* ports 0x8000-0xffff */
	u16 vpid;
	u32 exit_reason_full;	/* union vmx_exit_reason .full of the last exit */
	u64 exit_qualification;
	bool fail;		/* the last VMLAUNCH/VMRESUME failed (VMfail) */
	u32 idt_vectoring_info;
	u64 cr0_guest_owned_bits;
	u64 cr4_guest_owned_bits;
	struct kvm_lapic lapic;	/* registers in apic_page */
	u8 *apic_page;		/* the virtual-APIC page */
	u64 eoi_exit_bitmap[4];	/* EOI_EXIT_BITMAP0-3 as last written */
	/* the host's SYSCALL/SWAPGS/RDTSCP MSRs while the vCPU is loaded */
	u64 host_user_return_msrs[NR_USER_RETURN_MSRS];
	bool guest_user_return_msrs_loaded;
};

static inline struct vcpu_vmx *to_vmx(struct kvm_vcpu *vcpu)
{
	return container_of(vcpu, struct vcpu_vmx, vcpu);
}

/* ---- pure: controls for a vCPU from vmcs_config and per-VM switches ---- */
u32 vmx_exec_control(struct vcpu_vmx *vmx);
u32 vmx_pin_based_exec_ctrl(struct vcpu_vmx *vmx);
u32 vmx_secondary_exec_control(struct vcpu_vmx *vmx);
u32 vmx_vmentry_ctrl(void);
u32 vmx_vmexit_ctrl(void);
bool kvm_vcpu_apicv_active(struct kvm_vcpu *vcpu);

#ifdef TVX_KERNEL
#include "kernel/x86.h"
#include "vmx/vmx_ops.h"

#define BUILD_CONTROLS_SHADOW(lname, uname)                                   \
	static inline void lname##_controls_set(struct vcpu_vmx *vmx, u32 val) \
	{                                                                     \
		if (vmx->loaded_vmcs->controls_shadow.lname != val) {         \
			vmcs_write32(uname, val);                             \
			vmx->loaded_vmcs->controls_shadow.lname = val;        \
		}                                                             \
	}                                                                     \
	static inline u32 lname##_controls_get(struct vcpu_vmx *vmx)          \
	{                                                                     \
		return vmx->loaded_vmcs->controls_shadow.lname;               \
	}                                                                     \
	static inline void lname##_controls_setbit(struct vcpu_vmx *vmx,      \
						   u32 val)                   \
	{                                                                     \
		lname##_controls_set(vmx, lname##_controls_get(vmx) | val);   \
	}                                                                     \
	static inline void lname##_controls_clearbit(struct vcpu_vmx *vmx,    \
						     u32 val)                 \
	{                                                                     \
		lname##_controls_set(vmx, lname##_controls_get(vmx) & ~val);  \
	}
BUILD_CONTROLS_SHADOW(vm_entry, VM_ENTRY_CONTROLS)
BUILD_CONTROLS_SHADOW(vm_exit, VM_EXIT_CONTROLS)
BUILD_CONTROLS_SHADOW(pin, PIN_BASED_VM_EXEC_CONTROL)
BUILD_CONTROLS_SHADOW(exec, CPU_BASED_VM_EXEC_CONTROL)
BUILD_CONTROLS_SHADOW(secondary_exec, SECONDARY_VM_EXEC_CONTROL)

/* The guest executes 64-bit code: IA-32e mode and CS.L (SDM "IA-32e Mode"). */
static inline bool is_64_bit_mode(struct kvm_vcpu *vcpu)
{
	return (vcpu->arch.efer & EFER_LMA) &&
	       (vmcs_read32(GUEST_CS_AR_BYTES) & VMX_AR_L);
}

/* Move RIP past @len bytes; outside 64-bit code RIP wraps at 32 bits. */
static inline void kvm_advance_rip(struct kvm_vcpu *vcpu, unsigned len)
{
	u64 rip = vmcs_readl(GUEST_RIP) + len;

	/* only a RIP past 4 GiB needs the mode check */
	if (unlikely(rip >> 32) && !is_64_bit_mode(vcpu))
		rip = (u32)rip;
	vmcs_writel(GUEST_RIP, rip);
}

/*
 * Step over the instruction that exited (SDM "VM-Exit Instruction Length").
 * Also ends STI/MOV-SS blocking,
 * as executing the instruction would have.  Inline: every emulated
 * instruction ends here.
 */
void kvm_vcpu_do_singlestep(struct kvm_vcpu *vcpu);

/*
 * Finish an instruction the hypervisor emulated: advance RIP past it, end
 * STI/MOV-SS blocking (it lasts one instruction), and if the guest is
 * single-stepping (RFLAGS.TF) deliver the #DB the CPU would have raised
 * after it (SDM Vol. 3B, "Single-Step Exception Condition").
 */
static inline int kvm_skip_emulated_instruction(struct kvm_vcpu *vcpu)
{
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);

	kvm_advance_rip(vcpu, vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
	if (unlikely(intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)))
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
			     intr & ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
	if (unlikely(vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_TF))
		kvm_vcpu_do_singlestep(vcpu);
	return 1;
}

/* vmx/hardware.c */
int hardware_setup(void);
int vmx_hardware_enable(void);
struct vmcs *alloc_vmcs_cpu(void);
extern struct vmx_msrs vmx_msrs;

/* vmx/loaded_vmcs.c */
int alloc_loaded_vmcs(struct loaded_vmcs *loaded_vmcs);
void free_loaded_vmcs(struct loaded_vmcs *loaded_vmcs);
void loaded_vmcs_clear(struct loaded_vmcs *loaded_vmcs);
void vmx_vcpu_load_vmcs(struct kvm_vcpu *vcpu, int cpu);

/* vmx/vmx_vcpu.c */
struct kvm_vcpu *vmx_create_vcpu(struct kvm *kvm, int id,
				 const struct vcpu_boot_state *boot);
void vmx_free_vcpu(struct kvm_vcpu *vcpu);
void vmx_vcpu_load(struct kvm_vcpu *vcpu, int cpu);
void vmx_vcpu_put(struct kvm_vcpu *vcpu);

/* vmenter.S; custom calling convention, see vmx_vcpu_enter_exit() in
 * vmx/vmx_run.h */
void __vmx_vcpu_run(void);

/* vmx/exit_handlers.c */
extern int (*const kvm_vmx_exit_handlers[EXIT_REASON_MAX])(struct kvm_vcpu *);
int vmx_handle_exit_slow(struct kvm_vcpu *vcpu);
int vmx_complete_userspace_io(struct kvm_vcpu *vcpu);
void vmx_kill_vm(struct kvm_vcpu *vcpu, u32 kvm_exit, u32 suberror,
		 const char *fmt, ...) __printf(4, 5);
void vmx_dump_guest_state(struct kvm_vcpu *vcpu, char *buf, size_t len);

/* helpers shared by the handlers */
void kvm_queue_exception(struct kvm_vcpu *vcpu, u8 vector);
void kvm_queue_exception_e(struct kvm_vcpu *vcpu, u8 vector, u32 error_code);
void vmx_inject_pending_event(struct kvm_vcpu *vcpu);
int kvm_cpl(struct kvm_vcpu *vcpu);

/* vmx/interrupt.c */
void kvm_inject_pending_event(struct kvm_vcpu *vcpu);
bool kvm_cpu_has_interrupt(struct kvm_vcpu *vcpu);
int handle_interrupt_window(struct kvm_vcpu *vcpu);
int handle_nmi_window(struct kvm_vcpu *vcpu);
int handle_preemption_timer(struct kvm_vcpu *vcpu);
int kvm_emulate_halt(struct kvm_vcpu *vcpu);
bool kvm_vcpu_has_events(struct kvm_vcpu *vcpu);
void vmx_vcpu_accept_events(struct kvm_vcpu *vcpu);

/* virt/irqchip.c */
void kvm_create_lapic(struct kvm_vcpu *vcpu, struct kvm_lapic *apic,
		      void *regs_page);

/* per-concept handlers */
int handle_io(struct kvm_vcpu *vcpu);
int kvm_emulate_cpuid(struct kvm_vcpu *vcpu);
int kvm_emulate_rdmsr(struct kvm_vcpu *vcpu);
int kvm_emulate_wrmsr(struct kvm_vcpu *vcpu);
int handle_cr(struct kvm_vcpu *vcpu);
int handle_dr(struct kvm_vcpu *vcpu);
int kvm_emulate_hypercall(struct kvm_vcpu *vcpu);
int handle_ept_violation(struct kvm_vcpu *vcpu);
int handle_ept_misconfig(struct kvm_vcpu *vcpu);
int kvm_emulate_mmio(struct kvm_vcpu *vcpu, u64 gpa, bool write,
		     const char *exit_name, u64 qual);

/* vmx/apicv.c */
int vmx_alloc_apic_access_page(struct kvm *kvm);
void vmx_apicv_init_vmcs(struct vcpu_vmx *vmx);
void vmx_refresh_apicv_mode(struct kvm_vcpu *vcpu);
void vmx_apicv_sync_intr_status(struct kvm_vcpu *vcpu);
int handle_apic_access(struct kvm_vcpu *vcpu);
int handle_apic_write(struct kvm_vcpu *vcpu);
int handle_apic_eoi_induced(struct kvm_vcpu *vcpu);
int vmx_handle_entry_failure(struct kvm_vcpu *vcpu);
void vmx_report_vmfail(struct kvm_vcpu *vcpu);
void vmx_setup_msr_intercepts(struct vcpu_vmx *vmx);
int kvm_set_cr0(struct kvm_vcpu *vcpu, u64 cr0);
int kvm_set_cr4(struct kvm_vcpu *vcpu, u64 cr4);
u64 kvm_read_cr0(struct kvm_vcpu *vcpu);
u64 kvm_read_cr4(struct kvm_vcpu *vcpu);
u64 kvm_register_read(struct kvm_vcpu *vcpu, unsigned reg);
void kvm_register_write(struct kvm_vcpu *vcpu, unsigned reg, u64 v);
int complete_pio(struct kvm_vcpu *vcpu);
int complete_pio_in(struct kvm_vcpu *vcpu);
int complete_mmio(struct kvm_vcpu *vcpu);

/* vmx/ept.c */
int ept_init(struct kvm *kvm);
int ept_map_range(struct kvm *kvm, u64 gpa, u64 hpa, u64 size);
int ept_map_page(struct kvm *kvm, u64 gpa, u64 hpa);
void ept_unmap_page(struct kvm *kvm, u64 gpa);
void ept_free(struct kvm *kvm);
void ept_sync_context(struct kvm *kvm);
void vpid_sync_context(u16 vpid);
u16 allocate_vpid(void);
#endif /* TVX_KERNEL */

#endif

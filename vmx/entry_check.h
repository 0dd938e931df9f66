/* SPDX-License-Identifier: MIT */
/*
 * Software VM-entry checks.
 *
 * When VMLAUNCH/VMRESUME fails the processor says only "VM-entry failure due
 * to invalid guest state" (basic exit reason 33 with bit 31 set) or
 * VM-instruction error 7 (invalid control fields) / 8 (invalid host-state
 * fields).  The functions below re-run the checks of SDM Vol. 3C, chapter
 * "VM Entries", in software on a snapshot of the VMCS and name the first rule
 * that the snapshot breaks:
 *
 *   error 7                  -> vmx_check_controls()
 *   error 8                  -> vmx_check_host_state()
 *   exit reason 33 (bit 31)  -> vmx_check_guest_state()
 *
 * The SDM says the processor may perform the checks in any order; we follow
 * the order in which the SDM lists them, so the reported rule is the first
 * one in the SDM's text that the snapshot violates.
 *
 * Checks that need memory (the VMCS revision identifier behind the VMCS link
 * pointer, the PDPTEs behind guest CR3 without EPT, the virtual-APIC page, MSR
 * lists) are not performed: this module sees only the snapshot.  The
 * snapshot is taken outside SMM (tinyvmx never runs in SMM) with the host in
 * IA-32e mode (tinyvmx is a 64-bit hypervisor).
 *
 * Pure logic: compiles freestanding and for the host, never prints.
 */
#ifndef TVX_VMX_ENTRY_CHECK_H
#define TVX_VMX_ENTRY_CHECK_H

#include "tvx/types.h"

/* One segment register as the guest-state area holds it. */
struct vmx_seg {
	u16 selector;
	u64 base;
	u32 limit;
	u32 ar;			/* access rights, VMCS format (unusable = bit 16) */
};

/*
 * Capability values the checks depend on.  None of them lives in the VMCS:
 * the kernel fills this from the VMX capability MSRs (and CPUID) once and
 * passes it to vmx_guest_state_read(); tests fill it directly.
 *
 * The five *_ctls values are the capability MSR a VM entry checks the
 * control against: low 32 bits = allowed-0 settings (a 1 there means the
 * control must be 1), high 32 bits = allowed-1 settings (a 0 there means the
 * control must be 0).  When IA32_VMX_BASIC bit 55 is 1 the processor checks
 * against the IA32_VMX_TRUE_*_CTLS MSRs, so store those then (SDM Vol. 3D,
 * VMX Capability Reporting Facility).  procbased_ctls2 is 0 when the
 * processor has no secondary controls.
 */
struct vmx_entry_check_caps {
	u64 basic;		/* IA32_VMX_BASIC */
	u64 misc;		/* IA32_VMX_MISC */
	u64 cr0_fixed0;		/* IA32_VMX_CR0_FIXED0 */
	u64 cr0_fixed1;		/* IA32_VMX_CR0_FIXED1 */
	u64 cr4_fixed0;		/* IA32_VMX_CR4_FIXED0 */
	u64 cr4_fixed1;		/* IA32_VMX_CR4_FIXED1 */
	u64 pinbased_ctls;	/* IA32_VMX_(TRUE_)PINBASED_CTLS */
	u64 procbased_ctls;	/* IA32_VMX_(TRUE_)PROCBASED_CTLS */
	u64 procbased_ctls2;	/* IA32_VMX_PROCBASED_CTLS2 */
	u64 exit_ctls;		/* IA32_VMX_(TRUE_)EXIT_CTLS */
	u64 entry_ctls;		/* IA32_VMX_(TRUE_)ENTRY_CTLS */
	u64 ept_vpid_cap;	/* IA32_VMX_EPT_VPID_CAP, 0 if absent */
	/*
	 * Reserved bits of IA32_PERF_GLOBAL_CTRL (they depend on the number of
	 * counters CPUID leaf 0AH reports); 0 skips the check.
	 */
	u64 perf_global_ctrl_reserved;
	u8 maxphyaddr;		/* CPUID.80000008H:EAX[7:0]; 0 means 36 */
	u8 linear_addr_bits;	/* 48, or 57 with 5-level paging; 0 means 48 */
	bool has_rtm;		/* CPUID.(EAX=07H,ECX=0):EBX.RTM[bit 11] */
	bool has_sgx;		/* CPUID.(EAX=07H,ECX=0):EBX.SGX[bit 2] */
};

/*
 * VM-execution, VM-exit and VM-entry control fields.  Fields that only a
 * control makes meaningful (e.g. EPT_POINTER) are read only when that control
 * is 1 and are 0 otherwise.
 */
struct vmx_controls {
	u32 pin;			/* PIN_BASED_VM_EXEC_CONTROL */
	u32 cpu_based;			/* CPU_BASED_VM_EXEC_CONTROL */
	u32 secondary;			/* SECONDARY_VM_EXEC_CONTROL */
	u32 exit;			/* VM_EXIT_CONTROLS */
	u32 entry;			/* VM_ENTRY_CONTROLS */
	u32 entry_intr_info;		/* VM_ENTRY_INTR_INFO_FIELD */
	u32 entry_exception_error_code;	/* VM_ENTRY_EXCEPTION_ERROR_CODE */
	u32 entry_instruction_len;	/* VM_ENTRY_INSTRUCTION_LEN */
	u32 cr3_target_count;
	u64 io_bitmap_a, io_bitmap_b;
	u64 msr_bitmap;
	u64 virtual_apic_page_addr;
	u32 tpr_threshold;
	u64 apic_access_addr;
	u16 posted_intr_nv;
	u64 posted_intr_desc_addr;
	u16 vpid;			/* VIRTUAL_PROCESSOR_ID */
	u64 ept_pointer;
	u64 pml_address;
	u64 vmread_bitmap, vmwrite_bitmap;
	u64 ve_info_addr;		/* VE_INFORMATION_ADDRESS */
	u32 exit_msr_store_count, exit_msr_load_count, entry_msr_load_count;
	u64 exit_msr_store_addr, exit_msr_load_addr, entry_msr_load_addr;
};

/* Everything vmx_check_guest_state() looks at. */
struct vmx_guest_state {
	u64 cr0, cr3, cr4, dr7;
	u64 debugctl;			/* GUEST_IA32_DEBUGCTL */
	u64 efer;			/* GUEST_IA32_EFER */
	u64 pat;			/* GUEST_IA32_PAT */
	u64 perf_global_ctrl;		/* GUEST_IA32_PERF_GLOBAL_CTRL */
	u64 bndcfgs;			/* GUEST_BNDCFGS */
	u32 sysenter_cs;
	u64 sysenter_esp, sysenter_eip;
	struct vmx_seg es, cs, ss, ds, fs, gs, ldtr, tr;
	u64 gdtr_base, idtr_base;
	u32 gdtr_limit, idtr_limit;
	u64 rsp, rip, rflags;
	u32 activity_state;
	u32 interruptibility;		/* GUEST_INTERRUPTIBILITY_INFO */
	u64 pending_dbg_exceptions;
	u64 vmcs_link_pointer;
	u64 pdpte[4];			/* GUEST_PDPTR0..3 */
	struct vmx_controls ctls;
	struct vmx_entry_check_caps caps;
};

/* Host-state area fields (vmx_check_host_state()). */
struct vmx_host_state {
	u64 cr0, cr3, cr4;
	u16 es_selector, cs_selector, ss_selector, ds_selector;
	u16 fs_selector, gs_selector, tr_selector;
	u64 fs_base, gs_base, tr_base, gdtr_base, idtr_base;
	u32 sysenter_cs;
	u64 sysenter_esp, sysenter_eip;
	u64 efer, pat, perf_global_ctrl;
	u64 rsp, rip;
};

/* The first violated rule. */
struct vmx_check_failure {
	const char *field;	/* VMCS field name as in vmcs.h, e.g. "GUEST_TR_AR_BYTES" */
	u64 value;		/* that field's value */
	const char *rule;	/* one sentence, e.g. "TR type must be 11 (busy 64-bit TSS) in IA-32e mode" */
	const char *section;	/* SDM Vol. 3C section title */
};

/* A VMREAD: returns the field's value, zero-extended (tests pass a fake). */
typedef u64 (*vmx_vmread_fn)(void *ctx, u32 field);

/*
 * Fill @gs from the current VMCS through @vmread, including gs->ctls.
 * @caps is copied into gs->caps (NULL leaves gs->caps as it is).  Fields
 * that exist only with some feature (secondary controls, PDPTEs, BNDCFGS,
 * IA32_PERF_GLOBAL_CTRL, EPT pointer, …) are read only when the control that
 * uses them is 1 (and, for secondary controls, when caps say they exist), so
 * the callback never sees an encoding the processor may not support.
 */
void vmx_guest_state_read(struct vmx_guest_state *gs, vmx_vmread_fn vmread,
			  void *ctx, const struct vmx_entry_check_caps *caps);

/* Fill @hs from the current VMCS, same conventions. @ctls gates optional fields. */
void vmx_host_state_read(struct vmx_host_state *hs,
			 const struct vmx_controls *ctls, vmx_vmread_fn vmread,
			 void *ctx);

/*
 * The checks.  Each returns 0 when every check passes, else -EINVAL with
 * @f (which must not be NULL) naming the first violated rule.
 *
 * vmx_check_controls() uses gs->ctls and gs->caps (and guest CR0.PE, which
 * the event-injection rules depend on).  vmx_check_host_state() uses @hs
 * plus gs->ctls and gs->caps.  vmx_check_vm_entry() runs all three in the
 * processor's order: controls, host state, guest state.
 */
int vmx_check_controls(const struct vmx_guest_state *gs,
		       struct vmx_check_failure *f);
int vmx_check_host_state(const struct vmx_host_state *hs,
			 const struct vmx_guest_state *gs,
			 struct vmx_check_failure *f);
int vmx_check_guest_state(const struct vmx_guest_state *gs,
			  struct vmx_check_failure *f);
int vmx_check_vm_entry(const struct vmx_guest_state *gs,
		       const struct vmx_host_state *hs,
		       struct vmx_check_failure *f);

/*
 * "GUEST_TR_AR_BYTES = 0x89: TR type must be ... (SDM Vol. 3C, Checks on
 * Guest Segment Registers)".  snprintf semantics: returns the length the
 * full text needs.
 */
int vmx_check_failure_format(const struct vmx_check_failure *f, char *buf,
			     size_t size);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * VMX control-field bits, the VMX capability MSRs and their fields.
 *
 * Bit names follow Linux KVM (arch/x86/include/asm/vmx.h) where KVM has a
 * name, otherwise the SDM's wording in KVM's style.  Bit positions come
 * from the SDM Vol. 3C tables "Definitions of Pin-Based VM-Execution
 * Controls", "Definitions of Primary Processor-Based VM-Execution
 * Controls", "Definitions of Secondary Processor-Based VM-Execution
 * Controls", "Definitions of Primary VM-Exit Controls" and "Definitions of
 * VM-Entry Controls", and the MSR layouts from SDM Vol. 3D appendix "VMX
 * Capability Reporting Facility".
 */
#ifndef TVX_VMX_CONTROLS_H
#define TVX_VMX_CONTROLS_H

#include "tvx/types.h"

/* ---- Pin-based VM-execution controls -------------------------------- */
#define PIN_BASED_EXT_INTR_MASK			BIT(0)
#define PIN_BASED_NMI_EXITING			BIT(3)
#define PIN_BASED_VIRTUAL_NMIS			BIT(5)
#define PIN_BASED_VMX_PREEMPTION_TIMER		BIT(6)
#define PIN_BASED_POSTED_INTR			BIT(7)
/*
 * Reserved bits 1, 2 and 4 belong to the "default1" class: without the
 * TRUE capability MSRs they must be 1 (SDM Vol. 3D, "Pin-Based
 * VM-Execution Controls" in "VMX Capability Reporting Facility").
 */
#define PIN_BASED_ALWAYSON_WITHOUT_TRUE_MSR	0x00000016u

/* ---- Primary processor-based VM-execution controls ------------------ */
#define CPU_BASED_INTR_WINDOW_EXITING		BIT(2)
#define CPU_BASED_USE_TSC_OFFSETTING		BIT(3)
#define CPU_BASED_HLT_EXITING			BIT(7)
#define CPU_BASED_INVLPG_EXITING		BIT(9)
#define CPU_BASED_MWAIT_EXITING			BIT(10)
#define CPU_BASED_RDPMC_EXITING			BIT(11)
#define CPU_BASED_RDTSC_EXITING			BIT(12)
#define CPU_BASED_CR3_LOAD_EXITING		BIT(15)
#define CPU_BASED_CR3_STORE_EXITING		BIT(16)
#define CPU_BASED_ACTIVATE_TERTIARY_CONTROLS	BIT(17)
#define CPU_BASED_CR8_LOAD_EXITING		BIT(19)
#define CPU_BASED_CR8_STORE_EXITING		BIT(20)
#define CPU_BASED_TPR_SHADOW			BIT(21)
#define CPU_BASED_NMI_WINDOW_EXITING		BIT(22)
#define CPU_BASED_MOV_DR_EXITING		BIT(23)
#define CPU_BASED_UNCOND_IO_EXITING		BIT(24)
#define CPU_BASED_USE_IO_BITMAPS		BIT(25)
#define CPU_BASED_MONITOR_TRAP_FLAG		BIT(27)
#define CPU_BASED_USE_MSR_BITMAPS		BIT(28)
#define CPU_BASED_MONITOR_EXITING		BIT(29)
#define CPU_BASED_PAUSE_EXITING			BIT(30)
#define CPU_BASED_ACTIVATE_SECONDARY_CONTROLS	BIT(31)
/* Default1 class: bits 1, 4-6, 8, 13-16 and 26. */
#define CPU_BASED_ALWAYSON_WITHOUT_TRUE_MSR	0x0401e172u

/* ---- Secondary processor-based VM-execution controls ---------------- */
#define SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES	BIT(0)
#define SECONDARY_EXEC_ENABLE_EPT		BIT(1)
#define SECONDARY_EXEC_DESC			BIT(2)
#define SECONDARY_EXEC_ENABLE_RDTSCP		BIT(3)
#define SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE	BIT(4)
#define SECONDARY_EXEC_ENABLE_VPID		BIT(5)
#define SECONDARY_EXEC_WBINVD_EXITING		BIT(6)
#define SECONDARY_EXEC_UNRESTRICTED_GUEST	BIT(7)
#define SECONDARY_EXEC_APIC_REGISTER_VIRT	BIT(8)
#define SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY	BIT(9)
#define SECONDARY_EXEC_PAUSE_LOOP_EXITING	BIT(10)
#define SECONDARY_EXEC_RDRAND_EXITING		BIT(11)
#define SECONDARY_EXEC_ENABLE_INVPCID		BIT(12)
#define SECONDARY_EXEC_ENABLE_VMFUNC		BIT(13)
#define SECONDARY_EXEC_SHADOW_VMCS		BIT(14)
#define SECONDARY_EXEC_ENCLS_EXITING		BIT(15)
#define SECONDARY_EXEC_RDSEED_EXITING		BIT(16)
#define SECONDARY_EXEC_ENABLE_PML		BIT(17)
#define SECONDARY_EXEC_EPT_VIOLATION_VE		BIT(18)
#define SECONDARY_EXEC_PT_CONCEAL_VMX		BIT(19)
#define SECONDARY_EXEC_XSAVES			BIT(20)
#define SECONDARY_EXEC_PASID_TRANSLATION	BIT(21)
#define SECONDARY_EXEC_MODE_BASED_EPT_EXEC	BIT(22)
#define SECONDARY_EXEC_ENABLE_SPP		BIT(23)
#define SECONDARY_EXEC_PT_USE_GPA		BIT(24)
#define SECONDARY_EXEC_TSC_SCALING		BIT(25)
#define SECONDARY_EXEC_ENABLE_USR_WAIT_PAUSE	BIT(26)
#define SECONDARY_EXEC_ENABLE_PCONFIG		BIT(27)
#define SECONDARY_EXEC_ENCLV_EXITING		BIT(28)
/* Bit 29 is reserved. */
#define SECONDARY_EXEC_BUS_LOCK_DETECTION	BIT(30)
/* The SDM calls bit 31 "instruction timeout"; KVM names the exit it gives. */
#define SECONDARY_EXEC_NOTIFY_VM_EXITING	BIT(31)

/* ---- Primary VM-exit controls --------------------------------------- */
#define VM_EXIT_SAVE_DEBUG_CONTROLS		BIT(2)
#define VM_EXIT_HOST_ADDR_SPACE_SIZE		BIT(9)
#define VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL	BIT(12)
#define VM_EXIT_ACK_INTR_ON_EXIT		BIT(15)
#define VM_EXIT_SAVE_IA32_PAT			BIT(18)
#define VM_EXIT_LOAD_IA32_PAT			BIT(19)
#define VM_EXIT_SAVE_IA32_EFER			BIT(20)
#define VM_EXIT_LOAD_IA32_EFER			BIT(21)
#define VM_EXIT_SAVE_VMX_PREEMPTION_TIMER	BIT(22)
#define VM_EXIT_CLEAR_BNDCFGS			BIT(23)
#define VM_EXIT_PT_CONCEAL_PIP			BIT(24)
#define VM_EXIT_CLEAR_IA32_RTIT_CTL		BIT(25)
#define VM_EXIT_CLEAR_IA32_LBR_CTL		BIT(26)
#define VM_EXIT_CLEAR_UINV			BIT(27)
#define VM_EXIT_LOAD_CET_STATE			BIT(28)
#define VM_EXIT_LOAD_IA32_PKRS			BIT(29)
#define VM_EXIT_SAVE_IA32_PERF_GLOBAL_CTRL	BIT(30)
#define VM_EXIT_ACTIVATE_SECONDARY_CONTROLS	BIT(31)
/* Default1 class: bits 0-8, 10, 11, 13, 14, 16 and 17. */
#define VM_EXIT_ALWAYSON_WITHOUT_TRUE_MSR	0x00036dffu

/* ---- VM-entry controls ---------------------------------------------- */
#define VM_ENTRY_LOAD_DEBUG_CONTROLS		BIT(2)
#define VM_ENTRY_IA32E_MODE			BIT(9)
#define VM_ENTRY_SMM				BIT(10)
#define VM_ENTRY_DEACT_DUAL_MONITOR		BIT(11)
#define VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL	BIT(13)
#define VM_ENTRY_LOAD_IA32_PAT			BIT(14)
#define VM_ENTRY_LOAD_IA32_EFER			BIT(15)
#define VM_ENTRY_LOAD_BNDCFGS			BIT(16)
#define VM_ENTRY_PT_CONCEAL_PIP			BIT(17)
#define VM_ENTRY_LOAD_IA32_RTIT_CTL		BIT(18)
#define VM_ENTRY_LOAD_UINV			BIT(19)
#define VM_ENTRY_LOAD_CET_STATE			BIT(20)
#define VM_ENTRY_LOAD_IA32_LBR_CTL		BIT(21)
#define VM_ENTRY_LOAD_IA32_PKRS			BIT(22)
/* Default1 class: bits 0-8 and 12. */
#define VM_ENTRY_ALWAYSON_WITHOUT_TRUE_MSR	0x000011ffu

/*
 * Names of the bits of each control field, indexed by bit number; NULL
 * where the SDM defines no control.  Defined in vmx/capabilities.c (the
 * negotiation names missing controls in its error message).
 */
#define VMX_CTL_BITS 32
extern const char *const vmx_pin_based_ctl_names[VMX_CTL_BITS];
extern const char *const vmx_cpu_based_ctl_names[VMX_CTL_BITS];
extern const char *const vmx_secondary_ctl_names[VMX_CTL_BITS];
extern const char *const vmx_exit_ctl_names[VMX_CTL_BITS];
extern const char *const vmx_entry_ctl_names[VMX_CTL_BITS];

/* ---- IA32_FEATURE_CONTROL (SDM Vol. 3C, "Enabling and Entering VMX
 * Operation") ---------------------------------------------------------- */
#define MSR_IA32_FEATURE_CONTROL		0x0000003a
#define FEAT_CTL_LOCKED				BIT_ULL(0)
#define FEAT_CTL_VMX_ENABLED_INSIDE_SMX		BIT_ULL(1)
#define FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX	BIT_ULL(2)
#define FEAT_CTL_SENTER_LOCAL_MASK		(0x7full << 8)
#define FEAT_CTL_SENTER_GLOBAL			BIT_ULL(15)
#define FEAT_CTL_SGX_LC_ENABLED			BIT_ULL(17)
#define FEAT_CTL_SGX_ENABLED			BIT_ULL(18)
#define FEAT_CTL_LMCE_ENABLED			BIT_ULL(20)

/* ---- VMX capability MSRs -------------------------------------------- */
#define MSR_IA32_VMX_BASIC			0x00000480
#define MSR_IA32_VMX_PINBASED_CTLS		0x00000481
#define MSR_IA32_VMX_PROCBASED_CTLS		0x00000482
#define MSR_IA32_VMX_EXIT_CTLS			0x00000483
#define MSR_IA32_VMX_ENTRY_CTLS			0x00000484
#define MSR_IA32_VMX_MISC			0x00000485
#define MSR_IA32_VMX_CR0_FIXED0			0x00000486
#define MSR_IA32_VMX_CR0_FIXED1			0x00000487
#define MSR_IA32_VMX_CR4_FIXED0			0x00000488
#define MSR_IA32_VMX_CR4_FIXED1			0x00000489
#define MSR_IA32_VMX_VMCS_ENUM			0x0000048a
#define MSR_IA32_VMX_PROCBASED_CTLS2		0x0000048b
#define MSR_IA32_VMX_EPT_VPID_CAP		0x0000048c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS		0x0000048d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS	0x0000048e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS		0x0000048f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS		0x00000490
#define MSR_IA32_VMX_VMFUNC			0x00000491
#define MSR_IA32_VMX_FIRST			MSR_IA32_VMX_BASIC
#define MSR_IA32_VMX_LAST			MSR_IA32_VMX_VMFUNC
#define MSR_IA32_VMX_COUNT	(MSR_IA32_VMX_LAST - MSR_IA32_VMX_FIRST + 1)

/*
 * A control capability MSR holds the allowed-0 settings in bits 31:0 (a 1
 * means the control must be 1) and the allowed-1 settings in bits 63:32 (a
 * 0 means the control must be 0).
 */
static inline u32 vmx_ctl_allowed0(u64 cap) { return (u32)cap; }
static inline u32 vmx_ctl_allowed1(u64 cap) { return (u32)(cap >> 32); }

/* ---- IA32_VMX_BASIC (SDM Vol. 3D, "Basic VMX Information") ----------- */
#define VMX_BASIC_REVISION_ID_MASK		0x7fffffffull	/* 30:0 */
#define VMX_BASIC_VMCS_SIZE_SHIFT		32
#define VMX_BASIC_VMCS_SIZE_MASK		0x1fffull	/* 44:32 */
#define VMX_BASIC_32BIT_PHYS_ADDR_ONLY		BIT_ULL(48)
#define VMX_BASIC_DUAL_MONITOR			BIT_ULL(49)
#define VMX_BASIC_MEM_TYPE_SHIFT		50
#define VMX_BASIC_MEM_TYPE_MASK			0xfull		/* 53:50 */
#define VMX_BASIC_MEM_TYPE_UC			0
#define VMX_BASIC_MEM_TYPE_WB			6
#define VMX_BASIC_INOUT				BIT_ULL(54)
#define VMX_BASIC_TRUE_CTLS			BIT_ULL(55)
#define VMX_BASIC_NO_HW_ERRCODE_CC		BIT_ULL(56)
/* The VMCS-size field as the seed sees it: in the MSR's high dword. */
#define VMX_BASIC_HIGH_VMCS_SIZE_MASK		0x1fffu

static inline u32 vmx_basic_vmcs_revision_id(u64 basic)
{
	return (u32)(basic & VMX_BASIC_REVISION_ID_MASK);
}

static inline u32 vmx_basic_vmcs_size(u64 basic)
{
	return (u32)((basic >> VMX_BASIC_VMCS_SIZE_SHIFT) &
		     VMX_BASIC_VMCS_SIZE_MASK);
}

static inline u32 vmx_basic_vmcs_mem_type(u64 basic)
{
	return (u32)((basic >> VMX_BASIC_MEM_TYPE_SHIFT) &
		     VMX_BASIC_MEM_TYPE_MASK);
}

static inline bool vmx_basic_true_ctls(u64 basic)
{
	return basic & VMX_BASIC_TRUE_CTLS;
}

/* ---- IA32_VMX_MISC (SDM Vol. 3D, "Miscellaneous Data") --------------- */
#define VMX_MISC_PREEMPTION_TIMER_RATE_MASK	0x1full		/* 4:0 */
#define VMX_MISC_SAVE_EFER_LMA			BIT_ULL(5)
#define VMX_MISC_ACTIVITY_HLT			BIT_ULL(6)
#define VMX_MISC_ACTIVITY_SHUTDOWN		BIT_ULL(7)
#define VMX_MISC_ACTIVITY_WAIT_SIPI		BIT_ULL(8)
#define VMX_MISC_INTEL_PT			BIT_ULL(14)
#define VMX_MISC_RDMSR_IN_SMM			BIT_ULL(15)
#define VMX_MISC_CR3_TARGET_SHIFT		16
#define VMX_MISC_CR3_TARGET_MASK		0x1ffull	/* 24:16 */
#define VMX_MISC_MSR_LIST_SHIFT			25
#define VMX_MISC_MSR_LIST_MASK			0x7ull		/* 27:25 */
/* The recommended maximum MSR-list length is 512 * (N + 1). */
#define VMX_MISC_MSR_LIST_MULTIPLIER		512
#define VMX_MISC_VMXOFF_BLOCK_SMI		BIT_ULL(28)
#define VMX_MISC_VMWRITE_SHADOW_RO_FIELDS	BIT_ULL(29)
#define VMX_MISC_ZERO_LEN_INS			BIT_ULL(30)
#define VMX_MISC_MSEG_REVID_SHIFT		32		/* 63:32 */

static inline u32 vmx_misc_preemption_timer_rate(u64 misc)
{
	return (u32)(misc & VMX_MISC_PREEMPTION_TIMER_RATE_MASK);
}

static inline u32 vmx_misc_cr3_count(u64 misc)
{
	return (u32)((misc >> VMX_MISC_CR3_TARGET_SHIFT) &
		     VMX_MISC_CR3_TARGET_MASK);
}

static inline u32 vmx_misc_max_msr_list(u64 misc)
{
	u32 n = (u32)((misc >> VMX_MISC_MSR_LIST_SHIFT) &
		      VMX_MISC_MSR_LIST_MASK);

	return VMX_MISC_MSR_LIST_MULTIPLIER * (n + 1);
}

static inline u32 vmx_misc_mseg_revid(u64 misc)
{
	return (u32)(misc >> VMX_MISC_MSEG_REVID_SHIFT);
}

/* ---- IA32_VMX_VMCS_ENUM (SDM Vol. 3D, "VMCS Enumeration") ------------ */
#define VMX_VMCS_ENUM_MAX_INDEX_SHIFT		1
#define VMX_VMCS_ENUM_MAX_INDEX_MASK		0x1ffull	/* 9:1 */

static inline u32 vmx_vmcs_enum_max_index(u64 vmcs_enum)
{
	return (u32)((vmcs_enum >> VMX_VMCS_ENUM_MAX_INDEX_SHIFT) &
		     VMX_VMCS_ENUM_MAX_INDEX_MASK);
}

/* ---- IA32_VMX_VMFUNC (SDM Vol. 3D, "VM Functions") ------------------- */
#define VMX_VMFUNC_EPTP_SWITCHING		BIT_ULL(0)

/*
 * ---- IA32_VMX_EPT_VPID_CAP (SDM Vol. 3D, "VPID and EPT Capabilities") --
 * As in KVM the MSR is kept in two halves: bits 31:0 in
 * vmx_capability.ept and bits 63:32 in vmx_capability.vpid, so the VPID
 * bits below are numbered from bit 32 of the MSR.
 */
#define VMX_EPT_EXECUTE_ONLY_BIT		BIT(0)
#define VMX_EPT_PAGE_WALK_4_BIT			BIT(6)
#define VMX_EPT_PAGE_WALK_5_BIT			BIT(7)
#define VMX_EPTP_UC_BIT				BIT(8)
#define VMX_EPTP_WB_BIT				BIT(14)
#define VMX_EPT_2MB_PAGE_BIT			BIT(16)
#define VMX_EPT_1GB_PAGE_BIT			BIT(17)
#define VMX_EPT_INVEPT_BIT			BIT(20)
#define VMX_EPT_AD_BIT				BIT(21)
#define VMX_EPT_ADV_VMEXIT_INFO_BIT		BIT(22)
#define VMX_EPT_SUPERVISOR_SHADOW_STACK_BIT	BIT(23)
#define VMX_EPT_EXTENT_CONTEXT_BIT		BIT(25)
#define VMX_EPT_EXTENT_GLOBAL_BIT		BIT(26)

#define VMX_VPID_INVVPID_BIT			BIT(0)	/* MSR bit 32 */
#define VMX_VPID_EXTENT_INDIVIDUAL_ADDR_BIT	BIT(8)	/* MSR bit 40 */
#define VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT	BIT(9)	/* MSR bit 41 */
#define VMX_VPID_EXTENT_GLOBAL_CONTEXT_BIT	BIT(10)	/* MSR bit 42 */
#define VMX_VPID_EXTENT_SINGLE_NON_GLOBAL_BIT	BIT(11)	/* MSR bit 43 */

#endif /* TVX_VMX_CONTROLS_H */

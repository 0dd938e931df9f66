/* SPDX-License-Identifier: MIT */
/*
 * VMX capability negotiation (seeds 000 and 002: setup_vmcs_config() and
 * adjust_vmx_controls()) and the KVM-style cpu_has_*() queries.
 *
 * Pure logic: the capability MSRs are read once into a struct vmx_msrs
 * snapshot (through an rdmsr callback), and everything after that works on
 * the snapshot, so the negotiation runs the same in the hypervisor and in
 * the host unit tests.
 */
#ifndef TVX_VMX_CAPABILITIES_H
#define TVX_VMX_CAPABILITIES_H

#include "tvx/types.h"
#include "vmx/vmx_controls.h"

/* ---- Snapshot of the capability MSRs --------------------------------- */

/* Bit of struct vmx_msrs.present for capability MSR @msr (0x480..0x491). */
#define VMX_MSR_BIT(msr)	BIT((msr) - MSR_IA32_VMX_FIRST)
/* The MSRs every VMX-capable CPU implements (0x480..0x48a). */
#define VMX_MSRS_ALWAYS_PRESENT						\
	(VMX_MSR_BIT(MSR_IA32_VMX_BASIC) |				\
	 VMX_MSR_BIT(MSR_IA32_VMX_PINBASED_CTLS) |			\
	 VMX_MSR_BIT(MSR_IA32_VMX_PROCBASED_CTLS) |			\
	 VMX_MSR_BIT(MSR_IA32_VMX_EXIT_CTLS) |				\
	 VMX_MSR_BIT(MSR_IA32_VMX_ENTRY_CTLS) |				\
	 VMX_MSR_BIT(MSR_IA32_VMX_MISC) |				\
	 VMX_MSR_BIT(MSR_IA32_VMX_CR0_FIXED0) |				\
	 VMX_MSR_BIT(MSR_IA32_VMX_CR0_FIXED1) |				\
	 VMX_MSR_BIT(MSR_IA32_VMX_CR4_FIXED0) |				\
	 VMX_MSR_BIT(MSR_IA32_VMX_CR4_FIXED1) |				\
	 VMX_MSR_BIT(MSR_IA32_VMX_VMCS_ENUM))
#define VMX_MSRS_TRUE_CTLS						\
	(VMX_MSR_BIT(MSR_IA32_VMX_TRUE_PINBASED_CTLS) |			\
	 VMX_MSR_BIT(MSR_IA32_VMX_TRUE_PROCBASED_CTLS) |		\
	 VMX_MSR_BIT(MSR_IA32_VMX_TRUE_EXIT_CTLS) |			\
	 VMX_MSR_BIT(MSR_IA32_VMX_TRUE_ENTRY_CTLS))

struct vmx_msrs {
	u64 basic;
	u64 pinbased;
	u64 procbased;
	u64 exit;
	u64 entry;
	u64 misc;
	u64 cr0_fixed0;
	u64 cr0_fixed1;
	u64 cr4_fixed0;
	u64 cr4_fixed1;
	u64 vmcs_enum;
	u64 procbased2;
	u64 ept_vpid_cap;
	u64 true_pinbased;
	u64 true_procbased;
	u64 true_exit;
	u64 true_entry;
	u64 vmfunc;
	/* VMX_MSR_BIT() of every MSR above that the CPU implements. */
	u32 present;
	/*
	 * CPU identity the errata need; not MSRs, so the caller fills them
	 * from CPUID: the signature CPUID.1:EAX (stepping 3:0, model 7:4,
	 * family 11:8, extended model 19:16, extended family 27:20) and
	 * CPUID.(EAX=7,ECX=0):EBX bit 2 (SGX).
	 */
	u32 cpuid_1_eax;
	bool has_sgx;
};

/*
 * Fill @m's MSR fields (and @m->present) through @rdmsr, reading only MSRs
 * the CPU implements, since reading any other one faults (SDM Vol. 3D,
 * "VMX Capability Reporting Facility"):
 *   - 0x480..0x48a always;
 *   - the TRUE_* controls only if IA32_VMX_BASIC bit 55 is 1;
 *   - PROCBASED_CTLS2 only if "activate secondary controls" may be 1;
 *   - EPT_VPID_CAP only if "enable EPT" or "enable VPID" may be 1;
 *   - VMFUNC only if "enable VM functions" may be 1.
 * Fields of absent MSRs are 0.  cpuid_1_eax and has_sgx are left alone.
 */
void vmx_read_capability_msrs(struct vmx_msrs *m, u64 (*rdmsr)(u32 msr));

/* Name of capability MSR @msr ("IA32_VMX_BASIC", ...), "?" if unknown. */
const char *vmx_msr_name(u32 msr);

/* ---- The five 32-bit control fields ---------------------------------- */

enum vmx_ctl_field {
	VMX_CTL_PIN,	/* pin-based VM-execution controls */
	VMX_CTL_PROC,	/* primary processor-based VM-execution controls */
	VMX_CTL_PROC2,	/* secondary processor-based VM-execution controls */
	VMX_CTL_EXIT,	/* (primary) VM-exit controls */
	VMX_CTL_ENTRY,	/* VM-entry controls */
	VMX_CTL_NR,
};

struct vmx_ctl_field_info {
	const char *title;		/* "Pin-based VM-execution controls" */
	u32 msr;			/* its capability MSR */
	u32 true_msr;			/* its TRUE_ MSR, 0 if none */
	const char *const *bit_names;	/* VMX_CTL_BITS entries */
};

extern const struct vmx_ctl_field_info vmx_ctl_fields[VMX_CTL_NR];

/* True if the TRUE_ control MSRs exist and were captured. */
bool vmx_has_true_ctls(const struct vmx_msrs *m);

/*
 * The capability MSR value control field @f is negotiated against; its
 * index goes to *@msr if @msr is not NULL.  This is the TRUE_ variant when
 * IA32_VMX_BASIC bit 55 says it exists: the plain MSRs report the
 * "default1" controls (e.g. CR3-load/store exiting) as must-be-1, the TRUE
 * ones say which of them the CPU actually lets software clear, and the
 * seed's EPT rule clears CR3-load/store exiting.  Returns 0 (and *@msr 0)
 * if the MSR is absent (secondary controls on a CPU without them).
 */
u64 vmx_control_cap(const struct vmx_msrs *m, enum vmx_ctl_field f, u32 *msr);

/*
 * Seed 000: ctl = min | opt; ctl &= allowed-1 (high word: a 0 there means
 * the control must be 0); ctl |= allowed-0 (low word: a 1 there means it
 * must be 1); fail with -EIO if a required (min) control did not survive.
 * *@result is written only on success.
 */
int adjust_vmx_controls(u32 ctl_min, u32 ctl_opt, u64 cap_msr, u32 *result);

/* ---- Negotiation result (seed names) --------------------------------- */

struct vmcs_config {
	int size;			/* VMCS region size in bytes */
	int order;			/* log2 of pages for the region */
	u32 basic_cap;			/* IA32_VMX_BASIC[63:32], size masked */
	u32 revision_id;		/* IA32_VMX_BASIC[31:0] */
	u32 pin_based_exec_ctrl;
	u32 cpu_based_exec_ctrl;
	u32 cpu_based_2nd_exec_ctrl;
	u32 vmexit_ctrl;
	u32 vmentry_ctrl;
	/* tinyvmx additions, copied from the snapshot on success: */
	u64 misc;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
};

struct vmx_capability {
	u32 ept;	/* IA32_VMX_EPT_VPID_CAP[31:0] */
	u32 vpid;	/* IA32_VMX_EPT_VPID_CAP[63:32] */
};

/* ---- Negotiation log ------------------------------------------------- */

/* Why a control that was requested (min or opt) ended up 0. */
enum vmx_drop_reason {
	VMX_DROP_NONE = 0,
	VMX_DROP_NOT_ALLOWED,		/* allowed-1 is 0 */
	VMX_DROP_SECONDARY_OFF,		/* no "activate secondary controls" */
	VMX_DROP_NO_TPR_SHADOW,		/* APIC virtualization needs it */
	VMX_DROP_EPT_NO_CR3_EXITING,	/* EPT rule: CR3/INVLPG exits moot */
	VMX_DROP_TPR_SHADOW_CR8,	/* TPR shadow replaces CR8 exiting */
	VMX_DROP_NO_VID_NO_POSTED,	/* posted intr need intr delivery */
	VMX_DROP_PREEMPTION_ERRATUM,	/* broken VMX-preemption timer */
	VMX_DROP_PERF_GLOBAL_ERRATUM,	/* PERF_GLOBAL_CTRL load erratum */
	VMX_DROP_NR,
};

/* Short tag ("not allowed by CPU") and a sentence for @why. */
const char *vmx_drop_reason_short(enum vmx_drop_reason why);
const char *vmx_drop_reason_text(enum vmx_drop_reason why);

struct vmx_ctl_log {
	bool negotiated;	/* adjust_vmx_controls() ran (and succeeded) */
	u32 msr;		/* capability MSR consulted, 0 if absent */
	u32 min, opt;		/* requested */
	u32 allowed0, allowed1;	/* from that MSR */
	u32 result;		/* final value (0 if not negotiated) */
	u8 drop[VMX_CTL_BITS];	/* enum vmx_drop_reason per bit */
};

#define VMX_WARN_EPT_CAP_WITHOUT_EPT	BIT(0)
#define VMX_WARN_VPID_CAP_WITHOUT_VPID	BIT(1)
#define VMX_WARN_PREEMPTION_ERRATUM	BIT(2)
#define VMX_WARN_PERF_GLOBAL_ERRATUM	BIT(3)

#define VMX_WARN_NR			4

#define VMX_NEG_ERROR_LEN 160

struct vmx_negotiation_log {
	struct vmx_ctl_log ctl[VMX_CTL_NR];
	u32 warning_flags;		/* VMX_WARN_* */
	/* The same warnings as text, in the order they were raised. */
	unsigned int nwarnings;
	const char *warnings[VMX_WARN_NR];
	int err;			/* setup_vmcs_config()'s return value */
	char error[VMX_NEG_ERROR_LEN];	/* "" on success */
};

/* Text for one VMX_WARN_* bit. */
const char *vmx_warning_text(u32 warning);

/*
 * Seed 000/002 setup_vmcs_config(), on a snapshot.  Returns 0 or -EIO; on
 * failure *@vmcs_conf stays zeroed and @log (may be NULL) has the reason.
 */
int setup_vmcs_config(struct vmcs_config *vmcs_conf,
		      struct vmx_capability *vmx_cap,
		      const struct vmx_msrs *m,
		      struct vmx_negotiation_log *log);

/* CPU signature helpers (SDM Vol. 2A, CPUID "Version Information"). */
static inline u32 vmx_sig_family(u32 sig)
{
	u32 family = (sig >> 8) & 0xf;

	if (family == 0xf)
		family += (sig >> 20) & 0xff;
	return family;
}

static inline u32 vmx_sig_model(u32 sig)
{
	u32 family = (sig >> 8) & 0xf;
	u32 model = (sig >> 4) & 0xf;

	if (family == 0x6 || family == 0xf)
		model |= ((sig >> 16) & 0xf) << 4;
	return model;
}

static inline u32 vmx_sig_stepping(u32 sig)
{
	return sig & 0xf;
}

/* Errata checks used by setup_vmcs_config(). */
bool cpu_has_broken_vmx_preemption_timer(u32 cpuid_1_eax);
bool cpu_has_perf_global_ctrl_erratum(u32 cpuid_1_eax);

/* ---- Global configuration and module parameters ---------------------- */

extern struct vmcs_config vmcs_config;
extern struct vmx_capability vmx_capability;

/*
 * KVM's module parameters, all true by default; hardware setup clears the
 * ones the CPU cannot honour (after setup_vmcs_config()).
 */
extern bool enable_ept;
extern bool enable_vpid;
extern bool enable_unrestricted_guest;
extern bool enable_preemption_timer;
extern bool enable_vnmi;
extern bool enable_apicv;

/* ---- KVM-style queries on the negotiated configuration --------------- */

static inline bool cpu_has_vmx_msr_bitmap(void)
{
	return vmcs_config.cpu_based_exec_ctrl & CPU_BASED_USE_MSR_BITMAPS;
}

static inline bool cpu_has_vmx_tpr_shadow(void)
{
	return vmcs_config.cpu_based_exec_ctrl & CPU_BASED_TPR_SHADOW;
}

static inline bool cpu_has_secondary_exec_ctrls(void)
{
	return vmcs_config.cpu_based_exec_ctrl &
	       CPU_BASED_ACTIVATE_SECONDARY_CONTROLS;
}

static inline bool cpu_has_vmx_2nd(u32 bits)
{
	return cpu_has_secondary_exec_ctrls() &&
	       (vmcs_config.cpu_based_2nd_exec_ctrl & bits) == bits;
}

static inline bool cpu_has_vmx_virtualize_apic_accesses(void)
{
	return cpu_has_vmx_2nd(SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES);
}

static inline bool cpu_has_vmx_virtualize_x2apic_mode(void)
{
	return cpu_has_vmx_2nd(SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE);
}

static inline bool cpu_has_vmx_ept(void)
{
	return cpu_has_vmx_2nd(SECONDARY_EXEC_ENABLE_EPT);
}

static inline bool cpu_has_vmx_vpid(void)
{
	return cpu_has_vmx_2nd(SECONDARY_EXEC_ENABLE_VPID);
}

static inline bool cpu_has_vmx_unrestricted_guest(void)
{
	return cpu_has_vmx_2nd(SECONDARY_EXEC_UNRESTRICTED_GUEST);
}

static inline bool cpu_has_vmx_apic_register_virt(void)
{
	return cpu_has_vmx_2nd(SECONDARY_EXEC_APIC_REGISTER_VIRT);
}

static inline bool cpu_has_vmx_virtual_intr_delivery(void)
{
	return cpu_has_vmx_2nd(SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY);
}

static inline bool cpu_has_vmx_ple(void)
{
	return cpu_has_vmx_2nd(SECONDARY_EXEC_PAUSE_LOOP_EXITING);
}

static inline bool cpu_has_vmx_wbinvd_exit(void)
{
	return cpu_has_vmx_2nd(SECONDARY_EXEC_WBINVD_EXITING);
}

static inline bool cpu_has_vmx_rdtscp(void)
{
	return cpu_has_vmx_2nd(SECONDARY_EXEC_ENABLE_RDTSCP);
}

static inline bool cpu_has_vmx_invpcid(void)
{
	return cpu_has_vmx_2nd(SECONDARY_EXEC_ENABLE_INVPCID);
}

static inline bool cpu_has_vmx_xsaves(void)
{
	return cpu_has_vmx_2nd(SECONDARY_EXEC_XSAVES);
}

static inline bool cpu_has_vmx_pml(void)
{
	return cpu_has_vmx_2nd(SECONDARY_EXEC_ENABLE_PML);
}

static inline bool cpu_has_vmx_vmfunc(void)
{
	return cpu_has_vmx_2nd(SECONDARY_EXEC_ENABLE_VMFUNC);
}

static inline bool cpu_has_vmx_preemption_timer(void)
{
	return vmcs_config.pin_based_exec_ctrl &
	       PIN_BASED_VMX_PREEMPTION_TIMER;
}

static inline bool cpu_has_virtual_nmis(void)
{
	return vmcs_config.pin_based_exec_ctrl & PIN_BASED_VIRTUAL_NMIS;
}

static inline bool cpu_has_vmx_posted_intr(void)
{
	return vmcs_config.pin_based_exec_ctrl & PIN_BASED_POSTED_INTR;
}

/* KVM's APICv: register virtualization, interrupt delivery and posting. */
static inline bool cpu_has_vmx_apicv(void)
{
	return cpu_has_vmx_apic_register_virt() &&
	       cpu_has_vmx_virtual_intr_delivery() &&
	       cpu_has_vmx_posted_intr();
}

static inline bool cpu_has_load_ia32_efer(void)
{
	return (vmcs_config.vmentry_ctrl & VM_ENTRY_LOAD_IA32_EFER) &&
	       (vmcs_config.vmexit_ctrl & VM_EXIT_LOAD_IA32_EFER);
}

static inline bool cpu_has_load_perf_global_ctrl(void)
{
	return (vmcs_config.vmentry_ctrl &
		VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL) &&
	       (vmcs_config.vmexit_ctrl & VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL);
}

static inline bool cpu_has_vmx_ept_execute_only(void)
{
	return vmx_capability.ept & VMX_EPT_EXECUTE_ONLY_BIT;
}

static inline bool cpu_has_vmx_ept_4levels(void)
{
	return vmx_capability.ept & VMX_EPT_PAGE_WALK_4_BIT;
}

static inline bool cpu_has_vmx_ept_mt_wb(void)
{
	return vmx_capability.ept & VMX_EPTP_WB_BIT;
}

static inline bool cpu_has_vmx_ept_2m_page(void)
{
	return vmx_capability.ept & VMX_EPT_2MB_PAGE_BIT;
}

static inline bool cpu_has_vmx_ept_1g_page(void)
{
	return vmx_capability.ept & VMX_EPT_1GB_PAGE_BIT;
}

static inline bool cpu_has_vmx_ept_ad_bits(void)
{
	return vmx_capability.ept & VMX_EPT_AD_BIT;
}

static inline bool cpu_has_vmx_invept(void)
{
	return vmx_capability.ept & VMX_EPT_INVEPT_BIT;
}

static inline bool cpu_has_vmx_invept_context(void)
{
	return vmx_capability.ept & VMX_EPT_EXTENT_CONTEXT_BIT;
}

static inline bool cpu_has_vmx_invept_global(void)
{
	return vmx_capability.ept & VMX_EPT_EXTENT_GLOBAL_BIT;
}

static inline bool cpu_has_vmx_invvpid(void)
{
	return vmx_capability.vpid & VMX_VPID_INVVPID_BIT;
}

static inline bool cpu_has_vmx_invvpid_individual_addr(void)
{
	return vmx_capability.vpid & VMX_VPID_EXTENT_INDIVIDUAL_ADDR_BIT;
}

static inline bool cpu_has_vmx_invvpid_single(void)
{
	return vmx_capability.vpid & VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT;
}

static inline bool cpu_has_vmx_invvpid_global(void)
{
	return vmx_capability.vpid & VMX_VPID_EXTENT_GLOBAL_CONTEXT_BIT;
}

/* The VMX-preemption timer counts down once every 2^rate TSC ticks. */
static inline u32 vmx_preemption_timer_rate(void)
{
	return vmx_misc_preemption_timer_rate(vmcs_config.misc);
}

/* ---- Report (vmx/caps_report.c) -------------------------------------- */

/*
 * Run setup_vmcs_config() on @m into local structures and print, one line
 * per call of @out (no newline), a readable report for an 80-column
 * terminal: CPU signature, IA32_VMX_BASIC, a table per control field
 * (allowed-0/1, requested, result and why a requested control is off),
 * EPT/VPID capabilities, IA32_VMX_MISC, CR0/CR4 fixed bits, the result or
 * the error.
 */
void vmx_caps_report(const struct vmx_msrs *m,
		     void (*out)(void *ctx, const char *line), void *ctx);

/*
 * One boot-log line, e.g. "vmx: rev 4, vmcs 4096B, ept 4-level wb 2M 1G,
 * vpid, unrestricted guest, preemption timer (rate 5), tpr shadow, ...".
 * Returns what snprintf() returns (the untruncated length).
 */
int vmx_caps_summary(const struct vmcs_config *conf,
		     const struct vmx_capability *cap, char *buf, size_t len);

#endif /* TVX_VMX_CAPABILITIES_H */

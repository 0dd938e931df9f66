/* SPDX-License-Identifier: MIT */
/*
 * VMX capability negotiation: setup_vmcs_config() and adjust_vmx_controls()
 * from seeds 000 and 002, run on a snapshot of the capability MSRs so the
 * same code negotiates in the hypervisor and in the host unit tests.
 *
 * Each control field is negotiated from a "min" set (required: fail if the
 * CPU cannot set one) and an "opt" set (wanted if the CPU allows it), then
 * cross-rules clear controls that are useless or broken in combination.
 * The negotiation log records, for every requested control that ended up
 * 0, which rule removed it, for the capability report.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tvx/types.h"
#include "vmx/capabilities.h"
#include "vmx/vmx_controls.h"

struct vmcs_config vmcs_config;
struct vmx_capability vmx_capability;

bool enable_ept = true;
bool enable_vpid = true;
bool enable_unrestricted_guest = true;
bool enable_preemption_timer = true;
bool enable_vnmi = true;
bool enable_apicv = true;

/* ---- Names ----------------------------------------------------------- */

#define CTL_NAME(bit) [__builtin_ctz(bit)] = #bit

const char *const vmx_pin_based_ctl_names[VMX_CTL_BITS] = {
	CTL_NAME(PIN_BASED_EXT_INTR_MASK),
	CTL_NAME(PIN_BASED_NMI_EXITING),
	CTL_NAME(PIN_BASED_VIRTUAL_NMIS),
	CTL_NAME(PIN_BASED_VMX_PREEMPTION_TIMER),
	CTL_NAME(PIN_BASED_POSTED_INTR),
};

const char *const vmx_cpu_based_ctl_names[VMX_CTL_BITS] = {
	CTL_NAME(CPU_BASED_INTR_WINDOW_EXITING),
	CTL_NAME(CPU_BASED_USE_TSC_OFFSETTING),
	CTL_NAME(CPU_BASED_HLT_EXITING),
	CTL_NAME(CPU_BASED_INVLPG_EXITING),
	CTL_NAME(CPU_BASED_MWAIT_EXITING),
	CTL_NAME(CPU_BASED_RDPMC_EXITING),
	CTL_NAME(CPU_BASED_RDTSC_EXITING),
	CTL_NAME(CPU_BASED_CR3_LOAD_EXITING),
	CTL_NAME(CPU_BASED_CR3_STORE_EXITING),
	CTL_NAME(CPU_BASED_ACTIVATE_TERTIARY_CONTROLS),
	CTL_NAME(CPU_BASED_CR8_LOAD_EXITING),
	CTL_NAME(CPU_BASED_CR8_STORE_EXITING),
	CTL_NAME(CPU_BASED_TPR_SHADOW),
	CTL_NAME(CPU_BASED_NMI_WINDOW_EXITING),
	CTL_NAME(CPU_BASED_MOV_DR_EXITING),
	CTL_NAME(CPU_BASED_UNCOND_IO_EXITING),
	CTL_NAME(CPU_BASED_USE_IO_BITMAPS),
	CTL_NAME(CPU_BASED_MONITOR_TRAP_FLAG),
	CTL_NAME(CPU_BASED_USE_MSR_BITMAPS),
	CTL_NAME(CPU_BASED_MONITOR_EXITING),
	CTL_NAME(CPU_BASED_PAUSE_EXITING),
	CTL_NAME(CPU_BASED_ACTIVATE_SECONDARY_CONTROLS),
};

const char *const vmx_secondary_ctl_names[VMX_CTL_BITS] = {
	CTL_NAME(SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES),
	CTL_NAME(SECONDARY_EXEC_ENABLE_EPT),
	CTL_NAME(SECONDARY_EXEC_DESC),
	CTL_NAME(SECONDARY_EXEC_ENABLE_RDTSCP),
	CTL_NAME(SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE),
	CTL_NAME(SECONDARY_EXEC_ENABLE_VPID),
	CTL_NAME(SECONDARY_EXEC_WBINVD_EXITING),
	CTL_NAME(SECONDARY_EXEC_UNRESTRICTED_GUEST),
	CTL_NAME(SECONDARY_EXEC_APIC_REGISTER_VIRT),
	CTL_NAME(SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY),
	CTL_NAME(SECONDARY_EXEC_PAUSE_LOOP_EXITING),
	CTL_NAME(SECONDARY_EXEC_RDRAND_EXITING),
	CTL_NAME(SECONDARY_EXEC_ENABLE_INVPCID),
	CTL_NAME(SECONDARY_EXEC_ENABLE_VMFUNC),
	CTL_NAME(SECONDARY_EXEC_SHADOW_VMCS),
	CTL_NAME(SECONDARY_EXEC_ENCLS_EXITING),
	CTL_NAME(SECONDARY_EXEC_RDSEED_EXITING),
	CTL_NAME(SECONDARY_EXEC_ENABLE_PML),
	CTL_NAME(SECONDARY_EXEC_EPT_VIOLATION_VE),
	CTL_NAME(SECONDARY_EXEC_PT_CONCEAL_VMX),
	CTL_NAME(SECONDARY_EXEC_XSAVES),
	CTL_NAME(SECONDARY_EXEC_PASID_TRANSLATION),
	CTL_NAME(SECONDARY_EXEC_MODE_BASED_EPT_EXEC),
	CTL_NAME(SECONDARY_EXEC_ENABLE_SPP),
	CTL_NAME(SECONDARY_EXEC_PT_USE_GPA),
	CTL_NAME(SECONDARY_EXEC_TSC_SCALING),
	CTL_NAME(SECONDARY_EXEC_ENABLE_USR_WAIT_PAUSE),
	CTL_NAME(SECONDARY_EXEC_ENABLE_PCONFIG),
	CTL_NAME(SECONDARY_EXEC_ENCLV_EXITING),
	CTL_NAME(SECONDARY_EXEC_BUS_LOCK_DETECTION),
	CTL_NAME(SECONDARY_EXEC_NOTIFY_VM_EXITING),
};

const char *const vmx_exit_ctl_names[VMX_CTL_BITS] = {
	CTL_NAME(VM_EXIT_SAVE_DEBUG_CONTROLS),
	CTL_NAME(VM_EXIT_HOST_ADDR_SPACE_SIZE),
	CTL_NAME(VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL),
	CTL_NAME(VM_EXIT_ACK_INTR_ON_EXIT),
	CTL_NAME(VM_EXIT_SAVE_IA32_PAT),
	CTL_NAME(VM_EXIT_LOAD_IA32_PAT),
	CTL_NAME(VM_EXIT_SAVE_IA32_EFER),
	CTL_NAME(VM_EXIT_LOAD_IA32_EFER),
	CTL_NAME(VM_EXIT_SAVE_VMX_PREEMPTION_TIMER),
	CTL_NAME(VM_EXIT_CLEAR_BNDCFGS),
	CTL_NAME(VM_EXIT_PT_CONCEAL_PIP),
	CTL_NAME(VM_EXIT_CLEAR_IA32_RTIT_CTL),
	CTL_NAME(VM_EXIT_CLEAR_IA32_LBR_CTL),
	CTL_NAME(VM_EXIT_CLEAR_UINV),
	CTL_NAME(VM_EXIT_LOAD_CET_STATE),
	CTL_NAME(VM_EXIT_LOAD_IA32_PKRS),
	CTL_NAME(VM_EXIT_SAVE_IA32_PERF_GLOBAL_CTRL),
	CTL_NAME(VM_EXIT_ACTIVATE_SECONDARY_CONTROLS),
};

const char *const vmx_entry_ctl_names[VMX_CTL_BITS] = {
	CTL_NAME(VM_ENTRY_LOAD_DEBUG_CONTROLS),
	CTL_NAME(VM_ENTRY_IA32E_MODE),
	CTL_NAME(VM_ENTRY_SMM),
	CTL_NAME(VM_ENTRY_DEACT_DUAL_MONITOR),
	CTL_NAME(VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL),
	CTL_NAME(VM_ENTRY_LOAD_IA32_PAT),
	CTL_NAME(VM_ENTRY_LOAD_IA32_EFER),
	CTL_NAME(VM_ENTRY_LOAD_BNDCFGS),
	CTL_NAME(VM_ENTRY_PT_CONCEAL_PIP),
	CTL_NAME(VM_ENTRY_LOAD_IA32_RTIT_CTL),
	CTL_NAME(VM_ENTRY_LOAD_UINV),
	CTL_NAME(VM_ENTRY_LOAD_CET_STATE),
	CTL_NAME(VM_ENTRY_LOAD_IA32_LBR_CTL),
	CTL_NAME(VM_ENTRY_LOAD_IA32_PKRS),
};

const struct vmx_ctl_field_info vmx_ctl_fields[VMX_CTL_NR] = {
	[VMX_CTL_PIN] = {
		.title = "Pin-based VM-execution controls",
		.msr = MSR_IA32_VMX_PINBASED_CTLS,
		.true_msr = MSR_IA32_VMX_TRUE_PINBASED_CTLS,
		.bit_names = vmx_pin_based_ctl_names,
	},
	[VMX_CTL_PROC] = {
		.title = "Primary processor-based VM-execution controls",
		.msr = MSR_IA32_VMX_PROCBASED_CTLS,
		.true_msr = MSR_IA32_VMX_TRUE_PROCBASED_CTLS,
		.bit_names = vmx_cpu_based_ctl_names,
	},
	[VMX_CTL_PROC2] = {
		.title = "Secondary processor-based VM-execution controls",
		.msr = MSR_IA32_VMX_PROCBASED_CTLS2,
		.true_msr = 0,
		.bit_names = vmx_secondary_ctl_names,
	},
	[VMX_CTL_EXIT] = {
		.title = "VM-exit controls",
		.msr = MSR_IA32_VMX_EXIT_CTLS,
		.true_msr = MSR_IA32_VMX_TRUE_EXIT_CTLS,
		.bit_names = vmx_exit_ctl_names,
	},
	[VMX_CTL_ENTRY] = {
		.title = "VM-entry controls",
		.msr = MSR_IA32_VMX_ENTRY_CTLS,
		.true_msr = MSR_IA32_VMX_TRUE_ENTRY_CTLS,
		.bit_names = vmx_entry_ctl_names,
	},
};

static const char *const vmx_msr_names[MSR_IA32_VMX_COUNT] = {
	"IA32_VMX_BASIC",
	"IA32_VMX_PINBASED_CTLS",
	"IA32_VMX_PROCBASED_CTLS",
	"IA32_VMX_EXIT_CTLS",
	"IA32_VMX_ENTRY_CTLS",
	"IA32_VMX_MISC",
	"IA32_VMX_CR0_FIXED0",
	"IA32_VMX_CR0_FIXED1",
	"IA32_VMX_CR4_FIXED0",
	"IA32_VMX_CR4_FIXED1",
	"IA32_VMX_VMCS_ENUM",
	"IA32_VMX_PROCBASED_CTLS2",
	"IA32_VMX_EPT_VPID_CAP",
	"IA32_VMX_TRUE_PINBASED_CTLS",
	"IA32_VMX_TRUE_PROCBASED_CTLS",
	"IA32_VMX_TRUE_EXIT_CTLS",
	"IA32_VMX_TRUE_ENTRY_CTLS",
	"IA32_VMX_VMFUNC",
};

const char *vmx_msr_name(u32 msr)
{
	if (msr < MSR_IA32_VMX_FIRST || msr > MSR_IA32_VMX_LAST)
		return "?";
	return vmx_msr_names[msr - MSR_IA32_VMX_FIRST];
}

static const char *const vmx_warning_texts[VMX_WARN_NR] = {
	"EPT CAP should not exist if not support 1-setting enable EPT "
	"VM-execution control",
	"VPID CAP should not exist if not support 1-setting enable VPID "
	"VM-execution control",
	"VMX-preemption timer is broken on this CPU (erratum); not using it",
	"VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL does not work properly "
	"(erratum); use the MSR-load lists instead",
};

const char *vmx_warning_text(u32 warning)
{
	if (!warning || (warning & (warning - 1)) ||
	    warning >= BIT(VMX_WARN_NR))
		return "?";
	return vmx_warning_texts[__builtin_ctz(warning)];
}

/* ---- Reading the MSRs ------------------------------------------------ */

static u64 *vmx_msr_slot(struct vmx_msrs *m, u32 msr)
{
	switch (msr) {
	case MSR_IA32_VMX_BASIC:		return &m->basic;
	case MSR_IA32_VMX_PINBASED_CTLS:	return &m->pinbased;
	case MSR_IA32_VMX_PROCBASED_CTLS:	return &m->procbased;
	case MSR_IA32_VMX_EXIT_CTLS:		return &m->exit;
	case MSR_IA32_VMX_ENTRY_CTLS:		return &m->entry;
	case MSR_IA32_VMX_MISC:			return &m->misc;
	case MSR_IA32_VMX_CR0_FIXED0:		return &m->cr0_fixed0;
	case MSR_IA32_VMX_CR0_FIXED1:		return &m->cr0_fixed1;
	case MSR_IA32_VMX_CR4_FIXED0:		return &m->cr4_fixed0;
	case MSR_IA32_VMX_CR4_FIXED1:		return &m->cr4_fixed1;
	case MSR_IA32_VMX_VMCS_ENUM:		return &m->vmcs_enum;
	case MSR_IA32_VMX_PROCBASED_CTLS2:	return &m->procbased2;
	case MSR_IA32_VMX_EPT_VPID_CAP:		return &m->ept_vpid_cap;
	case MSR_IA32_VMX_TRUE_PINBASED_CTLS:	return &m->true_pinbased;
	case MSR_IA32_VMX_TRUE_PROCBASED_CTLS:	return &m->true_procbased;
	case MSR_IA32_VMX_TRUE_EXIT_CTLS:	return &m->true_exit;
	case MSR_IA32_VMX_TRUE_ENTRY_CTLS:	return &m->true_entry;
	case MSR_IA32_VMX_VMFUNC:		return &m->vmfunc;
	default:				return NULL;
	}
}

static void read_one(struct vmx_msrs *m, u64 (*rdmsr)(u32 msr), u32 msr)
{
	*vmx_msr_slot(m, msr) = rdmsr(msr);
	m->present |= VMX_MSR_BIT(msr);
}

void vmx_read_capability_msrs(struct vmx_msrs *m, u64 (*rdmsr)(u32 msr))
{
	u32 msr, allowed1_2;

	for (msr = MSR_IA32_VMX_FIRST; msr <= MSR_IA32_VMX_LAST; msr++)
		*vmx_msr_slot(m, msr) = 0;
	m->present = 0;

	/* SDM Vol. 3D, "Basic VMX Information" to "VMCS Enumeration": these
	 * exist whenever CPUID.1:ECX.VMX is 1. */
	for (msr = MSR_IA32_VMX_BASIC; msr <= MSR_IA32_VMX_VMCS_ENUM; msr++)
		read_one(m, rdmsr, msr);

	/* The TRUE_ controls exist only if IA32_VMX_BASIC[55] is 1. */
	if (vmx_basic_true_ctls(m->basic)) {
		for (msr = MSR_IA32_VMX_TRUE_PINBASED_CTLS;
		     msr <= MSR_IA32_VMX_TRUE_ENTRY_CTLS; msr++)
			read_one(m, rdmsr, msr);
	}

	/* IA32_VMX_PROCBASED_CTLS2 exists only if bit 63 of
	 * IA32_VMX_PROCBASED_CTLS (allowed-1 of "activate secondary
	 * controls") is 1. */
	if (!(vmx_ctl_allowed1(m->procbased) &
	      CPU_BASED_ACTIVATE_SECONDARY_CONTROLS))
		return;
	read_one(m, rdmsr, MSR_IA32_VMX_PROCBASED_CTLS2);
	allowed1_2 = vmx_ctl_allowed1(m->procbased2);

	/* IA32_VMX_EPT_VPID_CAP: only if "enable EPT" or "enable VPID" may
	 * be 1 (bits 33 and 37 of IA32_VMX_PROCBASED_CTLS2). */
	if (allowed1_2 & (SECONDARY_EXEC_ENABLE_EPT |
			  SECONDARY_EXEC_ENABLE_VPID))
		read_one(m, rdmsr, MSR_IA32_VMX_EPT_VPID_CAP);

	/* IA32_VMX_VMFUNC: only if "enable VM functions" may be 1 (bit 45
	 * of IA32_VMX_PROCBASED_CTLS2). */
	if (allowed1_2 & SECONDARY_EXEC_ENABLE_VMFUNC)
		read_one(m, rdmsr, MSR_IA32_VMX_VMFUNC);
}

/* ---- Choosing the capability MSR ------------------------------------- */

bool vmx_has_true_ctls(const struct vmx_msrs *m)
{
	return vmx_basic_true_ctls(m->basic) &&
	       (m->present & VMX_MSRS_TRUE_CTLS) == VMX_MSRS_TRUE_CTLS;
}

u64 vmx_control_cap(const struct vmx_msrs *m, enum vmx_ctl_field f, u32 *msr)
{
	/*
	 * Without the TRUE_ MSRs the plain ones report the default1 controls
	 * (CR3-load/store exiting, "save debug controls", ...) as must-be-1.
	 * With IA32_VMX_BASIC[55] = 1 the TRUE_ MSRs say which of those the
	 * CPU really lets us clear (SDM Vol. 3D, "VMX Capability Reporting
	 * Facility"); the EPT rule below depends on clearing CR3 exiting.
	 * (KVM reads the plain MSRs and clears the bits anyway; asking the
	 * TRUE_ MSR makes the negotiated value one the CPU promises to
	 * accept.)
	 */
	bool use_true = vmx_has_true_ctls(m);
	u32 index = 0;
	u64 val = 0;

	switch (f) {
	case VMX_CTL_PIN:
		index = use_true ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
				   MSR_IA32_VMX_PINBASED_CTLS;
		val = use_true ? m->true_pinbased : m->pinbased;
		break;
	case VMX_CTL_PROC:
		index = use_true ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
				   MSR_IA32_VMX_PROCBASED_CTLS;
		val = use_true ? m->true_procbased : m->procbased;
		break;
	case VMX_CTL_PROC2:
		if (m->present & VMX_MSR_BIT(MSR_IA32_VMX_PROCBASED_CTLS2)) {
			index = MSR_IA32_VMX_PROCBASED_CTLS2;
			val = m->procbased2;
		}
		break;
	case VMX_CTL_EXIT:
		index = use_true ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
				   MSR_IA32_VMX_EXIT_CTLS;
		val = use_true ? m->true_exit : m->exit;
		break;
	case VMX_CTL_ENTRY:
		index = use_true ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
				   MSR_IA32_VMX_ENTRY_CTLS;
		val = use_true ? m->true_entry : m->entry;
		break;
	default:
		break;
	}
	if (msr)
		*msr = index;
	return val;
}

/* ---- adjust_vmx_controls() (seed 000) -------------------------------- */

/*
 * The seed passes the MSR index and reads the MSR here; tinyvmx passes the
 * MSR's value instead, so that the negotiation is pure and can be tested
 * on captured MSR values from real and emulated CPUs.
 */
int adjust_vmx_controls(u32 ctl_min, u32 ctl_opt, u64 cap_msr, u32 *result)
{
	u32 vmx_msr_low = vmx_ctl_allowed0(cap_msr);
	u32 vmx_msr_high = vmx_ctl_allowed1(cap_msr);
	u32 ctl = ctl_min | ctl_opt;

	ctl &= vmx_msr_high;	/* bit == 0 in high word ==> must be zero */
	ctl |= vmx_msr_low;	/* bit == 1 in low word  ==> must be one  */

	/* Ensure minimum (required) set of control bits are supported. */
	if (ctl_min & ~ctl)
		return -EIO;

	*result = ctl;
	return 0;
}

/* ---- Errata ---------------------------------------------------------- */

/*
 * CPUs whose VMX-preemption timer does not count down at the rate
 * IA32_VMX_MISC[4:0] reports (Intel specification updates, erratum "VMX-
 * Preemption Timer Does Not Count Down at the Rate Specified").  Matched
 * on the whole signature (stepping included) after clearing the reserved
 * bits 15:14 and 31:28.
 */
#define CPUID_1_EAX_RESERVED	((0x3u << 14) | (0xfu << 28))

static const u32 vmx_preemption_cpu_sigs[] = {
	0x000206E6,	/* BA86: Xeon 7500 (Nehalem-EX), D0 */
	0x00020652,	/* AAX65, AAT59, AAU65: Xeon L3406, Core i7-600/
			 * i5-500/i5-400/i3-300 mobile, i5-600/i3-500
			 * desktop (Westmere), C2 */
	0x00020655,	/* AAU65: i5-600/i3-500 desktop, K0 */
	0x000106E5,	/* AAO95, AAN92, AAP86: Xeon 3400, i7-800/i5-700
			 * desktop, i7-900/800/700 mobile (Lynnfield/
			 * Clarksfield), B1 */
	0x000106A0,	/* AAM126: Xeon 3500 (Bloomfield), C0 */
	0x000106A1,	/* AAM126: Xeon 3500, C1 */
	0x000106A4,	/* AAJ124: Core i7-900 desktop, C0 */
	0x000106A5,	/* AAM126, AAK139, AAJ124: Xeon 3500/5500,
			 * Core i7-900 desktop, D0 */
	0x000306A8,	/* Xeon E3-1220 V2 (Ivy Bridge): reported broken,
			 * no published erratum */
};

bool cpu_has_broken_vmx_preemption_timer(u32 cpuid_1_eax)
{
	u32 sig = cpuid_1_eax & ~CPUID_1_EAX_RESERVED;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vmx_preemption_cpu_sigs); i++)
		if (sig == vmx_preemption_cpu_sigs[i])
			return true;
	return false;
}

/*
 * Family 6 models where a VM exit may clear IA32_PERF_GLOBAL_CTRL[34:32]
 * even though the load-on-exit/entry controls are offered (seed 000's
 * list and erratum names).
 */
bool cpu_has_perf_global_ctrl_erratum(u32 cpuid_1_eax)
{
	if (vmx_sig_family(cpuid_1_eax) != 6)
		return false;
	switch (vmx_sig_model(cpuid_1_eax)) {
	case 26:	/* AAK155 */
	case 30:	/* AAP115 */
	case 37:	/* AAT100 */
	case 44:	/* BC86, AAY89, BD102 */
	case 46:	/* BA97 */
		return true;
	default:
		return false;
	}
}

/* ---- The negotiation log --------------------------------------------- */

static void log_request(struct vmx_negotiation_log *log,
			const struct vmx_msrs *m, enum vmx_ctl_field f,
			u32 min, u32 opt)
{
	struct vmx_ctl_log *c;
	u64 cap;

	if (!log)
		return;
	c = &log->ctl[f];
	cap = vmx_control_cap(m, f, &c->msr);
	c->min = min;
	c->opt = opt;
	c->allowed0 = vmx_ctl_allowed0(cap);
	c->allowed1 = vmx_ctl_allowed1(cap);
}

static void log_drop(struct vmx_negotiation_log *log, enum vmx_ctl_field f,
		     u32 bits, enum vmx_drop_reason why)
{
	struct vmx_ctl_log *c;
	unsigned int bit;

	if (!log)
		return;
	c = &log->ctl[f];
	bits &= c->min | c->opt;
	for (bit = 0; bit < VMX_CTL_BITS; bit++)
		if ((bits & BIT(bit)) && c->drop[bit] == VMX_DROP_NONE)
			c->drop[bit] = why;
}

static void log_result(struct vmx_negotiation_log *log, enum vmx_ctl_field f,
		       u32 result)
{
	if (!log)
		return;
	log->ctl[f].negotiated = true;
	log->ctl[f].result = result;
}

static void log_warn(struct vmx_negotiation_log *log, u32 warning)
{
	if (!log || (log->warning_flags & warning))
		return;
	log->warning_flags |= warning;
	if (log->nwarnings < VMX_WARN_NR)
		log->warnings[log->nwarnings++] = vmx_warning_text(warning);
}

static int log_fail(struct vmx_negotiation_log *log, const char *fmt, ...)
	__printf(2, 3);

static int log_fail(struct vmx_negotiation_log *log, const char *fmt, ...)
{
	va_list ap;

	if (log) {
		va_start(ap, fmt);
		vsnprintf(log->error, sizeof(log->error), fmt, ap);
		va_end(ap);
		log->err = -EIO;
	}
	return -EIO;
}

/*
 * adjust_vmx_controls() for field @f with logging: on success every
 * requested bit the CPU refused is recorded as VMX_DROP_NOT_ALLOWED; on
 * failure the error names the MSR and the missing required controls.
 */
static int negotiate(const struct vmx_msrs *m, enum vmx_ctl_field f,
		     u32 min, u32 opt, u32 *result,
		     struct vmx_negotiation_log *log)
{
	const struct vmx_ctl_field_info *info = &vmx_ctl_fields[f];
	u32 msr, possible, missing;
	u64 cap = vmx_control_cap(m, f, &msr);
	char names[VMX_NEG_ERROR_LEN];
	size_t used = 0;
	unsigned int bit;

	log_request(log, m, f, min, opt);
	possible = ((min | opt) & vmx_ctl_allowed1(cap)) |
		   vmx_ctl_allowed0(cap);
	log_drop(log, f, (min | opt) & ~possible, VMX_DROP_NOT_ALLOWED);

	if (!adjust_vmx_controls(min, opt, cap, result)) {
		log_result(log, f, *result);
		return 0;
	}

	missing = min & ~possible;
	names[0] = '\0';
	for (bit = 0; bit < VMX_CTL_BITS && used < sizeof(names); bit++) {
		if (!(missing & BIT(bit)))
			continue;
		used += snprintf(names + used, sizeof(names) - used, "%s%s",
				 used ? ", " : "",
				 info->bit_names[bit] ? info->bit_names[bit] :
							"(reserved bit)");
	}
	return log_fail(log, "%s does not allow required control(s): %s",
			vmx_msr_name(msr), names);
}

/*
 * Clear @bits from *@ctl for cross-rule @why, except bits the CPU forces to
 * 1 (@must_be_one, the allowed-0 word of the MSR negotiated against).
 * Deviation from the seed, which clears unconditionally: on a CPU without
 * TRUE_ MSRs CR3-load/store exiting is must-be-1, and clearing it would
 * produce controls VM entry rejects.  With TRUE_ MSRs (every CPU with EPT
 * seen so far) none of the bits the rules clear is must-be-1, so the
 * result is the seed's.
 */
static void drop_controls(struct vmx_negotiation_log *log,
			  enum vmx_ctl_field f, u32 *ctl, u32 bits,
			  u32 must_be_one, enum vmx_drop_reason why)
{
	u32 dropped = *ctl & bits & ~must_be_one;

	*ctl &= ~dropped;
	log_drop(log, f, dropped, why);
}

static u32 must_be_one(const struct vmx_msrs *m, enum vmx_ctl_field f)
{
	return vmx_ctl_allowed0(vmx_control_cap(m, f, NULL));
}

/* Smallest order with (PAGE_SIZE << order) >= size (Linux get_order()). */
static int get_order(unsigned long size)
{
	int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

/* ---- setup_vmcs_config() (seeds 000 and 002) ------------------------- */

int setup_vmcs_config(struct vmcs_config *vmcs_conf,
		      struct vmx_capability *vmx_cap,
		      const struct vmx_msrs *m,
		      struct vmx_negotiation_log *log)
{
	u32 vmx_msr_low, vmx_msr_high;
	u32 min, opt, min2, opt2;
	u32 _pin_based_exec_control = 0;
	u32 _cpu_based_exec_control = 0;
	u32 _cpu_based_2nd_exec_control = 0;
	u32 _vmexit_control = 0;
	u32 _vmentry_control = 0;

	memset(vmcs_conf, 0, sizeof(*vmcs_conf));
	memset(vmx_cap, 0, sizeof(*vmx_cap));
	if (log)
		memset(log, 0, sizeof(*log));

	/*
	 * Primary processor-based controls.  The seed's required set, except
	 * that tinyvmx asks for "use I/O bitmaps" instead of "unconditional
	 * I/O exiting": the bitmaps let the device model pass selected ports
	 * through to the guest and choose, port by port, which accesses exit
	 * (SDM Vol. 3C, "VM-Execution Controls for I/O Instructions": with
	 * both controls set the bitmaps win, so unconditional exiting adds
	 * nothing).  Like the seed, MSR bitmaps stay optional.  CR8 exiting
	 * is required because tinyvmx is 64-bit only (the seed's
	 * CONFIG_X86_64 case).
	 */
	min = CPU_BASED_HLT_EXITING |
	      CPU_BASED_CR8_LOAD_EXITING |
	      CPU_BASED_CR8_STORE_EXITING |
	      CPU_BASED_CR3_LOAD_EXITING |
	      CPU_BASED_CR3_STORE_EXITING |
	      CPU_BASED_USE_IO_BITMAPS |
	      CPU_BASED_MOV_DR_EXITING |
	      CPU_BASED_USE_TSC_OFFSETTING |
	      CPU_BASED_MWAIT_EXITING |
	      CPU_BASED_MONITOR_EXITING |
	      CPU_BASED_INVLPG_EXITING |
	      CPU_BASED_RDPMC_EXITING;
	opt = CPU_BASED_TPR_SHADOW |
	      CPU_BASED_USE_MSR_BITMAPS |
	      CPU_BASED_ACTIVATE_SECONDARY_CONTROLS;
	if (negotiate(m, VMX_CTL_PROC, min, opt, &_cpu_based_exec_control,
		      log) < 0)
		return -EIO;

	/* Seed 002, 64-bit: with the TPR shadow, CR8 reads and writes go to
	 * the virtual-APIC page and need not exit. */
	if (_cpu_based_exec_control & CPU_BASED_TPR_SHADOW)
		drop_controls(log, VMX_CTL_PROC, &_cpu_based_exec_control,
			      CPU_BASED_CR8_LOAD_EXITING |
			      CPU_BASED_CR8_STORE_EXITING,
			      must_be_one(m, VMX_CTL_PROC),
			      VMX_DROP_TPR_SHADOW_CR8);

	/*
	 * Secondary controls, all optional.  opt2 is computed outside the
	 * seed's if () only so that the log can show what would have been
	 * asked for when the CPU has no secondary controls.
	 */
	min2 = 0;
	opt2 = SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES |
	       SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE |
	       SECONDARY_EXEC_WBINVD_EXITING |
	       SECONDARY_EXEC_ENABLE_VPID |
	       SECONDARY_EXEC_ENABLE_EPT |
	       SECONDARY_EXEC_UNRESTRICTED_GUEST |
	       SECONDARY_EXEC_PAUSE_LOOP_EXITING |
	       SECONDARY_EXEC_DESC |
	       SECONDARY_EXEC_ENABLE_RDTSCP |
	       SECONDARY_EXEC_ENABLE_INVPCID |
	       SECONDARY_EXEC_APIC_REGISTER_VIRT |
	       SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY |
	       SECONDARY_EXEC_SHADOW_VMCS |
	       SECONDARY_EXEC_XSAVES |
	       SECONDARY_EXEC_RDSEED_EXITING |
	       SECONDARY_EXEC_RDRAND_EXITING |
	       SECONDARY_EXEC_ENABLE_PML |
	       SECONDARY_EXEC_TSC_SCALING |
	       SECONDARY_EXEC_ENABLE_USR_WAIT_PAUSE |
	       SECONDARY_EXEC_PT_USE_GPA |
	       SECONDARY_EXEC_PT_CONCEAL_VMX |
	       SECONDARY_EXEC_ENABLE_VMFUNC |
	       SECONDARY_EXEC_BUS_LOCK_DETECTION;
	if (m->has_sgx)
		opt2 |= SECONDARY_EXEC_ENCLS_EXITING;
	if (_cpu_based_exec_control & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS) {
		if (negotiate(m, VMX_CTL_PROC2, min2, opt2,
			      &_cpu_based_2nd_exec_control, log) < 0)
			return -EIO;
	} else {
		log_request(log, m, VMX_CTL_PROC2, min2, opt2);
		log_drop(log, VMX_CTL_PROC2, min2 | opt2,
			 VMX_DROP_SECONDARY_OFF);
	}

	/* (The seed's 32-bit-only rule, no TPR shadow without APIC-access
	 * virtualization, does not apply: tinyvmx is 64-bit.) */

	/* APIC-register virtualization, x2APIC-mode virtualization and
	 * virtual-interrupt delivery all work on the virtual-APIC page that
	 * the TPR shadow sets up. */
	if (!(_cpu_based_exec_control & CPU_BASED_TPR_SHADOW))
		drop_controls(log, VMX_CTL_PROC2,
			      &_cpu_based_2nd_exec_control,
			      SECONDARY_EXEC_APIC_REGISTER_VIRT |
			      SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE |
			      SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY,
			      must_be_one(m, VMX_CTL_PROC2),
			      VMX_DROP_NO_TPR_SHADOW);

	/* The seed's rdmsr_safe(): an absent MSR reads as 0. */
	if (m->present & VMX_MSR_BIT(MSR_IA32_VMX_EPT_VPID_CAP)) {
		vmx_cap->ept = (u32)m->ept_vpid_cap;
		vmx_cap->vpid = (u32)(m->ept_vpid_cap >> 32);
	}

	if (_cpu_based_2nd_exec_control & SECONDARY_EXEC_ENABLE_EPT) {
		/* CR3 accesses and invlpg don't need to cause VM Exits when
		 * EPT enabled */
		drop_controls(log, VMX_CTL_PROC, &_cpu_based_exec_control,
			      CPU_BASED_CR3_LOAD_EXITING |
			      CPU_BASED_CR3_STORE_EXITING |
			      CPU_BASED_INVLPG_EXITING,
			      must_be_one(m, VMX_CTL_PROC),
			      VMX_DROP_EPT_NO_CR3_EXITING);
	} else if (vmx_cap->ept) {
		vmx_cap->ept = 0;
		log_warn(log, VMX_WARN_EPT_CAP_WITHOUT_EPT);
	}
	if (!(_cpu_based_2nd_exec_control & SECONDARY_EXEC_ENABLE_VPID) &&
	    vmx_cap->vpid) {
		vmx_cap->vpid = 0;
		log_warn(log, VMX_WARN_VPID_CAP_WITHOUT_VPID);
	}

	/* VM-exit controls; "host address-space size" because the host is
	 * 64-bit. */
	min = VM_EXIT_SAVE_DEBUG_CONTROLS | VM_EXIT_ACK_INTR_ON_EXIT |
	      VM_EXIT_HOST_ADDR_SPACE_SIZE;
	opt = VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL |
	      VM_EXIT_LOAD_IA32_PAT |
	      VM_EXIT_LOAD_IA32_EFER |
	      VM_EXIT_CLEAR_BNDCFGS |
	      VM_EXIT_PT_CONCEAL_PIP |
	      VM_EXIT_CLEAR_IA32_RTIT_CTL;
	if (negotiate(m, VMX_CTL_EXIT, min, opt, &_vmexit_control, log) < 0)
		return -EIO;

	/* Pin-based controls. */
	min = PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING;
	opt = PIN_BASED_VIRTUAL_NMIS | PIN_BASED_POSTED_INTR |
	      PIN_BASED_VMX_PREEMPTION_TIMER;
	if (negotiate(m, VMX_CTL_PIN, min, opt, &_pin_based_exec_control,
		      log) < 0)
		return -EIO;

	if (cpu_has_broken_vmx_preemption_timer(m->cpuid_1_eax)) {
		drop_controls(log, VMX_CTL_PIN, &_pin_based_exec_control,
			      PIN_BASED_VMX_PREEMPTION_TIMER,
			      must_be_one(m, VMX_CTL_PIN),
			      VMX_DROP_PREEMPTION_ERRATUM);
		log_warn(log, VMX_WARN_PREEMPTION_ERRATUM);
	}
	/* Posted-interrupt processing delivers through virtual-interrupt
	 * delivery (SDM Vol. 3C, "Posted-Interrupt Processing"). */
	if (!(_cpu_based_2nd_exec_control &
	      SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY))
		drop_controls(log, VMX_CTL_PIN, &_pin_based_exec_control,
			      PIN_BASED_POSTED_INTR,
			      must_be_one(m, VMX_CTL_PIN),
			      VMX_DROP_NO_VID_NO_POSTED);

	/* VM-entry controls. */
	min = VM_ENTRY_LOAD_DEBUG_CONTROLS;
	opt = VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL |
	      VM_ENTRY_LOAD_IA32_PAT |
	      VM_ENTRY_LOAD_IA32_EFER |
	      VM_ENTRY_LOAD_BNDCFGS |
	      VM_ENTRY_PT_CONCEAL_PIP |
	      VM_ENTRY_LOAD_IA32_RTIT_CTL;
	if (negotiate(m, VMX_CTL_ENTRY, min, opt, &_vmentry_control,
		      log) < 0)
		return -EIO;

	/*
	 * Some cpus support VM_{ENTRY,EXIT}_IA32_PERF_GLOBAL_CTRL but they
	 * can't be used due to an errata where VM Exit may incorrectly clear
	 * IA32_PERF_GLOBAL_CTRL[34:32]; IA32_PERF_GLOBAL_CTRL is then switched
	 * with the MSR-load lists instead.
	 */
	if (cpu_has_perf_global_ctrl_erratum(m->cpuid_1_eax)) {
		drop_controls(log, VMX_CTL_ENTRY, &_vmentry_control,
			      VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL,
			      must_be_one(m, VMX_CTL_ENTRY),
			      VMX_DROP_PERF_GLOBAL_ERRATUM);
		drop_controls(log, VMX_CTL_EXIT, &_vmexit_control,
			      VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL,
			      must_be_one(m, VMX_CTL_EXIT),
			      VMX_DROP_PERF_GLOBAL_ERRATUM);
		log_warn(log, VMX_WARN_PERF_GLOBAL_ERRATUM);
	}

	/* The cross-rules changed these after negotiate() logged them. */
	log_result(log, VMX_CTL_PROC, _cpu_based_exec_control);
	if (_cpu_based_exec_control & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS)
		log_result(log, VMX_CTL_PROC2, _cpu_based_2nd_exec_control);
	log_result(log, VMX_CTL_PIN, _pin_based_exec_control);
	log_result(log, VMX_CTL_EXIT, _vmexit_control);
	log_result(log, VMX_CTL_ENTRY, _vmentry_control);

	/* SDM Vol. 3D, "Basic VMX Information"; the seed works on the high
	 * dword of IA32_VMX_BASIC. */
	vmx_msr_low = (u32)m->basic;
	vmx_msr_high = (u32)(m->basic >> 32);

	/* IA-32 SDM Vol 3B: VMCS size is never greater than 4kB. */
	if ((vmx_msr_high & VMX_BASIC_HIGH_VMCS_SIZE_MASK) > PAGE_SIZE)
		return log_fail(log, "IA32_VMX_BASIC reports a VMCS size of %u "
				"bytes; the SDM caps it at %lu",
				vmx_basic_vmcs_size(m->basic), PAGE_SIZE);

	/* IA-32 SDM Vol 3B: 64-bit CPUs always have VMX_BASIC_MSR[48]==0. */
	if (m->basic & VMX_BASIC_32BIT_PHYS_ADDR_ONLY)
		return log_fail(log, "IA32_VMX_BASIC bit 48 is set: VMCS/VMXON "
				"addresses limited to 32 bits on a 64-bit CPU");

	/* Require Write-Back (WB) memory type for VMCS accesses. */
	if (vmx_basic_vmcs_mem_type(m->basic) != VMX_BASIC_MEM_TYPE_WB)
		return log_fail(log, "IA32_VMX_BASIC reports VMCS memory type "
				"%u; write-back (%u) is required",
				vmx_basic_vmcs_mem_type(m->basic),
				VMX_BASIC_MEM_TYPE_WB);

	vmcs_conf->size = vmx_msr_high & VMX_BASIC_HIGH_VMCS_SIZE_MASK;
	vmcs_conf->order = get_order(vmcs_conf->size);
	vmcs_conf->basic_cap = vmx_msr_high & ~VMX_BASIC_HIGH_VMCS_SIZE_MASK;

	vmcs_conf->revision_id = vmx_msr_low;

	vmcs_conf->pin_based_exec_ctrl = _pin_based_exec_control;
	vmcs_conf->cpu_based_exec_ctrl = _cpu_based_exec_control;
	vmcs_conf->cpu_based_2nd_exec_ctrl = _cpu_based_2nd_exec_control;
	vmcs_conf->vmexit_ctrl = _vmexit_control;
	vmcs_conf->vmentry_ctrl = _vmentry_control;

	/* tinyvmx: keep what VMXON and the vCPU setup need next to it. */
	vmcs_conf->misc = m->misc;
	vmcs_conf->cr0_fixed0 = m->cr0_fixed0;
	vmcs_conf->cr0_fixed1 = m->cr0_fixed1;
	vmcs_conf->cr4_fixed0 = m->cr4_fixed0;
	vmcs_conf->cr4_fixed1 = m->cr4_fixed1;

	return 0;
}

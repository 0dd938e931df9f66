/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "tvx/abi.h"
#include "vmx/cpuid_model.h"

#define LEAF_THERMAL 0x6
#define LEAF_EXT_FEATURES 0x7
#define LEAF_PMU 0xa
#define LEAF_TOPOLOGY 0xb
#define LEAF_XSAVE 0xd
#define LEAF_SGX 0x12
#define LEAF_TOPOLOGY_V2 0x1f
#define LEAF_HV_FIRST 0x40000000u
#define LEAF_HV_LAST 0x4fffffffu
#define LEAF_EXT_FEATURES_8 0x80000001u
#define CPUID_1_EBX_APIC_ID_SHIFT 24
#define CPUID_1_EBX_LOGICAL_COUNT_SHIFT 16
#define CPUID_1_EBX_LOW_MASK 0x0000ffffu

void cpuid_model_adjust(u32 leaf, u32 subleaf, const struct cpuid_guest_view *v,
			struct cpuid_regs *r)
{
	switch (leaf) {
	case 1:
		/*
		 * Hide what is not virtualised: VMX/SMX (no nesting), MONITOR/
		 * MWAIT (they raise #UD), thermal/power features, the debug
		 * store and everything built on it (DS, 64-bit DS, CPL-
		 * qualified DS: IA32_MISC_ENABLE says BTS and PEBS are
		 * unavailable, IA32_DS_AREA #GPs), the perfmon capabilities
		 * MSR (no PMU, see leaf 0xA) and machine-check architecture
		 * (its MSRs #GP).  The local APIC is emulated whatever the
		 * host has (dev/lapic.c): APIC, x2APIC and the TSC-deadline
		 * timer mode are always offered; so are the MTRRs, a register
		 * model of their own (vmx/mtrr.c).  Set the hypervisor bit
		 * (SDM: reserved for hypervisor use) and make OSXSAVE follow
		 * the guest's own CR4.
		 */
		r->ecx &= ~(CPUID_1_ECX_DTES64 | CPUID_1_ECX_MONITOR |
			    CPUID_1_ECX_DS_CPL | CPUID_1_ECX_VMX_ | CPUID_1_ECX_SMX |
			    CPUID_1_ECX_EST | CPUID_1_ECX_TM2 | CPUID_1_ECX_PDCM |
			    CPUID_1_ECX_OSXSAVE_);
		r->ecx |= CPUID_1_ECX_HYPERVISOR_ | CPUID_1_ECX_X2APIC |
			  CPUID_1_ECX_TSC_DEADLINE;
		if (v->guest_osxsave)
			r->ecx |= CPUID_1_ECX_OSXSAVE_;
		r->edx &= ~(CPUID_1_EDX_MCA | CPUID_1_EDX_MCE | CPUID_1_EDX_DS |
			    CPUID_1_EDX_ACPI | CPUID_1_EDX_TM | CPUID_1_EDX_PBE |
			    CPUID_1_EDX_HTT);
		r->edx |= CPUID_1_EDX_APIC | CPUID_1_EDX_MTRR;
		r->ebx = (r->ebx & CPUID_1_EBX_LOW_MASK) |
			 (v->vcpu_id << CPUID_1_EBX_APIC_ID_SHIFT) |
			 (1u << CPUID_1_EBX_LOGICAL_COUNT_SHIFT);
		break;
	case LEAF_THERMAL:
	case LEAF_PMU:		/* no architectural PMU */
	case LEAF_SGX:
		r->eax = r->ebx = r->ecx = r->edx = 0;
		break;
	case LEAF_EXT_FEATURES:
		if (subleaf == 0) {
			r->ebx &= ~CPUID_7_EBX_SGX;
			if (!v->invpcid)
				r->ebx &= ~CPUID_7_EBX_INVPCID;
			r->ecx &= ~(CPUID_7_ECX_WAITPKG | CPUID_7_ECX_SGX_LC |
				    CPUID_7_ECX_NO_MSR);
			r->edx &= ~CPUID_7_EDX_NO_MSR;
			/* RDPID is enabled by the same "enable RDTSCP"
			 * control: without it the guest would get #UD. */
			if (!v->rdtscp)
				r->ecx &= ~CPUID_7_ECX_RDPID;
		} else if (subleaf == 1) {
			/* no PMU: no leaf 0x23 either */
			r->eax &= ~CPUID_7_1_EAX_ARCH_PERFMON_EXT;
		}
		break;
	case LEAF_TOPOLOGY:
	case LEAF_TOPOLOGY_V2:
		r->edx = v->vcpu_id;	/* x2APIC ID */
		break;
	case LEAF_XSAVE:
		/*
		 * Sub-leaf 0 is the host's: the XCR0 bits XSETBV accepts
		 * (kvm_xcr0_valid() checks against the same EDX:EAX) and, in
		 * EBX, the size for the XCR0 loaded now, which while the guest
		 * runs is the guest's (see kvm_arch_vcpu_ioctl_run()).
		 * XSAVES/IA32_XSS and IA32_XFD are not virtualised (their
		 * exits raise #UD, the MSRs #GP): sub-leaf 1 hides them and
		 * the IA32_XSS bits, and the supervisor state components'
		 * sub-leaves read as unsupported (all zeros).
		 */
		if (subleaf == 1) {
			r->eax &= ~(CPUID_D_1_EAX_XSAVES | CPUID_D_1_EAX_XFD);
			r->ecx = r->edx = 0;
		} else if (subleaf > 1 && (r->ecx & CPUID_D_N_ECX_SUPERVISOR)) {
			r->eax = r->ebx = r->ecx = r->edx = 0;
		}
		break;
	case LEAF_EXT_FEATURES_8:
		if (!v->rdtscp)
			r->edx &= ~CPUID_80000001_EDX_RDTSCP;
		break;
	default:
		if (leaf >= LEAF_HV_FIRST && leaf <= LEAF_HV_LAST) {
			memset(r, 0, sizeof(*r));
			if (leaf == TVX_CPUID_TIMING_LEAF) {
				r->eax = v->tsc_khz;
				r->ebx = v->tsc_khz;
			}
			if (leaf == TVX_CPUID_SIGNATURE_LEAF) {
				r->eax = TVX_CPUID_MAX_LEAF;
				r->ebx = TVX_CPUID_SIG_EBX;
				r->ecx = TVX_CPUID_SIG_ECX;
				r->edx = TVX_CPUID_SIG_EDX;
			}
		}
		break;
	}
}

bool kvm_xcr0_valid(u64 xcr0, u64 supported)
{
	/* x87 state can never be disabled */
	if (!(xcr0 & XFEATURE_MASK_FP))
		return false;
	if (xcr0 & ~supported)
		return false;
	/* AVX needs SSE */
	if ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE))
		return false;
	/* MPX: both components or neither */
	if (!(xcr0 & XFEATURE_MASK_BNDREGS) != !(xcr0 & XFEATURE_MASK_BNDCSR))
		return false;
	/* AVX-512: all three components, and AVX with them */
	if (xcr0 & XFEATURE_MASK_AVX512) {
		if ((xcr0 & XFEATURE_MASK_AVX512) != XFEATURE_MASK_AVX512)
			return false;
		if (!(xcr0 & XFEATURE_MASK_YMM))
			return false;
	}
	/* AMX: TILECFG and TILEDATA together */
	if ((xcr0 & XFEATURE_MASK_XTILE) &&
	    (xcr0 & XFEATURE_MASK_XTILE) != XFEATURE_MASK_XTILE)
		return false;
	return true;
}

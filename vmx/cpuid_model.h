/* SPDX-License-Identifier: MIT */
/*
 * What CPUID tells the guest: the host's answer, adjusted so that it only
 * advertises what tinyvmx virtualises (pure, unit-tested).
 */
#ifndef TVX_CPUID_MODEL_H
#define TVX_CPUID_MODEL_H

#include "tvx/types.h"

struct cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

struct cpuid_guest_view {
	u32 vcpu_id;
	u32 nr_vcpus;
	bool guest_osxsave;	/* guest CR4.OSXSAVE, reflected in leaf 1 */
	bool rdtscp;		/* RDTSCP enabled in the secondary controls */
	bool invpcid;		/* INVPCID enabled in the secondary controls */
	u32 tsc_khz;		/* TSC rate for the timing leaf 0x40000010 */
};

/*
 * Whether cpuid_model_adjust() changes anything for @leaf: the CPUID exit
 * skips building the guest view for the (frequent) leaves it passes through.
 */
static inline bool cpuid_model_leaf_is_adjusted(u32 leaf)
{
	return leaf == 1 || leaf == 6 || leaf == 7 || leaf == 0xa ||
	       leaf == 0xb || leaf == 0xd || leaf == 0x12 || leaf == 0x1f ||
	       leaf == 0x80000001u || (leaf >> 28) == 4;
}

/* Adjust the host's @r for @leaf/@subleaf in place. */
void cpuid_model_adjust(u32 leaf, u32 subleaf, const struct cpuid_guest_view *v,
			struct cpuid_regs *r);

/*
 * XSAVE state components, the bits of XCR0 (SDM Vol. 1, "XSAVE-Supported
 * Features and State-Component Bitmaps"); KVM's names.
 */
#define XFEATURE_MASK_FP	BIT_ULL(0)	/* x87 */
#define XFEATURE_MASK_SSE	BIT_ULL(1)
#define XFEATURE_MASK_YMM	BIT_ULL(2)	/* AVX */
#define XFEATURE_MASK_BNDREGS	BIT_ULL(3)	/* MPX */
#define XFEATURE_MASK_BNDCSR	BIT_ULL(4)
#define XFEATURE_MASK_OPMASK	BIT_ULL(5)	/* AVX-512 */
#define XFEATURE_MASK_ZMM_Hi256	BIT_ULL(6)
#define XFEATURE_MASK_Hi16_ZMM	BIT_ULL(7)
#define XFEATURE_MASK_XTILE_CFG	BIT_ULL(17)	/* AMX */
#define XFEATURE_MASK_XTILE_DATA BIT_ULL(18)
#define XFEATURE_MASK_AVX512	(XFEATURE_MASK_OPMASK | XFEATURE_MASK_ZMM_Hi256 | \
				 XFEATURE_MASK_Hi16_ZMM)
#define XFEATURE_MASK_XTILE	(XFEATURE_MASK_XTILE_CFG | XFEATURE_MASK_XTILE_DATA)
#define XCR_XFEATURE_ENABLED_MASK 0	/* ECX of XSETBV/XGETBV for XCR0 */
#define CPUID_LEAF_XSAVE 0xdu		/* sub-leaf 0: EDX:EAX = XCR0 bits */

/*
 * Would XSETBV accept @xcr0 on a processor whose CPUID.(EAX=0DH,ECX=0)
 * EDX:EAX is @supported?  The #GP conditions of SDM Vol. 2, "XSETBV", and
 * Vol. 1, "Enabling the XSAVE Feature Set and XSAVE-Enabled Features": x87
 * always on, nothing unsupported, AVX only with SSE, MPX's two and
 * AVX-512's three components all or none (AVX-512 only with AVX), AMX's
 * two together.  KVM's __kvm_set_xcr().  The hypervisor executes XSETBV
 * for the guest, so a value the CPU would refuse must never reach it.
 */
bool kvm_xcr0_valid(u64 xcr0, u64 supported);

/* CPUID.1 */
#define CPUID_1_ECX_DTES64 BIT(2)
#define CPUID_1_ECX_MONITOR BIT(3)
#define CPUID_1_ECX_DS_CPL BIT(4)
#define CPUID_1_ECX_VMX_ BIT(5)
#define CPUID_1_ECX_SMX BIT(6)
#define CPUID_1_ECX_EST BIT(7)
#define CPUID_1_ECX_TM2 BIT(8)
#define CPUID_1_ECX_PDCM BIT(15)
#define CPUID_1_ECX_X2APIC BIT(21)
#define CPUID_1_ECX_TSC_DEADLINE BIT(24)
#define CPUID_1_ECX_OSXSAVE_ BIT(27)
#define CPUID_1_ECX_HYPERVISOR_ BIT(31)
#define CPUID_1_EDX_MCE BIT(7)
#define CPUID_1_EDX_APIC BIT(9)
#define CPUID_1_EDX_MTRR BIT(12)
#define CPUID_1_EDX_MCA BIT(14)
#define CPUID_1_EDX_DS BIT(21)
#define CPUID_1_EDX_ACPI BIT(22)
#define CPUID_1_EDX_HTT BIT(28)
#define CPUID_1_EDX_TM BIT(29)
#define CPUID_1_EDX_PBE BIT(31)
/* CPUID.7.0 */
#define CPUID_7_EBX_SGX BIT(2)
#define CPUID_7_EBX_INVPCID BIT(10)
#define CPUID_7_ECX_WAITPKG BIT(5)
#define CPUID_7_ECX_RDPID BIT(22)
#define CPUID_7_ECX_SGX_LC BIT(30)
#define CPUID_7_ECX_CET_SS BIT(7)
#define CPUID_7_EDX_CET_IBT BIT(20)
#define CPUID_7_EDX_SPEC_CTRL BIT(26)		/* IA32_SPEC_CTRL, IA32_PRED_CMD */
#define CPUID_7_EDX_INTEL_STIBP BIT(27)
#define CPUID_7_EDX_FLUSH_L1D BIT(28)		/* IA32_FLUSH_CMD */
#define CPUID_7_EDX_ARCH_CAPABILITIES BIT(29)	/* IA32_ARCH_CAPABILITIES */
#define CPUID_7_EDX_CORE_CAPABILITIES BIT(30)	/* IA32_CORE_CAPABILITIES */
#define CPUID_7_EDX_SPEC_CTRL_SSBD BIT(31)
/* Features whose MSRs tinyvmx does not model (they #GP), so CPUID must not
 * promise them: speculation control and CET's shadow stacks and IBT. */
#define CPUID_7_ECX_NO_MSR CPUID_7_ECX_CET_SS
#define CPUID_7_EDX_NO_MSR (CPUID_7_EDX_CET_IBT | CPUID_7_EDX_SPEC_CTRL | \
			    CPUID_7_EDX_INTEL_STIBP | CPUID_7_EDX_FLUSH_L1D | \
			    CPUID_7_EDX_ARCH_CAPABILITIES | \
			    CPUID_7_EDX_CORE_CAPABILITIES | \
			    CPUID_7_EDX_SPEC_CTRL_SSBD)
/* CPUID.7.1 */
#define CPUID_7_1_EAX_ARCH_PERFMON_EXT BIT(8)
/* CPUID.0xD.1 */
#define CPUID_D_1_EAX_XSAVES BIT(3)
#define CPUID_D_1_EAX_XFD BIT(4)
/* CPUID.0xD.n, n >= 2: the component is a supervisor state (IA32_XSS) */
#define CPUID_D_N_ECX_SUPERVISOR BIT(0)
/* CPUID.0x80000001 */
#define CPUID_80000001_EDX_RDTSCP BIT(27)

#endif

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

/* CPUID.1 */
#define CPUID_1_ECX_MONITOR BIT(3)
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
/* CPUID.0xD.1 */
#define CPUID_D_1_EAX_XSAVES BIT(3)
/* CPUID.0x80000001 */
#define CPUID_80000001_EDX_RDTSCP BIT(27)

#endif

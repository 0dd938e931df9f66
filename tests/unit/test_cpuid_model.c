/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the guest's CPUID view (vmx/cpuid_model.c): on made-up host
 * values, cpuid_model_adjust() hides what tinyvmx does not virtualise, sets
 * the hypervisor bit and the per-vCPU fields, answers the hypervisor leaves
 * with the tinyvmx signature and passes every other leaf through.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tvx/abi.h"
#include "tvx/types.h"
#include "vmx/cpuid_model.h"

/* Leaves and fields the tests look at (SDM Vol. 2A, CPUID). */
#define LEAF_BASIC_FEATURES	0x1u
#define LEAF_THERMAL_POWER	0x6u
#define LEAF_EXT_FEATURES	0x7u
#define LEAF_PERF_MONITORING	0xau
#define LEAF_EXT_TOPOLOGY	0xbu
#define LEAF_XSAVE		0xdu
#define LEAF_SGX		0x12u
#define LEAF_HV_MAX		0x40000000u
#define LEAF_HV_FEATURES	0x40000001u
#define LEAF_HV_FAR		0x4000ffffu
#define LEAF_EXT_SIGNATURE	0x80000001u
#define LEAF_BRAND_STRING_1	0x80000002u
#define SUBLEAF_XSAVE_EXT	1u

#define CPUID_1_EBX_APIC_ID_SHIFT	24
#define CPUID_1_EBX_APIC_ID_MASK	0xffu
#define CPUID_1_EBX_COUNT_SHIFT		16
#define CPUID_1_EBX_COUNT_MASK		0xffu
#define CPUID_1_EBX_LOW_MASK		0xffffu

/* Bits the model must keep (spot checks that it does not over-hide). */
#define CPUID_1_ECX_SSE3	BIT(0)
#define CPUID_1_ECX_XSAVE	BIT(26)
#define CPUID_1_EDX_FPU		BIT(0)
#define CPUID_1_EDX_TSC		BIT(4)
#define CPUID_1_EDX_SSE2	BIT(26)
#define CPUID_7_EBX_FSGSBASE	BIT(0)
#define CPUID_7_EBX_SMEP	BIT(7)
#define CPUID_7_ECX_RDPID	BIT(22)
#define CPUID_D_1_EAX_XSAVEOPT	BIT(0)
#define CPUID_1_EDX_PAT		BIT(16)
#define XSAVE_COMPONENT_AVX	2u
#define XSAVE_COMPONENT_PT	8u	/* processor trace, a supervisor state */
#define CPUID_80000001_EDX_NX	BIT(20)
#define CPUID_80000001_EDX_LM	BIT(29)

#define HV_SIGNATURE_LEN	12

/* Host answers with every bit set, and a recognisable pattern. */
static const struct cpuid_regs all_zeros;
static const struct cpuid_regs all_ones = {
	0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu
};
static const struct cpuid_regs pattern = {
	0x12345678u, 0x9abcdef0u, 0x0fedcba9u, 0x87654321u
};

static struct cpuid_regs adjust(u32 leaf, u32 subleaf,
				const struct cpuid_guest_view *v,
				struct cpuid_regs host)
{
	cpuid_model_adjust(leaf, subleaf, v, &host);
	return host;
}

static void assert_regs_equal(const struct cpuid_regs *a,
			      const struct cpuid_regs *b)
{
	assert_int_equal(a->eax, b->eax);
	assert_int_equal(a->ebx, b->ebx);
	assert_int_equal(a->ecx, b->ecx);
	assert_int_equal(a->edx, b->edx);
}

static void assert_regs_zero(const struct cpuid_regs *r)
{
	static const struct cpuid_regs zero;

	assert_regs_equal(r, &zero);
}

/* ---- leaf 1 ----------------------------------------------------------- */

/* The emulated local APIC is offered whatever the host has. */
static void test_leaf1_offers_the_emulated_apic(void **state)
{
	const struct cpuid_guest_view v = { .vcpu_id = 0, .nr_vcpus = 1 };
	struct cpuid_regs r = adjust(LEAF_BASIC_FEATURES, 0, &v, all_zeros);

	assert_true(r.ecx & CPUID_1_ECX_X2APIC);
	assert_true(r.ecx & CPUID_1_ECX_TSC_DEADLINE);
	assert_true(r.edx & CPUID_1_EDX_APIC);
}

static void test_leaf1_hides_unvirtualised_features(void **state)
{
	const struct cpuid_guest_view v = { .vcpu_id = 0, .nr_vcpus = 1 };
	struct cpuid_regs r = adjust(LEAF_BASIC_FEATURES, 0, &v, all_ones);

	assert_false(r.ecx & CPUID_1_ECX_VMX_);
	assert_false(r.ecx & CPUID_1_ECX_SMX);
	assert_false(r.ecx & CPUID_1_ECX_MONITOR);
	assert_false(r.edx & CPUID_1_EDX_MCA);
	assert_false(r.edx & CPUID_1_EDX_MCE);
	assert_false(r.edx & CPUID_1_EDX_HTT);
	/* The hypervisor bit is set. */
	assert_true(r.ecx & CPUID_1_ECX_HYPERVISOR_);
	/* Ordinary features pass through. */
	assert_true(r.ecx & CPUID_1_ECX_SSE3);
	assert_true(r.ecx & CPUID_1_ECX_XSAVE);
	assert_true(r.edx & CPUID_1_EDX_FPU);
	assert_true(r.edx & CPUID_1_EDX_TSC);
	assert_true(r.edx & CPUID_1_EDX_SSE2);
	/* EAX (the signature) is the host's. */
	assert_int_equal(r.eax, all_ones.eax);

	/* A host without the hypervisor bit gets it too; nothing is
	 * invented from a zero answer except that, the emulated APIC and
	 * MTRR features and the EBX fields. */
	r = adjust(LEAF_BASIC_FEATURES, 0, &v, (struct cpuid_regs){ 0 });
	assert_int_equal(r.ecx, CPUID_1_ECX_HYPERVISOR_ | CPUID_1_ECX_X2APIC |
				CPUID_1_ECX_TSC_DEADLINE);
	assert_int_equal(r.edx, CPUID_1_EDX_APIC | CPUID_1_EDX_MTRR);
	assert_int_equal(r.eax, 0);
}

static void test_leaf1_osxsave_follows_guest(void **state)
{
	struct cpuid_guest_view v = { .vcpu_id = 0, .nr_vcpus = 1 };
	struct cpuid_regs r;

	/* Host says OSXSAVE (its own CR4), guest has not set CR4.OSXSAVE. */
	v.guest_osxsave = false;
	r = adjust(LEAF_BASIC_FEATURES, 0, &v, all_ones);
	assert_false(r.ecx & CPUID_1_ECX_OSXSAVE_);
	/* Host without OSXSAVE, guest with it. */
	v.guest_osxsave = true;
	r = adjust(LEAF_BASIC_FEATURES, 0, &v, (struct cpuid_regs){ 0 });
	assert_true(r.ecx & CPUID_1_ECX_OSXSAVE_);
	r = adjust(LEAF_BASIC_FEATURES, 0, &v, all_ones);
	assert_true(r.ecx & CPUID_1_ECX_OSXSAVE_);
	v.guest_osxsave = false;
	r = adjust(LEAF_BASIC_FEATURES, 0, &v, (struct cpuid_regs){ 0 });
	assert_false(r.ecx & CPUID_1_ECX_OSXSAVE_);
}

/*
 * The memory-type and performance-monitoring bits agree with the MSRs:
 * MTRRs are a register model of their own (offered whatever the host
 * has), PAT is the host's (the VMCS switches IA32_PAT), and nothing built
 * on the debug store or the PMU is shown (IA32_MISC_ENABLE reports BTS and
 * PEBS unavailable, IA32_PERF_CAPABILITIES and IA32_DS_AREA #GP).
 */
static void test_leaf1_memory_type_and_pmu_bits(void **state)
{
	const struct cpuid_guest_view v = { .vcpu_id = 0, .nr_vcpus = 1 };
	struct cpuid_regs r = adjust(LEAF_BASIC_FEATURES, 0, &v, all_ones);

	assert_true(r.edx & CPUID_1_EDX_MTRR);
	assert_true(r.edx & CPUID_1_EDX_PAT);
	assert_false(r.edx & CPUID_1_EDX_DS);
	assert_false(r.ecx & CPUID_1_ECX_DTES64);
	assert_false(r.ecx & CPUID_1_ECX_DS_CPL);
	assert_false(r.ecx & CPUID_1_ECX_PDCM);
	/* exactly these ECX bits go (and OSXSAVE, the guest's CR4 here) */
	assert_int_equal(r.ecx, ~(CPUID_1_ECX_DTES64 | CPUID_1_ECX_MONITOR |
				  CPUID_1_ECX_DS_CPL | CPUID_1_ECX_VMX_ |
				  CPUID_1_ECX_SMX | CPUID_1_ECX_EST |
				  CPUID_1_ECX_TM2 | CPUID_1_ECX_PDCM |
				  CPUID_1_ECX_OSXSAVE_));
	r = adjust(LEAF_BASIC_FEATURES, 0, &v, all_zeros);
	assert_true(r.edx & CPUID_1_EDX_MTRR);
	assert_false(r.edx & CPUID_1_EDX_PAT);
}

static void test_leaf1_ebx_apic_id_and_count(void **state)
{
	static const u32 ids[] = { 0, 1, 3, 7 };
	struct cpuid_guest_view v = { .nr_vcpus = 4 };

	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		struct cpuid_regs r;

		v.vcpu_id = ids[i];
		r = adjust(LEAF_BASIC_FEATURES, 0, &v, pattern);
		assert_int_equal((r.ebx >> CPUID_1_EBX_APIC_ID_SHIFT) &
				 CPUID_1_EBX_APIC_ID_MASK, ids[i]);
		assert_int_equal((r.ebx >> CPUID_1_EBX_COUNT_SHIFT) &
				 CPUID_1_EBX_COUNT_MASK, 1);
		/* Brand index and CLFLUSH line size are the host's. */
		assert_int_equal(r.ebx & CPUID_1_EBX_LOW_MASK,
				 pattern.ebx & CPUID_1_EBX_LOW_MASK);

		r = adjust(LEAF_BASIC_FEATURES, 0, &v, all_ones);
		assert_int_equal(r.ebx,
				 (ids[i] << CPUID_1_EBX_APIC_ID_SHIFT) |
				 (1u << CPUID_1_EBX_COUNT_SHIFT) |
				 CPUID_1_EBX_LOW_MASK);
	}
}

/* ---- leaves answered with zeros --------------------------------------- */

static void test_zeroed_leaves(void **state)
{
	static const u32 leaves[] = {
		LEAF_THERMAL_POWER, LEAF_PERF_MONITORING, LEAF_SGX,
	};
	const struct cpuid_guest_view v = { .vcpu_id = 2, .nr_vcpus = 4,
					    .guest_osxsave = true,
					    .rdtscp = true, .invpcid = true };

	for (size_t i = 0; i < ARRAY_SIZE(leaves); i++) {
		for (u32 sub = 0; sub < 3; sub++) {
			struct cpuid_regs r = adjust(leaves[i], sub, &v,
						     all_ones);

			assert_regs_zero(&r);
			r = adjust(leaves[i], sub, &v, pattern);
			assert_regs_zero(&r);
		}
	}
}

/* ---- leaf 7.0 --------------------------------------------------------- */

static void test_leaf7_hides_sgx_waitpkg_and_invpcid(void **state)
{
	struct cpuid_guest_view v = { .vcpu_id = 0, .nr_vcpus = 1 };
	struct cpuid_regs r;

	v.invpcid = false;
	r = adjust(LEAF_EXT_FEATURES, 0, &v, all_ones);
	assert_false(r.ebx & CPUID_7_EBX_SGX);
	assert_false(r.ebx & CPUID_7_EBX_INVPCID);
	assert_false(r.ecx & CPUID_7_ECX_WAITPKG);
	assert_false(r.ecx & CPUID_7_ECX_SGX_LC);
	/* no speculation-control or CET MSRs behind them */
	assert_false(r.ecx & CPUID_7_ECX_CET_SS);
	assert_false(r.edx & (CPUID_7_EDX_SPEC_CTRL | CPUID_7_EDX_ARCH_CAPABILITIES |
			      CPUID_7_EDX_CET_IBT | CPUID_7_EDX_SPEC_CTRL_SSBD));
	assert_true(r.ebx & CPUID_7_EBX_FSGSBASE);
	assert_true(r.ebx & CPUID_7_EBX_SMEP);
	assert_int_equal(r.eax, all_ones.eax);
	/* Exactly those bits, nothing else. */
	assert_int_equal(r.edx, ~CPUID_7_EDX_NO_MSR);
	assert_int_equal(r.ebx, ~(CPUID_7_EBX_SGX | CPUID_7_EBX_INVPCID));
	/* (RDPID too: v.rdtscp is false, and RDPID needs "enable RDTSCP") */
	assert_int_equal(r.ecx, ~(CPUID_7_ECX_WAITPKG | CPUID_7_ECX_SGX_LC |
				  CPUID_7_ECX_RDPID | CPUID_7_ECX_NO_MSR));

	/* INVPCID is shown when the secondary control is on ... */
	v.invpcid = true;
	r = adjust(LEAF_EXT_FEATURES, 0, &v, all_ones);
	assert_true(r.ebx & CPUID_7_EBX_INVPCID);
	assert_false(r.ebx & CPUID_7_EBX_SGX);
	assert_false(r.ecx & CPUID_7_ECX_WAITPKG);
	/* ... but never invented for a host without it. */
	r = adjust(LEAF_EXT_FEATURES, 0, &v, (struct cpuid_regs){ 0 });
	assert_false(r.ebx & CPUID_7_EBX_INVPCID);
}

static void test_leaf7_other_subleaves_pass_through(void **state)
{
	const struct cpuid_guest_view v = { .vcpu_id = 0, .nr_vcpus = 1 };
	struct cpuid_regs r = adjust(LEAF_EXT_FEATURES, 2, &v, all_ones);

	assert_regs_equal(&r, &all_ones);
}

/* Sub-leaf 1 passes through but for the architectural PMU extension
 * (leaf 0x23): there is no PMU. */
static void test_leaf7_1_hides_perfmon_ext(void **state)
{
	const struct cpuid_guest_view v = { .vcpu_id = 0, .nr_vcpus = 1 };
	struct cpuid_regs r = adjust(LEAF_EXT_FEATURES, 1, &v, all_ones);

	assert_int_equal(r.eax, ~CPUID_7_1_EAX_ARCH_PERFMON_EXT);
	assert_int_equal(r.ebx, all_ones.ebx);
	assert_int_equal(r.ecx, all_ones.ecx);
	assert_int_equal(r.edx, all_ones.edx);
	r = adjust(LEAF_EXT_FEATURES, 1, &v, pattern);
	assert_int_equal(r.eax, pattern.eax & ~CPUID_7_1_EAX_ARCH_PERFMON_EXT);
	assert_int_equal(r.ebx, pattern.ebx);
}

/* ---- leaf 0xD ----------------------------------------------------------- */

static void test_xsave_leaf_hides_xsaves(void **state)
{
	const struct cpuid_guest_view v = { .vcpu_id = 0, .nr_vcpus = 1 };
	struct cpuid_regs r = adjust(LEAF_XSAVE, SUBLEAF_XSAVE_EXT, &v,
				     all_ones);

	assert_false(r.eax & CPUID_D_1_EAX_XSAVES);
	assert_false(r.eax & CPUID_D_1_EAX_XFD);
	assert_true(r.eax & CPUID_D_1_EAX_XSAVEOPT);
	assert_int_equal(r.eax, ~(CPUID_D_1_EAX_XSAVES | CPUID_D_1_EAX_XFD));
	/* EBX (the size for XCR0 | IA32_XSS) is the host's; no IA32_XSS
	 * bits are offered without XSAVES. */
	assert_int_equal(r.ebx, all_ones.ebx);
	assert_int_equal(r.ecx, 0);
	assert_int_equal(r.edx, 0);
	/* Subleaf 0 (XCR0 components and sizes) is the host's. */
	r = adjust(LEAF_XSAVE, 0, &v, pattern);
	assert_regs_equal(&r, &pattern);
	r = adjust(LEAF_XSAVE, 0, &v, all_ones);
	assert_regs_equal(&r, &all_ones);
}

/* Sub-leaves 2 and up: user components pass through, supervisor ones
 * (ECX[0] = 1, managed only by XSAVES) read as unsupported. */
static void test_xsave_component_subleaves(void **state)
{
	static const struct cpuid_regs avx = { 256, 576, 0, 0 };
	static const struct cpuid_regs pt = { 128, 0, 1, 0 };
	const struct cpuid_guest_view v = { .vcpu_id = 0, .nr_vcpus = 1 };
	struct cpuid_regs r;

	r = adjust(LEAF_XSAVE, XSAVE_COMPONENT_AVX, &v, avx);
	assert_regs_equal(&r, &avx);
	r = adjust(LEAF_XSAVE, XSAVE_COMPONENT_PT, &v, pt);
	assert_regs_zero(&r);
	r = adjust(LEAF_XSAVE, XSAVE_COMPONENT_PT, &v, all_ones);
	assert_regs_zero(&r);
	/* a user component with ECX[1] (64-byte alignment) stays */
	r = adjust(LEAF_XSAVE, XSAVE_COMPONENT_AVX, &v,
		   (struct cpuid_regs){ 64, 1088, 2, 0 });
	assert_int_equal(r.ecx, 2);
	assert_int_equal(r.eax, 64);
}

/* ---- XSETBV ------------------------------------------------------------- */

#define SUPPORTED_AVX512	0x2e7ull	/* x87 SSE AVX AVX-512 PKRU */
#define SUPPORTED_MPX_AMX	0x6001full	/* x87 SSE AVX MPX AMX */

static void test_xcr0_valid(void **state)
{
	/* what guests write */
	assert_true(kvm_xcr0_valid(XFEATURE_MASK_FP, SUPPORTED_AVX512));
	assert_true(kvm_xcr0_valid(XFEATURE_MASK_FP | XFEATURE_MASK_SSE,
				   SUPPORTED_AVX512));
	assert_true(kvm_xcr0_valid(XFEATURE_MASK_FP | XFEATURE_MASK_SSE |
				   XFEATURE_MASK_YMM, SUPPORTED_AVX512));
	assert_true(kvm_xcr0_valid(SUPPORTED_AVX512, SUPPORTED_AVX512));
	assert_true(kvm_xcr0_valid(SUPPORTED_MPX_AMX, SUPPORTED_MPX_AMX));
	/* x87 may not be cleared */
	assert_false(kvm_xcr0_valid(0, SUPPORTED_AVX512));
	assert_false(kvm_xcr0_valid(XFEATURE_MASK_SSE, SUPPORTED_AVX512));
	assert_false(kvm_xcr0_valid(SUPPORTED_AVX512 & ~XFEATURE_MASK_FP,
				    SUPPORTED_AVX512));
	/* AVX without SSE */
	assert_false(kvm_xcr0_valid(XFEATURE_MASK_FP | XFEATURE_MASK_YMM,
				    SUPPORTED_AVX512));
	/* unsupported components, reserved bit 63 */
	assert_false(kvm_xcr0_valid(XFEATURE_MASK_FP | XFEATURE_MASK_BNDREGS |
				    XFEATURE_MASK_BNDCSR, SUPPORTED_AVX512));
	assert_false(kvm_xcr0_valid(XFEATURE_MASK_FP | BIT_ULL(63),
				    SUPPORTED_AVX512));
	assert_false(kvm_xcr0_valid(XFEATURE_MASK_FP | XFEATURE_MASK_SSE |
				    XFEATURE_MASK_YMM,
				    XFEATURE_MASK_FP | XFEATURE_MASK_SSE));
	/* MPX: both or neither */
	assert_false(kvm_xcr0_valid(XFEATURE_MASK_FP | XFEATURE_MASK_BNDREGS,
				    SUPPORTED_MPX_AMX));
	assert_false(kvm_xcr0_valid(XFEATURE_MASK_FP | XFEATURE_MASK_BNDCSR,
				    SUPPORTED_MPX_AMX));
	assert_true(kvm_xcr0_valid(XFEATURE_MASK_FP | XFEATURE_MASK_BNDREGS |
				   XFEATURE_MASK_BNDCSR, SUPPORTED_MPX_AMX));
	/* AVX-512: all three, and only with AVX */
	assert_false(kvm_xcr0_valid(XFEATURE_MASK_FP | XFEATURE_MASK_SSE |
				    XFEATURE_MASK_YMM | XFEATURE_MASK_OPMASK,
				    SUPPORTED_AVX512));
	assert_false(kvm_xcr0_valid(XFEATURE_MASK_FP | XFEATURE_MASK_SSE |
				    XFEATURE_MASK_YMM | XFEATURE_MASK_OPMASK |
				    XFEATURE_MASK_ZMM_Hi256, SUPPORTED_AVX512));
	assert_false(kvm_xcr0_valid(XFEATURE_MASK_FP | XFEATURE_MASK_SSE |
				    XFEATURE_MASK_AVX512, SUPPORTED_AVX512));
	assert_true(kvm_xcr0_valid(XFEATURE_MASK_FP | XFEATURE_MASK_SSE |
				   XFEATURE_MASK_YMM | XFEATURE_MASK_AVX512,
				   SUPPORTED_AVX512));
	/* AMX: both tile components */
	assert_false(kvm_xcr0_valid(XFEATURE_MASK_FP | XFEATURE_MASK_XTILE_CFG,
				    SUPPORTED_MPX_AMX));
	assert_false(kvm_xcr0_valid(XFEATURE_MASK_FP | XFEATURE_MASK_XTILE_DATA,
				    SUPPORTED_MPX_AMX));
	assert_true(kvm_xcr0_valid(XFEATURE_MASK_FP | XFEATURE_MASK_XTILE,
				   SUPPORTED_MPX_AMX));
}

/* ---- leaf 0x80000001 ---------------------------------------------------- */

static void test_ext_leaf_rdtscp_follows_control(void **state)
{
	struct cpuid_guest_view v = { .vcpu_id = 0, .nr_vcpus = 1 };
	struct cpuid_regs r;

	v.rdtscp = false;
	r = adjust(LEAF_EXT_SIGNATURE, 0, &v, all_ones);
	assert_false(r.edx & CPUID_80000001_EDX_RDTSCP);
	assert_true(r.edx & CPUID_80000001_EDX_NX);
	assert_true(r.edx & CPUID_80000001_EDX_LM);
	assert_int_equal(r.edx, ~CPUID_80000001_EDX_RDTSCP);

	v.rdtscp = true;
	r = adjust(LEAF_EXT_SIGNATURE, 0, &v, all_ones);
	assert_regs_equal(&r, &all_ones);
	r = adjust(LEAF_EXT_SIGNATURE, 0, &v, (struct cpuid_regs){ 0 });
	assert_false(r.edx & CPUID_80000001_EDX_RDTSCP);
}

/*
 * RDPID (CPUID.(EAX=7,ECX=0):ECX[22]) reads IA32_TSC_AUX like RDTSCP and,
 * in VMX non-root operation, is gated by the same "enable RDTSCP" control:
 * with the control 0 it raises #UD (SDM Vol. 3C, Changes to Instruction
 * Behavior in VMX Non-Root Operation).  tinyvmx does not intercept #UD, so
 * CPUID must not advertise RDPID when RDTSCP is not enabled.
 */
static void test_leaf7_rdpid_follows_rdtscp(void **state)
{
	struct cpuid_guest_view v = { .vcpu_id = 0, .nr_vcpus = 1 };
	struct cpuid_regs r;

	v.rdtscp = true;
	r = adjust(LEAF_EXT_FEATURES, 0, &v, all_ones);
	assert_true(r.ecx & CPUID_7_ECX_RDPID);

	v.rdtscp = false;
	r = adjust(LEAF_EXT_FEATURES, 0, &v, all_ones);
	assert_false(r.ecx & CPUID_7_ECX_RDPID);
}

/* ---- hypervisor leaves -------------------------------------------------- */

static void test_hypervisor_signature(void **state)
{
	static const char expect[HV_SIGNATURE_LEN] = "tinyvmx\0\0\0\0";
	const struct cpuid_guest_view v = { .vcpu_id = 0, .nr_vcpus = 1 };
	struct cpuid_regs r = adjust(LEAF_HV_MAX, 0, &v, all_ones);
	char sig[HV_SIGNATURE_LEN];

	assert_int_equal(r.eax, TVX_CPUID_TIMING_LEAF);
	/* EBX, ECX, EDX hold the signature, little-endian, in that order
	 * (the convention of the hypervisor CPUID range). */
	memcpy(sig, &r.ebx, sizeof(r.ebx));
	memcpy(sig + 4, &r.ecx, sizeof(r.ecx));
	memcpy(sig + 8, &r.edx, sizeof(r.edx));
	assert_memory_equal(sig, expect, HV_SIGNATURE_LEN);
	assert_string_equal(sig, "tinyvmx");

	/* The host's answer (here: a pattern) does not leak through. */
	r = adjust(LEAF_HV_MAX, 0, &v, pattern);
	assert_int_equal(r.eax, TVX_CPUID_MAX_LEAF);
	memcpy(sig, &r.ebx, sizeof(r.ebx));
	memcpy(sig + 4, &r.ecx, sizeof(r.ecx));
	memcpy(sig + 8, &r.edx, sizeof(r.edx));
	assert_memory_equal(sig, expect, HV_SIGNATURE_LEN);
}

/* The timing leaf gives the TSC rate as TSC and APIC-timer frequency. */
static void test_timing_leaf(void **state)
{
	const struct cpuid_guest_view v = { .nr_vcpus = 1, .tsc_khz = 10000 };
	struct cpuid_regs r = adjust(TVX_CPUID_TIMING_LEAF, 0, &v, pattern);

	assert_int_equal(r.eax, 10000);
	assert_int_equal(r.ebx, 10000);
	assert_int_equal(r.ecx, 0);
	assert_int_equal(r.edx, 0);
}

static void test_other_hypervisor_leaves_are_zero(void **state)
{
	static const u32 leaves[] = {
		LEAF_HV_FEATURES, LEAF_HV_FEATURES + 1, LEAF_HV_FAR,
	};
	const struct cpuid_guest_view v = { .vcpu_id = 1, .nr_vcpus = 2 };

	for (size_t i = 0; i < ARRAY_SIZE(leaves); i++) {
		struct cpuid_regs r = adjust(leaves[i], 0, &v, all_ones);

		assert_regs_zero(&r);
		r = adjust(leaves[i], 0, &v, pattern);
		assert_regs_zero(&r);
	}
}

/* ---- untouched leaves --------------------------------------------------- */

static void test_untouched_leaves_pass_through(void **state)
{
	static const u32 leaves[] = {
		0x0u, 0x2u, 0x4u, LEAF_BRAND_STRING_1, 0x80000003u,
		0x80000004u, 0x80000008u,
		/* Just outside the hypervisor range. */
		LEAF_HV_MAX - 1,
	};
	const struct cpuid_guest_view v = { .vcpu_id = 3, .nr_vcpus = 4,
					    .guest_osxsave = true };

	for (size_t i = 0; i < ARRAY_SIZE(leaves); i++) {
		struct cpuid_regs r = adjust(leaves[i], 0, &v, pattern);

		assert_regs_equal(&r, &pattern);
		r = adjust(leaves[i], 0, &v, all_ones);
		assert_regs_equal(&r, &all_ones);
	}
}

/* The topology leaf reports the vCPU as its x2APIC ID (EDX). */
static void test_topology_leaf_x2apic_id(void **state)
{
	const struct cpuid_guest_view v = { .vcpu_id = 5, .nr_vcpus = 8 };
	struct cpuid_regs r = adjust(LEAF_EXT_TOPOLOGY, 0, &v, pattern);

	assert_int_equal(r.edx, 5);
	assert_int_equal(r.eax, pattern.eax);
	assert_int_equal(r.ebx, pattern.ebx);
	assert_int_equal(r.ecx, pattern.ecx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaf1_hides_unvirtualised_features),
		cmocka_unit_test(test_leaf1_offers_the_emulated_apic),
		cmocka_unit_test(test_leaf1_osxsave_follows_guest),
		cmocka_unit_test(test_leaf1_memory_type_and_pmu_bits),
		cmocka_unit_test(test_leaf1_ebx_apic_id_and_count),
		cmocka_unit_test(test_zeroed_leaves),
		cmocka_unit_test(test_leaf7_hides_sgx_waitpkg_and_invpcid),
		cmocka_unit_test(test_leaf7_other_subleaves_pass_through),
		cmocka_unit_test(test_leaf7_1_hides_perfmon_ext),
		cmocka_unit_test(test_leaf7_rdpid_follows_rdtscp),
		cmocka_unit_test(test_xsave_leaf_hides_xsaves),
		cmocka_unit_test(test_xsave_component_subleaves),
		cmocka_unit_test(test_xcr0_valid),
		cmocka_unit_test(test_ext_leaf_rdtscp_follows_control),
		cmocka_unit_test(test_hypervisor_signature),
		cmocka_unit_test(test_other_hypervisor_leaves_are_zero),
		cmocka_unit_test(test_timing_leaf),
		cmocka_unit_test(test_untouched_leaves_pass_through),
		cmocka_unit_test(test_topology_leaf_x2apic_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

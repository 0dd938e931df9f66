/* SPDX-License-Identifier: MIT */
/*
 * cpuid: what CPUID tells the guest about the machine it runs on.
 * The hypervisor range announces tinyvmx, CPUID.1 sets the hypervisor bit
 * and hides what is not virtualised (VMX, MONITOR/MWAIT), offers the
 * emulated local APIC with x2APIC and the TSC-deadline timer, the vCPU is
 * APIC ID 0 and no architectural PMU is offered.
 */
#include "guest.h"

#define EXIT_REASON_CPUID 10

#define CPUID_1_ECX_MONITOR (1u << 3)
#define CPUID_1_ECX_VMX (1u << 5)
#define CPUID_1_ECX_SMX (1u << 6)
#define CPUID_1_ECX_X2APIC (1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_1_ECX_XSAVE (1u << 26)
#define CPUID_1_ECX_OSXSAVE (1u << 27)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CPUID_1_EDX_APIC (1u << 9)
#define CPUID_1_EBX_APIC_ID_SHIFT 24
#define CPUID_1_EBX_LOGICAL_COUNT_SHIFT 16
#define CPUID_1_EBX_BYTE_MASK 0xffu
#define CR4_OSXSAVE (1u << 18)

#define LEAF_PMU 0xa
#define LEAF_HV_UNUSED 0x40000005u

static void check_signature(void)
{
	u32 a, b, c, d;
	char sig[13];

	cpuid(TVX_CPUID_SIGNATURE_LEAF, 0, &a, &b, &c, &d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = '\0';
	report(!strcmp(sig, "tinyvmx"), "CPUID 0x40000000 signature \"%s\" is \"tinyvmx\"", sig);
	report(b == TVX_CPUID_SIG_EBX && c == TVX_CPUID_SIG_ECX && d == TVX_CPUID_SIG_EDX,
	       "signature registers %#x %#x %#x, NUL padded", b, c, d);
	report(a == TVX_CPUID_MAX_LEAF, "max hypervisor leaf %#x (expected %#x)", a,
	       TVX_CPUID_MAX_LEAF);

	cpuid(LEAF_HV_UNUSED, 0, &a, &b, &c, &d);
	report(!a && !b && !c && !d, "leaf 0x40000005 reads zeros (%#x %#x %#x %#x)", a, b, c,
	       d);
}

static void check_leaf1(void)
{
	u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	report(c & CPUID_1_ECX_HYPERVISOR, "CPUID.1:ECX hypervisor bit 31 set (ECX %#x)", c);
	report(!(c & CPUID_1_ECX_VMX), "CPUID.1:ECX VMX bit 5 clear");
	report(!(c & CPUID_1_ECX_SMX), "CPUID.1:ECX SMX bit 6 clear");
	report(!(c & CPUID_1_ECX_MONITOR), "CPUID.1:ECX MONITOR bit 3 clear");
	report(c & CPUID_1_ECX_X2APIC, "CPUID.1:ECX x2APIC bit 21 set");
	report(c & CPUID_1_ECX_TSC_DEADLINE, "CPUID.1:ECX TSC-deadline bit 24 set");
	report(d & CPUID_1_EDX_APIC, "CPUID.1:EDX APIC bit 9 set (EDX %#x)", d);
	report((b >> CPUID_1_EBX_APIC_ID_SHIFT) == 0, "CPUID.1:EBX[31:24] initial APIC ID %u is 0",
	       b >> CPUID_1_EBX_APIC_ID_SHIFT);
	report(((b >> CPUID_1_EBX_LOGICAL_COUNT_SHIFT) & CPUID_1_EBX_BYTE_MASK) == 1,
	       "CPUID.1:EBX[23:16] logical processor count %u is 1",
	       (b >> CPUID_1_EBX_LOGICAL_COUNT_SHIFT) & CPUID_1_EBX_BYTE_MASK);
	report(!(c & CPUID_1_ECX_OSXSAVE), "CPUID.1:ECX OSXSAVE clear while CR4.OSXSAVE = 0");

	/* OSXSAVE mirrors the guest's own CR4 (SDM "CPUID—CPU Identification"). */
	if (c & CPUID_1_ECX_XSAVE) {
		u32 cr4 = read_cr4();

		write_cr4(cr4 | CR4_OSXSAVE);
		cpuid(1, 0, &a, &b, &c, &d);
		write_cr4(cr4);
		report(c & CPUID_1_ECX_OSXSAVE, "CPUID.1:ECX OSXSAVE set after CR4.OSXSAVE = 1");
		cpuid(1, 0, &a, &b, &c, &d);
		report(!(c & CPUID_1_ECX_OSXSAVE), "CPUID.1:ECX OSXSAVE clear again");
	} else {
		printf("cpuid: no XSAVE, OSXSAVE mirroring not checked\n");
	}
}

static void check_pmu(void)
{
	u32 a, b, c, d;

	cpuid(LEAF_PMU, 0, &a, &b, &c, &d);
	report(!a && !b && !c && !d, "leaf 0xA (architectural PMU) all zero (%#x %#x %#x %#x)",
	       a, b, c, d);
}

static void check_exit_count(void)
{
	u32 a, b, c, d;
	long before, after;

	before = hypercall(TVX_HC_EXIT_COUNT, EXIT_REASON_CPUID, 0, 0, 0);
	cpuid(0, 0, &a, &b, &c, &d);
	cpuid(1, 0, &a, &b, &c, &d);
	cpuid(TVX_CPUID_SIGNATURE_LEAF, 0, &a, &b, &c, &d);
	after = hypercall(TVX_HC_EXIT_COUNT, EXIT_REASON_CPUID, 0, 0, 0);
	report(before > 0 && after - before == 3, "three CPUIDs are three CPUID exits (%ld -> %ld)",
	       before, after);
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	check_signature();
	check_leaf1();
	check_pmu();
	check_exit_count();
	return 0;
}

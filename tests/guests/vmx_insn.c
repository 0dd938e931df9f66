/* SPDX-License-Identifier: MIT */
/*
 * vmx-insn: the guest sees a CPU without VMX (CPUID.1:ECX.VMX = 0,
 * CR4.VMXE cannot be set), so every VMX instruction must raise #UD as on
 * such a CPU.  In VMX non-root operation each of them causes a VM exit
 * (SDM Vol. 3C "Instructions That Cause VM Exits Unconditionally"); the
 * hypervisor injects #UD.  The same holds for GETSEC (no SMX), and for
 * MONITOR/MWAIT, which CPUID hides.  RDRAND, when CPUID offers it, must
 * run.
 */
#include "guest.h"

#define UD_VECTOR 6
#define EXIT_REASON_VMXON 27
#define CPUID_1_ECX_RDRAND (1u << 30)
#define VMCS_GUEST_RIP 0x681e	/* any field encoding will do */

static u64 region[512] __attribute__((aligned(4096)));
static u64 descriptor[2];

#define CHECK_UD(name, ...)                                                      \
	do {                                                                     \
		int v_ = GUEST_TRY(__VA_ARGS__);                                 \
		report(v_ == UD_VECTOR, "%s raises #UD (vector %d)", name, v_);  \
	} while (0)

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u32 a, b, c, d, val = 0;
	u64 ptr = (u32)region;
	long before, after;
	int v;

	before = hypercall(TVX_HC_EXIT_COUNT, EXIT_REASON_VMXON, 0, 0, 0);
	CHECK_UD("vmxon", "vmxon %0", : : "m"(ptr) : "memory");
	after = hypercall(TVX_HC_EXIT_COUNT, EXIT_REASON_VMXON, 0, 0, 0);
	report(before == 0 && after == 1, "the #UD came from a VMXON exit (%ld -> %ld)", before,
	       after);
	CHECK_UD("vmptrld", "vmptrld %0", : : "m"(ptr) : "memory");
	CHECK_UD("vmclear", "vmclear %0", : : "m"(ptr) : "memory");
	CHECK_UD("vmptrst", "vmptrst %0", : "=m"(ptr) : : "memory");
	CHECK_UD("vmread", "vmread %1, %0", : "=r"(val) : "r"(VMCS_GUEST_RIP) : "memory");
	CHECK_UD("vmwrite", "vmwrite %0, %1", : : "r"(val), "r"(VMCS_GUEST_RIP) : "memory");
	CHECK_UD("vmlaunch", "vmlaunch", : : : "memory");
	CHECK_UD("vmresume", "vmresume", : : : "memory");
	CHECK_UD("vmxoff", "vmxoff", : : : "memory");
	CHECK_UD("invept", "invept %0, %1", : : "m"(descriptor), "r"(1) : "memory");
	CHECK_UD("invvpid", "invvpid %0, %1", : : "m"(descriptor), "r"(1) : "memory");
	CHECK_UD("getsec", "getsec", : : "a"(0) : "memory");
	CHECK_UD("monitor", "monitor", : : "a"(region), "c"(0), "d"(0) : "memory");
	CHECK_UD("mwait", "mwait", : : "a"(0), "c"(0) : "memory");
	/* VMFUNC without "enable VM functions" is #UD without an exit. */
	CHECK_UD("vmfunc", "vmfunc", : : "a"(0) : "memory");

	cpuid(1, 0, &a, &b, &c, &d);
	if (c & CPUID_1_ECX_RDRAND) {
		v = GUEST_TRY("rdrand %0", : "=r"(val) : : "memory", "cc");
		report(v < 0, "rdrand, offered by CPUID, runs (%d)", v);
	} else {
		printf("vmx-insn: CPUID offers no RDRAND, not checked\n");
	}
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * VMX capability MSR values of emulated and real CPUs, for the capability
 * negotiation and report tests.  Values are as read (hex), with where they
 * come from next to each table.
 */
#ifndef TVX_TESTS_CPU_MSRS_H
#define TVX_TESTS_CPU_MSRS_H

#include "tvx/types.h"
#include "vmx/capabilities.h"

#define ALL_VMX_MSRS	(BIT(MSR_IA32_VMX_COUNT) - 1)

/*
 * Bochs 2.7, cpu: model=tigerlake.  MSRs: /work/shared/notes/bochs.md
 * (read inside Bochs).  CPUID.1:EAX 0x000806c1 and no SGX in CPUID.7:EBX:
 * bochs-emu/Bochs, bochs/cpu/cpudb/intel/tigerlake.cc (get_std_cpuid_leaf_1,
 * get_std_cpuid_leaf_7).
 */
static const struct vmx_msrs cpu_bochs_tigerlake = {
	.basic		= 0x01d8100000000004ull,
	.pinbased	= 0x0000007f00000016ull,
	.procbased	= 0xfff9fffe0401e172ull,
	.exit		= 0x107fffff00036dffull,
	.entry		= 0x0010ffff000011ffull,
	.misc		= 0x00000000600401e0ull,
	.cr0_fixed0	= 0x0000000080000021ull,
	.cr0_fixed1	= 0x00000000ffffffffull,
	.cr4_fixed0	= 0x0000000000002000ull,
	.cr4_fixed1	= 0x0000000000f72fffull,
	.vmcs_enum	= 0x0000000000000034ull,
	.procbased2	= 0x02977fff00000000ull,
	.ept_vpid_cap	= 0x00000f0106b34141ull,
	.true_pinbased	= 0x0000007f00000016ull,
	.true_procbased	= 0xfff9fffe04006172ull,
	.true_exit	= 0x107fffff00036dfbull,
	.true_entry	= 0x0010ffff000011fbull,
	.vmfunc		= 0x0000000000000001ull,
	.present	= ALL_VMX_MSRS,
	.cpuid_1_eax	= 0x000806c1,
	.has_sgx	= false,
};

/*
 * Bochs 2.7, cpu: model=corei7_skylake_x.  /work/shared/notes/bochs.md
 * lists the MSRs that differ from tigerlake (the TRUE_ forms of
 * PROCBASED/EXIT/ENTRY change "the same way", i.e. in their allowed-1
 * word).  BASIC 00d810000000002b has bit 55 set too (high dword 0x00d81000:
 * bit 23 = 1), so the TRUE_ MSRs exist.  CPUID.1:EAX 0x00050654, no SGX:
 * bochs-emu/Bochs, bochs/cpu/cpudb/intel/corei7_skylake-x.cc.
 */
static const struct vmx_msrs cpu_bochs_skylake_x = {
	.basic		= 0x00d810000000002bull,
	.pinbased	= 0x0000007f00000016ull,
	.procbased	= 0xf7f9fffe0401e172ull,
	.exit		= 0x007fffff00036dffull,
	.entry		= 0x0000ffff000011ffull,
	.misc		= 0x00000000600401e0ull,
	.cr0_fixed0	= 0x0000000080000021ull,
	.cr0_fixed1	= 0x00000000ffffffffull,
	.cr4_fixed0	= 0x0000000000002000ull,
	.cr4_fixed1	= 0x00000000003727ffull,
	.vmcs_enum	= 0x0000000000000034ull,
	.procbased2	= 0x02177fff00000000ull,
	.ept_vpid_cap	= 0x00000f0106334141ull,
	.true_pinbased	= 0x0000007f00000016ull,
	.true_procbased	= 0xf7f9fffe04006172ull,
	.true_exit	= 0x007fffff00036dfbull,
	.true_entry	= 0x0000ffff000011fbull,
	.vmfunc		= 0x0000000000000001ull,
	.present	= ALL_VMX_MSRS,
	.cpuid_1_eax	= 0x00050654,
	.has_sgx	= false,
};

/*
 * Real CPU: Intel Core i7-9750H (Coffee Lake-H, MSI GS65 Stealth 9SE),
 * CPUID.1:EAX 0x000906ea, CPUID.7:EBX 0x029c67af (bit 2: SGX), read by
 * VirtualBox 6.1.16 (native VT-x) and printed in its VBox.log ("HM:
 * MSR_IA32_VMX_..." lines, "Hst:" CPUID lines), posted in the VirtualBox
 * forum thread "Vbox 6.1 Black Screen on Startup Ubuntu 20.04"
 * (forums.virtualbox.org, Virtualisation, 2021-01-14).  The same
 * TRUE_/MISC/VMCS_ENUM/EPT_VPID_CAP values appear in the VBox.log of
 * https://github.com/myspaghetti/macos-virtualbox/issues/224 and #135.
 */
static const struct vmx_msrs cpu_coffeelake_i7_9750h = {
	.basic		= 0x00da040000000004ull,
	.pinbased	= 0x0000007f00000016ull,
	.procbased	= 0xfff9fffe0401e172ull,
	.exit		= 0x01ffffff00036dffull,
	.entry		= 0x0003ffff000011ffull,
	.misc		= 0x000000007004c1e7ull,
	.cr0_fixed0	= 0x0000000080000021ull,
	.cr0_fixed1	= 0x00000000ffffffffull,
	.cr4_fixed0	= 0x0000000000002000ull,
	.cr4_fixed1	= 0x00000000003727ffull,
	.vmcs_enum	= 0x000000000000002eull,
	.procbased2	= 0x005fbcff00000000ull,
	.ept_vpid_cap	= 0x00000f0106734141ull,
	.true_pinbased	= 0x0000007f00000016ull,
	.true_procbased	= 0xfff9fffe04006172ull,
	.true_exit	= 0x01ffffff00036dfbull,
	.true_entry	= 0x0003ffff000011fbull,
	.vmfunc		= 0x0000000000000001ull,
	.present	= ALL_VMX_MSRS,
	.cpuid_1_eax	= 0x000906ea,
	.has_sgx	= true,
};

/*
 * Real CPU: Intel Ivy Bridge, CPUID.1:EAX 0x000306a9 (family 6, model 58,
 * stepping 9), CPUID.7:EBX 0x00000281 (no SGX).  Values from a VirtualBox
 * 7.2 VBox.log (native VT-x, Linux host) posted in a public chat
 * transcript; its BASIC (0x00da040000000010), PINBASED and PROCBASED
 * values are identical to those in the VBox.log of
 * https://github.com/nextcloud/vm/issues/1690 (Macmini6,1, an Ivy Bridge
 * Core i5-3210M).  "Enable VM functions" is not allowed, so
 * IA32_VMX_VMFUNC does not exist.
 */
static const struct vmx_msrs cpu_ivybridge = {
	.basic		= 0x00da040000000010ull,
	.pinbased	= 0x0000007f00000016ull,
	.procbased	= 0xfff9fffe0401e172ull,
	.exit		= 0x007fffff00036dffull,
	.entry		= 0x0000ffff000011ffull,
	.misc		= 0x00000000100401e5ull,
	.cr0_fixed0	= 0x0000000080000021ull,
	.cr0_fixed1	= 0x00000000ffffffffull,
	.cr4_fixed0	= 0x0000000000002000ull,
	.cr4_fixed1	= 0x00000000001767ffull,
	.vmcs_enum	= 0x000000000000002aull,
	.procbased2	= 0x000008ff00000000ull,
	.ept_vpid_cap	= 0x00000f0106114141ull,
	.true_pinbased	= 0x0000007f00000016ull,
	.true_procbased	= 0xfff9fffe04006172ull,
	.true_exit	= 0x007fffff00036dfbull,
	.true_entry	= 0x0000ffff000011fbull,
	.vmfunc		= 0,
	.present	= ALL_VMX_MSRS & ~VMX_MSR_BIT(MSR_IA32_VMX_VMFUNC),
	.cpuid_1_eax	= 0x000306a9,
	.has_sgx	= false,
};

/*
 * Real CPU: the Skylake-X dump quoted in a comment of bochs-emu/Bochs,
 * bochs/cpu/cpudb/intel/corei7_skylake-x.cc ("MSR 00000480:
 * 00DA-0400-0000-0004 BX_MSR_VMX_BASIC" ...).  This one allows posted
 * interrupts (pin-based allowed-1 0xff) and virtual-interrupt delivery.
 * The dump has no IA32_VMX_VMFUNC line although "enable VM functions" may
 * be 1; 1 (EPTP switching, the only VM function the SDM defines) is
 * assumed.  The signature is the one Bochs gives its model of this CPU.
 */
static const struct vmx_msrs cpu_skylake_x_dump = {
	.basic		= 0x00da040000000004ull,
	.pinbased	= 0x000000ff00000016ull,
	.procbased	= 0xfff9fffe0401e172ull,
	.exit		= 0x01ffffff00036dffull,
	.entry		= 0x0003ffff000011ffull,
	.misc		= 0x000000007004c1e7ull,
	.cr0_fixed0	= 0x0000000080000021ull,
	.cr0_fixed1	= 0x00000000ffffffffull,
	.cr4_fixed0	= 0x0000000000002000ull,
	.cr4_fixed1	= 0x00000000003727ffull,
	.vmcs_enum	= 0x000000000000002eull,
	.procbased2	= 0x025d3fff00000000ull,
	.ept_vpid_cap	= 0x00000f0106734141ull,
	.true_pinbased	= 0x000000ff00000016ull,
	.true_procbased	= 0xfff9fffe04006172ull,
	.true_exit	= 0x01ffffff00036dfbull,
	.true_entry	= 0x0003ffff000011fbull,
	.vmfunc		= 0x0000000000000001ull,
	.present	= ALL_VMX_MSRS,
	.cpuid_1_eax	= 0x00050654,
	.has_sgx	= false,
};

/*
 * Synthetic "old" CPU shaped like an early Core 2 (Merom, CPUID.1:EAX
 * 0x000006f6): no TRUE_ MSRs (BASIC bit 55 = 0), no secondary controls
 * (PROCBASED allowed-1 bit 31 = 0), so only 0x480..0x48a exist, no
 * VMX-preemption timer, and - the synthetic part - no "use I/O bitmaps"
 * (PROCBASED allowed-1 bit 25 = 0), which tinyvmx requires.
 */
static const struct vmx_msrs cpu_old_no_io_bitmaps = {
	.basic		= 0x0018100000000007ull,
	.pinbased	= 0x0000003f00000016ull,
	.procbased	= 0x7df9fffe0401e172ull,
	.exit		= 0x0003ffff00036dffull,
	.entry		= 0x00003fff000011ffull,
	.misc		= 0x00000000000401c0ull,
	.cr0_fixed0	= 0x0000000080000021ull,
	.cr0_fixed1	= 0x00000000ffffffffull,
	.cr4_fixed0	= 0x0000000000002000ull,
	.cr4_fixed1	= 0x00000000000027ffull,
	.vmcs_enum	= 0x000000000000002cull,
	.present	= VMX_MSRS_ALWAYS_PRESENT,
	.cpuid_1_eax	= 0x000006f6,
	.has_sgx	= false,
};

struct test_cpu {
	const char *name;
	const struct vmx_msrs *msrs;
};

static const struct test_cpu test_cpus[] = {
	{ "bochs tigerlake", &cpu_bochs_tigerlake },
	{ "bochs corei7_skylake_x", &cpu_bochs_skylake_x },
	{ "Core i7-9750H (Coffee Lake)", &cpu_coffeelake_i7_9750h },
	{ "Ivy Bridge 306a9", &cpu_ivybridge },
	{ "Skylake-X dump", &cpu_skylake_x_dump },
	{ "old, no I/O bitmaps", &cpu_old_no_io_bitmaps },
};

#endif /* TVX_TESTS_CPU_MSRS_H */

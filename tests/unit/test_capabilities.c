/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the VMX capability negotiation (vmx/capabilities.c):
 * adjust_vmx_controls(), setup_vmcs_config() on captured MSR values of
 * emulated and real CPUs, the cross-rules, errata, IA32_VMX_BASIC checks,
 * the TRUE_ MSR choice and the order vmx_read_capability_msrs() reads in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tvx/types.h"
#include "vmx/capabilities.h"
#include "vmx/vmx_controls.h"

#include "cpu_msrs.h"

/* ---- adjust_vmx_controls() ------------------------------------------- */

static void test_adjust_min_not_allowed(void **state)
{
	/* allowed-1 (high word) lacks bit 7: a required bit 7 fails. */
	u64 cap = ((u64)0xffffff7fu << 32) | 0x00000000u;
	u32 result = 0xdeadbeef;

	assert_int_equal(adjust_vmx_controls(BIT(7), 0, cap, &result), -EIO);
	assert_int_equal(result, 0xdeadbeef);	/* untouched on failure */
}

static void test_adjust_opt_not_allowed_dropped(void **state)
{
	u64 cap = ((u64)(BIT(1) | BIT(3)) << 32);
	u32 result = 0;

	assert_int_equal(adjust_vmx_controls(BIT(1), BIT(2) | BIT(3), cap,
					     &result), 0);
	assert_int_equal(result, BIT(1) | BIT(3));	/* bit 2 dropped */
}

static void test_adjust_must_be_one_forced(void **state)
{
	/* Bits 4 and 5 must be 1 (allowed-0) though nobody asked. */
	u64 cap = ((u64)0xffffffffu << 32) | (BIT(4) | BIT(5));
	u32 result = 0;

	assert_int_equal(adjust_vmx_controls(BIT(0), 0, cap, &result), 0);
	assert_int_equal(result, BIT(0) | BIT(4) | BIT(5));

	/* The seed applies the allowed-0 word last: a must-be-1 bit wins
	 * even over an (inconsistent) allowed-1 of 0. */
	cap = ((u64)BIT(0) << 32) | BIT(4);
	assert_int_equal(adjust_vmx_controls(BIT(0), BIT(4), cap, &result), 0);
	assert_int_equal(result, BIT(0) | BIT(4));
}

static void test_adjust_tigerlake_primary(void **state)
{
	/* The primary negotiation of tinyvmx on Bochs tigerlake, before the
	 * cross-rules; see test_setup_bochs_tigerlake for the derivation. */
	u32 result = 0;

	assert_int_equal(adjust_vmx_controls(0x22998e88, 0x90200000,
					     cpu_bochs_tigerlake.true_procbased,
					     &result), 0);
	assert_int_equal(result, 0xb6b9effa);
}

/* ---- setup_vmcs_config() per CPU ------------------------------------- */

struct expect {
	u32 pin, proc, proc2, exit, entry, ept, vpid;
	int size;
	u32 revision_id;
};

static void check_config(const struct vmx_msrs *m, const struct expect *e)
{
	struct vmcs_config conf;
	struct vmx_capability cap;
	struct vmx_negotiation_log log;

	assert_int_equal(setup_vmcs_config(&conf, &cap, m, &log), 0);
	assert_string_equal(log.error, "");
	assert_int_equal(log.err, 0);
	assert_int_equal(conf.pin_based_exec_ctrl, e->pin);
	assert_int_equal(conf.cpu_based_exec_ctrl, e->proc);
	assert_int_equal(conf.cpu_based_2nd_exec_ctrl, e->proc2);
	assert_int_equal(conf.vmexit_ctrl, e->exit);
	assert_int_equal(conf.vmentry_ctrl, e->entry);
	assert_int_equal(cap.ept, e->ept);
	assert_int_equal(cap.vpid, e->vpid);
	assert_int_equal(conf.size, e->size);
	assert_int_equal(conf.order, 0);
	assert_int_equal(conf.revision_id, e->revision_id);
	assert_int_equal(conf.basic_cap, (u32)(m->basic >> 32) & ~0x1fffu);
	assert_int_equal(conf.misc, m->misc);
	assert_int_equal(conf.cr0_fixed0, m->cr0_fixed0);
	assert_int_equal(conf.cr0_fixed1, m->cr0_fixed1);
	assert_int_equal(conf.cr4_fixed0, m->cr4_fixed0);
	assert_int_equal(conf.cr4_fixed1, m->cr4_fixed1);
	/* The log's results agree with the configuration. */
	assert_int_equal(log.ctl[VMX_CTL_PIN].result, e->pin);
	assert_int_equal(log.ctl[VMX_CTL_PROC].result, e->proc);
	assert_int_equal(log.ctl[VMX_CTL_PROC2].result, e->proc2);
	assert_int_equal(log.ctl[VMX_CTL_EXIT].result, e->exit);
	assert_int_equal(log.ctl[VMX_CTL_ENTRY].result, e->entry);

	/* Without a log the result is the same. */
	memset(&conf, 0xa5, sizeof(conf));
	assert_int_equal(setup_vmcs_config(&conf, &cap, m, NULL), 0);
	assert_int_equal(conf.cpu_based_exec_ctrl, e->proc);
	assert_int_equal(conf.cpu_based_2nd_exec_ctrl, e->proc2);
}

/*
 * Bochs tigerlake, by hand.  IA32_VMX_BASIC bit 55 is 1, so the TRUE_ MSRs
 * are used.
 *
 * Primary: min = HLT(7) CR8_LOAD(19) CR8_STORE(20) CR3_LOAD(15)
 * CR3_STORE(16) USE_IO_BITMAPS(25) MOV_DR(23) TSC_OFFSETTING(3) MWAIT(10)
 * MONITOR(29) INVLPG(9) RDPMC(11) = 0x22998e88; opt = TPR_SHADOW(21)
 * MSR_BITMAPS(28) SECONDARY(31) = 0x90200000.  TRUE_PROCBASED =
 * fff9fffe04006172: (min|opt = 0xb2b98e88) & 0xfff9fffe = 0xb2b98e88
 * (no requested bit among 0, 17, 18), | 0x04006172 = 0xb6b9effa; min all
 * there.  TPR shadow on -> clear CR8 load/store (0x00180000): 0xb6a1effa.
 *
 * Secondary: opt2 (no SGX) = bits 0-14, 16, 17, 19, 20, 24, 25, 26, 30 =
 * 0x471b7fff; & allowed-1 0x02977fff = 0x02137fff (PT_CONCEAL_VMX 19,
 * PT_USE_GPA 24, USR_WAIT_PAUSE 26, BUS_LOCK 30 refused); allowed-0 0.
 * TPR shadow is on: nothing dropped.  EPT on -> clear CR3 load/store and
 * INVLPG (0x00018200): primary 0xb6a06dfa.  EPT_VPID_CAP
 * 00000f01_06b34141: ept 0x06b34141, vpid 0x00000f01 (both controls on).
 *
 * Exit: min = SAVE_DEBUG(2) HOST_ADDR_SPACE(9) ACK_INTR(15) = 0x8204; opt =
 * PERF_GLOBAL(12) LOAD_PAT(19) LOAD_EFER(21) CLEAR_BNDCFGS(23)
 * PT_CONCEAL(24) CLEAR_RTIT(25) = 0x03a81000.  TRUE_EXIT 107fffff_00036dfb:
 * 0x03a89204 & 0x107fffff = 0x00289204, | 0x00036dfb = 0x002bffff.
 *
 * Pin: min 0x09, opt VNMI(5) POSTED(7) PREEMPTION(6) = 0xe0; TRUE_PINBASED
 * 7f_16: 0xe9 & 0x7f = 0x69, | 0x16 = 0x7f (posted interrupts refused).
 * Signature 0x806c1 is not on the timer-erratum list.
 *
 * Entry: min LOAD_DEBUG(2); opt PERF_GLOBAL(13) PAT(14) EFER(15)
 * BNDCFGS(16) PT_CONCEAL(17) RTIT(18) = 0x7e000; TRUE_ENTRY 10ffff_11fb:
 * 0x7e004 & 0x0010ffff = 0xe004, | 0x11fb = 0xf1ff.  Model 0x8c: no
 * PERF_GLOBAL_CTRL erratum.
 *
 * BASIC high dword 0x01d81000: size 0x1000, bit 48 clear, type 6 (WB).
 */
static void test_setup_bochs_tigerlake(void **state)
{
	static const struct expect e = {
		.pin = 0x0000007f, .proc = 0xb6a06dfa, .proc2 = 0x02137fff,
		.exit = 0x002bffff, .entry = 0x0000f1ff,
		.ept = 0x06b34141, .vpid = 0x00000f01,
		.size = 4096, .revision_id = 4,
	};

	check_config(&cpu_bochs_tigerlake, &e);
}

static void test_setup_bochs_skylake_x(void **state)
{
	/* Same controls as tigerlake (the differences are in controls
	 * tinyvmx does not ask for, e.g. MTF, load CET state); EPT has no
	 * supervisor shadow-stack bit. */
	static const struct expect e = {
		.pin = 0x0000007f, .proc = 0xb6a06dfa, .proc2 = 0x02137fff,
		.exit = 0x002bffff, .entry = 0x0000f1ff,
		.ept = 0x06334141, .vpid = 0x00000f01,
		.size = 4096, .revision_id = 0x2b,
	};

	check_config(&cpu_bochs_skylake_x, &e);
}

static void test_setup_coffeelake(void **state)
{
	/*
	 * SGX -> ENCLS exiting requested and allowed (bit 15); secondary =
	 * (0x471b7fff | 0x8000) & 0x005fbcff = 0x001bbcff (no APIC-register
	 * virtualization/VID, no shadow VMCS, no TSC scaling).  Exit:
	 * 0x03a89204 & 0x01ffffff | 0x36dfb = 0x01abffff (BNDCFGS and PT
	 * conceal allowed); entry 0x7e004 & 0x3ffff | 0x11fb = 0x3f1ff.
	 */
	static const struct expect e = {
		.pin = 0x0000007f, .proc = 0xb6a06dfa, .proc2 = 0x001bbcff,
		.exit = 0x01abffff, .entry = 0x0003f1ff,
		.ept = 0x06734141, .vpid = 0x00000f01,
		.size = 1024, .revision_id = 4,
	};

	check_config(&cpu_coffeelake_i7_9750h, &e);
	assert_true(0x001bbcff & SECONDARY_EXEC_ENCLS_EXITING);
}

static void test_setup_coffeelake_without_sgx(void **state)
{
	struct vmx_msrs m = cpu_coffeelake_i7_9750h;
	struct vmcs_config conf;
	struct vmx_capability cap;

	m.has_sgx = false;
	assert_int_equal(setup_vmcs_config(&conf, &cap, &m, NULL), 0);
	assert_int_equal(conf.cpu_based_2nd_exec_ctrl, 0x001b3cff);
}

static void test_setup_ivybridge(void **state)
{
	/* Secondary 0x471b7fff & 0x000008ff = 0x8ff: EPT, VPID, UG, but no
	 * PLE, INVPCID, VMFUNC; exit/entry like tigerlake. */
	static const struct expect e = {
		.pin = 0x0000007f, .proc = 0xb6a06dfa, .proc2 = 0x000008ff,
		.exit = 0x002bffff, .entry = 0x0000f1ff,
		.ept = 0x06114141, .vpid = 0x00000f01,
		.size = 1024, .revision_id = 0x10,
	};

	check_config(&cpu_ivybridge, &e);
}

static void test_setup_skylake_x_dump(void **state)
{
	/* Posted interrupts allowed and kept, since virtual-interrupt
	 * delivery is on: pin 0xe9 & 0xff | 0x16 = 0xff; secondary
	 * 0x471b7fff & 0x025d3fff = 0x02193fff. */
	static const struct expect e = {
		.pin = 0x000000ff, .proc = 0xb6a06dfa, .proc2 = 0x02193fff,
		.exit = 0x01abffff, .entry = 0x0003f1ff,
		.ept = 0x06734141, .vpid = 0x00000f01,
		.size = 1024, .revision_id = 4,
	};

	check_config(&cpu_skylake_x_dump, &e);
}

/* ---- Cross-rules and their log entries ------------------------------- */

static void test_cross_rules_tigerlake_log(void **state)
{
	const struct vmx_msrs *m = &cpu_bochs_tigerlake;
	struct vmcs_config conf;
	struct vmx_capability cap;
	struct vmx_negotiation_log log;
	const struct vmx_ctl_log *proc = &log.ctl[VMX_CTL_PROC];
	const struct vmx_ctl_log *proc2 = &log.ctl[VMX_CTL_PROC2];
	const struct vmx_ctl_log *pin = &log.ctl[VMX_CTL_PIN];

	assert_int_equal(setup_vmcs_config(&conf, &cap, m, &log), 0);

	/* EPT on: no CR3-load/store or INVLPG exiting, because of EPT. */
	assert_true(conf.cpu_based_2nd_exec_ctrl & SECONDARY_EXEC_ENABLE_EPT);
	assert_false(conf.cpu_based_exec_ctrl & (CPU_BASED_CR3_LOAD_EXITING |
						 CPU_BASED_CR3_STORE_EXITING |
						 CPU_BASED_INVLPG_EXITING));
	assert_int_equal(proc->drop[15], VMX_DROP_EPT_NO_CR3_EXITING);
	assert_int_equal(proc->drop[16], VMX_DROP_EPT_NO_CR3_EXITING);
	assert_int_equal(proc->drop[9], VMX_DROP_EPT_NO_CR3_EXITING);

	/* TPR shadow on: no CR8 exiting. */
	assert_true(conf.cpu_based_exec_ctrl & CPU_BASED_TPR_SHADOW);
	assert_false(conf.cpu_based_exec_ctrl & (CPU_BASED_CR8_LOAD_EXITING |
						 CPU_BASED_CR8_STORE_EXITING));
	assert_int_equal(proc->drop[19], VMX_DROP_TPR_SHADOW_CR8);
	assert_int_equal(proc->drop[20], VMX_DROP_TPR_SHADOW_CR8);

	/* Refused by the CPU. */
	assert_int_equal(proc2->drop[19], VMX_DROP_NOT_ALLOWED);
	assert_int_equal(proc2->drop[30], VMX_DROP_NOT_ALLOWED);
	assert_int_equal(pin->drop[7], VMX_DROP_NOT_ALLOWED);
	/* Kept, and bits nobody asked for have no reason. */
	assert_int_equal(proc->drop[7], VMX_DROP_NONE);
	assert_int_equal(proc->drop[2], VMX_DROP_NONE);

	/* What was asked and what the MSR said are recorded. */
	assert_int_equal(proc->msr, MSR_IA32_VMX_TRUE_PROCBASED_CTLS);
	assert_int_equal(proc->min, 0x22998e88);
	assert_int_equal(proc->opt, 0x90200000);
	assert_int_equal(proc->allowed0, 0x04006172);
	assert_int_equal(proc->allowed1, 0xfff9fffe);
	assert_int_equal(proc2->msr, MSR_IA32_VMX_PROCBASED_CTLS2);
	assert_int_equal(proc2->opt, 0x471b7fff);
	assert_true(proc2->negotiated);
	assert_int_equal(log.warning_flags, 0);
	assert_int_equal(log.nwarnings, 0);
}

static void test_no_tpr_shadow_drops_apic_virtualization(void **state)
{
	/* Skylake-X dump without "use TPR shadow" (allowed-1 bit 21 = 0). */
	struct vmx_msrs m = cpu_skylake_x_dump;
	struct vmcs_config conf;
	struct vmx_capability cap;
	struct vmx_negotiation_log log;
	u32 apic = SECONDARY_EXEC_APIC_REGISTER_VIRT |
		   SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE |
		   SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY;

	m.true_procbased &= ~((u64)CPU_BASED_TPR_SHADOW << 32);
	assert_int_equal(setup_vmcs_config(&conf, &cap, &m, &log), 0);
	assert_false(conf.cpu_based_exec_ctrl & CPU_BASED_TPR_SHADOW);
	assert_int_equal(conf.cpu_based_2nd_exec_ctrl & apic, 0);
	assert_int_equal(log.ctl[VMX_CTL_PROC2].drop[8],
			 VMX_DROP_NO_TPR_SHADOW);
	assert_int_equal(log.ctl[VMX_CTL_PROC2].drop[4],
			 VMX_DROP_NO_TPR_SHADOW);
	assert_int_equal(log.ctl[VMX_CTL_PROC2].drop[9],
			 VMX_DROP_NO_TPR_SHADOW);
	/* CR8 exiting stays (no TPR shadow to take over). */
	assert_true(conf.cpu_based_exec_ctrl & CPU_BASED_CR8_LOAD_EXITING);
	assert_true(conf.cpu_based_exec_ctrl & CPU_BASED_CR8_STORE_EXITING);
	/* And without virtual-interrupt delivery no posted interrupts. */
	assert_false(conf.pin_based_exec_ctrl & PIN_BASED_POSTED_INTR);
	assert_int_equal(log.ctl[VMX_CTL_PIN].drop[7],
			 VMX_DROP_NO_VID_NO_POSTED);
	assert_int_equal(conf.pin_based_exec_ctrl, 0x7f);
}

static void test_posted_interrupts_need_vid(void **state)
{
	/* VID refused by the CPU, posted interrupts allowed. */
	struct vmx_msrs m = cpu_skylake_x_dump;
	struct vmcs_config conf;
	struct vmx_capability cap;
	struct vmx_negotiation_log log;

	m.procbased2 &= ~((u64)SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY << 32);
	assert_int_equal(setup_vmcs_config(&conf, &cap, &m, &log), 0);
	assert_false(conf.cpu_based_2nd_exec_ctrl &
		     SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY);
	assert_int_equal(log.ctl[VMX_CTL_PROC2].drop[9], VMX_DROP_NOT_ALLOWED);
	assert_false(conf.pin_based_exec_ctrl & PIN_BASED_POSTED_INTR);
	assert_int_equal(log.ctl[VMX_CTL_PIN].drop[7],
			 VMX_DROP_NO_VID_NO_POSTED);
}

static void test_no_secondary_controls(void **state)
{
	/* Tigerlake without "activate secondary controls": no EPT, so CR3
	 * and INVLPG exiting stay; the secondary field is not negotiated and
	 * every secondary request is marked "secondary off". */
	struct vmx_msrs m = cpu_bochs_tigerlake;
	struct vmcs_config conf;
	struct vmx_capability cap;
	struct vmx_negotiation_log log;

	m.true_procbased &= ~((u64)CPU_BASED_ACTIVATE_SECONDARY_CONTROLS << 32);
	m.procbased &= ~((u64)CPU_BASED_ACTIVATE_SECONDARY_CONTROLS << 32);
	m.present &= ~(VMX_MSR_BIT(MSR_IA32_VMX_PROCBASED_CTLS2) |
		       VMX_MSR_BIT(MSR_IA32_VMX_EPT_VPID_CAP) |
		       VMX_MSR_BIT(MSR_IA32_VMX_VMFUNC));
	assert_int_equal(setup_vmcs_config(&conf, &cap, &m, &log), 0);
	/* 0xb6b9effa without SECONDARY and CR8 exiting. */
	assert_int_equal(conf.cpu_based_exec_ctrl, 0x36a1effa);
	assert_int_equal(conf.cpu_based_2nd_exec_ctrl, 0);
	assert_int_equal(cap.ept, 0);
	assert_int_equal(cap.vpid, 0);
	assert_false(log.ctl[VMX_CTL_PROC2].negotiated);
	assert_int_equal(log.ctl[VMX_CTL_PROC2].msr, 0);
	assert_int_equal(log.ctl[VMX_CTL_PROC2].drop[1],
			 VMX_DROP_SECONDARY_OFF);
	assert_int_equal(log.ctl[VMX_CTL_PROC].drop[31], VMX_DROP_NOT_ALLOWED);
	assert_int_equal(log.warning_flags, 0);
}

static void test_ept_vpid_cap_without_controls_warns(void **state)
{
	/* The capability MSR claims EPT/VPID but neither control may be 1:
	 * the seed zeroes the capabilities and warns once each. */
	struct vmx_msrs m = cpu_bochs_tigerlake;
	struct vmcs_config conf;
	struct vmx_capability cap;
	struct vmx_negotiation_log log;

	m.procbased2 &= ~((u64)(SECONDARY_EXEC_ENABLE_EPT |
				SECONDARY_EXEC_ENABLE_VPID) << 32);
	assert_int_equal(setup_vmcs_config(&conf, &cap, &m, &log), 0);
	assert_int_equal(cap.ept, 0);
	assert_int_equal(cap.vpid, 0);
	assert_int_equal(log.warning_flags, VMX_WARN_EPT_CAP_WITHOUT_EPT |
			 VMX_WARN_VPID_CAP_WITHOUT_VPID);
	assert_int_equal(log.nwarnings, 2);
	assert_non_null(strstr(log.warnings[0], "EPT CAP"));
	assert_non_null(strstr(log.warnings[1], "VPID CAP"));
	/* No EPT, so CR3 and INVLPG exiting stay on. */
	assert_true(conf.cpu_based_exec_ctrl & CPU_BASED_CR3_LOAD_EXITING);
	assert_true(conf.cpu_based_exec_ctrl & CPU_BASED_INVLPG_EXITING);
}

/* ---- Errata ---------------------------------------------------------- */

static void test_preemption_timer_erratum(void **state)
{
	/* Ivy Bridge MSRs with the Xeon E3-1220 V2 signature 0x306a8. */
	struct vmx_msrs m = cpu_ivybridge;
	struct vmcs_config conf;
	struct vmx_capability cap;
	struct vmx_negotiation_log log;

	assert_false(cpu_has_broken_vmx_preemption_timer(0x000306a9));
	assert_true(cpu_has_broken_vmx_preemption_timer(0x000306a8));
	/* Reserved bits 15:14 and 31:28 do not matter. */
	assert_true(cpu_has_broken_vmx_preemption_timer(0xf000c6a8 |
							0x00030000));
	assert_true(cpu_has_broken_vmx_preemption_timer(0x000106a5));
	assert_true(cpu_has_broken_vmx_preemption_timer(0x000206e6));

	m.cpuid_1_eax = 0x000306a8;
	assert_int_equal(setup_vmcs_config(&conf, &cap, &m, &log), 0);
	assert_int_equal(conf.pin_based_exec_ctrl, 0x3f);
	assert_int_equal(log.ctl[VMX_CTL_PIN].drop[6],
			 VMX_DROP_PREEMPTION_ERRATUM);
	assert_true(log.warning_flags & VMX_WARN_PREEMPTION_ERRATUM);
	/* Model 58 is not on the PERF_GLOBAL_CTRL list. */
	assert_true(conf.vmentry_ctrl & VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL);
}

static void test_perf_global_ctrl_erratum(void **state)
{
	static const u32 bad_models[] = { 26, 30, 37, 44, 46 };
	struct vmx_msrs m = cpu_ivybridge;
	struct vmcs_config conf;
	struct vmx_capability cap;
	struct vmx_negotiation_log log;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_models); i++) {
		u32 model = bad_models[i];
		u32 sig = 0x600 | ((model & 0xf) << 4) | ((model >> 4) << 16);

		assert_true(cpu_has_perf_global_ctrl_erratum(sig));
	}
	assert_false(cpu_has_perf_global_ctrl_erratum(0x000306a9));
	assert_false(cpu_has_perf_global_ctrl_erratum(0x000906ea));
	/* Model 26 in another family is fine. */
	assert_false(cpu_has_perf_global_ctrl_erratum(0x000f0fa0));

	/* Nehalem (model 26, D0): both errata at once. */
	m.cpuid_1_eax = 0x000106a5;
	assert_int_equal(setup_vmcs_config(&conf, &cap, &m, &log), 0);
	assert_int_equal(conf.vmentry_ctrl, 0xf1ff &
			 ~VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL);
	assert_int_equal(conf.vmexit_ctrl, 0x002bffff &
			 ~VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL);
	assert_int_equal(log.ctl[VMX_CTL_ENTRY].drop[13],
			 VMX_DROP_PERF_GLOBAL_ERRATUM);
	assert_int_equal(log.ctl[VMX_CTL_EXIT].drop[12],
			 VMX_DROP_PERF_GLOBAL_ERRATUM);
	assert_false(conf.pin_based_exec_ctrl & PIN_BASED_VMX_PREEMPTION_TIMER);
	assert_int_equal(log.warning_flags, VMX_WARN_PREEMPTION_ERRATUM |
			 VMX_WARN_PERF_GLOBAL_ERRATUM);
	assert_int_equal(log.nwarnings, 2);
}

/* ---- Failures -------------------------------------------------------- */

static void test_old_cpu_fails_naming_control(void **state)
{
	struct vmcs_config conf;
	struct vmx_capability cap;
	struct vmx_negotiation_log log;

	memset(&conf, 0xa5, sizeof(conf));
	assert_int_equal(setup_vmcs_config(&conf, &cap, &cpu_old_no_io_bitmaps,
					   &log), -EIO);
	assert_int_equal(log.err, -EIO);
	/* No TRUE_ MSRs: the plain MSR is named. */
	assert_string_equal(log.error, "IA32_VMX_PROCBASED_CTLS does not "
			    "allow required control(s): "
			    "CPU_BASED_USE_IO_BITMAPS");
	/* vmcs_config stays zeroed, as in the seed. */
	assert_int_equal(conf.cpu_based_exec_ctrl, 0);
	assert_int_equal(conf.revision_id, 0);
	assert_int_equal(conf.size, 0);
	assert_int_equal(log.ctl[VMX_CTL_PROC].drop[25], VMX_DROP_NOT_ALLOWED);
	assert_false(log.ctl[VMX_CTL_PROC].negotiated);
	assert_false(log.ctl[VMX_CTL_EXIT].negotiated);
}

static void test_failure_names_all_missing_and_true_msr(void **state)
{
	struct vmx_msrs m = cpu_bochs_tigerlake;
	struct vmcs_config conf;
	struct vmx_capability cap;
	struct vmx_negotiation_log log;

	m.true_procbased &= ~((u64)(CPU_BASED_HLT_EXITING |
				    CPU_BASED_RDPMC_EXITING) << 32);
	assert_int_equal(setup_vmcs_config(&conf, &cap, &m, &log), -EIO);
	assert_string_equal(log.error, "IA32_VMX_TRUE_PROCBASED_CTLS does "
			    "not allow required control(s): "
			    "CPU_BASED_HLT_EXITING, CPU_BASED_RDPMC_EXITING");

	m = cpu_bochs_tigerlake;
	m.true_exit &= ~((u64)VM_EXIT_HOST_ADDR_SPACE_SIZE << 32);
	assert_int_equal(setup_vmcs_config(&conf, &cap, &m, &log), -EIO);
	assert_string_equal(log.error, "IA32_VMX_TRUE_EXIT_CTLS does not "
			    "allow required control(s): "
			    "VM_EXIT_HOST_ADDR_SPACE_SIZE");
	/* The fields before the failure were negotiated. */
	assert_true(log.ctl[VMX_CTL_PROC].negotiated);
	assert_false(log.ctl[VMX_CTL_PIN].negotiated);

	m = cpu_bochs_tigerlake;
	m.true_pinbased &= ~((u64)PIN_BASED_NMI_EXITING << 32);
	assert_int_equal(setup_vmcs_config(&conf, &cap, &m, &log), -EIO);
	assert_string_equal(log.error, "IA32_VMX_TRUE_PINBASED_CTLS does not "
			    "allow required control(s): PIN_BASED_NMI_EXITING");

	m = cpu_bochs_tigerlake;
	m.true_entry &= ~((u64)VM_ENTRY_LOAD_DEBUG_CONTROLS << 32);
	assert_int_equal(setup_vmcs_config(&conf, &cap, &m, &log), -EIO);
	assert_string_equal(log.error, "IA32_VMX_TRUE_ENTRY_CTLS does not "
			    "allow required control(s): "
			    "VM_ENTRY_LOAD_DEBUG_CONTROLS");
}

static void test_basic_checks(void **state)
{
	struct vmx_msrs m;
	struct vmcs_config conf;
	struct vmx_capability cap;
	struct vmx_negotiation_log log;
	char first[VMX_NEG_ERROR_LEN], second[VMX_NEG_ERROR_LEN];

	/* VMCS size 6144 > 4096. */
	m = cpu_bochs_tigerlake;
	m.basic = (m.basic & ~(0x1fffull << 32)) | (0x1800ull << 32);
	assert_int_equal(setup_vmcs_config(&conf, &cap, &m, &log), -EIO);
	assert_non_null(strstr(log.error, "VMCS size of 6144 bytes"));
	assert_int_equal(conf.size, 0);
	strcpy(first, log.error);

	/* Exactly 4096 is fine (tigerlake), 4097 is not. */
	m.basic = (m.basic & ~(0x1fffull << 32)) | (0x1001ull << 32);
	assert_int_equal(setup_vmcs_config(&conf, &cap, &m, &log), -EIO);

	/* Bit 48: 32-bit physical addresses. */
	m = cpu_bochs_tigerlake;
	m.basic |= BIT_ULL(48);
	assert_int_equal(setup_vmcs_config(&conf, &cap, &m, &log), -EIO);
	assert_non_null(strstr(log.error, "bit 48"));
	strcpy(second, log.error);
	assert_string_not_equal(first, second);

	/* Memory type UC (0) instead of WB (6). */
	m = cpu_bochs_tigerlake;
	m.basic &= ~(0xfull << 50);
	assert_int_equal(setup_vmcs_config(&conf, &cap, &m, &log), -EIO);
	assert_non_null(strstr(log.error, "memory type 0"));
	assert_string_not_equal(log.error, first);
	assert_string_not_equal(log.error, second);
	assert_int_equal(conf.revision_id, 0);
}

/* ---- TRUE_ MSR selection --------------------------------------------- */

static void test_true_msr_selection(void **state)
{
	struct vmx_msrs m = cpu_bochs_tigerlake;
	struct vmcs_config conf;
	struct vmx_capability cap;
	struct vmx_negotiation_log log;
	u32 msr;

	assert_true(vmx_has_true_ctls(&m));
	assert_int_equal(vmx_control_cap(&m, VMX_CTL_PROC, &msr),
			 m.true_procbased);
	assert_int_equal(msr, MSR_IA32_VMX_TRUE_PROCBASED_CTLS);
	assert_int_equal(vmx_control_cap(&m, VMX_CTL_PIN, &msr),
			 m.true_pinbased);
	assert_int_equal(msr, MSR_IA32_VMX_TRUE_PINBASED_CTLS);
	assert_int_equal(vmx_control_cap(&m, VMX_CTL_EXIT, &msr), m.true_exit);
	assert_int_equal(msr, MSR_IA32_VMX_TRUE_EXIT_CTLS);
	assert_int_equal(vmx_control_cap(&m, VMX_CTL_ENTRY, &msr),
			 m.true_entry);
	assert_int_equal(msr, MSR_IA32_VMX_TRUE_ENTRY_CTLS);
	assert_int_equal(vmx_control_cap(&m, VMX_CTL_PROC2, &msr),
			 m.procbased2);
	assert_int_equal(msr, MSR_IA32_VMX_PROCBASED_CTLS2);

	/*
	 * Same CPU as if IA32_VMX_BASIC[55] were 0: the plain MSR says CR3
	 * load/store exiting must be 1 (allowed-0 0x0401e172 has bits 15 and
	 * 16), so the EPT rule may only drop INVLPG exiting:
	 * 0xb6a1effa & ~BIT(9) = 0xb6a1edfa.
	 */
	m.basic &= ~VMX_BASIC_TRUE_CTLS;
	m.present &= ~VMX_MSRS_TRUE_CTLS;
	assert_false(vmx_has_true_ctls(&m));
	assert_int_equal(vmx_control_cap(&m, VMX_CTL_PROC, &msr), m.procbased);
	assert_int_equal(msr, MSR_IA32_VMX_PROCBASED_CTLS);
	assert_int_equal(setup_vmcs_config(&conf, &cap, &m, &log), 0);
	assert_int_equal(conf.cpu_based_exec_ctrl, 0xb6a1edfa);
	assert_true(conf.cpu_based_exec_ctrl & CPU_BASED_CR3_LOAD_EXITING);
	assert_int_equal(log.ctl[VMX_CTL_PROC].drop[15], VMX_DROP_NONE);
	assert_int_equal(log.ctl[VMX_CTL_PROC].drop[9],
			 VMX_DROP_EPT_NO_CR3_EXITING);
	assert_int_equal(log.ctl[VMX_CTL_PROC].msr,
			 MSR_IA32_VMX_PROCBASED_CTLS);

	/* Bit 55 set but the TRUE_ values were not captured: plain MSRs. */
	m = cpu_bochs_tigerlake;
	m.present &= ~VMX_MSR_BIT(MSR_IA32_VMX_TRUE_EXIT_CTLS);
	assert_false(vmx_has_true_ctls(&m));

	/* No secondary MSR: nothing to negotiate against. */
	m = cpu_old_no_io_bitmaps;
	assert_int_equal(vmx_control_cap(&m, VMX_CTL_PROC2, &msr), 0);
	assert_int_equal(msr, 0);
}

/* ---- vmx_read_capability_msrs() -------------------------------------- */

static const struct vmx_msrs *fake_cpu;
static u32 fake_reads;

static u64 test_msr_value(const struct vmx_msrs *m, u32 msr)
{
	switch (msr) {
	case MSR_IA32_VMX_BASIC:		return m->basic;
	case MSR_IA32_VMX_PINBASED_CTLS:	return m->pinbased;
	case MSR_IA32_VMX_PROCBASED_CTLS:	return m->procbased;
	case MSR_IA32_VMX_EXIT_CTLS:		return m->exit;
	case MSR_IA32_VMX_ENTRY_CTLS:		return m->entry;
	case MSR_IA32_VMX_MISC:			return m->misc;
	case MSR_IA32_VMX_CR0_FIXED0:		return m->cr0_fixed0;
	case MSR_IA32_VMX_CR0_FIXED1:		return m->cr0_fixed1;
	case MSR_IA32_VMX_CR4_FIXED0:		return m->cr4_fixed0;
	case MSR_IA32_VMX_CR4_FIXED1:		return m->cr4_fixed1;
	case MSR_IA32_VMX_VMCS_ENUM:		return m->vmcs_enum;
	case MSR_IA32_VMX_PROCBASED_CTLS2:	return m->procbased2;
	case MSR_IA32_VMX_EPT_VPID_CAP:		return m->ept_vpid_cap;
	case MSR_IA32_VMX_TRUE_PINBASED_CTLS:	return m->true_pinbased;
	case MSR_IA32_VMX_TRUE_PROCBASED_CTLS:	return m->true_procbased;
	case MSR_IA32_VMX_TRUE_EXIT_CTLS:	return m->true_exit;
	case MSR_IA32_VMX_TRUE_ENTRY_CTLS:	return m->true_entry;
	case MSR_IA32_VMX_VMFUNC:		return m->vmfunc;
	default:				return 0;
	}
}

/* A CPU that #GPs (fails the test) on any MSR it does not implement. */
static u64 fake_rdmsr(u32 msr)
{
	if (msr < MSR_IA32_VMX_FIRST || msr > MSR_IA32_VMX_LAST)
		fail_msg("rdmsr(%#x): not a VMX capability MSR", msr);
	if (!(fake_cpu->present & VMX_MSR_BIT(msr)))
		fail_msg("rdmsr(%#x): MSR does not exist on this CPU", msr);
	if (fake_reads & VMX_MSR_BIT(msr))
		fail_msg("rdmsr(%#x) read twice", msr);
	fake_reads |= VMX_MSR_BIT(msr);
	return test_msr_value(fake_cpu, msr);
}

static void test_read_msrs_only_existing(void **state)
{
	size_t i;
	u32 msr;

	for (i = 0; i < ARRAY_SIZE(test_cpus); i++) {
		const struct vmx_msrs *cpu = test_cpus[i].msrs;
		struct vmx_msrs m;

		memset(&m, 0xa5, sizeof(m));
		m.cpuid_1_eax = 0x12345678;
		m.has_sgx = true;
		fake_cpu = cpu;
		fake_reads = 0;
		vmx_read_capability_msrs(&m, fake_rdmsr);
		/* Every MSR that exists was read, and nothing else. */
		assert_int_equal(fake_reads, cpu->present);
		assert_int_equal(m.present, cpu->present);
		for (msr = MSR_IA32_VMX_FIRST; msr <= MSR_IA32_VMX_LAST; msr++)
			assert_int_equal(test_msr_value(&m, msr),
					 (cpu->present & VMX_MSR_BIT(msr)) ?
					 test_msr_value(cpu, msr) : 0);
		/* The CPUID fields are the caller's. */
		assert_int_equal(m.cpuid_1_eax, 0x12345678);
		assert_true(m.has_sgx);
	}
}

static void test_read_msrs_ept_only_via_secondary(void **state)
{
	/* Secondary controls exist but allow neither EPT nor VPID nor VM
	 * functions: EPT_VPID_CAP and VMFUNC must not be read. */
	struct vmx_msrs cpu = cpu_bochs_tigerlake, m;

	cpu.procbased2 &= ~((u64)(SECONDARY_EXEC_ENABLE_EPT |
				  SECONDARY_EXEC_ENABLE_VPID |
				  SECONDARY_EXEC_ENABLE_VMFUNC) << 32);
	cpu.present &= ~(VMX_MSR_BIT(MSR_IA32_VMX_EPT_VPID_CAP) |
			 VMX_MSR_BIT(MSR_IA32_VMX_VMFUNC));
	fake_cpu = &cpu;
	fake_reads = 0;
	vmx_read_capability_msrs(&m, fake_rdmsr);
	assert_int_equal(m.present, cpu.present);
	assert_int_equal(m.ept_vpid_cap, 0);

	/* VPID alone is enough for EPT_VPID_CAP. */
	cpu.procbased2 |= (u64)SECONDARY_EXEC_ENABLE_VPID << 32;
	cpu.present |= VMX_MSR_BIT(MSR_IA32_VMX_EPT_VPID_CAP);
	fake_reads = 0;
	vmx_read_capability_msrs(&m, fake_rdmsr);
	assert_int_equal(m.present, cpu.present);
	assert_int_equal(m.ept_vpid_cap, cpu.ept_vpid_cap);
}

/* ---- Queries on the globals ------------------------------------------ */

static void test_queries_on_globals(void **state)
{
	assert_int_equal(setup_vmcs_config(&vmcs_config, &vmx_capability,
					   &cpu_bochs_tigerlake, NULL), 0);
	assert_true(cpu_has_vmx_msr_bitmap());
	assert_true(cpu_has_vmx_tpr_shadow());
	assert_true(cpu_has_secondary_exec_ctrls());
	assert_true(cpu_has_vmx_ept());
	assert_true(cpu_has_vmx_vpid());
	assert_true(cpu_has_vmx_unrestricted_guest());
	assert_true(cpu_has_vmx_preemption_timer());
	assert_true(cpu_has_virtual_nmis());
	assert_true(cpu_has_vmx_apic_register_virt());
	assert_true(cpu_has_vmx_virtual_intr_delivery());
	assert_false(cpu_has_vmx_posted_intr());
	assert_false(cpu_has_vmx_apicv());
	assert_true(cpu_has_vmx_ept_4levels());
	assert_true(cpu_has_vmx_ept_mt_wb());
	assert_true(cpu_has_vmx_ept_2m_page());
	assert_true(cpu_has_vmx_ept_1g_page());
	assert_true(cpu_has_vmx_invept_context());
	assert_true(cpu_has_vmx_invept_global());
	assert_true(cpu_has_vmx_invvpid_single());
	assert_true(cpu_has_vmx_invvpid_global());
	assert_true(cpu_has_vmx_wbinvd_exit());
	assert_true(cpu_has_load_ia32_efer());
	assert_true(cpu_has_vmx_rdtscp());
	assert_true(cpu_has_vmx_invpcid());
	assert_true(cpu_has_vmx_xsaves());
	assert_true(cpu_has_vmx_pml());
	assert_int_equal(vmx_preemption_timer_rate(), 0);

	assert_int_equal(setup_vmcs_config(&vmcs_config, &vmx_capability,
					   &cpu_ivybridge, NULL), 0);
	assert_false(cpu_has_vmx_ept_1g_page());
	assert_false(cpu_has_vmx_ept_ad_bits());
	assert_false(cpu_has_vmx_invpcid());
	assert_false(cpu_has_vmx_xsaves());
	assert_false(cpu_has_vmx_apic_register_virt());
	assert_int_equal(vmx_preemption_timer_rate(), 5);

	assert_int_equal(setup_vmcs_config(&vmcs_config, &vmx_capability,
					   &cpu_skylake_x_dump, NULL), 0);
	assert_true(cpu_has_vmx_apicv());
	assert_int_equal(vmx_preemption_timer_rate(), 7);

	/* A failed negotiation leaves nothing behind. */
	assert_int_equal(setup_vmcs_config(&vmcs_config, &vmx_capability,
					   &cpu_old_no_io_bitmaps, NULL), -EIO);
	assert_false(cpu_has_vmx_msr_bitmap());
	assert_false(cpu_has_vmx_ept());
	assert_false(cpu_has_vmx_ept_4levels());

	/* Module parameters default to on. */
	assert_true(enable_ept && enable_vpid && enable_unrestricted_guest &&
		    enable_preemption_timer && enable_vnmi && enable_apicv);
}

static void test_names(void **state)
{
	assert_string_equal(vmx_cpu_based_ctl_names[25],
			    "CPU_BASED_USE_IO_BITMAPS");
	assert_string_equal(vmx_secondary_ctl_names[1],
			    "SECONDARY_EXEC_ENABLE_EPT");
	assert_string_equal(vmx_exit_ctl_names[15], "VM_EXIT_ACK_INTR_ON_EXIT");
	assert_string_equal(vmx_entry_ctl_names[9], "VM_ENTRY_IA32E_MODE");
	assert_string_equal(vmx_pin_based_ctl_names[6],
			    "PIN_BASED_VMX_PREEMPTION_TIMER");
	assert_null(vmx_pin_based_ctl_names[1]);
	assert_null(vmx_secondary_ctl_names[29]);
	assert_string_equal(vmx_msr_name(MSR_IA32_VMX_TRUE_ENTRY_CTLS),
			    "IA32_VMX_TRUE_ENTRY_CTLS");
	assert_string_equal(vmx_msr_name(MSR_IA32_VMX_VMFUNC),
			    "IA32_VMX_VMFUNC");
	assert_string_equal(vmx_msr_name(0x3a), "?");
	assert_ptr_equal(vmx_ctl_fields[VMX_CTL_EXIT].bit_names,
			 vmx_exit_ctl_names);
}

static void test_basic_and_misc_accessors(void **state)
{
	u64 b = cpu_bochs_skylake_x.basic;

	assert_int_equal(vmx_basic_vmcs_revision_id(b), 0x2b);
	assert_int_equal(vmx_basic_vmcs_size(b), 4096);
	assert_int_equal(vmx_basic_vmcs_mem_type(b), VMX_BASIC_MEM_TYPE_WB);
	assert_true(vmx_basic_true_ctls(b));
	assert_false(vmx_basic_true_ctls(cpu_old_no_io_bitmaps.basic));
	assert_int_equal(vmx_misc_preemption_timer_rate(cpu_ivybridge.misc), 5);
	assert_int_equal(vmx_misc_cr3_count(cpu_ivybridge.misc), 4);
	assert_int_equal(vmx_misc_max_msr_list(cpu_ivybridge.misc), 512);
	assert_int_equal(vmx_misc_max_msr_list(3ull << 25), 2048);
	assert_int_equal(vmx_vmcs_enum_max_index(0x2e), 0x17);
	assert_int_equal(vmx_sig_family(0x000906ea), 6);
	assert_int_equal(vmx_sig_model(0x000906ea), 0x9e);
	assert_int_equal(vmx_sig_stepping(0x000906ea), 0xa);
	assert_int_equal(vmx_sig_family(0x00a00f11), 0x19);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adjust_min_not_allowed),
		cmocka_unit_test(test_adjust_opt_not_allowed_dropped),
		cmocka_unit_test(test_adjust_must_be_one_forced),
		cmocka_unit_test(test_adjust_tigerlake_primary),
		cmocka_unit_test(test_setup_bochs_tigerlake),
		cmocka_unit_test(test_setup_bochs_skylake_x),
		cmocka_unit_test(test_setup_coffeelake),
		cmocka_unit_test(test_setup_coffeelake_without_sgx),
		cmocka_unit_test(test_setup_ivybridge),
		cmocka_unit_test(test_setup_skylake_x_dump),
		cmocka_unit_test(test_cross_rules_tigerlake_log),
		cmocka_unit_test(test_no_tpr_shadow_drops_apic_virtualization),
		cmocka_unit_test(test_posted_interrupts_need_vid),
		cmocka_unit_test(test_no_secondary_controls),
		cmocka_unit_test(test_ept_vpid_cap_without_controls_warns),
		cmocka_unit_test(test_preemption_timer_erratum),
		cmocka_unit_test(test_perf_global_ctrl_erratum),
		cmocka_unit_test(test_old_cpu_fails_naming_control),
		cmocka_unit_test(test_failure_names_all_missing_and_true_msr),
		cmocka_unit_test(test_basic_checks),
		cmocka_unit_test(test_true_msr_selection),
		cmocka_unit_test(test_read_msrs_only_existing),
		cmocka_unit_test(test_read_msrs_ept_only_via_secondary),
		cmocka_unit_test(test_queries_on_globals),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_basic_and_misc_accessors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the control words a vCPU runs with (vmx/exec_controls.c,
 * seed 002): vmx_exec_control(), vmx_pin_based_exec_ctrl(),
 * vmx_secondary_exec_control(), vmx_vmentry_ctrl() and vmx_vmexit_ctrl()
 * start from the negotiated vmcs_config and apply the per-VM switches of
 * struct kvm_settings.  Every expectation is computed from vmcs_config; the
 * last tests run the results through the software VM-entry checks
 * (vmx/entry_check.c, SDM Vol. 3C, "Checks on VMX Controls").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tvx/types.h"
#include "virt/kvm_host.h"
#include "vmx/capabilities.h"
#include "vmx/entry_check.h"
#include "vmx/vmx.h"
#include "vmx/vmx_controls.h"

#include "cpu_msrs.h"

/* ---- the per-VM switches, as bits so that tests can loop over them ---- */

enum test_switch {
	SW_HLT_IN_GUEST,
	SW_MWAIT_IN_GUEST,
	SW_EPT,
	SW_VPID,
	SW_PREEMPTION_TIMER,
	SW_VNMI,
	SW_APICV,
	SW_NR,
};

#define SW_ALL_COMBINATIONS	BIT(SW_NR)

static struct kvm_settings settings_from_mask(unsigned mask)
{
	struct kvm_settings s = {
		.hlt_in_guest = mask & BIT(SW_HLT_IN_GUEST),
		.mwait_in_guest = mask & BIT(SW_MWAIT_IN_GUEST),
		.enable_ept = mask & BIT(SW_EPT),
		.enable_vpid = mask & BIT(SW_VPID),
		.enable_preemption_timer = mask & BIT(SW_PREEMPTION_TIMER),
		.enable_vnmi = mask & BIT(SW_VNMI),
		.apicv = mask & BIT(SW_APICV),
	};

	return s;
}

/* Every feature on, every exit kept: the reference the tests vary. */
#define SW_FEATURES_ON	(BIT(SW_EPT) | BIT(SW_VPID) |			\
			 BIT(SW_PREEMPTION_TIMER) | BIT(SW_VNMI) |	\
			 BIT(SW_APICV))

/* The objects exec_controls.c reads, built as the hypervisor lays them
 * out (static: struct kvm_vcpu carries the exit statistics). */
static struct kvm test_kvm;
static struct vcpu_vmx test_vmx;

static struct vcpu_vmx *make_vcpu(const struct kvm_settings *s)
{
	memset(&test_kvm, 0, sizeof(test_kvm));
	memset(&test_vmx, 0, sizeof(test_vmx));
	test_kvm.settings = *s;
	test_vmx.vcpu.kvm = &test_kvm;
	test_vmx.vcpu.vcpu_id = 0;
	test_vmx.vpid = 1;	/* what allocate_vpid() hands the first vCPU */
	test_vmx.vcpu.cpu = -1;
	test_vmx.loaded_vmcs = &test_vmx.vmcs01;
	return &test_vmx;
}

struct controls {
	u32 pin, exec, secondary, entry, exit;
};

static struct controls controls_for(unsigned mask)
{
	struct kvm_settings s = settings_from_mask(mask);
	struct vcpu_vmx *vmx = make_vcpu(&s);
	struct controls c = {
		.pin = vmx_pin_based_exec_ctrl(vmx),
		.exec = vmx_exec_control(vmx),
		.secondary = vmx_secondary_exec_control(vmx),
		.entry = vmx_vmentry_ctrl(),
		.exit = vmx_vmexit_ctrl(),
	};

	return c;
}

/* ---- CPUs ------------------------------------------------------------- */

static void load_cpu(const struct vmx_msrs *m)
{
	assert_int_equal(setup_vmcs_config(&vmcs_config, &vmx_capability, m,
					   NULL), 0);
}

/*
 * Bochs tigerlake, but allowing "process posted interrupts" (its TRUE
 * pin-based MSR refuses it), so that vmcs_config holds every control the
 * switches act on and the apicv tests are not vacuous.
 */
static struct vmx_msrs cpu_tigerlake_with_posted_intr(void)
{
	struct vmx_msrs m = cpu_bochs_tigerlake;

	m.pinbased |= (u64)PIN_BASED_POSTED_INTR << 32;
	m.true_pinbased |= (u64)PIN_BASED_POSTED_INTR << 32;
	return m;
}

/* vmcs_config has all of @bits (a precondition, so no test is vacuous). */
static void assert_config_has(u32 config, u32 bits)
{
	assert_int_equal(config & bits, bits);
}

/* ---- baseline --------------------------------------------------------- */

static void test_features_on_keep_negotiated_controls(void **state)
{
	struct controls c;

	load_cpu(&cpu_bochs_tigerlake);
	c = controls_for(SW_FEATURES_ON);

	/* Primary: vmcs_config as negotiated, the TPR shadow included (apicv
	 * is on) and so no CR8 exiting. */
	assert_config_has(vmcs_config.cpu_based_exec_ctrl, CPU_BASED_TPR_SHADOW);
	assert_int_equal(c.exec, vmcs_config.cpu_based_exec_ctrl);
	/* Pin: unchanged (tigerlake has no posted interrupts to drop). */
	assert_int_equal(c.pin, vmcs_config.pin_based_exec_ctrl);
	/* Secondary: never more than negotiated, the switched features
	 * kept. */
	assert_int_equal(c.secondary & ~vmcs_config.cpu_based_2nd_exec_ctrl, 0);
	assert_config_has(c.secondary,
			  SECONDARY_EXEC_ENABLE_EPT |
			  SECONDARY_EXEC_UNRESTRICTED_GUEST |
			  SECONDARY_EXEC_ENABLE_VPID);
	/* APIC virtualization for a vCPU in xAPIC mode: APIC-access
	 * virtualization, not x2APIC-mode virtualization (the two exclude
	 * each other; vmx_refresh_apicv_mode() switches when the guest
	 * changes mode). */
	assert_config_has(c.secondary, SECONDARY_EXEC_APIC_REGISTER_VIRT |
				       SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY |
				       SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES);
	assert_false(c.secondary & SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE);
	/* What tinyvmx relies on stays: RDTSCP, INVPCID and WBINVD exiting
	 * are negotiated on tigerlake and not touched by any switch. */
	assert_config_has(vmcs_config.cpu_based_2nd_exec_ctrl,
			  SECONDARY_EXEC_ENABLE_RDTSCP |
			  SECONDARY_EXEC_ENABLE_INVPCID |
			  SECONDARY_EXEC_WBINVD_EXITING);
	assert_config_has(c.secondary,
			  SECONDARY_EXEC_ENABLE_RDTSCP |
			  SECONDARY_EXEC_ENABLE_INVPCID |
			  SECONDARY_EXEC_WBINVD_EXITING);
}

static void test_controls_do_not_change_vmcs_config(void **state)
{
	struct vmcs_config before;

	load_cpu(&cpu_bochs_tigerlake);
	before = vmcs_config;
	for (unsigned mask = 0; mask < SW_ALL_COMBINATIONS; mask++)
		(void)controls_for(mask);
	assert_memory_equal(&before, &vmcs_config, sizeof(before));
}

/* ---- one switch at a time --------------------------------------------- */

static void test_hlt_in_guest(void **state)
{
	struct controls on, off;

	load_cpu(&cpu_bochs_tigerlake);
	assert_config_has(vmcs_config.cpu_based_exec_ctrl,
			  CPU_BASED_HLT_EXITING);
	on = controls_for(SW_FEATURES_ON);
	off = controls_for(SW_FEATURES_ON | BIT(SW_HLT_IN_GUEST));
	assert_true(on.exec & CPU_BASED_HLT_EXITING);
	assert_int_equal(off.exec, on.exec & ~CPU_BASED_HLT_EXITING);
	assert_int_equal(off.pin, on.pin);
	assert_int_equal(off.secondary, on.secondary);
}

static void test_mwait_in_guest(void **state)
{
	const u32 mwait = CPU_BASED_MWAIT_EXITING | CPU_BASED_MONITOR_EXITING;
	struct controls on, off;

	load_cpu(&cpu_bochs_tigerlake);
	assert_config_has(vmcs_config.cpu_based_exec_ctrl, mwait);
	on = controls_for(SW_FEATURES_ON);
	off = controls_for(SW_FEATURES_ON | BIT(SW_MWAIT_IN_GUEST));
	assert_config_has(on.exec, mwait);
	assert_int_equal(off.exec, on.exec & ~mwait);
	assert_int_equal(off.pin, on.pin);
	assert_int_equal(off.secondary, on.secondary);
}

static void test_ept_off_brings_back_cr3_and_invlpg_exiting(void **state)
{
	const u32 shadow_paging = CPU_BASED_CR3_LOAD_EXITING |
				  CPU_BASED_CR3_STORE_EXITING |
				  CPU_BASED_INVLPG_EXITING;
	const u32 ept = SECONDARY_EXEC_ENABLE_EPT |
			SECONDARY_EXEC_UNRESTRICTED_GUEST;
	struct controls on, off;

	load_cpu(&cpu_bochs_tigerlake);
	/* With EPT negotiated, setup_vmcs_config() dropped the exits. */
	assert_int_equal(vmcs_config.cpu_based_exec_ctrl & shadow_paging, 0);
	assert_config_has(vmcs_config.cpu_based_2nd_exec_ctrl, ept);

	on = controls_for(SW_FEATURES_ON);
	off = controls_for(SW_FEATURES_ON & ~BIT(SW_EPT));
	assert_int_equal(on.exec & shadow_paging, 0);
	assert_int_equal(off.exec, on.exec | shadow_paging);
	assert_config_has(on.secondary, ept);
	assert_int_equal(off.secondary, on.secondary & ~ept);
	assert_int_equal(off.pin, on.pin);
}

static void test_no_tpr_shadow_means_cr8_exiting(void **state)
{
	const u32 cr8 = CPU_BASED_CR8_LOAD_EXITING | CPU_BASED_CR8_STORE_EXITING;

	/* The CPU offers a TPR shadow and setup_vmcs_config() took it (and
	 * dropped CR8 exiting); a vCPU uses it exactly when apicv is on,
	 * otherwise CR8 exits to the emulated APIC's TPR. */
	load_cpu(&cpu_bochs_tigerlake);
	assert_config_has(vmcs_config.cpu_based_exec_ctrl, CPU_BASED_TPR_SHADOW);
	assert_int_equal(vmcs_config.cpu_based_exec_ctrl & cr8, 0);
	for (unsigned mask = 0; mask < SW_ALL_COMBINATIONS; mask++) {
		struct controls c = controls_for(mask);

		if (mask & BIT(SW_APICV)) {
			assert_true(c.exec & CPU_BASED_TPR_SHADOW);
			assert_int_equal(c.exec & cr8, 0);
		} else {
			assert_false(c.exec & CPU_BASED_TPR_SHADOW);
			assert_config_has(c.exec, cr8);
		}
	}
}

static void test_vnmi_off(void **state)
{
	struct controls on, off;

	load_cpu(&cpu_bochs_tigerlake);
	assert_config_has(vmcs_config.pin_based_exec_ctrl,
			  PIN_BASED_VIRTUAL_NMIS);
	on = controls_for(SW_FEATURES_ON);
	off = controls_for(SW_FEATURES_ON & ~BIT(SW_VNMI));
	assert_true(on.pin & PIN_BASED_VIRTUAL_NMIS);
	assert_int_equal(off.pin, on.pin & ~PIN_BASED_VIRTUAL_NMIS);
	/* NMI exiting stays: virtual NMIs were an addition to it. */
	assert_true(off.pin & PIN_BASED_NMI_EXITING);
	assert_int_equal(off.exec, on.exec);
	assert_int_equal(off.secondary, on.secondary);
}

static void test_preemption_timer_off(void **state)
{
	struct controls on, off;

	load_cpu(&cpu_bochs_tigerlake);
	assert_config_has(vmcs_config.pin_based_exec_ctrl,
			  PIN_BASED_VMX_PREEMPTION_TIMER);
	on = controls_for(SW_FEATURES_ON);
	off = controls_for(SW_FEATURES_ON & ~BIT(SW_PREEMPTION_TIMER));
	assert_true(on.pin & PIN_BASED_VMX_PREEMPTION_TIMER);
	assert_int_equal(off.pin, on.pin & ~PIN_BASED_VMX_PREEMPTION_TIMER);
	assert_int_equal(off.exec, on.exec);
	assert_int_equal(off.secondary, on.secondary);
}

static void test_apicv_off(void **state)
{
	const struct vmx_msrs m = cpu_tigerlake_with_posted_intr();
	const u32 apic_virt = SECONDARY_EXEC_APIC_REGISTER_VIRT |
			      SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY |
			      SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES;
	const u32 cr8 = CPU_BASED_CR8_LOAD_EXITING | CPU_BASED_CR8_STORE_EXITING;
	struct controls on, off;

	load_cpu(&m);
	assert_config_has(vmcs_config.pin_based_exec_ctrl,
			  PIN_BASED_POSTED_INTR);
	assert_config_has(vmcs_config.cpu_based_2nd_exec_ctrl, apic_virt);
	on = controls_for(SW_FEATURES_ON);
	off = controls_for(SW_FEATURES_ON & ~BIT(SW_APICV));
	/* Posted interrupts are never used, even when offered: nothing posts
	 * from another CPU (kvm_vcpu_apicv_active()). */
	assert_false(on.pin & PIN_BASED_POSTED_INTR);
	assert_int_equal(off.pin, on.pin);
	/* apicv on: TPR shadow and the APIC virtualization controls ... */
	assert_true(on.exec & CPU_BASED_TPR_SHADOW);
	assert_config_has(on.secondary, apic_virt);
	/* ... off: all of them gone, CR8 exits instead, nothing else moves. */
	assert_int_equal(off.exec, (on.exec & ~CPU_BASED_TPR_SHADOW) | cr8);
	assert_int_equal(off.secondary, on.secondary & ~apic_virt);
}

static void test_apicv_needs_every_control(void **state)
{
	struct vmx_msrs m = cpu_bochs_tigerlake;
	struct kvm_settings s = settings_from_mask(SW_FEATURES_ON);

	/* Without virtual-interrupt delivery the CPU could not deliver what
	 * the model puts in IRR: the whole of APICv is off, TPR shadow
	 * included. */
	m.procbased2 &= ~((u64)SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY << 32);
	load_cpu(&m);
	assert_false(kvm_vcpu_apicv_active(&make_vcpu(&s)->vcpu));
	assert_false(vmx_exec_control(&test_vmx) & CPU_BASED_TPR_SHADOW);
	assert_false(vmx_secondary_exec_control(&test_vmx) &
		     (SECONDARY_EXEC_APIC_REGISTER_VIRT |
		      SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES));

	load_cpu(&cpu_bochs_tigerlake);
	assert_true(kvm_vcpu_apicv_active(&make_vcpu(&s)->vcpu));
	s.apicv = false;
	assert_false(kvm_vcpu_apicv_active(&make_vcpu(&s)->vcpu));
}

static void test_vpid_zero_runs_without_vpid(void **state)
{
	struct controls c;

	load_cpu(&cpu_bochs_tigerlake);
	make_vcpu(&(struct kvm_settings){ .enable_ept = true, .enable_vpid = true });
	test_vmx.vpid = 0;	/* allocate_vpid() ran out */
	c.secondary = vmx_secondary_exec_control(&test_vmx);
	assert_false(c.secondary & SECONDARY_EXEC_ENABLE_VPID);
	assert_true(c.secondary & SECONDARY_EXEC_ENABLE_EPT);
}

static void test_vpid_off(void **state)
{
	struct controls on, off;

	load_cpu(&cpu_bochs_tigerlake);
	assert_config_has(vmcs_config.cpu_based_2nd_exec_ctrl,
			  SECONDARY_EXEC_ENABLE_VPID);
	on = controls_for(SW_FEATURES_ON);
	off = controls_for(SW_FEATURES_ON & ~BIT(SW_VPID));
	assert_true(on.secondary & SECONDARY_EXEC_ENABLE_VPID);
	assert_int_equal(off.secondary,
			 on.secondary & ~SECONDARY_EXEC_ENABLE_VPID);
	assert_int_equal(off.exec, on.exec);
	assert_int_equal(off.pin, on.pin);
}

/* ---- every combination: each switch acts on its own bits only ---------- */

static void check_all_combinations(void)
{
	const u32 proc_cfg = vmcs_config.cpu_based_exec_ctrl;
	const u32 pin_cfg = vmcs_config.pin_based_exec_ctrl;
	const u32 sec_cfg = vmcs_config.cpu_based_2nd_exec_ctrl;
	const u32 proc_switched = CPU_BASED_HLT_EXITING |
				  CPU_BASED_MWAIT_EXITING |
				  CPU_BASED_MONITOR_EXITING |
				  CPU_BASED_CR3_LOAD_EXITING |
				  CPU_BASED_CR3_STORE_EXITING |
				  CPU_BASED_INVLPG_EXITING |
				  CPU_BASED_TPR_SHADOW |
				  CPU_BASED_CR8_LOAD_EXITING |
				  CPU_BASED_CR8_STORE_EXITING;
	const u32 pin_switched = PIN_BASED_VIRTUAL_NMIS |
				 PIN_BASED_VMX_PREEMPTION_TIMER |
				 PIN_BASED_POSTED_INTR;
	const u32 apicv_2nd = SECONDARY_EXEC_APIC_REGISTER_VIRT |
			      SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY |
			      SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES;

	for (unsigned mask = 0; mask < SW_ALL_COMBINATIONS; mask++) {
		struct kvm_settings s = settings_from_mask(mask);
		struct controls c = controls_for(mask);
		bool apicv;
		u32 want;

		/* Primary. */
		assert_int_equal(c.exec & ~proc_switched,
				 proc_cfg & ~proc_switched);
		assert_int_equal(!!(c.exec & CPU_BASED_HLT_EXITING),
				 !!(proc_cfg & CPU_BASED_HLT_EXITING) &&
				 !s.hlt_in_guest);
		assert_int_equal(!!(c.exec & CPU_BASED_MWAIT_EXITING),
				 !!(proc_cfg & CPU_BASED_MWAIT_EXITING) &&
				 !s.mwait_in_guest);
		assert_int_equal(!!(c.exec & CPU_BASED_MONITOR_EXITING),
				 !!(proc_cfg & CPU_BASED_MONITOR_EXITING) &&
				 !s.mwait_in_guest);
		want = CPU_BASED_CR3_LOAD_EXITING | CPU_BASED_CR3_STORE_EXITING |
		       CPU_BASED_INVLPG_EXITING;
		if (s.enable_ept)
			want &= proc_cfg;
		assert_int_equal(c.exec & (CPU_BASED_CR3_LOAD_EXITING |
					   CPU_BASED_CR3_STORE_EXITING |
					   CPU_BASED_INVLPG_EXITING), want);
		/* The TPR shadow, instead of CR8 exiting, exactly when APICv
		 * is active (the switch and every control it needs). */
		apicv = s.apicv &&
			(proc_cfg & CPU_BASED_TPR_SHADOW) &&
			(sec_cfg & apicv_2nd) == apicv_2nd;
		assert_int_equal(!!(c.exec & CPU_BASED_TPR_SHADOW), apicv);
		assert_int_equal(!!(c.exec & CPU_BASED_CR8_LOAD_EXITING), !apicv);
		assert_int_equal(!!(c.exec & CPU_BASED_CR8_STORE_EXITING),
				 !apicv);

		/* Pin-based. */
		assert_int_equal(c.pin & ~pin_switched, pin_cfg & ~pin_switched);
		assert_int_equal(!!(c.pin & PIN_BASED_VIRTUAL_NMIS),
				 !!(pin_cfg & PIN_BASED_VIRTUAL_NMIS) &&
				 s.enable_vnmi);
		assert_int_equal(!!(c.pin & PIN_BASED_VMX_PREEMPTION_TIMER),
				 !!(pin_cfg & PIN_BASED_VMX_PREEMPTION_TIMER) &&
				 s.enable_preemption_timer);
		/* nothing is ever posted from another CPU */
		assert_false(c.pin & PIN_BASED_POSTED_INTR);

		/* Secondary: a subset of vmcs_config; each switched bit is on
		 * exactly when negotiated and switched on. */
		assert_int_equal(c.secondary & ~sec_cfg, 0);
		assert_int_equal(!!(c.secondary & SECONDARY_EXEC_ENABLE_VPID),
				 !!(sec_cfg & SECONDARY_EXEC_ENABLE_VPID) &&
				 s.enable_vpid);
		assert_int_equal(!!(c.secondary & SECONDARY_EXEC_ENABLE_EPT),
				 !!(sec_cfg & SECONDARY_EXEC_ENABLE_EPT) &&
				 s.enable_ept);
		assert_int_equal(!!(c.secondary &
				    SECONDARY_EXEC_UNRESTRICTED_GUEST),
				 !!(sec_cfg & SECONDARY_EXEC_UNRESTRICTED_GUEST) &&
				 s.enable_ept);
		/* APIC virtualization: all of it or none; a vCPU starts in
		 * xAPIC mode, so never x2APIC-mode virtualization here. */
		assert_int_equal(c.secondary & apicv_2nd,
				 apicv ? apicv_2nd : 0);
		assert_false(c.secondary &
			     SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE);
		/* Unaffected by any switch. */
		assert_int_equal(c.secondary & (SECONDARY_EXEC_ENABLE_RDTSCP |
						SECONDARY_EXEC_ENABLE_INVPCID |
						SECONDARY_EXEC_WBINVD_EXITING),
				 sec_cfg & (SECONDARY_EXEC_ENABLE_RDTSCP |
					    SECONDARY_EXEC_ENABLE_INVPCID |
					    SECONDARY_EXEC_WBINVD_EXITING));

		/* Entry and exit controls do not depend on the switches. */
		assert_int_equal(c.entry, vmx_vmentry_ctrl());
		assert_int_equal(c.exit, vmx_vmexit_ctrl());
	}
}

static void test_all_combinations(void **state)
{
	const struct vmx_msrs with_posted = cpu_tigerlake_with_posted_intr();

	for (size_t i = 0; i < ARRAY_SIZE(test_cpus); i++) {
		struct vmx_capability cap;

		/* Skip CPUs tinyvmx refuses to run on. */
		if (setup_vmcs_config(&vmcs_config, &cap, test_cpus[i].msrs,
				      NULL))
			continue;
		check_all_combinations();
	}
	load_cpu(&with_posted);
	check_all_combinations();
}

/* ---- VM-entry and VM-exit controls ------------------------------------ */

static void test_vmentry_ctrl(void **state)
{
	const u32 kept = VM_ENTRY_LOAD_DEBUG_CONTROLS | VM_ENTRY_LOAD_IA32_PAT |
			 VM_ENTRY_LOAD_IA32_EFER;
	u32 entry;

	load_cpu(&cpu_bochs_tigerlake);
	assert_config_has(vmcs_config.vmentry_ctrl, kept);
	entry = vmx_vmentry_ctrl();
	/* Never more than negotiated; what the guest/host switch needs is
	 * kept; BNDCFGS follows vmcs_config. */
	assert_int_equal(entry & ~vmcs_config.vmentry_ctrl, 0);
	assert_config_has(entry, kept);
	assert_int_equal(entry & VM_ENTRY_LOAD_BNDCFGS,
			 vmcs_config.vmentry_ctrl & VM_ENTRY_LOAD_BNDCFGS);
	/* The guest starts in 32-bit protected mode: "IA-32e mode guest" is
	 * set only when it enables long mode.  PERF_GLOBAL_CTRL is not
	 * switched. */
	assert_false(entry & VM_ENTRY_IA32E_MODE);
	assert_false(entry & VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL);
	assert_config_has(vmcs_config.vmentry_ctrl,
			  VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL);

	/* Even a vmcs_config with IA-32e mode in it (a must-be-1 bit on some
	 * made-up CPU) does not make vCPUs start in IA-32e mode. */
	vmcs_config.vmentry_ctrl |= VM_ENTRY_IA32E_MODE;
	entry = vmx_vmentry_ctrl();
	assert_false(entry & VM_ENTRY_IA32E_MODE);
	assert_config_has(entry, kept);
}

static void test_vmexit_ctrl(void **state)
{
	const u32 kept = VM_EXIT_SAVE_DEBUG_CONTROLS |
			 VM_EXIT_HOST_ADDR_SPACE_SIZE |
			 VM_EXIT_ACK_INTR_ON_EXIT | VM_EXIT_LOAD_IA32_PAT |
			 VM_EXIT_LOAD_IA32_EFER;
	u32 exit;

	load_cpu(&cpu_bochs_tigerlake);
	assert_config_has(vmcs_config.vmexit_ctrl,
			  kept | VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL);
	exit = vmx_vmexit_ctrl();
	assert_int_equal(exit & ~vmcs_config.vmexit_ctrl, 0);
	assert_config_has(exit, kept);
	assert_false(exit & VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL);
	assert_int_equal(exit & VM_EXIT_CLEAR_BNDCFGS,
			 vmcs_config.vmexit_ctrl & VM_EXIT_CLEAR_BNDCFGS);
	/* Must-be-1 bits of the capability MSR survive (they are in
	 * vmcs_config because adjust_vmx_controls() forced them). */
	assert_config_has(exit, (u32)vmx_control_cap(&cpu_bochs_tigerlake,
						     VMX_CTL_EXIT, NULL));

	/* With everything negotiated the load is still not used. */
	vmcs_config.vmexit_ctrl = ~0u;
	assert_false(vmx_vmexit_ctrl() & VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL);
	vmcs_config.vmentry_ctrl = ~0u;
	assert_false(vmx_vmentry_ctrl() & (VM_ENTRY_IA32E_MODE |
					   VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL));
}

/* ---- the results pass the VM-entry checks on controls ------------------ */

/* Page-aligned physical addresses for the structures the controls point
 * to; any aligned value below 4 GiB passes the address checks. */
#define TEST_IO_BITMAP_A_PA	0x00101000ull
#define TEST_IO_BITMAP_B_PA	0x00102000ull
#define TEST_MSR_BITMAP_PA	0x00103000ull
#define TEST_VIRTUAL_APIC_PA	0x00104000ull
#define TEST_POSTED_DESC_PA	0x00105000ull
#define TEST_EPT_PML4_PA	0x00106000ull
#define TEST_APIC_ACCESS_PA	0x00107000ull
#define TEST_EPTP_MT_WB		6ull			/* write-back */
#define TEST_EPTP_PWL_4		(3ull << 3)		/* 4 levels - 1 */
#define TEST_VPID		1

static int check_entry_controls(const struct vmx_msrs *m,
				const struct controls *c, char *why,
				size_t len)
{
	static struct vmx_guest_state gs;
	struct vmx_check_failure f;
	int r;

	memset(&gs, 0, sizeof(gs));
	gs.caps.basic = m->basic;
	gs.caps.misc = m->misc;
	gs.caps.cr0_fixed0 = m->cr0_fixed0;
	gs.caps.cr0_fixed1 = m->cr0_fixed1;
	gs.caps.cr4_fixed0 = m->cr4_fixed0;
	gs.caps.cr4_fixed1 = m->cr4_fixed1;
	gs.caps.pinbased_ctls = vmx_control_cap(m, VMX_CTL_PIN, NULL);
	gs.caps.procbased_ctls = vmx_control_cap(m, VMX_CTL_PROC, NULL);
	gs.caps.procbased_ctls2 = vmx_control_cap(m, VMX_CTL_PROC2, NULL);
	gs.caps.exit_ctls = vmx_control_cap(m, VMX_CTL_EXIT, NULL);
	gs.caps.entry_ctls = vmx_control_cap(m, VMX_CTL_ENTRY, NULL);
	gs.caps.ept_vpid_cap = m->ept_vpid_cap;

	gs.ctls.pin = c->pin;
	gs.ctls.cpu_based = c->exec;
	gs.ctls.secondary = c->secondary;
	gs.ctls.exit = c->exit;
	gs.ctls.entry = c->entry;
	gs.ctls.io_bitmap_a = TEST_IO_BITMAP_A_PA;
	gs.ctls.io_bitmap_b = TEST_IO_BITMAP_B_PA;
	gs.ctls.msr_bitmap = TEST_MSR_BITMAP_PA;
	gs.ctls.virtual_apic_page_addr = TEST_VIRTUAL_APIC_PA;
	gs.ctls.apic_access_addr = TEST_APIC_ACCESS_PA;
	gs.ctls.posted_intr_desc_addr = TEST_POSTED_DESC_PA;
	gs.ctls.vpid = TEST_VPID;
	gs.ctls.ept_pointer = TEST_EPT_PML4_PA | TEST_EPTP_PWL_4 |
			      TEST_EPTP_MT_WB;

	r = vmx_check_controls(&gs, &f);
	if (r)
		vmx_check_failure_format(&f, why, len);
	return r;
}

static void check_entry_for_masks(const struct vmx_msrs *m, bool apicv)
{
	char why[256];

	load_cpu(m);
	for (unsigned mask = 0; mask < SW_ALL_COMBINATIONS; mask++) {
		struct controls c;

		if (!!(mask & BIT(SW_APICV)) != apicv)
			continue;
		c = controls_for(mask);
		if (check_entry_controls(m, &c, why, sizeof(why)))
			fail_msg("settings mask %#x (apicv=%d ept=%d): "
				 "pin %#x exec %#x secondary %#x: %s",
				 mask, apicv, !!(mask & BIT(SW_EPT)), c.pin,
				 c.exec, c.secondary, why);
	}
}

static void test_controls_pass_vm_entry_checks(void **state)
{
	/* Every CPU tinyvmx accepts, every combination of the switches with
	 * APICv off (the hypervisor's default). */
	for (size_t i = 0; i < ARRAY_SIZE(test_cpus); i++) {
		struct vmx_capability cap;

		if (setup_vmcs_config(&vmcs_config, &cap, test_cpus[i].msrs,
				      NULL))
			continue;
		check_entry_for_masks(test_cpus[i].msrs, false);
	}
}

static void test_apicv_controls_pass_vm_entry_checks(void **state)
{
	const struct vmx_msrs with_posted = cpu_tigerlake_with_posted_intr();

	/*
	 * With apicv on, APIC-register virtualization, virtual-interrupt
	 * delivery and APIC-access virtualization are used with the TPR
	 * shadow; with it off all of them go (SDM Vol. 3C, Checks on
	 * VM-Execution Control Fields: no APIC virtualization without "use
	 * TPR shadow", virtual-interrupt delivery needs external-interrupt
	 * exiting).
	 */
	check_entry_for_masks(&cpu_bochs_tigerlake, true);
	check_entry_for_masks(&with_posted, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_features_on_keep_negotiated_controls),
		cmocka_unit_test(test_controls_do_not_change_vmcs_config),
		cmocka_unit_test(test_hlt_in_guest),
		cmocka_unit_test(test_mwait_in_guest),
		cmocka_unit_test(test_ept_off_brings_back_cr3_and_invlpg_exiting),
		cmocka_unit_test(test_no_tpr_shadow_means_cr8_exiting),
		cmocka_unit_test(test_vnmi_off),
		cmocka_unit_test(test_preemption_timer_off),
		cmocka_unit_test(test_apicv_off),
		cmocka_unit_test(test_apicv_needs_every_control),
		cmocka_unit_test(test_vpid_off),
		cmocka_unit_test(test_vpid_zero_runs_without_vpid),
		cmocka_unit_test(test_all_combinations),
		cmocka_unit_test(test_vmentry_ctrl),
		cmocka_unit_test(test_vmexit_ctrl),
		cmocka_unit_test(test_controls_pass_vm_entry_checks),
		cmocka_unit_test(test_apicv_controls_pass_vm_entry_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

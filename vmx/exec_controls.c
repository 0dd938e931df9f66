/* SPDX-License-Identifier: MIT */
/*
 * The control words a vCPU runs with (seed 002): start from what
 * setup_vmcs_config() negotiated in vmcs_config and adjust per VM and per
 * vCPU.  Pure, so the unit tests can check every switch.
 */
#include "vmx/capabilities.h"
#include "vmx/vmx.h"
#include "vmx/vmx_controls.h"

/*
 * A TPR shadow needs a virtual-APIC page and an in-kernel local APIC to
 * back it.  tinyvmx does not emulate a local APIC yet, so no vCPU needs one
 * and CR8 accesses of 64-bit guests exit instead (KVM: cpu_need_tpr_shadow()
 * is lapic_in_kernel()).
 */
static bool cpu_need_tpr_shadow(struct kvm_vcpu *vcpu)
{
	return false;
}

u32 vmx_exec_control(struct vcpu_vmx *vmx)
{
	const struct kvm_settings *s = &vmx->vcpu.kvm->settings;
	u32 exec_control = vmcs_config.cpu_based_exec_ctrl;

	if (!cpu_need_tpr_shadow(&vmx->vcpu)) {
		exec_control &= ~CPU_BASED_TPR_SHADOW;
		exec_control |= CPU_BASED_CR8_STORE_EXITING |
				CPU_BASED_CR8_LOAD_EXITING;
	}
	/* Without EPT the guest's CR3 and INVLPG must be seen by the
	 * hypervisor (shadow paging), so they exit again. */
	if (!s->enable_ept)
		exec_control |= CPU_BASED_CR3_STORE_EXITING |
				CPU_BASED_CR3_LOAD_EXITING |
				CPU_BASED_INVLPG_EXITING;
	if (s->mwait_in_guest)
		exec_control &= ~(CPU_BASED_MWAIT_EXITING |
				  CPU_BASED_MONITOR_EXITING);
	if (s->hlt_in_guest)
		exec_control &= ~CPU_BASED_HLT_EXITING;
	return exec_control;
}

u32 vmx_pin_based_exec_ctrl(struct vcpu_vmx *vmx)
{
	const struct kvm_settings *s = &vmx->vcpu.kvm->settings;
	u32 pin_based_exec_ctrl = vmcs_config.pin_based_exec_ctrl;

	/* No APIC virtualisation is active (no local APIC yet): posted
	 * interrupts have nothing to post to. */
	if (!s->apicv || !cpu_need_tpr_shadow(&vmx->vcpu))
		pin_based_exec_ctrl &= ~PIN_BASED_POSTED_INTR;
	if (!s->enable_vnmi)
		pin_based_exec_ctrl &= ~PIN_BASED_VIRTUAL_NMIS;
	if (!s->enable_preemption_timer)
		pin_based_exec_ctrl &= ~PIN_BASED_VMX_PREEMPTION_TIMER;
	return pin_based_exec_ctrl;
}

u32 vmx_secondary_exec_control(struct vcpu_vmx *vmx)
{
	const struct kvm_settings *s = &vmx->vcpu.kvm->settings;
	u32 exec_control = vmcs_config.cpu_based_2nd_exec_ctrl;

	/* VPID 0 is the host's: a vCPU that got none runs without. */
	if (!s->enable_vpid || !vmx->vpid)
		exec_control &= ~SECONDARY_EXEC_ENABLE_VPID;
	if (!s->enable_ept)
		exec_control &= ~(SECONDARY_EXEC_ENABLE_EPT |
				  SECONDARY_EXEC_UNRESTRICTED_GUEST);
	/*
	 * APIC-register virtualization, virtual-interrupt delivery and x2APIC
	 * virtualization all need the TPR shadow (SDM "Checks on VM-Execution
	 * Control Fields"); the seed's cross-rule applied per vCPU.
	 */
	if (!s->apicv || !cpu_need_tpr_shadow(&vmx->vcpu))
		exec_control &= ~(SECONDARY_EXEC_APIC_REGISTER_VIRT |
				  SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY |
				  SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE);
	/* No local APIC is emulated, so there is no APIC-access page. */
	exec_control &= ~(SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES |
			  SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE);
	/*
	 * Features with no backing state in tinyvmx: the controls stay off and
	 * CPUID hides what they would expose.  Descriptor-table exiting would
	 * only add exits; PML needs dirty logging; shadow VMCS needs nested
	 * VMX; VM functions need an EPTP list; pause-loop exiting matters only
	 * with several vCPUs; RDRAND/RDSEED run natively; XSAVES would need
	 * IA32_XSS switching; TSC scaling needs a multiplier; user wait/pause
	 * and bus-lock detection are hidden features.
	 */
	exec_control &= ~(SECONDARY_EXEC_DESC | SECONDARY_EXEC_ENABLE_PML |
			  SECONDARY_EXEC_SHADOW_VMCS |
			  SECONDARY_EXEC_ENABLE_VMFUNC |
			  SECONDARY_EXEC_PAUSE_LOOP_EXITING |
			  SECONDARY_EXEC_RDRAND_EXITING |
			  SECONDARY_EXEC_RDSEED_EXITING |
			  SECONDARY_EXEC_XSAVES | SECONDARY_EXEC_TSC_SCALING |
			  SECONDARY_EXEC_ENABLE_USR_WAIT_PAUSE |
			  SECONDARY_EXEC_BUS_LOCK_DETECTION |
			  SECONDARY_EXEC_PT_USE_GPA);
	return exec_control;
}

u32 vmx_vmentry_ctrl(void)
{
	/* IA-32e mode guest is set per vCPU when the guest enters long mode;
	 * the performance-monitoring and PT state is not switched. */
	return vmcs_config.vmentry_ctrl &
	       ~(VM_ENTRY_IA32E_MODE | VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL |
		 VM_ENTRY_PT_CONCEAL_PIP | VM_ENTRY_LOAD_IA32_RTIT_CTL);
}

u32 vmx_vmexit_ctrl(void)
{
	return vmcs_config.vmexit_ctrl &
	       ~(VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL | VM_EXIT_PT_CONCEAL_PIP |
		 VM_EXIT_CLEAR_IA32_RTIT_CTL);
}

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
 * APIC virtualization for this vCPU (KVM's kvm_vcpu_apicv_active()): the VM
 * asks for it (the apicv switch) and the CPU offers the controls it is
 * built from (SDM Vol. 3C, "APIC Virtualization and Virtual Interrupts"):
 * the TPR shadow with its virtual-APIC page, "virtualize APIC accesses",
 * APIC-register virtualization and virtual-interrupt delivery.  x2APIC-mode
 * virtualization is used when present but not required: without it the
 * x2APIC MSRs exit and are emulated, as with apicv off.
 *
 * Unlike KVM, posted interrupts are not required.  They let another CPU
 * hand a running vCPU an interrupt; here every interrupt a vCPU receives is
 * raised while the hypervisor runs on that vCPU's CPU, between exits, so
 * the hypervisor sets RVI itself before the next entry.
 */
bool kvm_vcpu_apicv_active(struct kvm_vcpu *vcpu)
{
	return enable_apicv && vcpu->kvm->settings.apicv &&
	       cpu_has_vmx_tpr_shadow() &&
	       cpu_has_vmx_virtualize_apic_accesses() &&
	       cpu_has_vmx_apic_register_virt() &&
	       cpu_has_vmx_virtual_intr_delivery();
}

/*
 * The TPR shadow needs a virtual-APIC page and an in-kernel local APIC
 * (KVM: cpu_need_tpr_shadow() is lapic_in_kernel()).  tinyvmx uses it only
 * as part of APIC virtualization: with apicv off the TPR is CR8 and the
 * xAPIC page is emulated, every access an exit.
 */
static bool cpu_need_tpr_shadow(struct kvm_vcpu *vcpu)
{
	return kvm_vcpu_apicv_active(vcpu);
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

	/* Interrupts are never posted from another CPU (see
	 * kvm_vcpu_apicv_active()). */
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
	 * APIC-register virtualization, virtual-interrupt delivery and the
	 * two APIC-access controls all need the TPR shadow (SDM "Checks on
	 * VM-Execution Control Fields"), the seed's cross-rule applied per
	 * vCPU.  A vCPU starts in xAPIC mode: "virtualize x2APIC mode" (which
	 * excludes "virtualize APIC accesses") is switched on only when the
	 * guest enters x2APIC mode, see vmx_refresh_apicv_mode().
	 */
	if (!cpu_need_tpr_shadow(&vmx->vcpu))
		exec_control &= ~(SECONDARY_EXEC_APIC_REGISTER_VIRT |
				  SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY |
				  SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES);
	exec_control &= ~SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE;
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

/* SPDX-License-Identifier: MIT */
/*
 * One trip into the guest (KVM's vmx_vcpu_run()): inject what is pending,
 * account the time since the last exit to that exit's reason, VMLAUNCH or
 * VMRESUME through vmenter.S, and read what the exit says.
 */
#include "kernel/kernel.h"
#include "kernel/x86.h"
#include "vmx/vmx.h"

static void account_exit_time(struct kvm_vcpu *vcpu)
{
	struct kvm_exit_stat *s;
	u64 dt;

	if (vcpu->last_exit_reason >= EXIT_REASON_MAX)
		return;
	s = &vcpu->stat.exits[vcpu->last_exit_reason];
	dt = vcpu->entry_tsc - vcpu->exit_tsc;
	s->ticks += dt;
	if (!s->min_ticks || dt < s->min_ticks)
		s->min_ticks = dt;
	if (dt > s->max_ticks)
		s->max_ticks = dt;
}

int vmx_vcpu_run(struct kvm_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	union vmx_exit_reason reason;

	vmx_inject_pending_event(vcpu);

	vcpu->entry_tsc = rdtsc();
	account_exit_time(vcpu);
	vmx->fail = __vmx_vcpu_run(vcpu->regs, vmx->loaded_vmcs->launched,
				   &vmx->loaded_vmcs->host_state.rsp);
	vcpu->exit_tsc = rdtsc();
	vcpu->stat.guest_ticks += vcpu->exit_tsc - vcpu->entry_tsc;

	if (unlikely(vmx->fail)) {
		vcpu->last_exit_reason = EXIT_REASON_MAX;
		return 0;
	}
	reason.full = vmcs_read32(VM_EXIT_REASON);
	vmx->exit_reason_full = reason.full;
	vcpu->last_exit_reason = reason.basic;
	/* SDM "VM-Entry Failures During or After Loading Guest State": the
	 * launch state only becomes "launched" when the entry succeeded. */
	if (likely(!reason.failed_vmentry)) {
		vmx->loaded_vmcs->launched = true;
		vmx->idt_vectoring_info = vmcs_read32(IDT_VECTORING_INFO_FIELD);
	} else {
		vmx->idt_vectoring_info = 0;
	}
	return 0;
}

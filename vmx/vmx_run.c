/* SPDX-License-Identifier: MIT */
/*
 * One trip into the guest (KVM's vmx_vcpu_run()): inject what is pending,
 * account the time since the last exit to that exit's reason, VMLAUNCH or
 * VMRESUME through vmenter.S, and read what the exit says.
 */
#include "kernel/kernel.h"
#include "kernel/x86.h"
#include "vmx/vmx.h"

/*
 * Close the time of the previous exit: from that VM exit to this VM entry,
 * device model included.  Only the sum and the maximum are kept on this
 * path; the average comes from the count.
 */
static inline void account_exit_time(struct kvm_vcpu *vcpu)
{
	struct kvm_exit_stat *s;
	u64 dt;

	if (unlikely(vcpu->last_exit_reason >= EXIT_REASON_MAX))
		return;
	s = &vcpu->stat.exits[vcpu->last_exit_reason];
	dt = vcpu->entry_tsc - vcpu->exit_tsc;
	s->ticks += dt;
	if (unlikely(dt > s->max_ticks))
		s->max_ticks = dt;
}

enum exit_fastpath_completion {
	EXIT_FASTPATH_NONE,
	EXIT_FASTPATH_REENTER_GUEST,
};

/*
 * Exits handled without leaving the run loop (KVM's exit fastpath): no
 * table dispatch, no return through vcpu_run().  Only CPUID qualifies: it is
 * what guests execute most in loops (feature probing, serialisation) and its
 * handler never needs the device model.  Anything unusual (tracing, an event
 * whose delivery the exit interrupted) takes the full path.
 */
static enum exit_fastpath_completion
vmx_exit_handlers_fastpath(struct kvm_vcpu *vcpu, u32 basic)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);

	if (basic == EXIT_REASON_CPUID && !vmx->idt_vectoring_info &&
	    !vcpu->kvm->settings.trace) {
		vcpu->stat.exits[EXIT_REASON_CPUID].count++;
		kvm_emulate_cpuid(vcpu);
		return EXIT_FASTPATH_REENTER_GUEST;
	}
	return EXIT_FASTPATH_NONE;
}

int vmx_vcpu_run(struct kvm_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	union vmx_exit_reason reason;
	u32 idt;

	do {
		if (unlikely(vcpu->arch.exception.pending | vmx->idt_vectoring_info))
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
		/* SDM "VM-Entry Failures During or After Loading Guest State":
		 * the launch state only becomes "launched" when the entry
		 * succeeded. */
		if (unlikely(reason.failed_vmentry)) {
			vmx->idt_vectoring_info = 0;
			return 0;
		}
		vmx->loaded_vmcs->launched = true;
		idt = vmcs_read32(IDT_VECTORING_INFO_FIELD);
		vmx->idt_vectoring_info = idt & INTR_INFO_VALID_MASK ? idt : 0;
	} while (vmx_exit_handlers_fastpath(vcpu, reason.basic) ==
		 EXIT_FASTPATH_REENTER_GUEST);
	return 0;
}

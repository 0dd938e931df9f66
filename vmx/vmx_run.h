/* SPDX-License-Identifier: MIT */
/*
 * One trip into the guest (KVM's vmx_vcpu_run()): inject what is pending,
 * account the time since the last exit to that exit's reason, VMLAUNCH or
 * VMRESUME through vmenter.S, and read what the exit says.
 *
 * It is inline, and included only by virt/kvm_main.c, so that it becomes
 * part of vcpu_run()'s loop: __vmx_vcpu_run clobbers the host's
 * callee-saved registers (see vmx_vcpu_enter_exit()), and inlined they are
 * saved once per KVM_RUN instead of once per VM entry.  Exits served
 * without leaving that loop (the CPUID fastpath here, port I/O the device
 * model answers through its handler in vcpu_run()) then cost no register
 * saving at all.
 */
#ifndef TVX_VMX_VMX_RUN_H
#define TVX_VMX_VMX_RUN_H

#include "kernel/kernel.h"
#include "kernel/x86.h"
#include "vmx/cpuid.h"
#include "vmx/vmx.h"

/*
 * Close the time of the previous exit: from that VM exit to this VM entry,
 * device model included.  Only the sum and the maximum are kept on this
 * path; the average comes from the count.
 */
static inline void account_exit_time(struct kvm_vcpu *vcpu)
{
	/* last_exit_reason is EXIT_REASON_MAX after a failed entry: that
	 * slot exists so this needs no range check */
	struct kvm_exit_stat *s = &vcpu->stat.exits[vcpu->last_exit_reason];
	u64 dt = vcpu->entry_tsc - vcpu->exit_tsc;

	s->ticks += dt;
	if (unlikely(dt > s->max_ticks))
		s->max_ticks = dt;
}

enum exit_fastpath_completion {
	EXIT_FASTPATH_NONE,
	EXIT_FASTPATH_REENTER_GUEST,
};

/*
 * VMLAUNCH/VMRESUME through vmenter.S.  __vmx_vcpu_run keeps only %rsp and
 * %rbp (see vmenter.S), so the call is made from here with every other
 * general-purpose register declared clobbered: the compiler then saves the
 * host's callee-saved registers once for the whole run loop rather than on
 * each entry.  Returns 0 after a VM exit, 1 if VMLAUNCH/VMRESUME failed.
 */
static __always_inline int vmx_vcpu_enter_exit(struct vcpu_vmx *vmx,
					       struct kvm_vcpu *vcpu)
{
	unsigned long regs = (unsigned long)vcpu->regs;
	unsigned long launched = vmx->loaded_vmcs->launched;
	unsigned long host_rsp = (unsigned long)&vmx->loaded_vmcs->host_state.rsp;
	unsigned long fail;

	asm volatile("call __vmx_vcpu_run"
		     : "=a"(fail), "+D"(regs), "+S"(launched), "+d"(host_rsp)
		     :
		     : "rbx", "rcx", "r8", "r9", "r10", "r11", "r12", "r13",
		       "r14", "r15", "memory", "cc");
	return fail;
}

/*
 * Exits handled without leaving the run loop (KVM's exit fastpath): no
 * table dispatch, no return through vcpu_run().  Only CPUID qualifies: it is
 * what guests execute most in loops (feature probing, serialisation) and its
 * handler never needs the device model.  Tracing takes the full path.
 *
 * A CPUID exit is caused by an instruction, so its IDT-vectoring information
 * is invalid (see exit_reason_is_instruction()): the fastpath does not read
 * that field.
 */
static __always_inline bool vmx_exit_handlers_fastpath(struct kvm_vcpu *vcpu,
						       u32 basic)
{
	if (basic != EXIT_REASON_CPUID || vcpu->kvm->settings.trace)
		return false;
	vcpu->stat.exits[EXIT_REASON_CPUID].count++;
	__kvm_emulate_cpuid(vcpu, false);
	return true;
}

/*
 * Returns the basic exit reason for vmx_handle_exit(), or EXIT_REASON_MAX
 * when VMLAUNCH/VMRESUME failed or the VM entry failed (the slow path reads
 * the details from vcpu_vmx).
 */
static __always_inline u32 vmx_vcpu_run(struct kvm_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	union vmx_exit_reason reason;
	u32 idt;

	do {
		if (unlikely(vcpu->arch.exception.pending |
			     vmx->idt_vectoring_info | vcpu->arch.requests |
			     vmx->lapic.lapic_timer.armed))
			kvm_inject_pending_event(vcpu);

		vcpu->entry_tsc = rdtsc();
		account_exit_time(vcpu);
		vmx->fail = vmx_vcpu_enter_exit(vmx, vcpu);
		vcpu->exit_tsc = rdtsc();
		vcpu->stat.guest_ticks += vcpu->exit_tsc - vcpu->entry_tsc;

		if (unlikely(vmx->fail)) {
			vcpu->last_exit_reason = EXIT_REASON_MAX;
			return EXIT_REASON_MAX;
		}
		reason.full = vmcs_read32(VM_EXIT_REASON);
		vmx->exit_reason_full = reason.full;
		vcpu->last_exit_reason = reason.basic;
		/* SDM "VM-Entry Failures During or After Loading Guest State":
		 * the launch state only becomes "launched" when the entry
		 * succeeded. */
		if (unlikely(reason.failed_vmentry)) {
			vmx->idt_vectoring_info = 0;
			return EXIT_REASON_MAX;
		}
		vmx->loaded_vmcs->launched = true;
	} while (vmx_exit_handlers_fastpath(vcpu, reason.basic));

	/* a reason newer than the statistics table counts in its spare slot */
	if (unlikely(reason.basic > EXIT_REASON_MAX))
		vcpu->last_exit_reason = EXIT_REASON_MAX;

	if (exit_reason_is_instruction(reason.basic)) {
		vmx->idt_vectoring_info = 0;
		return reason.basic;
	}
	idt = vmcs_read32(IDT_VECTORING_INFO_FIELD);
	vmx->idt_vectoring_info = idt & INTR_INFO_VALID_MASK ? idt : 0;
	return reason.basic;
}

/*
 * Dispatch through the exit-handler table indexed by the basic exit reason
 * (seed 004's kvm_vmx_exit_handlers[]); inline so an ordinary exit costs an
 * indirect call.  @basic is what vmx_vcpu_run() returned: EXIT_REASON_MAX
 * for a failed entry, which like tracing and reasons without a handler goes
 * to vmx_handle_exit_slow() in exit_handlers.c.
 */
static __always_inline int vmx_handle_exit(struct kvm_vcpu *vcpu, u32 basic)
{
	if (likely(basic < EXIT_REASON_MAX && kvm_vmx_exit_handlers[basic] &&
		   !(vcpu->kvm->settings.trace & TRACE_EXITS))) {
		vcpu->stat.exits[basic].count++;
		return kvm_vmx_exit_handlers[basic](vcpu);
	}
	return vmx_handle_exit_slow(vcpu);
}

#endif

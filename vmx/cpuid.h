/* SPDX-License-Identifier: MIT */
/*
 * CPUID exits (KVM's kvm_emulate_cpuid()).  The common case, a leaf the CPU
 * model passes through, is inline so the exit fastpath in vmx_run.h runs it
 * without a call; the leaves the model rewrites and tracing are out of line
 * in cpuid.c.
 */
#ifndef TVX_VMX_CPUID_H
#define TVX_VMX_CPUID_H

#include "kernel/x86.h"
#include "vmx/cpuid_model.h"
#include "vmx/vmx.h"

int cpuid_adjusted(struct kvm_vcpu *vcpu, u32 leaf, u32 subleaf);
void cpuid_trace(struct kvm_vcpu *vcpu, u32 leaf, u32 subleaf);

/* CPUID writes the low 32 bits of each register and clears the high ones. */
static inline void cpuid_set_regs(struct kvm_vcpu *vcpu, u32 a, u32 b, u32 c,
				  u32 d)
{
	vcpu->regs[VCPU_REGS_RAX] = a;
	vcpu->regs[VCPU_REGS_RBX] = b;
	vcpu->regs[VCPU_REGS_RCX] = c;
	vcpu->regs[VCPU_REGS_RDX] = d;
}

/* @may_trace: false when the caller already knows tracing is off. */
static __always_inline int __kvm_emulate_cpuid(struct kvm_vcpu *vcpu,
					       bool may_trace)
{
	u32 leaf = vcpu->regs[VCPU_REGS_RAX], subleaf = vcpu->regs[VCPU_REGS_RCX];
	u32 a, b, c, d;

	if (unlikely(cpuid_model_leaf_is_adjusted(leaf)))
		return cpuid_adjusted(vcpu, leaf, subleaf);
	cpuid_count(leaf, subleaf, &a, &b, &c, &d);
	cpuid_set_regs(vcpu, a, b, c, d);
	if (may_trace && unlikely(vcpu->kvm->settings.trace & TRACE_CPUID))
		cpuid_trace(vcpu, leaf, subleaf);
	return kvm_skip_emulated_instruction(vcpu);
}

#endif

/* SPDX-License-Identifier: MIT */
/* CPUID exits (kvm_emulate_cpuid): the host's answer through the model. */
#include "kernel/kernel.h"
#include "kernel/x86.h"
#include "vmx/cpuid.h"
#include "vmx/vmx.h"
#include "vmx/vmx_controls.h"

void cpuid_trace(struct kvm_vcpu *vcpu, u32 leaf, u32 subleaf)
{
	printk("trace: cpuid %#x.%#x -> %08x %08x %08x %08x\n", leaf, subleaf,
	       (u32)vcpu->regs[VCPU_REGS_RAX], (u32)vcpu->regs[VCPU_REGS_RBX],
	       (u32)vcpu->regs[VCPU_REGS_RCX], (u32)vcpu->regs[VCPU_REGS_RDX]);
}

/* The leaves the model rewrites; out of line so the common case stays lean. */
int cpuid_adjusted(struct kvm_vcpu *vcpu, u32 leaf, u32 subleaf)
{
	u32 sec = secondary_exec_controls_get(to_vmx(vcpu));
	struct cpuid_guest_view view = {
		.vcpu_id = vcpu->vcpu_id,
		.nr_vcpus = vcpu->kvm->online_vcpus,
		/* CR4 is only read for the leaf that reflects it */
		.guest_osxsave = leaf == 1 &&
				 (kvm_read_cr4(vcpu) & X86_CR4_OSXSAVE),
		.rdtscp = sec & SECONDARY_EXEC_ENABLE_RDTSCP,
		.invpcid = sec & SECONDARY_EXEC_ENABLE_INVPCID,
		.tsc_khz = vcpu->kvm->tsc_khz,
	};
	struct cpuid_regs r;

	cpuid_count(leaf, subleaf, &r.eax, &r.ebx, &r.ecx, &r.edx);
	cpuid_model_adjust(leaf, subleaf, &view, &r);
	cpuid_set_regs(vcpu, r.eax, r.ebx, r.ecx, r.edx);
	if (unlikely(vcpu->kvm->settings.trace & TRACE_CPUID))
		cpuid_trace(vcpu, leaf, subleaf);
	return kvm_skip_emulated_instruction(vcpu);
}

/* The exit-handler table's entry; the fastpath inlines the same code. */
int kvm_emulate_cpuid(struct kvm_vcpu *vcpu)
{
	return __kvm_emulate_cpuid(vcpu, true);
}

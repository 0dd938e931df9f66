/* SPDX-License-Identifier: MIT */
/* CPUID exits (kvm_emulate_cpuid): the host's answer through the model. */
#include "kernel/kernel.h"
#include "kernel/x86.h"
#include "vmx/cpuid_model.h"
#include "vmx/vmx.h"
#include "vmx/vmx_controls.h"

int kvm_emulate_cpuid(struct kvm_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	u32 leaf = vcpu->regs[VCPU_REGS_RAX], subleaf = vcpu->regs[VCPU_REGS_RCX];
	struct cpuid_regs r;

	cpuid_count(leaf, subleaf, &r.eax, &r.ebx, &r.ecx, &r.edx);
	if (cpuid_model_leaf_is_adjusted(leaf)) {
		u32 sec = secondary_exec_controls_get(vmx);
		struct cpuid_guest_view view = {
			.vcpu_id = vcpu->vcpu_id,
			.nr_vcpus = vcpu->kvm->online_vcpus,
			/* CR4 is only read for the leaf that reflects it */
			.guest_osxsave = leaf == 1 &&
					 (kvm_read_cr4(vcpu) & X86_CR4_OSXSAVE),
			.rdtscp = sec & SECONDARY_EXEC_ENABLE_RDTSCP,
			.invpcid = sec & SECONDARY_EXEC_ENABLE_INVPCID,
		};

		cpuid_model_adjust(leaf, subleaf, &view, &r);
	}
	/* CPUID writes the low 32 bits and clears the high ones. */
	vcpu->regs[VCPU_REGS_RAX] = r.eax;
	vcpu->regs[VCPU_REGS_RBX] = r.ebx;
	vcpu->regs[VCPU_REGS_RCX] = r.ecx;
	vcpu->regs[VCPU_REGS_RDX] = r.edx;
	if (unlikely(vcpu->kvm->settings.trace & TRACE_CPUID))
		printk("trace: cpuid %#x.%#x -> %08x %08x %08x %08x\n", leaf,
		       subleaf, r.eax, r.ebx, r.ecx, r.edx);
	return kvm_skip_emulated_instruction(vcpu);
}

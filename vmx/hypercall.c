/* SPDX-License-Identifier: MIT */
/*
 * VMCALL hypercalls (kvm_emulate_hypercall; ABI in include/tvx/abi.h):
 * number in RAX, arguments in RBX, RCX, RDX, RSI, result in RAX.  Outside
 * 64-bit mode only the low 32 bits count.
 */
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/x86.h"
#include "tvx/abi.h"
#include "vmx/vmx.h"

extern u64 hypervisor_start_tsc;

static long hc_console_write(struct kvm_vcpu *vcpu, u64 gpa, u64 len)
{
	const char *p;

	if (len > TVX_CONSOLE_WRITE_MAX)
		return TVX_EINVAL;
	p = kvm_gpa_to_hva(vcpu->kvm, gpa, len);
	if (!p)
		return TVX_EFAULT;
	console_write(CONSOLE_GUEST, p, len);
	return len;
}

int kvm_emulate_hypercall(struct kvm_vcpu *vcpu)
{
	bool wide = is_64_bit_mode(vcpu);
	u64 nr = vcpu->regs[VCPU_REGS_RAX];
	u64 a0 = vcpu->regs[VCPU_REGS_RBX], a1 = vcpu->regs[VCPU_REGS_RCX];
	long ret;

	if (!wide) {
		nr = (u32)nr;
		a0 = (u32)a0;
		a1 = (u32)a1;
	}
	vcpu->stat.hypercalls++;
	if (unlikely(vcpu->kvm->settings.trace & TRACE_HYPERCALL))
		printk("trace: hypercall %llu (%#llx, %#llx) rip %#lx\n", nr, a0,
		       a1, vmcs_readl(GUEST_RIP));

	if (kvm_cpl(vcpu) != 0) {
		ret = TVX_EPERM;
		goto out;
	}
	switch (nr) {
	case TVX_HC_NOP:
		ret = 0;
		break;
	case TVX_HC_POWER_OFF:
		kvm_skip_emulated_instruction(vcpu);
		vcpu->run->exit_reason = KVM_EXIT_SYSTEM_EVENT;
		vcpu->run->system_event.type = KVM_SYSTEM_EVENT_SHUTDOWN;
		vcpu->run->system_event.code = a0;
		return 0;
	case TVX_HC_CONSOLE_WRITE:
		ret = hc_console_write(vcpu, a0, a1);
		break;
	case TVX_HC_EXIT_COUNT:
		ret = a0 < EXIT_REASON_MAX ? (long)vcpu->stat.exits[a0].count
					   : TVX_EINVAL;
		break;
	case TVX_HC_HOST_TSC: {
		/* on the guest's time line, so it compares with its RDTSC */
		u64 t = hypervisor_start_tsc + vcpu->arch.tsc_offset;

		ret = t;
		/* 32-bit callers get the high half in EDX */
		vcpu->regs[VCPU_REGS_RDX] = t >> 32;
		break;
	}
	default:
		ret = TVX_ENOSYS;
		break;
	}
out:
	vcpu->regs[VCPU_REGS_RAX] = wide ? (u64)ret : (u32)ret;
	return kvm_skip_emulated_instruction(vcpu);
}

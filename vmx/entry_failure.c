/* SPDX-License-Identifier: MIT */
/*
 * When VM entry fails.  The CPU says little: VMfailValid with a
 * VM-instruction error number (7 = invalid control fields, 8 = invalid
 * host-state fields), or an exit with bit 31 set and reason 33 ("invalid
 * guest state"), 34 (MSR loading) or 41 (machine check).  To tell the user
 * *which* check failed, the VMCS is read back and run through the software
 * version of the SDM's checks (vmx/entry_check.c), and the first violated
 * rule is reported with its field, value and SDM section.
 */
#include <stdio.h>
#include <string.h>

#include "kernel/kernel.h"
#include "kernel/x86.h"
#include "vmx/capabilities.h"
#include "vmx/entry_check.h"
#include "vmx/vmx.h"

#define CPUID_7_EBX_RTM BIT(11)
#define CPUID_7_EBX_SGX_ BIT(2)

static u64 vmread_cb(void *ctx, u32 field)
{
	unsigned long v = 0;

	/* Raw VMREAD: fields this CPU lacks read as 0 without a report. */
	vmx_vmread(field, &v);
	return v;
}

static void fill_caps(struct vmx_entry_check_caps *c)
{
	const struct vmx_msrs *m = &vmx_msrs;
	u32 a, b, cx, d;

	memset(c, 0, sizeof(*c));
	c->basic = m->basic;
	c->misc = m->misc;
	c->cr0_fixed0 = m->cr0_fixed0;
	c->cr0_fixed1 = m->cr0_fixed1;
	c->cr4_fixed0 = m->cr4_fixed0;
	c->cr4_fixed1 = m->cr4_fixed1;
	c->pinbased_ctls = vmx_control_cap(m, VMX_CTL_PIN, NULL);
	c->procbased_ctls = vmx_control_cap(m, VMX_CTL_PROC, NULL);
	c->procbased_ctls2 = vmx_control_cap(m, VMX_CTL_PROC2, NULL);
	c->exit_ctls = vmx_control_cap(m, VMX_CTL_EXIT, NULL);
	c->entry_ctls = vmx_control_cap(m, VMX_CTL_ENTRY, NULL);
	c->ept_vpid_cap = m->ept_vpid_cap;
	c->maxphyaddr = cpuid_maxphyaddr();
	cpuid_count(7, 0, &a, &b, &cx, &d);
	c->has_rtm = b & CPUID_7_EBX_RTM;
	c->has_sgx = b & CPUID_7_EBX_SGX_;
}

static const char *entry_fail_reason(u32 basic)
{
	switch (basic) {
	case EXIT_REASON_INVALID_STATE:
		return "invalid guest state";
	case EXIT_REASON_MSR_LOAD_FAIL:
		return "MSR loading";
	case EXIT_REASON_MCE_DURING_VMENTRY:
		return "machine-check event";
	default:
		return "unknown";
	}
}

/* VM exit with bit 31: VM entry failed while loading guest state. */
int vmx_handle_entry_failure(struct kvm_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	union vmx_exit_reason reason = { .full = vmx->exit_reason_full };
	static struct vmx_guest_state gs;
	struct vmx_entry_check_caps caps;
	struct vmx_check_failure f;
	char why[384];
	const char *name = vmx_exit_reason_name(reason.basic);
	u64 qual = vmcs_readl(EXIT_QUALIFICATION);

	why[0] = '\0';
	if (reason.basic == EXIT_REASON_INVALID_STATE) {
		fill_caps(&caps);
		vmx_guest_state_read(&gs, vmread_cb, NULL, &caps);
		if (vmx_check_guest_state(&gs, &f))
			vmx_check_failure_format(&f, why, sizeof(why));
		else
			snprintf(why, sizeof(why),
				 "tinyvmx's guest-state checks found no violation "
				 "(exit qualification %#llx)", qual);
	} else if (reason.basic == EXIT_REASON_MSR_LOAD_FAIL) {
		snprintf(why, sizeof(why), "VM-entry MSR-load entry %llu failed", qual);
	}
	vmx_kill_vm(vcpu, KVM_EXIT_FAIL_ENTRY, 0,
		    "VM-entry failure: %s (exit reason %u %s, qualification %#llx)\n  %s",
		    entry_fail_reason(reason.basic), reason.basic,
		    name ? name : "?", qual, why);
	vcpu->run->fail_entry.hardware_entry_failure_reason = reason.full;
	return 0;
}

/* VMLAUNCH/VMRESUME did not even start: VMfailValid or VMfailInvalid. */
void vmx_report_vmfail(struct kvm_vcpu *vcpu)
{
	unsigned long err = 0;
	static struct vmx_guest_state gs;
	static struct vmx_host_state hs;
	struct vmx_entry_check_caps caps;
	struct vmx_check_failure f;
	char why[384];
	const char *name;

	why[0] = '\0';
	if (vmx_vmread(VM_INSTRUCTION_ERROR, &err) != VMX_INSN_SUCCEED) {
		vmx_kill_vm(vcpu, KVM_EXIT_FAIL_ENTRY, 0,
			    "VM entry failed: VMfailInvalid (no current VMCS)");
		return;
	}
	name = vm_instruction_error_name(err);
	if (err == VMXERR_ENTRY_INVALID_CONTROL_FIELD ||
	    err == VMXERR_ENTRY_INVALID_HOST_STATE_FIELD) {
		fill_caps(&caps);
		vmx_guest_state_read(&gs, vmread_cb, NULL, &caps);
		vmx_host_state_read(&hs, &gs.ctls, vmread_cb, NULL);
		/* Error 7 is about the controls, 8 about host state: run only
		 * the matching group, so a guest-state rule cannot mislead. */
		if (err == VMXERR_ENTRY_INVALID_CONTROL_FIELD ?
			    vmx_check_controls(&gs, &f) : vmx_check_host_state(&hs, &gs, &f))
			vmx_check_failure_format(&f, why, sizeof(why));
		else
			snprintf(why, sizeof(why),
				 "tinyvmx's %s checks found no violation",
				 err == VMXERR_ENTRY_INVALID_CONTROL_FIELD ? "control" : "host-state");
	}
	vmx_kill_vm(vcpu, KVM_EXIT_FAIL_ENTRY, 0,
		    "VM entry failed: VM-instruction error %lu (%s)\n  %s", err,
		    name ? name : "undefined", why);
	vcpu->run->fail_entry.hardware_entry_failure_reason = err;
}

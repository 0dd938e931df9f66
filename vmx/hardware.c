/* SPDX-License-Identifier: MIT */
/*
 * Module initialisation (seeds 000 and 003): hardware_setup() checks that the
 * CPU can do VMX, snapshots the capability MSRs, negotiates vmcs_config with
 * setup_vmcs_config() and allocates a VMXON region per CPU (alloc_kvm_area());
 * vmx_hardware_enable() enters VMX root operation on the current CPU.
 */
#include <stdio.h>
#include <string.h>

#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/x86.h"
#include "vmx/capabilities.h"
#include "vmx/vmx.h"
#include "vmx/vmx_controls.h"

#define NR_CPUS 8

struct vmx_msrs vmx_msrs;
static struct vmcs *vmxarea[NR_CPUS];	/* per-CPU VMXON region */

static u64 read_cap_msr(u32 msr)
{
	return rdmsr(msr);
}

/* The CPU the caller runs on.  tinyvmx brings up only the boot CPU so far;
 * the per-CPU arrays are sized so SMP only has to fill them. */
static int smp_processor_id(void)
{
	return 0;
}

struct vmcs *alloc_vmcs_cpu(void)
{
	struct vmcs *vmcs = alloc_page();

	if (!vmcs)
		return NULL;
	/* SDM "VMCS Region": the first 31 bits hold the VMCS revision
	 * identifier from IA32_VMX_BASIC, bit 31 is the shadow-VMCS indicator. */
	vmcs->hdr.revision_id = vmcs_config.revision_id;
	return vmcs;
}

static int alloc_kvm_area(void)
{
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		vmxarea[cpu] = alloc_vmcs_cpu();
		if (!vmxarea[cpu])
			return -ENOMEM;
	}
	return 0;
}

static int check_feature_control(void)
{
	u64 fc = rdmsr(MSR_IA32_FEATURE_CONTROL);

	if (!(fc & FEAT_CTL_LOCKED)) {
		/* Firmware left it unlocked: enable VMX outside SMX and lock. */
		fc |= FEAT_CTL_LOCKED | FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX;
		wrmsr(MSR_IA32_FEATURE_CONTROL, fc);
		return 0;
	}
	if (!(fc & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		printk("tinyvmx: VMX is disabled by the firmware "
		       "(IA32_FEATURE_CONTROL = %#llx is locked without "
		       "'enable VMX outside SMX'); enable VT-x in the BIOS setup\n",
		       fc);
		return -EIO;
	}
	return 0;
}

int hardware_setup(void)
{
	static struct vmx_negotiation_log log;
	u32 a, b, c, d;
	char line[256];
	int r;

	cpuid_count(1, 0, &a, &b, &c, &d);
	if (!(c & CPUID_1_ECX_VMX)) {
		printk("tinyvmx: this CPU has no VMX (CPUID.1:ECX.VMX[bit 5] = 0)\n");
		return -EIO;
	}
	r = check_feature_control();
	if (r)
		return r;

	memset(&vmx_msrs, 0, sizeof(vmx_msrs));
	vmx_msrs.cpuid_1_eax = a;
	cpuid_count(7, 0, &a, &b, &c, &d);
	vmx_msrs.has_sgx = b & BIT(2);
	vmx_read_capability_msrs(&vmx_msrs, read_cap_msr);

	r = setup_vmcs_config(&vmcs_config, &vmx_capability, &vmx_msrs, &log);
	if (r) {
		printk("tinyvmx: VMX capabilities are insufficient: %s\n", log.error);
		return r;
	}
	for (unsigned i = 0; i < log.nwarnings; i++)
		printk("tinyvmx: warning: %s\n", log.warnings[i]);

	/* Module parameters follow what the CPU offers (KVM's hardware_setup). */
	if (!cpu_has_vmx_ept() || !cpu_has_vmx_ept_4levels() || !cpu_has_vmx_ept_mt_wb())
		enable_ept = false;
	if (!cpu_has_vmx_vpid() || !cpu_has_vmx_invvpid_single())
		enable_vpid = false;
	if (!cpu_has_vmx_unrestricted_guest() || !enable_ept)
		enable_unrestricted_guest = false;
	if (!cpu_has_vmx_preemption_timer())
		enable_preemption_timer = false;
	if (!cpu_has_virtual_nmis())
		enable_vnmi = false;
	if (!cpu_has_vmx_apic_register_virt() || !cpu_has_vmx_virtual_intr_delivery())
		enable_apicv = false;

	vmx_caps_summary(&vmcs_config, &vmx_capability, line, sizeof(line));
	printk("%s\n", line);
	return alloc_kvm_area();
}

int vmx_hardware_enable(void)
{
	int cpu = smp_processor_id();
	u64 cr0 = read_cr0(), cr4 = read_cr4();

	/* SDM "VMX-Fixed Bits in CR0" / "in CR4": VMXON and VMX operation
	 * require CR0 and CR4 to honour IA32_VMX_CR{0,4}_FIXED{0,1}. */
	cr0 = (cr0 | vmcs_config.cr0_fixed0) & vmcs_config.cr0_fixed1;
	cr4 = (cr4 | vmcs_config.cr4_fixed0 | X86_CR4_VMXE) & vmcs_config.cr4_fixed1;
	write_cr0(cr0);
	write_cr4(cr4);
	if (__vmx_on(__pa(vmxarea[cpu]))) {
		printk("tinyvmx: VMXON failed on CPU %d (VMXON region %#llx)\n",
		       cpu, __pa(vmxarea[cpu]));
		return -EIO;
	}
	return 0;
}

/* ---- VMX instruction error reports (declared in vmx/vmx_ops.h) ---- */

static void report_insn_error(const char *what)
{
	unsigned long err;
	const char *name;

	/* vmx_vmread, not vmcs_read32: a failing read must not recurse. */
	if (vmx_vmread(VM_INSTRUCTION_ERROR, &err) != VMX_INSN_SUCCEED) {
		printk("tinyvmx: %s: VMfailInvalid (no current VMCS)\n", what);
		return;
	}
	name = vm_instruction_error_name(err);
	printk("tinyvmx: %s: VM-instruction error %lu (%s)\n", what, err,
	       name ? name : "undefined");
}

void vmwrite_error(u32 field, u64 value)
{
	char what[128];
	const char *name = vmcs_field_name(field);

	snprintf(what, sizeof(what), "VMWRITE %s (%#x) = %#llx failed",
		 name ? name : "unknown field", field, value);
	report_insn_error(what);
}

void vmread_error(u32 field)
{
	char what[128];
	const char *name = vmcs_field_name(field);

	snprintf(what, sizeof(what), "VMREAD %s (%#x) failed",
		 name ? name : "unknown field", field);
	report_insn_error(what);
}

void vmclear_error(u64 phys)
{
	printk("tinyvmx: VMCLEAR of VMCS %#llx failed\n", phys);
}

void vmptrld_error(u64 phys)
{
	printk("tinyvmx: VMPTRLD of VMCS %#llx failed\n", phys);
}

void invept_error(unsigned long ext, u64 eptp)
{
	printk("tinyvmx: INVEPT type %lu of EPTP %#llx failed\n", ext, eptp);
}

void invvpid_error(unsigned long ext, u16 vpid, u64 gva)
{
	printk("tinyvmx: INVVPID type %lu of VPID %u (address %#llx) failed\n",
	       ext, vpid, gva);
}

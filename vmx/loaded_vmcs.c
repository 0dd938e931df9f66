/* SPDX-License-Identifier: MIT */
/*
 * struct loaded_vmcs (seed 004): a VMCS region, the CPU it is current on,
 * whether it was launched, its MSR bitmap (seed 001) and its shadows.
 */
#include <string.h>

#include "kernel/desc.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/x86.h"
#include "vmx/capabilities.h"
#include "vmx/vmx.h"

#define NR_CPUS 8

/* The VMCS that is current on each CPU (KVM's per-CPU current_vmcs). */
static struct vmcs *current_vmcs[NR_CPUS];

int alloc_loaded_vmcs(struct loaded_vmcs *loaded_vmcs)
{
	memset(loaded_vmcs, 0, sizeof(*loaded_vmcs));
	loaded_vmcs->vmcs = alloc_vmcs_cpu();
	if (!loaded_vmcs->vmcs)
		return -ENOMEM;
	loaded_vmcs->cpu = -1;
	loaded_vmcs->launched = false;

	if (cpu_has_vmx_msr_bitmap()) {
		loaded_vmcs->msr_bitmap = alloc_page();
		if (!loaded_vmcs->msr_bitmap) {
			free_page(loaded_vmcs->vmcs);
			return -ENOMEM;
		}
		/* Seed 001: every bit 1, i.e. every RDMSR/WRMSR exits, until
		 * vmx_setup_msr_intercepts() opens the MSRs that are safe. */
		memset(loaded_vmcs->msr_bitmap, 0xff, PAGE_SIZE);
	}
	return 0;
}

void loaded_vmcs_clear(struct loaded_vmcs *loaded_vmcs)
{
	int cpu = loaded_vmcs->cpu;

	if (cpu < 0)
		return;
	/* SDM "VMCLEAR": writes cached state back to the region and makes
	 * the launch state "clear", so the next entry must be VMLAUNCH. */
	vmcs_clear(__pa(loaded_vmcs->vmcs));
	if (current_vmcs[cpu] == loaded_vmcs->vmcs)
		current_vmcs[cpu] = NULL;
	loaded_vmcs->cpu = -1;
	loaded_vmcs->launched = false;
}

void free_loaded_vmcs(struct loaded_vmcs *loaded_vmcs)
{
	loaded_vmcs_clear(loaded_vmcs);
	if (loaded_vmcs->msr_bitmap)
		free_page(loaded_vmcs->msr_bitmap);
	if (loaded_vmcs->vmcs)
		free_page(loaded_vmcs->vmcs);
	memset(loaded_vmcs, 0, sizeof(*loaded_vmcs));
}

/*
 * Make the vCPU's VMCS current on @cpu (KVM's vmx_vcpu_load_vmcs()).  A VMCS
 * that moves between CPUs must be VMCLEARed on the old one first; then the
 * per-CPU host state (TSS and GDT bases) is rewritten for the new one.
 */
void vmx_vcpu_load_vmcs(struct kvm_vcpu *vcpu, int cpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	struct loaded_vmcs *lv = vmx->loaded_vmcs;
	bool already_loaded = lv->cpu == cpu;

	if (!already_loaded)
		loaded_vmcs_clear(lv);
	if (current_vmcs[cpu] != lv->vmcs) {
		current_vmcs[cpu] = lv->vmcs;
		vmcs_load(__pa(lv->vmcs));
	}
	if (!already_loaded) {
		struct desc_ptr gdt;

		store_gdt(&gdt);
		vmcs_writel(HOST_TR_BASE, (unsigned long)&boot_tss);
		vmcs_writel(HOST_GDTR_BASE, gdt.base);
		lv->cpu = cpu;
	}
	vcpu->cpu = cpu;
}

/* SPDX-License-Identifier: MIT */
/*
 * Control- and debug-register exits (handle_cr, handle_dr).
 *
 * CR0 and CR4 are split between guest and host by the guest/host masks
 * (init_vmcs()): the guest writes its own bits directly; a write that
 * changes a host-owned bit exits here and is checked and applied as the
 * SDM's MOV CR rules say.  Reads never exit: host-owned bits come from the
 * read shadows, which always hold what the guest last wrote.
 */
#include "kernel/kernel.h"
#include "kernel/x86.h"
#include "vmx/capabilities.h"
#include "vmx/vmx.h"
#include "vmx/vmx_controls.h"

#define CR0_RESERVED_HIGH 0xffffffff00000000ull
#define CR8_RESERVED ~0xfull
#define DR7_GD BIT(13)
#define DR6_FIXED_1 0xffff0ff0ull
#define PDPTE_PRESENT BIT_ULL(0)
#define PDPTE_RESERVED 0xfff00000000001e6ull	/* bits 2:1, 8:5, 63:52 */
#define PAE_PDPT_ALIGN 32

u64 kvm_read_cr0(struct kvm_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);

	return (vmcs_readl(GUEST_CR0) & vmx->cr0_guest_owned_bits) |
	       (vmcs_readl(CR0_READ_SHADOW) & ~vmx->cr0_guest_owned_bits);
}

u64 kvm_read_cr4(struct kvm_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);

	return (vmcs_readl(GUEST_CR4) & vmx->cr4_guest_owned_bits) |
	       (vmcs_readl(CR4_READ_SHADOW) & ~vmx->cr4_guest_owned_bits);
}

u64 kvm_register_read(struct kvm_vcpu *vcpu, unsigned reg)
{
	u64 v = reg == VCPU_REGS_RSP ? vmcs_readl(GUEST_RSP) : vcpu->regs[reg];

	return is_64_bit_mode(vcpu) ? v : (u32)v;
}

void kvm_register_write(struct kvm_vcpu *vcpu, unsigned reg, u64 v)
{
	if (!is_64_bit_mode(vcpu))
		v = (u32)v;
	if (reg == VCPU_REGS_RSP)
		vmcs_writel(GUEST_RSP, v);
	else
		vcpu->regs[reg] = v;
}

/*
 * PAE paging without long mode takes its four PDPTEs from memory when CR0,
 * CR3 or CR4 is loaded; with EPT the VMCS holds them (GUEST_PDPTRn) and VM
 * entry loads them, so an emulated CR write must refresh them (SDM "PDPTE
 * Registers" and "Loading Guest PDPTRs").
 */
static int load_pdptrs(struct kvm_vcpu *vcpu, u64 cr3)
{
	static const u32 fields[4] = { GUEST_PDPTR0, GUEST_PDPTR1, GUEST_PDPTR2,
				       GUEST_PDPTR3 };
	u64 pdpte[4];

	if (kvm_read_guest(vcpu->kvm, cr3 & ~(u64)(PAE_PDPT_ALIGN - 1) & 0xffffffff,
			   pdpte, sizeof(pdpte)))
		return -EFAULT;
	for (int i = 0; i < 4; i++)
		if ((pdpte[i] & PDPTE_PRESENT) && (pdpte[i] & PDPTE_RESERVED))
			return -EINVAL;
	for (int i = 0; i < 4; i++)
		vmcs_write64(fields[i], pdpte[i]);
	return 0;
}

static bool is_pae_paging(u64 cr0, u64 cr4, u64 efer)
{
	return (cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE) && !(efer & EFER_LMA);
}

static void update_guest_efer(struct kvm_vcpu *vcpu)
{
	if (vm_entry_controls_get(to_vmx(vcpu)) & VM_ENTRY_LOAD_IA32_EFER)
		vmcs_write64(GUEST_IA32_EFER, vcpu->arch.efer);
}

/* Returns 0, or 1 when the write must raise #GP. */
int kvm_set_cr0(struct kvm_vcpu *vcpu, u64 cr0)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	u64 old = kvm_read_cr0(vcpu);
	u64 cr4 = kvm_read_cr4(vcpu);
	u64 fixed0 = vmcs_config.cr0_fixed0, hw;

	if (cr0 & CR0_RESERVED_HIGH)
		return 1;
	if ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD))
		return 1;
	if ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE))
		return 1;

	/* Entering or leaving IA-32e mode (SDM "IA-32e Mode Operation"). */
	if (!(old & X86_CR0_PG) && (cr0 & X86_CR0_PG) &&
	    (vcpu->arch.efer & EFER_LME)) {
		if (!(cr4 & X86_CR4_PAE))
			return 1;
		vcpu->arch.efer |= EFER_LMA;
		vm_entry_controls_setbit(vmx, VM_ENTRY_IA32E_MODE);
		update_guest_efer(vcpu);
	} else if ((old & X86_CR0_PG) && !(cr0 & X86_CR0_PG) &&
		   (vcpu->arch.efer & EFER_LMA)) {
		vcpu->arch.efer &= ~EFER_LMA;
		vm_entry_controls_clearbit(vmx, VM_ENTRY_IA32E_MODE);
		update_guest_efer(vcpu);
	}
	if (is_pae_paging(cr0, cr4, vcpu->arch.efer) &&
	    ((cr0 ^ old) & (X86_CR0_PG | X86_CR0_PE)) &&
	    load_pdptrs(vcpu, vmcs_readl(GUEST_CR3)))
		return 1;

	/* Unrestricted guest lets PE and PG be 0 (SDM "Unrestricted Guests"). */
	if (secondary_exec_controls_get(vmx) & SECONDARY_EXEC_UNRESTRICTED_GUEST)
		fixed0 &= ~(X86_CR0_PE | X86_CR0_PG);
	hw = (cr0 | fixed0) & vmcs_config.cr0_fixed1;
	vmcs_writel(GUEST_CR0, hw);
	vmcs_writel(CR0_READ_SHADOW, cr0);
	if ((cr0 ^ old) & X86_CR0_PG)
		vpid_sync_context(vmx->vpid);
	return 0;
}

int kvm_set_cr4(struct kvm_vcpu *vcpu, u64 cr4)
{
	u64 old = kvm_read_cr4(vcpu);
	u64 cr0 = kvm_read_cr0(vcpu);

	/* VMX and SMX are not offered to the guest: setting them #GPs as
	 * on a CPU without them, like any bit the CPU lacks. */
	if (cr4 & (X86_CR4_VMXE | X86_CR4_SMXE | ~vmcs_config.cr4_fixed1))
		return 1;
	if ((vcpu->arch.efer & EFER_LMA) && !(cr4 & X86_CR4_PAE))
		return 1;
	if (is_pae_paging(cr0, cr4, vcpu->arch.efer) &&
	    ((cr4 ^ old) & X86_CR4_PAE) && load_pdptrs(vcpu, vmcs_readl(GUEST_CR3)))
		return 1;
	vmcs_writel(GUEST_CR4, cr4 | vmcs_config.cr4_fixed0 | X86_CR4_VMXE);
	vmcs_writel(CR4_READ_SHADOW, cr4);
	if ((cr4 ^ old) & (X86_CR4_PAE | X86_CR4_PGE | X86_CR4_PSE))
		vpid_sync_context(to_vmx(vcpu)->vpid);
	return 0;
}

static int complete_cr_write(struct kvm_vcpu *vcpu, int err)
{
	if (err) {
		kvm_queue_exception_e(vcpu, GP_VECTOR, 0);
		return 1;
	}
	return kvm_skip_emulated_instruction(vcpu);
}

int handle_cr(struct kvm_vcpu *vcpu)
{
	union exit_qual_cr q = { .raw = vmcs_readl(EXIT_QUALIFICATION) };
	u64 val;
	int err = 0;

	if (unlikely(vcpu->kvm->settings.trace & TRACE_CR))
		printk("trace: cr%u access type %u gpr %u value %#llx rip %#lx\n",
		       (unsigned)q.cr, (unsigned)q.access_type, (unsigned)q.gpr,
		       q.access_type == CR_ACCESS_TYPE_MOV_TO_CR ?
		       kvm_register_read(vcpu, q.gpr) : 0ull, vmcs_readl(GUEST_RIP));

	switch (q.access_type) {
	case CR_ACCESS_TYPE_MOV_TO_CR:
		val = kvm_register_read(vcpu, q.gpr);
		switch (q.cr) {
		case 0:
			err = kvm_set_cr0(vcpu, val);
			break;
		case 3:
			if (is_pae_paging(kvm_read_cr0(vcpu), kvm_read_cr4(vcpu),
					  vcpu->arch.efer) && load_pdptrs(vcpu, val))
				err = 1;
			else
				vmcs_writel(GUEST_CR3, val);
			break;
		case 4:
			err = kvm_set_cr4(vcpu, val);
			break;
		case 8:
			if (val & CR8_RESERVED) {
				err = 1;
			} else {
				/* CR8 is the APIC's TPR[7:4] (SDM Vol. 3A,
				 * "Task Priority in IA-32e Mode") */
				kvm_lapic_set_tpr(vcpu->arch.apic, val);
				vcpu->arch.requests |= KVM_REQ_EVENT;
			}
			break;
		default:
			goto unexpected;
		}
		return complete_cr_write(vcpu, err);
	case CR_ACCESS_TYPE_MOV_FROM_CR:
		switch (q.cr) {
		case 3:
			val = vmcs_readl(GUEST_CR3);
			break;
		case 8:
			val = kvm_lapic_get_cr8(vcpu->arch.apic);
			break;
		default:
			goto unexpected;
		}
		kvm_register_write(vcpu, q.gpr, val);
		return kvm_skip_emulated_instruction(vcpu);
	case CR_ACCESS_TYPE_CLTS:
		return complete_cr_write(vcpu,
			kvm_set_cr0(vcpu, kvm_read_cr0(vcpu) & ~X86_CR0_TS));
	case CR_ACCESS_TYPE_LMSW:
		/* LMSW loads CR0[3:0] but cannot clear PE (SDM "LMSW"). */
		val = kvm_read_cr0(vcpu);
		val = (val & ~0xeull) | (q.lmsw_source_data & 0xf) |
		      (val & X86_CR0_PE);
		return complete_cr_write(vcpu, kvm_set_cr0(vcpu, val));
	}
unexpected:
	vmx_kill_vm(vcpu, KVM_EXIT_INTERNAL_ERROR, KVM_INTERNAL_ERROR_EMULATION,
		    "unexpected CR_ACCESS exit (qualification %#llx: cr%u type %u) at RIP %#lx",
		    q.raw, (unsigned)q.cr, (unsigned)q.access_type, vmcs_readl(GUEST_RIP));
	return 0;
}

/* Debug registers: DR0-3 and DR6 live in the hardware registers (the
 * host never uses them); DR7 is in the VMCS. */
static u64 read_dr(unsigned n)
{
	u64 v = 0;

	switch (n) {
	case 0: asm volatile("mov %%db0, %0" : "=r"(v)); break;
	case 1: asm volatile("mov %%db1, %0" : "=r"(v)); break;
	case 2: asm volatile("mov %%db2, %0" : "=r"(v)); break;
	case 3: asm volatile("mov %%db3, %0" : "=r"(v)); break;
	case 6: asm volatile("mov %%db6, %0" : "=r"(v)); break;
	}
	return v;
}

static void write_dr(unsigned n, u64 v)
{
	switch (n) {
	case 0: asm volatile("mov %0, %%db0" : : "r"(v)); break;
	case 1: asm volatile("mov %0, %%db1" : : "r"(v)); break;
	case 2: asm volatile("mov %0, %%db2" : : "r"(v)); break;
	case 3: asm volatile("mov %0, %%db3" : : "r"(v)); break;
	case 6: asm volatile("mov %0, %%db6" : : "r"(v)); break;
	}
}

int handle_dr(struct kvm_vcpu *vcpu)
{
	union exit_qual_dr q = { .raw = vmcs_readl(EXIT_QUALIFICATION) };
	unsigned dr = q.dr;

	if (kvm_cpl(vcpu) != 0) {
		kvm_queue_exception_e(vcpu, GP_VECTOR, 0);
		return 1;
	}
	if (dr == 4 || dr == 5) {
		/* SDM "Debug Registers DR4 and DR5": #UD with CR4.DE, else
		 * aliases of DR6 and DR7. */
		if (kvm_read_cr4(vcpu) & X86_CR4_DE) {
			kvm_queue_exception(vcpu, UD_VECTOR);
			return 1;
		}
		dr += 2;
	}
	if (q.direction == DR_ACCESS_DIRECTION_MOV_FROM_DR) {
		u64 v = dr == 7 ? vmcs_readl(GUEST_DR7) : read_dr(dr);

		kvm_register_write(vcpu, q.gpr, v);
	} else {
		u64 v = kvm_register_read(vcpu, q.gpr);

		if ((dr == 6 || dr == 7) && (v >> 32)) {
			kvm_queue_exception_e(vcpu, GP_VECTOR, 0);
			return 1;
		}
		if (dr == 7)
			vmcs_writel(GUEST_DR7, v);
		else
			write_dr(dr, dr == 6 ? v | DR6_FIXED_1 : v);
	}
	return kvm_skip_emulated_instruction(vcpu);
}

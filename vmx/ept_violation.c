/* SPDX-License-Identifier: MIT */
/*
 * EPT violations: the guest touched guest-physical memory that no memory
 * slot backs (and, with APICv, the APIC-access exits emulated the same
 * way).  A data access becomes an MMIO exit to the device model
 * (KVM_EXIT_MMIO, as QEMU sees it): the instruction is fetched through the
 * guest's page tables and decoded to learn the access size, the register
 * and the instruction length, none of which the exit provides (SDM "Exit
 * Qualification for EPT Violations").  An instruction fetch outside RAM, or
 * an instruction tinyvmx cannot decode, ends the VM with a report.
 */
#include <stdio.h>
#include <string.h>

#include "dev/lapic.h"
#include "kernel/kernel.h"
#include "kernel/x86.h"
#include "vmx/guest_access.h"
#include "vmx/vmx.h"

/*
 * How the CPU decodes at CS:RIP: CS.L in IA-32e mode, else the cached
 * CS.D, whatever CR0.PE says.  Real-mode code is 16-bit because the way
 * into real mode passes through a 16-bit code segment (SDM Vol. 3A,
 * "Switching Back to Real-Address Mode"); a guest that clears PE from
 * 32-bit code still runs 32-bit code, in VMX non-root operation as on
 * bare metal.
 */
static enum insn_mode guest_insn_mode(struct kvm_vcpu *vcpu)
{
	if (is_64_bit_mode(vcpu))
		return INSN_MODE_64;
	if (vmcs_read32(GUEST_CS_AR_BYTES) & VMX_AR_DB)
		return INSN_MODE_32;
	return INSN_MODE_16;
}

/* Fetch up to 15 bytes at CS:RIP; returns how many could be read. */
static unsigned fetch_insn(struct kvm_vcpu *vcpu, enum insn_mode mode, u8 *buf)
{
	unsigned as = mode == INSN_MODE_64 ? 8 : mode == INSN_MODE_32 ? 4 : 2;
	u64 lin = kvm_linear_addr(vcpu, SEG_CS, vmcs_readl(GUEST_RIP), as);
	unsigned first = MIN(INSN_MAX_LEN, PAGE_SIZE - (lin & (PAGE_SIZE - 1)));
	u64 gpa;

	if (kvm_translate_linear(vcpu, lin, GUEST_WALK_FETCH, &gpa) ||
	    kvm_read_guest(vcpu->kvm, gpa, buf, first))
		return 0;
	if (first < INSN_MAX_LEN &&
	    !kvm_translate_linear(vcpu, lin + first, GUEST_WALK_FETCH, &gpa) &&
	    !kvm_read_guest(vcpu->kvm, gpa, buf + first, INSN_MAX_LEN - first))
		return INSN_MAX_LEN;
	/* a fault on the second page must not reach the guest: the first
	 * page may hold the whole instruction */
	vcpu->arch.exception.pending = false;
	return first;
}

static void format_bytes(char *out, size_t len, const u8 *b, unsigned n)
{
	size_t p = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < n && p + 4 < len; i++)
		p += snprintf(out + p, len - p, "%s%02x", i ? " " : "", b[i]);
}

static void read_gprs(struct kvm_vcpu *vcpu, u64 regs[INSN_NR_REGS])
{
	for (int i = 0; i < INSN_NR_REGS; i++)
		regs[i] = vcpu->regs[i];
	regs[VCPU_REGS_RSP] = vmcs_readl(GUEST_RSP);
}

/*
 * The xAPIC page is the local APIC's own MMIO, emulated here rather than
 * by the device model (KVM keeps the APIC in the kernel too).  Only when
 * the APIC is enabled in xAPIC mode: in x2APIC mode or disabled the page
 * is ordinary unassigned space.
 */
static bool kvm_lapic_mmio_in_kernel(struct kvm_vcpu *vcpu, u64 gpa)
{
	struct kvm_lapic *apic = vcpu->arch.apic;

	return kvm_apic_hw_enabled(apic) && !apic_x2apic_mode(apic) &&
	       gpa - APIC_DEFAULT_PHYS_BASE < LAPIC_MMIO_LENGTH;
}

/* Serve the access in run->mmio at once, then finish the instruction. */
static int kvm_lapic_serve_mmio(struct kvm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	u32 offset = run->mmio.phys_addr - APIC_DEFAULT_PHYS_BASE;
	u32 v = 0;
	int r;

	if (run->mmio.is_write) {
		memcpy(&v, run->mmio.data, MIN(run->mmio.len, sizeof(v)));
		kvm_lapic_mmio_write(vcpu->arch.apic, offset, run->mmio.len, v);
		/* EOI, TPR, ICR, timer: anything may have changed */
		vcpu->arch.requests |= KVM_REQ_EVENT;
	} else {
		v = kvm_lapic_mmio_read(vcpu->arch.apic, offset, run->mmio.len);
		memcpy(run->mmio.data, &v, MIN(run->mmio.len, sizeof(v)));
	}
	vcpu->stat.lapic_mmio++;
	r = complete_mmio(vcpu);
	vcpu->arch.pending = PENDING_NONE;
	run->exit_reason = KVM_EXIT_UNKNOWN;
	return r;
}

/*
 * Emulate the data access at @gpa made by the instruction at CS:RIP: fetch
 * it through the guest's page tables and decode it to learn the access
 * size, the register and the instruction length, none of which the exit
 * provides (SDM "Exit Qualification for EPT Violations").  The xAPIC page
 * is served here; anything else becomes a KVM_EXIT_MMIO for the device
 * model.  @exit_name and @qual only go into the report of an instruction
 * that cannot be decoded.
 */
int kvm_emulate_mmio(struct kvm_vcpu *vcpu, u64 gpa, bool write,
		     const char *exit_name, u64 qual)
{
	struct kvm_run *run = vcpu->run;
	struct insn *insn = &vcpu->arch.pending_insn;
	enum insn_mode mode;
	u8 bytes[INSN_MAX_LEN];
	char err[96], hex[3 * INSN_MAX_LEN + 1];
	unsigned n;

	mode = guest_insn_mode(vcpu);
	n = fetch_insn(vcpu, mode, bytes);
	if (!n || insn_decode(bytes, n, mode, insn, err, sizeof(err))) {
		format_bytes(hex, sizeof(hex), bytes, n);
		vmx_kill_vm(vcpu, KVM_EXIT_INTERNAL_ERROR, KVM_INTERNAL_ERROR_EMULATION,
			    "cannot emulate the MMIO %s at GPA %#llx (%s, qualification "
			    "%#llx), RIP %#lx: %s; instruction bytes: %s",
			    write ? "write" : "read", gpa, exit_name, qual,
			    vmcs_readl(GUEST_RIP),
			    n ? err : "instruction not readable", n ? hex : "none");
		return 0;
	}

	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = insn->mem_size;
	run->mmio.is_write = insn->kind == INSN_MOV_TO_MEM;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (run->mmio.is_write) {
		u64 regs[INSN_NR_REGS], v;

		read_gprs(vcpu, regs);
		v = insn_store_value(regs, insn);
		memcpy(run->mmio.data, &v, insn->mem_size);
		vcpu->arch.pending = PENDING_MMIO_WRITE;
	} else {
		vcpu->arch.pending = PENDING_MMIO_READ;
	}
	if (kvm_lapic_mmio_in_kernel(vcpu, gpa))
		return kvm_lapic_serve_mmio(vcpu);
	vcpu->stat.mmio_exits++;
	return 0;
}

int handle_ept_violation(struct kvm_vcpu *vcpu)
{
	union exit_qual_ept_violation q = { .raw = vmcs_readl(EXIT_QUALIFICATION) };
	u64 gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);

	if (gfn_to_memslot(vcpu->kvm, gpa >> PAGE_SHIFT)) {
		vmx_kill_vm(vcpu, KVM_EXIT_INTERNAL_ERROR, KVM_INTERNAL_ERROR_EMULATION,
			    "EPT violation on guest RAM at GPA %#llx (qualification %#llx), RIP %#lx",
			    gpa, q.raw, vmcs_readl(GUEST_RIP));
		return 0;
	}
	if (q.fetch) {
		vmx_kill_vm(vcpu, KVM_EXIT_INTERNAL_ERROR, KVM_INTERNAL_ERROR_GUEST,
			    "guest executed outside its memory: instruction fetch from GPA %#llx "
			    "(EPT_VIOLATION, qualification %#llx), RIP %#lx",
			    gpa, q.raw, vmcs_readl(GUEST_RIP));
		return 0;
	}
	return kvm_emulate_mmio(vcpu, gpa, q.write, "EPT_VIOLATION", q.raw);
}

int complete_mmio(struct kvm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	const struct insn *insn = &vcpu->arch.pending_insn;
	u64 v = 0;

	memcpy(&v, run->mmio.data, run->mmio.len);
	if (unlikely(vcpu->kvm->settings.trace & TRACE_MMIO))
		printk("trace: mmio %s gpa %#llx size %u value %#llx rip %#lx\n",
		       run->mmio.is_write ? "write" : "read", run->mmio.phys_addr,
		       run->mmio.len, v, vmcs_readl(GUEST_RIP));
	if (vcpu->arch.pending == PENDING_MMIO_READ) {
		u64 old = insn->reg == VCPU_REGS_RSP ? vmcs_readl(GUEST_RSP)
						     : vcpu->regs[insn->reg];
		u64 nv = insn_reg_merge(old, v, insn);

		if (insn->reg == VCPU_REGS_RSP)
			vmcs_writel(GUEST_RSP, nv);
		else
			vcpu->regs[insn->reg] = nv;
	}
	kvm_advance_rip(vcpu, insn->len);
	return 1;
}

int handle_ept_misconfig(struct kvm_vcpu *vcpu)
{
	/* Only a hypervisor bug writes a misconfigured EPT entry. */
	vmx_kill_vm(vcpu, KVM_EXIT_INTERNAL_ERROR, KVM_INTERNAL_ERROR_EMULATION,
		    "EPT misconfiguration at GPA %#llx (EPT_MISCONFIG), RIP %#lx",
		    vmcs_read64(GUEST_PHYSICAL_ADDRESS), vmcs_readl(GUEST_RIP));
	return 0;
}

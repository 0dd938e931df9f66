/* SPDX-License-Identifier: MIT */
#include "kernel/x86.h"
#include "vmx/guest_access.h"
#include "vmx/vmx.h"

static const u32 seg_base_field[] = {
	[SEG_ES] = GUEST_ES_BASE, [SEG_CS] = GUEST_CS_BASE,
	[SEG_SS] = GUEST_SS_BASE, [SEG_DS] = GUEST_DS_BASE,
	[SEG_FS] = GUEST_FS_BASE, [SEG_GS] = GUEST_GS_BASE,
};

static bool is_long_mode(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.efer & EFER_LMA;
}

u64 kvm_linear_addr(struct kvm_vcpu *vcpu, enum guest_seg seg, u64 offset,
		    unsigned addr_bytes)
{
	u64 base;

	if (addr_bytes == 2)
		offset &= 0xffff;
	else if (addr_bytes == 4)
		offset &= 0xffffffff;
	/* In 64-bit mode only FS and GS have a base (SDM "Segmentation in
	 * IA-32e Mode"). */
	if (is_64_bit_mode(vcpu) && seg != SEG_FS && seg != SEG_GS)
		return offset;
	base = vmcs_readl(seg_base_field[seg]);
	return is_long_mode(vcpu) ? base + offset : (u32)(base + offset);
}

static int read_gpa(void *opaque, u64 gpa, void *dst, unsigned len)
{
	return kvm_read_guest(opaque, gpa, dst, len);
}

int kvm_translate_linear(struct kvm_vcpu *vcpu, u64 gva, unsigned access,
			 u64 *gpa)
{
	struct guest_walk_ctx ctx = {
		.cr0 = kvm_read_cr0(vcpu),
		.cr3 = vmcs_readl(GUEST_CR3),
		.cr4 = kvm_read_cr4(vcpu),
		.efer = vcpu->arch.efer,
		.read_gpa = read_gpa,
		.opaque = vcpu->kvm,
	};
	struct guest_walk_fault fault;
	int r;

	if (kvm_cpl(vcpu) == 3)
		access |= GUEST_WALK_USER;
	r = guest_walk(&ctx, gva, access, gpa, &fault);
	if (r == -EFAULT) {
		/* VMX does not switch CR2 and the host never changes it, so
		 * the hardware register is the guest's CR2. */
		asm volatile("mov %0, %%cr2" : : "r"(fault.address));
		kvm_queue_exception_e(vcpu, PF_VECTOR, fault.error_code);
	} else if (r == -ERANGE) {
		kvm_queue_exception_e(vcpu, GP_VECTOR, 0);
		r = -EFAULT;
	} else if (r) {
		r = -EIO;
	}
	return r;
}

static int copy_virt(struct kvm_vcpu *vcpu, u64 gva, void *buf, u64 len,
		     unsigned access, bool write)
{
	u8 *p = buf;

	while (len) {
		u64 chunk = MIN(len, PAGE_SIZE - (gva & (PAGE_SIZE - 1)));
		u64 gpa;
		int r = kvm_translate_linear(vcpu, gva, access, &gpa);

		if (r)
			return r;
		r = write ? kvm_write_guest(vcpu->kvm, gpa, p, chunk)
			  : kvm_read_guest(vcpu->kvm, gpa, p, chunk);
		if (r)
			return -EIO;
		gva += chunk;
		p += chunk;
		len -= chunk;
	}
	return 0;
}

int kvm_read_guest_virt(struct kvm_vcpu *vcpu, u64 gva, void *dst, u64 len,
			unsigned access)
{
	return copy_virt(vcpu, gva, dst, len, access, false);
}

int kvm_write_guest_virt(struct kvm_vcpu *vcpu, u64 gva, const void *src,
			 u64 len)
{
	return copy_virt(vcpu, gva, (void *)src, len, GUEST_WALK_WRITE, true);
}

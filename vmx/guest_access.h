/* SPDX-License-Identifier: MIT */
/*
 * Guest virtual-memory access for emulation: segment + offset -> linear
 * address -> (guest page tables) -> guest-physical -> host pointer.
 */
#ifndef TVX_GUEST_ACCESS_H
#define TVX_GUEST_ACCESS_H

#include "virt/kvm_host.h"
#include "vmx/guest_walk.h"

enum guest_seg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS };

/* Linear address of seg:offset with an address size of 2, 4 or 8 bytes. */
u64 kvm_linear_addr(struct kvm_vcpu *vcpu, enum guest_seg seg, u64 offset,
		    unsigned addr_bytes);
/* Translate a linear address; on a guest page fault inject #PF (or #GP
 * for a non-canonical address) and return -EFAULT; -EIO if the page tables
 * are not in RAM. */
int kvm_translate_linear(struct kvm_vcpu *vcpu, u64 gva, unsigned access,
			 u64 *gpa);
/* Copy to/from guest linear memory, page by page.  Returns 0, -EFAULT (a
 * fault was injected), or -EIO (not RAM: the caller reports). */
int kvm_read_guest_virt(struct kvm_vcpu *vcpu, u64 gva, void *dst, u64 len,
			unsigned access);
int kvm_write_guest_virt(struct kvm_vcpu *vcpu, u64 gva, const void *src,
			 u64 len);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * VM and vCPU objects and the run loop (seed 004): the generic side that a
 * device model drives, KVM's kvm_main.c and x86.c in miniature.
 */
#include <string.h>

#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/x86.h"
#include "vmx/cpuid_model.h"
#include "vmx/vmx.h"
#include "vmx/vmx_run.h"

#define SIZE_2M_PAGES 512

static int next_vm_id;

struct kvm *kvm_create_vm(const struct kvm_settings *settings)
{
	struct kvm *kvm = alloc_page();

	_Static_assert(sizeof(struct kvm) <= PAGE_SIZE, "struct kvm fits a page");
	if (!kvm)
		return NULL;
	kvm->id = next_vm_id++;
	kvm->settings = *settings;
	kvm->host_pages = 1;
	kvm->start_tsc = rdtsc();
	if (ept_init(kvm)) {
		free_page(kvm);
		return NULL;
	}
	return kvm;
}

void kvm_destroy_vm(struct kvm *kvm)
{
	for (int i = 0; i < kvm->nr_memslots; i++)
		free_pages(__va(kvm->memslots[i].host_phys), kvm->memslots[i].npages);
	ept_free(kvm);
	if (kvm->apic_access_page)
		free_page(kvm->apic_access_page);
	free_page(kvm);
}

/*
 * KVM_SET_USER_MEMORY_REGION: back [gpa, gpa + size) with host pages and map
 * it in the EPT.  The backing is one physically contiguous, 2 MiB-aligned
 * block so the EPT can use 2 MiB pages.  Guest RAM is not cleared (like RAM
 * at power-on it holds no meaning); the loader zeroes what the image asks.
 */
int kvm_set_memory_region(struct kvm *kvm, u64 gpa, u64 size, const char *name)
{
	struct kvm_memory_slot *slot;
	u64 npages = ALIGN_UP(size, PAGE_SIZE) >> PAGE_SHIFT;
	void *mem;
	int r;

	if (kvm->nr_memslots == KVM_MAX_MEMSLOTS || !IS_ALIGNED(gpa, PAGE_SIZE))
		return -EINVAL;
	mem = alloc_pages_contig(npages, SIZE_2M_PAGES);
	if (!mem)
		return -ENOMEM;
	r = ept_map_range(kvm, gpa, __pa(mem), npages << PAGE_SHIFT);
	if (r) {
		free_pages(mem, npages);
		return r;
	}
	slot = &kvm->memslots[kvm->nr_memslots++];
	slot->base_gfn = gpa >> PAGE_SHIFT;
	slot->npages = npages;
	slot->host_phys = __pa(mem);
	slot->name = name;
	return 0;
}

struct kvm_memory_slot *gfn_to_memslot(struct kvm *kvm, u64 gfn)
{
	for (int i = 0; i < kvm->nr_memslots; i++) {
		struct kvm_memory_slot *s = &kvm->memslots[i];

		if (gfn >= s->base_gfn && gfn - s->base_gfn < s->npages)
			return s;
	}
	return NULL;
}

void *kvm_gpa_to_hva(struct kvm *kvm, u64 gpa, u64 len)
{
	struct kvm_memory_slot *s = gfn_to_memslot(kvm, gpa >> PAGE_SHIFT);
	u64 off;

	if (!s || len == 0)
		return s ? __va(s->host_phys + (gpa - (s->base_gfn << PAGE_SHIFT))) : NULL;
	off = gpa - (s->base_gfn << PAGE_SHIFT);
	if (len > (s->npages << PAGE_SHIFT) - off)
		return NULL;
	return __va(s->host_phys + off);
}

int kvm_read_guest(struct kvm *kvm, u64 gpa, void *dst, u64 len)
{
	void *p = kvm_gpa_to_hva(kvm, gpa, len);

	if (!p)
		return -EFAULT;
	memcpy(dst, p, len);
	return 0;
}

int kvm_write_guest(struct kvm *kvm, u64 gpa, const void *src, u64 len)
{
	void *p = kvm_gpa_to_hva(kvm, gpa, len);

	if (!p)
		return -EFAULT;
	memcpy(p, src, len);
	return 0;
}

struct kvm_vcpu *kvm_vm_ioctl_create_vcpu(struct kvm *kvm, int id,
					   const struct vcpu_boot_state *boot)
{
	struct kvm_vcpu *vcpu;

	if (kvm->online_vcpus == KVM_MAX_VCPUS)
		return NULL;
	vcpu = vmx_create_vcpu(kvm, id, boot);
	if (!vcpu)
		return NULL;
	kvm->vcpus[kvm->online_vcpus++] = vcpu;
	return vcpu;
}

u64 kvm_read_l1_tsc(const struct kvm_vcpu *vcpu)
{
	return rdtsc() + vcpu->arch.tsc_offset;
}

void vcpu_load(struct kvm_vcpu *vcpu)
{
	vmx_vcpu_load(vcpu, 0);
}

void vcpu_put(struct kvm_vcpu *vcpu)
{
	vmx_vcpu_put(vcpu);
}

void kvm_set_pio_handler(struct kvm *kvm,
			 int (*fn)(void *ctx, struct kvm_vcpu *vcpu), void *ctx)
{
	kvm->pio_handler = fn;
	kvm->pio_ctx = ctx;
}

/* Handler returned > 0: go round again; <= 0: back to the device model. */
static __always_inline int vcpu_enter_guest(struct kvm_vcpu *vcpu)
{
	return vmx_handle_exit(vcpu, vmx_vcpu_run(vcpu));
}

/*
 * A plain IN/OUT record served in place by the device model's handler; an
 * IN then completes like after KVM_RUN is entered again.  Returns what
 * vcpu_run() should do next (> 0 run the guest, 0 return the record).
 */
static __always_inline int vcpu_serve_pio(struct kvm_vcpu *vcpu)
{
	struct kvm *kvm = vcpu->kvm;

	if (!kvm->pio_handler || vcpu->run->exit_reason != KVM_EXIT_IO ||
	    vcpu->arch.pending == PENDING_PIO_STRING)
		return 0;
	if (!kvm->pio_handler(kvm->pio_ctx, vcpu))
		return 0;
	vcpu->run->exit_reason = KVM_EXIT_UNKNOWN;	/* consumed */
	if (vcpu->arch.pending == PENDING_PIO_IN) {
		vcpu->arch.pending = PENDING_NONE;
		return complete_pio_in(vcpu);
	}
	return 1;
}

static int vcpu_run(struct kvm_vcpu *vcpu)
{
	int r;

	do {
		r = vcpu_enter_guest(vcpu);
		if (r == 0)
			r = vcpu_serve_pio(vcpu);
	} while (r > 0);
	return r;
}

/*
 * XCR0, KVM's kvm_load_guest_xsave_state()/kvm_load_host_xsave_state().
 * KVM switches XCR0 around every VM entry because the host kernel may use
 * AVX and other extended state between two entries.  The tinyvmx host is
 * built with -mgeneral-regs-only and never touches extended state, so the
 * guest's XCR0 stays in the CPU for the whole run loop: loaded when
 * KVM_RUN starts, rewritten by XSETBV exits (kvm_emulate_xsetbv()), and
 * the host's put back when KVM_RUN returns to the device model.  The exit
 * paths pay nothing, KVM_RUN a compare at each end while the two values
 * agree, and CPUID leaf 0xD, which the hypervisor executes for the guest,
 * reports the sizes for the guest's XCR0.
 *
 * Changing XCR0 leaves the registers alone (a component whose bit is
 * cleared keeps its state, SDM Vol. 1, "XSAVE-Supported Features and
 * State-Component Bitmaps"), and nothing between two KVM_RUNs uses them,
 * so the guest's AVX state survives a trip through the device model.
 *
 * host_xcr0 is read at the first KVM_RUN (nothing in the hypervisor
 * changes it afterwards).  0 means "not read yet" or, when the host has no
 * CR4.OSXSAVE (no XSAVE), "there is no XCR0"; the guest then cannot set
 * CR4.OSXSAVE either, and its XCR0 stays at its reset value.
 */
static u64 host_xcr0;

static __noinline void kvm_load_guest_xsave_state(struct kvm_vcpu *vcpu)
{
	if (!host_xcr0) {
		if (!(read_cr4() & X86_CR4_OSXSAVE))
			return;
		host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	}
	if (vcpu->arch.xcr0 != host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vcpu->arch.xcr0);
}

static __noinline void kvm_load_host_xsave_state(void)
{
	if (host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, host_xcr0);
}

/*
 * Several vCPUs share this physical CPU: each KVM_RUN is one time slice,
 * ended by the VMX-preemption timer (handle_preemption_timer()) if the
 * guest does not exit to the device model first.  INIT/SIPI are taken
 * here, and a vCPU that is still halted or waiting for a SIPI returns at
 * once (KVM_EXIT_INTR), so the loop runs another.
 */
#define KVM_VCPU_SLICE_TICKS 50000ull	/* guest TSC ticks per slice */

static __noinline int kvm_vcpu_start_slice(struct kvm_vcpu *vcpu)
{
	vmx_vcpu_accept_events(vcpu);
	if (vcpu->arch.mp_state == KVM_MP_STATE_HALTED &&
	    kvm_vcpu_has_events(vcpu)) {
		vcpu->arch.mp_state = KVM_MP_STATE_RUNNABLE;
		vcpu->arch.requests |= KVM_REQ_EVENT;
	}
	if (vcpu->arch.mp_state != KVM_MP_STATE_RUNNABLE) {
		vcpu->run->exit_reason = KVM_EXIT_INTR;
		return 0;
	}
	vcpu->arch.slice_end = kvm_read_l1_tsc(vcpu) + KVM_VCPU_SLICE_TICKS;
	vcpu->arch.requests |= KVM_REQ_SLICE;
	return 1;
}

/* KVM_RUN: finish what the device model answered, then run. */
int kvm_arch_vcpu_ioctl_run(struct kvm_vcpu *vcpu)
{
	enum vcpu_pending_op op = vcpu->arch.pending;
	int r = 1;

	if (unlikely(vcpu->arch.xcr0 != host_xcr0))
		kvm_load_guest_xsave_state(vcpu);
	vcpu->run->exit_reason = KVM_EXIT_UNKNOWN;
	if (op != PENDING_NONE) {
		if (op == PENDING_PIO_IN || op == PENDING_PIO_STRING)
			r = complete_pio(vcpu);
		else
			r = complete_mmio(vcpu);
		vcpu->arch.pending = PENDING_NONE;
	}
	if (r > 0 && unlikely(vcpu->kvm->online_vcpus > 1))
		r = kvm_vcpu_start_slice(vcpu);
	if (r > 0)
		r = vcpu_run(vcpu);
	if (unlikely(vcpu->arch.xcr0 != host_xcr0))
		kvm_load_host_xsave_state();
	return r;
}

/*
 * Can the device model's loop run this vCPU now (KVM's
 * kvm_arch_vcpu_runnable())?  It runs unless it waits for a SIPI or sits
 * in HLT with nothing to wake it; INIT or SIPI pending always lets
 * KVM_RUN look at them.
 */
bool kvm_vcpu_runnable(struct kvm_vcpu *vcpu)
{
	if (vcpu->arch.apic->pending_events &
	    (BIT(KVM_APIC_INIT) | BIT(KVM_APIC_SIPI)))
		return true;
	switch (vcpu->arch.mp_state) {
	case KVM_MP_STATE_RUNNABLE:
		return true;
	case KVM_MP_STATE_HALTED:
		return kvm_vcpu_has_events(vcpu);
	default:
		return false;
	}
}

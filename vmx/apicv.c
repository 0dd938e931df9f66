/* SPDX-License-Identifier: MIT */
/*
 * APIC virtualization (SDM Vol. 3C, chapter "APIC Virtualization and
 * Virtual Interrupts"): KVM's APICv, without posted interrupts (see
 * kvm_vcpu_apicv_active() in vmx/exec_controls.c for why).
 *
 * The local APIC model's register page (dev/lapic.c) is the vCPU's
 * virtual-APIC page, so the CPU and the model work on the same registers.
 *
 *  - xAPIC mode.  The EPT maps the xAPIC address to the VM's APIC-access
 *    page, and "virtualize APIC accesses" turns guest accesses to that page
 *    into accesses to the virtual-APIC page.  With APIC-register
 *    virtualization most reads come from the page without an exit; TPR
 *    writes and EOI are virtualized by the CPU; writes of the other
 *    registers land in the page and cause a trap-like APIC-write exit
 *    (handle_apic_write()); anything else, e.g. a read of the timer's
 *    current count or an access that is not 32 bits, causes a fault-like
 *    APIC-access exit, emulated like the xAPIC MMIO of the apicv-off path
 *    (handle_apic_access()).
 *  - x2APIC mode.  "virtualize x2APIC mode" with the MSR bitmap open for
 *    RDMSR of the registers the page holds, and for WRMSR of TPR, EOI and
 *    SELF IPI, which the CPU virtualizes; every other x2APIC MSR exits.
 *  - Interrupts.  The hypervisor sets the vector in the page's IRR and
 *    RVI (GUEST_INTR_STATUS bits 7:0) before the next VM entry; the CPU
 *    delivers it as soon as RFLAGS.IF and the interruptibility state allow
 *    (no interrupt-window exits), moving it to ISR (SVI, bits 15:8) and
 *    raising PPR.  The guest's EOI clears it again; for vectors the
 *    EOI-exit bitmap names, which are the level-triggered ones (their TMR
 *    bit), an EOI-induced exit follows so the I/O APIC can clear remote IRR
 *    (handle_apic_eoi_induced()).
 *
 * The 8259's ExtINT and NMIs are still injected through the VM-entry
 * interruption-information field (vmx/interrupt.c).
 */
#include <string.h>

#include "dev/lapic.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/x86.h"
#include "vmx/capabilities.h"
#include "vmx/msr_bitmap.h"
#include "vmx/vmx.h"
#include "vmx/vmx_controls.h"

/* GUEST_INTR_STATUS (SDM Vol. 3C, "Guest Non-Register State"): RVI, the
 * highest requested vector, in bits 7:0; SVI, the highest in service, in
 * bits 15:8. */
#define GUEST_INTR_STATUS_SVI_SHIFT	8

#define EOI_EXIT_BITMAPS		4
#define VECTORS_PER_EOI_EXIT_BITMAP	64

static const u32 eoi_exit_bitmap_field[EOI_EXIT_BITMAPS] = {
	EOI_EXIT_BITMAP0, EOI_EXIT_BITMAP1, EOI_EXIT_BITMAP2, EOI_EXIT_BITMAP3,
};

/*
 * x2APIC registers whose RDMSR the CPU may answer from the virtual-APIC
 * page (SDM Vol. 3C, "Virtualizing RDMSR and WRMSR").  Not the timer's
 * current count, which only the model can compute, nor the registers that
 * fault on read (EOI, SELF IPI) or do not exist: those keep exiting so the
 * guest gets its #GP.  LVT CMCI is present only with LAPIC_FEAT_CMCI and
 * stays intercepted.
 */
static const u32 x2apic_readable_regs[] = {
	APIC_ID, APIC_LVR, APIC_TASKPRI, APIC_PROCPRI, APIC_LDR, APIC_SPIV,
	APIC_ESR, APIC_ICR, APIC_LVTT, APIC_LVTTHMR, APIC_LVTPC, APIC_LVT0,
	APIC_LVT1, APIC_LVTERR, APIC_TMICT, APIC_TDCR,
};

/* WRMSRs that TPR virtualization, EOI virtualization and self-IPI
 * virtualization complete without an exit. */
static const u32 x2apic_virtualized_writes[] = {
	APIC_TASKPRI, APIC_EOI, APIC_SELF_IPI,
};

static u32 x2apic_msr(u32 reg)
{
	return APIC_BASE_MSR + (reg >> APIC_REG_SHIFT);
}

static void x2apic_msr_intercept(u8 *bm, u32 reg, unsigned type, bool open)
{
	if (open)
		vmx_disable_intercept_for_msr(bm, x2apic_msr(reg), type);
	else
		vmx_enable_intercept_for_msr(bm, x2apic_msr(reg), type);
}

/* KVM's vmx_update_msr_bitmap_x2apic(). */
static void vmx_update_msr_bitmap_x2apic(struct vcpu_vmx *vmx, bool open)
{
	u8 *bm = (u8 *)vmx->vmcs01.msr_bitmap;

	if (!bm)
		return;
	for (unsigned i = 0; i < ARRAY_SIZE(x2apic_readable_regs); i++)
		x2apic_msr_intercept(bm, x2apic_readable_regs[i], MSR_TYPE_R,
				     open);
	for (unsigned i = 0; i < APIC_NR_VECTOR_REGS; i++) {
		x2apic_msr_intercept(bm, APIC_ISR + i * APIC_REG_STRIDE,
				     MSR_TYPE_R, open);
		x2apic_msr_intercept(bm, APIC_TMR + i * APIC_REG_STRIDE,
				     MSR_TYPE_R, open);
		x2apic_msr_intercept(bm, APIC_IRR + i * APIC_REG_STRIDE,
				     MSR_TYPE_R, open);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(x2apic_virtualized_writes); i++)
		x2apic_msr_intercept(bm, x2apic_virtualized_writes[i],
				     MSR_TYPE_W, open);
}

/* One zeroed page per VM, KVM's alloc_apic_access_page(): only its address
 * matters, the CPU never reads or writes it. */
int vmx_alloc_apic_access_page(struct kvm *kvm)
{
	if (kvm->apic_access_page)
		return 0;
	kvm->apic_access_page = alloc_page();
	if (!kvm->apic_access_page)
		return -ENOMEM;
	memset(kvm->apic_access_page, 0, PAGE_SIZE);
	kvm->host_pages++;
	return 0;
}

void vmx_apicv_init_vmcs(struct vcpu_vmx *vmx)
{
	struct kvm *kvm = vmx->vcpu.kvm;

	vmcs_write64(VIRTUAL_APIC_PAGE_ADDR, __pa(vmx->apic_page));
	/* With virtual-interrupt delivery the TPR threshold is not used
	 * (SDM "TPR Virtualization"); it must still be valid. */
	vmcs_write32(TPR_THRESHOLD, 0);
	vmcs_write64(APIC_ACCESS_ADDR, __pa(kvm->apic_access_page));
	for (unsigned i = 0; i < EOI_EXIT_BITMAPS; i++) {
		vmcs_write64(eoi_exit_bitmap_field[i], 0);
		vmx->eoi_exit_bitmap[i] = 0;
	}
	vmcs_write16(GUEST_INTR_STATUS, 0);
}

/*
 * Follow the guest's APIC mode (KVM's vmx_set_virtual_apic_mode()): called
 * at vCPU creation and after every IA32_APIC_BASE write.  "virtualize APIC
 * accesses" only while the xAPIC page is decoded, i.e. in xAPIC mode, and
 * the EPT maps the APIC-access page only then: in x2APIC mode or with the
 * APIC disabled the address is unassigned space again (an EPT violation).
 */
void vmx_refresh_apicv_mode(struct kvm_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	struct kvm_lapic *apic = vcpu->arch.apic;
	struct kvm *kvm = vcpu->kvm;
	bool x2apic, xapic, virt_x2apic;
	u32 sec;

	if (!kvm_vcpu_apicv_active(vcpu))
		return;
	x2apic = apic_x2apic_mode(apic);
	xapic = kvm_apic_hw_enabled(apic) && !x2apic;
	virt_x2apic = x2apic && cpu_has_vmx_virtualize_x2apic_mode();

	sec = secondary_exec_controls_get(vmx) &
	      ~(SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES |
		SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE);
	if (xapic)
		sec |= SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES;
	if (virt_x2apic)
		sec |= SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE;
	secondary_exec_controls_set(vmx, sec);

	/*
	 * The EPT is the VM's: map the page only while every vCPU is in
	 * xAPIC mode.  A vCPU still in xAPIC mode when another has left it
	 * takes EPT violations on the page instead, which the hypervisor
	 * emulates the same way (kvm_emulate_mmio()).
	 */
	for (int i = 0; i < kvm->online_vcpus && xapic; i++) {
		struct kvm_lapic *other = kvm->vcpus[i]->arch.apic;

		xapic = kvm_apic_hw_enabled(other) && !apic_x2apic_mode(other);
	}
	if (xapic != kvm->apic_access_page_mapped) {
		if (xapic)
			ept_map_page(kvm, APIC_DEFAULT_PHYS_BASE,
				     __pa(kvm->apic_access_page));
		else
			ept_unmap_page(kvm, APIC_DEFAULT_PHYS_BASE);
		kvm->apic_access_page_mapped = xapic;
		ept_sync_context(kvm);
	}
	vmx_update_msr_bitmap_x2apic(vmx, virt_x2apic);
	vcpu->arch.requests |= KVM_REQ_EVENT;
}

/*
 * Before a VM entry, after anything touched the APIC (KVM_REQ_EVENT): RVI
 * and SVI from the page's IRR and ISR (KVM's vmx_hwapic_irr_update() and
 * vmx_hwapic_isr_update()), and the EOI-exit bitmap from TMR (KVM's
 * vmx_load_eoi_exitmap(), which derives it from the I/O APIC routes; the
 * TMR bit is set exactly when a level-triggered message was accepted).
 */
void vmx_apicv_sync_intr_status(struct kvm_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	struct kvm_lapic *apic = vcpu->arch.apic;
	int irr = apic_find_highest_irr(apic);
	int isr = apic_find_highest_isr(apic);
	u16 status = (u16)((irr > 0 ? irr : 0) |
			   (isr > 0 ? isr : 0) << GUEST_INTR_STATUS_SVI_SHIFT);

	vmcs_write16(GUEST_INTR_STATUS, status);
	for (unsigned i = 0; i < EOI_EXIT_BITMAPS; i++) {
		u32 lo_reg = APIC_TMR + 2 * i * APIC_REG_STRIDE;
		u64 tmr = kvm_lapic_get_reg(apic, lo_reg) |
			  (u64)kvm_lapic_get_reg(apic, lo_reg +
						 APIC_REG_STRIDE) << 32;

		_Static_assert(VECTORS_PER_EOI_EXIT_BITMAP ==
			       2 * APIC_VECTORS_PER_REG,
			       "two TMR registers per EOI-exit bitmap");
		if (tmr != vmx->eoi_exit_bitmap[i]) {
			vmcs_write64(eoi_exit_bitmap_field[i], tmr);
			vmx->eoi_exit_bitmap[i] = tmr;
		}
	}
}

static const char *apic_access_type_name(unsigned type)
{
	switch (type) {
	case APIC_ACCESS_TYPE_LINEAR_READ:
		return "linear read";
	case APIC_ACCESS_TYPE_LINEAR_WRITE:
		return "linear write";
	case APIC_ACCESS_TYPE_LINEAR_FETCH:
		return "instruction fetch";
	case APIC_ACCESS_TYPE_LINEAR_EVENT_DELIVERY:
		return "linear access during event delivery";
	case APIC_ACCESS_TYPE_PHYS_EVENT_DELIVERY:
		return "guest-physical access during event delivery";
	case APIC_ACCESS_TYPE_PHYS_FETCH_OR_EXEC:
		return "guest-physical instruction fetch or execution";
	default:
		return "reserved access type";
	}
}

/*
 * APIC-access VM exit (SDM Vol. 3C, "APIC-Access VM Exits"): a data access
 * the CPU does not virtualize.  It is fault-like, so the instruction is
 * emulated against the model exactly as an EPT violation on the xAPIC page
 * is with apicv off.  Fetches from the APIC page and accesses made while
 * delivering an event (an IDT or stack in the APIC page) end the VM.
 */
int handle_apic_access(struct kvm_vcpu *vcpu)
{
	union exit_qual_apic_access q = {
		.raw = vmcs_readl(EXIT_QUALIFICATION)
	};
	/* the page is decoded at its default address only (vmx/msr.c) */
	u64 gpa = APIC_DEFAULT_PHYS_BASE + q.offset;

	switch (q.access_type) {
	case APIC_ACCESS_TYPE_LINEAR_READ:
	case APIC_ACCESS_TYPE_LINEAR_WRITE:
		return kvm_emulate_mmio(vcpu, gpa,
					q.access_type ==
					APIC_ACCESS_TYPE_LINEAR_WRITE,
					"APIC_ACCESS", q.raw);
	default:
		vmx_kill_vm(vcpu, KVM_EXIT_INTERNAL_ERROR,
			    KVM_INTERNAL_ERROR_EMULATION,
			    "cannot emulate an APIC-page %s at offset %#x "
			    "(APIC_ACCESS, qualification %#llx), RIP %#lx",
			    apic_access_type_name(q.access_type),
			    (unsigned)q.offset, q.raw, vmcs_readl(GUEST_RIP));
		return 0;
	}
}

/*
 * APIC-write VM exit (SDM Vol. 3C, "APIC-Write Emulation"): trap-like, the
 * write is done in the page and RIP is past the instruction; the model
 * carries out what the write means (an IPI, a timer start, an LVT mask).
 */
int handle_apic_write(struct kvm_vcpu *vcpu)
{
	union exit_qual_apic_write q = { .raw = vmcs_readl(EXIT_QUALIFICATION) };

	kvm_apic_write_nodecode(vcpu->arch.apic, q.offset);
	vcpu->stat.lapic_mmio++;
	vcpu->arch.requests |= KVM_REQ_EVENT;
	return 1;
}

/*
 * EOI-induced VM exit (SDM Vol. 3C, "EOI Virtualization"): trap-like, the
 * CPU has already taken the vector out of ISR; the model finishes the EOI
 * (PPR, and the I/O APIC's remote IRR for a level-triggered vector).
 */
int handle_apic_eoi_induced(struct kvm_vcpu *vcpu)
{
	union exit_qual_eoi_induced q = {
		.raw = vmcs_readl(EXIT_QUALIFICATION)
	};

	kvm_apic_set_eoi_accelerated(vcpu->arch.apic, q.vector);
	vcpu->arch.requests |= KVM_REQ_EVENT;
	return 1;
}

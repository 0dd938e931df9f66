/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's half of the interrupt controllers, the way KVM splits
 * them with KVM_CAP_SPLIT_IRQCHIP: every vCPU has its local APIC here
 * (dev/lapic.c over the vCPU's APIC page, which is also the page the CPU's
 * APIC virtualization uses), while the 8259 pair and the IOAPIC live in the
 * device model.  The two halves meet in three places:
 *
 *   IOAPIC -> LAPIC   kvm_irq_delivery_to_apic(), the interrupt message
 *   PIC    -> CPU     kvm_irqchip_ops.pic_has_interrupt/pic_read_irq,
 *                     used when LINT0 is in ExtINT mode (or the APIC is off)
 *   LAPIC  -> IOAPIC  kvm_irqchip_ops.eoi_level, the EOI of a
 *                     level-triggered vector (remote IRR)
 *
 * Anything that may make an interrupt deliverable sets KVM_REQ_EVENT on the
 * vCPU; vmx/interrupt.c looks at the controllers before the next VM entry
 * only then.
 */
#include "dev/apic_irq.h"
#include "dev/lapic.h"
#include "kernel/kernel.h"
#include "kernel/x86.h"
#include "virt/kvm_host.h"
#include "vmx/vmx.h"

static u64 lapic_read_tsc(void *ctx)
{
	return kvm_read_l1_tsc(ctx);
}

static int lapic_send_ipi(void *ctx, const struct kvm_lapic_irq *irq)
{
	struct kvm_vcpu *vcpu = ctx;

	return kvm_irq_delivery_to_apic(vcpu->kvm, vcpu->arch.apic, irq);
}

static void lapic_eoi_level(void *ctx, int vector)
{
	struct kvm *kvm = ((struct kvm_vcpu *)ctx)->kvm;

	if (kvm->irqchip && kvm->irqchip->eoi_level)
		kvm->irqchip->eoi_level(kvm->irqchip_ctx, vector);
}

static const struct lapic_ops kvm_lapic_ops = {
	.read_tsc = lapic_read_tsc,
	.send_ipi = lapic_send_ipi,
	.eoi_level = lapic_eoi_level,
};

void kvm_create_lapic(struct kvm_vcpu *vcpu, struct kvm_lapic *apic,
		      void *regs_page)
{
	kvm_lapic_init(apic, regs_page, vcpu->vcpu_id, &kvm_lapic_ops, vcpu);
	/* IA32_APIC_BASE's address bits end where the guest's MAXPHYADDR
	 * does, the one the MTRR checks use (CPUID 0x80000008 is passed
	 * through). */
	apic->maxphyaddr = cpuid_maxphyaddr();
	kvm_lapic_reset(apic, vcpu->vcpu_id == 0);
	/*
	 * What PC firmware leaves in the BSP's LVT for the OS (the virtual
	 * wire mode of the MultiProcessor Specification, as SeaBIOS sets it
	 * up under QEMU): LINT0 takes the 8259's INTR as ExtINT, LINT1 is
	 * the NMI input.  A guest booted with -kernel expects it.
	 */
	if (vcpu->vcpu_id == 0) {
		kvm_lapic_set_reg(apic, APIC_LVT0, APIC_DM_EXTINT << APIC_DM_SHIFT);
		kvm_lapic_set_reg(apic, APIC_LVT1, APIC_DM_NMI << APIC_DM_SHIFT);
	}
	vcpu->arch.apic = apic;
}

void kvm_set_irqchip(struct kvm *kvm, const struct kvm_irqchip_ops *ops,
		     void *ctx)
{
	kvm->irqchip = ops;
	kvm->irqchip_ctx = ctx;
}

/*
 * Lowest-priority delivery goes to the first APIC that matches: with one
 * vCPU per VM today there is no arbitration to do (SDM Vol. 3A, "Lowest
 * Priority Delivery Mode" leaves the choice to the chipset).
 */
int kvm_irq_delivery_to_apic(struct kvm *kvm, struct kvm_lapic *src,
			     const struct kvm_lapic_irq *irq)
{
	int accepted = 0;

	for (int i = 0; i < kvm->online_vcpus; i++) {
		struct kvm_vcpu *vcpu = kvm->vcpus[i];
		struct kvm_lapic *apic = vcpu->arch.apic;

		if (!apic || !kvm_apic_match_dest(apic, irq, src))
			continue;
		if (kvm_apic_set_irq(apic, irq)) {
			accepted++;
			vcpu->arch.requests |= KVM_REQ_EVENT;
		}
		if (accepted && irq->delivery_mode == APIC_DM_LOWEST)
			break;
	}
	return accepted;
}

void kvm_pic_intr_changed(struct kvm *kvm)
{
	for (int i = 0; i < kvm->online_vcpus; i++)
		kvm->vcpus[i]->arch.requests |= KVM_REQ_EVENT;
}

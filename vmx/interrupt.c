/* SPDX-License-Identifier: MIT */
/*
 * Event injection and guest time (KVM's inject_pending_event(),
 * vmx_inject_irq()/vmx_inject_nmi(), the interrupt/NMI-window exits and
 * the VMX-preemption timer as the local APIC timer's "hv timer").
 *
 * Before a VM entry, when something may have changed (KVM_REQ_EVENT) or an
 * event must be re-injected, this file decides what the guest gets:
 *
 *   1. an exception the hypervisor queued, or an event whose delivery a VM
 *      exit interrupted (IDT-vectoring information): vmx_inject_pending_event()
 *   2. an NMI from the local APIC, if the guest is not blocking NMIs
 *   3. the highest-priority interrupt: the local APIC's (IRR above PPR) or,
 *      when LINT0 is in ExtINT mode, the 8259's, if RFLAGS.IF = 1 and no
 *      STI/MOV-SS blocking is in effect
 *
 * An event that cannot be injected now turns on interrupt-window or
 * NMI-window exiting, so the CPU exits as soon as the guest can take it
 * (SDM Vol. 3C, "Interrupt-Window Exiting and Virtual-Interrupt Delivery",
 * "Event Injection").  Only one event can be injected per entry; while more
 * are pending KVM_REQ_EVENT stays set.
 *
 * The local APIC timer runs on the guest's TSC.  While it is armed the VMX
 * preemption timer is set to its deadline before every entry, so the
 * hypervisor regains control when it expires even if the guest never exits
 * (SDM Vol. 3C, "VMX-Preemption Timer").
 */
#include "dev/lapic.h"
#include "kernel/kernel.h"
#include "kernel/x86.h"
#include "vmx/capabilities.h"
#include "vmx/vmx.h"
#include "vmx/vmx_controls.h"

/* KVM's kvm_cpu_has_extint(): the 8259's INTR reaches this CPU's INTR pin. */
static bool kvm_cpu_has_extint(struct kvm_vcpu *vcpu)
{
	struct kvm *kvm = vcpu->kvm;

	return kvm->irqchip && kvm->irqchip->pic_has_interrupt &&
	       kvm_apic_accept_pic_intr(vcpu->arch.apic) &&
	       kvm->irqchip->pic_has_interrupt(kvm->irqchip_ctx);
}

/* An interrupt is waiting for the guest (ignoring RFLAGS.IF). */
bool kvm_cpu_has_interrupt(struct kvm_vcpu *vcpu)
{
	return kvm_apic_has_interrupt(vcpu->arch.apic) >= 0 ||
	       kvm_cpu_has_extint(vcpu);
}

/* INTA: the vector to inject, acknowledged at its controller. */
static int kvm_cpu_get_interrupt(struct kvm_vcpu *vcpu)
{
	struct kvm_lapic *apic = vcpu->arch.apic;
	int vector;

	/* ExtINT goes first: it bypasses the APIC's priority logic. */
	if (kvm_cpu_has_extint(vcpu))
		return vcpu->kvm->irqchip->pic_read_irq(vcpu->kvm->irqchip_ctx);
	vector = kvm_apic_has_interrupt(apic);
	if (vector >= 0)
		kvm_apic_ack_interrupt(apic, vector);
	return vector;
}

static bool nmi_pending(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.apic->pending_events & BIT(KVM_APIC_NMI);
}

static void vmx_inject_event(struct kvm_vcpu *vcpu, u32 type, u8 vector)
{
	union vmx_intr_info info = { .raw = 0 };

	info.vector = vector;
	info.type = type;
	info.valid = 1;
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info.raw);
}

/*
 * The local APIC timer: fire it if its deadline has passed, else let the
 * VMX-preemption timer bring the hypervisor back at the deadline, or at the
 * end of the vCPU's time slice if that comes first.  The timer counts down
 * at the TSC rate divided by 2^rate (IA32_VMX_MISC).
 */
static void vmx_update_hv_timer(struct kvm_vcpu *vcpu)
{
	struct kvm_lapic *apic = vcpu->arch.apic;
	u64 now = kvm_read_l1_tsc(vcpu), deadline, delta;

	if (kvm_lapic_timer_check(apic, now))
		vcpu->arch.requests |= KVM_REQ_EVENT;
	if (!(pin_controls_get(to_vmx(vcpu)) & PIN_BASED_VMX_PREEMPTION_TIMER))
		return;
	deadline = kvm_lapic_next_deadline(apic);
	if (vcpu->arch.slice_end && (!deadline || vcpu->arch.slice_end < deadline))
		deadline = vcpu->arch.slice_end;
	if (!deadline)
		delta = ~0ull;
	else
		delta = deadline > now ? deadline - now : 0;
	delta >>= vmx_misc_preemption_timer_rate(vmcs_config.misc);
	vmcs_write32(VMX_PREEMPTION_TIMER_VALUE, MIN(delta, (u64)U32_MAX));
}

void kvm_inject_pending_event(struct kvm_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	u32 intr;
	int vector;

	if (vcpu->arch.apic->lapic_timer.armed || vcpu->arch.slice_end)
		vmx_update_hv_timer(vcpu);

	/* 1. queued exceptions and interrupted deliveries come first */
	if (vcpu->arch.exception.pending ||
	    (vmx->idt_vectoring_info & INTR_INFO_VALID_MASK)) {
		vmx_inject_pending_event(vcpu);
		/* anything else waits for the next window */
		if (vcpu->arch.requests & KVM_REQ_EVENT)
			exec_controls_setbit(vmx, CPU_BASED_INTR_WINDOW_EXITING);
		return;
	}
	if (!(vcpu->arch.requests & KVM_REQ_EVENT))
		return;
	vcpu->arch.requests &= ~KVM_REQ_EVENT;
	intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);

	/* 2. NMI (SDM "Blocking by NMI"; STI blocking may block NMIs too) */
	if (nmi_pending(vcpu)) {
		if (!(intr & (GUEST_INTR_STATE_NMI | GUEST_INTR_STATE_STI |
			      GUEST_INTR_STATE_MOV_SS))) {
			vcpu->arch.apic->pending_events &= ~BIT(KVM_APIC_NMI);
			vmx_inject_event(vcpu, INTR_TYPE_NMI, NMI_VECTOR);
			vcpu->arch.requests |= KVM_REQ_EVENT;
			return;
		}
		if (vcpu->kvm->settings.enable_vnmi)
			exec_controls_setbit(vmx, CPU_BASED_NMI_WINDOW_EXITING);
	}

	/*
	 * 3. maskable interrupts.  With APICv the local APIC's are the CPU's
	 * business once RVI names them (virtual-interrupt delivery); only the
	 * 8259's ExtINT is still injected here.
	 */
	if (kvm_vcpu_apicv_active(vcpu)) {
		vmx_apicv_sync_intr_status(vcpu);
		if (!kvm_cpu_has_extint(vcpu))
			return;
	} else if (!kvm_cpu_has_interrupt(vcpu)) {
		return;
	}
	if ((vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF) &&
	    !(intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))) {
		vector = kvm_cpu_get_interrupt(vcpu);
		if (vector >= 0) {
			vmx_inject_event(vcpu, INTR_TYPE_EXT_INTR, vector);
			vcpu->stat.injected_interrupts++;
		}
		/* look again after this one is delivered */
		vcpu->arch.requests |= KVM_REQ_EVENT;
		return;
	}
	exec_controls_setbit(vmx, CPU_BASED_INTR_WINDOW_EXITING);
}

int handle_interrupt_window(struct kvm_vcpu *vcpu)
{
	exec_controls_clearbit(to_vmx(vcpu), CPU_BASED_INTR_WINDOW_EXITING);
	vcpu->arch.requests |= KVM_REQ_EVENT;
	return 1;
}

int handle_nmi_window(struct kvm_vcpu *vcpu)
{
	exec_controls_clearbit(to_vmx(vcpu), CPU_BASED_NMI_WINDOW_EXITING);
	vcpu->arch.requests |= KVM_REQ_EVENT;
	return 1;
}

int handle_preemption_timer(struct kvm_vcpu *vcpu)
{
	/* Fire the local APIC timer if due; the VMX-preemption timer counts
	 * down in VMX non-root operation only, so re-arm it (at its maximum
	 * while the APIC timer is idle). */
	vmx_update_hv_timer(vcpu);
	/* With several vCPUs on this CPU, the end of the slice: let the
	 * device model's loop run the next one. */
	if (vcpu->arch.slice_end && kvm_read_l1_tsc(vcpu) >= vcpu->arch.slice_end) {
		vcpu->run->exit_reason = KVM_EXIT_INTR;
		return 0;
	}
	return 1;
}

/*
 * Would a halted vCPU wake up now (KVM's kvm_vcpu_has_events())?  An NMI,
 * or with RFLAGS.IF = 1 an interrupt, including one from a timer whose
 * deadline has passed.  Reads no VMCS field: the device model's loop asks
 * this about vCPUs that are not loaded.
 */
bool kvm_vcpu_has_events(struct kvm_vcpu *vcpu)
{
	struct kvm_lapic *apic = vcpu->arch.apic;

	if (nmi_pending(vcpu))
		return true;
	if (!vcpu->arch.halt_if)
		return false;
	if (apic->lapic_timer.armed)
		kvm_lapic_timer_check(apic, kvm_read_l1_tsc(vcpu));
	return kvm_cpu_has_interrupt(vcpu);
}

/*
 * HLT (KVM's kvm_emulate_halt() and kvm_vcpu_block()).  The vCPU sleeps
 * until an interrupt it can take arrives.  Alone in its VM, the only thing
 * that can raise one while the guest does nothing is its local APIC timer,
 * so sleeping means waiting for that deadline, here; with nothing armed the
 * exit goes to the device model, which ends a guest that halted with
 * interrupts disabled.  With several vCPUs another one may send the IPI:
 * the vCPU is marked halted and the device model's loop runs the others
 * until kvm_vcpu_has_events() says it can go on.
 */
int kvm_emulate_halt(struct kvm_vcpu *vcpu)
{
	struct kvm_lapic *apic = vcpu->arch.apic;
	bool if_flag = vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF;

	kvm_skip_emulated_instruction(vcpu);
	vcpu->arch.halt_if = if_flag;
	for (;;) {
		if (kvm_vcpu_has_events(vcpu)) {
			vcpu->arch.requests |= KVM_REQ_EVENT;
			return 1;
		}
		if (vcpu->kvm->online_vcpus > 1) {
			vcpu->arch.mp_state = KVM_MP_STATE_HALTED;
			vcpu->run->exit_reason = KVM_EXIT_INTR;
			return 0;
		}
		if (!if_flag || !apic->lapic_timer.armed)
			break;
		/* wait for the deadline (nothing else can wake us) */
		while (kvm_read_l1_tsc(vcpu) < kvm_lapic_next_deadline(apic))
			cpu_relax();
		/* a masked timer expires without waking the vCPU */
		if (!kvm_lapic_timer_check(apic, kvm_read_l1_tsc(vcpu)))
			break;
	}
	vcpu->run->exit_reason = KVM_EXIT_HLT;
	vcpu->run->if_flag = if_flag;
	return 0;
}

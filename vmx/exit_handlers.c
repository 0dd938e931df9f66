/* SPDX-License-Identifier: MIT */
/*
 * The exit-handler table indexed by basic exit reason (seed 004,
 * kvm_vmx_exit_handlers[]).  Every handler follows one convention:
 *
 *   > 0   handled; re-enter the guest
 *   = 0   return to the device model with vcpu->run filled in
 *
 * An exit reason without a handler ends the VM with the reason's name, the
 * exit qualification, the guest RIP and a dump of the guest state.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kernel/kernel.h"
#include "kernel/x86.h"
#include "vmx/capabilities.h"
#include "vmx/cpuid_model.h"
#include "vmx/vmx.h"
#include "vmx/vmx_controls.h"

/* ---- small helpers shared by the handlers ---- */

int kvm_cpl(struct kvm_vcpu *vcpu)
{
	/* SS.DPL is the CPL (SDM "Checks on Guest Segment Registers"). */
	return (vmcs_read32(GUEST_SS_AR_BYTES) >> VMX_AR_DPL_SHIFT) & 3;
}

static void queue_exception(struct kvm_vcpu *vcpu, u8 vector, bool has_error,
			    u32 error_code)
{
	struct kvm_pending_exception *e = &vcpu->arch.exception;

	e->pending = true;
	e->vector = vector;
	e->has_error_code = has_error;
	e->error_code = error_code;
}

void kvm_queue_exception(struct kvm_vcpu *vcpu, u8 vector)
{
	queue_exception(vcpu, vector, false, 0);
}

void kvm_queue_exception_e(struct kvm_vcpu *vcpu, u8 vector, u32 error_code)
{
	queue_exception(vcpu, vector, true, error_code);
}

/*
 * Before each VM entry: an exception a handler queued, else an event whose
 * delivery a VM exit interrupted (IDT-vectoring information), goes into the
 * VM-entry interruption-information field (SDM "Event Injection").
 */
void vmx_inject_pending_event(struct kvm_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	struct kvm_pending_exception *e = &vcpu->arch.exception;
	union vmx_intr_info info = { .raw = 0 };

	if (e->pending) {
		e->pending = false;
		info.vector = e->vector;
		info.type = INTR_TYPE_HARD_EXCEPTION;
		/* Real-mode delivery pushes no error code (and VM entry
		 * rejects one when CR0.PE = 0). */
		if (e->has_error_code && (kvm_read_cr0(vcpu) & X86_CR0_PE)) {
			info.error_code_valid = 1;
			vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, e->error_code);
		}
		info.valid = 1;
		vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info.raw);
		vcpu->stat.injected_exceptions++;
		vmx->idt_vectoring_info = 0;
		return;
	}
	if (unlikely(vmx->idt_vectoring_info & INTR_INFO_VALID_MASK)) {
		union vmx_intr_info idt = { .raw = vmx->idt_vectoring_info };

		info.vector = idt.vector;
		info.type = idt.type;
		info.valid = 1;
		if (idt.error_code_valid) {
			info.error_code_valid = 1;
			vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE,
				     vmcs_read32(IDT_VECTORING_ERROR_CODE));
		}
		if (idt.type == INTR_TYPE_SOFT_INTR ||
		    idt.type == INTR_TYPE_SOFT_EXCEPTION ||
		    idt.type == INTR_TYPE_PRIV_SW_EXCEPTION)
			vmcs_write32(VM_ENTRY_INSTRUCTION_LEN,
				     vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
		vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info.raw);
		vmx->idt_vectoring_info = 0;
	}
}

/* ---- diagnostics ---- */

static size_t appendf(char *buf, size_t len, size_t pos, const char *fmt, ...)
	__printf(4, 5);
static size_t appendf(char *buf, size_t len, size_t pos, const char *fmt, ...)
{
	va_list ap;

	if (pos >= len)
		return pos;
	va_start(ap, fmt);
	pos += vsnprintf(buf + pos, len - pos, fmt, ap);
	va_end(ap);
	return pos;
}

/* A compact guest-state dump (KVM's dump_vmcs(), for one screen). */
void vmx_dump_guest_state(struct kvm_vcpu *vcpu, char *buf, size_t len)
{
	static const char *const names[NR_VCPU_REGS] = {
		"RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
		"R8 ", "R9 ", "R10", "R11", "R12", "R13", "R14", "R15",
	};
	size_t p = 0;

	p = appendf(buf, len, p,
		    "  RIP %016lx RSP %016lx RFLAGS %08lx\n"
		    "  CR0 %016lx CR3 %016lx CR4 %016lx EFER %llx\n"
		    "  CS %04x base %lx limit %x ar %x   SS %04x ar %x\n"
		    "  GDTR %lx/%x IDTR %lx/%x  activity %u interruptibility %x\n",
		    vmcs_readl(GUEST_RIP), vmcs_readl(GUEST_RSP),
		    vmcs_readl(GUEST_RFLAGS), vmcs_readl(GUEST_CR0),
		    vmcs_readl(GUEST_CR3), vmcs_readl(GUEST_CR4),
		    vcpu->arch.efer, vmcs_read16(GUEST_CS_SELECTOR),
		    vmcs_readl(GUEST_CS_BASE), vmcs_read32(GUEST_CS_LIMIT),
		    vmcs_read32(GUEST_CS_AR_BYTES), vmcs_read16(GUEST_SS_SELECTOR),
		    vmcs_read32(GUEST_SS_AR_BYTES), vmcs_readl(GUEST_GDTR_BASE),
		    vmcs_read32(GUEST_GDTR_LIMIT), vmcs_readl(GUEST_IDTR_BASE),
		    vmcs_read32(GUEST_IDTR_LIMIT), vmcs_read32(GUEST_ACTIVITY_STATE),
		    vmcs_read32(GUEST_INTERRUPTIBILITY_INFO));
	for (int i = 0; i < NR_VCPU_REGS; i++) {
		if (i == VCPU_REGS_RSP)
			continue;
		p = appendf(buf, len, p, "%s%s %016lx", i % 4 == 0 ? "  " : " ",
			    names[i], vcpu->regs[i]);
		if (i % 4 == 3)
			p = appendf(buf, len, p, "\n");
	}
}

void vmx_kill_vm(struct kvm_vcpu *vcpu, u32 kvm_exit, u32 suberror,
		 const char *fmt, ...)
{
	struct kvm_run *run = vcpu->run;
	size_t p;
	va_list ap;

	va_start(ap, fmt);
	p = vsnprintf(run->report, sizeof(run->report), fmt, ap);
	va_end(ap);
	if (p < sizeof(run->report) - 1) {
		run->report[p++] = '\n';
		run->report[p] = '\0';
		vmx_dump_guest_state(vcpu, run->report + p, sizeof(run->report) - p);
	}
	run->exit_reason = kvm_exit;
	if (kvm_exit == KVM_EXIT_INTERNAL_ERROR)
		run->internal.suberror = suberror;
}

static const char *exit_name(u32 basic)
{
	const char *n = vmx_exit_reason_name(basic);

	return n ? n : "undefined exit reason";
}

/*
 * The single-step trap after an emulated instruction: DR6.BS set, #DB
 * queued (KVM's kvm_vcpu_do_singlestep()).  The guest's debug registers
 * stay in the CPU (the host never uses them), so DR6 is written directly.
 */
void kvm_vcpu_do_singlestep(struct kvm_vcpu *vcpu)
{
	unsigned long dr6;

	asm volatile("mov %%dr6, %0" : "=r"(dr6));
	asm volatile("mov %0, %%dr6" : : "r"(dr6 | DR6_BS));
	kvm_queue_exception(vcpu, DB_VECTOR);
}

/* ---- handlers without a file of their own ---- */

static int handle_exception_nmi(struct kvm_vcpu *vcpu)
{
	union vmx_intr_info info = { .raw = vmcs_read32(VM_EXIT_INTR_INFO) };

	/* An NMI that arrived while the guest ran belongs to the host; the
	 * host has nothing to do with it. */
	if (info.type == INTR_TYPE_NMI)
		return 1;
	vmx_kill_vm(vcpu, KVM_EXIT_INTERNAL_ERROR, KVM_INTERNAL_ERROR_GUEST,
		    "guest exception %u (intercepted, type %u, error code %#x) at RIP %#lx",
		    info.vector, info.type,
		    info.error_code_valid ? vmcs_read32(VM_EXIT_INTR_ERROR_CODE) : 0,
		    vmcs_readl(GUEST_RIP));
	return 0;
}

static int handle_external_interrupt(struct kvm_vcpu *vcpu)
{
	/* Acknowledged on exit (VM_EXIT_ACK_INTR_ON_EXIT); the hypervisor runs
	 * with interrupts masked at the PIC and takes no action. */
	return 1;
}

static int handle_triple_fault(struct kvm_vcpu *vcpu)
{
	char where[64] = "";

	/* In real mode RIP alone does not say where: CS:IP does. */
	if (!(kvm_read_cr0(vcpu) & X86_CR0_PE))
		snprintf(where, sizeof(where), " (real mode, CS:IP %04x:%04x)",
			 vmcs_read16(GUEST_CS_SELECTOR), (u16)vmcs_readl(GUEST_RIP));
	vmx_kill_vm(vcpu, KVM_EXIT_SHUTDOWN, 0,
		    "guest triple fault (TRIPLE_FAULT exit) at RIP %#lx%s",
		    vmcs_readl(GUEST_RIP), where);
	return 0;
}




/* INVD would discard the host's dirty cache lines too: do WBINVD's job. */
static int kvm_emulate_wbinvd(struct kvm_vcpu *vcpu)
{
	asm volatile("wbinvd" ::: "memory");
	return kvm_skip_emulated_instruction(vcpu);
}

static int handle_invlpg(struct kvm_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);

	if (vmx->vpid && cpu_has_vmx_invvpid_single())
		__invvpid(VMX_VPID_EXTENT_INDIVIDUAL_ADDR, vmx->vpid,
			  vmcs_readl(EXIT_QUALIFICATION));
	return kvm_skip_emulated_instruction(vcpu);
}

static int kvm_inject_gp0(struct kvm_vcpu *vcpu)
{
	kvm_queue_exception_e(vcpu, GP_VECTOR, 0);
	return 1;
}

/* No performance counters are exposed (CPUID leaf 0xA reads as absent). */
static int kvm_emulate_rdpmc(struct kvm_vcpu *vcpu)
{
	return kvm_inject_gp0(vcpu);
}

static int handle_rdtsc(struct kvm_vcpu *vcpu)
{
	u64 tsc = kvm_read_l1_tsc(vcpu);

	vcpu->regs[VCPU_REGS_RAX] = (u32)tsc;
	vcpu->regs[VCPU_REGS_RDX] = tsc >> 32;
	if (to_vmx(vcpu)->exit_reason_full == EXIT_REASON_RDTSCP)
		vcpu->regs[VCPU_REGS_RCX] = (u32)vcpu->arch.msr_tsc_aux;
	return kvm_skip_emulated_instruction(vcpu);
}

/* VMX is hidden from the guest (CPUID.1:ECX.VMX = 0): its instructions
 * raise #UD, as on a CPU without VMX. */
static int handle_vmx_instruction(struct kvm_vcpu *vcpu)
{
	kvm_queue_exception(vcpu, UD_VECTOR);
	return 1;
}

static int kvm_handle_invalid_op(struct kvm_vcpu *vcpu)
{
	kvm_queue_exception(vcpu, UD_VECTOR);
	return 1;
}

static int handle_pause(struct kvm_vcpu *vcpu)
{
	return kvm_skip_emulated_instruction(vcpu);
}

static int handle_monitor_trap(struct kvm_vcpu *vcpu)
{
	exec_controls_clearbit(to_vmx(vcpu), CPU_BASED_MONITOR_TRAP_FLAG);
	return 1;
}


/*
 * XSETBV (SDM Vol. 2, "XSETBV"): CPL 0, only XCR0, and a value the CPU
 * accepts for the components CPUID leaf 0xD sub-leaf 0 offers the guest
 * (the host's, see kvm_xcr0_valid()); anything else raises #GP.  The
 * hypervisor executes XSETBV itself, so an unchecked value would fault in
 * the host.  The value goes straight into the CPU: the guest's XCR0 stays
 * loaded from KVM_RUN entry to return (kvm_arch_vcpu_ioctl_run()), and
 * this exit is inside that span.
 */
static int kvm_emulate_xsetbv(struct kvm_vcpu *vcpu)
{
	u32 index = vcpu->regs[VCPU_REGS_RCX];
	u64 xcr0 = ((u64)(u32)vcpu->regs[VCPU_REGS_RDX] << 32) |
		   (u32)vcpu->regs[VCPU_REGS_RAX];
	u32 a, b, c, d;

	cpuid_count(CPUID_LEAF_XSAVE, 0, &a, &b, &c, &d);
	if (kvm_cpl(vcpu) != 0 || index != XCR_XFEATURE_ENABLED_MASK ||
	    !kvm_xcr0_valid(xcr0, ((u64)d << 32) | a))
		return kvm_inject_gp0(vcpu);
	xsetbv(XCR_XFEATURE_ENABLED_MASK, xcr0);
	vcpu->arch.xcr0 = xcr0;
	return kvm_skip_emulated_instruction(vcpu);
}

static int handle_task_switch(struct kvm_vcpu *vcpu)
{
	vmx_kill_vm(vcpu, KVM_EXIT_INTERNAL_ERROR, KVM_INTERNAL_ERROR_EMULATION,
		    "guest hardware task switch (TASK_SWITCH exit, qualification %#lx) "
		    "at RIP %#lx: task switches are not emulated",
		    vmcs_readl(EXIT_QUALIFICATION), vmcs_readl(GUEST_RIP));
	return 0;
}

int (*const kvm_vmx_exit_handlers[EXIT_REASON_MAX])(struct kvm_vcpu *) = {
	[EXIT_REASON_EXCEPTION_NMI] = handle_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = handle_external_interrupt,
	[EXIT_REASON_TRIPLE_FAULT] = handle_triple_fault,
	[EXIT_REASON_INTERRUPT_WINDOW] = handle_interrupt_window,
	[EXIT_REASON_NMI_WINDOW] = handle_nmi_window,
	[EXIT_REASON_TASK_SWITCH] = handle_task_switch,
	[EXIT_REASON_CPUID] = kvm_emulate_cpuid,
	[EXIT_REASON_GETSEC] = kvm_handle_invalid_op,
	[EXIT_REASON_HLT] = kvm_emulate_halt,
	[EXIT_REASON_INVD] = kvm_emulate_wbinvd,
	[EXIT_REASON_INVLPG] = handle_invlpg,
	[EXIT_REASON_RDPMC] = kvm_emulate_rdpmc,
	[EXIT_REASON_RDTSC] = handle_rdtsc,
	[EXIT_REASON_VMCALL] = kvm_emulate_hypercall,
	[EXIT_REASON_VMCLEAR] = handle_vmx_instruction,
	[EXIT_REASON_VMLAUNCH] = handle_vmx_instruction,
	[EXIT_REASON_VMPTRLD] = handle_vmx_instruction,
	[EXIT_REASON_VMPTRST] = handle_vmx_instruction,
	[EXIT_REASON_VMREAD] = handle_vmx_instruction,
	[EXIT_REASON_VMRESUME] = handle_vmx_instruction,
	[EXIT_REASON_VMWRITE] = handle_vmx_instruction,
	[EXIT_REASON_VMOFF] = handle_vmx_instruction,
	[EXIT_REASON_VMON] = handle_vmx_instruction,
	[EXIT_REASON_CR_ACCESS] = handle_cr,
	[EXIT_REASON_DR_ACCESS] = handle_dr,
	[EXIT_REASON_IO_INSTRUCTION] = handle_io,
	[EXIT_REASON_MSR_READ] = kvm_emulate_rdmsr,
	[EXIT_REASON_MSR_WRITE] = kvm_emulate_wrmsr,
	[EXIT_REASON_MWAIT_INSTRUCTION] = kvm_handle_invalid_op,
	[EXIT_REASON_MONITOR_TRAP_FLAG] = handle_monitor_trap,
	[EXIT_REASON_MONITOR_INSTRUCTION] = kvm_handle_invalid_op,
	[EXIT_REASON_PAUSE_INSTRUCTION] = handle_pause,
	[EXIT_REASON_EPT_VIOLATION] = handle_ept_violation,
	[EXIT_REASON_APIC_ACCESS] = handle_apic_access,
	[EXIT_REASON_APIC_WRITE] = handle_apic_write,
	[EXIT_REASON_EOI_INDUCED] = handle_apic_eoi_induced,
	[EXIT_REASON_EPT_MISCONFIG] = handle_ept_misconfig,
	[EXIT_REASON_INVEPT] = handle_vmx_instruction,
	[EXIT_REASON_RDTSCP] = handle_rdtsc,
	[EXIT_REASON_PREEMPTION_TIMER] = handle_preemption_timer,
	[EXIT_REASON_INVVPID] = handle_vmx_instruction,
	[EXIT_REASON_WBINVD] = kvm_emulate_wbinvd,
	[EXIT_REASON_XSETBV] = kvm_emulate_xsetbv,
	[EXIT_REASON_RDRAND] = kvm_handle_invalid_op,
	[EXIT_REASON_INVPCID] = kvm_handle_invalid_op,
	[EXIT_REASON_VMFUNC] = handle_vmx_instruction,
	[EXIT_REASON_ENCLS] = kvm_handle_invalid_op,
	[EXIT_REASON_RDSEED] = kvm_handle_invalid_op,
	[EXIT_REASON_XSAVES] = kvm_handle_invalid_op,
	[EXIT_REASON_XRSTORS] = kvm_handle_invalid_op,
};

/* The unusual cases of vmx_handle_exit() (vmx/vmx_run.h). */
int vmx_handle_exit_slow(struct kvm_vcpu *vcpu)
{
	union vmx_exit_reason reason = { .full = to_vmx(vcpu)->exit_reason_full };
	u32 basic = reason.basic;

	if (to_vmx(vcpu)->fail) {
		vmx_report_vmfail(vcpu);
		return 0;
	}
	if (basic < EXIT_REASON_MAX)
		vcpu->stat.exits[basic].count++;
	if (reason.failed_vmentry)
		return vmx_handle_entry_failure(vcpu);
	if (vcpu->kvm->settings.trace & TRACE_EXITS)
		printk("trace: exit %s qual %#lx rip %#lx\n", exit_name(basic),
		       vmcs_readl(EXIT_QUALIFICATION), vmcs_readl(GUEST_RIP));
	if (basic < EXIT_REASON_MAX && kvm_vmx_exit_handlers[basic])
		return kvm_vmx_exit_handlers[basic](vcpu);

	vmx_kill_vm(vcpu, KVM_EXIT_INTERNAL_ERROR, KVM_INTERNAL_ERROR_UNHANDLED_EXIT,
		    "unhandled VM exit: reason %u (%s), qualification %#lx, guest RIP %#lx",
		    basic, exit_name(basic), vmcs_readl(EXIT_QUALIFICATION),
		    vmcs_readl(GUEST_RIP));
	return 0;
}


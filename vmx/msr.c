/* SPDX-License-Identifier: MIT */
/*
 * RDMSR/WRMSR.  The MSR bitmap starts all ones (seed 001) and
 * vmx_setup_msr_intercepts() opens only MSRs whose guest value the VMCS
 * switches or that the host never uses; every other access exits here,
 * where a small set is emulated and anything else raises #GP, as on a CPU
 * without that MSR.
 *
 * The emulated set is what CPUID advertises (vmx/cpuid_model.c): EFER,
 * PAT and the MTRRs (vmx/mtrr.c), IA32_MISC_ENABLE, the TSC MSRs, the
 * local APIC's (IA32_APIC_BASE, TSC deadline, x2APIC) and a few read-as-
 * zero identification MSRs.
 */
#include "dev/lapic.h"
#include "kernel/kernel.h"
#include "kernel/x86.h"
#include "vmx/capabilities.h"
#include "vmx/msr_bitmap.h"
#include "vmx/mtrr.h"
#include "vmx/vmx.h"
#include "vmx/vmx_controls.h"

/*
 * IA32_MISC_ENABLE (SDM Vol. 4, "Architectural MSRs"), close to KVM's
 * model:
 *  - fast strings (bit 0, R/W): stored and read back; it is a performance
 *    hint with no architectural effect, so the CPU keeps the host's
 *    setting.  Set at power-on, as firmware leaves it.
 *  - performance monitoring available (bit 7, R/O): 0, there is no PMU
 *    (CPUID leaf 0xA reads as absent); BTS and PEBS unavailable (bits 11
 *    and 12, R/O): 1, there is no debug store (CPUID.1:EDX.DS is clear).
 *  - every other bit reads 0 and is treated as reserved: the features
 *    they control are not offered (thermal control and SpeedStep: CPUID
 *    leaf 6 and EST are hidden; MONITOR FSM: MONITOR is hidden and #UDs;
 *    limit CPUID maxval, xTPR, XD disable: not emulated, NX stays shown).
 * A WRMSR that would change anything but bit 0 raises #GP, like writing a
 * read-only or reserved bit on hardware (KVM also faults on a change of
 * bits 11/12 but silently keeps bit 7).
 */
#define MISC_ENABLE_FAST_STRING BIT_ULL(0)
#define MISC_ENABLE_BTS_UNAVAIL BIT_ULL(11)
#define MISC_ENABLE_PEBS_UNAVAIL BIT_ULL(12)
#define MISC_ENABLE_READ_ONE (MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL)
#define MISC_ENABLE_WRITABLE MISC_ENABLE_FAST_STRING

/* IA32_EFER bits the guest may set; LME and NX only if CPUID has them. */
#define EFER_ALLOWED_ALWAYS ((u64)EFER_SCE)
#define CPUID_EXT_FEATURES_LEAF 0x80000001u
#define CPUID_80000001_EDX_NX BIT(20)
#define CPUID_80000001_EDX_LM BIT(29)

struct open_msr {
	u32 msr;
	unsigned type;
	const char *why;
};

/* Pass-through MSRs and why passing them is safe. */
static const struct open_msr open_msrs[] = {
	{ MSR_FS_BASE, MSR_TYPE_RW, "guest FS.base is in the VMCS" },
	{ MSR_GS_BASE, MSR_TYPE_RW, "guest GS.base is in the VMCS" },
	{ MSR_IA32_SYSENTER_CS, MSR_TYPE_RW, "in the VMCS" },
	{ MSR_IA32_SYSENTER_ESP, MSR_TYPE_RW, "in the VMCS" },
	{ MSR_IA32_SYSENTER_EIP, MSR_TYPE_RW, "in the VMCS" },
	{ MSR_KERNEL_GS_BASE, MSR_TYPE_RW, "switched in vcpu_load/put" },
	{ MSR_STAR, MSR_TYPE_RW, "switched in vcpu_load/put" },
	{ MSR_LSTAR, MSR_TYPE_RW, "switched in vcpu_load/put" },
	{ MSR_CSTAR, MSR_TYPE_RW, "switched in vcpu_load/put" },
	{ MSR_SYSCALL_MASK, MSR_TYPE_RW, "switched in vcpu_load/put" },
	{ MSR_IA32_TSC, MSR_TYPE_R, "RDMSR adds TSC_OFFSET in hardware" },
};

void vmx_setup_msr_intercepts(struct vcpu_vmx *vmx)
{
	u8 *bm = (u8 *)vmx->vmcs01.msr_bitmap;

	for (unsigned i = 0; i < ARRAY_SIZE(open_msrs); i++)
		vmx_disable_intercept_for_msr(bm, open_msrs[i].msr, open_msrs[i].type);
	if (cpu_has_vmx_rdtscp())
		vmx_disable_intercept_for_msr(bm, MSR_TSC_AUX, MSR_TYPE_RW);
}

/*
 * The guest's CPUID leaves 0x80000001 and 0x80000008 are the host's
 * (vmx/cpuid_model.c leaves their bits alone), so these read the host's.
 * Only the rare EFER and MTRR writes use them.
 */
static u64 efer_allowed_bits(void)
{
	u64 allowed = EFER_ALLOWED_ALWAYS;
	u32 a, b, c, d;

	if (cpuid_ext_max_leaf() < CPUID_EXT_FEATURES_LEAF)
		return allowed;
	cpuid_count(CPUID_EXT_FEATURES_LEAF, 0, &a, &b, &c, &d);
	if (d & CPUID_80000001_EDX_LM)
		allowed |= EFER_LME | EFER_LMA;
	if (d & CPUID_80000001_EDX_NX)
		allowed |= EFER_NX;
	return allowed;
}

static u64 misc_enable(const struct kvm_vcpu *vcpu)
{
	return MISC_ENABLE_READ_ONE |
	       (vcpu->arch.misc_enable_no_fast_string ? 0 : MISC_ENABLE_FAST_STRING);
}

/* The x2APIC registers, MSRs 0x800-0x8ff (SDM Vol. 3A, "x2APIC Register
 * Address Space"). */
static bool is_x2apic_msr(u32 msr)
{
	return msr >= APIC_BASE_MSR && msr <= APIC_LAST_MSR;
}

/* 0 = handled, 1 = no such MSR (#GP). */
static int get_msr(struct kvm_vcpu *vcpu, u32 msr, u64 *data)
{
	struct kvm_lapic *apic = vcpu->arch.apic;

	if (is_x2apic_msr(msr))
		return kvm_x2apic_msr_read(apic, msr, data) ? 1 : 0;
	switch (msr) {
	case MSR_IA32_APICBASE:
		*data = kvm_lapic_get_base(apic);
		return 0;
	case MSR_IA32_TSC_DEADLINE:
		*data = kvm_lapic_get_tsc_deadline(apic);
		return 0;
	case MSR_EFER:
		*data = vcpu->arch.efer;
		return 0;
	case MSR_IA32_CR_PAT:
		*data = vcpu->arch.pat;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*data = misc_enable(vcpu);
		return 0;
	case MSR_IA32_PLATFORM_ID:
	case MSR_IA32_BIOS_SIGN_ID:	/* no microcode update loaded */
	case MSR_IA32_MCG_STATUS:
		*data = 0;
		return 0;
	case MSR_IA32_DEBUGCTLMSR:
		*data = vmcs_read64(GUEST_IA32_DEBUGCTL);
		return 0;
	case MSR_IA32_TSC:
		*data = kvm_read_l1_tsc(vcpu);
		return 0;
	case MSR_IA32_TSC_ADJUST:
		*data = vcpu->arch.tsc_adjust;
		return 0;
	default:
		if (kvm_mtrr_msr(msr))
			return kvm_mtrr_get_msr(&vcpu->arch.mtrr, msr, data);
		return 1;
	}
}

static int set_msr(struct kvm_vcpu *vcpu, u32 msr, u64 data)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	struct kvm_lapic *apic = vcpu->arch.apic;

	if (is_x2apic_msr(msr)) {
		if (kvm_x2apic_msr_write(apic, msr, data))
			return 1;
		/* EOI, TPR, self-IPI, ICR, timer: anything may have changed */
		vcpu->arch.requests |= KVM_REQ_EVENT;
		return 0;
	}
	switch (msr) {
	case MSR_IA32_APICBASE:
		if (kvm_lapic_set_base(apic, data, false))
			return 1;
		/* SDM "Relocating the Local APIC Registers": tinyvmx keeps the
		 * xAPIC page at its default address (as KVM with APICv). */
		if (kvm_lapic_base_address(apic) != APIC_DEFAULT_PHYS_BASE)
			printk("tinyvmx: guest moved its xAPIC to %#llx; only %#llx "
			       "is decoded\n", kvm_lapic_base_address(apic),
			       APIC_DEFAULT_PHYS_BASE);
		/* xAPIC, x2APIC or off: APIC virtualization follows */
		vmx_refresh_apicv_mode(vcpu);
		vcpu->arch.requests |= KVM_REQ_EVENT;
		return 0;
	case MSR_IA32_TSC_DEADLINE:
		kvm_lapic_write_tsc_deadline(apic, data);
		vcpu->arch.requests |= KVM_REQ_EVENT;
		return 0;
	case MSR_EFER:
		/* SDM "IA32_EFER": reserved bits #GP (LME and NX too on a CPU
		 * without long mode or NX: VM entry would refuse them); LME
		 * may not change while paging is on; LMA is read-only (kept
		 * as is). */
		if (data & ~efer_allowed_bits())
			return 1;
		if ((kvm_read_cr0(vcpu) & X86_CR0_PG) &&
		    ((data ^ vcpu->arch.efer) & EFER_LME))
			return 1;
		data = (data & ~EFER_LMA) | (vcpu->arch.efer & EFER_LMA);
		vcpu->arch.efer = data;
		if (vm_entry_controls_get(vmx) & VM_ENTRY_LOAD_IA32_EFER)
			vmcs_write64(GUEST_IA32_EFER, data);
		return 0;
	case MSR_IA32_CR_PAT:
		if (!kvm_pat_valid(data))
			return 1;
		vcpu->arch.pat = data;
		if (vm_entry_controls_get(vmx) & VM_ENTRY_LOAD_IA32_PAT)
			vmcs_write64(GUEST_IA32_PAT, data);
		return 0;
	case MSR_IA32_MISC_ENABLE:
		if ((data ^ misc_enable(vcpu)) & ~MISC_ENABLE_WRITABLE)
			return 1;
		vcpu->arch.misc_enable_no_fast_string =
			!(data & MISC_ENABLE_FAST_STRING);
		return 0;
	case MSR_IA32_BIOS_SIGN_ID:
		return 0;	/* the "clear before CPUID" idiom */
	case MSR_IA32_DEBUGCTLMSR:
		/* No LBR/BTS virtualisation: only 0 is accepted. */
		if (data)
			return 1;
		vmcs_write64(GUEST_IA32_DEBUGCTL, 0);
		return 0;
	case MSR_IA32_TSC: {
		/* SDM "Time-Stamp Counter Adjustment": a write to IA32_TSC
		 * changes IA32_TSC_ADJUST by the same amount */
		u64 offset = data - rdtsc();

		vcpu->arch.tsc_adjust += offset - vcpu->arch.tsc_offset;
		vcpu->arch.tsc_offset = offset;
		vmcs_write64(TSC_OFFSET, offset);
		vcpu->arch.requests |= KVM_REQ_EVENT;	/* timer deadlines */
		return 0;
	}
	case MSR_IA32_TSC_ADJUST:
		/* ... and a write to IA32_TSC_ADJUST moves the TSC with it */
		vcpu->arch.tsc_offset += data - vcpu->arch.tsc_adjust;
		vcpu->arch.tsc_adjust = data;
		vmcs_write64(TSC_OFFSET, vcpu->arch.tsc_offset);
		vcpu->arch.requests |= KVM_REQ_EVENT;
		return 0;
	default:
		if (kvm_mtrr_msr(msr))
			return kvm_mtrr_set_msr(&vcpu->arch.mtrr, msr, data,
						cpuid_maxphyaddr());
		return 1;
	}
}

int kvm_emulate_rdmsr(struct kvm_vcpu *vcpu)
{
	u32 msr = vcpu->regs[VCPU_REGS_RCX];
	u64 data = 0;
	int r = get_msr(vcpu, msr, &data);

	if (unlikely(vcpu->kvm->settings.trace & TRACE_MSR))
		printk("trace: rdmsr %#x -> %s%#llx rip %#lx\n", msr,
		       r ? "#GP " : "", data, vmcs_readl(GUEST_RIP));
	if (r) {
		kvm_queue_exception_e(vcpu, GP_VECTOR, 0);
		return 1;
	}
	vcpu->regs[VCPU_REGS_RAX] = (u32)data;
	vcpu->regs[VCPU_REGS_RDX] = data >> 32;
	return kvm_skip_emulated_instruction(vcpu);
}

int kvm_emulate_wrmsr(struct kvm_vcpu *vcpu)
{
	u32 msr = vcpu->regs[VCPU_REGS_RCX];
	u64 data = ((u64)(u32)vcpu->regs[VCPU_REGS_RDX] << 32) |
		   (u32)vcpu->regs[VCPU_REGS_RAX];
	int r = set_msr(vcpu, msr, data);

	if (unlikely(vcpu->kvm->settings.trace & TRACE_MSR))
		printk("trace: wrmsr %#x <- %#llx%s rip %#lx\n", msr, data,
		       r ? " #GP" : "", vmcs_readl(GUEST_RIP));
	if (r) {
		kvm_queue_exception_e(vcpu, GP_VECTOR, 0);
		return 1;
	}
	return kvm_skip_emulated_instruction(vcpu);
}

/* SPDX-License-Identifier: MIT */
/*
 * vCPU creation (seeds 001/002): vmx_create_vcpu() -> alloc_loaded_vmcs()
 * -> init_vmcs(), then the guest state the loader asked for
 * (vmx_vcpu_reset()).
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/desc.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/x86.h"
#include "vmx/capabilities.h"
#include "vmx/io_bitmap.h"
#include "vmx/msr_bitmap.h"
#include "vmx/vmx.h"
#include "vmx/vmx_controls.h"

extern char vmx_vmexit[];

#define VMX_AR_CODE32_FLAT 0xc09b	/* P S code exec/read accessed, D, G */
#define VMX_AR_DATA32_FLAT 0xc093	/* P S data read/write accessed, B, G */
#define VMX_AR_TSS32_BUSY 0x008b	/* P, busy 32-bit TSS */
#define GUEST_CS_SELECTOR_FLAT 0x08
#define GUEST_DS_SELECTOR_FLAT 0x10
#define FLAT_LIMIT 0xffffffffu
#define TSS_MIN_LIMIT 0x67
#define DR7_FIXED_1 0x400ull
#define PAT_POWER_ON 0x0007040600070406ull	/* SDM "IA32_PAT MSR" reset */
#define VMCS_LINK_POINTER_INVALID (~0ull)

/*
 * CR0 bits the hypervisor owns (writes exit, reads come from the shadow):
 * PE and PG because their changes switch paging modes (long mode needs
 * EFER.LMA and the IA-32e mode guest control kept in step, PAE needs the
 * PDPTEs loaded); NE because VMX operation forces it to 1 while a guest may
 * want to see 0.  The guest owns the rest.
 */
#define CR0_HOST_OWNED (X86_CR0_PE | X86_CR0_PG | X86_CR0_NE)
/* CR4: VMXE is forced to 1 but hidden; PAE changes paging modes. */
#define CR4_HOST_OWNED_BASE (X86_CR4_VMXE | X86_CR4_PAE | X86_CR4_SMXE)

static void vmx_set_constant_host_state(struct vcpu_vmx *vmx)
{
	struct desc_ptr dt;

	/* SDM "Host-State Area": what a VM exit loads. */
	vmcs_writel(HOST_CR0, read_cr0());
	vmcs_writel(HOST_CR3, read_cr3());
	vmcs_writel(HOST_CR4, read_cr4());
	vmx->loaded_vmcs->host_state.cr3 = read_cr3();
	vmx->loaded_vmcs->host_state.cr4 = read_cr4();
	vmcs_write16(HOST_CS_SELECTOR, KERNEL_CS);
	vmcs_write16(HOST_SS_SELECTOR, KERNEL_DS);
	vmcs_write16(HOST_DS_SELECTOR, KERNEL_DS);
	vmcs_write16(HOST_ES_SELECTOR, KERNEL_DS);
	vmcs_write16(HOST_FS_SELECTOR, 0);
	vmcs_write16(HOST_GS_SELECTOR, 0);
	vmcs_write16(HOST_TR_SELECTOR, KERNEL_TSS);
	vmcs_writel(HOST_FS_BASE, 0);
	vmcs_writel(HOST_GS_BASE, 0);
	vmcs_writel(HOST_TR_BASE, (unsigned long)&boot_tss);
	store_gdt(&dt);
	vmcs_writel(HOST_GDTR_BASE, dt.base);
	store_idt(&dt);
	vmcs_writel(HOST_IDTR_BASE, dt.base);
	vmcs_writel(HOST_RIP, (unsigned long)vmx_vmexit);
	vmcs_write32(HOST_IA32_SYSENTER_CS, 0);
	vmcs_writel(HOST_IA32_SYSENTER_ESP, 0);
	vmcs_writel(HOST_IA32_SYSENTER_EIP, 0);
	if (vm_exit_controls_get(vmx) & VM_EXIT_LOAD_IA32_EFER)
		vmcs_write64(HOST_IA32_EFER, rdmsr(MSR_EFER));
	if (vm_exit_controls_get(vmx) & VM_EXIT_LOAD_IA32_PAT)
		vmcs_write64(HOST_IA32_PAT, rdmsr(MSR_IA32_CR_PAT));
}

static void init_vmcs(struct vcpu_vmx *vmx)
{
	struct kvm *kvm = vmx->vcpu.kvm;

	if (cpu_has_vmx_msr_bitmap())
		vmcs_write64(MSR_BITMAP, __pa(vmx->vmcs01.msr_bitmap));
	vmcs_write64(VMCS_LINK_POINTER, VMCS_LINK_POINTER_INVALID);

	pin_controls_set(vmx, vmx_pin_based_exec_ctrl(vmx));
	exec_controls_set(vmx, vmx_exec_control(vmx));
	if (cpu_has_secondary_exec_ctrls())
		secondary_exec_controls_set(vmx, vmx_secondary_exec_control(vmx));
	vm_exit_controls_set(vmx, vmx_vmexit_ctrl());
	vm_entry_controls_set(vmx, vmx_vmentry_ctrl());

	vmcs_write64(IO_BITMAP_A, __pa(vmx->io_bitmap_a));
	vmcs_write64(IO_BITMAP_B, __pa(vmx->io_bitmap_b));
	if (vmx->vpid)
		vmcs_write16(VIRTUAL_PROCESSOR_ID, vmx->vpid);
	if (secondary_exec_controls_get(vmx) & SECONDARY_EXEC_ENABLE_EPT)
		vmcs_write64(EPT_POINTER, kvm->ept.eptp);
	if (kvm_vcpu_apicv_active(&vmx->vcpu))
		vmx_apicv_init_vmcs(vmx);

	vmx_set_constant_host_state(vmx);

	/* No #PF filtering, no CR3-target values, no MSR load/store lists. */
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write32(CR3_TARGET_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
	/* The guest handles its own exceptions; none is intercepted. */
	vmcs_write32(EXCEPTION_BITMAP, 0);

	vmx->cr0_guest_owned_bits = ~(u64)CR0_HOST_OWNED;
	/* CR4 bits the CPU cannot set (not in CR4_FIXED1) are host-owned too,
	 * so the guest's attempt exits and gets its #GP from handle_cr(). */
	vmx->cr4_guest_owned_bits = ~(CR4_HOST_OWNED_BASE | ~vmcs_config.cr4_fixed1);
	vmcs_writel(CR0_GUEST_HOST_MASK, ~vmx->cr0_guest_owned_bits);
	vmcs_writel(CR4_GUEST_HOST_MASK, ~vmx->cr4_guest_owned_bits);

	/*
	 * Per-VM TSC offsetting: the guest's TSC starts at 0 when its first
	 * vCPU is created, as a machine's does at reset (SDM Vol. 3C,
	 * "Timestamp Counter Offset and Multiplier"), and every vCPU of the
	 * VM uses the same offset, so their TSCs agree as on one board.
	 * IA32_TSC_ADJUST stays 0: it only records the guest's own writes to
	 * IA32_TSC.
	 */
	if (!kvm->online_vcpus)
		kvm->tsc_offset = -rdtsc();
	vmx->vcpu.arch.tsc_offset = kvm->tsc_offset;
	vmcs_write64(TSC_OFFSET, vmx->vcpu.arch.tsc_offset);
	if (pin_controls_get(vmx) & PIN_BASED_VMX_PREEMPTION_TIMER)
		vmcs_write32(VMX_PREEMPTION_TIMER_VALUE, 0xffffffff);
}

static void set_seg(u32 sel_f, u32 base_f, u32 limit_f, u32 ar_f, u16 sel,
		    u64 base, u32 limit, u32 ar)
{
	vmcs_write16(sel_f, sel);
	vmcs_writel(base_f, base);
	vmcs_write32(limit_f, limit);
	vmcs_write32(ar_f, ar);
}
#define SET_SEG(seg, sel, base, limit, ar)                                   \
	set_seg(GUEST_##seg##_SELECTOR, GUEST_##seg##_BASE, GUEST_##seg##_LIMIT, \
		GUEST_##seg##_AR_BYTES, sel, base, limit, ar)

/*
 * CR0 as the guest should see it: @cr0 in the read shadow, and in GUEST_CR0
 * with the bits VMX operation forces (IA32_VMX_CR0_FIXED0/1, SDM Vol. 3D
 * "VMX-Fixed Bits in CR0"), except PE and PG, which unrestricted guest
 * lets the guest clear (SDM Vol. 3C, "Unrestricted Guests").
 */
static void vmx_reset_cr0(struct vcpu_vmx *vmx, u64 cr0)
{
	u64 fixed0 = vmcs_config.cr0_fixed0;

	if (secondary_exec_controls_get(vmx) & SECONDARY_EXEC_UNRESTRICTED_GUEST)
		fixed0 &= ~(X86_CR0_PE | X86_CR0_PG);
	vmcs_writel(GUEST_CR0, (cr0 | fixed0) & vmcs_config.cr0_fixed1);
	vmcs_writel(CR0_READ_SHADOW, cr0);
}

/*
 * Multiboot's machine state ("Multiboot Specification: Machine state"): 32-bit
 * protected mode, paging off, flat 4 GiB CS (execute/read) and data
 * segments, A20 on, interrupts off.  GDTR/IDTR are undefined for the guest;
 * TR must still satisfy the VM-entry checks, so it is a busy 32-bit TSS.
 * The guest sees CR0 = PE|ET (NE is forced on underneath, host-owned).
 */
static void vmx_reset_protected_32(struct vcpu_vmx *vmx)
{
	SET_SEG(CS, GUEST_CS_SELECTOR_FLAT, 0, FLAT_LIMIT, VMX_AR_CODE32_FLAT);
	SET_SEG(DS, GUEST_DS_SELECTOR_FLAT, 0, FLAT_LIMIT, VMX_AR_DATA32_FLAT);
	SET_SEG(ES, GUEST_DS_SELECTOR_FLAT, 0, FLAT_LIMIT, VMX_AR_DATA32_FLAT);
	SET_SEG(SS, GUEST_DS_SELECTOR_FLAT, 0, FLAT_LIMIT, VMX_AR_DATA32_FLAT);
	SET_SEG(FS, GUEST_DS_SELECTOR_FLAT, 0, FLAT_LIMIT, VMX_AR_DATA32_FLAT);
	SET_SEG(GS, GUEST_DS_SELECTOR_FLAT, 0, FLAT_LIMIT, VMX_AR_DATA32_FLAT);
	SET_SEG(TR, 0, 0, TSS_MIN_LIMIT, VMX_AR_TSS32_BUSY);
	vmcs_writel(GUEST_GDTR_BASE, 0);
	vmcs_write32(GUEST_GDTR_LIMIT, 0);
	vmcs_writel(GUEST_IDTR_BASE, 0);
	vmcs_write32(GUEST_IDTR_LIMIT, 0);
	vmx_reset_cr0(vmx, X86_CR0_PE | X86_CR0_ET);
}

#define VMX_AR_CODE16_REAL 0x009b	/* P S code exec/read accessed, 16-bit */
#define VMX_AR_DATA16_REAL 0x0093	/* P S data read/write accessed, 16-bit */
#define REAL_MODE_SEG_LIMIT 0xffff	/* 64 KiB segments */
#define REAL_MODE_SEG_SHIFT_BASE 4	/* base = selector << 4 */
#define REAL_MODE_IVT_LIMIT 0x3ff	/* 256 four-byte vectors at 0 */
#define RESET_GDT_LIMIT 0xffff
#define RESET_TR_LIMIT 0xffff

static void set_real_mode_seg(u32 sel_f, u32 base_f, u32 limit_f, u32 ar_f,
			      u16 sel, u32 ar)
{
	set_seg(sel_f, base_f, limit_f, ar_f, sel,
		(u64)sel << REAL_MODE_SEG_SHIFT_BASE, REAL_MODE_SEG_LIMIT, ar);
}
#define SET_REAL_MODE_SEG(seg, sel, ar)                                   \
	set_real_mode_seg(GUEST_##seg##_SELECTOR, GUEST_##seg##_BASE,     \
			  GUEST_##seg##_LIMIT, GUEST_##seg##_AR_BYTES, sel, ar)

/*
 * A flat image (loader/flat.h): real mode, the way a BIOS hands the CPU to
 * a boot sector, without the BIOS.  CS and SS come from the loader, the
 * other segments are 0, all with 64 KiB limits and base = selector << 4.
 * The interrupt vector table is at 0 (IDTR base 0, limit 0x3ff, as a real
 * mode program expects it); GDTR and TR are as after RESET (SDM Vol. 3A,
 * "Processor State after Reset"), TR as a busy TSS for the VM-entry checks.
 * The guest sees CR0 = ET only: a CPU leaves RESET with CD and NW set as
 * well, which any BIOS clears before it boots something, and CD is
 * guest-owned, so it would really run the guest uncached.  Unrestricted
 * guest is what lets VM entry accept CR0.PE = 0 at all; the segments pass
 * the checks as they are: present, accessed, DPL 0 (SDM Vol. 3C, "Checks
 * on Guest Segment Registers").
 */
static void vmx_reset_real_mode(struct vcpu_vmx *vmx,
				const struct vcpu_boot_state *boot)
{
	SET_REAL_MODE_SEG(CS, boot->real_cs, VMX_AR_CODE16_REAL);
	SET_REAL_MODE_SEG(SS, boot->real_ss, VMX_AR_DATA16_REAL);
	SET_REAL_MODE_SEG(DS, 0, VMX_AR_DATA16_REAL);
	SET_REAL_MODE_SEG(ES, 0, VMX_AR_DATA16_REAL);
	SET_REAL_MODE_SEG(FS, 0, VMX_AR_DATA16_REAL);
	SET_REAL_MODE_SEG(GS, 0, VMX_AR_DATA16_REAL);
	SET_SEG(TR, 0, 0, RESET_TR_LIMIT, VMX_AR_TSS32_BUSY);
	vmcs_writel(GUEST_GDTR_BASE, 0);
	vmcs_write32(GUEST_GDTR_LIMIT, RESET_GDT_LIMIT);
	vmcs_writel(GUEST_IDTR_BASE, 0);
	vmcs_write32(GUEST_IDTR_LIMIT, REAL_MODE_IVT_LIMIT);
	vmx_reset_cr0(vmx, X86_CR0_ET);
}

/*
 * The guest state the loader asked for (@boot->mode); paging off, EFER 0,
 * interrupts off and RFLAGS 0x2 in both modes.
 */
static void vmx_vcpu_reset(struct vcpu_vmx *vmx, const struct vcpu_boot_state *boot)
{
	struct kvm_vcpu *vcpu = &vmx->vcpu;

	memcpy(vcpu->regs, boot->regs, sizeof(vcpu->regs));
	if (boot->mode == VCPU_ENTRY_REAL_MODE)
		vmx_reset_real_mode(vmx, boot);
	else
		vmx_reset_protected_32(vmx);
	SET_SEG(LDTR, 0, 0, 0, VMX_AR_UNUSABLE);

	vcpu->arch.efer = 0;
	vcpu->arch.pat = PAT_POWER_ON;
	vcpu->arch.xcr0 = 1;	/* x87 */
	vmcs_writel(GUEST_CR3, 0);
	vmcs_writel(GUEST_CR4, vmcs_config.cr4_fixed0 | X86_CR4_VMXE);
	vmcs_writel(CR4_READ_SHADOW, 0);
	vmcs_writel(GUEST_DR7, DR7_FIXED_1);
	vmcs_write64(GUEST_IA32_DEBUGCTL, 0);
	vmcs_writel(GUEST_RFLAGS, X86_EFLAGS_FIXED);
	vmcs_writel(GUEST_RSP, boot->rsp);
	vmcs_writel(GUEST_RIP, boot->rip);
	vmcs_write32(GUEST_SYSENTER_CS, 0);
	vmcs_writel(GUEST_SYSENTER_ESP, 0);
	vmcs_writel(GUEST_SYSENTER_EIP, 0);
	if (vm_entry_controls_get(vmx) & VM_ENTRY_LOAD_IA32_EFER)
		vmcs_write64(GUEST_IA32_EFER, 0);
	if (vm_entry_controls_get(vmx) & VM_ENTRY_LOAD_IA32_PAT)
		vmcs_write64(GUEST_IA32_PAT, vcpu->arch.pat);
	if (vm_entry_controls_get(vmx) & VM_ENTRY_LOAD_BNDCFGS)
		vmcs_write64(GUEST_BNDCFGS, 0);
	vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	if (secondary_exec_controls_get(vmx) & SECONDARY_EXEC_ENABLE_EPT) {
		vmcs_write64(GUEST_PDPTR0, 0);
		vmcs_write64(GUEST_PDPTR1, 0);
		vmcs_write64(GUEST_PDPTR2, 0);
		vmcs_write64(GUEST_PDPTR3, 0);
	}
}

/* Write any field by name at run time (the width comes from the encoding). */
static void vmcs_write_any(u32 field, u64 value)
{
	switch (vmcs_field_width(field)) {
	case VMCS_FIELD_WIDTH_U16:
		vmcs_write16(field, value);
		break;
	case VMCS_FIELD_WIDTH_U32:
		vmcs_write32(field, value);
		break;
	case VMCS_FIELD_WIDTH_U64:
		vmcs_write64(field, value);
		break;
	default:
		vmcs_writel(field, value);
		break;
	}
}

/*
 * x-break-guest-state=FIELD=VALUE: overwrite one guest-state field after
 * reset, so a test (or a student) can see how a VM-entry failure is
 * reported.  Refused for anything but guest-state fields.
 */
static int apply_break_guest_state(const char *spec)
{
	char name[64];
	const char *eq = strchr(spec, '=');
	size_t n = eq ? (size_t)(eq - spec) : 0;

	if (!eq || n == 0 || n >= sizeof(name)) {
		printk("tinyvmx: x-break-guest-state wants FIELD=VALUE, got '%s'\n", spec);
		return -EINVAL;
	}
	memcpy(name, spec, n);
	name[n] = '\0';
	for (size_t i = 0; i < vmcs_field_count; i++) {
		const struct vmcs_field_desc *f = &vmcs_field_table[i];

		if (strcmp(f->name, name))
			continue;
		if (f->type != VMCS_FIELD_TYPE_GUEST) {
			printk("tinyvmx: x-break-guest-state: %s is not a guest-state field\n",
			       name);
			return -EINVAL;
		}
		vmcs_write_any(f->encoding, strtoull(eq + 1, NULL, 0));
		printk("tinyvmx: x-break-guest-state: %s = %s\n", name, eq + 1);
		return 0;
	}
	printk("tinyvmx: x-break-guest-state: no VMCS field named %s\n", name);
	return -EINVAL;
}

/* One line at vCPU creation: which APIC path this vCPU's guest gets. */
static void vmx_report_apicv(struct kvm_vcpu *vcpu)
{
	if (kvm_vcpu_apicv_active(vcpu))
		printk("tinyvmx: VM %d vCPU %d: APIC virtualization on (TPR shadow, "
		       "APIC-access page, register virtualization, virtual-interrupt "
		       "delivery%s)\n", vcpu->kvm->id, vcpu->vcpu_id,
		       cpu_has_vmx_virtualize_x2apic_mode() ? ", x2APIC mode" : "");
	else
		printk("tinyvmx: VM %d vCPU %d: APIC virtualization off (%s): the "
		       "local APIC is emulated\n", vcpu->kvm->id, vcpu->vcpu_id,
		       vcpu->kvm->settings.apicv ? "not offered by this CPU" : "apicv=0");
}

static void *alloc_pages_zeroed(u64 npages, u64 *counter)
{
	void *p = alloc_pages_contig(npages, 1);

	if (p) {
		memset(p, 0, npages * PAGE_SIZE);
		*counter += npages;
	}
	return p;
}

struct kvm_vcpu *vmx_create_vcpu(struct kvm *kvm, int id,
				 const struct vcpu_boot_state *boot)
{
	u64 pages = 0;
	u64 npages = ALIGN_UP(sizeof(struct vcpu_vmx), PAGE_SIZE) / PAGE_SIZE;
	struct vcpu_vmx *vmx = alloc_pages_zeroed(npages, &pages);
	struct kvm_vcpu *vcpu;

	_Static_assert(sizeof(struct kvm_run) <= KVM_RUN_PAGES * PAGE_SIZE,
		       "kvm_run fits its pages");
	if (!vmx)
		return NULL;
	vcpu = &vmx->vcpu;
	vcpu->kvm = kvm;
	vcpu->vcpu_id = id;
	vcpu->cpu = -1;
	/* no exit yet whose time the first entry could close */
	vcpu->last_exit_reason = EXIT_REASON_MAX;
	vcpu->run = alloc_pages_zeroed(KVM_RUN_PAGES, &pages);
	vmx->io_bitmap_a = alloc_pages_zeroed(1, &pages);
	vmx->io_bitmap_b = alloc_pages_zeroed(1, &pages);
	vmx->apic_page = alloc_pages_zeroed(1, &pages);
	if (!vcpu->run || !vmx->io_bitmap_a || !vmx->io_bitmap_b ||
	    !vmx->apic_page)
		goto fail;
	kvm_create_lapic(vcpu, &vmx->lapic, vmx->apic_page);
	/* Every port exits to the device model: all devices are emulated. */
	memset(vmx->io_bitmap_a, 0xff, PAGE_SIZE);
	memset(vmx->io_bitmap_b, 0xff, PAGE_SIZE);

	if (kvm->settings.enable_vpid)
		vmx->vpid = allocate_vpid();

	if (kvm_vcpu_apicv_active(vcpu) && vmx_alloc_apic_access_page(kvm))
		goto fail;
	if (alloc_loaded_vmcs(&vmx->vmcs01))
		goto fail;
	pages += 1 + (vmx->vmcs01.msr_bitmap ? 1 : 0);
	vmx->loaded_vmcs = &vmx->vmcs01;
	if (vmx->vmcs01.msr_bitmap)
		vmx_setup_msr_intercepts(vmx);

	vmx_vcpu_load(vcpu, 0);
	init_vmcs(vmx);
	vmx_vcpu_reset(vmx, boot);
	vmx_refresh_apicv_mode(vcpu);
	if (kvm->settings.break_guest_state &&
	    apply_break_guest_state(kvm->settings.break_guest_state))
		goto fail;
	/* Nothing cached may survive from an earlier user of this EPTP or
	 * VPID (SDM "Invalidating Cached Translation Information"). */
	if (secondary_exec_controls_get(vmx) & SECONDARY_EXEC_ENABLE_EPT)
		ept_sync_context(kvm);
	vpid_sync_context(vmx->vpid);
	vcpu->host_pages = pages;
	/* The BSP runs; an AP waits for INIT-SIPI-SIPI (SDM Vol. 3A, "MP
	 * Initialization Protocol Algorithm"), KVM's mp_state for a vCPU
	 * other than the BSP under a split irqchip. */
	vcpu->arch.mp_state = id ? KVM_MP_STATE_INIT_RECEIVED :
				   KVM_MP_STATE_RUNNABLE;
	vmx_report_apicv(vcpu);
	/* the device model's loop loads the vCPU it runs (vcpu_load()) */
	vmx_vcpu_put(vcpu);
	return vcpu;
fail:
	printk("tinyvmx: cannot create vCPU %d\n", id);
	return NULL;
}

/* SIPI start-up: real mode at vector << 12 (CS = vector << 8, IP = 0). */
#define SIPI_VECTOR_CS_SHIFT 8

/*
 * INIT and SIPI that the local APIC accepted (KVM's
 * kvm_apic_accept_events()), before the vCPU runs.  INIT puts an AP in
 * wait-for-SIPI with the APIC in its INIT state; a SIPI then starts it in
 * real mode at the vector's page, with the processor state INIT leaves
 * (SDM Vol. 3A, "Processor State after Reset" / "MP Initialization
 * Protocol Algorithm").  INIT to the BSP is ignored: there is no firmware
 * at the reset vector to run.  A SIPI outside wait-for-SIPI is dropped, as
 * the processor does.
 */
void vmx_vcpu_accept_events(struct kvm_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	struct kvm_lapic *apic = vcpu->arch.apic;

	/* INIT first; a SIPI that came after it (both may arrive within one
	 * time slice of the sender) is taken right after. */
	if (apic->pending_events & BIT(KVM_APIC_INIT)) {
		apic->pending_events &= ~BIT(KVM_APIC_INIT);
		if (vcpu->vcpu_id == 0) {
			printk("tinyvmx: VM %d: INIT to the BSP (vCPU 0) ignored\n",
			       vcpu->kvm->id);
		} else {
			kvm_lapic_reset_init(apic);
			vcpu->arch.mp_state = KVM_MP_STATE_INIT_RECEIVED;
			vcpu->arch.requests |= KVM_REQ_EVENT;
		}
	}
	if (!(apic->pending_events & BIT(KVM_APIC_SIPI)))
		return;
	apic->pending_events &= ~BIT(KVM_APIC_SIPI);
	if (vcpu->arch.mp_state == KVM_MP_STATE_INIT_RECEIVED) {
		struct vcpu_boot_state boot = {
			.mode = VCPU_ENTRY_REAL_MODE,
			.real_cs = (u16)(apic->sipi_vector << SIPI_VECTOR_CS_SHIFT),
		};

		vmx_vcpu_reset(vmx, &boot);
		vm_entry_controls_clearbit(vmx, VM_ENTRY_IA32E_MODE);
		vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
		vcpu->arch.exception.pending = false;
		vmx->idt_vectoring_info = 0;
		vcpu->arch.mp_state = KVM_MP_STATE_RUNNABLE;
		vcpu->arch.requests |= KVM_REQ_EVENT;
	}
}

/*
 * MSRs the VMCS does not switch but the guest may use freely (KVM's "user
 * return" MSRs).  The host never uses SYSCALL, SWAPGS or RDTSCP, so the
 * guest's values stay live for as long as the vCPU is loaded; the host's
 * are saved at load and put back in vmx_vcpu_put().
 */
static u64 *user_return_msr_slot(struct kvm_vcpu_arch *a, unsigned i)
{
	u64 *guest[NR_USER_RETURN_MSRS] = {
		&a->msr_kernel_gs_base, &a->msr_star, &a->msr_lstar,
		&a->msr_cstar, &a->msr_sfmask, &a->msr_tsc_aux,
	};

	return guest[i];
}

static const u32 user_return_msrs[NR_USER_RETURN_MSRS] = {
	MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
	MSR_TSC_AUX,
};

/* TSC_AUX exists only with RDTSCP (the last entry). */
static unsigned nr_user_return_msrs(void)
{
	return cpu_has_vmx_rdtscp() ? NR_USER_RETURN_MSRS :
				      NR_USER_RETURN_MSRS - 1;
}

void vmx_vcpu_load(struct kvm_vcpu *vcpu, int cpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);

	vmx_vcpu_load_vmcs(vcpu, cpu);
	if (vmx->guest_user_return_msrs_loaded)
		return;
	for (unsigned i = 0; i < nr_user_return_msrs(); i++) {
		vmx->host_user_return_msrs[i] = rdmsr(user_return_msrs[i]);
		wrmsr(user_return_msrs[i], *user_return_msr_slot(&vcpu->arch, i));
	}
	vmx->guest_user_return_msrs_loaded = true;
}

void vmx_vcpu_put(struct kvm_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);

	if (!vmx->guest_user_return_msrs_loaded)
		return;
	vmx->guest_user_return_msrs_loaded = false;
	for (unsigned i = 0; i < nr_user_return_msrs(); i++) {
		*user_return_msr_slot(&vcpu->arch, i) = rdmsr(user_return_msrs[i]);
		wrmsr(user_return_msrs[i], vmx->host_user_return_msrs[i]);
	}
}

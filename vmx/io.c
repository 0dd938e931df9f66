/* SPDX-License-Identifier: MIT */
/*
 * I/O instruction exits (handle_io).  Every port exits (both I/O bitmaps are
 * all ones) and goes to the device model through the exit record, as KVM
 * hands port I/O to QEMU:
 *
 *   IN/OUT       run->io with one element; OUT data copied now, IN data
 *                written to RAX when vcpu_run() is entered again.
 *   INS/OUTS     run->io with up to a page of elements, never crossing a
 *                guest page, so one translation serves the chunk.  With REP
 *                the instruction is re-executed until RCX reaches zero, so
 *                the guest sees progress element by element and an
 *                interrupt (later) can arrive between chunks.
 *
 * SDM Vol. 3C "Exit Qualification for I/O Instructions" and "VM-Exit
 * Instruction-Information Field" (address size and segment of INS/OUTS).
 */
#include <string.h>

#include "kernel/kernel.h"
#include "kernel/x86.h"
#include "vmx/guest_access.h"
#include "vmx/vmx.h"

static unsigned addr_size_bytes(struct kvm_vcpu *vcpu, u32 insn_info_raw)
{
	union vmx_insn_info_ins_outs info = { .raw = insn_info_raw };

	switch (info.addr_size) {
	case INSN_INFO_ADDR_SIZE_16:
		return 2;
	case INSN_INFO_ADDR_SIZE_32:
		return 4;
	default:
		return 8;
	}
}

static u64 size_mask(unsigned bytes)
{
	return bytes == 8 ? ~0ull : (1ull << (bytes * 8)) - 1;
}

static void trace_io(struct kvm_vcpu *vcpu, const char *dir, u16 port,
		     unsigned size, unsigned count, u32 value)
{
	if (count == 1)
		printk("trace: io %s port %#x size %u value %#x rip %#lx\n", dir,
		       port, size, value, vmcs_readl(GUEST_RIP));
	else
		printk("trace: io %s port %#x size %u count %u rip %#lx\n", dir,
		       port, size, count, vmcs_readl(GUEST_RIP));
}

/*
 * With RFLAGS.DF = 1 the string instruction walks downwards: its first
 * element is the one at the highest address.  A chunk is copied to or from
 * guest memory as one ascending block, so its elements are reversed to keep
 * run->io_data in the order of the port accesses.
 */
static void reverse_elements(u8 *buf, u64 n, unsigned size)
{
	for (u64 i = 0, j = n - 1; i < j; i++, j--) {
		u8 tmp[4];

		memcpy(tmp, buf + i * size, size);
		memcpy(buf + i * size, buf + j * size, size);
		memcpy(buf + j * size, tmp, size);
	}
}

/* Start (or continue) an INS/OUTS: fill run->io with one chunk. */
/* Out of line: the plain IN/OUT path stays free of its register pressure. */
static __noinline int handle_string_io(struct kvm_vcpu *vcpu,
				       union exit_qual_io q)
{
	struct kvm_vcpu_arch *a = &vcpu->arch;
	struct kvm_run *run = vcpu->run;
	unsigned size = q.size + 1;
	u32 info = vmcs_read32(VMX_INSTRUCTION_INFO);
	unsigned as = addr_size_bytes(vcpu, info);
	bool in = q.in;
	bool down = vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_DF;
	u64 mask = size_mask(as);
	u64 index = vcpu->regs[in ? VCPU_REGS_RDI : VCPU_REGS_RSI] & mask;
	u64 count = q.rep ? vcpu->regs[VCPU_REGS_RCX] & mask : 1;
	union vmx_insn_info_ins_outs ii = { .raw = info };
	/* INS always writes ES:rDI; OUTS reads seg:rSI (DS unless overridden). */
	enum guest_seg seg = in ? SEG_ES : (enum guest_seg)ii.segment;
	u64 gva = kvm_linear_addr(vcpu, seg, index, as);
	u64 room, n, gpa;
	int r;

	if (count == 0)
		return kvm_skip_emulated_instruction(vcpu);
	/* Elements that fit before the page boundary in the direction of
	 * travel, the data buffer, and the count. */
	if (down)
		room = (gva & (PAGE_SIZE - 1)) / size + 1;
	else
		room = (PAGE_SIZE - (gva & (PAGE_SIZE - 1))) / size;
	/* With 16- or 32-bit addressing the index wraps within the segment
	 * (SDM Vol. 2, "INS" / "OUTS": rSI/rDI are updated at the address
	 * size): stop the chunk where it wraps, the next one starts at the
	 * wrapped index. */
	if (as < sizeof(u64))
		room = MIN(room, down ? index / size + 1 : (mask - index) / size + 1);
	n = MIN(count, MIN(room, KVM_RUN_IO_DATA_SIZE / size));
	if (n == 0)
		n = 1;	/* an element straddles the page: copy it alone */
	if (down)
		gva -= (n - 1) * size;

	if (in) {
		/* fault now (before the device is touched) if the buffer is
		 * not writable; the data is written on completion */
		r = kvm_translate_linear(vcpu, gva, GUEST_WALK_WRITE, &gpa);
	} else {
		r = kvm_read_guest_virt(vcpu, gva, run->io_data, n * size, 0);
		if (!r && down)
			reverse_elements(run->io_data, n, size);
	}
	if (r == -EFAULT)
		return 1;	/* #PF/#GP injected; the guest sees it */
	if (r) {
		vmx_kill_vm(vcpu, KVM_EXIT_INTERNAL_ERROR, KVM_INTERNAL_ERROR_EMULATION,
			    "%s at RIP %#lx: string I/O buffer at linear %#llx is not guest RAM",
			    in ? "INS" : "OUTS", vmcs_readl(GUEST_RIP), gva);
		return 0;
	}

	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = in ? KVM_EXIT_IO_IN : KVM_EXIT_IO_OUT;
	run->io.size = size;
	run->io.port = q.port;
	run->io.count = n;
	a->pending = PENDING_PIO_STRING;
	a->pending_string_gva = gva;	/* completion re-walks it */
	a->pending_string_count = n;
	vcpu->stat.io_exits++;
	if (unlikely(vcpu->kvm->settings.trace & TRACE_IO))
		trace_io(vcpu, in ? "ins" : "outs", q.port, size, n, 0);
	return 0;
}

/* Tracing of a plain OUT, from the record (out of line: it is rare). */
static __noinline void trace_out(struct kvm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	trace_io(vcpu, "out", run->io.port, run->io.size, 1,
		 *(u32 *)run->io_data & size_mask(run->io.size));
}

int handle_io(struct kvm_vcpu *vcpu)
{
	union exit_qual_io q = { .raw = vmcs_readl(EXIT_QUALIFICATION) };
	struct kvm_run *run = vcpu->run;

	if (unlikely(q.string))
		return handle_string_io(vcpu, q);

	vcpu->stat.io_exits++;
	run->exit_reason = KVM_EXIT_IO;
	run->io.size = q.size + 1;
	run->io.port = q.port;
	run->io.count = 1;
	if (q.in) {
		run->io.direction = KVM_EXIT_IO_IN;
		vcpu->arch.pending = PENDING_PIO_IN;
		return 0;
	}
	run->io.direction = KVM_EXIT_IO_OUT;
	/*
	 * Little endian: the low io.size bytes of RAX are the data, and the
	 * device model reads only those (the bytes above are don't-care, as
	 * in KVM's data area).
	 */
	*(u32 *)run->io_data = vcpu->regs[VCPU_REGS_RAX];
	/* OUT is complete once the device model has the data. */
	kvm_skip_emulated_instruction(vcpu);
	if (unlikely(vcpu->kvm->settings.trace & TRACE_IO))
		trace_out(vcpu);
	return 0;
}

/* After the device model: finish the I/O instruction that exited. */
/* Finish a plain IN: the device model's data into AL/AX/EAX. */
int complete_pio_in(struct kvm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	unsigned size = run->io.size;
	u32 v = *(u32 *)run->io_data & size_mask(size);
	unsigned long *rax = &vcpu->regs[VCPU_REGS_RAX];

	/* IN AL/AX merge into RAX; IN EAX zero-extends (SDM "IN"). */
	if (size == 4)
		*rax = v;
	else
		*rax = (*rax & ~size_mask(size)) | v;
	if (unlikely(vcpu->kvm->settings.trace & TRACE_IO))
		trace_io(vcpu, "in", run->io.port, size, 1, v);
	return kvm_skip_emulated_instruction(vcpu);
}

int complete_pio(struct kvm_vcpu *vcpu)
{
	struct kvm_vcpu_arch *a = &vcpu->arch;
	struct kvm_run *run = vcpu->run;
	unsigned size = run->io.size;

	if (a->pending == PENDING_PIO_IN)
		return complete_pio_in(vcpu);

	/* PENDING_PIO_STRING */
	{
		u32 info = vmcs_read32(VMX_INSTRUCTION_INFO);
		unsigned as = addr_size_bytes(vcpu, info);
		u64 mask = size_mask(as);
		bool in = run->io.direction == KVM_EXIT_IO_IN;
		bool down = vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_DF;
		union exit_qual_io q = { .raw = vmcs_readl(EXIT_QUALIFICATION) };
		u64 n = a->pending_string_count;
		int idx = in ? VCPU_REGS_RDI : VCPU_REGS_RSI;
		u64 delta = n * size;
		u64 newidx;

		if (in) {
			int r;

			if (down)
				reverse_elements(run->io_data, n, size);
			r = kvm_write_guest_virt(vcpu, a->pending_string_gva,
						 run->io_data, delta);

			if (r == -EFAULT)
				return 1;
			if (r) {
				vmx_kill_vm(vcpu, KVM_EXIT_INTERNAL_ERROR,
					    KVM_INTERNAL_ERROR_EMULATION,
					    "INS at RIP %#lx: buffer is not guest RAM",
					    vmcs_readl(GUEST_RIP));
				return 0;
			}
		}
		newidx = down ? vcpu->regs[idx] - delta : vcpu->regs[idx] + delta;
		vcpu->regs[idx] = (vcpu->regs[idx] & ~mask) | (newidx & mask);
		if (q.rep) {
			u64 rcx = (vcpu->regs[VCPU_REGS_RCX] & mask) - n;

			vcpu->regs[VCPU_REGS_RCX] =
				(vcpu->regs[VCPU_REGS_RCX] & ~mask) | (rcx & mask);
			if (rcx)
				return 1;	/* re-execute: next chunk */
		}
		return kvm_skip_emulated_instruction(vcpu);
	}
}

/* SPDX-License-Identifier: MIT */
/*
 * The device model behind the exit record: what QEMU does above KVM.  It
 * builds the VM (memory, multiboot guest, one vCPU), then loops on
 * kvm_arch_vcpu_ioctl_run() and serves each exit record with the PC
 * devices in dev/, until a device, a hypercall or the hypervisor ends the
 * machine.
 */
#include <stdio.h>
#include <string.h>

#include "dev/lapic.h"
#include "dev/pc.h"
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/x86.h"
#include "loader/flat.h"
#include "loader/mbinfo.h"
#include "loader/multiboot.h"
#include "virt/machine.h"

#define GUEST_INITIAL_ESP 0x9fc00	/* top of conventional memory */
#define MB_INFO_MAX 8192

static struct pc_machine pc;
static struct kvm *machine_kvm;
static struct kvm_vcpu *machine_vcpu;

static void console_tx(void *ctx, u8 byte)
{
	console_write(CONSOLE_GUEST, (const char *)&byte, 1);
}

/* ---- the device model's side of the split irqchip (virt/irqchip.c) ---- */

static u64 pc_read_tsc(void *ctx)
{
	return machine_vcpu ? kvm_read_l1_tsc(machine_vcpu) : rdtsc();
}

static int pc_deliver(void *ctx, const struct kvm_lapic_irq *irq)
{
	return kvm_irq_delivery_to_apic(machine_kvm, NULL, irq);
}

static void pc_pic_intr(void *ctx, bool level)
{
	if (level && machine_kvm)
		kvm_pic_intr_changed(machine_kvm);
}

static bool irqchip_pic_has_interrupt(void *ctx)
{
	return pic_has_interrupt(&pc.pic);
}

static int irqchip_pic_read_irq(void *ctx)
{
	return kvm_pic_read_irq(&pc.pic);
}

static void irqchip_eoi_level(void *ctx, int vector)
{
	kvm_ioapic_update_eoi(&pc.ioapic, vector);
}

static const struct kvm_irqchip_ops pc_irqchip_ops = {
	.pic_has_interrupt = irqchip_pic_has_interrupt,
	.pic_read_irq = irqchip_pic_read_irq,
	.eoi_level = irqchip_eoi_level,
};

static int gm_write(void *ctx, u64 gpa, const void *src, size_t n)
{
	return kvm_write_guest(ctx, gpa, src, n);
}

static int gm_zero(void *ctx, u64 gpa, size_t n)
{
	void *p = kvm_gpa_to_hva(ctx, gpa, n);

	if (!p)
		return -EFAULT;
	memset(p, 0, n);
	return 0;
}

static const struct guest_mem_ops guest_mem_ops = { gm_write, gm_zero };

/* Multiboot v1: load the image, build the information structure. */
static int load_multiboot(struct kvm *kvm, const struct machine_config *cfg,
			  struct vcpu_boot_state *boot)
{
	static u8 info[MB_INFO_MAX];
	struct mb_module_desc mods[MB_MAX_MODULES];
	u32 mod_sizes[MB_MAX_MODULES];
	struct mb_image img;
	struct mb_boot_params params = {
		.mem_bytes = cfg->mem_bytes,
		.cmdline = cfg->cmdline,
		.loader_name = "tinyvmx",
		.nmods = cfg->nmods,
		.mods = mods,
	};
	struct mb_layout lay;
	char err[160];
	size_t used;
	int r;

	for (unsigned i = 0; i < cfg->nmods && i < MB_MAX_MODULES; i++) {
		mods[i].string = cfg->mods[i].string;
		mod_sizes[i] = cfg->mods[i].len;
	}
	r = mb_parse_image(cfg->image, cfg->image_len, &img, err, sizeof(err));
	if (!r)
		r = mb_check_fits(&img, cfg->mem_bytes, err, sizeof(err));
	if (!r)
		r = mb_load(&img, cfg->image, cfg->image_len, &guest_mem_ops, kvm,
			    err, sizeof(err));
	if (!r)
		r = mb_plan_layout(img.load_end, &params, mod_sizes, &lay, err,
				   sizeof(err));
	if (r) {
		printk("tinyvmx: %s: %s\n", cfg->image_name, err);
		return r;
	}
	if (img.warn_video)
		printk("tinyvmx: %s: the kernel asks for a video mode; it gets text mode\n",
		       cfg->image_name);
	mb_apply_layout(&params, &lay);
	/* the modules, page-aligned above the kernel as GRUB places them */
	for (unsigned i = 0; i < cfg->nmods && !r; i++)
		r = kvm_write_guest(kvm, mods[i].start, cfg->mods[i].data,
				    cfg->mods[i].len);
	if (!r)
		r = mb_build_info(&params, lay.info_gpa, info, sizeof(info), &used);
	if (!r)
		r = kvm_write_guest(kvm, lay.info_gpa, info, used);
	if (r) {
		printk("tinyvmx: %s: cannot place the modules and the multiboot "
		       "information (%d)\n", cfg->image_name, r);
		return r;
	}
	memset(boot, 0, sizeof(*boot));
	boot->mode = VCPU_ENTRY_PROTECTED_32;
	boot->rip = img.entry;
	boot->rsp = GUEST_INITIAL_ESP;
	boot->regs[VCPU_REGS_RAX] = MULTIBOOT_BOOTLOADER_MAGIC;
	boot->regs[VCPU_REGS_RBX] = lay.info_gpa;
	return 0;
}

/* A flat image: its bytes at the entry address, real mode (loader/flat.h). */
static int load_flat(struct kvm *kvm, const struct machine_config *cfg,
		     struct vcpu_boot_state *boot)
{
	struct flat_entry e;
	char err[200];
	int r;

	r = flat_plan(cfg->real_mode_entry, cfg->image_len, &e, err, sizeof(err));
	if (r) {
		printk("tinyvmx: %s: %s\n", cfg->image_name, err);
		return r;
	}
	r = kvm_write_guest(kvm, e.load_addr, cfg->image, cfg->image_len);
	if (r) {
		printk("tinyvmx: %s: cannot load the image at %#x (%d)\n",
		       cfg->image_name, e.load_addr, r);
		return r;
	}
	memset(boot, 0, sizeof(*boot));
	boot->mode = VCPU_ENTRY_REAL_MODE;
	boot->real_cs = e.cs;
	boot->rip = e.ip;
	boot->real_ss = e.ss;
	boot->rsp = e.sp;
	return 0;
}

static void serve_pio(struct kvm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	bool out = run->io.direction == KVM_EXIT_IO_OUT;

	/* the common case: one element (IN/OUT), no copying */
	if (likely(run->io.count == 1)) {
		pc_pio(&pc, run->io.port, run->io.size, out, (u32 *)run->io_data);
		return;
	}
	for (u32 i = 0; i < run->io.count && machine_running(&pc.ev); i++) {
		u8 *p = run->io_data + i * run->io.size;
		u32 v = 0;

		if (out)
			memcpy(&v, p, run->io.size);
		pc_pio(&pc, run->io.port, run->io.size, out, &v);
		if (!out)
			memcpy(p, &v, run->io.size);
	}
}

/* kvm_set_pio_handler(): plain IN/OUT served without leaving KVM_RUN. */
static int pio_handler(void *ctx, struct kvm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	/* only single-element records come here */
	pc_pio(&pc, run->io.port, run->io.size,
	       run->io.direction == KVM_EXIT_IO_OUT, (u32 *)run->io_data);
	return machine_running(&pc.ev);
}

static void serve_mmio(struct kvm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	u64 v = 0;

	memcpy(&v, run->mmio.data, run->mmio.len);
	if (pc_mmio(&pc, run->mmio.phys_addr, run->mmio.len, run->mmio.is_write,
		    &v) == IO_BUS_UNASSIGNED)
		vcpu->stat.mmio_unassigned++;
	if (!run->mmio.is_write)
		memcpy(run->mmio.data, &v, run->mmio.len);
}

static void kill(struct machine_result *res, struct kvm_vcpu *vcpu, const char *why)
{
	/* the report can be longer than one printk */
	printk("tinyvmx: VM %d killed: ", vcpu->kvm->id);
	console_write(CONSOLE_HV, why, strlen(why));
	res->what = "killed";
	res->code = vcpu->run->exit_reason;
}

/*
 * The vCPU scheduler of a one-CPU host: round robin from the vCPU after
 * @cur over those kvm_vcpu_runnable() accepts; @cur itself last, so a lone
 * runnable vCPU keeps running.  NULL when none can run.
 */
static struct kvm_vcpu *pick_vcpu(struct kvm *kvm, struct kvm_vcpu *cur)
{
	int n = kvm->online_vcpus;

	if (n == 1)
		return cur;
	for (int i = 1; i <= n; i++) {
		struct kvm_vcpu *v = kvm->vcpus[(cur->vcpu_id + i) % n];

		if (kvm_vcpu_runnable(v))
			return v;
	}
	return NULL;
}

/*
 * No vCPU can run.  If a halted one with interrupts enabled has an APIC
 * timer armed, wait for the earliest deadline (the host CPU has nothing
 * else to do) and return true; otherwise nothing will ever wake the VM.
 */
static bool wait_for_timer(struct kvm *kvm)
{
	u64 earliest = 0;

	for (int i = 0; i < kvm->online_vcpus; i++) {
		struct kvm_vcpu *v = kvm->vcpus[i];
		u64 d = kvm_lapic_next_deadline(v->arch.apic);

		if (v->arch.mp_state == KVM_MP_STATE_HALTED && v->arch.halt_if &&
		    d && (!earliest || d < earliest))
			earliest = d;
	}
	if (!earliest)
		return false;
	while (kvm_read_l1_tsc(kvm->vcpus[0]) < earliest)
		cpu_relax();
	return true;
}

static const char *mp_state_name(const struct kvm_vcpu *v)
{
	if (v->arch.mp_state == KVM_MP_STATE_INIT_RECEIVED)
		return "waits for a SIPI";
	if (v->arch.halt_if)
		return "halted (HLT, RFLAGS.IF = 1, no timer armed)";
	return "halted with interrupts disabled (HLT, RFLAGS.IF = 0)";
}

static const char *all_blocked_report(struct kvm *kvm)
{
	static char buf[KVM_RUN_REPORT_SIZE];
	size_t n;

	n = snprintf(buf, sizeof(buf), "no vCPU can run and nothing can wake one:");
	for (int i = 0; i < kvm->online_vcpus && n < sizeof(buf); i++)
		n += snprintf(buf + n, sizeof(buf) - n, " vCPU %d %s;", i,
			      mp_state_name(kvm->vcpus[i]));
	if (n < sizeof(buf) - 1)
		snprintf(buf + n, sizeof(buf) - n, "\n");
	return buf;
}

void machine_run(const struct machine_config *cfg, struct machine_result *res)
{
	struct vcpu_boot_state boot;
	struct kvm_vcpu *vcpu;
	struct kvm *kvm;
	u64 before = pmm_used_pages();

	struct pc_config pc_cfg = {
		.ram_size = cfg->mem_bytes,
		.nr_cpus = cfg->nr_cpus ? cfg->nr_cpus : 1,
		.tsc_hz = cfg->tsc_khz * 1000,
		.console_tx = console_tx,
		.read_tsc = pc_read_tsc,
		.deliver = pc_deliver,
		.pic_intr = pc_pic_intr,
	};
	void *bios_area;

	res->what = "error";
	res->code = 0;
	pc_machine_init(&pc, &pc_cfg);
	kvm = kvm_create_vm(&cfg->settings);
	if (!kvm || kvm_set_memory_region(kvm, 0, cfg->mem_bytes, "ram")) {
		printk("tinyvmx: cannot allocate %llu MiB of guest memory\n",
		       cfg->mem_bytes >> 20);
		return;
	}
	machine_kvm = kvm;
	kvm->tsc_khz = cfg->tsc_khz;
	kvm_set_irqchip(kvm, &pc_irqchip_ops, NULL);
	/* ACPI tables in the BIOS area, where a guest scans for the RSDP */
	bios_area = kvm_gpa_to_hva(kvm, PC_ACPI_BASE, PC_ACPI_SIZE);
	if (!bios_area || pc_build_acpi(&pc, bios_area, pc_cfg.nr_cpus)) {
		printk("tinyvmx: cannot build the ACPI tables at %#x\n",
		       PC_ACPI_BASE);
		return;
	}
	if (cfg->real_mode ? load_flat(kvm, cfg, &boot) :
	    load_multiboot(kvm, cfg, &boot)) {
		res->what = "bad-image";
		return;
	}
	vcpu = kvm_vm_ioctl_create_vcpu(kvm, 0, &boot);
	if (!vcpu)
		return;
	machine_vcpu = vcpu;
	/* The APs: parked in wait-for-SIPI until the BSP starts them. */
	for (unsigned i = 1; i < pc_cfg.nr_cpus; i++) {
		struct vcpu_boot_state ap = { .mode = VCPU_ENTRY_REAL_MODE };

		if (!kvm_vm_ioctl_create_vcpu(kvm, i, &ap))
			return;
	}
	kvm_set_pio_handler(kvm, pio_handler, NULL);
	if (boot.mode == VCPU_ENTRY_REAL_MODE)
		printk("tinyvmx: VM %d: %zu-byte real-mode image at %#x, entry "
		       "CS:IP %04x:%04llx, SS:SP %04x:%04llx\n", kvm->id,
		       cfg->image_len, cfg->real_mode_entry, boot.real_cs,
		       boot.rip, boot.real_ss, boot.rsp);
	printk("tinyvmx: VM %d: %llu MiB, entry %#llx, host memory: VM %llu KiB "
	       "(EPT %llu KiB), vCPU %llu KiB, total %llu KiB without guest RAM\n",
	       kvm->id, cfg->mem_bytes >> 20,
	       boot.mode == VCPU_ENTRY_REAL_MODE ? cfg->real_mode_entry : boot.rip,
	       (kvm->host_pages + kvm->ept.pages) * 4, kvm->ept.pages * 4,
	       vcpu->host_pages * 4,
	       (pmm_used_pages() - before - (cfg->mem_bytes >> PAGE_SHIFT)) * 4);

	vcpu_load(vcpu);
	for (;;) {
		struct kvm_run *run;
		struct kvm_vcpu *next = pick_vcpu(kvm, vcpu);

		if (!next) {
			/* every vCPU halted or parked: sleep until a timer
			 * fires, or end a machine nothing can wake */
			if (wait_for_timer(kvm))
				continue;
			kill(res, vcpu, all_blocked_report(kvm));
			goto out;
		}
		if (next != vcpu) {
			vcpu_put(vcpu);
			vcpu = next;
			vcpu_load(vcpu);
		}
		run = vcpu->run;
		kvm_arch_vcpu_ioctl_run(vcpu);
		/* a device may have ended it from the port-I/O handler */
		if (machine_running(&pc.ev)) switch (run->exit_reason) {
		case KVM_EXIT_IO:
			serve_pio(vcpu);
			break;
		case KVM_EXIT_MMIO:
			serve_mmio(vcpu);
			break;
		case KVM_EXIT_INTR:
			/* slice over, or the vCPU blocked: run another */
			break;
		case KVM_EXIT_HLT:
			/*
			 * The hypervisor returns a HLT only when nothing can
			 * wake the vCPU: no interrupt pending and no timer
			 * armed.  With interrupts disabled that is forever;
			 * with interrupts enabled the guest simply continues
			 * (as if woken at once).
			 */
			if (!run->if_flag) {
				snprintf(run->report, sizeof(run->report),
					 "vCPU %d halted with interrupts disabled "
					 "(HLT, RFLAGS.IF = 0) and nothing can wake it\n",
					 vcpu->vcpu_id);
				kill(res, vcpu, run->report);
				goto out;
			}
			break;
		case KVM_EXIT_SYSTEM_EVENT:
			res->what = "poweroff";
			res->code = run->system_event.code;
			goto out;
		case KVM_EXIT_SHUTDOWN:
		case KVM_EXIT_FAIL_ENTRY:
		case KVM_EXIT_INTERNAL_ERROR:
			kill(res, vcpu, run->report);
			goto out;
		default:
			snprintf(run->report, sizeof(run->report),
				 "unexpected exit record %u\n", run->exit_reason);
			kill(res, vcpu, run->report);
			goto out;
		}
		if (!machine_running(&pc.ev)) {
			if (pc.ev.state == MACHINE_DEBUG_EXIT) {
				res->what = "debug-exit";
				res->code = pc.ev.code;
			} else if (pc.ev.state == MACHINE_RESET) {
				printk("tinyvmx: the guest asked for a reset (%s); "
				       "the machine ends, like QEMU -no-reboot\n",
				       pc.ev.source);
				res->what = "poweroff";
				res->code = 0;
			} else {
				res->what = "poweroff";
				res->code = 0;
			}
			goto out;
		}
	}
out:
	vcpu_put(vcpu);
	for (int i = 0; i < kvm->online_vcpus; i++)
		kvm_print_exit_stats(kvm->vcpus[i]);
}

/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's entry point.  GRUB loads tinyvmx.elf (multiboot2) with
 * the guest kernel as the first boot module.  Command line (space
 * separated, see README "Hypervisor command line"):
 *
 *   mem=MiB                 guest RAM (default 128)
 *   cpus=N                  vCPUs, 1 to KVM_MAX_VCPUS (default 1; -smp N);
 *                           the APs wait for INIT/SIPI
 *   console=serial,e9       console outputs (default: every one present)
 *   caps                    print the VMX capability report and stop
 *   trace=io,mmio,msr,cpuid,cr,hypercall,exits,all
 *   ept=0 vpid=0 preemption_timer=0 vnmi=0 apicv=0 hlt_in_guest=1 mwait_in_guest=1
 *   x-break-guest-state=FIELD=VALUE   (tests: corrupt one guest field)
 *   real_mode_entry=ADDR    the guest is a flat image: load it at ADDR, start
 *                           in real mode (loader/flat.h)
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/desc.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/multiboot2.h"
#include "kernel/x86.h"
#include "loader/flat.h"
#include "virt/machine.h"
#include "vmx/capabilities.h"
#include "vmx/vmx.h"

#define DEFAULT_MEM_MIB 128
#define MIN_MEM_MIB 2
#define DEFAULT_NR_CPUS 1
#define PIC1_DATA 0x21
#define PIC2_DATA 0xa1
#define PIC_MASK_ALL 0xff
#define CMDLINE_MAX 4096	/* what tinyvmx run accepts */
#define MAX_ARGS 32

u64 hypervisor_start_tsc;

static struct boot_info boot_info;

struct hv_options {
	u64 mem_mib;
	const char *cpus;	/* cpus=N as given, NULL: DEFAULT_NR_CPUS */
	bool caps;
	const char *console;
	const char *real_mode_entry;	/* NULL: a multiboot guest */
	struct kvm_settings settings;
};

static const struct {
	const char *name;
	u32 bit;
} trace_classes[] = {
	{ "io", TRACE_IO }, { "mmio", TRACE_MMIO }, { "msr", TRACE_MSR },
	{ "cpuid", TRACE_CPUID }, { "cr", TRACE_CR },
	{ "hypercall", TRACE_HYPERCALL }, { "exits", TRACE_EXITS },
};

static u32 parse_trace(const char *v)
{
	u32 mask = 0;

	while (*v) {
		const char *end = strchr(v, ',');
		size_t n = end ? (size_t)(end - v) : strlen(v);
		bool known = false;

		if (n == 3 && !strncmp(v, "all", 3)) {
			mask = ~0u & ~TRACE_EXITS;
			known = true;
		}
		for (unsigned i = 0; i < ARRAY_SIZE(trace_classes); i++) {
			if (strlen(trace_classes[i].name) == n &&
			    !strncmp(v, trace_classes[i].name, n)) {
				mask |= trace_classes[i].bit;
				known = true;
			}
		}
		if (!known)
			printk("tinyvmx: ignoring unknown trace class '%.*s'\n", (int)n, v);
		v += n + (end ? 1 : 0);
	}
	return mask;
}

static bool flag(const char *v)
{
	return strcmp(v, "0") && strcmp(v, "off") && strcmp(v, "no");
}

/* A decimal count, or 0 if @v is not one ("", "2x", "-1"). */
static unsigned long parse_count(const char *v)
{
	char *end;
	unsigned long n;

	if (*v < '0' || *v > '9')
		return 0;
	n = strtoul(v, &end, 10);
	return *end ? 0 : n;
}

/* Split a copy of the command line in place into NUL-terminated words. */
static void parse_cmdline(const char *cmdline, struct hv_options *o)
{
	static char buf[CMDLINE_MAX];
	char *p = buf;

	size_t n = strnlen(cmdline, sizeof(buf) - 1);

	memcpy(buf, cmdline, n);
	buf[n] = '\0';
	while (*p) {
		char *word, *eq;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		word = p;
		while (*p && *p != ' ')
			p++;
		if (*p)
			*p++ = '\0';
		eq = strchr(word, '=');
		if (eq)
			*eq++ = '\0';
		if (!strcmp(word, "mem") && eq)
			o->mem_mib = strtoul(eq, NULL, 0);
		else if (!strcmp(word, "cpus") && eq)
			o->cpus = eq;
		else if (!strcmp(word, "caps"))
			o->caps = true;
		else if (!strcmp(word, "console") && eq)
			o->console = eq;
		else if (!strcmp(word, "trace") && eq)
			o->settings.trace = parse_trace(eq);
		else if (!strcmp(word, "ept") && eq)
			o->settings.enable_ept = flag(eq);
		else if (!strcmp(word, "vpid") && eq)
			o->settings.enable_vpid = flag(eq);
		else if (!strcmp(word, "preemption_timer") && eq)
			o->settings.enable_preemption_timer = flag(eq);
		else if (!strcmp(word, "vnmi") && eq)
			o->settings.enable_vnmi = flag(eq);
		else if (!strcmp(word, "apicv") && eq)
			o->settings.apicv = flag(eq);
		else if (!strcmp(word, "hlt_in_guest") && eq)
			o->settings.hlt_in_guest = flag(eq);
		else if (!strcmp(word, "mwait_in_guest") && eq)
			o->settings.mwait_in_guest = flag(eq);
		else if (!strcmp(word, "x-break-guest-state") && eq)
			o->settings.break_guest_state = eq;
		else if (!strcmp(word, "real_mode_entry") && eq)
			o->real_mode_entry = eq;
		else if (word[0] != '/')	/* GRUB may pass the image path */
			printk("tinyvmx: ignoring unknown option '%s'\n", word);
	}
}

/*
 * GRUB's config parser hands a module its arguments with a backslash added
 * before every backslash and quote; undo exactly that, so the guest sees
 * the command line the user typed.
 */
static const char *unescape_grub_args(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	for (; *s && n < len - 1; s++) {
		if (s[0] == '\\' && (s[1] == '\\' || s[1] == '\'' || s[1] == '"'))
			s++;
		buf[n++] = *s;
	}
	buf[n] = '\0';
	return buf;
}

static void caps_line(void *ctx, const char *line)
{
	printk("%s\n", line);
}

/* The legacy PICs stay masked: the hypervisor polls and takes no IRQs. */
static void mask_legacy_pic(void)
{
	outb(PIC1_DATA, PIC_MASK_ALL);
	outb(PIC2_DATA, PIC_MASK_ALL);
}

/* Host CR4.OSXSAVE lets the hypervisor execute XSETBV for its guests. */
static void enable_host_xsave(void)
{
	u32 a, b, c, d;

	cpuid_count(1, 0, &a, &b, &c, &d);
	if (c & CPUID_1_ECX_XSAVE)
		write_cr4(read_cr4() | X86_CR4_OSXSAVE);
}

void kmain(u32 magic, u64 info_phys);
void kmain(u32 magic, u64 info_phys)
{
	struct hv_options opt = {
		.mem_mib = DEFAULT_MEM_MIB,
		.settings = { .enable_ept = true, .enable_vpid = true,
			      .enable_preemption_timer = true, .enable_vnmi = true,
			      .apicv = true },
	};
	struct machine_config cfg;
	struct machine_result res;
	const struct mb2_module *guest;
	unsigned long nr_cpus;
	static char guest_cmdline[CMDLINE_MAX];
	static char mod_strings[MACHINE_MAX_MODULES][CMDLINE_MAX];

	hypervisor_start_tsc = rdtsc();
	console_init();
	multiboot2_parse(magic, info_phys, &boot_info);
	parse_cmdline(boot_info.cmdline, &opt);
	if (opt.console)
		console_select(opt.console);
	desc_init();
	mask_legacy_pic();
	enable_host_xsave();
	pmm_init(&boot_info);
	printk("tinyvmx: hypervisor started, %llu MiB free, command line '%s'\n",
	       pmm_free_pages() >> (20 - PAGE_SHIFT), boot_info.cmdline);

	if (hardware_setup())
		machine_exit("hv-failure", 0);
	if (opt.caps) {
		vmx_caps_report(&vmx_msrs, caps_line, NULL);
		machine_exit("caps", 0);
	}
	/* Per-VM switches can only narrow what the hardware offers. */
	opt.settings.enable_ept &= enable_ept;
	opt.settings.enable_vpid &= enable_vpid;
	opt.settings.enable_preemption_timer &= enable_preemption_timer;
	opt.settings.enable_vnmi &= enable_vnmi;
	/* apicv is narrowed per vCPU by kvm_vcpu_apicv_active(), which can
	 * then say why it is off */
	if (!opt.settings.enable_ept || !enable_unrestricted_guest) {
		printk("tinyvmx: this hypervisor needs EPT and unrestricted guest "
		       "(no shadow paging: guests start with paging off, in real mode too)\n");
		machine_exit("hv-failure", 0);
	}
	if (vmx_hardware_enable())
		machine_exit("hv-failure", 0);

	if (boot_info.nmods == 0) {
		printk("tinyvmx: no guest: pass the guest kernel as a boot module\n");
		machine_exit("hv-failure", 0);
	}
	if (opt.mem_mib < MIN_MEM_MIB) {
		printk("tinyvmx: mem=%llu MiB is too small\n", opt.mem_mib);
		machine_exit("hv-failure", 0);
	}
	nr_cpus = opt.cpus ? parse_count(opt.cpus) : DEFAULT_NR_CPUS;
	if (nr_cpus < 1 || nr_cpus > KVM_MAX_VCPUS) {
		printk("tinyvmx: cpus=%s: a VM has 1 to %d vCPUs\n", opt.cpus,
		       KVM_MAX_VCPUS);
		machine_exit("hv-failure", 0);
	}
	guest = &boot_info.mods[0];
	cfg = (struct machine_config){
		.mem_bytes = opt.mem_mib << 20,
		.nr_cpus = nr_cpus,
		.tsc_khz = tsc_calibrate_khz(),
		.image = __va(guest->start),
		.image_len = guest->end - guest->start,
		.image_name = "guest",
		.cmdline = unescape_grub_args(guest->cmdline, guest_cmdline,
					      sizeof(guest_cmdline)),
		.settings = opt.settings,
	};
	if (opt.real_mode_entry) {
		char err[160];

		if (flat_parse_addr(opt.real_mode_entry, &cfg.real_mode_entry, err,
				    sizeof(err))) {
			printk("tinyvmx: real_mode_entry: %s\n", err);
			machine_exit("hv-failure", 0);
		}
		cfg.real_mode = true;
		if (boot_info.nmods > 1)
			printk("tinyvmx: a real-mode image takes no modules; %u ignored\n",
			       boot_info.nmods - 1);
	}
	/* GRUB's modules after the guest are the guest's modules, in order. */
	for (unsigned i = 1; i < boot_info.nmods && !cfg.real_mode; i++) {
		const struct mb2_module *m = &boot_info.mods[i];

		if (cfg.nmods == MACHINE_MAX_MODULES) {
			printk("tinyvmx: more than %d guest modules; the rest are dropped\n",
			       MACHINE_MAX_MODULES);
			break;
		}
		cfg.mods[cfg.nmods++] = (struct machine_module){
			.data = __va(m->start),
			.len = m->end - m->start,
			.string = unescape_grub_args(m->cmdline,
						     mod_strings[cfg.nmods],
						     sizeof(mod_strings[0])),
		};
	}
	machine_run(&cfg, &res);
	machine_exit(res.what, res.code);
}

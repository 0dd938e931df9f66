/* SPDX-License-Identifier: MIT */
/*
 * tinyvmx: run a multiboot guest kernel under the tinyvmx hypervisor, which
 * itself runs in Bochs (the emulated CPU provides VT-x).
 *
 *   tinyvmx run [options] GUEST.elf [-initrd FILE] [--module FILE[,STRING]]...
 *   tinyvmx run [options] --real-mode-entry ADDR IMAGE.bin
 *   tinyvmx caps [--cpu MODEL]
 *
 * The steps, each in a fresh work directory:
 *   1. refuse a bad command line or guest image before anything starts,
 *      with the same loader code the hypervisor uses (loader/multiboot.c,
 *      or loader/flat.c for a flat real-mode image);
 *   2. build a GRUB ISO: the hypervisor as the multiboot2 kernel, the guest
 *      as its first boot module, whose string is the guest's command line,
 *      and the guest's own modules (-initrd, --module) after it, which the
 *      hypervisor hands on to the guest in the same order;
 *   3. run Bochs headless and split its stdout into the guest's console
 *      (our stdout) and the hypervisor's (our stderr), see tools/demux.h;
 *   4. turn the hypervisor's last line, "tvx-exit: WHAT CODE", into the
 *      exit status documented in include/tvx/abi.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loader/flat.h"
#include "loader/mbinfo.h"
#include "loader/multiboot.h"
#include "tools/demux.h"
#include "tools/grubcfg.h"
#include "tools/strbuf.h"
#include "tvx/abi.h"

#ifndef TINYVMX_VERSION
#define TINYVMX_VERSION "0.1"
#endif

#define PROG "tinyvmx"

/* Defaults and limits of the command line. */
#define DEFAULT_MEM_MIB 128
#define MIN_MEM_MIB 2			/* kernel/main.c refuses less */
#define DEFAULT_CPU "tigerlake"
/* vCPUs per VM (-smp N): KVM_MAX_VCPUS in virt/kvm_host.h. */
#define MAX_VCPUS 8
#define DEFAULT_TIMEOUT_S 300
#define MIB_PER_GIB 1024
#define MIB_SHIFT 20
/* Bochs's RAM on top of the guest's: the hypervisor, its page tables, the
 * VMCS and bitmaps, and the copy of the guest image GRUB loaded (a big
 * image, and the guest's modules, are counted on top of this). */
#define HV_ROOM_MIB 64
#define BOCHS_MAX_MEGS 2048		/* Bochs 2.7: host_size 1 to 2048 */
/* The hypervisor options the tool writes itself: console, mem, cpus, trace,
 * caps, real_mode_entry. */
#define HV_FIXED_ARGS 6
/* kernel/main.c copies its command line into a 512-byte buffer. */
#define HV_CMDLINE_MAX 511
/* virt/machine.c builds the multiboot information, command line and
 * module strings included, in an 8 KiB buffer: leave room for the rest
 * of it. */
#define GUEST_CMDLINE_MAX 4096
/* The guest's modules (-initrd, --module): as many as its multiboot
 * information can list (loader/mbinfo.h). */
#define MAX_GUEST_MODULES MB_MAX_MODULES

/* After SIGTERM, Bochs gets this long before SIGKILL. */
#define KILL_GRACE_S 5
/* After the result line, Bochs should exit on the hypervisor's
 * "Shutdown" write; stop it if it lingers. */
#define RESULT_GRACE_S 5
/* poll() waits at most this long at a time (keeps milliseconds in int). */
#define POLL_MAX_S 60.0
/* Lines of context printed when Bochs ends without a result. */
#define TAIL_LINES 15
/* Hypervisor lines kept for that context. */
#define HV_RING_LINES TAIL_LINES

#define APT_INSTALL \
	"apt-get install bochs bochsbios vgabios grub-pc-bin grub-common xorriso mtools"
#define GRUB_PC_DIR "/usr/lib/grub/i386-pc"
#define DEFAULT_BXSHARE "/usr/share/bochs"
#define BOCHS_BIOS "BIOS-bochs-latest"
#define BOCHS_VGABIOS "VGABIOS-lgpl-latest"

/* The hypervisor's result line (kernel/printk.c, machine_exit()). */
#define RESULT_PREFIX "tvx-exit: "
#define RESULT_WHAT_MAX 32

/* Inside the work directory. */
#define ISO_ROOT "isoroot"
#define ISO_BOOT ISO_ROOT "/boot"
#define ISO_GRUB ISO_BOOT "/grub"
#define ISO_HV_PATH "/boot/tinyvmx.elf"
#define ISO_GUEST_PATH "/boot/guest.elf"
#define ISO_MODULE_FMT "/boot/mod%u"	/* the guest's modules, from 1 */
#define ISO_FILE "tvx.iso"
#define BOCHSRC_FILE "bochsrc"
#define BOCHS_CMDS_FILE "cmds"
#define BOCHS_LOG_FILE "bochs.log"
#define BOCHS_OUT_FILE "bochs.out"	/* Bochs's raw stdout */
#define BOCHS_ERR_FILE "bochs.err"
#define MKRESCUE_LOG_FILE "grub-mkrescue.log"
#define TIMING_FILE "timing.txt"

/* The Bochs configuration template, tools/bochsrc.in, built in. */
extern const char bochsrc_template[];
asm(".section .rodata\n"
    ".global bochsrc_template\n"
    "bochsrc_template:\n"
    ".incbin \"tools/bochsrc.in\"\n"
    ".byte 0\n"
    ".previous\n");

enum command { CMD_NONE, CMD_RUN, CMD_CAPS };

/* A guest module as given: -initrd FILE, --module FILE[,STRING]. */
struct module_opt {
	const char *file;
	const char *string;		/* the guest sees it */
};

struct options {
	enum command cmd;
	const char *guest;		/* as given: the guest sees it */
	const char *append;		/* NULL: none */
	const char *real_mode_entry;	/* NULL: a multiboot guest, else ADDR */
	u32 real_mode_addr;		/* ADDR, parsed */
	const char *initrd;		/* NULL: none */
	struct module_opt *modules;	/* --module, in order */
	unsigned nmodules;
	unsigned long mem_mib;
	unsigned long nr_cpus;		/* -smp N */
	bool smp_given;
	const char *cpu;
	bool cpu_given;
	const char *trace;
	const char **hv;		/* --hv options, in order */
	unsigned nhv;
	unsigned long timeout_s;	/* 0: none */
	const char *keep;
	const char *log;
	bool quiet;
};

/*
 * A file GRUB loads as a boot module of the hypervisor: the guest first,
 * then the guest's modules, -initrd before the --module ones.
 */
struct boot_file {
	const char *name;		/* as given on the command line */
	const char *string;		/* the module's string */
	void *data;
	size_t len;
};

static struct options opt = {
	.mem_mib = DEFAULT_MEM_MIB,
	.nr_cpus = 1,
	.cpu = DEFAULT_CPU,
	.timeout_s = DEFAULT_TIMEOUT_S,
};

/* ---- cleanup and messages ------------------------------------------- */

static char workdir[PATH_MAX];		/* "" until created */
static bool workdir_is_temp;
static pid_t bochs_pgid;		/* 0 when Bochs is not running */
static volatile sig_atomic_t got_signal;

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	if (remove(path))
		fprintf(stderr, PROG ": cannot remove %s: %s\n", path, strerror(errno));
	return 0;
}

static void cleanup(void)
{
	if (bochs_pgid > 0) {
		kill(-bochs_pgid, SIGKILL);
		bochs_pgid = 0;
	}
	if (workdir[0] && workdir_is_temp)
		nftw(workdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	workdir[0] = '\0';
}

static __noreturn void finish(int status)
{
	fflush(stdout);
	fflush(stderr);
	cleanup();
	exit(status);
}

static __printf(2, 3) __noreturn void fail(int status, const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	finish(status);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: " PROG " run [options] GUEST.elf     (or: run [options] -kernel GUEST.elf)\n"
"       " PROG " run [options] --real-mode-entry ADDR GUEST.bin\n"
"       " PROG " caps [--cpu MODEL]\n"
"       " PROG " --help | --version\n"
"\n"
"Run a multiboot (v1) guest kernel, or a flat real-mode binary, under the\n"
"tinyvmx hypervisor in Bochs.\n"
"The guest's console goes to stdout, the hypervisor's messages to stderr.\n"
"\n"
"run options:\n"
"  -m, --mem MIB          guest RAM in MiB (default %d; QEMU's 64M, 1G too)\n"
"  -append, --append STR  guest command line; the guest sees \"GUEST.elf STR\"\n"
"  -smp N                 vCPUs, 1 to %d (default 1; also cpus=N and QEMU's\n"
"                         sockets=,dies=,clusters=,cores=,threads= when they\n"
"                         multiply to N); APs wait for INIT/SIPI\n"
"  -initrd FILE           a multiboot module for the guest, its first (also\n"
"                         --initrd); the module's string is FILE as given\n"
"  --module FILE[,STR]    one more module, repeatable, in this order after\n"
"                         -initrd; its string is STR (default: FILE as given);\n"
"                         at most %d modules in all\n"
"  --real-mode-entry ADDR GUEST is a flat binary, not a multiboot kernel: its\n"
"                         bytes go to ADDR (below 1 MiB, e.g. 0x7c00) and the\n"
"                         vCPU starts there in real mode, CS = ADDR >> 4 &\n"
"                         0xf000, IP = ADDR & 0xffff, SS:SP = 9f00:1000; it\n"
"                         must end at or below %#x; no -append/-initrd/--module\n"
"  --cpu MODEL            Bochs CPU model (default " DEFAULT_CPU "; `bochs --help cpu`)\n"
"  --trace CLASSES        hypervisor tracing: io,mmio,msr,cpuid,cr,hypercall,exits,all\n"
"  --hv OPT               raw hypervisor option, repeatable (e.g. hlt_in_guest=1)\n"
"  --timeout SECONDS      stop Bochs after this long, exit 10 (default %d, 0: none)\n"
"  --keep DIR             keep the work files (ISO, bochsrc, bochs.log, raw output) in DIR\n"
"  --log FILE             copy Bochs's log to FILE\n"
"  -q, --quiet            only the hypervisor's errors and warnings, no\n"
"                         start-up messages, traces or exit statistics\n"
"  accepted and ignored (QEMU): -nographic -no-reboot -serial stdio -display none\n"
"                               -device isa-debug-exit,...\n"
"\n"
"exit status: 0 guest powered off; (v << 1) | 1 guest wrote v to port 0xf4;\n"
"  2 VM killed; 4 guest powered off with a non-zero code; 8 hypervisor failure;\n"
"  10 timeout or no result from Bochs; 64 bad command line or guest image\n",
		DEFAULT_MEM_MIB, MAX_VCPUS, MAX_GUEST_MODULES, FLAT_IMAGE_LIMIT,
		DEFAULT_TIMEOUT_S);
}

static __printf(1, 2) __noreturn void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	usage(stderr);
	finish(TVX_STATUS_USAGE);
}

/* ---- command line ---------------------------------------------------- */

/*
 * Does argv[*i] name option @name?  Accepts "NAME VALUE" and "NAME=VALUE";
 * stores the value and advances *i past it.
 */
static bool opt_value(int argc, char **argv, int *i, const char *name,
		      const char **value)
{
	const char *arg = argv[*i];
	size_t n = strlen(name);

	if (strncmp(arg, name, n))
		return false;
	if (arg[n] == '=') {
		*value = arg + n + 1;
		return true;
	}
	if (arg[n])
		return false;
	if (*i + 1 >= argc)
		usage_error("option %s needs a value", name);
	*value = argv[++*i];
	return true;
}

static bool parse_ulong(const char *s, unsigned long *v, char **end)
{
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoul(s, end, 10);
	return errno == 0;
}

/* "128", "128M", "128MiB", "1G", "size=64M": MiB, as QEMU's -m takes it. */
static bool parse_mem(const char *s, unsigned long *mib)
{
	static const struct {
		const char *suffix;
		unsigned long mul;
	} units[] = {
		{ "", 1 }, { "M", 1 }, { "m", 1 }, { "MB", 1 }, { "MiB", 1 },
		{ "G", MIB_PER_GIB }, { "g", MIB_PER_GIB }, { "GB", MIB_PER_GIB },
		{ "GiB", MIB_PER_GIB },
	};
	unsigned long v;
	char *end;

	if (!strncmp(s, "size=", strlen("size=")))
		s += strlen("size=");
	if (!parse_ulong(s, &v, &end))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (!strcmp(end, units[i].suffix)) {
			if (v > ULONG_MAX / units[i].mul)
				return false;
			*mib = v * units[i].mul;
			return true;
		}
	}
	return false;
}

/*
 * QEMU's -smp: "[[cpus=]N][,maxcpus=M][,sockets=S][,dies=D][,clusters=C]
 * [,cores=C][,threads=T]".  The vCPUs have no topology here (CPUID shows
 * each as a package of its own), so the topology is accepted only when it
 * describes exactly N CPUs, and maxcpus only as N (no CPU hotplug).
 * Without N, the topology's product is N, as QEMU computes it.
 */
static void parse_smp(const char *arg)
{
	static const char *const topo[] = {
		"sockets", "dies", "clusters", "cores", "threads",
	};
	unsigned long cpus = 0, maxcpus = 0, product = 1;
	bool have_cpus = false, have_topo = false, have_max = false;
	const char *p = arg;

	if (!*arg)
		usage_error("-smp: expected a CPU count, e.g. -smp 2");
	while (*p) {
		size_t n = strcspn(p, ","), klen;
		const char *eq = memchr(p, '=', n), *val = eq ? eq + 1 : p;
		unsigned long v;
		char *end;
		bool known = false;

		klen = eq ? (size_t)(eq - p) : 0;
		if (!parse_ulong(val, &v, &end) || end != p + n)
			usage_error("-smp %s: '%.*s' is not a CPU count", arg, (int)n, p);
		if (!eq || (klen == strlen("cpus") && !strncmp(p, "cpus", klen))) {
			if (have_cpus)
				usage_error("-smp %s: the CPU count is given twice", arg);
			if (!eq && p != arg)
				usage_error("-smp %s: a bare CPU count must come first", arg);
			cpus = v;
			have_cpus = known = true;
		} else if (klen == strlen("maxcpus") && !strncmp(p, "maxcpus", klen)) {
			maxcpus = v;
			have_max = known = true;
		}
		for (size_t i = 0; i < ARRAY_SIZE(topo) && !known; i++) {
			if (klen == strlen(topo[i]) && !strncmp(p, topo[i], klen)) {
				product = v && product <= ULONG_MAX / v ? product * v : 0;
				have_topo = known = true;
			}
		}
		if (!known)
			usage_error("-smp %s: unknown parameter '%.*s' (known: cpus, maxcpus, sockets, dies, clusters, cores, threads)",
				    arg, (int)klen, p);
		p += n + (p[n] == ',');
	}
	if (!have_cpus && have_topo)
		cpus = product;
	else if (!have_cpus)
		usage_error("-smp %s: no CPU count", arg);
	if (have_topo && product != cpus)
		usage_error("-smp %s: the topology gives %lu CPUs, not %lu (it is accepted only when it multiplies to the CPU count)",
			    arg, product, cpus);
	if (have_max && maxcpus != cpus)
		usage_error("-smp %s: maxcpus must equal the CPU count (no CPU hotplug)",
			    arg);
	if (cpus < 1 || cpus > MAX_VCPUS)
		usage_error("-smp %s: a VM has 1 to %d vCPUs", arg, MAX_VCPUS);
	opt.nr_cpus = cpus;
	opt.smp_given = true;
}

static void check_trace(const char *classes)
{
	static const char *const known[] = {
		"io", "mmio", "msr", "cpuid", "cr", "hypercall", "exits", "all",
	};
	const char *p = classes;

	for (;;) {
		size_t n = strcspn(p, ",");
		bool ok = false;

		for (size_t i = 0; i < ARRAY_SIZE(known); i++)
			ok |= strlen(known[i]) == n && !strncmp(p, known[i], n);
		if (!ok)
			usage_error("--trace: unknown class '%.*s' (known: io, mmio, msr, cpuid, cr, hypercall, exits, all)",
				    (int)n, p);
		if (!p[n])
			break;
		p += n + 1;
	}
}

/* A hypervisor option is one word of its space-separated command line. */
static void check_hv_word(const char *what, const char *w)
{
	if (!*w)
		usage_error("%s: empty option", what);
	for (const char *p = w; *p; p++) {
		if ((unsigned char)*p <= ' ' || grub_escapes_char(*p))
			usage_error("%s '%s': hypervisor options cannot contain blanks, quotes or backslashes",
				    what, w);
	}
}

/* QEMU's "-device isa-debug-exit[,iobase=0xf4][,iosize=...]". */
static void check_qemu_device(const char *dev)
{
	static const char name[] = "isa-debug-exit";
	const char *iobase;
	unsigned long port;

	if (strncmp(dev, name, strlen(name)) ||
	    (dev[strlen(name)] && dev[strlen(name)] != ','))
		usage_error("-device %s: only isa-debug-exit is available", dev);
	iobase = strstr(dev, "iobase=");
	if (iobase) {
		port = strtoul(iobase + strlen("iobase="), NULL, 0);
		if (port != TVX_PORT_DEBUG_EXIT)
			usage_error("-device %s: the debug-exit port is fixed at %#x",
				    dev, TVX_PORT_DEBUG_EXIT);
	}
}

/* Options both `run` and `caps` take; true if argv[*i] was one. */
static bool parse_common_option(int argc, char **argv, int *i)
{
	const char *a = argv[*i], *v;

	if (opt_value(argc, argv, i, "--timeout", &v)) {
		char *end;

		if (!parse_ulong(v, &opt.timeout_s, &end) || *end)
			usage_error("--timeout '%s': expected whole seconds", v);
	} else if (opt_value(argc, argv, i, "--keep", &v)) {
		opt.keep = v;
	} else if (opt_value(argc, argv, i, "--log", &v)) {
		opt.log = v;
	} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
		usage(stdout);
		finish(0);
	} else {
		return false;
	}
	return true;
}

/* --module FILE[,STRING]: the file name ends at the first comma. */
static void add_module_opt(const char *v)
{
	const char *comma = strchr(v, ',');
	struct module_opt m = { .file = v, .string = v };

	if (comma) {
		m.file = strndup(v, comma - v);
		m.string = comma + 1;
		if (!m.file)
			fail(TVX_STATUS_HV_FAILURE, "out of memory");
	}
	if (!*m.file)
		usage_error("--module '%s': empty file name", v);
	opt.modules = realloc(opt.modules, (opt.nmodules + 1) * sizeof(*opt.modules));
	if (!opt.modules)
		fail(TVX_STATUS_HV_FAILURE, "out of memory");
	opt.modules[opt.nmodules++] = m;
}

static void parse_run_args(int argc, char **argv, int i)
{
	bool only_files = false;
	const char *v;

	for (; i < argc; i++) {
		const char *a = argv[i];

		if (only_files || a[0] != '-' || !a[1]) {
			if (opt.guest)
				usage_error("more than one guest image ('%s' and '%s')",
					    opt.guest, a);
			opt.guest = a;
		} else if (!strcmp(a, "--")) {
			only_files = true;
		} else if (opt_value(argc, argv, &i, "-kernel", &v) ||
			   opt_value(argc, argv, &i, "--kernel", &v)) {
			if (opt.guest)
				usage_error("more than one guest image ('%s' and '%s')",
					    opt.guest, v);
			opt.guest = v;
		} else if (opt_value(argc, argv, &i, "--mem", &v) ||
			   opt_value(argc, argv, &i, "-m", &v)) {
			if (!parse_mem(v, &opt.mem_mib))
				usage_error("--mem '%s': expected MiB, e.g. 64 or 64M or 1G", v);
		} else if (opt_value(argc, argv, &i, "--append", &v) ||
			   opt_value(argc, argv, &i, "-append", &v)) {
			opt.append = v;
		} else if (opt_value(argc, argv, &i, "-initrd", &v) ||
			   opt_value(argc, argv, &i, "--initrd", &v)) {
			if (opt.initrd)
				usage_error("-initrd given twice ('%s' and '%s'); more modules go with --module FILE",
					    opt.initrd, v);
			if (!*v)
				usage_error("-initrd: empty file name");
			opt.initrd = v;
		} else if (opt_value(argc, argv, &i, "--module", &v)) {
			add_module_opt(v);
		} else if (opt_value(argc, argv, &i, "--real-mode-entry", &v)) {
			opt.real_mode_entry = v;
		} else if (opt_value(argc, argv, &i, "--cpu", &v)) {
			opt.cpu = v;
			opt.cpu_given = true;
		} else if (opt_value(argc, argv, &i, "--trace", &v)) {
			check_trace(v);
			opt.trace = v;
		} else if (opt_value(argc, argv, &i, "--hv", &v)) {
			check_hv_word("--hv", v);
			opt.hv = realloc(opt.hv, (opt.nhv + 1) * sizeof(*opt.hv));
			if (!opt.hv)
				fail(TVX_STATUS_HV_FAILURE, "out of memory");
			opt.hv[opt.nhv++] = v;
		} else if (parse_common_option(argc, argv, &i)) {
			/* --timeout, --keep, --log, --help */
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			opt.quiet = true;
		} else if (!strcmp(a, "-nographic") || !strcmp(a, "-no-reboot")) {
			/* QEMU spellings: Bochs runs headless and never reboots. */
		} else if (opt_value(argc, argv, &i, "-serial", &v)) {
			if (strcmp(v, "stdio") && strcmp(v, "mon:stdio"))
				usage_error("-serial %s: the guest's serial port always goes to stdout", v);
		} else if (opt_value(argc, argv, &i, "-display", &v)) {
			if (strcmp(v, "none"))
				usage_error("-display %s: there is no display", v);
		} else if (opt_value(argc, argv, &i, "-device", &v)) {
			check_qemu_device(v);
		} else if (opt_value(argc, argv, &i, "-smp", &v) ||
			   opt_value(argc, argv, &i, "--smp", &v)) {
			parse_smp(v);
		} else {
			usage_error("unknown option '%s'", a);
		}
	}
}

static void parse_caps_args(int argc, char **argv, int i)
{
	const char *v;

	for (; i < argc; i++) {
		const char *a = argv[i];

		if (opt_value(argc, argv, &i, "--cpu", &v)) {
			opt.cpu = v;
			opt.cpu_given = true;
		} else if (parse_common_option(argc, argv, &i)) {
			/* --timeout, --keep, --log, --help */
		} else {
			usage_error("caps: unexpected argument '%s'", a);
		}
	}
}

static void parse_args(int argc, char **argv)
{
	if (argc < 2)
		usage_error("no command");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		finish(0);
	}
	if (!strcmp(argv[1], "--version")) {
		printf(PROG " " TINYVMX_VERSION "\n");
		finish(0);
	}
	if (!strcmp(argv[1], "run")) {
		opt.cmd = CMD_RUN;
		parse_run_args(argc, argv, 2);
		if (!opt.guest)
			usage_error("run: no guest image");
		if (opt.nmodules + (opt.initrd != NULL) > MAX_GUEST_MODULES)
			usage_error("%u guest modules (-initrd and --module); at most %d",
				    opt.nmodules + (opt.initrd != NULL), MAX_GUEST_MODULES);
		/* A flat image gets no multiboot information to find them in. */
		if (opt.real_mode_entry && (opt.append || opt.initrd || opt.nmodules))
			usage_error("--real-mode-entry: a real-mode image has no command line and no modules (drop %s)",
				    opt.append ? "-append" : opt.initrd ? "-initrd" : "--module");
	} else if (!strcmp(argv[1], "caps")) {
		opt.cmd = CMD_CAPS;
		parse_caps_args(argc, argv, 2);
	} else {
		usage_error("unknown command '%s'", argv[1]);
	}
	if (opt.mem_mib < MIN_MEM_MIB || opt.mem_mib + HV_ROOM_MIB > BOCHS_MAX_MEGS)
		usage_error("--mem %lu: the guest can have %d to %d MiB under Bochs",
			    opt.mem_mib, MIN_MEM_MIB, BOCHS_MAX_MEGS - HV_ROOM_MIB);
	for (const char *p = opt.cpu; *p; p++) {
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') ||
		      (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			usage_error("--cpu '%s': not a CPU model name", opt.cpu);
	}
	if (!*opt.cpu)
		usage_error("--cpu: empty model name");
}

/* ---- files ----------------------------------------------------------- */

/* Read a whole regular file; NULL with errno set on failure. */
static void *read_whole(const char *path, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		errno = EISDIR;
		return NULL;
	}
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb;

			cap = cap ? cap * 2 : 1 << 16;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				close(fd);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			free(buf);
			close(fd);
			errno = e;
			return NULL;
		}
		if (r == 0)
			break;
		n += r;
	}
	close(fd);
	*len = n;
	return buf;
}

static void write_whole(const char *path, const void *buf, size_t len)
{
	const char *p = buf;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		fail(TVX_STATUS_HV_FAILURE, "%s: %s", path, strerror(errno));
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			fail(TVX_STATUS_HV_FAILURE, "%s: %s", path, strerror(errno));
		p += w;
		len -= w;
	}
	if (close(fd))
		fail(TVX_STATUS_HV_FAILURE, "%s: %s", path, strerror(errno));
}

static void make_dir(const char *path)
{
	if (mkdir(path, 0755) && errno != EEXIST)
		fail(TVX_STATUS_HV_FAILURE, "cannot create %s: %s", path, strerror(errno));
}

/* mkdir -p */
static void make_dirs(const char *path)
{
	char buf[PATH_MAX];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		fail(TVX_STATUS_USAGE, "%s: path too long", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			make_dir(buf);
			*p = '/';
		}
	}
	make_dir(buf);
}

/* A path inside the work directory (static buffers, a few at a time). */
static const char *wpath(const char *name)
{
	static char bufs[4][PATH_MAX];
	static unsigned next;
	char *b = bufs[next++ % ARRAY_SIZE(bufs)];

	if (snprintf(b, PATH_MAX, "%s/%s", workdir, name) >= PATH_MAX)
		fail(TVX_STATUS_HV_FAILURE, "work directory path too long");
	return b;
}

/*
 * The hypervisor's ELF without its debug sections: everything up to the
 * end of the last loaded byte, with the section header table dropped.
 * GRUB's multiboot2 loader reads only the program headers, and a smaller
 * ISO is read faster by the emulated CD-ROM (a third of a second saved).
 * Anything unexpected falls back to the whole file.
 */
static size_t hv_loadable_size(u8 *buf, size_t len)
{
	struct elf64_hdr eh;
	u64 end;

	if (len < sizeof(eh))
		return len;
	memcpy(&eh, buf, sizeof(eh));
	if (eh.e_ident[EI_MAG0] != ELFMAG0 || eh.e_ident[EI_MAG1] != ELFMAG1 ||
	    eh.e_ident[EI_MAG2] != ELFMAG2 || eh.e_ident[EI_MAG3] != ELFMAG3 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(struct elf64_phdr) || !eh.e_phnum ||
	    eh.e_phnum == PN_XNUM || eh.e_phoff > len)
		return len;
	end = eh.e_phoff + (u64)eh.e_phnum * sizeof(struct elf64_phdr);
	if (end > len)
		return len;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		struct elf64_phdr ph;

		memcpy(&ph, buf + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_offset + ph.p_filesz < ph.p_offset ||
		    ph.p_offset + ph.p_filesz > len)
			return len;
		end = MAX(end, ph.p_offset + ph.p_filesz);
	}
	eh.e_shoff = 0;
	eh.e_shnum = 0;
	eh.e_shstrndx = 0;
	memcpy(buf, &eh, sizeof(eh));
	return MAX(end, (u64)sizeof(eh));
}

/* ---- prerequisites --------------------------------------------------- */

static bool in_path(const char *name)
{
	const char *path = getenv("PATH");

	if (!path || !*path)
		path = "/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		char buf[PATH_MAX];

		if (snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, n ? path : ".",
			     name) < (int)sizeof(buf) &&
		    access(buf, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

static const char *bxshare(void)
{
	const char *s = getenv("BXSHARE");

	return s && *s ? s : DEFAULT_BXSHARE;
}

static void check_host_tools(void)
{
	struct strbuf missing;
	char buf[PATH_MAX];

	sb_init(&missing);
	if (!in_path("bochs"))
		sb_add(&missing, " bochs");
	snprintf(buf, sizeof(buf), "%s/%s", bxshare(), BOCHS_BIOS);
	if (access(buf, R_OK))
		sb_addf(&missing, " %s (package bochsbios)", buf);
	snprintf(buf, sizeof(buf), "%s/%s", bxshare(), BOCHS_VGABIOS);
	if (access(buf, R_OK))
		sb_addf(&missing, " %s (package vgabios)", buf);
	if (!in_path("grub-mkrescue"))
		sb_add(&missing, " grub-mkrescue");
	if (access(GRUB_PC_DIR "/moddep.lst", R_OK))
		sb_add(&missing, " " GRUB_PC_DIR " (package grub-pc-bin)");
	if (!in_path("xorriso"))
		sb_add(&missing, " xorriso");
	if (missing.len)
		fail(TVX_STATUS_HV_FAILURE, "missing:%s\n" PROG ": install with: " APT_INSTALL,
		     missing.s);
	sb_free(&missing);
}

/* build/tinyvmx.elf next to build/host/tinyvmx, unless $TINYVMX_HV. */
static void find_hypervisor(char *out, size_t n)
{
	const char *env = getenv("TINYVMX_HV");
	char exe[PATH_MAX];
	ssize_t r;
	char *slash;

	if (env && *env) {
		if (snprintf(out, n, "%s", env) >= (int)n)
			fail(TVX_STATUS_HV_FAILURE, "TINYVMX_HV: path too long");
	} else {
		r = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (r < 0)
			fail(TVX_STATUS_HV_FAILURE, "cannot find my own binary: %s",
			     strerror(errno));
		exe[r] = '\0';
		slash = strrchr(exe, '/');	/* .../build/host/tinyvmx */
		if (slash)
			*slash = '\0';
		slash = strrchr(exe, '/');	/* .../build/host */
		if (slash)
			*slash = '\0';
		if (snprintf(out, n, "%s/tinyvmx.elf", exe) >= (int)n)
			fail(TVX_STATUS_HV_FAILURE, "%s: path too long", exe);
	}
	if (access(out, R_OK))
		fail(TVX_STATUS_HV_FAILURE, "%s: %s: run make first", out,
		     strerror(errno));
}

/* ---- child processes ------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * fork + exec @argv in @cwd with the given descriptors as stdin, stdout
 * and stderr, in a process group of its own so that a timeout can stop
 * it and everything it started.
 */
static pid_t spawn(char *const argv[], const char *cwd, int in, int out,
		   int err, char *const env_add[])
{
	pid_t pid = fork();

	if (pid < 0)
		fail(TVX_STATUS_HV_FAILURE, "fork: %s", strerror(errno));
	if (pid == 0) {
		struct sigaction sa = { .sa_handler = SIG_DFL };

		setpgid(0, 0);
		sigaction(SIGPIPE, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		if (dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
		    dup2(err, STDERR_FILENO) < 0)
			_exit(127);
		for (; env_add && *env_add; env_add++)
			putenv(*env_add);
		if (cwd && chdir(cwd)) {
			dprintf(STDERR_FILENO, PROG ": %s: %s\n", cwd, strerror(errno));
			_exit(127);
		}
		execvp(argv[0], argv);
		dprintf(STDERR_FILENO, PROG ": cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	return pid;
}

static int open_or_fail(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd < 0)
		fail(TVX_STATUS_HV_FAILURE, "%s: %s", path, strerror(errno));
	return fd;
}

static int wait_child(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return st;
}

/* Run a short command, its output in @out (may be NULL); wait status. */
static int run_capture(char *const argv[], struct strbuf *out)
{
	int devnull = open_or_fail("/dev/null", O_RDWR);
	int p[2];
	pid_t pid;
	char buf[4096];
	ssize_t r;

	if (pipe2(p, O_CLOEXEC))
		fail(TVX_STATUS_HV_FAILURE, "pipe: %s", strerror(errno));
	pid = spawn(argv, NULL, devnull, p[1], p[1], NULL);
	close(p[1]);
	while ((r = read(p[0], buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		if (out)
			sb_addn(out, buf, r);
	}
	close(p[0]);
	close(devnull);
	return wait_child(pid);
}

/* Print the last @n lines of @text, each indented. */
static void print_tail(FILE *f, const char *text, size_t len, unsigned n)
{
	size_t start = len;
	unsigned lines = 0;

	if (len && text[len - 1] == '\n')
		len--;
	start = len;
	while (start > 0 && lines < n) {
		start--;
		if (text[start] == '\n' && ++lines == n) {
			start++;
			break;
		}
	}
	while (start < len) {
		size_t e = start;

		while (e < len && text[e] != '\n')
			e++;
		fprintf(f, "  %.*s\n", (int)(e - start), text + start);
		start = e + 1;
	}
}

static void print_file_tail(const char *title, const char *path, unsigned n)
{
	size_t len;
	char *text = read_whole(path, &len);

	if (!text || !len) {
		free(text);
		return;
	}
	fprintf(stderr, "%s\n", title);
	print_tail(stderr, text, len, n);
	free(text);
}

/* ---- the Bochs CPU model --------------------------------------------- */

/* Is @model in `bochs --help cpu`?  If the list cannot be read, Bochs
 * itself will complain about a bad model later. */
static void check_cpu_model(const char *model)
{
	char *argv[] = { "bochs", "--help", "cpu", NULL };
	struct strbuf out, models;
	bool in_list = false, found = false;
	char *line, *save;

	sb_init(&out);
	sb_init(&models);
	run_capture(argv, &out);
	for (line = strtok_r(out.s, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, "Supported CPU models")) {
			in_list = true;
			continue;
		}
		if (!in_list)
			continue;
		if (strspn(line, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(line))
			break;
		sb_addf(&models, " %s", line);
		found |= !strcmp(line, model);
	}
	if (models.len && !found)
		fail(TVX_STATUS_USAGE, "--cpu %s: Bochs has no such CPU model; it has:%s",
		     model, models.s);
	sb_free(&out);
	sb_free(&models);
}

/* ---- building the ISO ------------------------------------------------- */

static void fill_template(struct strbuf *sb, const char *tpl,
			  const char *const keys[], const char *const vals[],
			  unsigned n)
{
	for (const char *p = tpl; *p;) {
		bool done = false;

		if (*p == '@') {
			for (unsigned i = 0; i < n && !done; i++) {
				size_t kl = strlen(keys[i]);

				if (!strncmp(p + 1, keys[i], kl) && p[kl + 1] == '@') {
					sb_add(sb, vals[i]);
					p += kl + 2;
					done = true;
				}
			}
		}
		if (!done)
			sb_addc(sb, *p++);
	}
}

static void write_bochsrc(unsigned long megs)
{
	static const char *const keys[] = { "MEGS", "CPU", "BXSHARE", "ISO", "LOG" };
	char megs_s[32];
	const char *vals[] = { megs_s, opt.cpu, bxshare(), ISO_FILE, BOCHS_LOG_FILE };
	struct strbuf sb;

	snprintf(megs_s, sizeof(megs_s), "%lu", megs);
	sb_init(&sb);
	fill_template(&sb, bochsrc_template, keys, vals, ARRAY_SIZE(keys));
	write_whole(wpath(BOCHSRC_FILE), sb.s, sb.len);
	sb_free(&sb);
	/* The Debian Bochs has its debugger built in: `c` starts the CPU. */
	write_whole(wpath(BOCHS_CMDS_FILE), "c\n", 2);
}

/* @files[0] is the guest; none for `caps`. */
static void build_iso(const char *hv_path, const struct boot_file *files,
		      unsigned nfiles)
{
	struct grub_module mods[1 + MAX_GUEST_MODULES];
	char mod_paths[1 + MAX_GUEST_MODULES][sizeof(ISO_MODULE_FMT) + 16];
	const char **args;
	unsigned nargs = 0;
	char mem_arg[32], cpus_arg[32], real_mode_arg[48], *trace_arg = NULL;
	struct strbuf cfg, hvline;
	struct grub_entry entry = {
		.title = "tinyvmx",
		.kernel = ISO_HV_PATH,
		.failure_e9 = PROG ": GRUB could not boot the hypervisor with this guest "
			      "(its message is on the emulated screen)\n",
	};
	size_t hv_len;
	u8 *hv;
	char *const mkrescue[] = {
		"grub-mkrescue", "-o", ISO_FILE, "-d", GRUB_PC_DIR,
		/* Only what this grub.cfg needs: no compression, no
		 * translations, fonts or themes, and the modules it uses. */
		"--compress=no", "--locales=", "--fonts=", "--themes=",
		"--install-modules=" GRUB_CFG_MODULES,
		ISO_ROOT, NULL,
	};
	char tmpdir_env[sizeof("TMPDIR=") + PATH_MAX];
	char *const env[] = { tmpdir_env, NULL };
	int devnull, logfd, st;

	args = calloc(HV_FIXED_ARGS + opt.nhv, sizeof(*args));
	if (!args)
		fail(TVX_STATUS_HV_FAILURE, "out of memory");
	/* The hypervisor's console on port 0xE9 only: COM1 is off in Bochs. */
	args[nargs++] = "console=e9";
	snprintf(mem_arg, sizeof(mem_arg), "mem=%lu", opt.mem_mib);
	args[nargs++] = mem_arg;
	if (opt.cmd == CMD_RUN && opt.smp_given) {
		snprintf(cpus_arg, sizeof(cpus_arg), "cpus=%lu", opt.nr_cpus);
		args[nargs++] = cpus_arg;
	}
	if (opt.trace) {
		if (asprintf(&trace_arg, "trace=%s", opt.trace) < 0)
			fail(TVX_STATUS_HV_FAILURE, "out of memory");
		args[nargs++] = trace_arg;
	}
	if (opt.cmd == CMD_CAPS)
		args[nargs++] = "caps";
	if (opt.cmd == CMD_RUN && opt.real_mode_entry) {
		snprintf(real_mode_arg, sizeof(real_mode_arg), "real_mode_entry=%#x",
			 opt.real_mode_addr);
		args[nargs++] = real_mode_arg;
	}
	for (unsigned i = 0; i < opt.nhv; i++)
		args[nargs++] = opt.hv[i];
	sb_init(&hvline);
	for (unsigned i = 0; i < nargs; i++)
		sb_addf(&hvline, "%s%s", i ? " " : "", args[i]);
	if (hvline.len > HV_CMDLINE_MAX)
		fail(TVX_STATUS_USAGE, "the hypervisor's command line is %zu bytes; it takes at most %d",
		     hvline.len, HV_CMDLINE_MAX);
	sb_free(&hvline);
	entry.kernel_args = args;
	entry.nkernel_args = nargs;
	for (unsigned i = 0; i < nfiles; i++) {
		if (i == 0)
			snprintf(mod_paths[i], sizeof(mod_paths[i]), "%s", ISO_GUEST_PATH);
		else
			snprintf(mod_paths[i], sizeof(mod_paths[i]), ISO_MODULE_FMT, i);
		mods[i] = (struct grub_module){
			.path = mod_paths[i],
			.string = files[i].string,
		};
	}
	entry.modules = mods;
	entry.nmodules = nfiles;

	make_dir(wpath(ISO_ROOT));
	make_dir(wpath(ISO_BOOT));
	make_dir(wpath(ISO_GRUB));
	hv = read_whole(hv_path, &hv_len);
	if (!hv)
		fail(TVX_STATUS_HV_FAILURE, "%s: %s: run make first", hv_path,
		     strerror(errno));
	write_whole(wpath(ISO_ROOT ISO_HV_PATH), hv, hv_loadable_size(hv, hv_len));
	free(hv);
	for (unsigned i = 0; i < nfiles; i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), ISO_ROOT "%s", mod_paths[i]);
		write_whole(wpath(path), files[i].data, files[i].len);
	}
	sb_init(&cfg);
	grub_write_cfg(&cfg, 0, &entry, 1);
	write_whole(wpath(ISO_GRUB "/grub.cfg"), cfg.s, cfg.len);
	sb_free(&cfg);
	free(trace_arg);
	free(args);

	/* grub-mkrescue's temporary files go into the work directory too. */
	snprintf(tmpdir_env, sizeof(tmpdir_env), "TMPDIR=%s", workdir);
	devnull = open_or_fail("/dev/null", O_RDONLY);
	logfd = open_or_fail(wpath(MKRESCUE_LOG_FILE), O_WRONLY | O_CREAT | O_TRUNC);
	st = wait_child(spawn(mkrescue, workdir, devnull, logfd, logfd, env));
	close(devnull);
	close(logfd);
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, PROG ": grub-mkrescue failed\n");
		print_file_tail(PROG ": last lines of its output:",
				wpath(MKRESCUE_LOG_FILE), TAIL_LINES);
		finish(TVX_STATUS_HV_FAILURE);
	}
}

/* ---- running Bochs ---------------------------------------------------- */

struct run_state {
	bool caps;
	bool quiet;
	bool have_result;
	bool hv_mid_line;	/* the last hypervisor text had no '\n' yet */
	bool printed_mid_line;	/* ... and was printed */
	bool in_stats;		/* inside the exit statistics table */
	char what[RESULT_WHAT_MAX];
	unsigned long code;
	struct demux demux;
	int raw_fd;		/* Bochs's raw stdout, kept in the work dir */
	/* The last hypervisor lines, for the report of a failed run. */
	char *ring[HV_RING_LINES];
	unsigned ring_next, ring_count;
	struct strbuf partial;	/* a line being assembled for the ring */
};

static void ring_add(struct run_state *rs, const char *line, size_t n, bool eol)
{
	sb_addn(&rs->partial, line, n);
	if (!eol)
		return;
	free(rs->ring[rs->ring_next]);
	rs->ring[rs->ring_next] = rs->partial.s;
	rs->ring_next = (rs->ring_next + 1) % HV_RING_LINES;
	rs->ring_count = MIN(rs->ring_count + 1, HV_RING_LINES);
	sb_init(&rs->partial);
}

static void ring_print(struct run_state *rs, FILE *f, unsigned n)
{
	unsigned count = MIN(n, rs->ring_count);
	unsigned first = (rs->ring_next + HV_RING_LINES - count) % HV_RING_LINES;

	for (unsigned i = 0; i < count; i++)
		fprintf(f, "%s\n", rs->ring[(first + i) % HV_RING_LINES]);
	if (rs->partial.len)
		fprintf(f, "%s\n", rs->partial.s);
}

static void write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return;		/* stdout gone: keep draining Bochs */
		buf += w;
		n -= w;
	}
}

static void on_guest(void *ctx, const char *buf, size_t n)
{
	write_all(STDOUT_FILENO, buf, n);
}

static void on_other(void *ctx, const char *buf, size_t n)
{
	/* Bochs's own output: already in the raw file, nowhere else. */
}

static bool parse_result(struct run_state *rs, const char *line, size_t n)
{
	char text[RESULT_WHAT_MAX + 32];
	char *end;

	if (n >= sizeof(text) || n < strlen(RESULT_PREFIX) ||
	    memcmp(line, RESULT_PREFIX, strlen(RESULT_PREFIX)))
		return false;
	memcpy(text, line, n);
	text[n] = '\0';
	if (sscanf(text + strlen(RESULT_PREFIX), "%31s", rs->what) != 1)
		return false;
	rs->code = strtoul(text + strlen(RESULT_PREFIX) + strlen(rs->what), &end, 0);
	rs->have_result = true;
	return true;
}

static bool has_prefix(const char *s, size_t n, const char *prefix)
{
	size_t len = strlen(prefix);

	return n >= len && !memcmp(s, prefix, len);
}

/* "VM <digits>" then @rest. */
static bool vm_line(const char *s, size_t n, const char *start, const char *rest)
{
	size_t i = strlen(start);

	if (!has_prefix(s, n, start))
		return false;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i > strlen(start) && has_prefix(s + i, n - i, rest);
}

/*
 * The hypervisor's informational lines, which --quiet drops: its start-up
 * lines (kernel/main.c, vmx/ and virt/machine.c), traces and the exit
 * statistics table (a header line and indented rows).  Anything else,
 * a kill report, a panic, a warning, is printed.
 */
static bool hv_info_line(struct run_state *rs, const char *s, size_t n)
{
	if (rs->in_stats && has_prefix(s, n, " "))
		return true;
	rs->in_stats = vm_line(s, n, "VM ", " vCPU ") &&
		       memmem(s, n, "exit statistics", strlen("exit statistics"));
	return rs->in_stats || has_prefix(s, n, "tinyvmx: hypervisor started") ||
	       has_prefix(s, n, "vmx: ") || has_prefix(s, n, "trace: ") ||
	       vm_line(s, n, "tinyvmx: VM ", ": ") ||
	       (vm_line(s, n, "tinyvmx: VM ", " vCPU ") &&
		memmem(s, n, "APIC virtualization", strlen("APIC virtualization")));
}

static void on_hv_line(void *ctx, const char *line, size_t n, bool eol)
{
	struct run_state *rs = ctx;
	FILE *f = rs->caps ? stdout : stderr;
	bool continued = rs->hv_mid_line;

	if (eol && !continued && parse_result(rs, line, n)) {
		/* The last line: whatever follows is Bochs's. */
		demux_close(&rs->demux);
		return;
	}
	ring_add(rs, line, n, eol);
	rs->hv_mid_line = !eol;
	if (continued ? !rs->printed_mid_line :
	    rs->quiet && !rs->caps && hv_info_line(rs, line, n))
		return;
	fprintf(f, "%.*s%s", (int)n, line, eol ? "\n" : "");
	fflush(f);
	rs->printed_mid_line = !eol;
}

static const struct demux_ops demux_ops = {
	.guest = on_guest,
	.hv_line = on_hv_line,
	.other = on_other,
};

static void on_signal(int sig)
{
	got_signal = sig;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct sigaction ign = { .sa_handler = SIG_IGN };

	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: poll() must return to notice the signal. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &ign, NULL);
}

/* Would `unshare -n` work here?  It needs CAP_SYS_ADMIN. */
static bool can_unshare_net(void)
{
	char *argv[] = { "unshare", "-n", "true", NULL };
	int st;

	if (geteuid() != 0 || !in_path("unshare"))
		return false;
	st = run_capture(argv, NULL);
	return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

enum run_end { RUN_EOF, RUN_TIMEOUT, RUN_SIGNAL };

static enum run_end run_bochs(struct run_state *rs)
{
	char *direct[] = { "bochs", "-f", BOCHSRC_FILE, "-q", "-rc",
			   BOCHS_CMDS_FILE, NULL };
	/* Each run in its own network namespace: concurrent runs would
	 * otherwise race for the rfb display's TCP port 5900. */
	char *unshared[] = { "unshare", "-n", "bochs", "-f", BOCHSRC_FILE, "-q",
			     "-rc", BOCHS_CMDS_FILE, NULL };
	enum run_end end = RUN_EOF;
	double deadline = opt.timeout_s ? now_s() + opt.timeout_s : 0;
	double kill_at = 0, result_at = 0;
	bool term_sent = false, kill_sent = false;
	int devnull, errfd, p[2];
	pid_t pid;
	char buf[4096];

	devnull = open_or_fail("/dev/null", O_RDONLY);
	errfd = open_or_fail(wpath(BOCHS_ERR_FILE), O_WRONLY | O_CREAT | O_TRUNC);
	rs->raw_fd = open_or_fail(wpath(BOCHS_OUT_FILE), O_WRONLY | O_CREAT | O_TRUNC);
	if (pipe2(p, O_CLOEXEC))
		fail(TVX_STATUS_HV_FAILURE, "pipe: %s", strerror(errno));
	pid = spawn(can_unshare_net() ? unshared : direct, workdir, devnull, p[1],
		    errfd, NULL);
	bochs_pgid = pid;
	close(p[1]);
	close(devnull);
	close(errfd);

	for (;;) {
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		double now = now_s(), next = 0;
		ssize_t r;
		int ms;

		if (!term_sent) {
			if (got_signal)
				end = RUN_SIGNAL;
			else if (deadline && now >= deadline)
				end = RUN_TIMEOUT;
			if (got_signal || (deadline && now >= deadline) ||
			    (result_at && now >= result_at)) {
				kill(-pid, SIGTERM);
				term_sent = true;
				kill_at = now + KILL_GRACE_S;
			}
		}
		if (term_sent && !kill_sent && now >= kill_at) {
			kill(-pid, SIGKILL);
			kill_sent = true;
		}
		if (rs->have_result && !result_at)
			result_at = now + RESULT_GRACE_S;
		if (!term_sent) {
			next = deadline;
			if (result_at && (!next || result_at < next))
				next = result_at;
		} else if (!kill_sent) {
			next = kill_at;
		}
		ms = next ? (int)(MIN(next - now, POLL_MAX_S) * 1000) + 1 : -1;
		if (poll(&pfd, 1, ms) < 0) {
			if (errno == EINTR)
				continue;
			fail(TVX_STATUS_HV_FAILURE, "poll: %s", strerror(errno));
		}
		if (!pfd.revents)
			continue;
		r = read(p[0], buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		write_all(rs->raw_fd, buf, r);
		demux_feed(&rs->demux, buf, r);
	}
	demux_flush(&rs->demux);
	close(p[0]);
	close(rs->raw_fd);
	wait_child(pid);
	bochs_pgid = 0;
	return end;
}

/* Map "tvx-exit: WHAT CODE" to the exit status (include/tvx/abi.h). */
static int result_status(struct run_state *rs)
{
	static const char *const hv_failures[] = {
		"panic", "hv-failure", "error", "bad-image",
	};

	if (!strcmp(rs->what, "poweroff")) {
		if (!rs->code)
			return TVX_STATUS_POWER_OFF;
		fprintf(stderr, PROG ": the guest powered off with code %lu\n",
			rs->code);
		return TVX_STATUS_POWER_OFF_CODE;
	}
	if (!strcmp(rs->what, "debug-exit"))
		return ((rs->code << 1) | 1) & 0xff;
	if (!strcmp(rs->what, "caps"))
		return 0;
	if (!strcmp(rs->what, "killed"))
		return TVX_STATUS_KILLED;
	for (size_t i = 0; i < ARRAY_SIZE(hv_failures); i++) {
		if (!strcmp(rs->what, hv_failures[i]))
			return TVX_STATUS_HV_FAILURE;
	}
	fprintf(stderr, PROG ": unknown result '%s %lu' from the hypervisor\n",
		rs->what, rs->code);
	return TVX_STATUS_HV_FAILURE;
}

/* Bochs's stderr without its informational lines ("00000000000i[...]"). */
static void print_bochs_errors(void)
{
	size_t len;
	char *text = read_whole(wpath(BOCHS_ERR_FILE), &len);
	struct strbuf keep;
	char *line, *save;

	if (!text)
		return;
	sb_init(&keep);
	text = realloc(text, len + 1);
	if (!text)
		return;
	text[len] = '\0';
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t digits = strspn(line, "0123456789");

		if (digits && line[digits] == 'i' && line[digits + 1] == '[')
			continue;
		sb_addf(&keep, "%s\n", line);
	}
	if (keep.len) {
		fprintf(stderr, PROG ": Bochs's error output:\n");
		print_tail(stderr, keep.s, keep.len, TAIL_LINES);
	}
	sb_free(&keep);
	free(text);
}

static void copy_log(void)
{
	size_t len;
	char *text;
	FILE *f;

	if (!opt.log)
		return;
	text = read_whole(wpath(BOCHS_LOG_FILE), &len);
	if (!text) {
		fprintf(stderr, PROG ": no Bochs log to copy to %s\n", opt.log);
		return;
	}
	f = fopen(opt.log, "w");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f))
		fprintf(stderr, PROG ": --log %s: %s\n", opt.log, strerror(errno));
	free(text);
}

static void make_workdir(void)
{
	if (opt.keep) {
		make_dirs(opt.keep);
		if (!realpath(opt.keep, workdir))
			fail(TVX_STATUS_USAGE, "--keep %s: %s", opt.keep, strerror(errno));
		workdir_is_temp = false;
		return;
	}
	const char *tmp = getenv("TMPDIR");

	if (!tmp || !*tmp)
		tmp = "/tmp";
	if (snprintf(workdir, sizeof(workdir), "%s/tinyvmx.XXXXXX", tmp) >=
	    (int)sizeof(workdir))
		fail(TVX_STATUS_HV_FAILURE, "TMPDIR is too long");
	if (!mkdtemp(workdir)) {
		int e = errno;

		workdir[0] = '\0';
		fail(TVX_STATUS_HV_FAILURE, "cannot create a work directory in %s: %s",
		     tmp, strerror(e));
	}
	workdir_is_temp = true;
}

/* ---- main -------------------------------------------------------------- */

/* Refuse a guest the hypervisor would refuse, before anything starts. */
static void check_guest(struct boot_file *f, struct mb_image *img)
{
	char err[256];

	f->name = opt.guest;
	f->data = read_whole(opt.guest, &f->len);
	if (!f->data)
		fail(TVX_STATUS_USAGE, "%s: %s", opt.guest, strerror(errno));
	if (f->len == 0)
		fail(TVX_STATUS_USAGE, "%s: empty file", opt.guest);
	if (mb_parse_image(f->data, f->len, img, err, sizeof(err)) ||
	    mb_check_fits(img, (u64)opt.mem_mib << MIB_SHIFT, err, sizeof(err)))
		fail(TVX_STATUS_USAGE, "%s: %s", opt.guest, err);
}

/*
 * The same for a flat real-mode image (loader/flat.h): ADDR below 1 MiB,
 * the file not empty and inside conventional memory below the stack page.
 */
static void check_flat_guest(struct boot_file *f)
{
	struct flat_entry e;
	char err[256];

	if (flat_parse_addr(opt.real_mode_entry, &opt.real_mode_addr, err, sizeof(err)))
		fail(TVX_STATUS_USAGE, "%s: --real-mode-entry: %s", opt.guest, err);
	f->name = opt.guest;
	f->data = read_whole(opt.guest, &f->len);
	if (!f->data)
		fail(TVX_STATUS_USAGE, "%s: %s", opt.guest, strerror(errno));
	if (flat_plan(opt.real_mode_addr, f->len, &e, err, sizeof(err)))
		fail(TVX_STATUS_USAGE, "%s: %s", opt.guest, err);
}

/*
 * Read the guest's modules into @mods, -initrd first, then the --module
 * ones in command-line order; returns how many.  Any file will do (an
 * empty one too), as long as it can be read.
 */
static unsigned read_modules(struct boot_file *mods)
{
	unsigned n = 0;

	if (opt.initrd)
		mods[n++] = (struct boot_file){
			.name = opt.initrd, .string = opt.initrd,
		};
	for (unsigned i = 0; i < opt.nmodules; i++)
		mods[n++] = (struct boot_file){
			.name = opt.modules[i].file,
			.string = opt.modules[i].string,
		};
	for (unsigned i = 0; i < n; i++) {
		mods[i].data = read_whole(mods[i].name, &mods[i].len);
		if (!mods[i].data && opt.initrd && i == 0 && errno == ENOENT &&
		    strchr(opt.initrd, ','))
			fail(TVX_STATUS_USAGE, "%s: %s (QEMU's list form -initrd 'A,B' is not taken: give one file to -initrd and the others with --module)",
			     mods[i].name, strerror(errno));
		if (!mods[i].data)
			fail(TVX_STATUS_USAGE, "%s: %s", mods[i].name, strerror(errno));
	}
	return n;
}

/*
 * The hypervisor puts the guest's modules into guest RAM after the
 * kernel, in order, each from a page boundary and never across the hole
 * below 1 MiB (mb_plan_layout() in loader/mbinfo.c).  Refuse here what it
 * would refuse at boot.
 */
static void check_modules_fit(const struct mb_image *img,
			      const struct boot_file *mods, unsigned n)
{
	u64 mem = (u64)opt.mem_mib << MIB_SHIFT, cur = img->load_end;

	for (unsigned i = 0; i < n; i++) {
		cur = ALIGN_UP(cur, (u64)PAGE_SIZE);
		if (cur < MB_HIGH_MEM_START && cur + mods[i].len > MB_LOW_MEM_END)
			cur = MB_HIGH_MEM_START;
		if (cur + mods[i].len > mem)
			fail(TVX_STATUS_USAGE, "%s: the %zu-byte module does not fit in %lu MiB of guest memory after the guest image%s (it would end at %#llx)",
			     mods[i].name, mods[i].len, opt.mem_mib,
			     i ? " and the modules before it" : "",
			     cur + mods[i].len);
		cur += mods[i].len;
	}
}

int main(int argc, char **argv)
{
	char hv_path[PATH_MAX];
	struct run_state rs = { .raw_fd = -1 };
	struct strbuf cmdline, timing;
	/* The guest, then its modules. */
	struct boot_file files[1 + MAX_GUEST_MODULES] = { 0 };
	unsigned nfiles = 0, nmods;
	struct mb_image img;
	size_t strings, images;
	unsigned long megs;
	enum run_end end;
	double t0, t1, t2;
	int status;

	install_signals();
	parse_args(argc, argv);
	megs = opt.mem_mib + HV_ROOM_MIB;
	sb_init(&cmdline);
	if (opt.cmd == CMD_RUN && opt.real_mode_entry) {
		/* One file, no multiboot header, command line or modules. */
		check_flat_guest(&files[0]);
		files[0].string = opt.guest;
		nfiles = 1;
	} else if (opt.cmd == CMD_RUN) {
		check_guest(&files[0], &img);
		nmods = read_modules(&files[1]);
		nfiles = 1 + nmods;
		check_modules_fit(&img, &files[1], nmods);
		/* What QEMU gives a multiboot kernel: "PATH APPEND". */
		sb_addf(&cmdline, "%s %s", opt.guest, opt.append ? opt.append : "");
		files[0].string = cmdline.s;
		strings = cmdline.len;
		for (unsigned i = 1; i < nfiles; i++)
			strings += strlen(files[i].string) + 1;
		if (strings > GUEST_CMDLINE_MAX)
			fail(TVX_STATUS_USAGE, nmods ?
			     "the guest's command line and module strings are %zu bytes; at most %d fit" :
			     "the guest's command line is %zu bytes; at most %d fit",
			     strings, GUEST_CMDLINE_MAX);
		/* GRUB keeps its copy of every module in Bochs's RAM: a big
		 * one (debug information, a ramdisk) needs room of its own. */
		images = 0;
		for (unsigned i = 0; i < nfiles; i++)
			images += files[i].len;
		megs = opt.mem_mib + HV_ROOM_MIB + (images >> MIB_SHIFT);
		if (megs > BOCHS_MAX_MEGS && !nmods)
			fail(TVX_STATUS_USAGE, "%s: %lu MiB of guest RAM plus the %zu-byte image do not fit in Bochs's %d MiB",
			     opt.guest, opt.mem_mib, images, BOCHS_MAX_MEGS);
		if (megs > BOCHS_MAX_MEGS)
			fail(TVX_STATUS_USAGE, "%lu MiB of guest RAM plus the guest image and its %u modules (%zu bytes in all) do not fit in Bochs's %d MiB: GRUB keeps the images in RAM besides the guest's memory",
			     opt.mem_mib, nmods, images, BOCHS_MAX_MEGS);
	}
	check_host_tools();
	find_hypervisor(hv_path, sizeof(hv_path));
	if (opt.cpu_given && strcmp(opt.cpu, DEFAULT_CPU))
		check_cpu_model(opt.cpu);

	make_workdir();
	t0 = now_s();
	build_iso(hv_path, files, nfiles);
	for (unsigned i = 0; i < nfiles; i++)
		free(files[i].data);
	sb_free(&cmdline);
	write_bochsrc(megs);
	t1 = now_s();
	if (got_signal)
		fail(128 + got_signal, "interrupted");

	rs.caps = opt.cmd == CMD_CAPS;
	rs.quiet = opt.quiet;
	sb_init(&rs.partial);
	demux_init(&rs.demux, &demux_ops, &rs);
	end = run_bochs(&rs);
	t2 = now_s();
	if (rs.printed_mid_line)
		fputc('\n', rs.caps ? stdout : stderr);
	sb_init(&timing);
	sb_addf(&timing, "grub-mkrescue %.3f s\nbochs %.3f s\n", t1 - t0, t2 - t1);
	write_whole(wpath(TIMING_FILE), timing.s, timing.len);
	sb_free(&timing);
	copy_log();

	if (end == RUN_SIGNAL) {
		fprintf(stderr, PROG ": interrupted\n");
		status = 128 + got_signal;
	} else if (rs.have_result) {
		status = result_status(&rs);
	} else if (end == RUN_TIMEOUT) {
		fprintf(stderr, PROG ": timeout: no result after %lu s; Bochs stopped\n",
			opt.timeout_s);
		if (rs.quiet && (rs.ring_count || rs.partial.len)) {
			fprintf(stderr, PROG ": last hypervisor lines:\n");
			ring_print(&rs, stderr, TAIL_LINES);
		}
		status = TVX_STATUS_TIMEOUT;
	} else {
		fprintf(stderr, PROG ": Bochs ended without a result\n");
		print_bochs_errors();
		print_file_tail(PROG ": last lines of bochs.log:",
				wpath(BOCHS_LOG_FILE), TAIL_LINES);
		if (rs.ring_count || rs.partial.len) {
			fprintf(stderr, PROG ": last hypervisor lines:\n");
			ring_print(&rs, stderr, TAIL_LINES);
		}
		status = TVX_STATUS_TIMEOUT;
	}
	if (opt.keep && !opt.quiet)
		fprintf(stderr, PROG ": work files kept in %s\n", workdir);
	for (unsigned i = 0; i < HV_RING_LINES; i++)
		free(rs.ring[i]);
	sb_free(&rs.partial);
	finish(status);
}

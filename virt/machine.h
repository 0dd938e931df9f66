/* SPDX-License-Identifier: MIT */
/* The device-model side: one PC-like machine running one guest image. */
#ifndef TVX_MACHINE_H
#define TVX_MACHINE_H

#include "virt/kvm_host.h"

/* A multiboot module for the guest (-initrd / --module). */
struct machine_module {
	const void *data;
	size_t len;
	const char *string;		/* the module's multiboot string */
};

#define MACHINE_MAX_MODULES 8

struct machine_config {
	u64 mem_bytes;
	unsigned nr_cpus;		/* vCPUs, 1..KVM_MAX_VCPUS (cpus=N, -smp N) */
	u64 tsc_khz;			/* TSC rate (tsc_calibrate_khz()) */
	const void *image;
	size_t image_len;
	const char *image_name;
	/* A flat image started in real mode at this guest-physical address
	 * (real_mode_entry=ADDR, loader/flat.h) instead of a multiboot
	 * kernel; the command line and the modules do not apply. */
	bool real_mode;
	u32 real_mode_entry;
	const char *cmdline;		/* what the guest sees */
	unsigned nmods;
	struct machine_module mods[MACHINE_MAX_MODULES];
	struct kvm_settings settings;
};

/* How the machine ended, for machine_exit(). */
struct machine_result {
	const char *what;		/* "poweroff", "debug-exit", "killed" */
	u32 code;
};

void machine_run(const struct machine_config *cfg, struct machine_result *res);

#endif

/* SPDX-License-Identifier: MIT */
/* The device-model side: one PC-like machine running one guest image. */
#ifndef TVX_MACHINE_H
#define TVX_MACHINE_H

#include "virt/kvm_host.h"

struct machine_config {
	u64 mem_bytes;
	const void *image;
	size_t image_len;
	const char *image_name;
	const char *cmdline;		/* what the guest sees */
	struct kvm_settings settings;
};

/* How the machine ended, for machine_exit(). */
struct machine_result {
	const char *what;		/* "poweroff", "debug-exit", "killed" */
	u32 code;
};

void machine_run(const struct machine_config *cfg, struct machine_result *res);

#endif

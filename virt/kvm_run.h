/* SPDX-License-Identifier: MIT */
/*
 * The exit record: what the vCPU run loop hands to the device model when an
 * exit needs it (KVM's struct kvm_run, the page QEMU reads after
 * KVM_RUN returns).  The device model fills in results (IN data, MMIO read
 * data) and calls vcpu_run() again, which completes the instruction.
 */
#ifndef TVX_KVM_RUN_H
#define TVX_KVM_RUN_H

#include "tvx/types.h"

enum kvm_exit_reason {
	KVM_EXIT_UNKNOWN = 0,
	KVM_EXIT_IO = 2,
	KVM_EXIT_HYPERCALL = 3,
	KVM_EXIT_HLT = 5,
	KVM_EXIT_MMIO = 6,
	KVM_EXIT_INTR = 10,		/* slice over or vCPU blocked: run another */
	KVM_EXIT_SHUTDOWN = 8,		/* triple fault */
	KVM_EXIT_FAIL_ENTRY = 9,	/* VM entry failed */
	KVM_EXIT_INTERNAL_ERROR = 17,	/* the hypervisor cannot go on with this VM */
	KVM_EXIT_SYSTEM_EVENT = 24,	/* power off requested by the guest */
};

#define KVM_EXIT_IO_IN 0
#define KVM_EXIT_IO_OUT 1

enum kvm_internal_error {
	KVM_INTERNAL_ERROR_EMULATION = 1,	/* instruction could not be emulated */
	KVM_INTERNAL_ERROR_UNHANDLED_EXIT = 2,	/* exit reason without a handler */
	KVM_INTERNAL_ERROR_GUEST = 3,		/* guest did something fatal */
	KVM_INTERNAL_ERROR_DELIVERY_EV = 4,	/* exit during event delivery */
};

#define KVM_SYSTEM_EVENT_SHUTDOWN 1

#define KVM_RUN_IO_DATA_SIZE 2048
#define KVM_RUN_REPORT_SIZE 3072
#define KVM_RUN_PAGES 2

struct kvm_run {
	u32 exit_reason;		/* enum kvm_exit_reason */
	u8 if_flag;			/* guest RFLAGS.IF, for KVM_EXIT_HLT */
	union {
		struct {
			u8 direction;	/* KVM_EXIT_IO_IN / _OUT */
			u8 size;	/* 1, 2 or 4 */
			u16 port;
			u32 count;	/* elements in data[] (string I/O) */
		} io;
		struct {
			u64 phys_addr;
			u8 data[8];
			u32 len;
			u8 is_write;
		} mmio;
		struct {
			u64 hardware_entry_failure_reason;
		} fail_entry;
		struct {
			u32 suberror;
		} internal;
		struct {
			u32 type;
			u64 code;
		} system_event;
	};
	/* Human-readable diagnosis for SHUTDOWN, FAIL_ENTRY, INTERNAL_ERROR. */
	char report[KVM_RUN_REPORT_SIZE];
	/* Port I/O data (the page after struct kvm_run in KVM). */
	u8 io_data[KVM_RUN_IO_DATA_SIZE] __aligned(8);
};

#endif

/* SPDX-License-Identifier: MIT */
/* The hypervisor's GDT, TSS and IDT (SDM Vol. 3A "Task Management",
 * "Interrupt and Exception Handling"). */
#ifndef TVX_DESC_H
#define TVX_DESC_H

#include "tvx/types.h"

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define KERNEL_TSS 0x18

struct tss64 {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;
_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS is 104 bytes");

struct trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error_code;
	u64 rip, cs, rflags, rsp, ss;
};

void desc_init(void);
/* The TSS of the boot CPU, for HOST_TR_BASE. */
extern struct tss64 boot_tss;

#endif

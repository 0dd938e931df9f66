/* SPDX-License-Identifier: MIT */
/*
 * Flat real-mode images (`tinyvmx run --real-mode-entry ADDR FILE`): the
 * raw bytes of FILE are loaded at guest-physical ADDR and the vCPU starts
 * there in real mode, as a BIOS starts a boot sector, but without a BIOS.
 *
 * The rules, shared by the `tinyvmx` command (which refuses a bad image
 * before Bochs starts) and the hypervisor (virt/machine.c):
 *
 *   ADDR       below 1 MiB (FLAT_ADDR_LIMIT), hex (0x7c00) or decimal
 *   image      1 byte or more, inside [ADDR, FLAT_IMAGE_LIMIT): the
 *              conventional memory below the stack page
 *   CS:IP      CS = (ADDR >> 4) & 0xf000, IP = ADDR & 0xffff, so that
 *              CS.base (CS << 4) + IP = ADDR and an image linked at
 *              offset ADDR & 0xffff runs with DS = CS (0000:7C00 for the
 *              usual boot-sector address)
 *   SS:SP      9F00:1000: the stack is the last page of conventional
 *              memory, [FLAT_STACK_BASE, FLAT_STACK_TOP)
 *   DS ES FS GS  0, limit 0xffff; general registers 0; RFLAGS 0x2
 *
 * The rest of the vCPU state (CR0, IDTR, GDTR) is vmx_vcpu_reset()'s.
 *
 * Pure logic.  Messages go to a caller-supplied buffer without the file
 * name; callers print "NAME: MESSAGE".
 */
#ifndef TVX_LOADER_FLAT_H
#define TVX_LOADER_FLAT_H

#include "tvx/types.h"

/* Real mode addresses 1 MiB: 16-bit segment << 4 plus a 16-bit offset
 * (SDM Vol. 3A, "Address Translation in Real-Address Mode"). */
#define FLAT_ADDR_LIMIT		0x100000u
#define REAL_MODE_SEG_SHIFT	4
/* IP is the low 16 bits of ADDR; CS takes the 64 KiB-aligned rest. */
#define FLAT_IP_MASK		0xffffu
/* Conventional memory ends where VGA memory starts (a PC's 640 KiB). */
#define FLAT_CONV_MEM_END	0xa0000u
/* The stack: the last 4 KiB page of conventional memory. */
#define FLAT_STACK_SIZE		0x1000u
#define FLAT_STACK_TOP		FLAT_CONV_MEM_END
#define FLAT_STACK_BASE		(FLAT_STACK_TOP - FLAT_STACK_SIZE)
/* The image ends at or below the stack page. */
#define FLAT_IMAGE_LIMIT	FLAT_STACK_BASE

/* Where a flat image goes and how the vCPU starts. */
struct flat_entry {
	u32 load_addr;		/* guest-physical address of the first byte */
	u32 load_end;		/* one past the last byte */
	u16 cs, ip;		/* CS << 4 + IP == load_addr */
	u16 ss, sp;		/* SS << 4 + SP == FLAT_STACK_TOP */
};

/*
 * Parse ADDR as given to --real-mode-entry: "0x" and hex digits, or
 * decimal digits, nothing else.  Returns 0 and sets *@addr, or -EINVAL
 * with a message in @err (which may be NULL) if it is not a number or not
 * below FLAT_ADDR_LIMIT.
 */
int flat_parse_addr(const char *s, u32 *addr, char *err, size_t errlen);

/*
 * Place an image of @len bytes at @addr and compute the entry state.
 * Returns 0, -EINVAL (@addr not below FLAT_ADDR_LIMIT), -ENOEXEC (empty
 * image) or -E2BIG (the image does not end at or below FLAT_IMAGE_LIMIT),
 * with a message in @err (which may be NULL).
 */
int flat_plan(u32 addr, u64 len, struct flat_entry *e, char *err,
	      size_t errlen);

#endif

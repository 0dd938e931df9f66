/* SPDX-License-Identifier: MIT */
/*
 * How the loaders reach guest memory.
 *
 * The multiboot loader is pure logic: it never knows whether guest RAM is a
 * page allocation behind EPT in the hypervisor or a plain array in a unit
 * test.  It writes through these callbacks instead, with guest-physical
 * addresses, and the owner of guest memory does the bounds checking and the
 * translation.
 */
#ifndef TVX_LOADER_GUEST_MEM_H
#define TVX_LOADER_GUEST_MEM_H

#include "tvx/types.h"

struct guest_mem_ops {
	/*
	 * Copy @n bytes from host memory @src to guest-physical @gpa.
	 * Return 0, or a negative errno (e.g. -EFAULT if the range is not
	 * backed by guest RAM); the loader stops at the first failure.
	 */
	int (*write)(void *ctx, u64 gpa, const void *src, size_t n);
	/* Zero @n bytes at guest-physical @gpa (bss).  Same return rules. */
	int (*zero)(void *ctx, u64 gpa, size_t n);
};

#endif

/* SPDX-License-Identifier: MIT */
/* Misuse: reserved encoding bits (bit 16): must not compile. */
/* expect: reserved bits set */
#include "vmx/vmx_ops.h"

void build_fail_case(void);

void build_fail_case(void)
{
	/* bit 16 of an encoding is reserved (SDM: Component Encoding) */
	vmcs_write32(VM_EXIT_CONTROLS | BIT(16), 0);
}

/* SPDX-License-Identifier: MIT */
/* Misuse: vmcs_write32 on GUEST_RIP (natural width): must not compile. */
/* expect: 32-bit accessor on a natural-width field */
#include "vmx/vmx_ops.h"

void build_fail_case(void);

void build_fail_case(void)
{
	vmcs_write32(GUEST_RIP, 0);
}

/* SPDX-License-Identifier: MIT */
/* Misuse: vmcs_write16 on HOST_RIP (natural width): must not compile. */
/* expect: 16-bit accessor on a natural-width field */
#include "vmx/vmx_ops.h"

void build_fail_case(void);

void build_fail_case(void)
{
	vmcs_write16(HOST_RIP, 0);
}

/* SPDX-License-Identifier: MIT */
/* Misuse: vmcs_read64 on GUEST_CR3 (natural width): must not compile. */
/* expect: 64-bit accessor on a natural-width field */
#include "vmx/vmx_ops.h"

void build_fail_case(void);

void build_fail_case(void)
{
	(void)vmcs_read64(GUEST_CR3);
}

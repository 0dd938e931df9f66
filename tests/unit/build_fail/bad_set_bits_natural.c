/* SPDX-License-Identifier: MIT */
/* Misuse: vmcs_set_bits on CR0_GUEST_HOST_MASK (natural width): must not compile. */
/* expect: 32-bit accessor on a natural-width field */
#include "vmx/vmx_ops.h"

void build_fail_case(void);

void build_fail_case(void)
{
	vmcs_set_bits(CR0_GUEST_HOST_MASK, 1);
}

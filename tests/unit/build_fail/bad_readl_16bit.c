/* SPDX-License-Identifier: MIT */
/* Misuse: vmcs_readl on GUEST_CS_SELECTOR (16-bit): must not compile. */
/* expect: natural-width accessor on a 16-bit field */
#include "vmx/vmx_ops.h"

void build_fail_case(void);

void build_fail_case(void)
{
	(void)vmcs_readl(GUEST_CS_SELECTOR);
}

/* SPDX-License-Identifier: MIT */
/* Misuse: vmcs_writel on EXIT_QUALIFICATION (read-only): must not compile. */
/* expect: VMWRITE to a read-only */
#include "vmx/vmx_ops.h"

void build_fail_case(void);

void build_fail_case(void)
{
	vmcs_writel(EXIT_QUALIFICATION, 0);
}

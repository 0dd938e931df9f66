/* SPDX-License-Identifier: MIT */
/* Misuse: vmcs_write16 on EPT_POINTER (64-bit): must not compile. */
/* expect: 16-bit accessor on a 64-bit field */
#include "vmx/vmx_ops.h"

void build_fail_case(void);

void build_fail_case(void)
{
	vmcs_write16(EPT_POINTER, 0);
}

/* SPDX-License-Identifier: MIT */
/* Misuse: vmcs_read64 on a _HIGH encoding: must not compile. */
/* expect: 64-bit accessor on a _HIGH field */
#include "vmx/vmx_ops.h"

void build_fail_case(void);

void build_fail_case(void)
{
	(void)vmcs_read64(GUEST_IA32_EFER_HIGH);
}

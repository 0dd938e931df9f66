/* SPDX-License-Identifier: MIT */
/* Misuse: vmcs_read16 on GUEST_CS_AR_BYTES (32-bit): must not compile. */
/* expect: 16-bit accessor on a 32-bit field */
#include "vmx/vmx_ops.h"

void build_fail_case(void);

void build_fail_case(void)
{
	(void)vmcs_read16(GUEST_CS_AR_BYTES);
}

/* SPDX-License-Identifier: MIT */
/* Misuse: vmcs_read32 on GUEST_IA32_EFER (full 64-bit): must not compile. */
/* expect: 32-bit accessor on a 64-bit field */
#include "vmx/vmx_ops.h"

void build_fail_case(void);

void build_fail_case(void)
{
	(void)vmcs_read32(GUEST_IA32_EFER);
}

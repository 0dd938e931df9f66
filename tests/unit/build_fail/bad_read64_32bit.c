/* SPDX-License-Identifier: MIT */
/* Misuse: vmcs_read64 on CPU_BASED_VM_EXEC_CONTROL (32-bit): must not compile. */
/* expect: 64-bit accessor on a 32-bit field */
#include "vmx/vmx_ops.h"

void build_fail_case(void);

void build_fail_case(void)
{
	(void)vmcs_read64(CPU_BASED_VM_EXEC_CONTROL);
}

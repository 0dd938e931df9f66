/* SPDX-License-Identifier: MIT */
/* Misuse: vmcs_write64 on VM_EXIT_REASON (32-bit, read-only): must not compile. */
/* expect: VMWRITE to a read-only */
#include "vmx/vmx_ops.h"

void build_fail_case(void);

void build_fail_case(void)
{
	vmcs_write64(VM_EXIT_REASON, 0);
}

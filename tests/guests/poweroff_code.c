/* SPDX-License-Identifier: MIT */
/*
 * poweroff-code: TVX_HC_POWER_OFF with a non-zero code ends the VM with
 * exit status 4 (TVX_STATUS_POWER_OFF_CODE); the code itself is reported
 * on stderr.
 */
#include "guest.h"

#define POWER_OFF_CODE 5

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	printf("poweroff-code: powering off with code %d\n", POWER_OFF_CODE);
	hypercall(TVX_HC_POWER_OFF, POWER_OFF_CODE, 0, 0, 0);
	report(false, "POWER_OFF returned");
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* Powers off at once: for the wall time of a whole `tinyvmx run`. */
#include "guest.h"

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	power_off(0);
}

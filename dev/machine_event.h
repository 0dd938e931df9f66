/* SPDX-License-Identifier: MIT */
/*
 * How a device asks to end the VM.  Devices record the request here; the run
 * loop checks the state after each exit it hands to the device model and
 * stops entering the guest once it is no longer MACHINE_RUNNING.  The first
 * request wins: a guest that writes the debug-exit port and then the shutdown
 * port reports the debug-exit code.
 */
#ifndef TVX_DEV_MACHINE_EVENT_H
#define TVX_DEV_MACHINE_EVENT_H

#include "tvx/types.h"

struct machine_event {
	enum machine_state {
		MACHINE_RUNNING,
		MACHINE_POWER_OFF,	/* orderly power-off (shutdown port) */
		MACHINE_DEBUG_EXIT,	/* isa-debug-exit: @code is the value */
		MACHINE_RESET,		/* reset request (port 0xcf9); like
					 * QEMU -no-reboot the machine ends */
	} state;
	u32 code;		/* value the guest supplied, if any */
	const char *source;	/* which device asked, for the log */
};

static inline void machine_event_init(struct machine_event *ev)
{
	ev->state = MACHINE_RUNNING;
	ev->code = 0;
	ev->source = NULL;
}

/* Ask for @state; ignored (returns false) if the machine is already ending. */
static inline bool machine_event_request(struct machine_event *ev,
					 enum machine_state state, u32 code,
					 const char *source)
{
	if (ev->state != MACHINE_RUNNING)
		return false;
	ev->state = state;
	ev->code = code;
	ev->source = source;
	return true;
}

static inline bool machine_running(const struct machine_event *ev)
{
	return ev->state == MACHINE_RUNNING;
}

#endif

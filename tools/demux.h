/* SPDX-License-Identifier: MIT */
/*
 * Splitting Bochs's stdout back into the hypervisor's two console channels.
 *
 * Under Bochs the hypervisor writes its console to port 0xE9, which Bochs
 * copies byte by byte to its stdout, mixed with Bochs's own banner and
 * debugger lines.  The hypervisor frames its bytes (kernel/console.h):
 * CONSOLE_FRAME_GUEST and CONSOLE_FRAME_HV select the channel of what
 * follows, CONSOLE_FRAME_ESC makes the next byte literal.
 *
 * Before the first frame byte the stream is Bochs's own (banner, the
 * debugger's first "Next at t=0" stop).  The hypervisor's first lines are
 * not necessarily preceded by CONSOLE_FRAME_HV (its channel starts as the
 * hypervisor's), so the prelude also ends at the line after the debugger's
 * first stop, or at a line that starts the way hypervisor lines do.  The
 * debugger's report when the simulation stops lands in the last channel
 * used; it is recognised by its shape and handed back as Bochs's.
 *
 * This file is plain logic: bytes in, callbacks out.
 */
#ifndef TVX_TOOLS_DEMUX_H
#define TVX_TOOLS_DEMUX_H

#include <stdbool.h>
#include <stddef.h>

/* Longest hypervisor line handed over in one piece; longer ones are split. */
#define DEMUX_LINE_MAX 1024

enum demux_state {
	DEMUX_PRELUDE,		/* Bochs's own output, before the hypervisor */
	DEMUX_HV,		/* hypervisor channel */
	DEMUX_GUEST,		/* guest channel */
};

struct demux_ops {
	/* Guest console bytes, as they arrive. */
	void (*guest)(void *ctx, const char *buf, size_t n);
	/* A hypervisor line without its '\n'; eol is false for a piece of an
	 * over-long line or for an unterminated line at the end. */
	void (*hv_line)(void *ctx, const char *line, size_t n, bool eol);
	/* Bytes that belong to no channel (Bochs's own output). */
	void (*other)(void *ctx, const char *buf, size_t n);
};

struct demux {
	enum demux_state state;
	bool escape;		/* the previous byte was CONSOLE_FRAME_ESC */
	bool after_stop;	/* the prelude saw the debugger's "Next at t=" */
	bool closed;		/* the result was seen: everything is "other" */
	/* guest channel: a line start that may be a Bochs debugger line */
	bool guest_mid_line;	/* not at the start of a guest line */
	bool drop_line;		/* dropping a debugger line to "other" */
	size_t nhold;
	char hold[16];
	size_t len;
	char line[DEMUX_LINE_MAX];
	const struct demux_ops *ops;
	void *ctx;
};

void demux_init(struct demux *d, const struct demux_ops *ops, void *ctx);
void demux_feed(struct demux *d, const char *buf, size_t n);
/* After the hypervisor's last line: route all further bytes to ->other. */
void demux_close(struct demux *d);
/* End of stream: hand over any unterminated line. */
void demux_flush(struct demux *d);

#endif

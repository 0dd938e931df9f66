/* SPDX-License-Identifier: MIT */
/* Splitting Bochs's stdout into the hypervisor's channels: see demux.h. */
#include <string.h>

#include "kernel/console.h"
#include "tools/demux.h"

/* The Bochs debugger's report of where it stopped, printed before `c`. */
#define BOCHS_DEBUGGER_STOP "Next at t="
/* Prefixes of the hypervisor's own lines (kernel/main.c, kernel/printk.c). */
static const char *const hv_prefixes[] = { "tinyvmx:", "tvx-exit:" };

/* Guest bytes are handed over in runs, not one callback per byte. */
#define GUEST_RUN_MAX 256

struct guest_run {
	size_t n;
	char buf[GUEST_RUN_MAX];
};

static void guest_flush(struct demux *d, struct guest_run *run)
{
	if (run->n)
		d->ops->guest(d->ctx, run->buf, run->n);
	run->n = 0;
}

static bool starts_with(const char *s, size_t n, const char *prefix)
{
	size_t len = strlen(prefix);

	return n >= len && !memcmp(s, prefix, len);
}

/* A complete (or over-long) line of the prelude decides where it goes. */
static void prelude_line(struct demux *d)
{
	bool eol = d->len && d->line[d->len - 1] == '\n';
	size_t text = eol ? d->len - 1 : d->len;

	if (d->after_stop) {
		/* The disassembly line that follows the debugger's stop. */
		d->ops->other(d->ctx, d->line, d->len);
		d->state = DEMUX_HV;
	} else if (starts_with(d->line, d->len, BOCHS_DEBUGGER_STOP)) {
		d->ops->other(d->ctx, d->line, d->len);
		d->after_stop = true;
	} else {
		for (size_t i = 0; i < sizeof(hv_prefixes) / sizeof(hv_prefixes[0]); i++) {
			if (starts_with(d->line, text, hv_prefixes[i])) {
				d->state = DEMUX_HV;
				d->len = 0;
				d->ops->hv_line(d->ctx, d->line, text, eol);
				return;
			}
		}
		d->ops->other(d->ctx, d->line, d->len);
	}
	d->len = 0;
}

/* The prelude ends at the first frame byte: what it held was Bochs's. */
static void end_prelude(struct demux *d)
{
	if (d->state == DEMUX_PRELUDE && d->len) {
		d->ops->other(d->ctx, d->line, d->len);
		d->len = 0;
	}
}

static void data_byte(struct demux *d, struct guest_run *run, char c)
{
	switch (d->state) {
	case DEMUX_GUEST:
		run->buf[run->n++] = c;
		if (run->n == sizeof(run->buf))
			guest_flush(d, run);
		break;
	case DEMUX_PRELUDE:
		d->line[d->len++] = c;
		if (c == '\n' || d->len == sizeof(d->line))
			prelude_line(d);
		break;
	case DEMUX_HV:
		if (c == '\n') {
			d->ops->hv_line(d->ctx, d->line, d->len, true);
			d->len = 0;
			break;
		}
		d->line[d->len++] = c;
		if (d->len == sizeof(d->line)) {
			d->ops->hv_line(d->ctx, d->line, d->len, false);
			d->len = 0;
		}
		break;
	}
}

void demux_init(struct demux *d, const struct demux_ops *ops, void *ctx)
{
	memset(d, 0, sizeof(*d));
	d->state = DEMUX_PRELUDE;
	d->ops = ops;
	d->ctx = ctx;
}

void demux_feed(struct demux *d, const char *buf, size_t n)
{
	struct guest_run run = { .n = 0 };

	for (size_t i = 0; i < n; i++) {
		char c = buf[i];

		if (d->closed) {
			guest_flush(d, &run);
			d->ops->other(d->ctx, buf + i, n - i);
			return;
		}
		if (d->escape) {
			d->escape = false;
			data_byte(d, &run, c);
			continue;
		}
		switch ((unsigned char)c) {
		case CONSOLE_FRAME_GUEST:
			end_prelude(d);
			d->state = DEMUX_GUEST;
			break;
		case CONSOLE_FRAME_HV:
			guest_flush(d, &run);
			end_prelude(d);
			d->state = DEMUX_HV;
			break;
		case CONSOLE_FRAME_ESC:
			d->escape = true;
			break;
		default:
			data_byte(d, &run, c);
			break;
		}
	}
	guest_flush(d, &run);
}

void demux_close(struct demux *d)
{
	d->closed = true;
}

void demux_flush(struct demux *d)
{
	if (!d->len)
		return;
	if (d->state == DEMUX_HV && !d->closed)
		d->ops->hv_line(d->ctx, d->line, d->len, false);
	else
		d->ops->other(d->ctx, d->line, d->len);
	d->len = 0;
}

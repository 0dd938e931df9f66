/* SPDX-License-Identifier: MIT */
/* Splitting Bochs's stdout into the hypervisor's channels: see demux.h. */
#include <string.h>

#include "kernel/console.h"
#include "tools/demux.h"

/* The Bochs debugger's report of where it stopped, printed before `c`. */
#define BOCHS_DEBUGGER_STOP "Next at t="
/* Prefixes of the hypervisor's own lines (kernel/main.c, kernel/printk.c). */
static const char *const hv_prefixes[] = { "tinyvmx:", "tvx-exit:" };

/*
 * When the simulation stops, the Bochs debugger prints where the CPU was:
 * "(0).[56302936] [0x...] 0008:... (unk. ctxt): out dx, ax ; 66ef".  That
 * line lands in whatever channel was selected last, so it is recognised
 * by its shape: "(CPU)" then "." or " " then "[".
 */
static bool is_debugger_line(const char *s, size_t n)
{
	size_t i = 1;

	if (n < 4 || s[0] != '(')
		return false;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i > 1 && i + 2 < n && s[i] == ')' &&
	       (s[i + 1] == '.' || s[i + 1] == ' ') && s[i + 2] == '[';
}

/*
 * How much of @s (@n bytes) matches the start of such a debugger line:
 * 0 = it cannot be one, 1 = it still may be one, 2 = it is one.
 */
static int debugger_prefix(const char *s, size_t n)
{
	size_t i = 1;

	if (s[0] != '(')
		return 0;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == n)
		return 1;
	if (i == 1 || s[i] != ')')
		return 0;
	if (++i == n)
		return 1;
	if (s[i] != '.' && s[i] != ' ')
		return 0;
	if (++i == n)
		return 1;
	return s[i] == '[' ? 2 : 0;
}

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

static void guest_byte(struct demux *d, struct guest_run *run, char c)
{
	run->buf[run->n++] = c;
	if (run->n == sizeof(run->buf))
		guest_flush(d, run);
	d->guest_mid_line = c != '\n';
}

/* Give held-back guest bytes to the guest after all. */
static void release_hold(struct demux *d, struct guest_run *run)
{
	size_t n = d->nhold;

	d->nhold = 0;
	for (size_t i = 0; i < n; i++)
		guest_byte(d, run, d->hold[i]);
}

/*
 * Bochs prints its debugger line when the guest triple-faults too, while the
 * guest channel is selected: a guest line that starts like one is held back
 * until it is clear, and dropped (to ->other) if it is one.
 */
static void guest_data(struct demux *d, struct guest_run *run, char c)
{
	int m;

	if (d->drop_line) {
		d->ops->other(d->ctx, &c, 1);
		if (c == '\n') {
			d->drop_line = false;
			d->guest_mid_line = false;
		}
		return;
	}
	if (!d->nhold && (d->guest_mid_line || c != '(')) {
		guest_byte(d, run, c);
		return;
	}
	d->hold[d->nhold++] = c;
	m = debugger_prefix(d->hold, d->nhold);
	if (m == 1 && d->nhold < sizeof(d->hold))
		return;
	if (m == 2) {
		guest_flush(d, run);
		d->ops->other(d->ctx, d->hold, d->nhold);
		d->nhold = 0;
		d->drop_line = true;
		return;
	}
	release_hold(d, run);
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
		for (size_t i = 0; i < ARRAY_SIZE(hv_prefixes); i++) {
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
		guest_data(d, run, c);
		break;
	case DEMUX_PRELUDE:
		d->line[d->len++] = c;
		if (c == '\n' || d->len == sizeof(d->line))
			prelude_line(d);
		break;
	case DEMUX_HV:
		if (c == '\n') {
			if (is_debugger_line(d->line, d->len)) {
				d->line[d->len++] = c;
				d->ops->other(d->ctx, d->line, d->len);
			} else {
				d->ops->hv_line(d->ctx, d->line, d->len, true);
			}
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
			release_hold(d, &run);
			d->drop_line = false;
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
	if (d->nhold) {
		struct guest_run run = { .n = 0 };

		release_hold(d, &run);
		guest_flush(d, &run);
	}
	if (!d->len)
		return;
	if (d->state == DEMUX_HV && !d->closed)
		d->ops->hv_line(d->ctx, d->line, d->len, false);
	else
		d->ops->other(d->ctx, d->line, d->len);
	d->len = 0;
}

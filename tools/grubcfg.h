/* SPDX-License-Identifier: MIT */
/*
 * Writing the grub.cfg that boots the hypervisor with the guest as its
 * first boot module and the guest's own modules after it.
 *
 * Two layers of quoting stand between the tool and the guest's command
 * line.  First GRUB's script syntax (GRUB manual, "Shell-like scripting"):
 * words are split at blanks and `$`, `;`, quotes and backslashes are
 * special, so every word is written in single quotes, inside which nothing
 * is special but the closing quote.  Second, `module2` rebuilds one string
 * from its arguments (grub_create_loader_cmdline): it joins them with one
 * space, wraps an argument that contains a space in double quotes and puts
 * a backslash before every `\`, `'` and `"`.  Splitting the wanted string
 * at every space (empty words included) defeats the double quotes; the
 * backslashes GRUB adds cannot be avoided from the configuration file.
 */
#ifndef TVX_TOOLS_GRUBCFG_H
#define TVX_TOOLS_GRUBCFG_H

#include <stdbool.h>

#include "tools/strbuf.h"

/* Append @word (any bytes but NUL) as one word of GRUB's script syntax. */
void grub_quote_word(struct strbuf *sb, const char *word);

/*
 * Append the arguments of a `module2` line (after the file name) for
 * which GRUB hands the module the string @cmdline.
 */
void grub_module_args(struct strbuf *sb, const char *cmdline);

/* Does GRUB put a backslash before @c in a module's string? */
bool grub_escapes_char(char c);

/* One `module2` line. */
struct grub_module {
	const char *path;		/* path inside the ISO */
	const char *string;		/* what the module's string must be */
};

struct grub_entry {
	const char *title;
	const char *kernel;		/* path inside the ISO */
	const char *const *kernel_args;	/* the hypervisor's words */
	unsigned nkernel_args;
	/*
	 * One `module2` line each, in this order.  GRUB writes its module
	 * tags in the order the lines loaded them, which is how the
	 * hypervisor tells the guest (the first) from the guest's own
	 * modules (the rest, in the order the guest receives them).
	 */
	const struct grub_module *modules;
	unsigned nmodules;
	/*
	 * If GRUB cannot boot (a command fails, `boot` returns), write this
	 * line to port 0xE9 as hypervisor text and halt, which makes Bochs
	 * exit instead of sitting in GRUB's menu.  NULL: nothing.
	 */
	const char *failure_e9;
};

/* The GRUB modules a grub.cfg from grub_write_cfg() needs. */
#define GRUB_CFG_MODULES "multiboot2 normal iorw halt"


/* Append a whole grub.cfg: @timeout seconds of menu, then @entries[0]. */
void grub_write_cfg(struct strbuf *sb, unsigned timeout,
		    const struct grub_entry *entries, unsigned nentries);

#endif

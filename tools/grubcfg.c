/* SPDX-License-Identifier: MIT */
/* grub.cfg for tinyvmx: see grubcfg.h for the quoting rules. */
#include <string.h>

#include "kernel/console.h"
#include "tools/grubcfg.h"

/* `outb PORT VALUE` (module iorw) for each byte of a framed message. */
static void grub_e9_message(struct strbuf *sb, const char *msg)
{
	sb_addf(sb, "  outb %#x %#x\n", CONSOLE_E9_PORT, CONSOLE_FRAME_HV);
	for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
		if (*p == CONSOLE_FRAME_GUEST || *p == CONSOLE_FRAME_HV ||
		    *p == CONSOLE_FRAME_ESC)
			sb_addf(sb, "  outb %#x %#x\n", CONSOLE_E9_PORT,
				CONSOLE_FRAME_ESC);
		sb_addf(sb, "  outb %#x %#x\n", CONSOLE_E9_PORT, *p);
	}
}

void grub_quote_word(struct strbuf *sb, const char *word)
{
	sb_addc(sb, '\'');
	for (const char *p = word; *p; p++) {
		if (*p == '\'')
			sb_add(sb, "'\\''");	/* close, escaped quote, reopen */
		else
			sb_addc(sb, *p);
	}
	sb_addc(sb, '\'');
}

void grub_module_args(struct strbuf *sb, const char *cmdline)
{
	const char *p = cmdline;

	for (;;) {
		const char *sp = strchr(p, ' ');
		size_t n = sp ? (size_t)(sp - p) : strlen(p);
		struct strbuf word;

		sb_init(&word);
		sb_addn(&word, p, n);
		sb_addc(sb, ' ');
		grub_quote_word(sb, word.s);
		sb_free(&word);
		if (!sp)
			break;
		p = sp + 1;
	}
}

bool grub_escapes_char(char c)
{
	return c == '\\' || c == '\'' || c == '"';
}

void grub_write_cfg(struct strbuf *sb, unsigned timeout,
		    const struct grub_entry *entries, unsigned nentries)
{
	sb_addf(sb, "set timeout=%u\nset default=0\n", timeout);
	for (unsigned i = 0; i < nentries; i++) {
		const struct grub_entry *e = &entries[i];

		sb_add(sb, "menuentry ");
		grub_quote_word(sb, e->title);
		sb_add(sb, " {\n  multiboot2 ");
		grub_quote_word(sb, e->kernel);
		for (unsigned j = 0; j < e->nkernel_args; j++) {
			sb_addc(sb, ' ');
			grub_quote_word(sb, e->kernel_args[j]);
		}
		sb_addc(sb, '\n');
		for (unsigned j = 0; j < e->nmodules; j++) {
			sb_add(sb, "  module2 ");
			grub_quote_word(sb, e->modules[j].path);
			grub_module_args(sb, e->modules[j].string);
			sb_addc(sb, '\n');
		}
		sb_add(sb, "  boot\n");
		if (e->failure_e9) {
			/* Only reached if something above failed. */
			grub_e9_message(sb, e->failure_e9);
			sb_add(sb, "  halt\n");
		}
		sb_add(sb, "}\n");
	}
}

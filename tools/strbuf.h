/* SPDX-License-Identifier: MIT */
/* A growable NUL-terminated string for the host tool (aborts on OOM). */
#ifndef TVX_TOOLS_STRBUF_H
#define TVX_TOOLS_STRBUF_H

#include <stddef.h>

#include "tvx/types.h"

struct strbuf {
	char *s;		/* always NUL-terminated once initialised */
	size_t len;
	size_t cap;
};

void sb_init(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_addn(struct strbuf *sb, const char *s, size_t n);
void sb_add(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __printf(2, 3);

#endif

/* SPDX-License-Identifier: MIT */
/* Flat real-mode images: see flat.h for the rules. */
#include <stdarg.h>
#include <stdio.h>

#include "loader/flat.h"

#define HEX_BASE 16
#define DEC_BASE 10
#define HEX_ALPHA_VALUE 10	/* 'a' and 'A' are ten */
#define KIB 1024u

static void flat_err(char *err, size_t errlen, const char *fmt, ...)
	__printf(3, 4);
static void flat_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + HEX_ALPHA_VALUE;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + HEX_ALPHA_VALUE;
	return -1;
}

int flat_parse_addr(const char *s, u32 *addr, char *err, size_t errlen)
{
	const char *p = s;
	unsigned base = DEC_BASE;
	u64 v = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = HEX_BASE;
		p += 2;
	}
	if (!*p)
		goto bad;
	for (; *p; p++) {
		int d = digit_value(*p);

		if (d < 0 || (unsigned)d >= base)
			goto bad;
		v = v * base + d;
		/* stop before it can overflow: anything this big is refused */
		if (v >= FLAT_ADDR_LIMIT)
			break;
	}
	if (v >= FLAT_ADDR_LIMIT) {
		flat_err(err, errlen,
			 "real-mode entry address %s is not below 1 MiB (%#x): real mode "
			 "cannot reach it", s, FLAT_ADDR_LIMIT);
		return -EINVAL;
	}
	*addr = (u32)v;
	return 0;
bad:
	flat_err(err, errlen,
		 "real-mode entry address '%s': expected a number below 1 MiB, "
		 "e.g. 0x7c00", s);
	return -EINVAL;
}

int flat_plan(u32 addr, u64 len, struct flat_entry *e, char *err,
	      size_t errlen)
{
	if (addr >= FLAT_ADDR_LIMIT) {
		flat_err(err, errlen,
			 "real-mode entry address %#x is not below 1 MiB (%#x)",
			 addr, FLAT_ADDR_LIMIT);
		return -EINVAL;
	}
	if (len == 0) {
		flat_err(err, errlen, "empty file");
		return -ENOEXEC;
	}
	if (addr >= FLAT_IMAGE_LIMIT || len > FLAT_IMAGE_LIMIT - addr) {
		flat_err(err, errlen,
			 "the %llu-byte image at %#x would end at %#llx: a real-mode "
			 "image must end at or below %#x (conventional memory up to "
			 "%#x, whose last %u KiB are the stack)",
			 len, addr, (u64)addr + len, FLAT_IMAGE_LIMIT,
			 FLAT_CONV_MEM_END, FLAT_STACK_SIZE / KIB);
		return -E2BIG;
	}
	e->load_addr = addr;
	e->load_end = addr + (u32)len;
	e->ip = addr & FLAT_IP_MASK;
	e->cs = (addr & ~FLAT_IP_MASK) >> REAL_MODE_SEG_SHIFT;
	e->ss = FLAT_STACK_BASE >> REAL_MODE_SEG_SHIFT;
	e->sp = FLAT_STACK_TOP - FLAT_STACK_BASE;
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * A small vsnprintf for the hypervisor: %d %i %u %x %X %o %p %s %c %%, the
 * length modifiers hh h l ll z t, flags '-' '0' '#' ' ' '+', width and
 * precision (also '*').  No floating point: host code is built without SSE.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void emit_number(struct out *o, unsigned long long v, bool neg, int base,
			bool upper, int width, int prec, bool left, bool zero,
			bool alt, char sign)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, len;
	const char *prefix = "";

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (prec == 0 && n == 1 && tmp[0] == '0')
		n = 0;
	if (alt && base == 16)
		prefix = upper ? "0X" : "0x";
	if (alt && base == 8)
		prefix = "0";
	len = n > prec ? n : prec;
	len += (int)strlen(prefix) + ((neg || sign) ? 1 : 0);
	if (prec >= 0)
		zero = false;
	if (!left && !zero)
		pad(o, ' ', width - len);
	if (neg)
		put(o, '-');
	else if (sign)
		put(o, sign);
	for (const char *p = prefix; *p; p++)
		put(o, *p);
	if (!left && zero)
		pad(o, '0', width - len);
	pad(o, '0', prec - n);
	while (n)
		put(o, tmp[--n]);
	if (left)
		pad(o, ' ', width - len);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		bool left = false, zero = false, alt = false;
		char sign = 0;
		int width = 0, prec = -1, lng = 0;
		unsigned long long v;
		bool neg;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		for (;; fmt++) {
			if (fmt[1] == '-')
				left = true;
			else if (fmt[1] == '0')
				zero = true;
			else if (fmt[1] == '#')
				alt = true;
			else if (fmt[1] == '+')
				sign = '+';
			else if (fmt[1] == ' ')
				sign = sign ? sign : ' ';
			else
				break;
		}
		fmt++;
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				left = true;
				width = -width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec * 10 + (*fmt++ - '0');
			}
		}
		for (;; fmt++) {
			if (*fmt == 'l')
				lng++;
			else if (*fmt == 'z' || *fmt == 't')
				lng = 1;
			else if (*fmt == 'h')
				lng = lng > 0 ? lng : lng - 1;
			else
				break;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			long long s;

			if (lng >= 2)
				s = va_arg(ap, long long);
			else if (lng == 1)
				s = va_arg(ap, long);
			else
				s = va_arg(ap, int);
			if (lng == -1)
				s = (short)s;
			else if (lng <= -2)
				s = (signed char)s;
			neg = s < 0;
			v = neg ? -(unsigned long long)s : (unsigned long long)s;
			emit_number(&o, v, neg, 10, false, width, prec, left, zero,
				    false, sign);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			if (lng >= 2)
				v = va_arg(ap, unsigned long long);
			else if (lng == 1)
				v = va_arg(ap, unsigned long);
			else
				v = va_arg(ap, unsigned int);
			if (lng == -1)
				v = (unsigned short)v;
			else if (lng <= -2)
				v = (unsigned char)v;
			emit_number(&o, v, false,
				    *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16,
				    *fmt == 'X', width, prec, left, zero, alt, 0);
			break;
		case 'p':
			v = (unsigned long)va_arg(ap, void *);
			emit_number(&o, v, false, 16, false, width, prec, left,
				    zero, true, 0);
			break;
		case 'c':
			if (!left)
				pad(&o, ' ', width - 1);
			put(&o, (char)va_arg(ap, int));
			if (left)
				pad(&o, ' ', width - 1);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int n;

			if (!s)
				s = "(null)";
			n = (int)(prec >= 0 ? strnlen(s, prec) : strlen(s));
			if (!left)
				pad(&o, ' ', width - n);
			for (int i = 0; i < n; i++)
				put(&o, s[i]);
			if (left)
				pad(&o, ' ', width - n);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default:
			put(&o, '%');
			if (*fmt)
				put(&o, *fmt);
			else
				fmt--;
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

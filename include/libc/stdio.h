/* SPDX-License-Identifier: MIT */
/* The hypervisor's own <stdio.h>: formatting only (lib/vsnprintf.c). */
#ifndef TVX_LIBC_STDIO_H
#define TVX_LIBC_STDIO_H
#include <stdarg.h>
#include <stddef.h>
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#endif

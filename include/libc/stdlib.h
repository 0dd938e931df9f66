/* SPDX-License-Identifier: MIT */
/* The hypervisor's own <stdlib.h>: number parsing only (lib/strtoul.c). */
#ifndef TVX_LIBC_STDLIB_H
#define TVX_LIBC_STDLIB_H
unsigned long strtoul(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
#endif

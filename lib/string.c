/* SPDX-License-Identifier: MIT */
/*
 * The few C library string routines the freestanding hypervisor needs.  gcc
 * may emit calls to memcpy/memset/memmove/memcmp on its own (structure copies),
 * so these must exist even where no source calls them.  Host builds use libc.
 */
#include <string.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	void *ret = dst;

	/* rep movsb is one instruction per byte in Bochs but the fastest to read. */
	asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
	return ret;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *ret = dst;

	if ((n & 7) == 0 && ((unsigned long)dst & 7) == 0) {
		unsigned long v = (unsigned char)c * 0x0101010101010101ul;
		size_t q = n / 8;
		asm volatile("rep stosq" : "+D"(dst), "+c"(q) : "a"(v) : "memory");
	} else {
		asm volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(c) : "memory");
	}
	return ret;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++)
		if (!strncmp(haystack, needle, n))
			return (char *)haystack;
	return n ? NULL : (char *)haystack;
}

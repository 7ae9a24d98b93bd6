/* SPDX-License-Identifier: MIT */
/* A freestanding C program: console output, .bss/.data, 64-bit arithmetic
 * from libgcc, and a CRC computed two ways. */
#include <stdint.h>

#include "iss.h"

static uint32_t table[256];            /* .bss */
static uint32_t initialised = 0x1234;  /* .data */

static void crc32_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		table[i] = c;
	}
}

static uint32_t crc32_table(const char *s)
{
	uint32_t c = 0xffffffffu;

	while (*s)
		c = table[(c ^ (uint8_t)*s++) & 0xff] ^ (c >> 8);
	return ~c;
}

static uint32_t crc32_bitwise(const char *s)
{
	uint32_t c = 0xffffffffu;

	while (*s) {
		c ^= (uint8_t)*s++;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
	}
	return ~c;
}

int main(void)
{
	static const char text[] = "123456789";
	volatile uint64_t big = 0x123456789abcdefull;

	ISS_CHECK(1, initialised == 0x1234);
	ISS_CHECK(2, table[17] == 0);
	crc32_init();
	ISS_CHECK(3, crc32_table(text) == 0xcbf43926u);
	ISS_CHECK(4, crc32_bitwise(text) == crc32_table(text));
	ISS_CHECK(5, big / 1000 == 81985529216486ull);   /* __udivdi3 */
	ISS_CHECK(6, big % 1000 == 895ull);

	iss_puts("crc32(\"123456789\") = ");
	iss_put_hex(crc32_table(text));
	iss_puts(", ");
	iss_put_dec(4294967295u);
	iss_putc('\n');
	return 0;
}

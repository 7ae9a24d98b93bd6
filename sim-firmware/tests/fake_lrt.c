/* SPDX-License-Identifier: MIT */
/* Fake LRT peripheral block: see fake_lrt.h. */
#include "fake_lrt.h"
#include "fw.h"
#include "iss.h"

struct fake_lrt lrt;
test_jmp_buf *fake_halt_jmp;
bool fake_echo_console;

void fake_lrt_reset(void)
{
	memset(&lrt, 0, sizeof(lrt));
	lrt.mtimecmp = UINT64_MAX;
}

void fake_inbox_push(uint32_t va)
{
	if (lrt.in_n == NPU_LRT_FIFO_DEPTH) {
		lrt.inbox_overflow = true;
		return;
	}
	lrt.inbox[(lrt.in_rd + lrt.in_n) % NPU_LRT_FIFO_DEPTH] = va;
	lrt.in_n++;
}

bool fake_outbox_pop(uint32_t *va)
{
	if (lrt.out_rd == lrt.out_n)
		return false;
	*va = lrt.outbox[lrt.out_rd++];
	return true;
}

bool fake_console_has(const char *needle)
{
	size_t n = fw_strnlen(needle, 1024);

	for (unsigned i = 0; i + n <= lrt.console_len; i++)
		if (!memcmp(lrt.console + i, needle, n))
			return true;
	return false;
}

void fake_console_clear(void)
{
	lrt.console_len = 0;
}

static uint32_t pending(void)
{
	uint32_t v = 0;

	if (lrt.in_n)
		v |= NPU_LRT_IRQ_INBOX;
	for (unsigned w = 0; w < 8; w++)
		if (lrt.db_pending[w])
			v |= NPU_LRT_IRQ_DOORBELL;
	if (!lrt.outbox_full && lrt.out_n - lrt.out_rd < NPU_LRT_FIFO_DEPTH)
		v |= NPU_LRT_IRQ_OUTBOX_SPACE;
	return v;
}

static uint32_t fifo_stat(unsigned level, bool full)
{
	return level | (full ? NPU_LRT_FIFO_STAT_FULL : 0) | (level ? 0 : NPU_LRT_FIFO_STAT_EMPTY);
}

uint32_t plat_rd(uint32_t off)
{
	uint32_t v;

	switch (off) {
	case NPU_LRT_ID:            return NPU_LRT_ID_VALUE;
	case NPU_LRT_INBOX_DATA:
		if (!lrt.in_n)
			return 0xFFFFFFFFu;
		v = lrt.inbox[lrt.in_rd];
		lrt.in_rd = (lrt.in_rd + 1) % NPU_LRT_FIFO_DEPTH;
		lrt.in_n--;
		return v;
	case NPU_LRT_INBOX_STAT:
		return fifo_stat(lrt.in_n, lrt.in_n == NPU_LRT_FIFO_DEPTH) |
		       (lrt.inbox_overflow ? NPU_LRT_FIFO_STAT_OVERFLOW : 0);
	case NPU_LRT_OUTBOX_STAT:
		v = lrt.out_n - lrt.out_rd;
		return fifo_stat(v, lrt.outbox_full || v >= NPU_LRT_FIFO_DEPTH);
	case NPU_LRT_DB_SUMMARY:
		v = 0;
		for (unsigned w = 0; w < 8; w++)
			if (lrt.db_pending[w])
				v |= 1u << w;
		return v;
	case NPU_LRT_INTC_PENDING:  return pending();
	case NPU_LRT_INTC_ENABLE:   return lrt.intc_enable;
	case NPU_LRT_MTIME_LO:      return (uint32_t)lrt.mtime;
	case NPU_LRT_MTIME_HI:      return (uint32_t)(lrt.mtime >> 32);
	case NPU_LRT_MTIMECMP_LO:   return (uint32_t)lrt.mtimecmp;
	case NPU_LRT_MTIMECMP_HI:   return (uint32_t)(lrt.mtimecmp >> 32);
	case NPU_LRT_WDT_LOAD:      return lrt.wdt_load;
	case NPU_LRT_WDT_CTRL:      return lrt.wdt_ctrl;
	case NPU_LRT_CTX_SSID:      return lrt.ctx_ssid;
	case NPU_LRT_CTX_FAULT:     return 0;       /* the ISS has no context window */
	case NPU_LRT_CTX_FAULT_ADDR: return 0;
	default:
		if (off >= NPU_LRT_DB_PENDING(0) && off <= NPU_LRT_DB_PENDING(7))
			return lrt.db_pending[(off - NPU_LRT_DB_PENDING(0)) / 4];
		lrt.bad_accesses++;
		return 0;
	}
}

void plat_wr(uint32_t off, uint32_t val)
{
	switch (off) {
	case NPU_LRT_CONSOLE_TX:
		if (lrt.console_len < sizeof(lrt.console))
			lrt.console[lrt.console_len++] = (char)val;
		if (fake_echo_console)
			iss_putc((char)val);
		return;
	case NPU_LRT_INBOX_STAT:
		if (val & NPU_LRT_FIFO_STAT_OVERFLOW)
			lrt.inbox_overflow = false;
		return;
	case NPU_LRT_OUTBOX_DATA:
		if (lrt.outbox_full || lrt.out_n - lrt.out_rd >= NPU_LRT_FIFO_DEPTH ||
		    lrt.out_n == sizeof(lrt.outbox) / sizeof(lrt.outbox[0])) {
			lrt.bad_accesses++;     /* the firmware must check FULL first */
			return;
		}
		lrt.outbox[lrt.out_n++] = val;
		return;
	case NPU_LRT_INTC_ENABLE:   lrt.intc_enable = val & NPU_LRT_IRQ_ALL; return;
	case NPU_LRT_MTIMECMP_LO:   lrt.mtimecmp = (lrt.mtimecmp & ~(uint64_t)UINT32_MAX) | val; return;
	case NPU_LRT_MTIMECMP_HI:   lrt.mtimecmp = (lrt.mtimecmp & UINT32_MAX) | (uint64_t)val << 32; return;
	case NPU_LRT_WDT_LOAD:      lrt.wdt_load = val; lrt.wdt_loads++; return;
	case NPU_LRT_WDT_CTRL:      lrt.wdt_ctrl = val; return;
	case NPU_LRT_CTX_SSID:      lrt.ctx_ssid = val & NPU_LRT_CTX_SSID_MASK; return;
	case NPU_LRT_CTX_FAULT:     return;
	default:
		if (off >= NPU_LRT_DB_PENDING(0) && off <= NPU_LRT_DB_PENDING(7)) {
			lrt.db_pending[(off - NPU_LRT_DB_PENDING(0)) / 4] &= ~val;
			return;
		}
		lrt.bad_accesses++;
	}
}

__attribute__((noreturn)) void plat_halt(uint32_t code)
{
	lrt.halted = true;
	lrt.halt_code = code;
	if (fake_halt_jmp)
		test_longjmp(*fake_halt_jmp, 1);
	iss_puts("fake_lrt: unexpected firmware halt, code ");
	iss_put_hex(code);
	iss_puts("\nconsole:\n");
	for (unsigned i = 0; i < lrt.console_len; i++)
		iss_putc(lrt.console[i]);
	iss_exit(118);
}

/* SPDX-License-Identifier: MIT */
/*
 * qtest client: see qtest_client.h for the interface and the protocol facts
 * it relies on. Written from the protocol description at the top of QEMU
 * 7.2's softmmu/qtest.c; no libqtest code.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qtest_client.h"

#define QT_DEFAULT_TIMEOUT_MS 60000u
#define QT_QUIT_WAIT_MS       5000u
#define QT_IRQS               256
/* Raw bytes per b64read/b64write line. QEMU's qtest server re-scans its
 * whole input buffer for '\n' after every 1 KiB it receives, so a huge
 * line costs quadratic time there; 32 KiB keeps that negligible while
 * amortising the round trip (measured: 4 KiB 45 MB/s, 16-64 KiB 80-150,
 * 256 KiB writes back down to 40). */
#ifndef QT_CHUNK
#define QT_CHUNK              (32u * 1024u)
#endif
#define QT_MAX_LIVE           64

struct qt_block {
	uint64_t addr, size;
	struct qt_block *next;
};

struct qt_rbuf {
	char *data;
	size_t start, len, cap;
};

struct qt {
	pid_t pid;
	bool reaped;
	int wstatus;
	int qtest_fd, qmp_fd;
	char dir[128];
	char out_path[160];
	unsigned timeout_ms;
	uint64_t ram_size;
	uint64_t clock;
	struct qt_rbuf qtest_in, qmp_in;
	char *reply;              /* last qtest reply (after "OK") */
	size_t reply_cap;

	bool failed, fail_notified;
	char err[8192];
	qt_fail_fn fail_fn;
	void *fail_opaque;

	bool irq_level[QT_IRQS];
	unsigned irq_raises[QT_IRQS];

	bool no_b64;
	struct qt_block *blocks;
	FILE *log;
	struct qt *next;
};

/* ---- Process bookkeeping: never leave a QEMU behind ---------------------- */

static struct qt *live_list;
/* For the signal handler, which may only use async-signal-safe calls:
 * the pids to kill and the temp files to remove, prepared in advance. */
static volatile pid_t live_pids[QT_MAX_LIVE];
static char live_files[QT_MAX_LIVE][4][160]; /* 3 files, then the dir */
static bool handlers_installed;

static void live_pid_add(pid_t pid, const char *dir)
{
	static const char *const names[3] = { "/qtest.sock", "/qmp.sock", "/qemu.out" };

	for (int i = 0; i < QT_MAX_LIVE; i++) {
		if (!live_pids[i]) {
			for (int f = 0; f < 3; f++)
				snprintf(live_files[i][f], sizeof(live_files[i][f]), "%s%s", dir, names[f]);
			snprintf(live_files[i][3], sizeof(live_files[i][3]), "%s", dir);
			live_pids[i] = pid;
			return;
		}
	}
}

static void live_pid_del(pid_t pid)
{
	for (int i = 0; i < QT_MAX_LIVE; i++)
		if (live_pids[i] == pid)
			live_pids[i] = 0;
}

static void kill_all_live(void)
{
	for (int i = 0; i < QT_MAX_LIVE; i++) {
		if (live_pids[i] > 0) {
			kill(live_pids[i], SIGKILL);
			for (int f = 0; f < 3; f++)
				unlink(live_files[i][f]);
			rmdir(live_files[i][3]);
		}
	}
}

static void cleanup_files(struct qt *q);

static void atexit_handler(void)
{
	for (struct qt *q = live_list; q; q = q->next) {
		if (!q->reaped && q->pid > 0) {
			kill(q->pid, SIGKILL);
			waitpid(q->pid, NULL, 0);
			q->reaped = true;
		}
		cleanup_files(q);
	}
	kill_all_live();
}

static void signal_handler(int sig)
{
	kill_all_live();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_handlers(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGABRT };

	if (handlers_installed)
		return;
	handlers_installed = true;
	atexit(atexit_handler);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction sa, old;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = signal_handler;
		sigemptyset(&sa.sa_mask);
		/* Do not override a handler someone else installed (e.g. a
		 * sanitizer runtime); PR_SET_PDEATHSIG still covers us. */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
			sigaction(sigs[i], &sa, NULL);
	}
}

/* ---- Time ----------------------------------------------------------------- */

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* ---- Errors ---------------------------------------------------------------- */

static char *read_tail(const char *path, unsigned lines)
{
	FILE *f = fopen(path, "r");
	char *buf, *p;
	long size, from;
	size_t n;
	unsigned seen = 0;

	if (!f)
		return strdup("(no QEMU output captured)\n");
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	from = size > 8192 ? size - 8192 : 0;
	fseek(f, from, SEEK_SET);
	buf = malloc((size_t)(size - from) + 2);
	if (!buf) {
		fclose(f);
		return strdup("");
	}
	n = fread(buf, 1, (size_t)(size - from), f);
	fclose(f);
	buf[n] = '\0';
	if (n && buf[n - 1] != '\n') {
		buf[n++] = '\n';
		buf[n] = '\0';
	}
	if (!n) {
		free(buf);
		return strdup("(QEMU printed nothing)\n");
	}
	/* Keep the last `lines` lines. */
	for (p = buf + n - 1; p > buf; p--) {
		if (p[-1] == '\n' && ++seen == lines)
			break;
	}
	if (p != buf)
		memmove(buf, p, strlen(p) + 1);
	return buf;
}

char *qt_stderr_tail(struct qt *q, unsigned lines)
{
	return read_tail(q->out_path, lines ? lines : 20);
}

static void describe_status(int wstatus, char *buf, size_t len)
{
	if (WIFEXITED(wstatus))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(wstatus));
	else if (WIFSIGNALED(wstatus))
		snprintf(buf, len, "was killed by signal %d (%s)", WTERMSIG(wstatus),
			 strsignal(WTERMSIG(wstatus)));
	else
		snprintf(buf, len, "stopped (wait status 0x%x)", wstatus);
}

static void fail(struct qt *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Record the first error; later ones only add nothing. */
static void fail(struct qt *q, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	char *tail;

	if (q->failed)
		return;
	q->failed = true;
	va_start(ap, fmt);
	vsnprintf(q->err, sizeof(q->err), fmt, ap);
	va_end(ap);
	tail = qt_stderr_tail(q, 20);
	n = strlen(q->err);
	snprintf(q->err + n, sizeof(q->err) - n, "\n--- QEMU stdout/stderr (last lines) ---\n%s",
		 tail);
	free(tail);
	if (q->log)
		fprintf(q->log, "[qt %d] ERROR %s\n", (int)q->pid, q->err);
}

/* Run the fail handler once, at the public API boundary, after the call
 * has released everything it held (the handler may longjmp). */
static void notify(struct qt *q)
{
	if (q->failed && !q->fail_notified && q->fail_fn) {
		q->fail_notified = true;
		q->fail_fn(q, q->fail_opaque);
	}
}

void qt_set_fail_handler(struct qt *q, qt_fail_fn fn, void *opaque)
{
	q->fail_fn = fn;
	q->fail_opaque = opaque;
}

bool qt_failed(const struct qt *q)
{
	return q->failed;
}

const char *qt_error(const struct qt *q)
{
	return q->err;
}

int qt_pid(const struct qt *q)
{
	return (int)q->pid;
}

/* Reap if it exited; true while the process exists. */
bool qt_alive(struct qt *q)
{
	if (q->reaped || q->pid <= 0)
		return false;
	if (waitpid(q->pid, &q->wstatus, WNOHANG) == q->pid) {
		q->reaped = true;
		live_pid_del(q->pid);
		return false;
	}
	return true;
}

/* Wait up to ms for the process to exit; true if reaped. */
static bool reap_within(struct qt *q, unsigned ms)
{
	uint64_t end = mono_ms() + ms;

	while (qt_alive(q)) {
		if (mono_ms() >= end)
			return false;
		sleep_ms(5);
	}
	return true;
}

static void kill_now(struct qt *q)
{
	if (qt_alive(q)) {
		kill(q->pid, SIGKILL);
		if (waitpid(q->pid, &q->wstatus, 0) == q->pid)
			q->reaped = true;
		live_pid_del(q->pid);
	}
}

/* QEMU went away (EOF or EPIPE) while we were doing `what`. */
static void fail_died(struct qt *q, const char *what)
{
	char st[96];

	if (!reap_within(q, 2000)) {
		kill_now(q);
		fail(q, "QEMU closed its %s socket but did not exit (killed)", what);
		return;
	}
	describe_status(q->wstatus, st, sizeof(st));
	fail(q, "QEMU %s while %s", st, what);
}

/* ---- Socket I/O ------------------------------------------------------------ */

static int send_all(struct qt *q, int fd, const char *data, size_t len, const char *what)
{
	while (len) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE || errno == ECONNRESET) {
				fail_died(q, what);
				return -EPIPE;
			}
			fail(q, "sending %s: %s", what, strerror(errno));
			return -errno;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Next '\n'-terminated line from fd (without the newline, '\r' stripped),
 * valid until the next call on this buffer; NULL after an error. */
static char *read_line(struct qt *q, int fd, struct qt_rbuf *b, uint64_t deadline,
		       const char *what)
{
	for (;;) {
		char *nl = b->len > b->start ? memchr(b->data + b->start, '\n', b->len - b->start)
					     : NULL;

		if (nl) {
			char *line = b->data + b->start;

			*nl = '\0';
			if (nl > line && nl[-1] == '\r')
				nl[-1] = '\0';
			b->start = (size_t)(nl - b->data) + 1;
			return line;
		}
		/* compact, grow, read more */
		if (b->start) {
			memmove(b->data, b->data + b->start, b->len - b->start);
			b->len -= b->start;
			b->start = 0;
		}
		if (b->cap - b->len < 65536) {
			size_t ncap = b->cap ? b->cap * 2 : 131072;
			char *nd = realloc(b->data, ncap);

			if (!nd) {
				fail(q, "out of memory reading %s", what);
				return NULL;
			}
			b->data = nd;
			b->cap = ncap;
		}
		for (;;) {
			uint64_t now = mono_ms();
			struct pollfd pfd = { fd, POLLIN, 0 };
			int r;

			if (now >= deadline) {
				kill_now(q);
				fail(q, "no reply within %u s while %s (QEMU killed; raise QTEST_TIMEOUT "
				     "if the host is just slow)", q->timeout_ms / 1000, what);
				return NULL;
			}
			r = poll(&pfd, 1, (int)(deadline - now > 1000 ? 1000 : deadline - now));
			if (r < 0 && errno != EINTR) {
				fail(q, "poll while %s: %s", what, strerror(errno));
				return NULL;
			}
			if (r > 0)
				break;
		}
		{
			ssize_t n = read(fd, b->data + b->len, b->cap - b->len - 1);

			if (n == 0 || (n < 0 && errno == ECONNRESET)) {
				fail_died(q, what);
				return NULL;
			}
			if (n < 0) {
				if (errno == EINTR || errno == EAGAIN)
					continue;
				fail(q, "reading while %s: %s", what, strerror(errno));
				return NULL;
			}
			b->len += (size_t)n;
		}
	}
}

/* ---- qtest requests --------------------------------------------------------- */

static void describe_cmd(char *buf, size_t len, const char *cmd)
{
	size_t n = strlen(cmd);

	if (n <= 96)
		snprintf(buf, len, "waiting for the reply to '%s'", cmd);
	else
		snprintf(buf, len, "waiting for the reply to '%.80s...' (%zu bytes)", cmd, n);
}

static void note_irq(struct qt *q, const char *line)
{
	unsigned n;
	char dir[8];

	if (sscanf(line, "IRQ %7s %u", dir, &n) == 2 && n < QT_IRQS) {
		bool raise = strcmp(dir, "raise") == 0;

		if (raise && !q->irq_level[n])
			q->irq_raises[n]++;
		q->irq_level[n] = raise;
	}
}

/* Send `cmd` (no newline) and wait for its reply. Returns 0 with q->reply
 * set to the text after "OK", 1 with q->reply = the whole FAIL/ERR line, or
 * a negative errno after an error. */
static int qtest_raw(struct qt *q, const char *cmd)
{
	char what[160];
	size_t n = strlen(cmd);
	uint64_t deadline;
	char *line;

	if (q->failed)
		return -EIO;
	describe_cmd(what, sizeof(what), cmd);
	if (q->log)
		fprintf(q->log, "[qt %d] > %s\n", (int)q->pid, cmd);
	{
		/* one send for command + newline: fewer syscalls, no Nagle games */
		char small[256];
		char *buf = n + 2 <= sizeof(small) ? small : malloc(n + 2);
		int r;

		if (!buf) {
			fail(q, "out of memory sending '%.60s'", cmd);
			return -ENOMEM;
		}
		memcpy(buf, cmd, n);
		buf[n] = '\n';
		r = send_all(q, q->qtest_fd, buf, n + 1, what);
		if (buf != small)
			free(buf);
		if (r)
			return r;
	}
	deadline = mono_ms() + q->timeout_ms;
	for (;;) {
		size_t len;
		const char *text;
		int rc;

		line = read_line(q, q->qtest_fd, &q->qtest_in, deadline, what);
		if (!line)
			return -EIO;
		if (q->log)
			fprintf(q->log, "[qt %d] < %s\n", (int)q->pid, line);
		if (strncmp(line, "IRQ ", 4) == 0) {
			note_irq(q, line);
			continue;
		}
		if (strncmp(line, "OK", 2) == 0 && (line[2] == '\0' || line[2] == ' ')) {
			text = line[2] ? line + 3 : line + 2;
			rc = 0;
		} else {
			text = line;
			rc = 1;
		}
		len = strlen(text);
		if (len + 1 > q->reply_cap) {
			char *nr = realloc(q->reply, len + 1);

			if (!nr) {
				fail(q, "out of memory for a %zu-byte reply", len);
				return -ENOMEM;
			}
			q->reply = nr;
			q->reply_cap = len + 1;
		}
		memcpy(q->reply, text, len + 1);
		return rc;
	}
}

/* A request whose FAIL/ERR reply is an error. */
static const char *qtest_ok(struct qt *q, const char *cmd)
{
	int rc = qtest_raw(q, cmd);

	if (rc == 1)
		fail(q, "QEMU rejected '%.100s': %s", cmd, q->reply);
	return rc == 0 ? q->reply : NULL;
}

static const char *qtest_okf(struct qt *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static const char *qtest_okf(struct qt *q, const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return qtest_ok(q, cmd);
}

static uint64_t parse_u64(struct qt *q, const char *reply, const char *what)
{
	char *end;
	unsigned long long v;

	if (!reply)
		return UINT64_MAX;
	errno = 0;
	v = strtoull(reply, &end, 0);
	if (errno || end == reply) {
		fail(q, "unexpected reply to %s: 'OK %s'", what, reply);
		return UINT64_MAX;
	}
	return v;
}

const char *qt_cmd(struct qt *q, const char *fmt, ...)
{
	char *cmd = NULL;
	const char *r = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		cmd = NULL;
	va_end(ap);
	if (cmd)
		r = qtest_ok(q, cmd);
	else
		fail(q, "out of memory formatting a command");
	free(cmd);
	notify(q);
	return r;
}

/* ---- Port I/O and MMIO -------------------------------------------------------- */

static uint64_t in_port(struct qt *q, char w, uint16_t port)
{
	char cmd[32];

	snprintf(cmd, sizeof(cmd), "in%c 0x%x", w, port);
	return parse_u64(q, qtest_ok(q, cmd), cmd);
}

static void out_port(struct qt *q, char w, uint16_t port, uint32_t v)
{
	qtest_okf(q, "out%c 0x%x 0x%x", w, port, v);
}

uint8_t qt_inb(struct qt *q, uint16_t port)
{
	uint8_t v = (uint8_t)in_port(q, 'b', port);

	notify(q);
	return v;
}

uint16_t qt_inw(struct qt *q, uint16_t port)
{
	uint16_t v = (uint16_t)in_port(q, 'w', port);

	notify(q);
	return v;
}

uint32_t qt_inl(struct qt *q, uint16_t port)
{
	uint32_t v = (uint32_t)in_port(q, 'l', port);

	notify(q);
	return v;
}

void qt_outb(struct qt *q, uint16_t port, uint8_t v)
{
	out_port(q, 'b', port, v);
	notify(q);
}

void qt_outw(struct qt *q, uint16_t port, uint16_t v)
{
	out_port(q, 'w', port, v);
	notify(q);
}

void qt_outl(struct qt *q, uint16_t port, uint32_t v)
{
	out_port(q, 'l', port, v);
	notify(q);
}

static char size_letter(unsigned size)
{
	switch (size) {
	case 1: return 'b';
	case 2: return 'w';
	case 4: return 'l';
	case 8: return 'q';
	default: return 0;
	}
}

static uint64_t mem_read(struct qt *q, uint64_t addr, unsigned size)
{
	char cmd[48];
	char w = size_letter(size);
	uint64_t v;

	if (!w) {
		fail(q, "invalid MMIO read size %u at 0x%" PRIx64, size, addr);
		return UINT64_MAX;
	}
	snprintf(cmd, sizeof(cmd), "read%c 0x%" PRIx64, w, addr);
	v = parse_u64(q, qtest_ok(q, cmd), cmd);
	if (q->failed)
		return UINT64_MAX;
	return size == 8 ? v : v & ((UINT64_C(1) << (8 * size)) - 1);
}

static void mem_write(struct qt *q, uint64_t addr, unsigned size, uint64_t v)
{
	char w = size_letter(size);

	if (!w) {
		fail(q, "invalid MMIO write size %u at 0x%" PRIx64, size, addr);
		return;
	}
	if (size < 8)
		v &= (UINT64_C(1) << (8 * size)) - 1;
	qtest_okf(q, "write%c 0x%" PRIx64 " 0x%" PRIx64, w, addr, v);
}

uint64_t qt_read_sized(struct qt *q, uint64_t addr, unsigned size)
{
	uint64_t v = mem_read(q, addr, size);

	notify(q);
	return v;
}

void qt_write_sized(struct qt *q, uint64_t addr, unsigned size, uint64_t v)
{
	mem_write(q, addr, size, v);
	notify(q);
}

uint8_t qt_readb(struct qt *q, uint64_t addr)
{
	return (uint8_t)qt_read_sized(q, addr, 1);
}

uint16_t qt_readw(struct qt *q, uint64_t addr)
{
	return (uint16_t)qt_read_sized(q, addr, 2);
}

uint32_t qt_readl(struct qt *q, uint64_t addr)
{
	return (uint32_t)qt_read_sized(q, addr, 4);
}

uint64_t qt_readq(struct qt *q, uint64_t addr)
{
	return qt_read_sized(q, addr, 8);
}

void qt_writeb(struct qt *q, uint64_t addr, uint8_t v)
{
	qt_write_sized(q, addr, 1, v);
}

void qt_writew(struct qt *q, uint64_t addr, uint16_t v)
{
	qt_write_sized(q, addr, 2, v);
}

void qt_writel(struct qt *q, uint64_t addr, uint32_t v)
{
	qt_write_sized(q, addr, 4, v);
}

void qt_writeq(struct qt *q, uint64_t addr, uint64_t v)
{
	qt_write_sized(q, addr, 8, v);
}

/* ---- Bulk guest memory ---------------------------------------------------- */

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t b64_encode(const uint8_t *in, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		size_t left = len - i;

		if (left > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (left > 2)
			v |= in[i + 2];
		out[o++] = b64chars[(v >> 18) & 63];
		out[o++] = b64chars[(v >> 12) & 63];
		out[o++] = left > 1 ? b64chars[(v >> 6) & 63] : '=';
		out[o++] = left > 2 ? b64chars[v & 63] : '=';
	}
	out[o] = '\0';
	return o;
}

static int b64_val(char c)
{
	const char *p = c ? strchr(b64chars, c) : NULL;

	return p ? (int)(p - b64chars) : -1;
}

/* Decode exactly len bytes; false if the text is malformed or short. */
static bool b64_decode(const char *in, uint8_t *out, size_t len)
{
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;

	for (; *in && *in != '='; in++) {
		int v = b64_val(*in);

		if (v < 0)
			return false;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o < len)
				out[o] = (uint8_t)(acc >> bits);
			o++;
		}
	}
	return o == len;
}

static bool unknown_command(const struct qt *q)
{
	return strstr(q->reply, "Unknown command") != NULL;
}

static void memread_chunk(struct qt *q, uint64_t addr, uint8_t *buf, size_t len)
{
	char cmd[64];
	int rc;

	if (!q->no_b64) {
		snprintf(cmd, sizeof(cmd), "b64read 0x%" PRIx64 " 0x%zx", addr, len);
		rc = qtest_raw(q, cmd);
		if (rc == 0) {
			if (!b64_decode(q->reply, buf, len))
				fail(q, "malformed base64 in the reply to '%s'", cmd);
			return;
		}
		if (rc < 0)
			return;
		if (!unknown_command(q)) {
			fail(q, "QEMU rejected '%s': %s", cmd, q->reply);
			return;
		}
		q->no_b64 = true;
	}
	snprintf(cmd, sizeof(cmd), "read 0x%" PRIx64 " 0x%zx", addr, len);
	{
		const char *r = qtest_ok(q, cmd);

		if (!r)
			return;
		if (strncmp(r, "0x", 2) || strlen(r) < 2 + 2 * len) {
			fail(q, "malformed hex in the reply to '%s'", cmd);
			return;
		}
		for (size_t i = 0; i < len; i++) {
			char h[3] = { r[2 + 2 * i], r[3 + 2 * i], 0 };

			buf[i] = (uint8_t)strtoul(h, NULL, 16);
		}
	}
}

static void memwrite_chunk(struct qt *q, uint64_t addr, const uint8_t *buf, size_t len, char *line)
{
	int rc;
	size_t n;

	if (!q->no_b64) {
		n = (size_t)sprintf(line, "b64write 0x%" PRIx64 " 0x%zx ", addr, len);
		b64_encode(buf, len, line + n);
		rc = qtest_raw(q, line);
		if (rc <= 0) {
			if (rc == 0 && q->reply[0])
				fail(q, "unexpected reply to b64write at 0x%" PRIx64 ": 'OK %s'", addr,
				     q->reply);
			return;
		}
		if (!unknown_command(q)) {
			fail(q, "QEMU rejected b64write of %zu bytes at 0x%" PRIx64 ": %s", len, addr,
			     q->reply);
			return;
		}
		q->no_b64 = true;
	}
	n = (size_t)sprintf(line, "write 0x%" PRIx64 " 0x%zx 0x", addr, len);
	for (size_t i = 0; i < len; i++)
		n += (size_t)sprintf(line + n, "%02x", buf[i]);
	qtest_ok(q, line);
}

void qt_memread(struct qt *q, uint64_t addr, void *buf, size_t len)
{
	uint8_t *p = buf;

	for (size_t done = 0; done < len && !q->failed;) {
		size_t n = len - done < QT_CHUNK ? len - done : QT_CHUNK;

		memread_chunk(q, addr + done, p + done, n);
		done += n;
	}
	if (q->failed)
		memset(buf, 0xFF, len);
	notify(q);
}

void qt_memwrite(struct qt *q, uint64_t addr, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	/* big enough for either encoding of one chunk */
	char *line = len ? malloc(2 * QT_CHUNK + 96) : NULL;

	if (len && !line) {
		fail(q, "out of memory writing %zu bytes at 0x%" PRIx64, len, addr);
		notify(q);
		return;
	}
	for (size_t done = 0; done < len && !q->failed;) {
		size_t n = len - done < QT_CHUNK ? len - done : QT_CHUNK;

		memwrite_chunk(q, addr + done, p + done, n, line);
		done += n;
	}
	free(line);
	notify(q);
}

void qt_memset(struct qt *q, uint64_t addr, uint8_t v, size_t len)
{
	if (len)
		qtest_okf(q, "memset 0x%" PRIx64 " 0x%zx 0x%x", addr, len, v);
	notify(q);
}

/* ---- Clock ---------------------------------------------------------------- */

static uint64_t clock_cmd(struct qt *q, const char *cmd)
{
	uint64_t v = parse_u64(q, qtest_ok(q, cmd), cmd);

	if (!q->failed)
		q->clock = v;
	return q->failed ? UINT64_MAX : v;
}

uint64_t qt_clock_step(struct qt *q, uint64_t ns)
{
	char cmd[48];
	uint64_t v;

	snprintf(cmd, sizeof(cmd), "clock_step %" PRIu64, ns);
	v = clock_cmd(q, cmd);
	notify(q);
	return v;
}

uint64_t qt_clock_step_next(struct qt *q)
{
	uint64_t v = clock_cmd(q, "clock_step");

	notify(q);
	return v;
}

uint64_t qt_clock_set(struct qt *q, uint64_t ns)
{
	char cmd[48];
	uint64_t v;

	snprintf(cmd, sizeof(cmd), "clock_set %" PRIu64, ns);
	v = clock_cmd(q, cmd);
	notify(q);
	return v;
}

uint64_t qt_clock(const struct qt *q)
{
	return q->clock;
}

/* ---- IRQ interception ------------------------------------------------------- */

void qt_irq_intercept_in(struct qt *q, const char *qom_path)
{
	qtest_okf(q, "irq_intercept_in %s", qom_path);
	notify(q);
}

void qt_irq_intercept_out(struct qt *q, const char *qom_path)
{
	qtest_okf(q, "irq_intercept_out %s", qom_path);
	notify(q);
}

bool qt_irq_level(const struct qt *q, unsigned num)
{
	return num < QT_IRQS && q->irq_level[num];
}

unsigned qt_irq_raises(const struct qt *q, unsigned num)
{
	return num < QT_IRQS ? q->irq_raises[num] : 0;
}

/* ---- JSON helpers ------------------------------------------------------------ */

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return p;
}

/* p at '"'; returns the position after the closing quote, or NULL. */
static const char *skip_string(const char *p)
{
	for (p++; *p; p++) {
		if (*p == '\\') {
			if (!*++p)
				return NULL;
		} else if (*p == '"') {
			return p + 1;
		}
	}
	return NULL;
}

const char *qt_json_skip(const char *v)
{
	int depth = 0;

	v = skip_ws(v);
	if (*v == '"')
		return skip_string(v);
	if (*v != '{' && *v != '[') {
		const char *s = v;

		while (*v && !strchr(",}] \t\r\n", *v))
			v++;
		return v == s ? NULL : v;
	}
	for (; *v; v++) {
		if (*v == '"') {
			v = skip_string(v);
			if (!v)
				return NULL;
			v--;
		} else if (*v == '{' || *v == '[') {
			depth++;
		} else if (*v == '}' || *v == ']') {
			if (--depth == 0)
				return v + 1;
		}
	}
	return NULL;
}

/* Value of `key` at object depth <= max_depth (1 = top-level object). */
static const char *find_key(const char *p, const char *end, const char *key, int max_depth)
{
	size_t klen = strlen(key);
	int depth = 0;

	while (*p && (!end || p < end)) {
		if (*p == '"') {
			const char *s = p + 1, *e = skip_string(p), *after;

			if (!e)
				return NULL;
			after = skip_ws(e);
			if (*after == ':' && depth <= max_depth && (size_t)(e - 1 - s) == klen &&
			    strncmp(s, key, klen) == 0)
				return skip_ws(after + 1);
			p = e;
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']')
			depth--;
		p++;
	}
	return NULL;
}

const char *qt_json_find(const char *json, const char *end, const char *key)
{
	return json ? find_key(json, end, key, INT_MAX) : NULL;
}

const char *qt_json_elem(const char *v, unsigned idx)
{
	if (!v)
		return NULL;
	v = skip_ws(v);
	if (*v != '[')
		return NULL;
	v = skip_ws(v + 1);
	if (*v == ']')
		return NULL;
	for (unsigned i = 0;; i++) {
		if (i == idx)
			return v;
		v = qt_json_skip(v);
		if (!v)
			return NULL;
		v = skip_ws(v);
		if (*v != ',')
			return NULL;
		v = skip_ws(v + 1);
	}
}

bool qt_json_int(const char *v, int64_t *out)
{
	char *end;
	long long x;

	if (!v)
		return false;
	errno = 0;
	x = strtoll(v, &end, 10);
	if (errno || end == v)
		return false;
	*out = x;
	return true;
}

char *qt_json_strdup(const char *v)
{
	const char *e;
	char *out, *o;

	if (!v || *v != '"' || !(e = skip_string(v)))
		return NULL;
	out = malloc((size_t)(e - v));
	if (!out)
		return NULL;
	for (o = out, v++; v < e - 1; v++) {
		if (*v != '\\') {
			*o++ = *v;
			continue;
		}
		switch (*++v) {
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		case 'r': *o++ = '\r'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'u': {
			/* QEMU escapes only control and non-ASCII characters */
			unsigned cp = 0;

			for (int i = 0; i < 4 && v[1]; i++)
				cp = cp * 16 + (unsigned)(isdigit((unsigned char)v[1]) ? *++v - '0'
							   : (tolower((unsigned char)*++v) - 'a' + 10));
			*o++ = cp < 0x80 ? (char)cp : '?';
			break;
		}
		default: *o++ = *v; break; /* \" \\ \/ */
		}
	}
	*o = '\0';
	return out;
}

bool qt_json_streq(const char *v, const char *s)
{
	size_t n = strlen(s);

	return v && *v == '"' && strncmp(v + 1, s, n) == 0 && v[n + 1] == '"';
}

/* ---- QMP -------------------------------------------------------------------- */

static char *qmp_exec(struct qt *q, const char *cmd)
{
	char what[160];
	uint64_t deadline;
	size_t n = strlen(cmd);
	char *buf;
	int r;

	if (q->failed)
		return NULL;
	snprintf(what, sizeof(what), "waiting for the QMP reply to %.100s", cmd);
	if (q->log)
		fprintf(q->log, "[qt %d] QMP> %s\n", (int)q->pid, cmd);
	buf = malloc(n + 2);
	if (!buf) {
		fail(q, "out of memory");
		return NULL;
	}
	memcpy(buf, cmd, n);
	buf[n] = '\n';
	r = send_all(q, q->qmp_fd, buf, n + 1, what);
	free(buf);
	if (r)
		return NULL;
	deadline = mono_ms() + q->timeout_ms;
	for (;;) {
		char *line = read_line(q, q->qmp_fd, &q->qmp_in, deadline, what);

		if (!line)
			return NULL;
		if (q->log)
			fprintf(q->log, "[qt %d] QMP< %s\n", (int)q->pid, line);
		/* Asynchronous events ({"event": ...}) may come first. */
		if (find_key(line, NULL, "return", 1) || find_key(line, NULL, "error", 1))
			return strdup(line);
	}
}

char *qt_qmp(struct qt *q, const char *fmt, ...)
{
	char *cmd = NULL, *r = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		cmd = NULL;
	va_end(ap);
	if (cmd)
		r = qmp_exec(q, cmd);
	else
		fail(q, "out of memory formatting a QMP command");
	free(cmd);
	notify(q);
	return r;
}

/* ---- PCI configuration space ---------------------------------------------------- */

static uint32_t cfg_read(struct qt *q, unsigned bdf, unsigned off, unsigned size)
{
	unsigned port = 0xCFC + (off & 3);

	out_port(q, 'l', 0xCF8, 0x80000000u | (bdf << 8) | (off & 0xFC));
	switch (size) {
	case 1: return (uint32_t)in_port(q, 'b', (uint16_t)port);
	case 2: return (uint32_t)in_port(q, 'w', (uint16_t)port);
	case 4: return (uint32_t)in_port(q, 'l', (uint16_t)port);
	default:
		fail(q, "invalid config read size %u", size);
		return UINT32_MAX;
	}
}

static void cfg_write(struct qt *q, unsigned bdf, unsigned off, unsigned size, uint32_t v)
{
	unsigned port = 0xCFC + (off & 3);

	out_port(q, 'l', 0xCF8, 0x80000000u | (bdf << 8) | (off & 0xFC));
	switch (size) {
	case 1: out_port(q, 'b', (uint16_t)port, v & 0xFF); break;
	case 2: out_port(q, 'w', (uint16_t)port, v & 0xFFFF); break;
	case 4: out_port(q, 'l', (uint16_t)port, v); break;
	default: fail(q, "invalid config write size %u", size); break;
	}
}

uint32_t qt_pci_cfg_read(struct qt *q, unsigned bdf, unsigned off, unsigned size)
{
	uint32_t v = cfg_read(q, bdf, off, size);

	notify(q);
	return v;
}

void qt_pci_cfg_write(struct qt *q, unsigned bdf, unsigned off, unsigned size, uint32_t v)
{
	cfg_write(q, bdf, off, size, v);
	notify(q);
}

static unsigned find_cap(struct qt *q, unsigned bdf, uint8_t cap_id)
{
	unsigned ptr;

	if (!(cfg_read(q, bdf, 0x06, 2) & 0x10)) /* status: capability list */
		return 0;
	ptr = cfg_read(q, bdf, 0x34, 1) & 0xFC;
	for (int guard = 0; ptr && guard < 48 && !q->failed; guard++) {
		if (cfg_read(q, bdf, ptr, 1) == cap_id)
			return ptr;
		ptr = cfg_read(q, bdf, ptr + 1, 1) & 0xFC;
	}
	return 0;
}

unsigned qt_pci_find_cap(struct qt *q, unsigned bdf, uint8_t cap_id)
{
	unsigned v = find_cap(q, bdf, cap_id);

	notify(q);
	return v;
}

/* ---- Guest RAM allocator -------------------------------------------------------- */

uint64_t qt_guest_alloc(struct qt *q, uint64_t size, uint64_t align)
{
	struct qt_block **pp = &q->blocks, *b;
	uint64_t start = QT_ALLOC_BASE;

	if (!size)
		size = 1;
	if (align < 16)
		align = 16;
	if (align & (align - 1))
		return 0;
	for (;;) {
		uint64_t a = (start + align - 1) & ~(align - 1);
		uint64_t limit = *pp ? (*pp)->addr : q->ram_size;

		if (a >= start && a + size >= a && a + size <= limit) {
			b = malloc(sizeof(*b));
			if (!b)
				return 0;
			b->addr = a;
			b->size = size;
			b->next = *pp;
			*pp = b;
			return a;
		}
		if (!*pp)
			return 0;
		start = (*pp)->addr + (*pp)->size;
		pp = &(*pp)->next;
	}
}

void qt_guest_free(struct qt *q, uint64_t addr)
{
	for (struct qt_block **pp = &q->blocks; *pp; pp = &(*pp)->next) {
		if ((*pp)->addr == addr) {
			struct qt_block *b = *pp;

			*pp = b->next;
			free(b);
			return;
		}
	}
}

uint64_t qt_ram_size(const struct qt *q)
{
	return q->ram_size;
}

/* ---- Start-up --------------------------------------------------------------------- */

const char *qt_qemu_binary(void)
{
	const char *p = getenv("QTEST_QEMU_BINARY");

	return p && *p ? p : NULL;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* -m syntax: a number with an optional K/M/G/T suffix, MiB by default. */
static uint64_t parse_mem_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	switch (*end) {
	case 'k': case 'K': return v << 10;
	case 'g': case 'G': return v << 30;
	case 't': case 'T': return v << 40;
	case 'b': case 'B': return v;
	default: return v << 20; /* '\0', 'M' */
	}
}

static int check_binary(const char *qemu, char *err, size_t errlen)
{
	struct stat st;

	if (!qemu) {
		set_err(err, errlen, "no QEMU binary given: set QTEST_QEMU_BINARY to a "
			"qemu-system-x86_64 with -device intel-npu-mtl and the qtest accelerator "
			"(make check-qtest sets it from QEMU_BINARY in build/config.mk)");
		return -EINVAL;
	}
	if (stat(qemu, &st) != 0) {
		int e = errno;

		set_err(err, errlen, "QEMU binary %s not found: %s (build it with `make qemu`)",
			qemu, strerror(e));
		return -e;
	}
	if (!S_ISREG(st.st_mode) || access(qemu, X_OK) != 0) {
		set_err(err, errlen, "QEMU binary %s is not an executable file", qemu);
		return -EACCES;
	}
	return 0;
}

static int make_listener(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		set_err(err, errlen, "socket path %s is too long (set TMPDIR to a shorter dir)", path);
		return -ENAMETOOLONG;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		set_err(err, errlen, "socket(): %s", strerror(errno));
		return -errno;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)) {
		int e = errno;

		set_err(err, errlen, "cannot listen on %s: %s", path, strerror(e));
		close(fd);
		return -e;
	}
	return fd;
}

static void cleanup_files(struct qt *q)
{
	char p[160];

	if (!q->dir[0])
		return;
	snprintf(p, sizeof(p), "%s/qtest.sock", q->dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/qmp.sock", q->dir);
	unlink(p);
	unlink(q->out_path);
	rmdir(q->dir);
	q->dir[0] = '\0';
}

/* Split s at blanks into argv (appending); returns the new count. */
static int split_args(char *s, char **argv, int argc, int max)
{
	for (char *tok = strtok(s, " \t\n"); tok && argc < max; tok = strtok(NULL, " \t\n"))
		argv[argc++] = tok;
	return argc;
}

/* Temp dirs are named npu-qtest-<pid>-XXXXXX. A test killed by SIGKILL or
 * SIGSEGV cannot clean up (its QEMU dies with it through PDEATHSIG); the
 * next run removes such leftovers of processes that no longer exist. */
static void remove_stale_dirs(const char *tmp)
{
	static const char *const names[3] = { "qtest.sock", "qmp.sock", "qemu.out" };
	DIR *d = opendir(tmp);
	struct dirent *e;

	while (d && (e = readdir(d)) != NULL) {
		char path[PATH_MAX];
		long pid;
		char *end;

		if (strncmp(e->d_name, "npu-qtest-", 10))
			continue;
		pid = strtol(e->d_name + 10, &end, 10);
		if (end == e->d_name + 10 || *end != '-' || pid <= 0 ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		for (int i = 0; i < 3; i++) {
			int n = snprintf(path, sizeof(path), "%s/%s/%s", tmp, e->d_name, names[i]);

			if (n > 0 && (size_t)n < sizeof(path))
				unlink(path);
		}
		if (snprintf(path, sizeof(path), "%s/%s", tmp, e->d_name) < (int)sizeof(path))
			rmdir(path);
	}
	if (d)
		closedir(d);
}

static int make_temp_dir(char *dir, size_t len, char *err, size_t errlen)
{
	const char *tmp = getenv("TMPDIR");

	/* sun_path is 108 bytes: fall back to /tmp if TMPDIR is long */
	if (!tmp || !*tmp || strlen(tmp) > 60)
		tmp = "/tmp";
	remove_stale_dirs(tmp);
	snprintf(dir, len, "%s/npu-qtest-%d-XXXXXX", tmp, (int)getpid());
	if (!mkdtemp(dir)) {
		set_err(err, errlen, "mkdtemp(%s): %s", dir, strerror(errno));
		dir[0] = '\0';
		return -EIO;
	}
	return 0;
}

/* Accept on lfd, watching the child; returns the connection or -1 with
 * the handle's error set. */
static int accept_from_qemu(struct qt *q, int lfd, uint64_t deadline, const char *what)
{
	for (;;) {
		struct pollfd pfd = { lfd, POLLIN, 0 };
		uint64_t now = mono_ms();
		int r;

		if (pfd.fd < 0)
			return -1;
		if (!qt_alive(q)) {
			char st[96];

			describe_status(q->wstatus, st, sizeof(st));
			fail(q, "QEMU %s during start-up, before connecting its %s socket", st, what);
			return -1;
		}
		if (now >= deadline) {
			kill_now(q);
			fail(q, "QEMU did not connect its %s socket within %u s (killed)", what,
			     q->timeout_ms / 1000);
			return -1;
		}
		r = poll(&pfd, 1, 50);
		if (r > 0) {
			int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

			if (fd >= 0)
				return fd;
			if (errno != EINTR && errno != EAGAIN) {
				fail(q, "accept on the %s socket: %s", what, strerror(errno));
				return -1;
			}
		}
	}
}

/* Rewrite an error found in QEMU's output into the specific cause. */
static void explain_start_failure(struct qt *q, char *err, size_t errlen)
{
	char *tail = qt_stderr_tail(q, 40);
	const char *hint = NULL;

	if (strstr(tail, "invalid accelerator qtest") || strstr(tail, "accelerator qtest"))
		hint = "this QEMU has no qtest accelerator (Debian's packaged binary removes it); "
		       "use the project's build, QEMU_BINARY in build/config.mk";
	else if (strstr(tail, "'intel-npu-mtl' is not a valid device") ||
		 strstr(tail, "intel-npu-mtl' not found"))
		hint = "this QEMU does not have -device intel-npu-mtl; use the project's build, "
		       "QEMU_BINARY in build/config.mk";
	else if (strstr(tail, "could not load PC BIOS"))
		hint = "QEMU cannot find its firmware (bios-256k.bin); install seabios or add "
		       "-L <dir> through QTEST_QEMU_ARGS";
	if (hint)
		set_err(err, errlen, "%s\n%s", hint, q->err);
	else
		set_err(err, errlen, "%s", q->err);
	free(tail);
}

static void free_handle(struct qt *q)
{
	for (struct qt **pp = &live_list; *pp; pp = &(*pp)->next) {
		if (*pp == q) {
			*pp = q->next;
			break;
		}
	}
	if (q->qtest_fd >= 0)
		close(q->qtest_fd);
	if (q->qmp_fd >= 0)
		close(q->qmp_fd);
	cleanup_files(q);
	while (q->blocks) {
		struct qt_block *b = q->blocks;

		q->blocks = b->next;
		free(b);
	}
	if (q->log)
		fclose(q->log);
	free(q->qtest_in.data);
	free(q->qmp_in.data);
	free(q->reply);
	free(q);
}

int qt_start(struct qt **out, const struct qt_opts *o, char *err, size_t errlen)
{
	static const struct qt_opts defaults;
	const char *qemu, *mem, *env;
	char qtest_path[160], qmp_path[160];
	char qtest_arg[176], qmp_arg[176];
	char *args_copy = NULL, *env_copy = NULL;
	char *argv[160];
	int argc = 0, rc, lq = -1, lm = -1, outfd = -1, errpipe[2] = { -1, -1 };
	int exec_errno = 0;
	uint64_t deadline;
	struct qt *q;
	char *greeting, *reply;

	*out = NULL;
	if (!o)
		o = &defaults;
	qemu = o->qemu ? o->qemu : qt_qemu_binary();
	rc = check_binary(qemu, err, errlen);
	if (rc)
		return rc;
	mem = o->memory ? o->memory : "512M";

	q = calloc(1, sizeof(*q));
	if (!q) {
		set_err(err, errlen, "out of memory");
		return -ENOMEM;
	}
	q->qtest_fd = q->qmp_fd = -1;
	q->pid = -1;
	q->ram_size = parse_mem_size(mem);
	q->timeout_ms = o->timeout_ms;
	env = getenv("QTEST_TIMEOUT");
	if (!q->timeout_ms && env && atoi(env) > 0)
		q->timeout_ms = (unsigned)atoi(env) * 1000u;
	if (!q->timeout_ms)
		q->timeout_ms = QT_DEFAULT_TIMEOUT_MS;
	/* test knob: exercise the hex read/write fallback */
	env = getenv("QTEST_NO_B64");
	q->no_b64 = env && *env == '1';
	env = getenv("QTEST_LOG");
	if (env && *env) {
		q->log = fopen(env, "a");
		if (q->log)
			setvbuf(q->log, NULL, _IOLBF, 0);
	}
	q->next = live_list;
	live_list = q;
	install_handlers();

	rc = make_temp_dir(q->dir, sizeof(q->dir), err, errlen);
	if (rc)
		goto fail_free;
	snprintf(qtest_path, sizeof(qtest_path), "%s/qtest.sock", q->dir);
	snprintf(qmp_path, sizeof(qmp_path), "%s/qmp.sock", q->dir);
	snprintf(q->out_path, sizeof(q->out_path), "%s/qemu.out", q->dir);
	lq = make_listener(qtest_path, err, errlen);
	lm = lq >= 0 ? make_listener(qmp_path, err, errlen) : -1;
	if (lq < 0 || lm < 0) {
		rc = lq < 0 ? lq : lm;
		goto fail_free;
	}
	outfd = open(q->out_path, O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0600);
	if (outfd < 0 || pipe2(errpipe, O_CLOEXEC)) {
		rc = -errno;
		set_err(err, errlen, "cannot create %s: %s", q->out_path, strerror(errno));
		goto fail_free;
	}

	snprintf(qtest_arg, sizeof(qtest_arg), "unix:%s", qtest_path);
	snprintf(qmp_arg, sizeof(qmp_arg), "unix:%s", qmp_path);
	argv[argc++] = (char *)qemu;
	argv[argc++] = (char *)"-machine";
	argv[argc++] = (char *)"q35";
	argv[argc++] = (char *)"-accel";
	argv[argc++] = (char *)"qtest";
	argv[argc++] = (char *)"-qtest";
	argv[argc++] = qtest_arg;
	/* Without -qtest-log QEMU logs every exchange to stderr. */
	argv[argc++] = (char *)"-qtest-log";
	argv[argc++] = (char *)"/dev/null";
	argv[argc++] = (char *)"-qmp";
	argv[argc++] = qmp_arg;
	argv[argc++] = (char *)"-display";
	argv[argc++] = (char *)"none";
	argv[argc++] = (char *)"-nodefaults";
	argv[argc++] = (char *)"-m";
	argv[argc++] = (char *)mem;
	if (o->args) {
		args_copy = strdup(o->args);
		if (args_copy)
			argc = split_args(args_copy, argv, argc, 150);
	}
	env = getenv("QTEST_QEMU_ARGS");
	if (env && *env) {
		env_copy = strdup(env);
		if (env_copy)
			argc = split_args(env_copy, argv, argc, 158);
	}
	argv[argc] = NULL;
	if (q->log) {
		fprintf(q->log, "[qt] start:");
		for (int i = 0; i < argc; i++)
			fprintf(q->log, " %s", argv[i]);
		fprintf(q->log, "\n");
	}

	{
		pid_t parent = getpid();

		fflush(NULL);
		q->pid = fork();
		if (q->pid < 0) {
			rc = -errno;
			set_err(err, errlen, "fork: %s", strerror(errno));
			goto fail_free;
		}
		if (q->pid == 0) {
			int devnull = open("/dev/null", O_RDONLY);

			/* Die with the test, whatever kills it. */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(127);
			if (devnull >= 0)
				dup2(devnull, 0);
			dup2(outfd, 1);
			dup2(outfd, 2);
			execv(qemu, argv);
			exec_errno = errno;
			if (write(errpipe[1], &exec_errno, sizeof(exec_errno)) < 0)
				_exit(126);
			_exit(127);
		}
	}
	live_pid_add(q->pid, q->dir);
	close(errpipe[1]);
	errpipe[1] = -1;
	close(outfd);
	outfd = -1;
	free(args_copy);
	free(env_copy);
	args_copy = env_copy = NULL;
	/* EOF without data: exec succeeded (the pipe is close-on-exec). */
	if (read(errpipe[0], &exec_errno, sizeof(exec_errno)) == (ssize_t)sizeof(exec_errno)) {
		set_err(err, errlen, "cannot execute %s: %s", qemu, strerror(exec_errno));
		rc = -exec_errno;
		goto fail_free;
	}
	close(errpipe[0]);
	errpipe[0] = -1;

	deadline = mono_ms() + q->timeout_ms;
	q->qtest_fd = accept_from_qemu(q, lq, deadline, "qtest");
	if (q->qtest_fd >= 0)
		q->qmp_fd = accept_from_qemu(q, lm, deadline, "QMP");
	close(lq);
	close(lm);
	lq = lm = -1;
	unlink(qtest_path);
	unlink(qmp_path);
	if (q->failed) {
		explain_start_failure(q, err, errlen);
		rc = -EIO;
		goto fail_free;
	}

	/* QMP: greeting, then capabilities negotiation. */
	greeting = read_line(q, q->qmp_fd, &q->qmp_in, mono_ms() + q->timeout_ms,
			     "waiting for the QMP greeting");
	if (greeting && !strstr(greeting, "\"QMP\""))
		fail(q, "unexpected QMP greeting: %.200s", greeting);
	reply = qmp_exec(q, "{\"execute\": \"qmp_capabilities\"}");
	if (reply && !find_key(reply, NULL, "return", 1))
		fail(q, "qmp_capabilities failed: %.300s", reply);
	free(reply);

	/* The first qtest command proves the machine came up (a device that
	 * fails to realize makes QEMU exit here) and that the qtest
	 * accelerator is active (clock_step exists only with -accel qtest). */
	if (!q->failed) {
		rc = qtest_raw(q, "clock_step 0");
		if (rc == 1)
			fail(q, "QEMU runs without the qtest accelerator ('clock_step' is unknown: %s)",
			     q->reply);
		else if (rc == 0)
			q->clock = strtoull(q->reply, NULL, 0);
	}
	if (q->failed) {
		explain_start_failure(q, err, errlen);
		rc = -EIO;
		goto fail_free;
	}
	*out = q;
	return 0;

fail_free:
	if (lq >= 0)
		close(lq);
	if (lm >= 0)
		close(lm);
	if (outfd >= 0)
		close(outfd);
	if (errpipe[0] >= 0)
		close(errpipe[0]);
	if (errpipe[1] >= 0)
		close(errpipe[1]);
	free(args_copy);
	free(env_copy);
	kill_now(q);
	free_handle(q);
	return rc ? rc : -EIO;
}

void qt_kill(struct qt *q)
{
	if (!q)
		return;
	kill_now(q);
	free_handle(q);
}

void qt_quit(struct qt *q)
{
	if (!q)
		return;
	if (!q->failed && qt_alive(q)) {
		/* "quit" may be answered or QEMU may just close the socket. */
		static const char quit[] = "{\"execute\": \"quit\"}\n";

		if (q->log)
			fprintf(q->log, "[qt %d] QMP> quit\n", (int)q->pid);
		if (send(q->qmp_fd, quit, sizeof(quit) - 1, MSG_NOSIGNAL) > 0)
			reap_within(q, QT_QUIT_WAIT_MS);
	}
	kill_now(q);
	free_handle(q);
}

/* ---- One-shot run -------------------------------------------------------------- */

int qt_run_once(const char *qemu, const char *args, unsigned timeout_ms, int *status,
		char **output)
{
	char dir[128], path[160];
	char *argv[64], *copy = args ? strdup(args) : NULL;
	int argc = 0, fd, rc;
	pid_t pid;
	uint64_t end;

	*status = -1;
	*output = NULL;
	rc = check_binary(qemu, NULL, 0);
	if (rc || make_temp_dir(dir, sizeof(dir), NULL, 0)) {
		free(copy);
		return rc ? rc : -EIO;
	}
	install_handlers();
	snprintf(path, sizeof(path), "%s/qemu.out", dir);
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		rmdir(dir);
		free(copy);
		return -errno;
	}
	argv[argc++] = (char *)qemu;
	if (copy)
		argc = split_args(copy, argv, argc, 62);
	argv[argc] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(qemu, argv);
		_exit(127);
	}
	close(fd);
	free(copy);
	if (pid < 0) {
		unlink(path);
		rmdir(dir);
		return -EAGAIN;
	}
	live_pid_add(pid, dir);
	end = mono_ms() + timeout_ms;
	for (;;) {
		int ws;

		if (waitpid(pid, &ws, WNOHANG) == pid) {
			*status = ws;
			break;
		}
		if (mono_ms() >= end) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			break;
		}
		sleep_ms(5);
	}
	live_pid_del(pid);
	*output = read_tail(path, 200);
	unlink(path);
	rmdir(dir);
	return 0;
}

/* ---- The NPU ------------------------------------------------------------------------ */

int qt_npu_find(struct qt *q, uint16_t *device_id)
{
	for (unsigned dev = 0; dev < 32 && !q->failed; dev++) {
		unsigned nfn = 1;

		for (unsigned fn = 0; fn < nfn; fn++) {
			unsigned bdf = QT_BDF(0, dev, fn);
			uint32_t id = cfg_read(q, bdf, 0, 4);

			if (id == UINT32_MAX || q->failed)
				break;
			if (fn == 0 && (cfg_read(q, bdf, 0x0E, 1) & 0x80))
				nfn = 8; /* multi-function device */
			if ((id & 0xFFFF) == 0x8086 && ((id >> 16) == 0x7D1D || (id >> 16) == 0xAD1D)) {
				if (device_id)
					*device_id = (uint16_t)(id >> 16);
				notify(q);
				return (int)bdf;
			}
		}
	}
	notify(q);
	return -1;
}

static void msi_program(struct qt_npu *n, bool on)
{
	struct qt *q = n->q;
	unsigned c = n->msi_cap;
	uint16_t ctrl;

	if (!c)
		return;
	ctrl = (uint16_t)cfg_read(q, n->bdf, c + 2, 2);
	cfg_write(q, n->bdf, c + 2, 2, ctrl & ~1u); /* disable while programming */
	if (!on)
		return;
	cfg_write(q, n->bdf, c + 4, 4, QT_NPU_MSI_ADDR);
	if (ctrl & 0x80) { /* 64-bit address capable */
		cfg_write(q, n->bdf, c + 8, 4, 0);
		cfg_write(q, n->bdf, c + 12, 2, QT_NPU_MSI_DATA);
	} else {
		cfg_write(q, n->bdf, c + 8, 2, QT_NPU_MSI_DATA);
	}
	/* enable, one vector (Multiple Message Enable = 0) */
	cfg_write(q, n->bdf, c + 2, 2, (ctrl & ~0x70u) | 1u);
}

void qt_npu_msi_enable(struct qt_npu *n, bool on)
{
	msi_program(n, on);
	notify(n->q);
}

void qt_npu_set_master(struct qt_npu *n, bool on)
{
	uint32_t cmd = cfg_read(n->q, n->bdf, 0x04, 2);

	cmd = on ? cmd | 0x4 : cmd & ~0x4u;
	cfg_write(n->q, n->bdf, 0x04, 2, cmd);
	notify(n->q);
}

int qt_npu_setup(struct qt *q, struct qt_npu *n, unsigned flags)
{
	int bdf;
	uint16_t id = 0;

	memset(n, 0, sizeof(*n));
	n->q = q;
	bdf = qt_npu_find(q, &id);
	if (bdf < 0) {
		if (!q->failed)
			fail(q, "no Intel NPU (8086:7D1D or 8086:AD1D) on PCI bus 0: is "
			     "-device intel-npu-mtl on the QEMU command line?");
		notify(q);
		return -ENODEV;
	}
	n->bdf = (unsigned)bdf;
	n->device_id = id;
	n->bar0 = QT_NPU_BAR0_ADDR;
	n->bar4 = QT_NPU_BAR4_ADDR;
	/* decode off while the BARs move */
	cfg_write(q, n->bdf, 0x04, 2, 0);
	cfg_write(q, n->bdf, 0x10, 4, (uint32_t)n->bar0);
	cfg_write(q, n->bdf, 0x14, 4, (uint32_t)(n->bar0 >> 32));
	cfg_write(q, n->bdf, 0x20, 4, (uint32_t)n->bar4);
	cfg_write(q, n->bdf, 0x24, 4, (uint32_t)(n->bar4 >> 32));
	n->msi_cap = find_cap(q, n->bdf, 0x05);
	qt_writel(q, QT_NPU_MSI_ADDR, 0);
	if (!(flags & QT_NPU_NO_MSI))
		msi_program(n, true);
	/* memory decode, bus mastering (ivpu: pci_set_master), INTx off */
	cfg_write(q, n->bdf, 0x04, 2, 0x2 | (flags & QT_NPU_NO_MASTER ? 0 : 0x4) | 0x400);
	notify(q);
	return q->failed ? -EIO : 0;
}

bool qt_npu_msi_fired(struct qt_npu *n)
{
	uint32_t v = qt_readl(n->q, QT_NPU_MSI_ADDR);

	if (v == 0 || n->q->failed)
		return false;
	qt_writel(n->q, QT_NPU_MSI_ADDR, 0);
	return true;
}

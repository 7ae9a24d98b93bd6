/* SPDX-License-Identifier: MIT */
/*
 * qtest: the firmware boot acceptance test (issue "LeonRT control core and
 * the simulated firmware"), in a real QEMU with -device intel-npu-mtl.
 *
 * The device is booted by the userspace driver's bring-up steps
 * (driver/include/npu/npu.h, qtest backend) exactly as Linux 6.12's ivpu
 * does for MTL: power-up (hw-facts §3.1), MMU with its tables in guest RAM
 * (§6), the firmware file's image copied to its load address (§4), boot
 * parameters (§4.4), CPU start (§3.3: LEON_RT_VEC 0x1, 0x3, 0x1, then
 * LOADING_ADDRESS = entry >> 9 and | DONE), the ready message (§3.4). What
 * the test checks is observed independently of the driver wherever it can
 * be:
 *   - register writes: QEMU's own trace (-trace intel_npu_reg_write -D file);
 *   - IPC traffic: QEMU's FIFO trace (-trace intel_npu_fifo) gives the
 *     header addresses; the headers and JSM messages are read from shared
 *     memory afterwards;
 *   - guest RAM: QMP pmemsave (the STE, CD and page tables are walked by the
 *     test itself and the image is compared at the physical pages they name);
 *   - the firmware console: the device's chardev property, a file;
 *   - "QEMU is alive": QMP query-status on a second monitor, and a BAR read.
 * Expected values are computed from the firmware header the test parses
 * (npu_fw_parse on the same file), not written in. The driver's power-up
 * and MMU enable are also compared, write for write, with the qtests'
 * reference replay of ivpu (npu_test.c, validated by test_power_up and
 * test_mmu).
 *
 * Failure boots (one QEMU each): wrong boot-params magic, an entry page of
 * garbage, an illegal instruction after the trap vector is installed, an
 * entry outside the image (unmapped, and mapped but past the image). Each
 * must leave QEMU running, send no ready message within the silicon 1000 ms
 * of virtual time, leave a control-core state (DSU registers, halt code,
 * MMU event, console line) that names the cause, and let the same QEMU boot
 * the good image again after an IP reset (npu_recover, or power-down and
 * npu_boot).
 *
 *   make check-qtest   (sets QTEST_QEMU_BINARY and NPU_FIRMWARE)
 *   QTEST_QEMU_BINARY=build/qemu/qemu-system-x86_64 NPU_FIRMWARE=build/firmware/vpu_37xx_v1.bin \
 *       build/tests/qtest/test_fw_boot [test...]
 * FB_VERBOSE=1 echoes the driver log; FB_KEEP=1 keeps the per-test
 * directory (QEMU trace, firmware console, guest-memory dumps).
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "intel-npu/bits.h"
#include "intel-npu/boot_params.h"
#include "intel-npu/ipc.h"
#include "intel-npu/jsm.h"
#include "intel-npu/lrt.h"
#include "intel-npu/pci.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"
#include "intel-npu/regs_mmu.h"
#include "intel-npu/va_layout.h"
#include "npu-format/fw_file.h"
#include "npu/npu.h"
#include "npu/bringup.h"
#include "npu/diag.h"
#include "npu/os.h"
#include "npu_test.h"

#ifndef NPU_TEST_FIRMWARE
#define NPU_TEST_FIRMWARE "build/firmware/vpu_37xx_v1.bin"
#endif

#define SILICON_BOOT_TIMEOUT_MS 1000u     /* ivpu's boot timeout on silicon (hw-facts §3.5) */
#define GUEST_RAM               (512u << 20) /* the qtest backend's default mem= */
#define PAGE                    4096u
#define LOG_MAX                 (256u * 1024u)

/* ---- The device under test ------------------------------------------------------------ */

struct fb {
	struct npu_device *dev;
	/* the firmware file and its header as this test reads it */
	uint8_t *file;
	size_t file_size;
	struct npu_fw_info hdr;
	/* per-test directory: QEMU trace, firmware console, QMP socket, dumps */
	char dir[256], trace[300], console[300], qmp[300], dump[300];
	size_t console_mark;             /* console bytes already looked at */
	int qmp_fd;
	char qbuf[1 << 16];
	size_t qlen;
	/* the driver log */
	char *log;
	size_t log_len;
	unsigned log_problems;       /* WARN and ERROR lines */
};

static struct fb *cur;

static const char *fw_path(void)
{
	const char *p = getenv("NPU_FIRMWARE");

	return p && *p ? p : NPU_TEST_FIRMWARE;
}

static void fb_log(void *user, enum npu_log_level level, const char *line)
{
	static const char *const names[] = { "error", "warn", "info", "debug", "trace" };
	struct fb *f = user;
	const char *name = (unsigned)level < 5 ? names[level] : "?";

	if (level <= NPU_LOG_WARN)
		f->log_problems++;
	if (getenv("FB_VERBOSE"))
		fprintf(stderr, "    [driver %s] %s\n", name, line);
	if (f->log && f->log_len < LOG_MAX - 1) {
		int n = snprintf(f->log + f->log_len, LOG_MAX - f->log_len, "%s: %s\n", name, line);

		if (n > 0)
			f->log_len += (size_t)n;
		if (f->log_len > LOG_MAX - 1)
			f->log_len = LOG_MAX - 1;
	}
}

static void rm_dir(struct fb *f)
{
	const char *files[] = { f->trace, f->console, f->qmp, f->dump };

	if (!f->dir[0] || getenv("FB_KEEP"))
		return;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(files[i]);
	rmdir(f->dir);
}

/* Close the device (clean shutdown, QEMU quits) and forget it. Also run at
 * the start of every test, so a test that ended at a fatal check leaves no
 * QEMU behind for longer than that. */
static void fb_close(void)
{
	struct fb *f = cur;

	if (!f)
		return;
	cur = NULL;
	if (f->qmp_fd >= 0)
		close(f->qmp_fd);
	npu_close(f->dev);
	rm_dir(f);
	free(f->file);
	free(f->log);
	free(f);
}

static uint64_t now_ns(struct fb *f)
{
	return npu_os_qtest.now_ns(npu_device_os(f->dev));
}

static uint32_t rd_v(struct fb *f, uint32_t off)
{
	return npu_reg_read32(f->dev, NPU_BAR_REGV, off);
}

static uint32_t rd_b(struct fb *f, uint32_t off)
{
	return npu_reg_read32(f->dev, NPU_BAR_REGB, off);
}

/* ---- Files ---------------------------------------------------------------------------- */

/* Bytes of path from offset `from` to its end, NUL-terminated (malloc'd). */
static char *read_from(const char *path, size_t from, size_t *len_out)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long end;
	size_t len, got;

	if (!fp)
		return strdup("");
	fseek(fp, 0, SEEK_END);
	end = ftell(fp);
	len = end > 0 && (size_t)end > from ? (size_t)end - from : 0;
	buf = malloc(len + 1);
	if (!buf) {
		fclose(fp);
		return NULL;
	}
	fseek(fp, (long)from, SEEK_SET);
	got = fread(buf, 1, len, fp);
	buf[got] = '\0';
	fclose(fp);
	if (len_out)
		*len_out = got;
	return buf;
}

static size_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (size_t)st.st_size : 0;
}

/* ---- QMP (a second monitor, owned by the test) --------------------------------------------- */

/* One line from the QMP socket into line (without CR/LF); false on timeout
 * or EOF. */
static bool qmp_line(struct fb *f, char *line, size_t max)
{
	for (;;) {
		char *nl = memchr(f->qbuf, '\n', f->qlen);
		struct pollfd pfd = { .fd = f->qmp_fd, .events = POLLIN };
		ssize_t n;

		if (nl) {
			size_t len = (size_t)(nl - f->qbuf);

			snprintf(line, max, "%.*s", (int)(len && nl[-1] == '\r' ? len - 1 : len), f->qbuf);
			memmove(f->qbuf, nl + 1, f->qlen - len - 1);
			f->qlen -= len + 1;
			return true;
		}
		if (f->qlen == sizeof(f->qbuf))
			f->qlen = 0;    /* an oversized line: drop it */
		if (poll(&pfd, 1, 20000) <= 0)
			return false;
		n = read(f->qmp_fd, f->qbuf + f->qlen, sizeof(f->qbuf) - f->qlen);
		if (n <= 0)
			return false;
		f->qlen += (size_t)n;
	}
}

/* Execute one command; returns the reply line ({"return"...} or
 * {"error"...}), events skipped, malloc'd; NULL if QMP does not answer. */
static char *qmp(struct fb *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *qmp(struct fb *f, const char *fmt, ...)
{
	char cmd[1024], line[8192];
	va_list ap;
	size_t len;

	if (f->qmp_fd < 0)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd) - 1, fmt, ap);
	va_end(ap);
	len = strlen(cmd);
	cmd[len++] = '\n';
	if (write(f->qmp_fd, cmd, len) != (ssize_t)len)
		return NULL;
	while (qmp_line(f, line, sizeof(line)))
		if (strstr(line, "\"return\"") || strstr(line, "\"error\""))
			return strdup(line);
	return NULL;
}

static void qmp_connect(struct fb *f)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(f->qmp);
	char line[4096], *r;

	NT_CHECK_FATAL(len < sizeof(sa.sun_path), "socket path %s is too long", f->qmp);
	memcpy(sa.sun_path, f->qmp, len + 1);
	f->qmp_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	NT_CHECK_FATAL(f->qmp_fd >= 0, "socket: %s", strerror(errno));
	NT_CHECK_FATAL(connect(f->qmp_fd, (struct sockaddr *)&sa, sizeof(sa)) == 0,
		       "connect to the test's QMP monitor %s: %s", f->qmp, strerror(errno));
	NT_CHECK_FATAL(qmp_line(f, line, sizeof(line)) && strstr(line, "\"QMP\""),
		       "no QMP greeting on %s", f->qmp);
	r = qmp(f, "{\"execute\":\"qmp_capabilities\"}");
	NT_CHECK_FATAL(r && strstr(r, "\"return\""), "qmp_capabilities: %s", r ? r : "(no reply)");
	free(r);
}

/* QEMU is alive and well: QMP query-status says running, and a qtest BAR
 * read through the driver's backend answers (buttress fuses are never
 * all-ones; the backend turns a dead QEMU into all-ones). */
static void check_qemu_alive(struct fb *f, const char *when)
{
	char *r = qmp(f, "{\"execute\":\"query-status\"}");
	const char *st = r ? qt_json_find(r, NULL, "status") : NULL;
	const char *run = r ? qt_json_find(r, NULL, "running") : NULL;
	uint32_t fuse = rd_b(f, NPU_BTRS_FMIN_FUSE);

	NT_CHECK(st && qt_json_streq(st, "running") && run && !strncmp(run, "true", 4),
		 "%s: QMP query-status: %s", when, r ? r : "(no reply: QEMU gone?)");
	NT_CHECK(fuse != UINT32_MAX && fuse != 0, "%s: qtest read of FMIN_FUSE = 0x%x (%s)", when,
		 fuse, npu_os_qtest.last_error(npu_device_os(f->dev)));
	free(r);
}

/* Guest-physical memory through QMP pmemsave: QEMU's own view of guest RAM,
 * independent of the driver's DMA shadow buffers. */
static bool guest_read(struct fb *f, uint64_t gpa, void *buf, size_t len)
{
	char *r = qmp(f, "{\"execute\":\"pmemsave\",\"arguments\":{\"val\":%" PRIu64
		      ",\"size\":%zu,\"filename\":\"%s\"}}", gpa, len, f->dump);
	bool ok = r && strstr(r, "\"return\"");
	FILE *fp;

	NT_CHECK(ok, "pmemsave 0x%" PRIx64 "+0x%zx: %s", gpa, len, r ? r : "(no reply)");
	free(r);
	if (!ok)
		return false;
	fp = fopen(f->dump, "rb");
	ok = fp && fread(buf, 1, len, fp) == len;
	if (fp)
		fclose(fp);
	NT_CHECK(ok, "reading the pmemsave dump %s", f->dump);
	return ok;
}

static uint64_t guest_rd64(struct fb *f, uint64_t gpa)
{
	uint64_t v = 0;

	guest_read(f, gpa, &v, sizeof(v));
	return v;
}

/* ---- Open ------------------------------------------------------------------------------- */

static struct fb *fb_open(const char *more_qemu_args)
{
	const char *tmp = getenv("TMPDIR");
	struct npu_open_params p;
	char args[2048], why[256];
	struct fb *f;
	FILE *fp;
	long size;
	int r;

	fb_close();
	f = calloc(1, sizeof(*f));
	NT_CHECK_FATAL(f != NULL, "out of memory");
	f->qmp_fd = -1;
	f->log = calloc(1, LOG_MAX);
	cur = f;

	/* the firmware file, parsed by the test */
	fp = fopen(fw_path(), "rb");
	NT_CHECK_FATAL(fp != NULL, "firmware %s: %s (set NPU_FIRMWARE; make check-qtest does)",
		       fw_path(), strerror(errno));
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	f->file = malloc(size > 0 ? (size_t)size : 1);
	f->file_size = f->file && size > 0 ? fread(f->file, 1, (size_t)size, fp) : 0;
	fclose(fp);
	NT_CHECK_FATAL(f->file_size == (size_t)size && size > 0, "reading %s", fw_path());
	r = npu_fw_parse(f->file, f->file_size, &f->hdr, why, sizeof(why));
	NT_CHECK_FATAL(r == NPU_FW_OK, "%s: %s", fw_path(), why);

	snprintf(f->dir, sizeof(f->dir), "%s/npu-fwboot-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	NT_CHECK_FATAL(mkdtemp(f->dir) != NULL, "mkdtemp %s: %s", f->dir, strerror(errno));
	snprintf(f->trace, sizeof(f->trace), "%s/trace.log", f->dir);
	snprintf(f->console, sizeof(f->console), "%s/console.txt", f->dir);
	snprintf(f->qmp, sizeof(f->qmp), "%s/qmp.sock", f->dir);
	snprintf(f->dump, sizeof(f->dump), "%s/pmem.bin", f->dir);
	NT_CHECK_FATAL(!strchr(f->dir, ' ') && strlen(f->qmp) < sizeof(((struct sockaddr_un *)0)->sun_path),
		       "temporary directory %s: no blanks allowed, and short enough for a socket", f->dir);

	snprintf(args, sizeof(args), "qemu=%s,chardev=fwcon,extra=-trace intel_npu_reg_write "
		 "-trace intel_npu_fifo -trace intel_npu_mmu_fault -D %s -chardev file,id=fwcon,path=%s "
		 "-qmp unix:%s,server=on,wait=off%s%s", qt_qemu_binary(), f->trace, f->console, f->qmp,
		 more_qemu_args ? " " : "", more_qemu_args ? more_qemu_args : "");
	npu_open_params_init(&p);
	NT_EQ("the driver's default boot timeout is the silicon one (ms)", p.timeouts.boot_ms,
	      SILICON_BOOT_TIMEOUT_MS);
	p.backend = "qtest";
	p.backend_args = args;
	p.firmware_path = fw_path();
	p.log = fb_log;
	p.log_user = f;
	p.log_level = NPU_LOG_INFO;
	r = npu_open(&p, &f->dev);
	NT_CHECK_FATAL(r == 0, "npu_open(qtest, \"%s\") = %d: %s", args, r,
		       f->dev ? npu_last_error(f->dev) : "no device");
	qmp_connect(f);
	return f;
}

/* ---- QEMU's trace ------------------------------------------------------------------------ */

/* Positions in the trace and the console are byte offsets; a mark is
 * "everything after now". */
static size_t trace_mark(struct fb *f)
{
	return file_size(f->trace);
}

/* Values written to BAR0 register `off` after mark, in order; *first_line
 * and *last_line the trace lines of the first and last (UINT32_MAX: none). */
static unsigned trace_writes(struct fb *f, size_t mark, uint32_t off, uint64_t *vals,
			     unsigned max, unsigned *first_line, unsigned *last_line)
{
	char *t = read_from(f->trace, mark, NULL), *save = NULL;
	unsigned n = 0, line = 0;

	*first_line = *last_line = UINT32_MAX;
	for (char *l = t ? strtok_r(t, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save), line++) {
		const char *ev = strstr(l, "intel_npu_reg_write ");
		unsigned bar, size;
		uint64_t o, v;

		if (!ev || sscanf(ev, "intel_npu_reg_write %*s BAR%u+0x%" SCNx64 " size %u <- 0x%" SCNx64,
				  &bar, &o, &size, &v) != 4)
			continue;
		if (bar != NPU_BAR_REGV || o != off)
			continue;
		if (n == 0)
			*first_line = line;
		*last_line = line;
		if (n < max)
			vals[n] = v;
		n++;
	}
	free(t);
	return n;
}

/* Header addresses pushed into a FIFO ("to-fw": host->firmware, "to-host":
 * firmware->host) after mark. */
static unsigned trace_fifo_pushes(struct fb *f, size_t mark, const char *fifo, uint32_t *vas,
				  unsigned max)
{
	char *t = read_from(f->trace, mark, NULL), *save = NULL;
	unsigned n = 0;

	for (char *l = t ? strtok_r(t, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
		const char *ev = strstr(l, "intel_npu_fifo ");
		char which[16], op[16];
		uint64_t va;

		if (!ev || sscanf(ev, "intel_npu_fifo %15s %15s 0x%" SCNx64, which, op, &va) != 3)
			continue;
		if (strcmp(which, fifo) || strcmp(op, "push"))
			continue;
		if (n < max)
			vas[n] = (uint32_t)va;
		n++;
	}
	free(t);
	return n;
}

/* ivpu's soc_cpu_boot_37xx as QEMU saw it after mark: LEON_RT_VEC 0x1, 0x3,
 * 0x1, then LOADING_ADDRESS entry >> 9 and the same | DONE, nothing else to
 * either register. The LOADING_ADDRESS values are computed from entry. */
static void check_cpu_start_writes(struct fb *f, size_t mark, uint64_t entry, const char *what)
{
	static const uint64_t vec_want[] = { NPU_LEON_RT_VEC_IRQI_RSTRUN0,
					     NPU_LEON_RT_VEC_IRQI_RSTRUN0 | NPU_LEON_RT_VEC_IRQI_RESUME0,
					     NPU_LEON_RT_VEC_IRQI_RSTRUN0 };
	uint64_t vec[8], la[8], la0 = (entry >> NPU_LOADING_ADDRESS_SHIFT) & UINT32_MAX;
	unsigned vec_first, vec_last, la_first, la_last, nv, nl;

	nv = trace_writes(f, mark, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC, vec, 8, &vec_first, &vec_last);
	nl = trace_writes(f, mark, NPU_HOST_SS_LOADING_ADDRESS_LO, la, 8, &la_first, &la_last);
	printf("    %s: LEON_RT_VEC", what);
	for (unsigned i = 0; i < nv && i < 8; i++)
		printf(" 0x%" PRIx64, vec[i]);
	printf(", LOADING_ADDRESS");
	for (unsigned i = 0; i < nl && i < 8; i++)
		printf(" 0x%" PRIx64, la[i]);
	printf(" (entry 0x%" PRIx64 ")\n", entry);
	if (NT_EQ("LEON_RT_VEC writes at CPU start", nv, 3))
		for (unsigned i = 0; i < 3; i++)
			NT_EQ("LEON_RT_VEC write (ivpu: 0x1, 0x3, 0x1)", vec[i], vec_want[i]);
	if (NT_EQ("LOADING_ADDRESS writes at CPU start", nl, 2)) {
		NT_EQ("LOADING_ADDRESS first write: entry >> 9, DONE clear", la[0], la0);
		NT_EQ("LOADING_ADDRESS second write: the same | DONE", la[1],
		      la0 | NPU_LOADING_ADDRESS_DONE);
		NT_EQ("LOADING_ADDRESS names the entry's 4 KiB page",
		      (la[1] & NPU_LOADING_ADDRESS_IMAGE_LOCATION) << NPU_LOADING_ADDRESS_SHIFT,
		      entry & ~(uint64_t)(PAGE - 1));
	}
	NT_CHECK(nv == 0 || nl == 0 || vec_last < la_first,
		 "LEON_RT_VEC (trace lines %u..%u) must be written before LOADING_ADDRESS (line %u)",
		 vec_first, vec_last, la_first);
}

/* ---- Console ------------------------------------------------------------------------------- */

/* The firmware console written since the last call. */
static char *console_new(struct fb *f)
{
	size_t len = 0;
	char *t = read_from(f->console, f->console_mark, &len);

	f->console_mark += len;
	return t ? t : strdup("");
}

/* ---- DSU ------------------------------------------------------------------------------------ */

struct dsu {
	uint32_t ctrl, pc, npc, trap;
	uint32_t state, cause, halt;
	bool trap_valid, error_mode, interrupt;
};

static struct dsu dsu_read(struct fb *f)
{
	struct dsu d;

	d.ctrl = rd_v(f, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL);
	d.pc = rd_v(f, NPU_CPU_SS_DSU_LEON_RT_PC_REG);
	d.npc = rd_v(f, NPU_CPU_SS_DSU_LEON_RT_NPC_REG);
	d.trap = rd_v(f, NPU_CPU_SS_DSU_LEON_RT_DSU_TRAP_REG);
	d.state = (uint32_t)NPU_FLD_GET(NPU_DSU_CTRL_STATE, d.ctrl);
	d.cause = (uint32_t)NPU_FLD_GET(NPU_DSU_TRAP_CAUSE, d.trap);
	d.halt = (uint32_t)NPU_FLD_GET(NPU_DSU_TRAP_HALT_CODE, d.trap);
	d.trap_valid = d.trap & NPU_DSU_TRAP_VALID;
	d.error_mode = d.trap & NPU_DSU_TRAP_ERROR_MODE;
	d.interrupt = d.trap & NPU_DSU_TRAP_INTERRUPT;
	printf("    DSU: CTRL 0x%08x (state %u), PC 0x%08x, NPC 0x%08x, TRAP 0x%08x (cause %u%s%s, "
	       "halt code 0x%02x%s)\n", d.ctrl, d.state, d.pc, d.npc, d.trap, d.cause,
	       d.trap_valid ? ", valid" : "", d.interrupt ? ", interrupt" : "", d.halt,
	       d.error_mode ? ", error mode" : "");
	return d;
}

/* ---- Bring-up steps -------------------------------------------------------------------------- */

enum step {
	STEP_FW_REQUEST, STEP_PCI_ENABLE, STEP_HW_INFO, STEP_POWER_UP, STEP_MMU_INIT,
	STEP_FW_LOAD, STEP_IPC_INIT, STEP_BOOT_PARAMS,
};

static void run_step(struct fb *f, enum step s)
{
	static const char *const names[] = {
		"npu_step_fw_request", "npu_step_pci_enable", "npu_step_hw_info",
		"npu_step_power_up", "npu_step_mmu_init", "npu_step_fw_load", "npu_step_ipc_init",
		"npu_step_boot_params",
	};
	int r;

	switch (s) {
	case STEP_FW_REQUEST:  r = npu_step_fw_request(f->dev); break;
	case STEP_PCI_ENABLE:  r = npu_step_pci_enable(f->dev); break;
	case STEP_HW_INFO:     r = npu_step_hw_info(f->dev); break;
	case STEP_POWER_UP:    r = npu_step_power_up(f->dev); break;
	case STEP_MMU_INIT:    r = npu_step_mmu_init(f->dev); break;
	case STEP_FW_LOAD:     r = npu_step_fw_load(f->dev); break;
	case STEP_IPC_INIT:    r = npu_step_ipc_init(f->dev); break;
	default:               r = npu_step_boot_params(f->dev); break;
	}
	NT_CHECK_FATAL(r == 0, "%s = %d (%s): %s", names[s], r, npu_strerror(r),
		       npu_last_error(f->dev));
}

/* Every step up to and including `last`. */
static void bring_up_to(struct fb *f, enum step last)
{
	for (enum step s = STEP_FW_REQUEST; s <= last; s++)
		run_step(f, s);
}

/* CPU start at entry and the wait for the ready message; returns the
 * driver's result and the virtual time it took. */
static int start_and_wait(struct fb *f, uint64_t entry, uint64_t *elapsed_ns)
{
	uint64_t t0 = now_ns(f);
	int r = npu_step_cpu_start(f->dev, entry);

	NT_EQ("npu_step_cpu_start", r, 0);
	r = npu_step_wait_ready(f->dev);
	*elapsed_ns = now_ns(f) - t0;
	return r;
}

/* ---- Messages in shared memory --------------------------------------------------------------- */

struct msg {
	uint32_t hdr_va;
	struct npu_ipc_hdr hdr;
	struct npu_jsm_msg jsm;
};

static void read_msg(struct fb *f, uint32_t hdr_va, struct msg *m, bool with_jsm)
{
	int r;

	memset(m, 0, sizeof(*m));
	m->hdr_va = hdr_va;
	r = npu_global_read(f->dev, hdr_va, &m->hdr, sizeof(m->hdr));
	NT_CHECK(r == 0, "reading the IPC header at 0x%x: %s", hdr_va, npu_last_error(f->dev));
	if (with_jsm && r == 0) {
		r = npu_global_read(f->dev, m->hdr.data_addr, &m->jsm, sizeof(m->jsm));
		NT_CHECK(r == 0, "reading the JSM message at 0x%x (header 0x%x): %s",
			 m->hdr.data_addr, hdr_va, npu_last_error(f->dev));
	}
}

/* The one request and the one response QEMU's FIFOs carried after mark:
 * right channel and nodes, request type, response type, the same request
 * id, SUCCESS. Returns the request id (0 if not found). */
static uint32_t check_round_trip(struct fb *f, size_t mark, uint32_t req_type,
				 uint32_t resp_type, struct msg *req_out, struct msg *resp_out)
{
	uint32_t tx[4], rx[4];
	unsigned ntx = trace_fifo_pushes(f, mark, "to-fw", tx, 4);
	unsigned nrx = trace_fifo_pushes(f, mark, "to-host", rx, 4);
	struct msg req, resp;

	if (!NT_EQ("messages the host pushed into the host->firmware FIFO", ntx, 1) ||
	    !NT_EQ("messages the firmware pushed into the firmware->host FIFO", nrx, 1))
		return 0;
	read_msg(f, tx[0], &req, true);
	read_msg(f, rx[0], &resp, true);
	printf("    request  vpu:0x%x type 0x%x id %u channel %u -> response vpu:0x%x type 0x%x "
	       "id %u result 0x%x channel %u\n", req.hdr_va, req.jsm.type, req.jsm.request_id,
	       req.hdr.channel, resp.hdr_va, resp.jsm.type, resp.jsm.request_id, resp.jsm.result,
	       resp.hdr.channel);
	NT_EQ("request type", req.jsm.type, req_type);
	NT_EQ("request channel (ASYNC_CMD)", req.hdr.channel, NPU_IPC_CHAN_ASYNC_CMD);
	NT_EQ("request src node (host)", req.hdr.src_node, NPU_IPC_NODE_HOST);
	NT_EQ("request dst node (firmware)", req.hdr.dst_node, NPU_IPC_NODE_FW);
	NT_EQ("request IPC header released by the firmware", req.hdr.status, NPU_IPC_HDR_FREE);
	NT_EQ("request JSM message released by the firmware", req.jsm.status, NPU_JSM_MSG_FREE);
	NT_CHECK(req.jsm.request_id != 0, "request id is 0");
	NT_EQ("response type", resp.jsm.type, resp_type);
	NT_EQ("response request id = request id", resp.jsm.request_id, req.jsm.request_id);
	NT_EQ("response result (SUCCESS)", resp.jsm.result, NPU_JSM_STATUS_SUCCESS);
	NT_EQ("response channel = request channel", resp.hdr.channel, req.hdr.channel);
	NT_EQ("response src node (firmware)", resp.hdr.src_node, NPU_IPC_NODE_FW);
	NT_EQ("response dst node (host)", resp.hdr.dst_node, NPU_IPC_NODE_HOST);
	if (req_out)
		*req_out = req;
	if (resp_out)
		*resp_out = resp;
	return req.jsm.request_id;
}

/* A heartbeat as the driver sends it, observed on the wire. */
static uint32_t heartbeat_round_trip(struct fb *f, uint64_t *hb_out)
{
	size_t mark = trace_mark(f);
	struct msg req, resp;
	uint64_t hb = 0;
	uint32_t id;
	int r = npu_heartbeat(f->dev, &hb);

	NT_CHECK(r == 0, "npu_heartbeat = %d: %s", r, npu_last_error(f->dev));
	id = check_round_trip(f, mark, NPU_JSM_MSG_QUERY_ENGINE_HB, NPU_JSM_MSG_QUERY_ENGINE_HB_DONE,
			      &req, &resp);
	if (id) {
		NT_EQ("heartbeat request engine (compute)", req.jsm.payload.engine.engine_idx, 0);
		NT_EQ("heartbeat value the driver returned = the one in the response", hb,
		      resp.jsm.payload.query_engine_hb_done.heartbeat);
	}
	if (hb_out)
		*hb_out = hb;
	return id;
}

/* ---- The good boot ---------------------------------------------------------------------------- */

/* The MMU's view of va for the control core (StreamID 0, SSID 0), walked by
 * the test through guest RAM: STRTAB_BASE -> STE -> CD -> 4 levels. Returns
 * the leaf PTE (0 if unmapped); *pa the physical address. */
static uint64_t mmu_walk(struct fb *f, uint64_t va, uint64_t *pa)
{
	static const uint64_t idx[4] = { NPU_MMU_PGD_INDEX, NPU_MMU_PUD_INDEX, NPU_MMU_PMD_INDEX,
					 NPU_MMU_PTE_INDEX };
	uint64_t strtab = ((uint64_t)rd_v(f, NPU_MMU_STRTAB_BASE_HI) << 32 |
			   rd_v(f, NPU_MMU_STRTAB_BASE)) & NPU_MMU_STRTAB_BASE_ADDR;
	uint64_t ste0, ste1, cd0, cd1, table, e = 0;

	ste0 = guest_rd64(f, strtab + NPU_MMU_SID_LRT * NPU_MMU_STE_SIZE);
	ste1 = guest_rd64(f, strtab + NPU_MMU_SID_LRT * NPU_MMU_STE_SIZE + 8);
	NT_CHECK(strtab >= QT_ALLOC_BASE && strtab < GUEST_RAM,
		 "stream table at 0x%" PRIx64 " is not in the guest RAM DMA pool", strtab);
	NT_EQ("STE 0 valid", ste0 & NPU_MMU_STE_0_V, NPU_MMU_STE_0_V);
	NT_EQ("STE 0 config: stage-1 translation", NPU_FLD_GET(NPU_MMU_STE_0_CONFIG, ste0),
	      NPU_MMU_STE_CONFIG_S1_TRANS);
	NT_EQ("STE 0 S1DSS: terminate (ivpu; the core's traffic carries SSID 0)",
	      NPU_FLD_GET(NPU_MMU_STE_1_S1DSS, ste1), NPU_MMU_STE_S1DSS_TERMINATE);
	table = ste0 & NPU_MMU_STE_0_S1CTXPTR;
	NT_CHECK(table >= QT_ALLOC_BASE && table < GUEST_RAM,
		 "CD table at 0x%" PRIx64 " is not in guest RAM", table);
	cd0 = guest_rd64(f, table + NPU_SSID_GLOBAL * NPU_MMU_CD_SIZE);
	cd1 = guest_rd64(f, table + NPU_SSID_GLOBAL * NPU_MMU_CD_SIZE + 8);
	NT_EQ("CD 0 valid", cd0 & NPU_MMU_CD_0_V, NPU_MMU_CD_0_V);
	table = cd1 & NPU_MMU_CD_1_TTB0;
	*pa = 0;
	for (unsigned level = 0; level < 4; level++) {
		NT_CHECK(table >= QT_ALLOC_BASE && table < GUEST_RAM,
			 "level-%u table at 0x%" PRIx64 " is not in guest RAM", level, table);
		e = guest_rd64(f, table + NPU_FLD_GET(idx[level], va) * 8);
		if (!(e & NPU_MMU_ENTRY_VALID))
			return 0;
		table = e & NPU_MMU_ENTRY_ADDR;
	}
	*pa = table | (va & (PAGE - 1));
	return e;
}

static void boot_ivpu_sequence(const char *more_qemu_args, bool lock_step)
{
	struct fb *f = fb_open(more_qemu_args);
	const struct npu_fw_info *h = &f->hdr;
	struct npu_boot_params bp;
	struct npu_info *info = calloc(1, sizeof(*info));
	struct msg boot, reg_req, reg_resp;
	uint64_t elapsed, hb1 = 0, hb2 = 0, jobq_va = 0;
	uint32_t ssid = 0, db = 0, id1, id2, id3, boot_va[4], v;
	unsigned line1, line2;
	size_t mark, jobq_size = 0;
	uint8_t *page = malloc(PAGE);
	struct dsu d;
	char *con;
	int r;

	NT_CHECK_FATAL(info && page, "out of memory");
	printf("    firmware %s: image 0x%" PRIx64 "+0x%x, entry 0x%" PRIx64 ", runtime 0x%" PRIx64
	       "+0x%" PRIx64 ", read-only 0x%" PRIx64 "+0x%x\n", fw_path(), h->image_load_address,
	       h->image_size, h->entry_point, h->runtime_addr, h->runtime_size, h->ro_addr,
	       h->ro_size);

	/* The file: the driver reads the same header. */
	run_step(f, STEP_FW_REQUEST);
	npu_get_info(f->dev, info);
	NT_EQ("driver's entry = the header's", info->fw_entry, h->entry_point);
	NT_EQ("npu_cold_entry = the header's entry", npu_cold_entry(f->dev), h->entry_point);
	NT_EQ("driver's runtime address = the header's", info->fw_runtime_addr, h->runtime_addr);

	/* Power-up (§3.1): the IP answers, the core is held in reset. */
	run_step(f, STEP_PCI_ENABLE);
	run_step(f, STEP_HW_INFO);
	run_step(f, STEP_POWER_UP);
	NT_EQ("buttress VPU_STATUS.READY after power-up", rd_b(f, NPU_BTRS_VPU_STATUS) &
	      NPU_BTRS_VPU_STATUS_READY, NPU_BTRS_VPU_STATUS_READY);
	d = dsu_read(f);
	NT_EQ("control core after power-up: in reset", d.state, NPU_DSU_STATE_RESET);

	/* MMU (§6): enabled, tables in guest RAM (walked below) */
	run_step(f, STEP_MMU_INIT);
	v = rd_v(f, NPU_MMU_CR0);
	NT_EQ("MMU CR0: SMMUEN, EVTQEN, CMDQEN (ivpu: 0x1D with ATSCHK)",
	      v & (NPU_MMU_CR0_SMMUEN | NPU_MMU_CR0_EVTQEN | NPU_MMU_CR0_CMDQEN),
	      NPU_MMU_CR0_SMMUEN | NPU_MMU_CR0_EVTQEN | NPU_MMU_CR0_CMDQEN);

	/* The image at its load address: every page of it, read from guest RAM
	 * where the NPU's page tables say it is, equals the file. */
	run_step(f, STEP_FW_LOAD);
	for (uint64_t off = 0; off < h->image_size; off += PAGE) {
		uint64_t va = h->image_load_address + off, pa = 0;
		uint64_t pte = mmu_walk(f, va, &pa);
		size_t len = h->image_size - off < PAGE ? h->image_size - off : PAGE;
		bool ro = va >= h->ro_addr && va < h->ro_addr + h->ro_size;

		if (!NT_CHECK(pte != 0, "image page 0x%" PRIx64 " is not mapped for the core", va))
			continue;
		NT_CHECK(pa >= QT_ALLOC_BASE && pa + PAGE <= GUEST_RAM,
			 "image page 0x%" PRIx64 " -> 0x%" PRIx64 ": not in the guest RAM DMA pool",
			 va, pa);
		NT_EQ("image PTE: valid page, AF", pte & (NPU_MMU_ENTRY_VALID | NPU_MMU_ENTRY_TABLE |
			NPU_MMU_ENTRY_AF), NPU_MMU_ENTRY_VALID | NPU_MMU_ENTRY_TABLE | NPU_MMU_ENTRY_AF);
		NT_EQ("image PTE: read-only exactly inside the header's read-only section",
		      !!(pte & NPU_MMU_ENTRY_RO), ro);
		if (guest_read(f, pa & ~(uint64_t)(PAGE - 1), page, PAGE))
			NT_CHECK(memcmp(page, h->image + off, len) == 0,
				 "guest RAM at 0x%" PRIx64 " (NPU VA 0x%" PRIx64 ") differs from the "
				 "file's image at offset 0x%" PRIx64, pa, va, off);
	}
	/* the boot params page: writable for the core (it stores its warm
	 * entry there), zeroed like the rest below the image (ivpu_fw_load) */
	{
		uint64_t pa = 0, pte = mmu_walk(f, h->runtime_addr, &pa);

		NT_CHECK(pte != 0, "boot params page 0x%" PRIx64 " is not mapped", h->runtime_addr);
		NT_EQ("boot params PTE: writable", pte & NPU_MMU_ENTRY_RO, 0);
		if (pte && guest_read(f, pa, page, PAGE)) {
			bool zero = true;

			for (unsigned i = 0; i < PAGE; i++)
				zero &= page[i] == 0;
			NT_CHECK(zero, "boot params page not zeroed before the boot params are written");
		}
	}

	/* Boot params (§4.4) */
	run_step(f, STEP_IPC_INIT);
	run_step(f, STEP_BOOT_PARAMS);
	r = npu_global_read(f->dev, h->runtime_addr, &bp, sizeof(bp));
	NT_EQ("reading the boot params back", r, 0);
	NT_EQ("boot params magic", bp.magic, NPU_BOOT_PARAMS_MAGIC);
	NT_CHECK(bp.ipc_header_area_size >= sizeof(struct npu_ipc_hdr),
		 "IPC header area size %u", bp.ipc_header_area_size);

	/* CPU start (§3.3) and the ready message (§3.4) */
	mark = trace_mark(f);
	NT_EQ("no LOADING_ADDRESS write before the CPU start",
	      trace_writes(f, 0, NPU_HOST_SS_LOADING_ADDRESS_LO, NULL, 0, &line1, &line2), 0);
	r = start_and_wait(f, npu_cold_entry(f->dev), &elapsed);
	printf("    ready message %.3f ms of virtual time after the CPU start\n", elapsed / 1e6);
	NT_CHECK_FATAL(r == 0, "npu_step_wait_ready = %d: %s\n%s", r, npu_last_error(f->dev),
		       npu_last_diagnosis(f->dev));
	NT_CHECK(elapsed < (uint64_t)SILICON_BOOT_TIMEOUT_MS * 1000000u,
		 "ready message after %" PRIu64 " ns of virtual time, the silicon timeout is %u ms",
		 elapsed, SILICON_BOOT_TIMEOUT_MS);
	/* In lock step the core only runs as virtual time passes: the boot
	 * (thousands of instructions at lrt-ipus per us) takes visible time. */
	if (lock_step)
		NT_CHECK(elapsed > 0, "lock-step boot took no virtual time");
	check_cpu_start_writes(f, mark, h->entry_point, "cold boot");
	NT_EQ("TBU_MMUSSIDV: TBU0 (control core) and TBU2 (DMA) carry SSIDs",
	      rd_v(f, NPU_HOST_IF_TBU_MMUSSIDV) & (NPU_TBU_AWMMUSSIDV(0) | NPU_TBU_ARMMUSSIDV(0) |
						   NPU_TBU_AWMMUSSIDV(2) | NPU_TBU_ARMMUSSIDV(2)),
	      NPU_TBU_AWMMUSSIDV(0) | NPU_TBU_ARMMUSSIDV(0) | NPU_TBU_AWMMUSSIDV(2) |
	      NPU_TBU_ARMMUSSIDV(2));
	if (NT_EQ("firmware->host messages during the boot (the ready message)",
		  trace_fifo_pushes(f, mark, "to-host", boot_va, 4), 1)) {
		read_msg(f, boot_va[0], &boot, false);
		NT_EQ("ready message channel", boot.hdr.channel, NPU_IPC_CHAN_BOOT_MSG);
		NT_EQ("ready message data_addr (\"BOOT\")", boot.hdr.data_addr,
		      NPU_IPC_BOOT_MSG_DATA_ADDR);
		NT_CHECK(boot.hdr_va >= bp.ipc_header_area_start &&
			 boot.hdr_va + sizeof(struct npu_ipc_hdr) <=
			 bp.ipc_header_area_start + bp.ipc_header_area_size,
			 "ready message header 0x%x outside the boot params' header area "
			 "[0x%" PRIx64 ", +0x%x)", boot.hdr_va, bp.ipc_header_area_start,
			 bp.ipc_header_area_size);
	}
	r = npu_step_irq_enable(f->dev);
	NT_EQ("npu_step_irq_enable", r, 0);
	d = dsu_read(f);
	NT_CHECK(d.state == NPU_DSU_STATE_WFI || d.state == NPU_DSU_STATE_RUNNING,
		 "control core after the boot: state %u, expected running or WFI", d.state);
	NT_EQ("no firmware halt code after the boot", d.halt, 0);
	NT_EQ("no trap after the boot", d.trap_valid, 0);
	/* Heartbeat, REGISTER_DB, heartbeat: types and request ids on the wire */
	id1 = heartbeat_round_trip(f, &hb1);
	/* The firmware logs its boot line after the ready message (logging is
	 * slow); in lock-step it may still be writing it when ready arrives, but
	 * it has before it answers the next request. */
	con = console_new(f);
	NT_CHECK(strstr(con, "boot: cold boot ready in") != NULL,
		 "firmware console has no \"boot: cold boot ready\" line: [%s]", con);
	free(con);
	r = npu_context_create(f->dev, &ssid);
	NT_CHECK_FATAL(r == 0, "npu_context_create = %d: %s", r, npu_last_error(f->dev));
	mark = trace_mark(f);
	r = npu_doorbell_register(f->dev, ssid, &db);
	NT_CHECK(r == 0, "npu_doorbell_register = %d: %s", r, npu_last_error(f->dev));
	id2 = check_round_trip(f, mark, NPU_JSM_MSG_REGISTER_DB, NPU_JSM_MSG_REGISTER_DB_DONE,
			       &reg_req, &reg_resp);
	if (id2) {
		npu_doorbell_jobq(f->dev, db, &jobq_va, &jobq_size);
		NT_EQ("REGISTER_DB db_idx = the doorbell the driver got", reg_req.jsm.payload.register_db.db_idx, db);
		NT_EQ("REGISTER_DB host_ssid", reg_req.jsm.payload.register_db.host_ssid, ssid);
		NT_EQ("REGISTER_DB jobq_base", reg_req.jsm.payload.register_db.jobq_base, jobq_va);
		NT_EQ("REGISTER_DB jobq_size", reg_req.jsm.payload.register_db.jobq_size, jobq_size);
		NT_EQ("REGISTER_DB_DONE db_idx", reg_resp.jsm.payload.db.db_idx, db);
	}
	id3 = heartbeat_round_trip(f, &hb2);
	NT_CHECK(id1 && id2 && id3 && id1 < id2 && id2 < id3,
		 "request ids must increase: heartbeat %u, REGISTER_DB %u, heartbeat %u", id1, id2,
		 id3);
	NT_CHECK(hb2 > hb1, "heartbeat must advance: %" PRIu64 " then %" PRIu64, hb1, hb2);

	npu_get_info(f->dev, info);
	NT_EQ("power state", info->power, NPU_POWER_READY);
	NT_EQ("driver warnings/errors during a good boot", f->log_problems, 0);
	check_qemu_alive(f, "after the good boot");
	free(info);
	free(page);
	fb_close();
}

/* The device as configured by default: the core runs ahead of virtual time
 * (by at most lrt-lead-us) when the start or an interrupt wakes it. */
static void test_boot_ivpu_sequence(void)
{
	boot_ivpu_sequence(NULL, false);
}

/* The same with the core in lock step with virtual time (lrt-lead-us=0). */
static void test_boot_ivpu_sequence_lock_step(void)
{
	boot_ivpu_sequence("-global intel-npu-mtl.lrt-lead-us=0", true);
}

/* All register writes in a trace file after mark, in order. */
struct wr {
	char name[64];            /* BLOCK.REGISTER as the device names it */
	uint64_t v;
};

static unsigned trace_all_writes(const char *path, size_t mark, struct wr *out, unsigned max)
{
	char *t = read_from(path, mark, NULL), *save = NULL;
	unsigned n = 0;

	for (char *l = t ? strtok_r(t, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
		const char *ev = strstr(l, "intel_npu_reg_write ");
		struct wr w;

		if (!ev || sscanf(ev, "intel_npu_reg_write %63s BAR%*u+0x%*x size %*u <- 0x%" SCNx64,
				  w.name, &w.v) != 2)
			continue;
		if (n < max)
			out[n] = w;
		n++;
	}
	free(t);
	return n;
}

/* The driver's writes against the reference replay's, one by one. Queue
 * and table base registers hold guest addresses, which differ between the
 * two allocators: for those only the low (non-address) bits must match and
 * the address must lie in the guest RAM DMA pool. */
static void compare_writes(const char *what, const struct wr *drv, unsigned nd,
			   const struct wr *ref, unsigned nr)
{
	unsigned n = nd < nr ? nd : nr;

	NT_CHECK(nd >= nr, "%s: the driver wrote %u registers, the reference %u", what, nd, nr);
	for (unsigned i = 0; i < n; i++) {
		size_t len = strlen(ref[i].name);
		bool addr = len > 5 && !strcmp(ref[i].name + len - 5, "_BASE");

		if (!NT_CHECK(!strcmp(drv[i].name, ref[i].name), "%s: write %u is to %s, the reference "
			      "writes %s <- 0x%" PRIx64, what, i, drv[i].name, ref[i].name, ref[i].v))
			return;
		if (addr) {
			NT_CHECK((drv[i].v & 0x3F) == (ref[i].v & 0x3F) &&
				 (drv[i].v & ~(uint64_t)0x3F) >= QT_ALLOC_BASE &&
				 (drv[i].v & ~(uint64_t)0x3F) < GUEST_RAM,
				 "%s: write %u %s <- 0x%" PRIx64 ", the reference 0x%" PRIx64 " (low "
				 "bits must match, the address must be guest RAM)", what, i,
				 drv[i].name, drv[i].v, ref[i].v);
		} else {
			NT_CHECK(drv[i].v == ref[i].v, "%s: write %u %s <- 0x%" PRIx64 ", the reference "
				 "writes 0x%" PRIx64, what, i, drv[i].name, drv[i].v, ref[i].v);
		}
	}
}

/* The driver's power-up (§3.1) and MMU enable (§6) write, register for
 * register and value for value, what the qtests' reference replay of Linux
 * 6.12 ivpu writes (npu_test.c npu_power_up / npu_mmu_enable, the
 * procedures test_power_up and test_mmu validate), as QEMU traced both. */
static void test_bring_up_matches_reference(void)
{
	static struct wr drv[256], ref[256];
	struct fb *f = fb_open(NULL);
	char path[400], args[512];
	struct npu_mmu_env m;
	struct qt_npu n;
	unsigned nd, nr, md, mr;
	size_t mark;

	snprintf(path, sizeof(path), "%s/ref-trace.log", f->dir);
	snprintf(args, sizeof(args), "-trace intel_npu_reg_write -D %s", path);
	nt_start_npu(&n, QT_NPU_NO_MSI, NULL, args);
	NT_CHECK_FATAL(npu_power_up(&n), "reference power-up failed");
	nr = trace_all_writes(path, 0, ref, 128);
	npu_mmu_build(&n, &m);
	mark = file_size(path);
	NT_CHECK_FATAL(npu_mmu_enable(&n, &m), "reference MMU enable failed");
	mr = trace_all_writes(path, mark, ref + 128, 128);
	nt_stop(n.q);
	unlink(path);

	run_step(f, STEP_FW_REQUEST);
	run_step(f, STEP_PCI_ENABLE);
	run_step(f, STEP_HW_INFO);
	mark = trace_mark(f);
	run_step(f, STEP_POWER_UP);
	nd = trace_all_writes(f->trace, mark, drv, 128);
	mark = trace_mark(f);
	run_step(f, STEP_MMU_INIT);
	md = trace_all_writes(f->trace, mark, drv + 128, 128);
	printf("    power-up: %u writes (reference %u); MMU init: %u writes (reference enable %u)\n",
	       nd, nr, md, mr);

	NT_CHECK(nr > 10 && mr > 10, "the reference wrote too little: %u, %u", nr, mr);
	NT_EQ("power-up writes: as many as the reference", nd, nr);
	compare_writes("power-up", drv, nd, ref, nr);
	compare_writes("MMU enable", drv + 128, md, ref + 128, mr);
	/* after the enable sequence: only commands (the reserved context's CD) */
	for (unsigned i = mr; i < md && i < 128; i++)
		NT_CHECK(!strcmp(drv[128 + i].name, "MMU.MMU_CMDQ_PROD"),
			 "MMU init write %u after the enable sequence: %s <- 0x%" PRIx64, i,
			 drv[128 + i].name, drv[128 + i].v);
	fb_close();
}

/* ---- Failure boots ----------------------------------------------------------------------------- */

struct failure {
	const char *what;
	uint32_t state;             /* DSU_CTRL state the core must be in */
	bool trap;                  /* DSU_TRAP: a trap was taken ... */
	uint32_t cause;             /* ... with this mcause */
	uint32_t halt;              /* DSU_TRAP halt code */
	uint64_t pc;                /* PC, or 0: somewhere inside the image */
	const char *console;        /* in the firmware console; NULL: the console stays silent */
	const char *diag[4];        /* in npu_last_diagnosis() */
	uint64_t fault_va;          /* a translation fault QEMU reports for this VA; 0: no fault */
};

/* MMU faults QEMU's trace reported after mark; the first one's VA/SID/SSID/event. */
static unsigned trace_mmu_faults(struct fb *f, size_t mark, uint64_t *va, unsigned *sid,
				 unsigned *ssid, unsigned *event)
{
	char *t = read_from(f->trace, mark, NULL), *save = NULL;
	unsigned n = 0;

	for (char *l = t ? strtok_r(t, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
		const char *ev = strstr(l, "intel_npu_mmu_fault ");
		uint64_t a;
		unsigned s, ss, id;

		if (!ev || sscanf(ev, "intel_npu_mmu_fault %*[^:]: sid %u ssid %u va 0x%" SCNx64
				  " event 0x%x", &s, &ss, &a, &id) != 4)
			continue;
		if (n++ == 0) {
			*va = a;
			*sid = s;
			*ssid = ss;
			*event = id;
		}
	}
	free(t);
	return n;
}

/* CPU start at entry with whatever was broken before: QEMU stays up, no
 * ready message within the silicon timeout, and the DSU, the console, the
 * MMU and the driver's diagnosis name the cause. */
static void check_failed_boot(struct fb *f, uint64_t entry, const struct failure *e)
{
	const struct npu_fw_info *h = &f->hdr;
	size_t mark = trace_mark(f);
	uint64_t elapsed, fault_va = 0;
	unsigned faults, sid = 0, ssid = 0, event = 0;
	uint32_t pushes[4];
	const char *diag;
	struct dsu d;
	char *con;
	int r;

	free(console_new(f));
	r = start_and_wait(f, entry, &elapsed);
	diag = npu_last_diagnosis(f->dev);
	printf("    %s: npu_step_wait_ready = %d after %.3f ms of virtual time: %s\n", e->what, r,
	       elapsed / 1e6, npu_last_error(f->dev));
	printf("    diagnosis:\n%s", diag);

	/* no ready message, within the silicon timeout */
	NT_EQ("npu_step_wait_ready on a failed boot (-ETIMEDOUT)", r, -ETIMEDOUT);
	NT_CHECK(elapsed >= (uint64_t)SILICON_BOOT_TIMEOUT_MS * 1000000u &&
		 elapsed < (uint64_t)(SILICON_BOOT_TIMEOUT_MS + 10) * 1000000u,
		 "the driver waited %" PRIu64 " ns of virtual time, expected the %u ms timeout",
		 elapsed, SILICON_BOOT_TIMEOUT_MS);
	NT_CHECK(strstr(npu_last_error(f->dev), "did not send the ready message within 1000 ms"),
		 "last error: %s", npu_last_error(f->dev));
	NT_EQ("messages the firmware pushed into the firmware->host FIFO",
	      trace_fifo_pushes(f, mark, "to-host", pushes, 4), 0);
	NT_EQ("IPC FIFO fill level", NPU_FLD_GET(NPU_TIM_IPC_FIFO_STAT_FILL_LEVEL,
						 rd_v(f, NPU_HOST_SS_TIM_IPC_FIFO_STAT)), 0);
	check_cpu_start_writes(f, mark, entry, e->what);

	/* QEMU is fine */
	check_qemu_alive(f, e->what);

	/* the control core says why */
	d = dsu_read(f);
	NT_EQ("DSU_CTRL state", d.state, e->state);
	NT_EQ("DSU_CTRL watchdog expired", d.ctrl & NPU_DSU_CTRL_WDOG_EXPIRED, 0);
	NT_EQ("DSU_TRAP error-mode bit = state is error mode", d.error_mode,
	      e->state == NPU_DSU_STATE_ERROR);
	NT_EQ("DSU_TRAP trap taken", d.trap_valid, e->trap);
	if (e->trap) {
		NT_EQ("DSU_TRAP cause (mcause)", d.cause, e->cause);
		NT_EQ("DSU_TRAP interrupt bit", d.interrupt, 0);
	}
	NT_EQ("DSU_TRAP halt code", d.halt, e->halt);
	NT_EQ("DSU NPC = PC + 4", d.npc, d.pc + 4);
	if (e->pc)
		NT_EQ("DSU PC", d.pc, e->pc);
	else
		NT_CHECK(d.pc >= h->image_load_address && d.pc < h->image_load_address + h->image_size,
			 "DSU PC 0x%x is not inside the image [0x%" PRIx64 ", +0x%x)", d.pc,
			 h->image_load_address, h->image_size);

	/* the firmware console */
	con = console_new(f);
	printf("    firmware console: [%s]\n", con);
	if (e->console)
		NT_CHECK(strstr(con, e->console) != NULL, "firmware console lacks \"%s\": [%s]",
			 e->console, con);
	else
		NT_CHECK(con[0] == '\0', "firmware console should be silent: [%s]", con);
	free(con);

	/* MMU: QEMU's own fault report, and what the driver read from the event queue */
	faults = trace_mmu_faults(f, mark, &fault_va, &sid, &ssid, &event);
	if (e->fault_va) {
		struct npu_mmu_event ev[4];
		int n = npu_mmu_events(f->dev, ev, 4);

		if (NT_EQ("MMU faults QEMU reported", faults, 1)) {
			NT_EQ("MMU fault VA", fault_va, e->fault_va);
			NT_EQ("MMU fault StreamID (the control core)", sid, NPU_MMU_SID_LRT);
			NT_EQ("MMU fault SSID (global context)", ssid, NPU_SSID_GLOBAL);
			NT_EQ("MMU fault event (F_TRANSLATION)", event, NPU_MMU_EVT_F_TRANSLATION);
		}
		if (NT_CHECK(n >= 1, "the driver found no MMU event (npu_mmu_events = %d)", n)) {
			NT_EQ("driver's MMU event id", ev[n - 1].id, NPU_MMU_EVT_F_TRANSLATION);
			NT_EQ("driver's MMU event input address", ev[n - 1].input_addr, e->fault_va);
			NT_EQ("driver's MMU event SID", ev[n - 1].sid, NPU_MMU_SID_LRT);
		}
	} else {
		NT_EQ("MMU faults QEMU reported", faults, 0);
	}

	/* the driver's diagnosis names it */
	for (unsigned i = 0; i < 4 && e->diag[i]; i++)
		NT_CHECK(strstr(diag, e->diag[i]) != NULL, "diagnosis lacks \"%s\"", e->diag[i]);
}

enum recovery { RECOVER_NPU_RECOVER, RECOVER_POWER_CYCLE };

/* The same QEMU boots the good image again after an IP reset: npu_recover
 * (ivpu_pm_recovery_work), or power-down (IP reset, WP0, D0i3) + npu_boot. */
static void check_recovers(struct fb *f, enum recovery how)
{
	struct npu_info *info = calloc(1, sizeof(*info));
	size_t mark = trace_mark(f);
	uint64_t hb = 0;
	struct dsu d;
	char *con;
	int r;

	NT_CHECK_FATAL(info != NULL, "out of memory");
	free(console_new(f));
	if (how == RECOVER_NPU_RECOVER) {
		r = npu_recover(f->dev, "test: failed firmware boot");
		NT_CHECK_FATAL(r == 0, "npu_recover = %d: %s\n%s", r, npu_last_error(f->dev),
			       npu_last_diagnosis(f->dev));
	} else {
		r = npu_step_power_down(f->dev);
		NT_EQ("npu_step_power_down", r, 0);
		NT_EQ("buttress VPU_STATUS.READY after power-down", rd_b(f, NPU_BTRS_VPU_STATUS) &
		      NPU_BTRS_VPU_STATUS_READY, 0);
		r = npu_boot(f->dev);
		NT_CHECK_FATAL(r == 0, "npu_boot after power-down = %d: %s\n%s", r,
			       npu_last_error(f->dev), npu_last_diagnosis(f->dev));
	}
	check_cpu_start_writes(f, mark, f->hdr.entry_point, "boot after the IP reset");
	d = dsu_read(f);
	NT_CHECK(d.state == NPU_DSU_STATE_WFI || d.state == NPU_DSU_STATE_RUNNING,
		 "control core after the recovery: state %u, expected running or WFI", d.state);
	NT_EQ("halt code after the IP reset", d.halt, 0);
	NT_EQ("no trap since the IP reset", d.trap_valid, 0);
	con = console_new(f);
	NT_CHECK(strstr(con, "boot: cold boot ready in") != NULL,
		 "firmware console has no \"boot: cold boot ready\" line after the recovery: [%s]",
		 con);
	free(con);
	NT_CHECK(heartbeat_round_trip(f, &hb) != 0, "no heartbeat round trip after the recovery");
	npu_get_info(f->dev, info);
	NT_EQ("power state after the recovery", info->power, NPU_POWER_READY);
	NT_EQ("recoveries counted", info->recoveries, how == RECOVER_NPU_RECOVER);
	check_qemu_alive(f, "after the recovery");
	free(info);
}

static void test_bad_boot_params_magic(void)
{
	struct fb *f = fb_open(NULL);
	uint64_t magic_va = f->hdr.runtime_addr + offsetof(struct npu_boot_params, magic);
	uint32_t bad = 0xDEADBEEF, back = 0;
	char con[200];
	struct failure e = {
		.what = "wrong boot-params magic", .state = NPU_DSU_STATE_ERROR, .trap = false,
		.halt = NPU_LRT_HALT_BAD_BOOT_PARAMS, .pc = 0, .console = con,
		.diag = { "firmware halt code: 0x10 (bad boot params", "last trap: none" },
	};

	snprintf(con, sizeof(con), "FATAL: boot params at 0x%" PRIx64 ": magic 0x%x, expected 0x%x; "
		 "halting (code 0x%x)", f->hdr.runtime_addr, bad, NPU_BOOT_PARAMS_MAGIC,
		 NPU_LRT_HALT_BAD_BOOT_PARAMS);
	bring_up_to(f, STEP_BOOT_PARAMS);
	NT_EQ("npu_global_write of the magic", npu_global_write(f->dev, magic_va, &bad, 4), 0);
	NT_EQ("npu_global_read of the magic", npu_global_read(f->dev, magic_va, &back, 4), 0);
	NT_EQ("boot params magic now", back, bad);
	check_failed_boot(f, npu_cold_entry(f->dev), &e);
	check_recovers(f, RECOVER_POWER_CYCLE);
	fb_close();
}

/* The entry page overwritten with garbage (all ones: an illegal
 * instruction) after the image was loaded: the very first instruction
 * traps with mtvec still 0, so the core enters error mode at the entry. */
static void test_garbage_entry_page(void)
{
	struct fb *f = fb_open(NULL);
	uint64_t entry = f->hdr.entry_point;
	uint8_t *page = malloc(PAGE), *back = malloc(PAGE);
	char pc[128];
	struct failure e = {
		.what = "garbage entry page", .state = NPU_DSU_STATE_ERROR, .trap = true,
		.cause = 2, .halt = 0, .pc = entry, .console = NULL,
		.diag = { pc, "exception 2 (illegal instruction), core in error mode" },
	};

	NT_CHECK_FATAL(page && back, "out of memory");
	snprintf(pc, sizeof(pc), "error mode (stopped by an unhandled trap or an error halt), PC 0x%08" PRIx64, entry);
	memset(page, 0xFF, PAGE);
	bring_up_to(f, STEP_FW_LOAD);
	NT_EQ("npu_global_write of the entry page", npu_global_write(f->dev, entry, page, PAGE), 0);
	NT_EQ("npu_global_read of the entry page", npu_global_read(f->dev, entry, back, PAGE), 0);
	NT_CHECK(memcmp(page, back, PAGE) == 0, "entry page not overwritten");
	run_step(f, STEP_IPC_INIT);
	run_step(f, STEP_BOOT_PARAMS);
	check_failed_boot(f, npu_cold_entry(f->dev), &e);
	check_recovers(f, RECOVER_NPU_RECOVER);
	free(page);
	free(back);
	fb_close();
}

/* The instruction after "csrw mtvec" in the entry code replaced by an
 * illegal one: the firmware's trap handler reports it on the console and
 * halts with FATAL_TRAP. */
static void test_illegal_instruction_after_trap_vector(void)
{
	struct fb *f = fb_open(NULL);
	const struct npu_fw_info *h = &f->hdr;
	uint64_t entry = h->entry_point, off = entry - h->image_load_address, at = 0;
	uint32_t zero = 0, back = 1;
	char con[128];
	struct failure e = {
		.what = "illegal instruction after the trap vector", .state = NPU_DSU_STATE_ERROR,
		.trap = true, .cause = 2, .halt = NPU_LRT_HALT_FATAL_TRAP, .pc = 0, .console = con,
		.diag = { "firmware halt code: 0x01 (fatal trap",
			  "exception 2 (illegal instruction)" },
	};

	/* csrw mtvec, rs1 = csrrw x0, 0x305, rs1 */
	for (uint64_t i = 0; i + 8 <= PAGE && off + i + 8 <= h->image_size; i += 4) {
		const uint8_t *p = h->image + off + i;
		uint32_t w = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			     (uint32_t)p[3] << 24;

		if ((w & 0xFFF07FFFu) == 0x30501073u) {
			at = entry + i + 4;
			break;
		}
	}
	NT_CHECK_FATAL(at != 0, "no \"csrw mtvec\" in the entry page at 0x%" PRIx64, entry);
	printf("    trap vector installed at 0x%" PRIx64 "; illegal instruction at 0x%" PRIx64 "\n",
	       at - 4, at);
	snprintf(con, sizeof(con), "FATAL: mcause=0x2 (illegal instruction) mepc=0x%" PRIx64, at);
	bring_up_to(f, STEP_FW_LOAD);
	NT_EQ("npu_global_write of the instruction", npu_global_write(f->dev, at, &zero, 4), 0);
	NT_EQ("npu_global_read of the instruction", npu_global_read(f->dev, at, &back, 4), 0);
	NT_EQ("instruction now", back, 0);
	run_step(f, STEP_IPC_INIT);
	run_step(f, STEP_BOOT_PARAMS);
	check_failed_boot(f, npu_cold_entry(f->dev), &e);
	check_recovers(f, RECOVER_NPU_RECOVER);
	fb_close();
}

/* The driver's own path refuses a file whose header puts the entry at va
 * (so these boots need npu_step_cpu_start, which does not validate). */
static void check_parser_refuses_entry(struct fb *f, uint64_t va)
{
	uint8_t *copy = malloc(f->file_size);
	struct npu_fw_info info;
	size_t at = offsetof(struct npu_fw_header, entry_point);
	char why[256] = "";
	int r;

	NT_CHECK_FATAL(copy != NULL, "out of memory");
	memcpy(copy, f->file, f->file_size);
	for (unsigned i = 0; i < 8; i++)
		copy[at + i] = (uint8_t)(va >> (8 * i));
	r = npu_fw_parse(copy, f->file_size, &info, why, sizeof(why));
	NT_EQ("npu_fw_parse of a header with that entry (NPU_FW_ERR_ENTRY_RANGE)", (uint64_t)r,
	      (uint64_t)NPU_FW_ERR_ENTRY_RANGE);
	printf("    the parser on entry 0x%" PRIx64 ": %s\n", va, why);
	free(copy);
}

/* Entry on the page below the runtime region: not mapped, so the first
 * fetch is an instruction access fault (mcause 1) with mtvec = 0 and the
 * MMU records a translation fault for the core's stream. */
static void test_entry_outside_image_unmapped(void)
{
	struct fb *f = fb_open(NULL);
	uint64_t entry = f->hdr.runtime_addr - PAGE;
	char pc[128];
	struct failure e = {
		.what = "entry outside the image (unmapped)", .state = NPU_DSU_STATE_ERROR,
		.trap = true, .cause = 1, .halt = 0, .pc = entry, .console = NULL,
		.diag = { pc, "exception 1 (instruction access fault), core in error mode",
			  "MMU event F_TRANSLATION (0x10)" },
		.fault_va = entry,
	};

	snprintf(pc, sizeof(pc), "error mode (stopped by an unhandled trap or an error halt), PC 0x%08" PRIx64, entry);
	check_parser_refuses_entry(f, entry);
	bring_up_to(f, STEP_BOOT_PARAMS);
	check_failed_boot(f, entry, &e);
	check_recovers(f, RECOVER_NPU_RECOVER);
	fb_close();
}

/* Entry on the first page after the image, still inside the (mapped,
 * zeroed) runtime region: the fetch works, the zero word is an illegal
 * instruction (mcause 2); no MMU event. */
static void test_entry_outside_image_mapped(void)
{
	struct fb *f = fb_open(NULL);
	const struct npu_fw_info *h = &f->hdr;
	uint64_t entry = (h->image_load_address + h->image_size + PAGE - 1) & ~(uint64_t)(PAGE - 1);
	char pc[128];
	struct failure e = {
		.what = "entry outside the image (runtime region)", .state = NPU_DSU_STATE_ERROR,
		.trap = true, .cause = 2, .halt = 0, .pc = entry, .console = NULL,
		.diag = { pc, "exception 2 (illegal instruction), core in error mode",
			  "MMU event queue: empty" },
	};

	NT_CHECK_FATAL(entry + PAGE <= h->runtime_addr + h->runtime_size,
		       "no page between the image end and the runtime end");
	snprintf(pc, sizeof(pc), "error mode (stopped by an unhandled trap or an error halt), PC 0x%08" PRIx64, entry);
	check_parser_refuses_entry(f, entry);
	bring_up_to(f, STEP_BOOT_PARAMS);
	check_failed_boot(f, entry, &e);
	check_recovers(f, RECOVER_NPU_RECOVER);
	fb_close();
}

static const struct nt_case cases[] = {
	{ "boot_ivpu_sequence", test_boot_ivpu_sequence },
	{ "bring_up_matches_reference", test_bring_up_matches_reference },
	{ "boot_ivpu_sequence_lock_step", test_boot_ivpu_sequence_lock_step },
	{ "bad_boot_params_magic", test_bad_boot_params_magic },
	{ "garbage_entry_page", test_garbage_entry_page },
	{ "illegal_instruction_after_trap_vector", test_illegal_instruction_after_trap_vector },
	{ "entry_outside_image_unmapped", test_entry_outside_image_unmapped },
	{ "entry_outside_image_mapped", test_entry_outside_image_mapped },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	int rc = nt_main("fw_boot", cases, argc, argv);

	fb_close();
	return rc;
}

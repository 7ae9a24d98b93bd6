/* SPDX-License-Identifier: MIT */
/*
 * npuctl: bring up, query and exercise a Meteor Lake NPU through the
 * userspace driver, on any backend compiled into this build.
 *
 *   npuctl [options] info|status|boot|regs|log|heartbeat|reset|db-test|copy|fill|jobs|infer
 *
 * Run `npuctl --help` for the options, commands and exit codes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "npu/npu.h"
#include "npu/bringup.h"
#include "npu/diag.h"
#include "npu/os.h"
#include "intel-npu/bits.h"
#include "intel-npu/fw_header.h"
#include "intel-npu/pci.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"
#include "tool_paths.h"

#include "npuctl.h"

/* ---- Output: text or one JSON object ------------------------------------------- */

bool json_mode;
static bool json_first;

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void jkey(const char *k)
{
	printf("%s\n  ", json_first ? "" : ",");
	json_first = false;
	json_str(stdout, k);
	fputs(": ", stdout);
}

void j_s(const char *k, const char *v)
{
	jkey(k);
	json_str(stdout, v);
}

void j_u(const char *k, unsigned long long v)
{
	jkey(k);
	printf("%llu", v);
}

void j_b(const char *k, bool v)
{
	jkey(k);
	fputs(v ? "true" : "false", stdout);
}

/* Text-mode line */
void say(const char *fmt, ...)
{
	va_list ap;

	if (json_mode)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

/* ---- Helpers ------------------------------------------------------------------------ */

double wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int exit_code_for(int err, bool firmware_stage)
{
	switch (err) {
	case 0:          return EXIT_OK;
	case -ENOEXEC:   return EXIT_FIRMWARE;
	/* a missing file: the firmware while it is being found, else what the
	 * backend needs (the QEMU binary, /dev/vfio, ...) */
	case -ENOENT:
	case -EACCES:    return firmware_stage ? EXIT_FIRMWARE : EXIT_BACKEND;
	case -ETIMEDOUT: return EXIT_TIMEOUT;
	case -ENODEV:    return EXIT_BACKEND;
	case -EBADMSG:
	case -EBADE:     return EXIT_PROTOCOL;
	case -ENOMEM:
	case -EINVAL:    return firmware_stage ? EXIT_FIRMWARE : EXIT_INTERNAL;
	default:         return EXIT_DEVICE;
	}
}

static int verbosity;

static void log_to_stderr(void *user, enum npu_log_level level, const char *line)
{
	static const char *const names[] = { "error", "warning", "info", "debug", "trace" };

	/* Without -v, errors are left to the final summary (the last error and
	 * the diagnosis), so each cause is printed once. */
	if (level == NPU_LOG_ERROR && !verbosity)
		return;
	fprintf(stderr, "npu: %s: %s\n", names[level], line);
}

static void print_line(void *user, const char *line)
{
	if (json_mode) {
		printf("%s\n    ", *(bool *)user ? "" : ",");
		*(bool *)user = false;
		json_str(stdout, line);
	} else {
		puts(line);
	}
}

static const char *api_str(uint32_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u", NPU_API_MAJOR(v), NPU_API_MINOR(v));
	return buf;
}

/* Identity, firmware, state, tables and errors. */
static void report_info(struct npu_device *dev, bool tables)
{
	struct npu_info *in = calloc(1, sizeof(*in));
	char b1[32], b2[32];

	if (!in)
		return;
	npu_get_info(dev, in);
	if (json_mode) {
		j_s("backend", in->backend);
		j_s("location", in->location);
		jkey("pci_id");
		printf("\"%04x:%04x\"", in->vendor, in->device);
		j_u("revision", in->revision);
		j_b("firmware_loaded", in->fw_loaded);
		if (in->fw_loaded) {
			j_s("firmware_path", in->fw_path);
			j_s("firmware_version", in->fw_version);
			j_s("boot_api", api_str(in->fw_api[NPU_FW_API_BOOT], b1, sizeof(b1)));
			j_s("jsm_api", api_str(in->fw_api[NPU_FW_API_JSM], b2, sizeof(b2)));
			j_u("entry_point", in->fw_entry);
			j_u("runtime_addr", in->fw_runtime_addr);
			j_u("runtime_size", in->fw_runtime_size);
		}
		j_s("scheduler", in->sched_mode == NPU_SCHED_HW ? "HW" : "OS");
		j_s("power", npu_power_state_name(in->power));
		j_u("boots", in->boots);
		j_u("warm_boots", in->warm_boots);
		j_u("recoveries", in->recoveries);
		j_u("boot_time_us", in->boot_time_ns / 1000);
		j_u("ipc_tx", in->ipc_tx);
		j_u("ipc_rx", in->ipc_rx);
		j_u("irqs", in->irqs);
		j_u("irq_poll_fallbacks", in->irq_poll_fallbacks);
		j_u("mmu_events", in->mmu_events);
		j_u("jobs_submitted", in->jobs_submitted);
		j_u("jobs_completed", in->jobs_completed);
		j_u("jobs_outstanding", in->jobs_outstanding);
		if (tables) {
			jkey("contexts");
			fputc('[', stdout);
			for (uint32_t i = 0; i < in->n_contexts; i++)
				printf("%s{\"ssid\": %u, \"buffers\": %u, \"mapped_bytes\": %llu, "
				       "\"mmu_faulted\": %s, \"aborted\": %s}", i ? ", " : "",
				       in->contexts[i].ssid, in->contexts[i].buffers,
				       (unsigned long long)in->contexts[i].mapped_bytes,
				       in->contexts[i].mmu_faulted ? "true" : "false",
				       in->contexts[i].aborted ? "true" : "false");
			fputc(']', stdout);
			jkey("doorbells");
			fputc('[', stdout);
			for (uint32_t i = 0; i < in->n_doorbells; i++)
				printf("%s{\"id\": %u, \"ssid\": %u, \"jobq_va\": %llu, \"registered\": %s}",
				       i ? ", " : "", in->doorbells[i].db_id, in->doorbells[i].ssid,
				       (unsigned long long)in->doorbells[i].jobq_va,
				       in->doorbells[i].registered ? "true" : "false");
			fputc(']', stdout);
		}
		jkey("errors");
		fputc('[', stdout);
		for (uint32_t i = 0; i < in->n_errors; i++) {
			fputs(i ? ", " : "", stdout);
			json_str(stdout, in->errors[i]);
		}
		fputc(']', stdout);
		free(in);
		return;
	}
	say("device:      %04x:%04x rev %02x at %s (backend %s)", in->vendor, in->device,
	    in->revision, in->location, in->backend);
	if (in->fw_loaded) {
		say("firmware:    %s", in->fw_path);
		say("  version:   %s", in->fw_version[0] ? in->fw_version : "(none)");
		say("  APIs:      BOOT %s, JSM %s, JOB_CMD %s", api_str(in->fw_api[NPU_FW_API_BOOT], b1,
		    sizeof(b1)), api_str(in->fw_api[NPU_FW_API_JSM], b2, sizeof(b2)),
		    api_str(in->fw_api[NPU_FW_API_JOB_CMD], (char[32]){ 0 }, 32));
		say("  image:     %u bytes, entry 0x%llx, runtime 0x%llx + %u MiB, format %s",
		    in->fw_image_size, (unsigned long long)in->fw_entry,
		    (unsigned long long)in->fw_runtime_addr, in->fw_runtime_size >> 20,
		    in->fw_image_format == NPU_FW_IMAGE_FORMAT_RV32 ? "RV32" :
		    in->fw_image_format == NPU_FW_IMAGE_FORMAT_LEON ? "LEON" : "unknown");
	}
	say("scheduler:   %s", in->sched_mode == NPU_SCHED_HW ? "HW" : "OS");
	say("power:       %s", npu_power_state_name(in->power));
	if (in->boots)
		say("boot:        %u boot(s) (%u warm), %u recover%s, last boot %.3f ms (backend time)",
		    in->boots, in->warm_boots, in->recoveries, in->recoveries == 1 ? "y" : "ies",
		    in->boot_time_ns / 1e6);
	if (in->pll_max_ratio)
		say("PLL fuses:   min %u, efficient %u, max %u (x 50 MHz x 2/3 = %u..%u MHz)",
		    in->pll_min_ratio, in->pll_pn_ratio, in->pll_max_ratio,
		    in->pll_min_ratio * 100 / 3, in->pll_max_ratio * 100 / 3);
	if (in->ipc_tx || in->ipc_rx)
		say("traffic:     %llu IPC sent, %llu received (%llu dropped, %llu malformed), "
		    "%llu IRQs, %llu polling fallbacks, %llu MMU events",
		    (unsigned long long)in->ipc_tx, (unsigned long long)in->ipc_rx,
		    (unsigned long long)in->ipc_rx_dropped, (unsigned long long)in->ipc_rx_malformed,
		    (unsigned long long)in->irqs, (unsigned long long)in->irq_poll_fallbacks,
		    (unsigned long long)in->mmu_events);
	if (in->jobs_submitted)
		say("jobs:        %llu submitted, %llu completed, %u outstanding",
		    (unsigned long long)in->jobs_submitted, (unsigned long long)in->jobs_completed,
		    in->jobs_outstanding);
	if (tables) {
		say("contexts:    %u", in->n_contexts);
		for (uint32_t i = 0; i < in->n_contexts; i++)
			say("  SSID %-3u   tables at 0x%llx, %u buffer(s), %llu KiB mapped%s",
			    in->contexts[i].ssid, (unsigned long long)in->contexts[i].pgd_dma,
			    in->contexts[i].buffers,
			    (unsigned long long)(in->contexts[i].mapped_bytes >> 10),
			    in->contexts[i].aborted ? ", MMU FAULT, aborted" :
			    in->contexts[i].mmu_faulted ? ", MMU FAULT" : "");
		say("doorbells:   %u", in->n_doorbells);
		for (uint32_t i = 0; i < in->n_doorbells; i++)
			say("  DB %-3u     SSID %u, job queue 0x%llx (%u bytes), %s",
			    in->doorbells[i].db_id, in->doorbells[i].ssid,
			    (unsigned long long)in->doorbells[i].jobq_va, in->doorbells[i].jobq_size,
			    in->doorbells[i].registered ? "registered" : "not registered");
	}
	if (in->n_errors) {
		say("last errors:");
		for (uint32_t i = 0; i < in->n_errors; i++)
			say("  - %s", in->errors[i]);
	}
	free(in);
}

/* ---- Commands ------------------------------------------------------------------------ */


int step(struct run *r, const char *name, int ret)
{
	if (ret && !r->err) {
		r->err = ret;
		snprintf(r->step, sizeof(r->step), "%s", name);
		snprintf(r->why, sizeof(r->why), "%s", r->dev ? npu_last_error(r->dev) : "");
	}
	return ret;
}

static int do_boot(struct run *r)
{
	double t0 = wall_ms();
	struct npu_info in;
	int ret;

	r->fw_stage = true;
	ret = step(r, "firmware", npu_step_fw_request(r->dev));
	if (ret)
		return ret;
	r->fw_stage = false;
	ret = step(r, "boot", npu_boot(r->dev));
	if (ret)
		return ret;
	npu_get_info(r->dev, &in);
	say("booted:      %s boot in %.3f ms host time, %.3f ms backend time",
	    in.warm_boot ? "warm" : "cold", wall_ms() - t0, in.boot_time_ns / 1e6);
	if (json_mode)
		j_u("boot_host_us", (unsigned long long)((wall_ms() - t0) * 1000));
	return 0;
}

int cmd_heartbeat(struct run *r, unsigned count)
{
	for (unsigned i = 0; i < count; i++) {
		double t0 = wall_ms();
		uint64_t hb = 0;
		int ret = step(r, "heartbeat", npu_heartbeat(r->dev, &hb));

		if (ret)
			return ret;
		say("heartbeat:   %llu (round trip %.3f ms host time)", (unsigned long long)hb,
		    wall_ms() - t0);
		if (json_mode && i + 1 == count)
			j_u("heartbeat", hb);
	}
	return 0;
}

static int cmd_db_test(struct run *r, unsigned count)
{
	uint32_t ssid = 0, ids[NPU_INFO_MAX_DOORBELLS];
	unsigned n = 0;
	int ret;

	if (count > NPU_INFO_MAX_DOORBELLS)
		count = NPU_INFO_MAX_DOORBELLS;
	ret = step(r, "context create", npu_context_create(r->dev, &ssid));
	if (ret)
		return ret;
	say("context:     SSID %u created", ssid);
	for (; n < count; n++) {
		uint64_t va = 0;

		ret = step(r, "doorbell register", npu_doorbell_register(r->dev, ssid, &ids[n]));
		if (ret)
			break;
		npu_doorbell_jobq(r->dev, ids[n], &va, NULL);
		say("doorbell:    %u registered with the firmware, job queue at 0x%llx", ids[n],
		    (unsigned long long)va);
		ret = step(r, "doorbell ring", npu_doorbell_ring(r->dev, ids[n]));
		if (ret)
			break;
	}
	if (!ret) {
		/* the firmware reads the empty queue; a heartbeat shows it is still fine */
		ret = cmd_heartbeat(r, 1);
		report_info(r->dev, true);
	}
	for (unsigned i = 0; i < n; i++) {
		int u = step(r, "doorbell unregister", npu_doorbell_unregister(r->dev, ids[i]));

		if (!u)
			say("doorbell:    %u unregistered (UNREGISTER_DB done)", ids[i]);
		ret = ret ? ret : u;
	}
	{
		int d = step(r, "context destroy", npu_context_destroy(r->dev, ssid));

		if (!d)
			say("context:     SSID %u released (SSID_RELEASE done)", ssid);
		ret = ret ? ret : d;
	}
	if (json_mode)
		j_u("doorbells_tested", n);
	return ret;
}

static int cmd_status(struct run *r)
{
	static const uint32_t btrs[] = { NPU_BTRS_VPU_STATUS, NPU_BTRS_VPU_D0I3_CONTROL,
					 NPU_BTRS_PLL_STATUS, NPU_BTRS_CURRENT_PLL,
					 NPU_BTRS_WP_REQ_CMD, NPU_BTRS_VPU_IP_RESET,
					 NPU_BTRS_INTERRUPT_STAT };
	static const char *const names[] = { "VPU_STATUS", "VPU_D0I3_CONTROL", "PLL_STATUS",
					     "CURRENT_PLL", "WP_REQ_CMD", "VPU_IP_RESET",
					     "INTERRUPT_STAT" };
	uint32_t v[7], ratio;
	bool d0i3, ready;
	const char *state;
	int ret;

	/* Reading the buttress needs memory decode; nothing else is touched. */
	ret = step(r, "PCI enable", npu_step_pci_enable(r->dev));
	if (ret)
		return ret;
	for (unsigned i = 0; i < 7; i++)
		v[i] = npu_reg_read32(r->dev, NPU_BAR_REGB, btrs[i]);
	d0i3 = v[1] & NPU_BTRS_VPU_D0I3_CONTROL_I3;
	ready = v[0] & NPU_BTRS_VPU_STATUS_READY;
	ratio = (uint32_t)NPU_FLD_GET(NPU_BTRS_CURRENT_PLL_RATIO, v[3]);
	state = v[0] == UINT32_MAX ? "not responding (buttress reads all ones)" :
		d0i3 ? "D0i3: NPU IP powered down (in reset)" :
		ready ? ((v[0] & NPU_BTRS_VPU_STATUS_IDLE) ? "powered, idle" : "powered, busy") :
		"D0 but no workpoint granted (IP not powered)";
	say("hardware:    %s", state);
	if (ratio)
		say("PLL:         ratio %u = %u MHz", ratio, ratio * 100 / 3);
	for (unsigned i = 0; i < 7; i++)
		say("  %-17s 0x%08x", names[i], v[i]);
	if (json_mode) {
		j_s("hardware_state", state);
		j_u("pll_ratio", ratio);
		for (unsigned i = 0; i < 7; i++)
			j_u(names[i], v[i]);
	}
	return 0;
}

/* ---- Files next to npuctl ------------------------------------------------------------ */

/* Does the comma-separated key=value list give key? ("extra=" takes the rest.) */
static bool backend_arg_given(const char *args, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = args; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		if (!strncmp(p, key, klen) && p[klen] == '=')
			return true;
		if (!strncmp(p, "extra=", 6))
			break;
	}
	return false;
}

/*
 * The qtest backend's QEMU: qemu= in --backend-args, else $QTEST_QEMU_BINARY
 * (both left to the backend), else the one next to npuctl, passed on as
 * qemu=PATH. Returns the backend arguments to use (*owned is set when they
 * were allocated), or NULL with a message naming every place looked at.
 */
static const char *qtest_backend_args(const char *args, const struct tool_paths *tp,
				      char **owned, char *err, size_t errlen)
{
	const char *env = getenv("QTEST_QEMU_BINARY");
	size_t len;

	*owned = NULL;
	if (backend_arg_given(args, "qemu") || (env && *env))
		return args;
	if (tp->qemu[0] && access(tp->qemu, X_OK) == 0) {
		if (strchr(tp->qemu, ',')) {
			snprintf(err, errlen, "the QEMU next to npuctl, %s, has a comma in its path, "
				 "which --backend-args cannot carry; set $QTEST_QEMU_BINARY", tp->qemu);
			return NULL;
		}
		len = strlen(tp->qemu) + strlen(args) + 8;
		*owned = malloc(len);
		if (!*owned) {
			snprintf(err, errlen, "out of memory");
			return NULL;
		}
		snprintf(*owned, len, "qemu=%s%s%s", tp->qemu, *args ? "," : "", args);
		return *owned;
	}
	if (tp->qemu[0])
		snprintf(err, errlen, "no QEMU for the qtest backend: no qemu=PATH in --backend-args, "
			 "$QTEST_QEMU_BINARY is not set, and %s (next to npuctl) %s; build it "
			 "with `make qemu`", tp->qemu, access(tp->qemu, F_OK) ? "does not exist" :
			 "is not executable");
	else
		snprintf(err, errlen, "no QEMU for the qtest backend: no qemu=PATH in --backend-args, "
			 "$QTEST_QEMU_BINARY is not set, and npuctl cannot look next to itself (%s)",
			 tp->exe_why);
	return NULL;
}

/* ---- Main ------------------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f,
"usage: npuctl [options] command\n"
"\n"
"Drive an Intel Meteor Lake NPU (8086:7D1D) through the userspace driver.\n"
"\n"
"commands:\n"
"  info        device identity and the firmware file (validated; device untouched)\n"
"  status      power state read from the buttress (nothing is changed)\n"
"  boot        bring-up, firmware boot, heartbeat, REGISTER_DB/UNREGISTER_DB\n"
"              round trip, clean shutdown; prints a report\n"
"  regs        boot, then every register decoded (--no-boot: as it is now)\n"
"  log         boot, heartbeat, then the firmware log buffers\n"
"  heartbeat   boot, then --count heartbeat queries with round-trip times\n"
"  reset       boot, recovery (IP reset + cold boot), heartbeat\n"
"  db-test     boot, a user context, --count doorbells registered, rung and\n"
"              unregistered, SSID_RELEASE\n"
"  copy        boot, one COPY job of --size bytes between two buffers of a user\n"
"              context, the destination compared with the source\n"
"  fill        boot, one MEMORY_FILL job of --size bytes with --pattern, checked\n"
"  jobs        boot, --count empty jobs (one NOP each) through one queue kept\n"
"              full; prints jobs/s\n"
"  infer       boot, the built-in network (conv -> relu -> pool -> FC) in int8\n"
"              and fp16, each output compared with the reference\n"
"\n"
"options:\n"
"  --backend=NAME        OS backend:");
	for (const struct npu_os_ops *const *b = npu_os_backends; *b; b++)
		fprintf(f, " %s", (*b)->name);
	fprintf(f, " (default sim)\n"
"  --backend-args=STR    backend options, e.g. sim: \"device-id=0xad1d,ipus=100,trace=1\",\n"
"                        qtest: \"qemu=PATH\", linux: a PCI address\n"
"  --firmware=PATH       firmware file (default: the search below)\n"
"  --firmware-dir=DIR    search DIR instead of the default directories (repeatable)\n"
"  --sched=os|hw         scheduling mode (default os)\n"
"  --fw-log-level=N      firmware log level 1 (debug) .. 5 (fatal), default 4\n"
"  --count=N             heartbeats / doorbells / jobs (default 1)\n"
"  --size=N[K|M|G]       copy, fill: bytes (default 4096; source and destination\n"
"                        share the 8 GiB dma range)\n"
"  --pattern=X           fill: the 32-bit pattern (default 0xa5a5a5a5)\n"
"  --no-boot             regs: dump without booting\n"
"  --json                one JSON object on stdout\n"
"  -v, -vv, -vvv         driver log at info, debug, trace (every register access)\n"
"  -h, --help            this text\n"
"\n"
"firmware search (without --firmware): vpu_37xx_v1.bin, then vpu_37xx_v0.0.bin, each\n"
"as DIR/intel/vpu/NAME and DIR/NAME, in the --firmware-dir directories, or else in:\n"
"  1. $NPU_FIRMWARE_PATH (colon-separated directories)\n"
"  2. the firmware next to this npuctl: <build>/firmware for <build>/tools/npuctl,\n"
"     <prefix>/share/intel-npu-mtl/firmware for <prefix>/bin/npuctl\n"
"  3. /lib/firmware/updates, /lib/firmware\n"
"QEMU for --backend=qtest: --backend-args=qemu=PATH, else $QTEST_QEMU_BINARY, else\n"
"  the QEMU next to this npuctl: <build>/qemu/qemu-system-x86_64 for <build>/tools/npuctl,\n"
"  <prefix>/bin/qemu-system-x86_64 for <prefix>/bin/npuctl\n"
"\n"
"exit codes:\n"
"  0 success            1 device error         2 usage\n"
"  3 firmware file      4 timeout              5 backend unavailable / no device\n"
"  6 firmware protocol  7 internal error\n");
}

static int parse(int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->backend = "sim";
	o->backend_args = "";
	o->count = 1;
	o->sched = NPU_SCHED_OS;
	o->fw_log_level = 4;
	o->pattern = 0xA5A5A5A5u;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			exit(EXIT_OK);
		} else if (!strncmp(a, "--backend=", 10)) {
			o->backend = a + 10;
		} else if (!strncmp(a, "--backend-args=", 15)) {
			o->backend_args = a + 15;
		} else if (!strncmp(a, "--firmware=", 11)) {
			o->firmware = a + 11;
		} else if (!strncmp(a, "--firmware-dir=", 15)) {
			if (o->ndirs == MAX_DIRS) {
				fprintf(stderr, "npuctl: at most %d --firmware-dir options\n", MAX_DIRS);
				return -1;
			}
			o->dirs[o->ndirs++] = a + 15;
		} else if (!strncmp(a, "--sched=", 8)) {
			if (!strcmp(a + 8, "os"))
				o->sched = NPU_SCHED_OS;
			else if (!strcmp(a + 8, "hw"))
				o->sched = NPU_SCHED_HW;
			else {
				fprintf(stderr, "npuctl: --sched must be os or hw, not \"%s\"\n", a + 8);
				return -1;
			}
		} else if (!strncmp(a, "--fw-log-level=", 15)) {
			char *end;
			unsigned long v = strtoul(a + 15, &end, 0);

			if (*end || v < 1 || v > 5) {
				fprintf(stderr, "npuctl: --fw-log-level must be 1..5\n");
				return -1;
			}
			o->fw_log_level = (unsigned)v;
		} else if (!strncmp(a, "--count=", 8)) {
			char *end;
			unsigned long v = strtoul(a + 8, &end, 0);

			if (*end || !v || v > 1000000) {
				fprintf(stderr, "npuctl: --count must be 1..1000000\n");
				return -1;
			}
			o->count = (unsigned)v;
		} else if (!strncmp(a, "--size=", 7)) {
			char *end;
			unsigned long long v = strtoull(a + 7, &end, 0);
			unsigned shift = 0;

			if (*end == 'K' || *end == 'k')
				shift = 10;
			else if (*end == 'M' || *end == 'm')
				shift = 20;
			else if (*end == 'G' || *end == 'g')
				shift = 30;
			if (shift)
				end++;
			if (end == a + 7 || *end || !v || v > (8ull << 30) >> shift) {
				fprintf(stderr, "npuctl: --size must be 1 .. 8G bytes, e.g. 4096, "
					"64K, 16M (not \"%s\")\n", a + 7);
				return -1;
			}
			o->size = v << shift;
		} else if (!strncmp(a, "--pattern=", 10)) {
			char *end;
			unsigned long long v = strtoull(a + 10, &end, 0);

			if (end == a + 10 || *end || v > UINT32_MAX) {
				fprintf(stderr, "npuctl: --pattern must be a 32-bit number, e.g. "
					"0xdeadbeef (not \"%s\")\n", a + 10);
				return -1;
			}
			o->pattern = (uint32_t)v;
		} else if (!strcmp(a, "--no-boot")) {
			o->no_boot = true;
		} else if (!strcmp(a, "--json")) {
			o->json = true;
		} else if (a[0] == '-' && a[1] == 'v' && strspn(a + 1, "v") == strlen(a + 1)) {
			o->verbose += (int)strlen(a + 1);
		} else if (a[0] == '-') {
			fprintf(stderr, "npuctl: unknown option \"%s\" (see --help)\n", a);
			return -1;
		} else if (!o->cmd) {
			o->cmd = a;
		} else {
			fprintf(stderr, "npuctl: one command only (got \"%s\" and \"%s\")\n", o->cmd, a);
			return -1;
		}
	}
	if (!o->cmd) {
		fprintf(stderr, "npuctl: no command given (see --help)\n");
		return -1;
	}
	if (strcmp(o->cmd, "info") && strcmp(o->cmd, "status") && strcmp(o->cmd, "boot") &&
	    strcmp(o->cmd, "regs") && strcmp(o->cmd, "log") && strcmp(o->cmd, "heartbeat") &&
	    strcmp(o->cmd, "reset") && strcmp(o->cmd, "db-test") && strcmp(o->cmd, "copy") &&
	    strcmp(o->cmd, "fill") && strcmp(o->cmd, "jobs") && strcmp(o->cmd, "infer")) {
		fprintf(stderr, "npuctl: unknown command \"%s\" (see --help)\n", o->cmd);
		return -1;
	}
	o->dirs[o->ndirs] = NULL;
	return 0;
}

int main(int argc, char **argv)
{
	struct npu_open_params p;
	struct opts o;
	struct run r = { 0 };
	struct tool_paths *tp = calloc(1, sizeof(*tp));
	const char *app_fw_dirs[2] = { NULL, NULL };
	char *owned_args = NULL, tool_err[PATH_MAX + 512] = "";
	bool first_line = true;
	int ret, code;

	if (!tp) {
		fprintf(stderr, "npuctl: out of memory\n");
		return EXIT_INTERNAL;
	}
	if (parse(argc, argv, &o)) {
		code = EXIT_USAGE;
		goto usage_out;
	}
	tool_paths_init(tp, argv[0]);
	if (tp->firmware_dir[0])
		app_fw_dirs[0] = tp->firmware_dir;
	json_mode = o.json;
	verbosity = o.verbose;
	json_first = true;
	npu_open_params_init(&p);
	p.backend = o.backend;
	p.backend_args = o.backend_args;
	p.firmware_path = o.firmware;
	p.search_dirs = o.ndirs ? o.dirs : NULL;
	p.app_firmware_dirs = app_fw_dirs;
	p.log = log_to_stderr;
	p.log_level = o.verbose >= 3 ? NPU_LOG_TRACE : o.verbose == 2 ? NPU_LOG_DEBUG :
		      o.verbose == 1 ? NPU_LOG_INFO : NPU_LOG_WARN;
	p.sched_mode = (enum npu_sched_mode)o.sched;
	p.fw_log_level = o.fw_log_level;
	r.o = &o;

	if (json_mode) {
		fputs("{", stdout);
		j_s("command", o.cmd);
	}
	if (!strcmp(o.backend, "qtest")) {
		p.backend_args = qtest_backend_args(o.backend_args, tp, &owned_args, tool_err,
						    sizeof(tool_err));
		if (!p.backend_args) {
			step(&r, "open", -ENODEV);
			goto out;
		}
	}
	ret = npu_open(&p, &r.dev);
	step(&r, "open", ret);
	if (ret)
		goto out;

	if (!strcmp(o.cmd, "info")) {
		r.fw_stage = true;
		step(&r, "firmware", npu_step_fw_request(r.dev));
		report_info(r.dev, false);
	} else if (!strcmp(o.cmd, "status")) {
		cmd_status(&r);
	} else if (!strcmp(o.cmd, "regs") && o.no_boot) {
		if (!step(&r, "PCI enable", npu_step_pci_enable(r.dev))) {
			if (json_mode)
				jkey("registers"), fputs("[", stdout);
			npu_dump_registers(r.dev, print_line, &first_line);
			if (json_mode)
				fputs("\n  ]", stdout);
		}
	} else if (!do_boot(&r)) {
		if (!strcmp(o.cmd, "boot")) {
			if (!cmd_heartbeat(&r, 1))
				cmd_db_test(&r, 1);
		} else if (!strcmp(o.cmd, "regs")) {
			if (json_mode)
				jkey("registers"), fputs("[", stdout);
			npu_dump_registers(r.dev, print_line, &first_line);
			if (json_mode)
				fputs("\n  ]", stdout);
		} else if (!strcmp(o.cmd, "log")) {
			if (!cmd_heartbeat(&r, 1)) {
				if (json_mode)
					jkey("firmware_log"), fputs("[", stdout);
				step(&r, "firmware log", npu_read_fw_log(r.dev, false, false, print_line,
									  &first_line) < 0 ? -EIO : 0);
				if (json_mode)
					fputs("\n  ]", stdout);
			}
		} else if (!strcmp(o.cmd, "heartbeat")) {
			cmd_heartbeat(&r, o.count);
		} else if (!strcmp(o.cmd, "reset")) {
			double t0 = wall_ms();

			if (!step(&r, "recover", npu_recover(r.dev, "npuctl reset"))) {
				say("reset:       IP reset + cold boot done in %.3f ms host time",
				    wall_ms() - t0);
				cmd_heartbeat(&r, 1);
			}
		} else if (!strcmp(o.cmd, "db-test")) {
			cmd_db_test(&r, o.count);
		} else if (!strcmp(o.cmd, "copy")) {
			cmd_copy(&r);
		} else if (!strcmp(o.cmd, "fill")) {
			cmd_fill(&r);
		} else if (!strcmp(o.cmd, "jobs")) {
			cmd_jobs(&r);
		} else if (!strcmp(o.cmd, "infer")) {
			cmd_infer(&r);
		}
		if (!strcmp(o.cmd, "copy") || !strcmp(o.cmd, "fill") || !strcmp(o.cmd, "jobs") ||
		    !strcmp(o.cmd, "infer"))
			;   /* their own report */
		else if (strcmp(o.cmd, "db-test") && strcmp(o.cmd, "boot"))
			report_info(r.dev, false);
		else if (!strcmp(o.cmd, "boot") && !r.err)
			say("shutdown:    clean (IP reset, workpoint 0, D0i3)");
	}
out:
	code = exit_code_for(r.err, r.fw_stage);
	if (r.err) {
		const char *why = r.why[0] ? r.why : tool_err[0] ? tool_err : npu_strerror(r.err);
		const char *diag = r.dev ? npu_last_diagnosis(r.dev) : "";

		if (json_mode) {
			j_b("ok", false);
			j_s("failed_step", r.step);
			j_s("error", why[0] ? why : npu_strerror(r.err));
			j_s("error_class", npu_strerror(r.err));
			if (diag[0])
				j_s("diagnosis", diag);
		} else {
			fprintf(stderr, "npuctl: %s failed: %s\n", r.step, why[0] ? why :
				npu_strerror(r.err));
			if (diag[0])
				fprintf(stderr, "%s", diag);
		}
	} else if (json_mode) {
		j_b("ok", true);
	}
	if (r.dev && !r.err && !strcmp(o.cmd, "boot") && json_mode)
		report_info(r.dev, true);
	npu_close(r.dev);
	if (json_mode) {
		j_u("exit_code", (unsigned)code);
		puts("\n}");
	}
usage_out:
	free(owned_args);
	free(tp);
	return code;
}

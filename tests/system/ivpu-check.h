/* SPDX-License-Identifier: MIT */
/*
 * What the parts of ivpu-check share: the PASS/FAIL reporter, time, sysfs
 * and debugfs access, the kernel-log scan with its allowance for lines a
 * check provokes on purpose, and the open device.
 */
#ifndef IVPU_CHECK_H
#define IVPU_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACCEL_DEV  "/dev/accel/accel0"
#define ACCEL_SYS  "/sys/class/accel/accel0/device"

extern int fd;          /* the open /dev/accel/accel0, or -1 */
extern bool verbose;

__attribute__((format(printf, 3, 4)))
bool check(bool ok, const char *name, const char *fmt, ...);
double now_s(void);
void msleep(unsigned ms);
int read_sys(const char *rel, char *buf, size_t len);
int get_param(uint32_t param, uint32_t index, uint64_t *value);
int heartbeat(uint64_t *hb);
bool find_debugfs(void);
int debugfs_write(const char *file, const char *val);

#define JSM_TYPES 16
struct jsm_rtt {                    /* [JSM] TX -> [JSM] RX in the kernel log */
	char type[48];
	int n;
	double max_ms, sum_ms;
};

struct kmsg_stats {
	struct jsm_rtt jsm[JSM_TYPES];
	int n_jsm;
	int issues;                 /* intel_vpu lines at level <= 4, not expected */
	int expected;               /* error lines a deliberate action provokes */
	int rpm_suspend, rpm_resume;
	int total;                  /* intel_vpu lines */
	unsigned long long last_seq;
};

void kmsg_scan(struct kmsg_stats *st, bool print_issues);
/* Allow intel_vpu error lines containing text from now on until
 * kmsg_allow_close(first): lines a check causes on purpose. Returns the
 * first allowance's index. */
int kmsg_allow_open(const char *text);
void kmsg_allow_close(int first);

/* ivpu-jobs.c: the job path (SUBMIT, BO_WAIT, the firmware's commands) */
void check_jobs(void);

#endif /* IVPU_CHECK_H */

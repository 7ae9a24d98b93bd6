/* SPDX-License-Identifier: MIT */
/*
 * npuctl's parts: the command line (npuctl.c), its output helpers (text or
 * one JSON object) and the job commands (npuctl_jobs.c).
 */
#ifndef NPUCTL_H
#define NPUCTL_H

#include <stdbool.h>
#include <stdint.h>

#include "npu/npu.h"

/* Exit codes (documented in --help) */
enum {
	EXIT_OK = 0,
	EXIT_DEVICE = 1,     /* the device misbehaved (I/O error, bad read-back, ...) */
	EXIT_USAGE = 2,      /* bad command line */
	EXIT_FIRMWARE = 3,   /* firmware file missing or invalid */
	EXIT_TIMEOUT = 4,    /* a register poll, the boot or a firmware message timed out */
	EXIT_BACKEND = 5,    /* backend not compiled in, or no device found */
	EXIT_PROTOCOL = 6,   /* the firmware answered wrongly (JSM type/result) */
	EXIT_INTERNAL = 7,   /* out of memory, misuse */
};

#define MAX_DIRS 8

struct opts {
	const char *backend, *backend_args, *firmware;
	const char *dirs[MAX_DIRS + 1];
	int ndirs;
	bool json, no_boot;
	int verbose;
	unsigned count;
	int sched;
	unsigned fw_log_level;
	uint64_t size;           /* copy, fill: bytes (0: default) */
	uint32_t pattern;        /* fill */
	const char *cmd;
};

struct run {
	struct npu_device *dev;
	const struct opts *o;
	int err;                 /* first failure */
	bool fw_stage;
	char step[64];           /* what failed */
	char why[512];           /* npu_last_error() right then: later calls clear it */
};

/* Output (npuctl.c): JSON keys while json_mode, text lines otherwise */
extern bool json_mode;
void jkey(const char *k);
void j_s(const char *k, const char *v);
void j_u(const char *k, unsigned long long v);
void j_b(const char *k, bool v);
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
double wall_ms(void);
/* Remember the first failing step; returns ret. */
int step(struct run *r, const char *name, int ret);
int cmd_heartbeat(struct run *r, unsigned count);

/* Job commands (npuctl_jobs.c) */
int cmd_copy(struct run *r);
int cmd_fill(struct run *r);
int cmd_infer(struct run *r);
int cmd_jobs(struct run *r);

#endif /* NPUCTL_H */

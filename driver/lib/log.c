/* SPDX-License-Identifier: MIT */
/*
 * Logging, the per-device "last error" with its history, the generic error
 * descriptions, and the registry that lets a backend log into the device
 * that owns it (npu_os_report).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "drv.h"

static const char *const level_names[] = {
	[NPU_LOG_ERROR] = "error",
	[NPU_LOG_WARN] = "warning",
	[NPU_LOG_INFO] = "info",
	[NPU_LOG_DEBUG] = "debug",
	[NPU_LOG_TRACE] = "trace",
};

bool npu_log_enabled(const struct npu_device *dev, enum npu_log_level level)
{
	return level <= dev->log_level;
}

static void log_emit(struct npu_device *dev, enum npu_log_level level, const char *line)
{
	if (dev && dev->log_fn) {
		/* The callback sees everything up to the configured level. */
		if (level <= dev->log_level)
			dev->log_fn(dev->log_user, level, line);
		return;
	}
	if (!dev || level <= dev->log_level)
		fprintf(stderr, "npu: %s: %s\n", level_names[level], line);
}

static void log_va(struct npu_device *dev, enum npu_log_level level, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	log_emit(dev, level, line);
}

void npu_log(struct npu_device *dev, enum npu_log_level level, const char *fmt, ...)
{
	va_list ap;

	if (dev && !npu_log_enabled(dev, level))
		return;
	va_start(ap, fmt);
	log_va(dev, level, fmt, ap);
	va_end(ap);
}

void npu_log_line(struct npu_device *dev, enum npu_log_level level, const char *line)
{
	log_emit(dev, level, line);
}

int npu_fail(struct npu_device *dev, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dev->last_error, sizeof(dev->last_error), fmt, ap);
	va_end(ap);
	dev->last_err = err;
	if (dev->soft_fail)
		return err; /* the caller logs it as a warning and carries on */
	snprintf(dev->errors[dev->n_errors % NPU_INFO_ERRORS], NPU_INFO_STR, "%s",
		 dev->last_error);
	dev->n_errors++;
	log_emit(dev, NPU_LOG_ERROR, dev->last_error);
	return err;
}

const char *npu_last_error(const struct npu_device *dev)
{
	return dev ? dev->last_error : "no device";
}

const char *npu_last_diagnosis(const struct npu_device *dev)
{
	return dev && dev->diag ? dev->diag : "";
}

const char *npu_strerror(int err)
{
	switch (err) {
	case 0:           return "success";
	case -ENOENT:     return "firmware file not found";
	case -ENOEXEC:    return "invalid firmware file";
	case -ETIMEDOUT:  return "timed out";
	case -EIO:        return "device I/O error (unexpected register or message contents)";
	case -EBADMSG:    return "firmware reported an error result";
	case -EBADE:      return "unexpected firmware response type";
	case -EAGAIN:     return "firmware not running (IPC disabled)";
	case -ENODEV:     return "no such backend or device";
	case -EBUSY:      return "resource busy or exhausted";
	case -ENOMEM:     return "out of memory";
	case -EINVAL:     return "invalid argument";
	case -ENOSPC:     return "NPU address range exhausted";
	case -EACCES:     return "permission denied";
	case -ECANCELED:  return "operation aborted by a reset";
	default:          return "unknown error";
	}
}

const char *npu_power_state_name(enum npu_power_state s)
{
	switch (s) {
	case NPU_POWER_OFF:       return "off";
	case NPU_POWER_ON:        return "on";
	case NPU_POWER_READY:     return "ready";
	case NPU_POWER_SUSPENDED: return "suspended";
	case NPU_POWER_FAILED:    return "failed";
	}
	return "?";
}

/* ---- Backend -> device log ----------------------------------------------------
 * A backend only knows its struct npu_os; open devices are kept in a list so
 * its reports land in the right device's log. The library is single-threaded
 * by contract (npu.h), so a plain list suffices. */
static struct npu_device *open_devices;

void npu_device_register(struct npu_device *dev)
{
	dev->next_open = open_devices;
	open_devices = dev;
}

void npu_device_unregister(struct npu_device *dev)
{
	for (struct npu_device **p = &open_devices; *p; p = &(*p)->next_open) {
		if (*p == dev) {
			*p = dev->next_open;
			break;
		}
	}
}

bool npu_os_log_enabled(struct npu_os *os, enum npu_log_level level)
{
	struct npu_device *dev = NULL;

	for (struct npu_device *d = open_devices; d; d = d->next_open)
		if (d->os == os)
			dev = d;
	return dev ? npu_log_enabled(dev, level) : level <= NPU_LOG_WARN;
}

void npu_os_report(struct npu_os *os, enum npu_log_level level, const char *fmt, ...)
{
	struct npu_device *dev = NULL;
	va_list ap;

	for (struct npu_device *d = open_devices; d; d = d->next_open)
		if (d->os == os)
			dev = d;
	if (dev && !npu_log_enabled(dev, level))
		return;
	if (!dev && level > NPU_LOG_WARN)
		return;
	va_start(ap, fmt);
	log_va(dev, level, fmt, ap);
	va_end(ap);
}

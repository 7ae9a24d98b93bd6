/* SPDX-License-Identifier: MIT */
/*
 * The files a tool ships with, relative to its executable (tool_paths.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool_paths.h"

#define QEMU_NAME "qemu-system-x86_64"

/* argv0 as the shell found it: a path if it has a slash, else on $PATH. */
static bool exe_from_argv0(struct tool_paths *tp, const char *argv0)
{
	char cand[PATH_MAX];
	const char *path = getenv("PATH");

	if (!argv0 || !*argv0) {
		snprintf(tp->exe_why, sizeof(tp->exe_why), "no /proc/self/exe and no argv[0]");
		return false;
	}
	if (strchr(argv0, '/')) {
		if (realpath(argv0, tp->exe))
			return true;
		snprintf(tp->exe_why, sizeof(tp->exe_why), "no /proc/self/exe, and argv[0] %s: %s",
			 argv0, strerror(errno));
		return false;
	}
	for (const char *p = path ? path : ""; *p;) {
		size_t len = strcspn(p, ":");

		/* an empty $PATH entry is the current directory */
		if (snprintf(cand, sizeof(cand), "%.*s%s%s", (int)len, len ? p : ".", "/",
			     argv0) < (int)sizeof(cand) &&
		    access(cand, X_OK) == 0 && realpath(cand, tp->exe))
			return true;
		p += len;
		if (*p == ':')
			p++;
	}
	snprintf(tp->exe_why, sizeof(tp->exe_why), "no /proc/self/exe, and argv[0] \"%s\" is not "
		 "on $PATH", argv0);
	return false;
}

/* Cut the last path component off (in place); "/x" becomes "". */
static void strip_last(char *p)
{
	char *slash = strrchr(p, '/');

	if (slash)
		*slash = '\0';
	else
		p[0] = '\0';
}

void tool_paths_init(struct tool_paths *tp, const char *argv0)
{
	tool_paths_init_from(tp, "/proc/self/exe", argv0);
}

void tool_paths_init_from(struct tool_paths *tp, const char *self_link, const char *argv0)
{
	char dir[PATH_MAX], parent[PATH_MAX];
	const char *base;
	ssize_t n;

	memset(tp, 0, sizeof(*tp));
	n = readlink(self_link, tp->exe, sizeof(tp->exe) - 1);
	if (n > 0 && (size_t)n < sizeof(tp->exe) - 1)
		tp->exe[n] = '\0';
	else if (!exe_from_argv0(tp, argv0))
		return;

	snprintf(dir, sizeof(dir), "%s", tp->exe);
	strip_last(dir);
	snprintf(parent, sizeof(parent), "%s", dir);
	strip_last(parent);
	base = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	tp->build_tree = !strcmp(base, "tools");
	if (tp->build_tree) {
		snprintf(tp->firmware_dir, sizeof(tp->firmware_dir), "%s/firmware", parent);
		snprintf(tp->qemu, sizeof(tp->qemu), "%s/qemu/" QEMU_NAME, parent);
	} else {
		snprintf(tp->firmware_dir, sizeof(tp->firmware_dir),
			 "%s/share/intel-npu-mtl/firmware", parent);
		snprintf(tp->qemu, sizeof(tp->qemu), "%s/" QEMU_NAME, dir);
	}
}

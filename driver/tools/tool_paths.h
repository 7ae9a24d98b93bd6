/* SPDX-License-Identifier: MIT */
/*
 * Where a tool of this project finds the files it ships with: relative to
 * its own executable, the way QEMU finds its BIOS, so a build tree and an
 * installation (wherever it was copied) both work without options.
 *
 *   executable                  firmware directory                       QEMU
 *   <build>/tools/npuctl        <build>/firmware                         <build>/qemu/qemu-system-x86_64
 *   <prefix>/bin/npuctl         <prefix>/share/intel-npu-mtl/firmware    <prefix>/bin/qemu-system-x86_64
 *
 * An executable in a directory named "tools" is taken to be in a build
 * tree (mk/driver.mk puts it there); any other in an installation
 * (`make install` puts it in $PREFIX/bin). The executable is /proc/self/exe
 * where that exists (Linux), else argv[0]: a path as given, or the first
 * match on $PATH. Symbolic links are resolved, so a link to a build's
 * npuctl uses that build.
 *
 * Tool code, not driver code: the driver core takes the directories as
 * parameters (npu_open_params.app_firmware_dirs).
 */
#ifndef NPU_TOOL_PATHS_H
#define NPU_TOOL_PATHS_H

#include <limits.h>
#include <stdbool.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

struct tool_paths {
	char exe[PATH_MAX];           /* the executable, resolved; "" if not found */
	char exe_why[256];            /* why exe is empty */
	bool build_tree;              /* exe is <build>/tools/NAME */
	char firmware_dir[PATH_MAX];  /* "" if exe is unknown */
	char qemu[PATH_MAX];          /* "" if exe is unknown */
};

/* Fills tp from /proc/self/exe or argv0; never fails (see exe_why). */
void tool_paths_init(struct tool_paths *tp, const char *argv0);
/* The same with another link than /proc/self/exe (tests: one that does not
 * exist, to take the argv[0] path). */
void tool_paths_init_from(struct tool_paths *tp, const char *self_link, const char *argv0);

#endif /* NPU_TOOL_PATHS_H */

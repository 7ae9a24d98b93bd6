/* SPDX-License-Identifier: MIT */
/*
 * The table of OS backends compiled into this build (npu/os.h).
 *
 * Which backends exist is decided by the build, not by #ifdefs here:
 * mk/driver.mk writes backends.inc in the build directory with one
 * NPU_BACKEND(name) line per backend it compiles (driver/os/<name>.c, for
 * the names in DRIVER_BACKENDS), and this file expands it twice. Adding a
 * backend = adding driver/os/<name>.c defining `const struct npu_os_ops
 * npu_os_<name>` (and its name to DRIVER_BACKENDS if it is not one of the
 * defaults).
 */
#include <stddef.h>
#include <string.h>

#include "npu/os.h"

#define NPU_BACKEND(name) extern const struct npu_os_ops npu_os_##name;
#include "backends.inc"
#undef NPU_BACKEND

const struct npu_os_ops *const npu_os_backends[] = {
#define NPU_BACKEND(name) &npu_os_##name,
#include "backends.inc"
#undef NPU_BACKEND
	NULL
};

const struct npu_os_ops *npu_os_find(const char *name)
{
	for (const struct npu_os_ops *const *b = npu_os_backends; *b; b++)
		if (!strcmp((*b)->name, name))
			return *b;
	return NULL;
}

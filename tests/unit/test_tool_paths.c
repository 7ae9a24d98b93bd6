/* SPDX-License-Identifier: MIT */
/*
 * Where a tool finds its firmware and QEMU (driver/tools/tool_paths.c): the
 * build-tree and installation layouts, symbolic links, and the argv[0]
 * fallback used where /proc/self/exe does not exist (here: a link path
 * that does not exist), by path and on $PATH. End to end with npuctl:
 * tests/tools/npuctl-files.sh.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tool_paths.h"

#define NO_LINK "/nonexistent/proc/self/exe"

static char root[PATH_MAX];          /* realpath of a temporary directory */
static struct tool_paths tp;

static void touch_exe(const char *rel)
{
	char p[PATH_MAX + 64];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	f = fopen(p, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fclose(f);
	chmod(p, 0755);
}

static int setup(void)
{
	char tmpl[] = "/tmp/npu-toolpaths-XXXXXX", p[PATH_MAX + 16];

	if (!mkdtemp(tmpl) || !realpath(tmpl, root))
		return 1;
	snprintf(p, sizeof(p), "%s/build", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/build/tools", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/usr", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/usr/bin", root);
	mkdir(p, 0755);
	return 0;
}

static int teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) ? 1 : 0;
}

static void expect(const char *exe, const char *fw, const char *qemu, bool build)
{
	char want[PATH_MAX + 64];

	snprintf(want, sizeof(want), "%s/%s", root, exe);
	CU_ASSERT_STRING_EQUAL(tp.exe, want);
	snprintf(want, sizeof(want), "%s/%s", root, fw);
	CU_ASSERT_STRING_EQUAL(tp.firmware_dir, want);
	snprintf(want, sizeof(want), "%s/%s", root, qemu);
	CU_ASSERT_STRING_EQUAL(tp.qemu, want);
	CU_ASSERT_EQUAL(tp.build_tree, build);
}

static void test_layouts_by_path(void)
{
	char argv0[PATH_MAX + 32];

	touch_exe("build/tools/npuctl");
	snprintf(argv0, sizeof(argv0), "%s/build/tools/npuctl", root);
	tool_paths_init_from(&tp, NO_LINK, argv0);
	expect("build/tools/npuctl", "build/firmware", "build/qemu/qemu-system-x86_64", true);

	touch_exe("usr/bin/npuctl");
	snprintf(argv0, sizeof(argv0), "%s/usr/bin/npuctl", root);
	tool_paths_init_from(&tp, NO_LINK, argv0);
	expect("usr/bin/npuctl", "usr/share/intel-npu-mtl/firmware", "usr/bin/qemu-system-x86_64",
	       false);
}

static void test_symlink_resolved(void)
{
	char link[PATH_MAX + 32], target[PATH_MAX + 32];

	touch_exe("build/tools/npuctl");
	snprintf(target, sizeof(target), "%s/build/tools/npuctl", root);
	snprintf(link, sizeof(link), "%s/usr/bin/npuctl-link", root);
	unlink(link);
	CU_ASSERT_EQUAL_FATAL(symlink(target, link), 0);
	/* as argv[0] ... */
	tool_paths_init_from(&tp, NO_LINK, link);
	expect("build/tools/npuctl", "build/firmware", "build/qemu/qemu-system-x86_64", true);
	/* ... and as the /proc/self/exe-style link itself */
	tool_paths_init_from(&tp, link, "ignored");
	expect("build/tools/npuctl", "build/firmware", "build/qemu/qemu-system-x86_64", true);
}

static void test_argv0_on_path(void)
{
	char path[2 * PATH_MAX + 64], *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;

	touch_exe("usr/bin/npuctl");
	/* an empty entry and a directory without it come first */
	snprintf(path, sizeof(path), "/nonexistent::%s/build:%s/usr/bin", root, root);
	setenv("PATH", path, 1);
	tool_paths_init_from(&tp, NO_LINK, "npuctl");
	expect("usr/bin/npuctl", "usr/share/intel-npu-mtl/firmware", "usr/bin/qemu-system-x86_64",
	       false);

	/* not there: nothing is made up, and the reason is kept for the error */
	tool_paths_init_from(&tp, NO_LINK, "npuctl-not-anywhere");
	CU_ASSERT_STRING_EQUAL(tp.exe, "");
	CU_ASSERT_STRING_EQUAL(tp.firmware_dir, "");
	CU_ASSERT_STRING_EQUAL(tp.qemu, "");
	CU_ASSERT_PTR_NOT_NULL(strstr(tp.exe_why, "argv[0] \"npuctl-not-anywhere\" is not on $PATH"));
	tool_paths_init_from(&tp, NO_LINK, NULL);
	CU_ASSERT_STRING_EQUAL(tp.exe, "");
	CU_ASSERT_PTR_NOT_NULL(strstr(tp.exe_why, "no argv[0]"));
	if (old)
		setenv("PATH", old, 1);
	else
		unsetenv("PATH");
	free(old);
}

static void test_proc_self_exe(void)
{
	/* this runner is $(BUILD)/tests/unit/test_tool_paths: not a tools/ dir */
	tool_paths_init(&tp, "test_tool_paths");
	CU_ASSERT_PTR_NOT_NULL(strstr(tp.exe, "/tests/unit/test_tool_paths"));
	CU_ASSERT_FALSE(tp.build_tree);
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("tool_paths", setup, teardown);
	CU_add_test(s, "build tree and installation, by path", test_layouts_by_path);
	CU_add_test(s, "symbolic links resolved", test_symlink_resolved);
	CU_add_test(s, "argv[0] on $PATH, and not found", test_argv0_on_path);
	CU_add_test(s, "/proc/self/exe", test_proc_self_exe);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}

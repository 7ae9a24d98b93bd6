/* SPDX-License-Identifier: MIT */
/*
 * Driver core, firmware (fw.c): search order and directories (hw-facts
 * §4.1), validation through the shared parser with specific errors before
 * any device access (§4.2), runtime/log/SHAVE buffers, the image load of
 * ivpu_fw_load, read-only sections and the shared range that follows the
 * runtime region (§6).
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drv.h"
#include "fake_npu.h"
#include "intel-npu/fw_header.h"
#include "npu-format/fw_file.h"

static struct fake_npu *f;
static struct npu_device *dev;

static void done(void)
{
	npu_close(dev);
	dev = NULL;
	CU_ASSERT_EQUAL(fake_live_allocs(f), 0);
	fake_npu_free(f);
	f = NULL;
}

/* Boot a file; expects a validation failure before the device is touched. */
static void expect_invalid(const void *file, size_t size, int err, const char *what)
{
	const char *path = fake_write_file(file, size);

	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_open(f, path, &dev), 0);
	CU_ASSERT_EQUAL(npu_boot(dev), err);
	if (!strstr(npu_last_error(dev), what) || !strstr(npu_last_error(dev), path))
		fprintf(stderr, "\n    last error: %s\n    expected: %s\n", npu_last_error(dev), what);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), what) != NULL);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), path) != NULL);   /* names the file */
	CU_ASSERT_EQUAL(fake_device_accesses(f), 0);                /* before any access */
	done();
}

static void test_missing_explicit_file(void)
{
	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_open(f, "/nonexistent/dir/fw.bin", &dev), 0);
	CU_ASSERT_EQUAL(npu_boot(dev), -ENOENT);
	CU_ASSERT_STRING_EQUAL(npu_last_error(dev),
			       "firmware /nonexistent/dir/fw.bin: No such file or directory");
	CU_ASSERT_EQUAL(fake_device_accesses(f), 0);
	done();
}

static void test_truncated(void)
{
	size_t size;
	uint8_t *file = fake_fw_image(0x1000, &size, NULL);

	expect_invalid(file, 100, -ENOEXEC, "NPU_FW_ERR_TOO_SMALL");
	expect_invalid(file, 0x2000, -ENOEXEC, "NPU_FW_ERR_TOO_SMALL");
	free(file);
}

static void test_header_version(void)
{
	struct npu_fw_header *h;
	size_t size;
	uint8_t *file = fake_fw_image(0x1000, &size, &h);

	h->header_version = 2;
	expect_invalid(file, size, -ENOEXEC, "header_version is 2");
	free(file);
}

static void test_image_beyond_file(void)
{
	struct npu_fw_header *h;
	size_t size;
	uint8_t *file = fake_fw_image(0x1000, &size, &h);

	h->image_size = 0x3000;
	expect_invalid(file, size, -ENOEXEC, "NPU_FW_ERR_IMAGE_SIZE");
	free(file);
}

static void test_entry_outside_image(void)
{
	struct npu_fw_header *h;
	size_t size;
	uint8_t *file = fake_fw_image(0x1000, &size, &h);

	h->entry_point = 0x84900000;
	expect_invalid(file, size, -ENOEXEC, "entry point 0x84900000 is outside the image");
	h->entry_point = 0x84802000 - 0x1000;
	expect_invalid(file, size, -ENOEXEC, "NPU_FW_ERR_ENTRY_RANGE");
	free(file);
}

static void test_runtime_out_of_range(void)
{
	struct npu_fw_header *h;
	size_t size;
	uint8_t *file = fake_fw_image(0x1000, &size, &h);

	h->boot_params_load_address = 0x10000000;
	expect_invalid(file, size, -ENOEXEC, "NPU_FW_ERR_RUNTIME_ADDR");
	h->boot_params_load_address = 0x84800000;
	h->runtime_size = 0x1000;   /* smaller than the file */
	expect_invalid(file, size, -ENOEXEC, "NPU_FW_ERR_RUNTIME_SIZE");
	h->runtime_size = 0x100000;
	h->image_load_address = 0x84800000 + 0x100000 - 0x800;  /* image ends past the runtime */
	h->entry_point = h->image_load_address;
	expect_invalid(file, size, -ENOEXEC, "NPU_FW_ERR_IMAGE_RANGE");
	free(file);
}

/* A file with the header of Intel's vpu_37xx_v1.bin (hw-facts §4.3): valid
 * in every respect but the image format. */
static uint8_t *intel_leon_file(size_t *size)
{
	struct npu_fw_header h = { 0 };
	uint8_t *file;

	*size = 2435480;
	file = calloc(1, *size);
	h.header_version = 1;
	h.image_format = NPU_FW_IMAGE_FORMAT_LEON;
	h.image_load_address = 0x84802000;
	h.image_size = 0x250998;
	h.entry_point = 0x84803000;
	memcpy(h.vpu_version, "0.0.0", 5);
	h.compression_type = 1;
	h.firmware_version_load_address = 0x84801000;
	h.firmware_version_size = 139;
	h.boot_params_load_address = 0x84800000;
	h.api_version[0] = 0x0003001F;
	h.api_version[2] = 0x00010000;
	h.api_version[3] = 0x0004000F;
	h.api_version[4] = 0x00030023;
	h.api_version[6] = 0x00010000;
	h.api_version[7] = 0x00070000;
	h.runtime_size = 0x04000000;
	h.shave_nn_fw_size = 0x16B8;
	h.preemption_buffer_1_size = 0xD800;
	h.preemption_buffer_2_size = 0x7FE000;
	h.preemption_buffer_1_max_size = 0x13C00;
	h.preemption_buffer_2_max_size = 0xBFD000;
	npu_fw_header_encode(&h, file);
	strcpy((char *)file + NPU_FW_VERSION_OFFSET, "20260305*MTL_CLIENT_SILICON-NVR+NN-deployment*");
	return file;
}

static void test_intel_leon_image(void)
{
	size_t size;
	uint8_t *file = intel_leon_file(&size);
	const char *path = fake_write_file(file, size);
	struct npu_info info;

	/* refused before any device access, in one line that says why and what to use */
	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_open(f, path, &dev), 0);
	CU_ASSERT_EQUAL(npu_boot(dev), -ENOEXEC);
	CU_ASSERT_EQUAL(fake_device_accesses(f), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_error(dev), path));
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_error(dev), "LEON image (image_format 1), Intel's "
				      "firmware for the real LeonRT core, which this simulator "
				      "does not run"));
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_error(dev), "build/firmware/vpu_37xx_v1.bin"));
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_error(dev),
				      "share/intel-npu-mtl/firmware/vpu_37xx_v1.bin"));
	CU_ASSERT_PTR_NULL(strchr(npu_last_error(dev), '\n'));
	npu_get_info(dev, &info);
	CU_ASSERT_FALSE(info.fw_loaded);
	done();

	/* the format is the only reason: the same header marked RV32 is accepted */
	npu_le32_put(file + offsetof(struct npu_fw_header, image_format), NPU_FW_IMAGE_FORMAT_RV32);
	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_open(f, fake_write_file(file, size), &dev), 0);
	CU_ASSERT_EQUAL(npu_step_fw_request(dev), 0);
	CU_ASSERT_EQUAL(fake_device_accesses(f), 0);
	done();
	free(file);
}

static void test_unknown_image_format(void)
{
	struct npu_fw_header *h;
	size_t size;
	uint8_t *file = fake_fw_image(0x1000, &size, &h);

	h->image_format = 0;
	expect_invalid(file, size, -ENOEXEC, "image_format 0x00000000 is not RV32 (0x32335652), "
		       "the only format the simulated control core runs");
	free(file);
}

static void test_image_over_boot_params(void)
{
	struct npu_fw_header *h;
	size_t size;
	uint8_t *file = fake_fw_image(0x1000, &size, &h);

	h->image_load_address = 0x84800000;
	h->entry_point = 0x84800000;
	expect_invalid(file, size, -ENOEXEC, "overlaps the boot parameters page");
	free(file);
}

static void test_api_too_old(void)
{
	struct npu_fw_header *h;
	size_t size;
	uint8_t *file = fake_fw_image(0x1000, &size, &h);

	h->api_version[NPU_FW_API_JSM] = NPU_API_VERSION(2, 10);
	expect_invalid(file, size, -ENOEXEC, "NPU_FW_ERR_API_JSM");
	free(file);
}

/* ---- Search (ivpu_fw_request) ------------------------------------------------------- */

static char tmpdir[3][32];

static void mkdirs(void)
{
	for (int i = 0; i < 3; i++) {
		char p[256];

		snprintf(tmpdir[i], sizeof(tmpdir[i]), "/tmp/npu-fwdir-XXXXXX");
		CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir[i]));
		snprintf(p, sizeof(p), "%s/intel", tmpdir[i]);
		mkdir(p, 0755);
		snprintf(p, sizeof(p), "%s/intel/vpu", tmpdir[i]);
		mkdir(p, 0755);
	}
}

/* A firmware file at tmpdir[d]/relpath whose version string is version. */
static void put_at(int d, const char *relpath, const char *version)
{
	struct npu_fw_header *h;
	char p[256];
	size_t size;
	uint8_t *file = fake_fw_image(0x1000, &size, &h);
	FILE *fp;

	snprintf((char *)file + NPU_FW_VERSION_OFFSET, 64, "%s", version);
	snprintf(p, sizeof(p), "%s/%s", tmpdir[d], relpath);
	fp = fopen(p, "wb");
	fwrite(file, 1, size, fp);
	fclose(fp);
	free(file);
}

/* ... as a firmware tree holds it (intel/vpu/name) */
static void put(int d, const char *name, const char *version)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "intel/vpu/%s", name);
	put_at(d, rel, version);
}

static void rmdirs(void)
{
	for (int i = 0; i < 3; i++) {
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir[i]);
		if (system(cmd))
			fprintf(stderr, "cleanup of %s failed\n", tmpdir[i]);
	}
}

static int request_with_dirs(const char *const *dirs, struct npu_info *info)
{
	struct npu_open_params p;
	int ret;

	f = fake_npu_new();
	fake_params(&p, NULL);
	p.search_dirs = dirs;
	CU_ASSERT_EQUAL_FATAL(npu_open(&p, &dev), 0);
	ret = npu_step_fw_request(dev);
	npu_get_info(dev, info);
	CU_ASSERT_EQUAL(fake_device_accesses(f), 0);
	return ret;
}

static void test_search_order(void)
{
	const char *dirs[] = { tmpdir[0], tmpdir[1], tmpdir[2], NULL };
	struct npu_info info;
	char want[512];

	mkdirs();
	/* nothing anywhere: every name and directory is named, in search order */
	CU_ASSERT_EQUAL(request_with_dirs(dirs, &info), -ENOENT);
	snprintf(want, sizeof(want), "firmware not found: looked for intel/vpu/vpu_37xx_v1.bin, "
		 "intel/vpu/vpu_37xx_v0.0.bin and both without intel/vpu/ in %s, %s, %s",
		 tmpdir[0], tmpdir[1], tmpdir[2]);
	CU_ASSERT_STRING_EQUAL(npu_last_error(dev), want);
	done();

	/* a directory of firmware files only (build/firmware) holds the bare name */
	put_at(2, "vpu_37xx_v0.0.bin", "flat-old");
	CU_ASSERT_EQUAL(request_with_dirs(dirs, &info), 0);
	CU_ASSERT_STRING_EQUAL(info.fw_version, "flat-old");
	snprintf(want, sizeof(want), "%s/vpu_37xx_v0.0.bin", tmpdir[2]);
	CU_ASSERT_STRING_EQUAL(info.fw_path, want);
	done();

	/* v0.0 is found in the first directory that has it, tree before bare name */
	put(0, "vpu_37xx_v0.0.bin", "old");
	put_at(0, "vpu_37xx_v0.0.bin", "flat-old-in-dir0");
	CU_ASSERT_EQUAL(request_with_dirs(dirs, &info), 0);
	CU_ASSERT_STRING_EQUAL(info.fw_version, "old");
	done();

	/* v1 in a later directory wins over v0.0 in an earlier one (names first) */
	put(2, "vpu_37xx_v1.bin", "new-in-dir2");
	CU_ASSERT_EQUAL(request_with_dirs(dirs, &info), 0);
	CU_ASSERT_STRING_EQUAL(info.fw_version, "new-in-dir2");
	done();

	/* and the first directory wins among equal names */
	put(1, "vpu_37xx_v1.bin", "new-in-dir1");
	CU_ASSERT_EQUAL(request_with_dirs(dirs, &info), 0);
	CU_ASSERT_STRING_EQUAL(info.fw_version, "new-in-dir1");
	snprintf(want, sizeof(want), "%s/intel/vpu/vpu_37xx_v1.bin", tmpdir[1]);
	CU_ASSERT_STRING_EQUAL(info.fw_path, want);
	done();
	rmdirs();
}

static void test_env_path(void)
{
	struct npu_open_params p;
	struct npu_info info;
	char env[256];

	mkdirs();
	put(1, "vpu_37xx_v1.bin", "from-env");
	snprintf(env, sizeof(env), "%s::%s", tmpdir[0], tmpdir[1]);   /* empty entry skipped */
	setenv("NPU_FIRMWARE_PATH", env, 1);
	f = fake_npu_new();
	fake_params(&p, NULL);
	CU_ASSERT_EQUAL_FATAL(npu_open(&p, &dev), 0);
	CU_ASSERT_EQUAL(npu_step_fw_request(dev), 0);
	npu_get_info(dev, &info);
	CU_ASSERT_STRING_EQUAL(info.fw_version, "from-env");
	done();
	/* the defaults follow the environment entries */
	setenv("NPU_FIRMWARE_PATH", tmpdir[0], 1);
	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(npu_open(&p, &dev), 0);
	if (npu_step_fw_request(dev) == -ENOENT) {
		snprintf(env, sizeof(env), "in %s, /lib/firmware/updates, /lib/firmware", tmpdir[0]);
		CU_ASSERT_TRUE(strstr(npu_last_error(dev), env) != NULL);
	}
	done();
	unsetenv("NPU_FIRMWARE_PATH");
	rmdirs();
}

/* The application's own directories (npuctl: next to its executable) come
 * after $NPU_FIRMWARE_PATH and before the system's. */
static void test_app_dirs(void)
{
	const char *app[] = { tmpdir[1], tmpdir[2], NULL };
	const char *only[] = { tmpdir[0], NULL };
	struct npu_open_params p;
	struct npu_info info;
	char want[512];
	int ret;

	unsetenv("NPU_FIRMWARE_PATH");
	mkdirs();
	put_at(2, "vpu_37xx_v1.bin", "app-dir2");
	f = fake_npu_new();
	fake_params(&p, NULL);
	p.app_firmware_dirs = app;
	CU_ASSERT_EQUAL_FATAL(npu_open(&p, &dev), 0);
	CU_ASSERT_EQUAL(npu_step_fw_request(dev), 0);
	npu_get_info(dev, &info);
	CU_ASSERT_STRING_EQUAL(info.fw_version, "app-dir2");
	CU_ASSERT_EQUAL(fake_device_accesses(f), 0);
	done();

	/* $NPU_FIRMWARE_PATH wins */
	put(0, "vpu_37xx_v1.bin", "from-env");
	setenv("NPU_FIRMWARE_PATH", tmpdir[0], 1);
	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(npu_open(&p, &dev), 0);
	CU_ASSERT_EQUAL(npu_step_fw_request(dev), 0);
	npu_get_info(dev, &info);
	CU_ASSERT_STRING_EQUAL(info.fw_version, "from-env");
	done();
	unsetenv("NPU_FIRMWARE_PATH");

	/* explicit search directories replace all of the defaults, the app's too */
	f = fake_npu_new();
	p.search_dirs = only;
	rmdirs();
	mkdirs();
	put_at(1, "vpu_37xx_v1.bin", "app-dir1");
	p.app_firmware_dirs = app;
	CU_ASSERT_EQUAL_FATAL(npu_open(&p, &dev), 0);
	CU_ASSERT_EQUAL(npu_step_fw_request(dev), -ENOENT);
	snprintf(want, sizeof(want), "in %s", tmpdir[0]);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_error(dev), want));
	CU_ASSERT_PTR_NULL(strstr(npu_last_error(dev), tmpdir[1]));
	done();

	/* nothing in the app's directories: the message lists them, then the system's
	 * (unless this machine has an NPU firmware of its own, which is then found) */
	rmdirs();
	mkdirs();
	p.search_dirs = NULL;
	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(npu_open(&p, &dev), 0);
	ret = npu_step_fw_request(dev);
	npu_get_info(dev, &info);
	if (ret == 0) {
		CU_ASSERT_EQUAL(strncmp(info.fw_path, "/lib/firmware/", 14), 0);
	} else {
		snprintf(want, sizeof(want), "in %s, %s, /lib/firmware/updates, /lib/firmware",
			 tmpdir[1], tmpdir[2]);
		CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_error(dev), want));
		if (!strstr(npu_last_error(dev), want))
			fprintf(stderr, "\n    last error: %s\n    expected: %s\n",
				npu_last_error(dev), want);
	}
	done();
	rmdirs();
}

/* ---- Load (ivpu_fw_mem_init, ivpu_fw_load) ------------------------------------------- */

static void test_load_contents_and_layout(void)
{
	struct npu_fw_header *h;
	struct npu_boot_params bp;
	size_t size;
	uint8_t *file = fake_fw_image(0x3000, &size, &h), *mem;
	uint64_t pte;

	f = fake_npu_new();
	h->shave_nn_fw_size = 0x1800;
	CU_ASSERT_EQUAL_FATAL(fake_open(f, fake_write_file(file, size), &dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_boot(dev), 0);
	/* the image is copied to image_load_address, the version page is not */
	mem = malloc(0x5000);
	CU_ASSERT_EQUAL(fake_va_read(f, 0, 0x84800000, mem, 0x5000), 0);
	CU_ASSERT_EQUAL(memcmp(mem + 0x2000, file + NPU_FW_IMAGE_OFFSET, 0x3000), 0);
	for (size_t i = 0x1000; i < 0x2000; i++)
		if (mem[i]) {
			CU_FAIL("runtime between boot params and image not zeroed");
			break;
		}
	free(mem);
	/* runtime region pages: DMA | 0xC43 with the 64 KiB hint, no RO */
	CU_ASSERT_EQUAL(fake_pte(f, 0, 0x84802000, &pte), 0);
	CU_ASSERT_EQUAL(pte & 0xFFF, NPU_MMU_ENTRY_PAGE_IVPU);
	CU_ASSERT_TRUE((pte & NPU_MMU_ENTRY_CONT) != 0);
	/* shared range = ALIGN(runtime end, 128 KiB), 256 MiB */
	CU_ASSERT_EQUAL(fake_va_read(f, 0, 0x84800000, &bp, sizeof(bp)), 0);
	CU_ASSERT_EQUAL(bp.shared_region_base, 0x84900000);
	CU_ASSERT_EQUAL(bp.shared_region_size, 0x10000000);
	CU_ASSERT_EQUAL(bp.crit_tracing_buff_addr, 0x84900000);
	CU_ASSERT_EQUAL(bp.crit_tracing_buff_size, 512 * 1024);
	CU_ASSERT_EQUAL(bp.verbose_tracing_buff_addr, 0x84980000);
	CU_ASSERT_EQUAL(bp.verbose_tracing_buff_size, 1024 * 1024);
	/* log buffers are cached BOs: LLC_COHERENT */
	CU_ASSERT_EQUAL(fake_pte(f, 0, 0x84900000, &pte), 0);
	CU_ASSERT_TRUE((pte & NPU_MMU_ENTRY_LLC_COHERENT) != 0);
	/* SHAVE-NN: page-aligned buffer in the shave range */
	CU_ASSERT_EQUAL(bp.shave_nn_fw_base, 0x180000000ull);
	CU_ASSERT_EQUAL(fake_pte(f, 0, 0x180001000ull, &pte), 0);
	CU_ASSERT_TRUE((pte & NPU_MMU_ENTRY_VALID) != 0);
	CU_ASSERT_TRUE(fake_pte(f, 0, 0x180002000ull, &pte) < 0 || !(pte & NPU_MMU_ENTRY_VALID));
	done();
	free(file);
}

static void test_read_only_section(void)
{
	struct npu_fw_header *h;
	size_t size;
	uint8_t *file = fake_fw_image(0x20000, &size, &h);
	uint64_t pte;

	f = fake_npu_new();
	h->runtime_size = 0x200000;
	h->ro_section_start_address = 0x84803000;
	h->ro_section_size = 0x2000;
	CU_ASSERT_EQUAL_FATAL(fake_open(f, fake_write_file(file, size), &dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_boot(dev), 0);
	CU_ASSERT_EQUAL(fake_pte(f, 0, 0x84803000, &pte), 0);
	CU_ASSERT_TRUE((pte & NPU_MMU_ENTRY_RO) != 0);
	CU_ASSERT_FALSE((pte & NPU_MMU_ENTRY_CONT) != 0);      /* the 64 KiB run was split */
	CU_ASSERT_EQUAL(fake_pte(f, 0, 0x84804000, &pte), 0);
	CU_ASSERT_TRUE((pte & NPU_MMU_ENTRY_RO) != 0);
	CU_ASSERT_EQUAL(fake_pte(f, 0, 0x84805000, &pte), 0);
	CU_ASSERT_FALSE((pte & NPU_MMU_ENTRY_RO) != 0);
	CU_ASSERT_FALSE((pte & NPU_MMU_ENTRY_CONT) != 0);
	CU_ASSERT_EQUAL(fake_pte(f, 0, 0x84810000, &pte), 0);
	CU_ASSERT_TRUE((pte & NPU_MMU_ENTRY_CONT) != 0);       /* the next run keeps its hint */
	done();
	free(file);
}

static void test_verbose_log_size_follows_level(void)
{
	struct npu_open_params p;
	struct npu_boot_params bp;

	f = fake_npu_new();
	fake_params(&p, fake_fw_file());
	p.fw_log_level = NPU_LOG_LEVEL_INFO;
	CU_ASSERT_EQUAL_FATAL(npu_open(&p, &dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_boot(dev), 0);
	CU_ASSERT_EQUAL(fake_va_read(f, 0, 0x84800000, &bp, sizeof(bp)), 0);
	CU_ASSERT_EQUAL(bp.verbose_tracing_buff_size, 8u << 20);
	CU_ASSERT_EQUAL(bp.default_trace_level, NPU_LOG_LEVEL_INFO);
	done();
}

static void test_no_room_for_shared_region(void)
{
	struct npu_fw_header *h;
	size_t size;
	uint8_t *file = fake_fw_image(0x1000, &size, &h);

	f = fake_npu_new();
	h->boot_params_load_address = 0xB0000000;   /* allowed; its end + 256 MiB > 3 GiB */
	h->image_load_address = h->entry_point = 0xB0002000;
	CU_ASSERT_EQUAL_FATAL(fake_open(f, fake_write_file(file, size), &dev), 0);
	CU_ASSERT_EQUAL(npu_boot(dev), -ENOEXEC);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "no room for the 256 MiB shared region") != NULL);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "0xb0100000") != NULL);
	done();
	free(file);
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("driver_fw", NULL, NULL);
	CU_add_test(s, "missing explicit file", test_missing_explicit_file);
	CU_add_test(s, "truncated file", test_truncated);
	CU_add_test(s, "header_version != 1", test_header_version);
	CU_add_test(s, "image beyond the file", test_image_beyond_file);
	CU_add_test(s, "entry point outside the image", test_entry_outside_image);
	CU_add_test(s, "runtime region out of range", test_runtime_out_of_range);
	CU_add_test(s, "image over the boot params page", test_image_over_boot_params);
	CU_add_test(s, "Intel's LEON image refused (hw-facts 4.3)", test_intel_leon_image);
	CU_add_test(s, "unknown image_format refused", test_unknown_image_format);
	CU_add_test(s, "JSM API older than 3.0", test_api_too_old);
	CU_add_test(s, "search order: names, then directories", test_search_order);
	CU_add_test(s, "NPU_FIRMWARE_PATH", test_env_path);
	CU_add_test(s, "application directories", test_app_dirs);
	CU_add_test(s, "load: image, zeroing, mappings, buffers", test_load_contents_and_layout);
	CU_add_test(s, "read-only section", test_read_only_section);
	CU_add_test(s, "verbose log 8 MiB at INFO", test_verbose_log_size_follows_level);
	CU_add_test(s, "no room for the shared region", test_no_room_for_shared_region);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}

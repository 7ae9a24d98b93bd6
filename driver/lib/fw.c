/* SPDX-License-Identifier: MIT */
/*
 * Firmware: search, read and validate the file (ivpu_fw_request,
 * ivpu_fw_parse through the shared parser npu_fw_parse), allocate the
 * runtime region, log and SHAVE buffers (ivpu_fw_mem_init) and copy the
 * image (ivpu_fw_load). hw-facts §4.1-§4.3, hw-facts §8.
 *
 * Everything up to and including validation happens before the device is
 * touched, so a bad file never leaves a half-initialised device; that
 * includes refusing any image our control core cannot run (a LEON image).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drv.h"
#include "npu-format/fw_file.h"

/* Names Linux 6.12 requests for 37xx, in order (ivpu_fw.c fw_names[]);
 * each is also tried without the prefix, the layout of a directory that
 * holds only NPU firmware (build/firmware, share/intel-npu-mtl/firmware). */
#define FW_NAME_PREFIX "intel/vpu/"
static const char *const fw_names[] = {
	"vpu_37xx_v1.bin",
	"vpu_37xx_v0.0.bin",
};

/* Searched after $NPU_FIRMWARE_PATH and the application's directories. */
static const char *const fw_system_dirs[] = {
	"/lib/firmware/updates",
	"/lib/firmware",
};

#define FW_READ_CHUNK    (1u << 20)
#define FW_FILE_MAX      (NPU_FW_RUNTIME_MAX_SIZE)  /* runtime_size >= file size */
#define FW_API_D0I3_MSG  NPU_API_VERSION(3, 17)     /* BOOT API with d0i3_delayed_entry */

/* Read a whole file; -ENOENT/-EACCES/-EIO with errno's text in *why. */
static int read_file(const char *path, uint8_t **data, size_t *size, char *why, size_t why_len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	int err;

	if (!f) {
		err = errno;
		snprintf(why, why_len, "%s", strerror(err));
		return err == ENOENT || err == ENOTDIR ? -ENOENT : err == EACCES ? -EACCES : -EIO;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			uint8_t *nb;

			if (cap >= FW_FILE_MAX + 1) {
				snprintf(why, why_len, "file is larger than the 512 MiB runtime "
					 "region maximum");
				free(buf);
				fclose(f);
				return -ENOEXEC;
			}
			cap += FW_READ_CHUNK;
			nb = realloc(buf, cap);
			if (!nb) {
				snprintf(why, why_len, "out of memory reading %zu bytes", cap);
				free(buf);
				fclose(f);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(why, why_len, "read error after %zu bytes", len);
		free(buf);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*data = buf;
	*size = len;
	return 0;
}

/* The directories to search, in order (npu.h, struct npu_open_params):
 * their number, or -ENOMEM. *env_copy holds the split $NPU_FIRMWARE_PATH;
 * free it after use. */
static int fw_search_dirs(struct npu_device *dev, const char **dirs, size_t max,
			  char **env_copy)
{
	const char *env = getenv("NPU_FIRMWARE_PATH");
	size_t n = 0;

	*env_copy = NULL;
	if (dev->search_dirs) {
		for (char **d = dev->search_dirs; *d && n < max; d++)
			dirs[n++] = *d;
		return (int)n;
	}
	if (env && *env) {
		*env_copy = strdup(env);
		if (!*env_copy)
			return -ENOMEM;
	}
	/* colon-separated; empty entries are skipped */
	for (char *tok = *env_copy; tok && n < max;) {
		char *colon = strchr(tok, ':');

		if (colon)
			*colon = '\0';
		if (*tok)
			dirs[n++] = tok;
		tok = colon ? colon + 1 : NULL;
	}
	if (dev->app_firmware_dirs)
		for (char **d = dev->app_firmware_dirs; *d && n < max; d++)
			dirs[n++] = *d;
	for (size_t i = 0; i < NPU_ARRAY_SIZE(fw_system_dirs) && n < max; i++)
		dirs[n++] = fw_system_dirs[i];
	return (int)n;
}

/* The file to use: the explicit path, else the first name found in the
 * search directories. */
static int fw_find(struct npu_device *dev, char *path, size_t path_len, uint8_t **data,
		   size_t *size)
{
	char why[256], where[384] = "";
	const char *dirs[2 * NPU_FW_SEARCH_DIRS_MAX + NPU_ARRAY_SIZE(fw_system_dirs) + 16];
	char *env_copy;
	size_t ndirs, wlen = 0;
	int ret, other_err = 0;

	if (dev->firmware_path) {
		snprintf(path, path_len, "%s", dev->firmware_path);
		ret = read_file(path, data, size, why, sizeof(why));
		if (ret)
			return npu_fail(dev, ret, "firmware %s: %s", path, why);
		return 0;
	}

	ret = fw_search_dirs(dev, dirs, NPU_ARRAY_SIZE(dirs), &env_copy);
	if (ret < 0)
		return npu_fail(dev, ret, "firmware search: out of memory");
	ndirs = (size_t)ret;
	for (size_t n = 0; n < NPU_ARRAY_SIZE(fw_names); n++) {
		for (size_t d = 0; d < 2 * ndirs; d++) {
			snprintf(path, path_len, "%s/%s%s", dirs[d / 2], d % 2 ? "" : FW_NAME_PREFIX,
				 fw_names[n]);
			ret = read_file(path, data, size, why, sizeof(why));
			if (!ret) {
				free(env_copy);
				npu_dbg(dev, "firmware found: %s", path);
				return 0;
			}
			if (ret != -ENOENT && !other_err) {
				other_err = ret;
				npu_warn(dev, "firmware %s: %s; trying the next candidate", path, why);
			}
		}
	}
	for (size_t d = 0; d < ndirs && wlen < sizeof(where); d++)
		wlen += (size_t)snprintf(where + wlen, sizeof(where) - wlen, "%s%s",
					 d ? ", " : "", dirs[d]);
	free(env_copy);
	path[0] = '\0';
	if (!ndirs)
		return npu_fail(dev, -ENOENT, "firmware not found: no search directories");
	return npu_fail(dev, other_err ? other_err : -ENOENT, "firmware not found: looked for "
			FW_NAME_PREFIX "%s, " FW_NAME_PREFIX "%s and both without "
			FW_NAME_PREFIX " in %s", fw_names[0], fw_names[1], where);
}

/*
 * The modelled control core is an RV32IM hart (docs/deviations.md D1, D2),
 * so the only image it can run is ours. Linux only prints image_format, and
 * a LEON file is valid in every other respect (hw-facts §4.3), so without
 * this check Intel's image would be loaded and started, and the boot would
 * time out a second later with nothing to say why.
 */
static int check_image_format(struct npu_device *dev, const char *path, uint32_t format)
{
	static const char use_ours[] = "use the project's build/firmware/vpu_37xx_v1.bin "
		"(installed: $PREFIX/share/intel-npu-mtl/firmware/vpu_37xx_v1.bin)";

	if (format == NPU_FW_IMAGE_FORMAT_RV32)
		return 0;
	if (format == NPU_FW_IMAGE_FORMAT_LEON)
		return npu_fail(dev, -ENOEXEC, "firmware %s: LEON image (image_format %u), Intel's "
				"firmware for the real LeonRT core, which this simulator does not run "
				"(its control core is RV32IM); %s", path, format, use_ours);
	return npu_fail(dev, -ENOEXEC, "firmware %s: image_format 0x%08x is not RV32 (0x%08x), the "
			"only format the simulated control core runs; %s", path, format,
			NPU_FW_IMAGE_FORMAT_RV32, use_ours);
}

void npu_fw_release(struct npu_device *dev)
{
	free(dev->fw.file);
	dev->fw.file = NULL;
	dev->fw.file_size = 0;
	dev->fw.loaded = false;
}

int npu_fw_request(struct npu_device *dev)
{
	struct npu_fw *fw = &dev->fw;
	struct npu_fw_info info;
	char why[256];
	uint8_t *data = NULL;
	size_t size = 0;
	int ret;

	if (fw->loaded)
		return 0;
	ret = fw_find(dev, fw->path, sizeof(fw->path), &data, &size);
	if (ret)
		return ret;

	ret = npu_fw_parse(data, size, &info, why, sizeof(why));
	if (ret != NPU_FW_OK) {
		free(data);
		return npu_fail(dev, -ENOEXEC, "firmware %s: %s [%s]", fw->path, why,
				npu_fw_err_name(ret));
	}
	/* Checks the parser leaves to the loader: */
	ret = check_image_format(dev, fw->path, info.hdr.image_format);
	if (ret) {
		free(data);
		return ret;
	}
	if (!NPU_IS_ALIGNED(info.runtime_addr, NPU_MMU_PAGE_SIZE)) {
		free(data);
		return npu_fail(dev, -ENOEXEC, "firmware %s: runtime region 0x%llx is not 4 KiB "
				"aligned, so it cannot be mapped", fw->path,
				(unsigned long long)info.runtime_addr);
	}
	if (info.image_load_offset < NPU_FW_BOOT_PARAMS_SIZE) {
		free(data);
		return npu_fail(dev, -ENOEXEC, "firmware %s: image at 0x%llx overlaps the boot "
				"parameters page [0x%llx, 0x%llx)", fw->path,
				(unsigned long long)info.image_load_address,
				(unsigned long long)info.runtime_addr,
				(unsigned long long)(info.runtime_addr + NPU_FW_BOOT_PARAMS_SIZE));
	}
	for (unsigned bit = 1; bit; bit <<= 1)
		if (info.warnings & bit)
			npu_warn(dev, "firmware %s: %s", fw->path, npu_fw_warning_str(bit));

	fw->file = data;
	fw->file_size = size;
	fw->hdr = info.hdr;
	snprintf(fw->version, sizeof(fw->version), "%.*s", (int)info.version_len, info.version);
	fw->runtime_addr = info.runtime_addr;
	fw->runtime_size = (uint32_t)info.runtime_size;
	fw->image_load_offset = info.image_load_offset;
	fw->image_size = info.image_size;
	fw->cold_entry = fw->entry = info.entry_point;
	fw->shave_nn_size = (uint32_t)NPU_ALIGN_UP(info.hdr.shave_nn_fw_size, NPU_MMU_PAGE_SIZE);
	fw->ro_addr = info.ro_addr;
	fw->ro_size = info.ro_size;
	fw->trace_level = dev->fw_log_level < NPU_LOG_LEVEL_FATAL ? dev->fw_log_level
								  : NPU_LOG_LEVEL_FATAL;
	fw->trace_dest_mask = NPU_TRACE_DESTINATION_VERBOSE;
	fw->trace_hw_mask = UINT64_MAX;
	fw->sched_mode = dev->sched_mode == NPU_SCHED_HW ? NPU_SCHEDULING_MODE_HW
							 : NPU_SCHEDULING_MODE_OS;
	/* ivpu_fw_init_wa: firmware older than BOOT API 3.17 gets no D0i3 message */
	fw->disable_d0i3_msg = info.hdr.api_version[NPU_FW_API_BOOT] < FW_API_D0I3_MSG;
	fw->loaded = true;
	npu_info(dev, "firmware: %s, version: %s, BOOT API %u.%u, JSM API %u.%u, scheduler: %s",
		 fw->path, fw->version[0] ? fw->version : "(none)",
		 NPU_API_MAJOR(info.hdr.api_version[NPU_FW_API_BOOT]),
		 NPU_API_MINOR(info.hdr.api_version[NPU_FW_API_BOOT]),
		 NPU_API_MAJOR(info.hdr.api_version[NPU_FW_API_JSM]),
		 NPU_API_MINOR(info.hdr.api_version[NPU_FW_API_JSM]),
		 fw->sched_mode == NPU_SCHEDULING_MODE_HW ? "HW" : "OS");
	return 0;
}

/* ivpu_fw_update_global_range: the shared region follows the runtime */
static int update_global_range(struct npu_device *dev)
{
	uint64_t start = NPU_ALIGN_UP(dev->fw.runtime_addr + dev->fw.runtime_size,
				      NPU_FW_SHARED_MEM_ALIGN);

	if (start + NPU_FW_SHARED_MEM_SIZE > NPU_FW_GLOBAL_MEM_END)
		return npu_fail(dev, -ENOEXEC, "firmware %s: no room for the 256 MiB shared region "
				"after the runtime region (it would start at 0x%llx, beyond 0x%llx)",
				dev->fw.path, (unsigned long long)start,
				(unsigned long long)(NPU_FW_GLOBAL_MEM_END - NPU_FW_SHARED_MEM_SIZE));
	dev->ranges.global.start = start;
	dev->ranges.global.end = start + NPU_FW_SHARED_MEM_SIZE;
	return 0;
}

int npu_fw_mem_init(struct npu_device *dev)
{
	struct npu_fw *fw = &dev->fw;
	struct npu_range runtime = { fw->runtime_addr, fw->runtime_addr + fw->runtime_size };
	uint32_t verb_size;
	int ret;

	if (fw->mem)
		return 0;
	ret = update_global_range(dev);
	if (ret)
		return ret;
	ret = npu_bo_create(dev, &dev->gctx, &runtime, fw->runtime_size, 0, "fw-runtime", &fw->mem);
	if (ret)
		return ret;
	if (fw->mem->va != fw->runtime_addr) {
		ret = npu_fail(dev, -ENOSPC, "firmware runtime region 0x%llx is partly in use "
			       "(got VA 0x%llx)", (unsigned long long)fw->runtime_addr,
			       (unsigned long long)fw->mem->va);
		goto err;
	}
	ret = npu_ctx_set_ro(dev, &dev->gctx, fw->ro_addr, fw->ro_size);
	if (ret)
		goto err;
	ret = npu_bo_create_global(dev, NPU_FW_LOG_CRIT_SIZE, NPU_BUF_CACHED, "fw-log-critical",
				   &fw->log_crit);
	if (ret)
		goto err;
	/* ivpu: 8 MiB verbose buffer when the firmware logs at INFO or below */
	verb_size = dev->fw_log_level <= NPU_LOG_LEVEL_INFO ? 8 * NPU_FW_LOG_VERB_SIZE
							    : NPU_FW_LOG_VERB_SIZE;
	ret = npu_bo_create_global(dev, verb_size, NPU_BUF_CACHED, "fw-log-verbose", &fw->log_verb);
	if (ret)
		goto err;
	if (fw->shave_nn_size) {
		ret = npu_bo_create(dev, &dev->gctx, &dev->ranges.shave, fw->shave_nn_size, 0,
				    "fw-shave-nn", &fw->shave_nn);
		if (ret)
			goto err;
	}
	return 0;
err:
	npu_fw_mem_fini(dev);
	return ret;
}

void npu_fw_mem_fini(struct npu_device *dev)
{
	struct npu_fw *fw = &dev->fw;

	npu_bo_free(dev, fw->shave_nn);
	npu_bo_free(dev, fw->log_verb);
	npu_bo_free(dev, fw->log_crit);
	npu_bo_free(dev, fw->mem);
	fw->shave_nn = fw->log_verb = fw->log_crit = fw->mem = NULL;
}

/* ivpu_fw_load: zero the runtime up to the image, copy the image. The
 * version page of the file is not copied. */
void npu_fw_copy_image(struct npu_device *dev)
{
	struct npu_fw *fw = &dev->fw;
	uint8_t *mem = fw->mem->dma.cpu;

	memset(mem, 0, fw->image_load_offset);
	memcpy(mem + fw->image_load_offset, fw->file + NPU_FW_IMAGE_OFFSET, fw->image_size);
	npu_bo_sync_dev(dev, fw->mem, 0, fw->image_load_offset + fw->image_size);
	fw->entry = fw->cold_entry;
}

struct npu_boot_params *npu_fw_boot_params(struct npu_device *dev)
{
	return dev->fw.mem ? (struct npu_boot_params *)dev->fw.mem->dma.cpu : NULL;
}

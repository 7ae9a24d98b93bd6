/* SPDX-License-Identifier: MIT */
/*
 * Firmware file parser, validator and header serialiser
 * (npu-format/fw_file.h). The checks and their order follow Linux 6.12's
 * ivpu_fw_parse() (hw-facts §4.2); the extra checks are marked "(ours)".
 */
#include "npu-format/fw_file.h"
#include "intel-npu/bits.h"
#include "msg.h"

/*
 * The header's fields, in file order: offset, element size, elements. The
 * struct is packed with 4-byte alignment exactly like the file
 * (NPU_ABI_CHECK_* in fw_header.h), so a field's file offset is its offset
 * in the struct; only the byte order differs.
 */
#define HDR_FIELD(f, n) { offsetof(struct npu_fw_header, f), \
			  sizeof(((struct npu_fw_header *)0)->f) / (n), (n) }
#define HDR_SCALAR(f)   HDR_FIELD(f, 1)
#define HDR_ARRAY(f)    HDR_FIELD(f, sizeof(((struct npu_fw_header *)0)->f) / \
				     sizeof(((struct npu_fw_header *)0)->f[0]))

static const struct hdr_field {
	uint16_t off;
	uint8_t size;    /* 1, 4 or 8 bytes */
	uint8_t count;
} hdr_fields[] = {
	HDR_SCALAR(header_version),
	HDR_SCALAR(image_format),
	HDR_SCALAR(image_load_address),
	HDR_SCALAR(image_size),
	HDR_SCALAR(entry_point),
	HDR_ARRAY(vpu_version),
	HDR_SCALAR(compression_type),
	HDR_SCALAR(firmware_version_load_address),
	HDR_SCALAR(firmware_version_size),
	HDR_SCALAR(boot_params_load_address),
	HDR_ARRAY(api_version),
	HDR_SCALAR(runtime_size),
	HDR_SCALAR(shave_nn_fw_size),
	HDR_SCALAR(preemption_buffer_1_size),
	HDR_SCALAR(preemption_buffer_2_size),
	HDR_SCALAR(preemption_buffer_1_max_size),
	HDR_SCALAR(preemption_buffer_2_max_size),
	HDR_ARRAY(preemption_reserved),
	HDR_SCALAR(ro_section_start_address),
	HDR_SCALAR(ro_section_size),
	HDR_SCALAR(reserved),
};

void npu_fw_header_decode(const void *bytes, struct npu_fw_header *h)
{
	const uint8_t *in = bytes;
	uint8_t *out = (uint8_t *)h;

	for (size_t i = 0; i < sizeof(hdr_fields) / sizeof(hdr_fields[0]); i++) {
		const struct hdr_field *f = &hdr_fields[i];

		for (unsigned e = 0; e < f->count; e++) {
			size_t at = f->off + (size_t)e * f->size;
			uint32_t v32;
			uint64_t v64;

			switch (f->size) {
			case 8:
				v64 = npu_le64_get(in + at);
				__builtin_memcpy(out + at, &v64, 8);
				break;
			case 4:
				v32 = npu_le32_get(in + at);
				__builtin_memcpy(out + at, &v32, 4);
				break;
			default:
				out[at] = in[at];
				break;
			}
		}
	}
}

void npu_fw_header_encode(const struct npu_fw_header *h, void *bytes)
{
	const uint8_t *in = (const uint8_t *)h;
	uint8_t *out = bytes;

	for (size_t i = 0; i < sizeof(hdr_fields) / sizeof(hdr_fields[0]); i++) {
		const struct hdr_field *f = &hdr_fields[i];

		for (unsigned e = 0; e < f->count; e++) {
			size_t at = f->off + (size_t)e * f->size;
			uint32_t v32;
			uint64_t v64;

			switch (f->size) {
			case 8:
				__builtin_memcpy(&v64, in + at, 8);
				npu_le64_put(out + at, v64);
				break;
			case 4:
				__builtin_memcpy(&v32, in + at, 4);
				npu_le32_put(out + at, v32);
				break;
			default:
				out[at] = in[at];
				break;
			}
		}
	}
}

__attribute__((format(printf, 3, 4)))
static void fail(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	npf_vmsg(why, why_len, fmt, ap);
	va_end(ap);
}

/* [addr, addr + size) inside [start, start + len), without overflow. */
static bool within(uint64_t addr, uint64_t size, uint64_t start, uint64_t len)
{
	return addr >= start && size <= len && addr - start <= len - size;
}

static int check_api(const struct npu_fw_header *h, unsigned idx, const char *name,
		     int err, char *why, size_t why_len)
{
	uint32_t v = h->api_version[idx];

	if (NPU_API_MAJOR(v) >= NPU_FW_MIN_API_MAJOR)
		return 0;
	fail(why, why_len, "%s version %u.%u (api_version[%u] = 0x%08x) is older than %u.0, the "
	     "oldest the driver accepts", name, NPU_API_MAJOR(v), NPU_API_MINOR(v), idx, (unsigned)v,
	     NPU_FW_MIN_API_MAJOR);
	return err;
}

int npu_fw_parse(const void *file, size_t size, struct npu_fw_info *info,
		 char *why, size_t why_len)
{
	const uint8_t *f = file;
	const struct npu_fw_header *h;
	uint64_t runtime, runtime_size, image, image_size, entry, ro;
	const char *ver;
	size_t ver_len;
	int err;

	if (why && why_len)
		why[0] = '\0';
	if (!info) {
		fail(why, why_len, "no result structure given");
		return NPU_FW_ERR_ARG;
	}
	__builtin_memset(info, 0, sizeof(*info));
	info->file_size = size;
	if (!file) {
		fail(why, why_len, "no file data given");
		return NPU_FW_ERR_ARG;
	}
	h = &info->hdr;
	if (size >= sizeof(struct npu_fw_header)) {
		npu_fw_header_decode(f, &info->hdr);
		info->header_decoded = true;
		__builtin_memcpy(info->vpu_version, h->vpu_version, sizeof(h->vpu_version));
	}

	if (size <= NPU_FW_IMAGE_OFFSET) {
		fail(why, why_len, "file is %zu bytes; a firmware file has a 4 KiB header, a 4 KiB "
		     "version page and an image, so it must be larger than %u bytes",
		     size, NPU_FW_IMAGE_OFFSET);
		return NPU_FW_ERR_TOO_SMALL;
	}
	if (h->header_version != NPU_FW_HEADER_VERSION) {
		fail(why, why_len, "header_version is %u; the only known version is %u (a file "
		     "that is not an NPU firmware, or a newer format)", (unsigned)h->header_version,
		     NPU_FW_HEADER_VERSION);
		return NPU_FW_ERR_HEADER_VERSION;
	}

	runtime = h->boot_params_load_address;
	runtime_size = h->runtime_size;
	image = h->image_load_address;
	image_size = h->image_size;
	entry = h->entry_point;

	if (runtime < NPU_FW_RUNTIME_MIN_ADDR || runtime > NPU_FW_RUNTIME_MAX_ADDR) {
		fail(why, why_len, "runtime region address (boot_params_load_address) 0x%llx is "
		     "outside [0x%llx, 0x%llx]", (unsigned long long)runtime,
		     (unsigned long long)NPU_FW_RUNTIME_MIN_ADDR,
		     (unsigned long long)NPU_FW_RUNTIME_MAX_ADDR);
		return NPU_FW_ERR_RUNTIME_ADDR;
	}
	info->runtime_addr = runtime;
	if (runtime_size < size || runtime_size > NPU_FW_RUNTIME_MAX_SIZE) {
		fail(why, why_len, "runtime_size 0x%llx is %s", (unsigned long long)runtime_size,
		     runtime_size < size ? "smaller than the file itself" :
		     "larger than the 512 MiB maximum");
		if (runtime_size < size)
			npf_msg_append(why, why_len, " (%zu bytes)", size);
		return NPU_FW_ERR_RUNTIME_SIZE;
	}
	info->runtime_size = runtime_size;
	if (NPU_FW_IMAGE_OFFSET + image_size > size) {
		fail(why, why_len, "image_size 0x%llx from file offset 0x%x ends at 0x%llx, beyond "
		     "the end of the file (%zu bytes)", (unsigned long long)image_size,
		     NPU_FW_IMAGE_OFFSET, (unsigned long long)(NPU_FW_IMAGE_OFFSET + image_size),
		     size);
		return NPU_FW_ERR_IMAGE_SIZE;
	}
	if (!within(image, image_size, runtime, runtime_size)) {
		fail(why, why_len, "image [0x%llx, 0x%llx) is not inside the runtime region "
		     "[0x%llx, 0x%llx)", (unsigned long long)image,
		     (unsigned long long)(image + image_size), (unsigned long long)runtime,
		     (unsigned long long)(runtime + runtime_size));
		return NPU_FW_ERR_IMAGE_RANGE;
	}
	info->image_load_address = image;
	info->image_load_offset = image - runtime;
	info->image_size = (uint32_t)image_size;
	info->image = f + NPU_FW_IMAGE_OFFSET;
	if (h->shave_nn_fw_size > NPU_FW_SHAVE_NN_MAX_SIZE) {
		fail(why, why_len, "shave_nn_fw_size 0x%x is larger than the 2 MiB maximum",
		     (unsigned)h->shave_nn_fw_size);
		return NPU_FW_ERR_SHAVE_SIZE;
	}
	if (entry < image || entry - image >= image_size) {
		fail(why, why_len, "entry point 0x%llx is outside the image [0x%llx, 0x%llx)",
		     (unsigned long long)entry, (unsigned long long)image,
		     (unsigned long long)(image + image_size));
		return NPU_FW_ERR_ENTRY_RANGE;
	}
	/* (ours) LOADING_ADDRESS_LO.IMAGE_LOCATION holds entry >> 9 in bits
	 * [31:3]: address bits 11:9 cannot be expressed (hw-facts §3.3). */
	if (entry & 0xFFFu) {
		fail(why, why_len, "entry point 0x%llx is not 4 KiB aligned; the host starts the "
		     "core by writing entry >> 9 to LOADING_ADDRESS, which only holds page "
		     "numbers", (unsigned long long)entry);
		return NPU_FW_ERR_ENTRY_ALIGN;
	}
	info->entry_point = entry;

	/* (ours) Linux prints the string with %s and only warns when it is empty. */
	ver = (const char *)f + NPU_FW_VERSION_OFFSET;
	ver_len = npf_strnlen(ver, NPU_FW_VERSION_HEADER_SIZE);
	if (ver_len == NPU_FW_VERSION_HEADER_SIZE) {
		fail(why, why_len, "the version string at file offset 0x%x has no NUL terminator "
		     "within its 4 KiB page", NPU_FW_VERSION_OFFSET);
		return NPU_FW_ERR_VERSION_STRING;
	}
	info->version = ver;
	info->version_len = ver_len;
	if (!ver_len)
		info->warnings |= NPU_FW_WARN_NO_VERSION;

	err = check_api(h, NPU_FW_API_BOOT, "BOOT API", NPU_FW_ERR_API_BOOT, why, why_len);
	if (!err)
		err = check_api(h, NPU_FW_API_JSM, "JSM API", NPU_FW_ERR_API_JSM, why, why_len);
	if (err)
		return err;
	if (NPU_API_MAJOR(h->api_version[NPU_FW_API_BOOT]) != NPU_FW_EXPECTED_API_MAJOR ||
	    NPU_API_MAJOR(h->api_version[NPU_FW_API_JSM]) != NPU_FW_EXPECTED_API_MAJOR)
		info->warnings |= NPU_FW_WARN_API_MAJOR;

	ro = h->ro_section_start_address;
	if (ro && !within(ro, h->ro_section_size, image, image_size)) {
		fail(why, why_len, "read-only section [0x%llx, 0x%llx) is not inside the image "
		     "[0x%llx, 0x%llx)", (unsigned long long)ro,
		     (unsigned long long)(ro + h->ro_section_size), (unsigned long long)image,
		     (unsigned long long)(image + image_size));
		return NPU_FW_ERR_RO_SECTION;
	}
	/* (ours) ivpu_mmu_context_set_pages_ro() refuses unaligned ranges. */
	if ((ro | h->ro_section_size) & 0xFFFu) {
		fail(why, why_len, "read-only section 0x%llx size 0x%x is not 4 KiB aligned; the "
		     "host maps it read-only page by page", (unsigned long long)ro,
		     (unsigned)h->ro_section_size);
		return NPU_FW_ERR_RO_SECTION;
	}
	if (!ro && h->ro_section_size) {
		fail(why, why_len, "read-only section has size 0x%x but no address",
		     (unsigned)h->ro_section_size);
		return NPU_FW_ERR_RO_SECTION;
	}
	info->ro_addr = ro;
	info->ro_size = h->ro_section_size;

	if (h->compression_type)
		info->warnings |= NPU_FW_WARN_COMPRESSED;
	if (!h->preemption_buffer_1_size || !h->preemption_buffer_2_size)
		info->warnings |= NPU_FW_WARN_NO_PREEMPT;
	if (h->image_format != NPU_FW_IMAGE_FORMAT_LEON && h->image_format != NPU_FW_IMAGE_FORMAT_RV32)
		info->warnings |= NPU_FW_WARN_IMAGE_FORMAT;
	return NPU_FW_OK;
}

static const struct {
	int err;
	const char *name, *summary;
} errs[] = {
	{ NPU_FW_OK, "NPU_FW_OK", "valid firmware file" },
	{ NPU_FW_ERR_TOO_SMALL, "NPU_FW_ERR_TOO_SMALL", "file too small to hold an image" },
	{ NPU_FW_ERR_HEADER_VERSION, "NPU_FW_ERR_HEADER_VERSION", "unknown header version" },
	{ NPU_FW_ERR_RUNTIME_ADDR, "NPU_FW_ERR_RUNTIME_ADDR", "runtime region address out of range" },
	{ NPU_FW_ERR_RUNTIME_SIZE, "NPU_FW_ERR_RUNTIME_SIZE", "runtime region size out of range" },
	{ NPU_FW_ERR_IMAGE_SIZE, "NPU_FW_ERR_IMAGE_SIZE", "image extends beyond the file" },
	{ NPU_FW_ERR_IMAGE_RANGE, "NPU_FW_ERR_IMAGE_RANGE", "image outside the runtime region" },
	{ NPU_FW_ERR_SHAVE_SIZE, "NPU_FW_ERR_SHAVE_SIZE", "SHAVE NN firmware too large" },
	{ NPU_FW_ERR_ENTRY_RANGE, "NPU_FW_ERR_ENTRY_RANGE", "entry point outside the image" },
	{ NPU_FW_ERR_ENTRY_ALIGN, "NPU_FW_ERR_ENTRY_ALIGN", "entry point not 4 KiB aligned" },
	{ NPU_FW_ERR_VERSION_STRING, "NPU_FW_ERR_VERSION_STRING", "version string not terminated" },
	{ NPU_FW_ERR_API_BOOT, "NPU_FW_ERR_API_BOOT", "BOOT API version too old" },
	{ NPU_FW_ERR_API_JSM, "NPU_FW_ERR_API_JSM", "JSM API version too old" },
	{ NPU_FW_ERR_RO_SECTION, "NPU_FW_ERR_RO_SECTION", "invalid read-only section" },
	{ NPU_FW_ERR_ARG, "NPU_FW_ERR_ARG", "invalid argument" },
};

const char *npu_fw_err_name(int err)
{
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
		if (errs[i].err == err)
			return errs[i].name;
	return "NPU_FW_ERR_UNKNOWN";
}

const char *npu_fw_strerror(int err)
{
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
		if (errs[i].err == err)
			return errs[i].summary;
	return "unknown firmware parser error";
}

const char *npu_fw_warning_str(unsigned bit)
{
	switch (bit) {
	case NPU_FW_WARN_API_MAJOR:
		return "BOOT or JSM API major is not 3: Linux 6.12 warns \"Major FW API version different\"";
	case NPU_FW_WARN_NO_VERSION:
		return "empty version string: Linux warns \"Missing firmware version\"";
	case NPU_FW_WARN_COMPRESSED:
		return "compression_type is not 0; Linux ignores it and copies the image as is";
	case NPU_FW_WARN_NO_PREEMPT:
		return "a preemption buffer size is 0: command queues cannot be created in HW "
		       "scheduling mode";
	case NPU_FW_WARN_IMAGE_FORMAT:
		return "image_format is neither LEON (1) nor RV32 (\"RV32\"); Linux only prints it";
	default:
		return "unknown warning";
	}
}

const char *npu_fw_image_format_name(uint32_t image_format)
{
	switch (image_format) {
	case NPU_FW_IMAGE_FORMAT_RV32:
		return "RV32 (intel-npu-mtl)";
	case NPU_FW_IMAGE_FORMAT_LEON:
		return "LEON (Intel)";
	default:
		return "unknown";
	}
}

const char *npu_fw_api_name(unsigned idx)
{
	switch (idx) {
	case NPU_FW_API_BOOT:
		return "BOOT API (boot params layout)";
	case NPU_FW_API_JOB_CMD:
		return "JOB_CMD API (command buffer format)";
	case NPU_FW_API_JSM:
		return "JSM API (IPC messages, job queues)";
	case NPU_FW_API_NNRT_37XX:
		return "NN runtime API (37xx)";
	default:
		return NULL;
	}
}

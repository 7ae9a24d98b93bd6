/* SPDX-License-Identifier: MIT */
/*
 * fwinspect: print every field of NPU firmware file headers (hw-facts §4.2)
 * and whether it is a valid firmware file (format/fw_file.c: the checks
 * of Linux 6.12 plus ours; the driver's parser).
 *
 *   fwinspect [--json] FILE...
 *
 * Exit status: 0 every file valid, 1 some file invalid, 2 usage or I/O
 * error (which wins over 1).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "npu-format/fw_file.h"

#define EXIT_INVALID 1
#define EXIT_USAGE   2

static void usage(FILE *to)
{
	fprintf(to, "usage: fwinspect [--json] FILE...\n"
		"Prints the header of NPU firmware files (vpu_37xx_v1.bin layout) and\n"
		"validates them as the driver does. Exit: 0 valid, 1 invalid, 2 usage or I/O error.\n");
}

/* Reads a regular file; on failure prints why and returns NULL. */
static unsigned char *load(const char *path, size_t *size)
{
	struct stat st;
	unsigned char *buf;
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "fwinspect: %s: cannot open: %s\n", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "fwinspect: %s: not a regular file\n", path);
		fclose(f);
		return NULL;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		fprintf(stderr, "fwinspect: %s: out of memory (%lld bytes)\n", path,
			(long long)st.st_size);
		fclose(f);
		return NULL;
	}
	if (fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size || ferror(f)) {
		fprintf(stderr, "fwinspect: %s: read error: %s\n", path,
			errno ? strerror(errno) : "short read");
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*size = (size_t)st.st_size;
	return buf;
}

/* ---- JSON helpers --------------------------------------------------------------- */

static void json_str(const char *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7F)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void text_str(const char *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7F)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* ---- Output ------------------------------------------------------------------------ */

static void hex_line(const char *name, uint64_t v, int digits, const char *note)
{
	printf("  %-30s 0x%0*llx%s%s\n", name, digits, (unsigned long long)v, note ? " " : "",
	       note ? note : "");
}

static void size_line(const char *name, uint32_t v)
{
	printf("  %-30s 0x%x (%u bytes)\n", name, v, v);
}

/* Fields in header order (hw-facts §4.2). */
static void print_text(const char *path, const struct npu_fw_info *in, int err, const char *why)
{
	const struct npu_fw_header *h = &in->hdr;
	char name[32];

	printf("%s: %zu bytes\n", path, in->file_size);
	if (!in->header_decoded) {
		printf("  (file shorter than the %zu-byte header: no fields to show)\n",
		       sizeof(struct npu_fw_header));
	} else {
		printf("  %-30s %u\n", "header_version", h->header_version);
		hex_line("image_format", h->image_format, 8, npu_fw_image_format_name(h->image_format));
		hex_line("image_load_address", h->image_load_address, 8, NULL);
		size_line("image_size", h->image_size);
		hex_line("entry_point", h->entry_point, 8, NULL);
		printf("  %-30s ", "vpu_version");
		text_str(in->vpu_version, sizeof(in->vpu_version));
		printf("\n  %-30s %u (%s)\n", "compression_type", h->compression_type,
		       h->compression_type ? "compressed; Linux ignores it" : "none");
		hex_line("firmware_version_load_address", h->firmware_version_load_address, 8, NULL);
		size_line("firmware_version_size", h->firmware_version_size);
		hex_line("boot_params_load_address", h->boot_params_load_address, 8,
			 "(runtime region start)");
		for (unsigned i = 0; i < NPU_FW_API_VER_NUM; i++) {
			const char *what = npu_fw_api_name(i);

			if (!h->api_version[i] && !what)
				continue;
			snprintf(name, sizeof(name), "api_version[%u]", i);
			printf("  %-30s %u.%u%s%s\n", name, NPU_API_MAJOR(h->api_version[i]),
			       NPU_API_MINOR(h->api_version[i]), what ? "  " : "", what ? what : "");
		}
		size_line("runtime_size", h->runtime_size);
		size_line("shave_nn_fw_size", h->shave_nn_fw_size);
		size_line("preemption_buffer_1_size", h->preemption_buffer_1_size);
		size_line("preemption_buffer_2_size", h->preemption_buffer_2_size);
		size_line("preemption_buffer_1_max_size", h->preemption_buffer_1_max_size);
		size_line("preemption_buffer_2_max_size", h->preemption_buffer_2_max_size);
		for (unsigned i = 0; i < 4; i++)
			if (h->preemption_reserved[i]) {
				snprintf(name, sizeof(name), "preemption_reserved[%u]", i);
				hex_line(name, h->preemption_reserved[i], 8, NULL);
			}
		hex_line("ro_section_start_address", h->ro_section_start_address, 8,
			 h->ro_section_start_address ? NULL : "(none)");
		size_line("ro_section_size", h->ro_section_size);
		if (h->reserved)
			hex_line("reserved", h->reserved, 8, NULL);
		printf("  %-30s ", "version string");
		if (in->version)
			text_str(in->version, in->version_len);
		else
			printf("(not read: validation stopped before it)");
		putchar('\n');
	}
	if (err)
		printf("  result: INVALID: %s (%s)\n", why, npu_fw_err_name(err));
	else
		printf("  result: OK\n");
	for (unsigned b = 1; b; b <<= 1)
		if (in->warnings & b)
			printf("  warning: %s\n", npu_fw_warning_str(b));
}

static void print_json(const char *path, const struct npu_fw_info *in, int err, const char *why)
{
	const struct npu_fw_header *h = &in->hdr;
	bool first = true;

	printf("  {\"file\": ");
	json_str(path, strlen(path));
	printf(", \"size\": %zu, \"valid\": %s, \"error\": ", in->file_size, err ? "false" : "true");
	if (err) {
		printf("\"%s\", \"reason\": ", npu_fw_err_name(err));
		json_str(why, strlen(why));
	} else {
		printf("null");
	}
	printf(", \"warnings\": [");
	for (unsigned b = 1; b; b <<= 1)
		if (in->warnings & b) {
			printf("%s", first ? "" : ", ");
			json_str(npu_fw_warning_str(b), strlen(npu_fw_warning_str(b)));
			first = false;
		}
	printf("]");
	if (in->header_decoded) {
		printf(",\n   \"header\": {\"header_version\": %u, \"image_format\": %u, "
		       "\"image_format_name\": \"%s\", \"image_load_address\": %llu, "
		       "\"image_size\": %u, \"entry_point\": %llu, \"vpu_version\": ",
		       h->header_version, h->image_format, npu_fw_image_format_name(h->image_format),
		       (unsigned long long)h->image_load_address, h->image_size,
		       (unsigned long long)h->entry_point);
		json_str(in->vpu_version, sizeof(in->vpu_version));
		printf(", \"compression_type\": %u, \"firmware_version_load_address\": %llu, "
		       "\"firmware_version_size\": %u, \"boot_params_load_address\": %llu, "
		       "\"api_version\": [", h->compression_type,
		       (unsigned long long)h->firmware_version_load_address, h->firmware_version_size,
		       (unsigned long long)h->boot_params_load_address);
		for (unsigned i = 0; i < NPU_FW_API_VER_NUM; i++)
			printf("%s{\"index\": %u, \"major\": %u, \"minor\": %u, \"name\": %s%s%s}",
			       i ? ", " : "", i, NPU_API_MAJOR(h->api_version[i]),
			       NPU_API_MINOR(h->api_version[i]), npu_fw_api_name(i) ? "\"" : "",
			       npu_fw_api_name(i) ? npu_fw_api_name(i) : "null",
			       npu_fw_api_name(i) ? "\"" : "");
		printf("], \"runtime_size\": %u, \"shave_nn_fw_size\": %u, "
		       "\"preemption_buffer_1_size\": %u, \"preemption_buffer_2_size\": %u, "
		       "\"preemption_buffer_1_max_size\": %u, \"preemption_buffer_2_max_size\": %u, "
		       "\"ro_section_start_address\": %llu, \"ro_section_size\": %u}",
		       h->runtime_size, h->shave_nn_fw_size, h->preemption_buffer_1_size,
		       h->preemption_buffer_2_size, h->preemption_buffer_1_max_size,
		       h->preemption_buffer_2_max_size,
		       (unsigned long long)h->ro_section_start_address, h->ro_section_size);
	}
	printf(",\n   \"version_string\": ");
	if (in->version)
		json_str(in->version, in->version_len);
	else
		printf("null");
	printf("}");
}

int main(int argc, char **argv)
{
	bool json = false;
	int status = 0, nfiles = 0, first = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "fwinspect: unknown option %s\n", argv[i]);
			usage(stderr);
			return EXIT_USAGE;
		} else
			nfiles++;
	}
	if (!nfiles) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (json)
		printf("[\n");
	for (int i = 1; i < argc; i++) {
		struct npu_fw_info info;
		unsigned char *data;
		size_t size = 0;
		char why[512];
		int err;

		if (!strcmp(argv[i], "--json"))
			continue;
		data = load(argv[i], &size);
		if (!data) {
			status = EXIT_USAGE;
			continue;
		}
		err = npu_fw_parse(data, size, &info, why, sizeof(why));
		if (json) {
			printf("%s", first ? "" : ",\n");
			print_json(argv[i], &info, err, why);
		} else {
			printf("%s", first ? "" : "\n");
			print_text(argv[i], &info, err, why);
		}
		first = 0;
		if (err && status == 0)
			status = EXIT_INVALID;
		free(data);
	}
	if (json)
		printf("%s]\n", first ? "" : "\n");
	return status;
}

/* SPDX-License-Identifier: MIT */
/*
 * Linux backend: the NPU as a VFIO device (type1 IOMMU), from userspace.
 *
 *   device   found in sysfs (vendor 8086, device 7d1d or ad1d), or the PCI
 *            address given in args; bound to vfio-pci if it is not already
 *            (driver_override + drivers_probe), unbinding whatever driver
 *            holds it (e.g. the upstream intel_vpu).
 *   BARs     VFIO region info; mmap()ed where VFIO allows it (sparse areas
 *            honoured), pread()/pwrite() on the device fd otherwise.
 *   config   the VFIO config region (the driver enables memory decoding and
 *            bus mastering through cfg_write; irq_enable sets bus mastering).
 *   DMA      page-aligned anonymous memory, mapped with VFIO_IOMMU_MAP_DMA at
 *            IOVAs this file chooses: inside the IOMMU's usable ranges
 *            (VFIO_IOMMU_GET_INFO), below 2^38 (the 37xx DMA mask), from
 *            1 MiB up, naturally aligned up to 2 MiB. Coherent: the sync
 *            calls are no-ops.
 *   MSI      one vector, signalled on an eventfd (VFIO_DEVICE_SET_IRQS);
 *            irq_wait() is ppoll() on it.
 *   time     CLOCK_MONOTONIC; sleep_us() is nanosleep().
 *
 * args: comma-separated, all optional:
 *   DDDD:BB:DD.F or BB:DD.F   the device's PCI address (default: the first
 *                             8086:7d1d / 8086:ad1d in sysfs)
 *   nobind                    do not touch the driver binding; fail unless
 *                             the device is already bound to vfio-pci
 *   verbose                   print each setup step on stderr
 *
 * What the guest needs: modules irqbypass, vfio, vfio_iommu_type1,
 * vfio-pci-core, vfio-pci (Linux 6.12; vfio_virqfd is part of vfio), an
 * IOMMU (QEMU: -M q35 -device intel-iommu,intremap=on; kernel: intel_iommu=on)
 * and devtmpfs (/dev/vfio). Every failure names the missing piece.
 *
 * Error reporting: when open() fails, *os is set to NULL and the message is
 * kept for last_error(NULL); last_error() and close() accept NULL.
 *
 * Builds with glibc and with musl (static): needs <linux/vfio.h> from
 * linux-libc-dev (musl-gcc: add it with -isystem, see mk/images.mk).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <linux/vfio.h>

#include "npu/npu.h"
#include "npu/os.h"

#define NPU_VENDOR          0x8086u
#define NPU_DEVICE_MTL      0x7d1du
#define NPU_DEVICE_ARL      0xad1du
#define NPU_DMA_LIMIT       (1ull << 38)        /* 37xx DMA mask: 38 bits */
#define IOVA_BASE           0x100000ull         /* keep IOVA 0 (and the first MiB) unmapped */
#define PAGE_4K             4096ull
#define MAX_BARS            6
#define MAX_AREAS           8
#define MAX_RANGES          16
#define SYSFS_PCI           "/sys/bus/pci"

struct bar_area {
	uint64_t off, size;   /* within the BAR */
	uint8_t *map;         /* mmap()ed at off */
};

struct bar {
	uint64_t size;        /* 0: BAR absent */
	uint64_t fd_offset;   /* the region's offset in the device fd */
	uint32_t flags;
	int nareas;
	struct bar_area area[MAX_AREAS];
};

struct dma_ext {              /* one DMA mapping (kept sorted by IOVA) */
	uint64_t iova, size;
	void *cpu;
};

struct npu_os {
	char err[512];
	char bdf[32];              /* 0000:00:03.0 */
	char dev_dir[128];         /* /sys/bus/pci/devices/0000:00:03.0 */
	bool verbose;
	int container, group, device, irq_fd;
	int group_id;
	uint64_t cfg_offset;
	struct bar bar[MAX_BARS];
	uint64_t iova_pgsizes;
	int nranges;
	struct vfio_iova_range range[MAX_RANGES];
	struct dma_ext *dma;
	int ndma, dma_cap;
};

static char open_error[512];  /* last_error(NULL): why open() failed */

static const char *const module_hint =
	"modules irqbypass, vfio, vfio_iommu_type1, vfio-pci-core, vfio-pci";

/* ---- helpers ------------------------------------------------------------- */

__attribute__((format(printf, 2, 3)))
static int fail(struct npu_os *os, const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(os->err, sizeof(os->err), fmt, ap);
	va_end(ap);
	if (os->verbose)
		fprintf(stderr, "linux: error: %s\n", os->err);
	errno = e;
	return e > 0 ? -e : -EIO;
}

/* fail() with a chosen errno */
#define FAILE(os, e, ...) (errno = (e), fail((os), __VA_ARGS__))

/* Setup steps: on stderr with the "verbose" argument, else in the driver's
 * log at debug level (npuctl -vv). */
__attribute__((format(printf, 2, 3)))
static void note(struct npu_os *os, const char *fmt, ...)
{
	char line[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (os->verbose)
		fprintf(stderr, "linux: %s\n", line);
	else
		npu_os_report(os, NPU_LOG_DEBUG, "linux: %s", line);
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	close(fd);
	return 0;
}

static long read_hex(const char *path)
{
	char buf[32];

	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	return strtol(buf, NULL, 16);
}

static bool is_npu(unsigned vendor, unsigned device)
{
	return vendor == NPU_VENDOR && (device == NPU_DEVICE_MTL || device == NPU_DEVICE_ARL);
}

/* The name of the driver bound to dev_dir ("" if none). */
static void bound_driver(const char *dev_dir, char *name, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;
	const char *slash;

	snprintf(link, sizeof(link), "%s/driver", dev_dir);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0) {
		name[0] = 0;
		return;
	}
	target[n] = 0;
	slash = strrchr(target, '/');
	snprintf(name, len, "%.63s", slash ? slash + 1 : target);
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- finding and binding the device ------------------------------------- */

/* "00:03.0" -> "0000:00:03.0"; returns false if it does not look like one. */
static bool normalise_bdf(const char *in, char *out, size_t len)
{
	unsigned d, b, s, f;
	char extra;

	if (sscanf(in, "%x:%x:%x.%x%c", &d, &b, &s, &f, &extra) == 4) {
		snprintf(out, len, "%04x:%02x:%02x.%x", d, b, s, f);
		return true;
	}
	if (sscanf(in, "%x:%x.%x%c", &b, &s, &f, &extra) == 3) {
		snprintf(out, len, "0000:%02x:%02x.%x", b, s, f);
		return true;
	}
	return false;
}

static int find_device(struct npu_os *os, const char *want)
{
	char path[512];
	struct stat st;

	if (stat(SYSFS_PCI "/devices", &st) < 0)
		return fail(os, "%s/devices: %s (is sysfs mounted on /sys? the kernel needs PCI support)",
			    SYSFS_PCI, strerror(errno));
	if (want) {
		long v, d;

		snprintf(os->dev_dir, sizeof(os->dev_dir), SYSFS_PCI "/devices/%.31s", want);
		if (stat(os->dev_dir, &st) < 0)
			return FAILE(os, ENODEV, "no PCI device %s (%s)", want, os->dev_dir);
		snprintf(path, sizeof(path), "%s/vendor", os->dev_dir);
		v = read_hex(path);
		snprintf(path, sizeof(path), "%s/device", os->dev_dir);
		d = read_hex(path);
		if (v < 0 || d < 0 || !is_npu((unsigned)v, (unsigned)d))
			return FAILE(os, ENODEV, "PCI device %s is %04lx:%04lx, not an Intel NPU 8086:7d1d/8086:ad1d",
				     want, v, d);
		snprintf(os->bdf, sizeof(os->bdf), "%s", want);
		return 0;
	}

	DIR *dir = opendir(SYSFS_PCI "/devices");
	struct dirent *de;
	char first[32] = "";
	int count = 0;

	if (!dir)
		return fail(os, "%s/devices: %s", SYSFS_PCI, strerror(errno));
	while ((de = readdir(dir))) {
		long v, d;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), SYSFS_PCI "/devices/%s/vendor", de->d_name);
		v = read_hex(path);
		snprintf(path, sizeof(path), SYSFS_PCI "/devices/%s/device", de->d_name);
		d = read_hex(path);
		if (v >= 0 && d >= 0 && is_npu((unsigned)v, (unsigned)d)) {
			/* readdir order is arbitrary: take the lowest address */
			if (!count || strcmp(de->d_name, first) < 0)
				snprintf(first, sizeof(first), "%.31s", de->d_name);
			count++;
		}
	}
	closedir(dir);
	if (!count)
		return FAILE(os, ENODEV, "device 8086:7d1d not found on the PCI bus "
			     "(no 8086:7d1d or 8086:ad1d in %s/devices; QEMU: add -device intel-npu-mtl)",
			     SYSFS_PCI);
	snprintf(os->bdf, sizeof(os->bdf), "%s", first);
	snprintf(os->dev_dir, sizeof(os->dev_dir), SYSFS_PCI "/devices/%s", first);
	if (count > 1)
		note(os, "%d NPUs found, using %s (pass a PCI address to choose)", count, first);
	return 0;
}

static int iommu_group_of(struct npu_os *os)
{
	char link[256], target[PATH_MAX];
	ssize_t n;
	const char *slash;

	snprintf(link, sizeof(link), "%s/iommu_group", os->dev_dir);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return FAILE(os, ENODEV, "no IOMMU group for %s: boot QEMU with -M q35 "
			     "-device intel-iommu,intremap=on and the kernel with intel_iommu=on "
			     "(VFIO needs an IOMMU; this kernel has no VFIO no-IOMMU mode)", os->bdf);
	target[n] = 0;
	slash = strrchr(target, '/');
	os->group_id = atoi(slash ? slash + 1 : target);
	return 0;
}

static int bind_vfio(struct npu_os *os, bool nobind)
{
	char drv[64], path[256];
	struct stat st;
	int r;

	bound_driver(os->dev_dir, drv, sizeof(drv));
	if (!strcmp(drv, "vfio-pci")) {
		note(os, "%s already bound to vfio-pci", os->bdf);
		return 0;
	}
	if (nobind)
		return FAILE(os, EBUSY, "%s is bound to %s, not vfio-pci (and args say nobind)",
			     os->bdf, drv[0] ? drv : "no driver");
	if (stat(SYSFS_PCI "/drivers/vfio-pci", &st) < 0)
		return FAILE(os, ENODEV, "vfio-pci not loaded (no %s/drivers/vfio-pci): load %s",
			     SYSFS_PCI, module_hint);
	if (drv[0]) {
		note(os, "unbinding %s from %s", os->bdf, drv);
		snprintf(path, sizeof(path), "%s/driver/unbind", os->dev_dir);
		r = write_file(path, os->bdf);
		if (r < 0)
			return FAILE(os, -r, "cannot unbind %s from %s: %s: %s (are you root?)",
				     os->bdf, drv, path, strerror(-r));
	}
	snprintf(path, sizeof(path), "%s/driver_override", os->dev_dir);
	r = write_file(path, "vfio-pci");
	if (r < 0)
		return FAILE(os, -r, "cannot write %s: %s (are you root?)", path, strerror(-r));
	r = write_file(SYSFS_PCI "/drivers_probe", os->bdf);
	bound_driver(os->dev_dir, drv, sizeof(drv));
	if (strcmp(drv, "vfio-pci"))
		return FAILE(os, r < 0 ? -r : ENODEV,
			     "binding %s to vfio-pci failed (drivers_probe: %s; now bound to: %s); "
			     "see the kernel log (vfio-pci needs an IOMMU group: -device intel-iommu,intremap=on, intel_iommu=on)",
			     os->bdf, r < 0 ? strerror(-r) : "ok", drv[0] ? drv : "nothing");
	note(os, "bound %s to vfio-pci", os->bdf);
	return 0;
}

/* ---- VFIO container, group, device -------------------------------------- */

static int open_with_retry(const char *path, int flags)
{
	/* devtmpfs creates the node asynchronously right after the bind */
	for (int i = 0; i < 100; i++) {
		int fd = open(path, flags);
		if (fd >= 0 || errno != ENOENT)
			return fd;
		sleep_ns(10 * 1000 * 1000);
	}
	return open(path, flags);
}

static int setup_container(struct npu_os *os)
{
	char path[64];
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	int api;

	os->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (os->container < 0)
		return fail(os, "/dev/vfio/vfio: %s (%s)", strerror(errno),
			    errno == ENOENT ? "vfio not loaded, or devtmpfs not mounted on /dev" :
			    "are you root?");
	api = ioctl(os->container, VFIO_GET_API_VERSION);
	if (api != VFIO_API_VERSION)
		return FAILE(os, EINVAL, "VFIO API version %d, expected %d", api, VFIO_API_VERSION);
	if (ioctl(os->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0)
		return FAILE(os, ENODEV, "vfio_iommu_type1 not loaded (VFIO_TYPE1v2_IOMMU unsupported): "
			     "modprobe vfio_iommu_type1");

	snprintf(path, sizeof(path), "/dev/vfio/%d", os->group_id);
	os->group = open_with_retry(path, O_RDWR | O_CLOEXEC);
	if (os->group < 0)
		return fail(os, "%s (IOMMU group of %s): %s%s", path, os->bdf, strerror(errno),
			    errno == EBUSY ? " (another process has the group open)" : "");
	if (ioctl(os->group, VFIO_GROUP_GET_STATUS, &gs) < 0)
		return fail(os, "VFIO_GROUP_GET_STATUS on %s: %s", path, strerror(errno));
	if (!(gs.flags & VFIO_GROUP_FLAGS_VIABLE))
		return FAILE(os, EBUSY, "IOMMU group %d is not viable: every device in "
			     "/sys/kernel/iommu_groups/%d/devices must be bound to vfio-pci or have no driver",
			     os->group_id, os->group_id);
	if (ioctl(os->group, VFIO_GROUP_SET_CONTAINER, &os->container) < 0)
		return fail(os, "VFIO_GROUP_SET_CONTAINER: %s", strerror(errno));
	if (ioctl(os->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0)
		return fail(os, "VFIO_SET_IOMMU(type1v2): %s%s", strerror(errno),
			    errno == EPERM ? " (no interrupt remapping: use -device intel-iommu,intremap=on, "
			    "or load vfio_iommu_type1 with allow_unsafe_interrupts=1)" : "");
	note(os, "group %d attached to a type1v2 container", os->group_id);
	return 0;
}

/* Walk a VFIO capability chain inside buf (offsets are from buf's start). */
static const struct vfio_info_cap_header *find_cap(const void *buf, size_t len,
						   uint32_t first, uint16_t id)
{
	uint32_t off = first;

	for (int guard = 0; off && guard < 64; guard++) {
		const struct vfio_info_cap_header *h;

		if (off + sizeof(*h) > len)
			return NULL;
		h = (const void *)((const char *)buf + off);
		if (h->id == id)
			return h;
		off = h->next;
	}
	return NULL;
}

static int iommu_info(struct npu_os *os)
{
	size_t len = sizeof(struct vfio_iommu_type1_info);
	struct vfio_iommu_type1_info *info = NULL;

	for (int pass = 0; pass < 2; pass++) {
		free(info);
		info = calloc(1, len);
		if (!info)
			return fail(os, "out of memory");
		info->argsz = (uint32_t)len;
		if (ioctl(os->container, VFIO_IOMMU_GET_INFO, info) < 0) {
			int r = fail(os, "VFIO_IOMMU_GET_INFO: %s", strerror(errno));
			free(info);
			return r;
		}
		if (info->argsz <= len)
			break;
		len = info->argsz;
	}
	os->iova_pgsizes = (info->flags & VFIO_IOMMU_INFO_PGSIZES) ? info->iova_pgsizes : PAGE_4K;
	os->nranges = 0;
	if (info->flags & VFIO_IOMMU_INFO_CAPS) {
		const struct vfio_iommu_type1_info_cap_iova_range *cap = (const void *)
			find_cap(info, len, info->cap_offset, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
		if (cap) {
			for (uint32_t i = 0; i < cap->nr_iovas && os->nranges < MAX_RANGES; i++) {
				os->range[os->nranges++] = cap->iova_ranges[i];
				note(os, "IOVA range 0x%llx-0x%llx",
				     (unsigned long long)cap->iova_ranges[i].start,
				     (unsigned long long)cap->iova_ranges[i].end);
			}
		}
	}
	free(info);
	if (!os->nranges) {
		/* Old kernels report no ranges: assume everything below the DMA limit
		 * except the x86 MSI window. */
		os->range[0] = (struct vfio_iova_range){ 0, 0xfedfffffull };
		os->range[1] = (struct vfio_iova_range){ 0xfef00000ull, NPU_DMA_LIMIT - 1 };
		os->nranges = 2;
		note(os, "the IOMMU reports no IOVA ranges; assuming all but 0xfee00000-0xfeefffff");
	}
	note(os, "IOMMU page sizes 0x%llx", (unsigned long long)os->iova_pgsizes);
	return 0;
}

static int map_bar(struct npu_os *os, unsigned idx)
{
	struct bar *b = &os->bar[idx];
	size_t len = sizeof(struct vfio_region_info);
	struct vfio_region_info *ri = NULL;

	for (int pass = 0; pass < 2; pass++) {
		free(ri);
		ri = calloc(1, len);
		if (!ri)
			return fail(os, "out of memory");
		ri->argsz = (uint32_t)len;
		ri->index = VFIO_PCI_BAR0_REGION_INDEX + idx;
		if (ioctl(os->device, VFIO_DEVICE_GET_REGION_INFO, ri) < 0) {
			int r = fail(os, "VFIO_DEVICE_GET_REGION_INFO(BAR%u): %s", idx, strerror(errno));
			free(ri);
			return r;
		}
		if (ri->argsz <= len)
			break;
		len = ri->argsz;
	}
	b->size = ri->size;
	b->fd_offset = ri->offset;
	b->flags = ri->flags;
	b->nareas = 0;
	if (b->size && (ri->flags & VFIO_REGION_INFO_FLAG_MMAP)) {
		const struct vfio_region_info_cap_sparse_mmap *sp = NULL;
		struct vfio_region_sparse_mmap_area whole = { 0, b->size };
		const struct vfio_region_sparse_mmap_area *areas = &whole;
		uint32_t n = 1;
		int prot = 0;

		if (ri->flags & VFIO_REGION_INFO_FLAG_CAPS)
			sp = (const void *)find_cap(ri, len, ri->cap_offset, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
		if (sp) {
			areas = sp->areas;
			n = sp->nr_areas;
		}
		if (ri->flags & VFIO_REGION_INFO_FLAG_READ)
			prot |= PROT_READ;
		if (ri->flags & VFIO_REGION_INFO_FLAG_WRITE)
			prot |= PROT_WRITE;
		for (uint32_t i = 0; i < n && b->nareas < MAX_AREAS; i++) {
			void *m;

			if (!areas[i].size)
				continue;
			m = mmap(NULL, areas[i].size, prot, MAP_SHARED, os->device,
				 (off_t)(b->fd_offset + areas[i].offset));
			if (m == MAP_FAILED) {
				note(os, "BAR%u: mmap of 0x%llx+0x%llx failed (%s): using pread/pwrite",
				     idx, (unsigned long long)areas[i].offset,
				     (unsigned long long)areas[i].size, strerror(errno));
				continue;
			}
			b->area[b->nareas++] = (struct bar_area){ areas[i].offset, areas[i].size, m };
		}
	}
	if (b->size)
		note(os, "BAR%u: size 0x%llx flags 0x%x, %d mmap()ed area(s)", idx,
		     (unsigned long long)b->size, b->flags, b->nareas);
	free(ri);
	return 0;
}

static int linux_cfg_read(struct npu_os *os, unsigned off, unsigned size, uint32_t *val);
static int linux_cfg_write(struct npu_os *os, unsigned off, unsigned size, uint32_t val);

static int setup_device(struct npu_os *os)
{
	struct vfio_device_info di = { .argsz = sizeof(di) };
	struct vfio_region_info ri = { .argsz = sizeof(ri) };
	int r;

	os->device = ioctl(os->group, VFIO_GROUP_GET_DEVICE_FD, os->bdf);
	if (os->device < 0)
		return fail(os, "VFIO_GROUP_GET_DEVICE_FD(%s): %s", os->bdf, strerror(errno));
	if (ioctl(os->device, VFIO_DEVICE_GET_INFO, &di) < 0)
		return fail(os, "VFIO_DEVICE_GET_INFO: %s", strerror(errno));
	if (!(di.flags & VFIO_DEVICE_FLAGS_PCI))
		return FAILE(os, ENODEV, "%s is not a VFIO PCI device (flags 0x%x)", os->bdf, di.flags);
	note(os, "device fd: flags 0x%x, %u regions, %u irq indexes", di.flags, di.num_regions, di.num_irqs);

	ri.index = VFIO_PCI_CONFIG_REGION_INDEX;
	if (ioctl(os->device, VFIO_DEVICE_GET_REGION_INFO, &ri) < 0)
		return fail(os, "VFIO_DEVICE_GET_REGION_INFO(config): %s", strerror(errno));
	os->cfg_offset = ri.offset;

	for (unsigned i = 0; i < MAX_BARS; i++) {
		r = map_bar(os, i);
		if (r < 0)
			return r;
	}
	if (!os->bar[0].size)
		return FAILE(os, ENODEV, "%s has no BAR0 (NPU registers): is this the intel-npu-mtl device?", os->bdf);
	if (!os->bar[4].size)
		return FAILE(os, ENODEV, "%s has no BAR4 (buttress registers): is this the intel-npu-mtl device?", os->bdf);
	/* Memory decoding and bus mastering are the driver's to switch on
	 * (config writes through cfg_write; irq_enable also sets bus mastering):
	 * open() leaves the device as VFIO handed it over. */
	return 0;
}

/* ---- npu_os_ops ---------------------------------------------------------- */

static void linux_close(struct npu_os *os);

static int linux_open(struct npu_os **out, const char *args)
{
	struct npu_os *os = calloc(1, sizeof(*os));
	char want[32] = "", buf[256];
	bool nobind = false, have_want = false;
	int r;

	*out = NULL;
	if (!os) {
		snprintf(open_error, sizeof(open_error), "out of memory");
		return -ENOMEM;
	}
	os->container = os->group = os->device = os->irq_fd = -1;

	snprintf(buf, sizeof(buf), "%s", args ? args : "");
	for (char *save = NULL, *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		if (!strcmp(tok, "verbose"))
			os->verbose = true;
		else if (!strcmp(tok, "nobind"))
			nobind = true;
		else if (normalise_bdf(tok, want, sizeof(want)))
			have_want = true;
		else {
			r = FAILE(os, EINVAL, "linux backend: unknown argument '%s' "
				  "(expected a PCI address like 0000:00:03.0, 'nobind' or 'verbose')", tok);
			goto out;
		}
	}
	if (getenv("NPU_LINUX_VERBOSE"))
		os->verbose = true;

	if ((r = find_device(os, have_want ? want : NULL)) < 0 ||
	    (r = iommu_group_of(os)) < 0 ||
	    (r = bind_vfio(os, nobind)) < 0 ||
	    (r = setup_container(os)) < 0 ||
	    (r = iommu_info(os)) < 0 ||
	    (r = setup_device(os)) < 0)
		goto out;
	note(os, "%s ready (IOMMU group %d)", os->bdf, os->group_id);
	*out = os;
	return 0;
out:
	snprintf(open_error, sizeof(open_error), "%s", os->err);
	linux_close(os);
	return r;
}

static void linux_close(struct npu_os *os)
{
	if (!os)
		return;
	if (os->irq_fd >= 0 && os->device >= 0) {
		struct vfio_irq_set is = {
			.argsz = sizeof(is),
			.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			.index = VFIO_PCI_MSI_IRQ_INDEX, .start = 0, .count = 0,
		};
		ioctl(os->device, VFIO_DEVICE_SET_IRQS, &is);
	}
	if (os->irq_fd >= 0)
		close(os->irq_fd);
	for (int i = 0; i < os->ndma; i++) {
		struct vfio_iommu_type1_dma_unmap um = {
			.argsz = sizeof(um), .iova = os->dma[i].iova, .size = os->dma[i].size,
		};
		ioctl(os->container, VFIO_IOMMU_UNMAP_DMA, &um);
		munmap(os->dma[i].cpu, os->dma[i].size);
	}
	free(os->dma);
	for (unsigned b = 0; b < MAX_BARS; b++)
		for (int a = 0; a < os->bar[b].nareas; a++)
			munmap(os->bar[b].area[a].map, os->bar[b].area[a].size);
	if (os->device >= 0)
		close(os->device);
	if (os->group >= 0)
		close(os->group);
	if (os->container >= 0)
		close(os->container);
	free(os);
}

static const char *linux_last_error(struct npu_os *os)
{
	if (!os)
		return open_error;
	return os->err;
}

static int linux_cfg_read(struct npu_os *os, unsigned off, unsigned size, uint32_t *val)
{
	uint8_t b[4] = { 0 };
	ssize_t n;

	if ((size != 1 && size != 2 && size != 4) || off + size > 4096)
		return FAILE(os, EINVAL, "cfg_read: bad access %u bytes at 0x%x", size, off);
	n = pread(os->device, b, size, (off_t)(os->cfg_offset + off));
	if (n != (ssize_t)size)
		return fail(os, "config space read at 0x%x: %s", off, n < 0 ? strerror(errno) : "short read");
	*val = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	return 0;
}

static int linux_cfg_write(struct npu_os *os, unsigned off, unsigned size, uint32_t val)
{
	uint8_t b[4] = { (uint8_t)val, (uint8_t)(val >> 8), (uint8_t)(val >> 16), (uint8_t)(val >> 24) };
	ssize_t n;

	if ((size != 1 && size != 2 && size != 4) || off + size > 4096)
		return FAILE(os, EINVAL, "cfg_write: bad access %u bytes at 0x%x", size, off);
	n = pwrite(os->device, b, size, (off_t)(os->cfg_offset + off));
	if (n != (ssize_t)size)
		return fail(os, "config space write at 0x%x: %s", off, n < 0 ? strerror(errno) : "short write");
	return 0;
}

static int linux_pci_id(struct npu_os *os, struct npu_pci_id *id)
{
	uint32_t v0, v8;
	int r;

	if ((r = linux_cfg_read(os, 0x00, 4, &v0)) < 0 || (r = linux_cfg_read(os, 0x08, 4, &v8)) < 0)
		return r;
	memset(id, 0, sizeof(*id));
	id->vendor = (uint16_t)v0;
	id->device = (uint16_t)(v0 >> 16);
	id->revision = (uint8_t)v8;
	id->class_code = v8 >> 8;
	snprintf(id->location, sizeof(id->location), "%s", os->bdf);
	return 0;
}

/* The mmap()ed pointer for [off, off+len) of a BAR, or NULL (use pread/pwrite). */
static volatile void *bar_ptr(struct npu_os *os, unsigned bar, uint64_t off, unsigned len)
{
	struct bar *b = &os->bar[bar];

	for (int i = 0; i < b->nareas; i++)
		if (off >= b->area[i].off && off + len <= b->area[i].off + b->area[i].size)
			return b->area[i].map + (off - b->area[i].off);
	return NULL;
}

static bool bar_check(struct npu_os *os, unsigned bar, uint64_t off, unsigned len, const char *what)
{
	if (bar >= MAX_BARS || !os->bar[bar].size || off + len > os->bar[bar].size || (off & (len - 1))) {
		FAILE(os, EINVAL, "%s: BAR%u offset 0x%llx (%u bytes) out of range or unaligned",
		      what, bar, (unsigned long long)off, len);
		npu_os_report(os, NPU_LOG_WARN, "linux: %s", os->err);
		return false;
	}
	return true;
}

static uint64_t bar_read(struct npu_os *os, unsigned bar, uint64_t off, unsigned len)
{
	volatile void *p;
	uint64_t v = 0;

	if (!bar_check(os, bar, off, len, "read"))
		return len == 8 ? ~0ull : 0xffffffffull;
	p = bar_ptr(os, bar, off, len);
	if (p)
		return len == 8 ? *(volatile uint64_t *)p : *(volatile uint32_t *)p;
	if (pread(os->device, &v, len, (off_t)(os->bar[bar].fd_offset + off)) != (ssize_t)len) {
		fail(os, "BAR%u read at 0x%llx: %s", bar, (unsigned long long)off, strerror(errno));
		return len == 8 ? ~0ull : 0xffffffffull;
	}
	return v;
}

static void bar_write(struct npu_os *os, unsigned bar, uint64_t off, unsigned len, uint64_t val)
{
	volatile void *p;

	if (!bar_check(os, bar, off, len, "write"))
		return;
	p = bar_ptr(os, bar, off, len);
	if (p) {
		if (len == 8)
			*(volatile uint64_t *)p = val;
		else
			*(volatile uint32_t *)p = (uint32_t)val;
		return;
	}
	if (pwrite(os->device, &val, len, (off_t)(os->bar[bar].fd_offset + off)) != (ssize_t)len)
		fail(os, "BAR%u write at 0x%llx: %s", bar, (unsigned long long)off, strerror(errno));
}

static uint32_t linux_read32(struct npu_os *os, unsigned bar, uint64_t off)
{
	return (uint32_t)bar_read(os, bar, off, 4);
}

static void linux_write32(struct npu_os *os, unsigned bar, uint64_t off, uint32_t val)
{
	bar_write(os, bar, off, 4, val);
}

static uint64_t linux_read64(struct npu_os *os, unsigned bar, uint64_t off)
{
	return bar_read(os, bar, off, 8);
}

static void linux_write64(struct npu_os *os, unsigned bar, uint64_t off, uint64_t val)
{
	bar_write(os, bar, off, 8, val);
}

/* First free IOVA for size bytes at alignment align, or 0. */
static uint64_t iova_find(struct npu_os *os, uint64_t size, uint64_t align)
{
	for (int r = 0; r < os->nranges; r++) {
		uint64_t lo = os->range[r].start, hi = os->range[r].end;  /* inclusive */
		uint64_t cand;

		if (lo < IOVA_BASE)
			lo = IOVA_BASE;
		if (hi > NPU_DMA_LIMIT - 1)
			hi = NPU_DMA_LIMIT - 1;
		if (lo > hi)
			continue;
		cand = (lo + align - 1) & ~(align - 1);
		/* os->dma is sorted by IOVA: skip past every mapping that overlaps */
		for (int i = 0; i < os->ndma; i++) {
			const struct dma_ext *e = &os->dma[i];
			if (e->iova + e->size <= cand)
				continue;
			if (e->iova >= cand + size)
				break;
			cand = (e->iova + e->size + align - 1) & ~(align - 1);
		}
		if (cand >= lo && cand + size - 1 <= hi && cand + size > cand)
			return cand;
	}
	return 0;
}

static int linux_dma_alloc(struct npu_os *os, size_t size, struct npu_dma_buf *buf)
{
	uint64_t len = (size + PAGE_4K - 1) & ~(PAGE_4K - 1), align = PAGE_4K, iova;
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	void *cpu;
	int i;

	if (!len)
		return FAILE(os, EINVAL, "dma_alloc: size 0");
	/* natural alignment up to 2 MiB (the IOMMU can then use large pages) */
	while (align < (2ull << 20) && align * 2 <= len)
		align *= 2;
	iova = iova_find(os, len, align);
	if (!iova)
		return FAILE(os, ENOSPC, "dma_alloc: no free IOVA range for 0x%llx bytes below 2^38",
			     (unsigned long long)len);
	if (os->ndma == os->dma_cap) {
		int cap = os->dma_cap ? os->dma_cap * 2 : 32;
		struct dma_ext *n = realloc(os->dma, (size_t)cap * sizeof(*n));
		if (!n)
			return FAILE(os, ENOMEM, "dma_alloc: out of memory");
		os->dma = n;
		os->dma_cap = cap;
	}
	cpu = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (cpu == MAP_FAILED)
		return fail(os, "dma_alloc: mmap of 0x%llx bytes: %s", (unsigned long long)len, strerror(errno));
	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	map.vaddr = (uintptr_t)cpu;
	map.iova = iova;
	map.size = len;
	if (ioctl(os->container, VFIO_IOMMU_MAP_DMA, &map) < 0) {
		int r = fail(os, "VFIO_IOMMU_MAP_DMA of 0x%llx bytes at IOVA 0x%llx: %s%s",
			     (unsigned long long)len, (unsigned long long)iova, strerror(errno),
			     errno == ENOMEM ? " (cannot pin the memory: raise RLIMIT_MEMLOCK / ulimit -l)" :
			     errno == ENOSPC ? " (vfio_iommu_type1 dma_entry_limit reached)" : "");
		munmap(cpu, len);
		return r;
	}
	for (i = os->ndma; i > 0 && os->dma[i - 1].iova > iova; i--)
		os->dma[i] = os->dma[i - 1];
	os->dma[i] = (struct dma_ext){ iova, len, cpu };
	os->ndma++;
	buf->cpu = cpu;
	buf->dma = iova;
	buf->size = len;
	buf->priv = NULL;
	return 0;
}

static void linux_dma_free(struct npu_os *os, struct npu_dma_buf *buf)
{
	if (!buf->cpu)
		return;
	for (int i = 0; i < os->ndma; i++) {
		if (os->dma[i].iova != buf->dma)
			continue;
		struct vfio_iommu_type1_dma_unmap um = {
			.argsz = sizeof(um), .iova = os->dma[i].iova, .size = os->dma[i].size,
		};
		if (ioctl(os->container, VFIO_IOMMU_UNMAP_DMA, &um) < 0)
			fail(os, "VFIO_IOMMU_UNMAP_DMA at IOVA 0x%llx: %s",
			     (unsigned long long)um.iova, strerror(errno));
		munmap(os->dma[i].cpu, os->dma[i].size);
		memmove(&os->dma[i], &os->dma[i + 1], (size_t)(os->ndma - i - 1) * sizeof(os->dma[0]));
		os->ndma--;
		break;
	}
	memset(buf, 0, sizeof(*buf));
}

static void linux_sync(struct npu_os *os, struct npu_dma_buf *buf, size_t off, size_t len)
{
	/* x86 + VFIO: DMA is cache coherent; only keep the compiler honest */
	(void)os; (void)buf; (void)off; (void)len;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static int linux_irq_enable(struct npu_os *os)
{
	struct vfio_irq_info ii = { .argsz = sizeof(ii), .index = VFIO_PCI_MSI_IRQ_INDEX };
	/* struct vfio_irq_set followed by one eventfd (data[] is a flexible array) */
	union {
		struct vfio_irq_set set;
		uint8_t bytes[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	} is;
	int32_t fd;
	uint32_t cmd;
	int r;

	if (os->irq_fd >= 0)
		return 0;
	if (ioctl(os->device, VFIO_DEVICE_GET_IRQ_INFO, &ii) < 0)
		return fail(os, "VFIO_DEVICE_GET_IRQ_INFO(MSI): %s", strerror(errno));
	if (ii.count < 1)
		return FAILE(os, ENODEV, "%s has no MSI capability (VFIO reports 0 MSI vectors)", os->bdf);
	os->irq_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (os->irq_fd < 0)
		return fail(os, "eventfd: %s", strerror(errno));
	memset(&is, 0, sizeof(is));
	is.set.argsz = sizeof(struct vfio_irq_set) + sizeof(int32_t);
	is.set.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	is.set.index = VFIO_PCI_MSI_IRQ_INDEX;
	is.set.start = 0;
	is.set.count = 1;
	fd = os->irq_fd;
	memcpy(is.bytes + sizeof(struct vfio_irq_set), &fd, sizeof(fd));
	if (ioctl(os->device, VFIO_DEVICE_SET_IRQS, &is) < 0) {
		r = fail(os, "VFIO_DEVICE_SET_IRQS(MSI, 1 vector): %s%s", strerror(errno),
			 errno == EINVAL || errno == ENOSPC ? " (interrupt remapping: -device intel-iommu,intremap=on)" : "");
		close(os->irq_fd);
		os->irq_fd = -1;
		return r;
	}
	/* bus mastering: MSI writes are DMA */
	if ((r = linux_cfg_read(os, 0x04, 2, &cmd)) < 0)
		return r;
	if (!(cmd & 0x4) && (r = linux_cfg_write(os, 0x04, 2, cmd | 0x6)) < 0)
		return r;
	note(os, "MSI vector 0 -> eventfd %d", os->irq_fd);
	return 0;
}

static uint64_t linux_now_ns(struct npu_os *os)
{
	struct timespec ts;

	(void)os;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int linux_irq_wait(struct npu_os *os, uint64_t timeout_us)
{
	uint64_t deadline = linux_now_ns(os) + timeout_us * 1000ull, cnt;

	if (os->irq_fd < 0)
		return FAILE(os, EINVAL, "irq_wait: interrupts not enabled (call irq_enable first)");
	for (;;) {
		struct pollfd pfd = { .fd = os->irq_fd, .events = POLLIN };
		uint64_t now = linux_now_ns(os), left = deadline > now ? deadline - now : 0;
		struct timespec ts = { (time_t)(left / 1000000000ull), (long)(left % 1000000000ull) };
		int n = ppoll(&pfd, 1, &ts, NULL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail(os, "irq_wait: ppoll: %s", strerror(errno));
		}
		if (n > 0) {
			if (read(os->irq_fd, &cnt, sizeof(cnt)) == (ssize_t)sizeof(cnt))
				return 1;
			if (errno != EAGAIN)
				return fail(os, "irq_wait: read from the MSI eventfd: %s", strerror(errno));
		}
		if (!left)
			return 0;
	}
}

static void linux_sleep_us(struct npu_os *os, uint64_t us)
{
	(void)os;
	sleep_ns(us * 1000ull);
}

const struct npu_os_ops npu_os_linux = {
	.name = "linux",
	.open = linux_open,
	.close = linux_close,
	.last_error = linux_last_error,
	.pci_id = linux_pci_id,
	.cfg_read = linux_cfg_read,
	.cfg_write = linux_cfg_write,
	.read32 = linux_read32,
	.write32 = linux_write32,
	.read64 = linux_read64,
	.write64 = linux_write64,
	.dma_alloc = linux_dma_alloc,
	.dma_free = linux_dma_free,
	.sync_for_device = linux_sync,
	.sync_for_cpu = linux_sync,
	.irq_enable = linux_irq_enable,
	.irq_wait = linux_irq_wait,
	.now_ns = linux_now_ns,
	.sleep_us = linux_sleep_us,
};

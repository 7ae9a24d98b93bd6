/*
 * QEMU PCI device "intel-npu-mtl": the Intel Meteor Lake NPU (8086:7D1D)
 * as its host driver sees it. This file is only the QEMU glue; the device
 * itself is the QEMU-independent model in ../model/ (npu_model.h), which
 * reaches QEMU through the host interface implemented here.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/thread.h"
#include "qemu/module.h"
#include "qemu/timer.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/pci/pcie.h"
#include "hw/pci/msi.h"
#include "hw/pci/msix.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-properties-system.h"
#include "chardev/char-fe.h"
#include "migration/vmstate.h"
#include "qom/object.h"
#include "trace.h"

#include "npu_model.h"
#include "intel-npu/pci.h"

#define TYPE_INTEL_NPU_MTL "intel-npu-mtl"
OBJECT_DECLARE_SIMPLE_TYPE(IntelNpuState, INTEL_NPU_MTL)

/* Capability layout (the silicon's is not public) */
#define NPU_CAP_PM_OFFSET     0x40
#define NPU_CAP_MSI_OFFSET    0x50
#define NPU_CAP_PCIE_OFFSET   0x80
#define NPU_CAP_MSIX_OFFSET   0xC0
/* Optional MSI-X table and PBA, overlaid at the top of BAR0 where the
 * register map has nothing. */
#define NPU_MSIX_TABLE_OFFSET (NPU_BAR0_SIZE - 2 * 4 * KiB)
#define NPU_MSIX_PBA_OFFSET   (NPU_BAR0_SIZE - 4 * KiB)

struct IntelNpuState {
    PCIDevice parent_obj;

    MemoryRegion bar0;        /* container: registers + optional MSI-X */
    MemoryRegion regv;
    MemoryRegion regb;
    QEMUTimer *timer;
    struct npum *npu;
    /* Set while the model runs; DMA that lands back on our own BARs would
     * otherwise re-enter it. */
    bool in_model;

    /* Off-thread work (DMA and compute engines): one worker thread runs the
     * model's npum_work bodies; a bottom half reports them finished on the
     * main loop. work_lock guards the queues and work_running. */
    QemuThread worker;
    QemuMutex work_lock;
    QemuCond work_cond;
    GQueue work_pending;
    GQueue work_finished;
    struct npum_work *work_running;
    QEMUBH *work_bh;
    bool work_quit;

    /* properties */
    uint32_t device_id;
    uint32_t lrt_ipus;
    uint32_t lrt_lead_us;
    uint32_t dma_mbps;
    bool msix;
    CharBackend console;
};

/* ---- Host interface for the model ------------------------------------------ */

static int npu_host_dma_read(void *opaque, uint64_t addr, void *buf, uint64_t len)
{
    return pci_dma_read(PCI_DEVICE(opaque), addr, buf, len) == MEMTX_OK ? 0 : -1;
}

static int npu_host_dma_write(void *opaque, uint64_t addr, const void *buf, uint64_t len)
{
    return pci_dma_write(PCI_DEVICE(opaque), addr, buf, len) == MEMTX_OK ? 0 : -1;
}

/* For the DMA engines: guest RAM is mapped in place and the worker thread
 * moves the data; anything else (MMIO) goes through QEMU's single bounce
 * buffer, so a second such mapping fails and the engine reports a bus
 * error (docs/deviations.md). */
static void *npu_host_dma_map(void *opaque, uint64_t addr, uint64_t *len, bool write)
{
    dma_addr_t plen = *len;
    void *p = pci_dma_map(PCI_DEVICE(opaque), addr, &plen,
                          write ? DMA_DIRECTION_FROM_DEVICE : DMA_DIRECTION_TO_DEVICE);

    *len = plen;
    return p;
}

static void npu_host_dma_unmap(void *opaque, void *ptr, uint64_t len, bool write)
{
    pci_dma_unmap(PCI_DEVICE(opaque), ptr, len,
                  write ? DMA_DIRECTION_FROM_DEVICE : DMA_DIRECTION_TO_DEVICE, len);
}

static void npu_host_msi_notify(void *opaque)
{
    PCIDevice *pdev = PCI_DEVICE(opaque);

    if (msix_enabled(pdev)) {
        trace_intel_npu_msi_delivery("msix");
        msix_notify(pdev, 0);
    } else if (msi_enabled(pdev)) {
        trace_intel_npu_msi_delivery("msi");
        msi_notify(pdev, 0);
    } else {
        /* The function has no INTx pin: without MSI the interrupt is lost,
         * as on hardware. */
        trace_intel_npu_msi_delivery("dropped: MSI and MSI-X disabled");
    }
}

static uint64_t npu_host_clock_ns(void *opaque)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

static void npu_host_timer_mod(void *opaque, uint64_t deadline_ns)
{
    IntelNpuState *s = opaque;

    if (deadline_ns == UINT64_MAX) {
        timer_del(s->timer);
    } else {
        timer_mod(s->timer, MIN(deadline_ns, (uint64_t)INT64_MAX));
    }
}

static void npu_host_guest_error(void *opaque, const char *msg)
{
    trace_intel_npu_guest_error(msg);
    qemu_log_mask(LOG_GUEST_ERROR, "%s: %s\n", TYPE_INTEL_NPU_MTL, msg);
}

/* The model's records, to the trace_intel_npu_* functions QEMU generated
 * from trace-events (both come from qemu-device/model/trace.list). */
#include "trace_dispatch.h"

static void npu_host_trace(void *opaque, const struct npum_trace_rec *rec)
{
    npu_trace_dispatch(rec);
}

static void npu_host_console(void *opaque, const char *line)
{
    IntelNpuState *s = opaque;

    if (qemu_chr_fe_backend_connected(&s->console)) {
        qemu_chr_fe_write_all(&s->console, (const uint8_t *)line, strlen(line));
        qemu_chr_fe_write_all(&s->console, (const uint8_t *)"\n", 1);
    }
}

/* ---- Off-thread work -------------------------------------------------------- */

static void *npu_worker_thread(void *opaque)
{
    IntelNpuState *s = opaque;

    qemu_mutex_lock(&s->work_lock);
    while (!s->work_quit) {
        struct npum_work *w = g_queue_pop_head(&s->work_pending);

        if (!w) {
            qemu_cond_wait(&s->work_cond, &s->work_lock);
            continue;
        }
        s->work_running = w;
        qemu_mutex_unlock(&s->work_lock);
        npum_work_run(w);               /* touches no model state */
        qemu_mutex_lock(&s->work_lock);
        s->work_running = NULL;
        g_queue_push_tail(&s->work_finished, w);
        qemu_cond_broadcast(&s->work_cond);
        qemu_bh_schedule(s->work_bh);
    }
    qemu_mutex_unlock(&s->work_lock);
    return NULL;
}

static void npu_host_work_start(void *opaque, struct npum_work *w)
{
    IntelNpuState *s = opaque;

    qemu_mutex_lock(&s->work_lock);
    g_queue_push_tail(&s->work_pending, w);
    qemu_cond_broadcast(&s->work_cond);
    qemu_mutex_unlock(&s->work_lock);
}

/* The model forgets w (IP reset, unplug): it must not be running when this
 * returns, and its finished report is dropped. */
static void npu_host_work_wait(void *opaque, struct npum_work *w)
{
    IntelNpuState *s = opaque;

    qemu_mutex_lock(&s->work_lock);
    g_queue_remove(&s->work_pending, w);
    while (s->work_running == w) {
        qemu_cond_wait(&s->work_cond, &s->work_lock);
    }
    g_queue_remove(&s->work_finished, w);
    qemu_mutex_unlock(&s->work_lock);
}

static bool npu_enter(IntelNpuState *s, unsigned bar, hwaddr addr);

/* Main loop, BQL held: report what the worker finished. */
static void npu_work_bh(void *opaque)
{
    IntelNpuState *s = opaque;

    for (;;) {
        struct npum_work *w;

        qemu_mutex_lock(&s->work_lock);
        w = g_queue_pop_head(&s->work_finished);
        qemu_mutex_unlock(&s->work_lock);
        if (!w || !npu_enter(s, 0, 0)) {
            break;
        }
        npum_work_finished(s->npu, w);
        s->in_model = false;
    }
}

static void npu_worker_start(IntelNpuState *s)
{
    qemu_mutex_init(&s->work_lock);
    qemu_cond_init(&s->work_cond);
    g_queue_init(&s->work_pending);
    g_queue_init(&s->work_finished);
    s->work_running = NULL;
    s->work_quit = false;
    s->work_bh = qemu_bh_new(npu_work_bh, s);
    qemu_thread_create(&s->worker, "intel-npu-work", npu_worker_thread, s,
                       QEMU_THREAD_JOINABLE);
}

/* After npum_destroy, which cancelled (waited for) all the model's work. */
static void npu_worker_stop(IntelNpuState *s)
{
    qemu_mutex_lock(&s->work_lock);
    s->work_quit = true;
    qemu_cond_broadcast(&s->work_cond);
    qemu_mutex_unlock(&s->work_lock);
    qemu_thread_join(&s->worker);
    qemu_bh_delete(s->work_bh);
    s->work_bh = NULL;
    g_queue_clear(&s->work_pending);
    g_queue_clear(&s->work_finished);
    qemu_cond_destroy(&s->work_cond);
    qemu_mutex_destroy(&s->work_lock);
}

static const struct npum_host_ops npu_glue_ops = {
    .dma_read = npu_host_dma_read,
    .dma_write = npu_host_dma_write,
    .msi_notify = npu_host_msi_notify,
    .clock_ns = npu_host_clock_ns,
    .timer_mod = npu_host_timer_mod,
    .guest_error = npu_host_guest_error,
    .trace = npu_host_trace,
    .console = npu_host_console,
    .work_start = npu_host_work_start,
    .work_wait = npu_host_work_wait,
    .dma_map = npu_host_dma_map,
    .dma_unmap = npu_host_dma_unmap,
};

/* ---- Register BARs --------------------------------------------------------- */

static bool npu_enter(IntelNpuState *s, unsigned bar, hwaddr addr)
{
    if (s->in_model) {
        trace_intel_npu_reentrant_access(bar, addr);
        qemu_log_mask(LOG_GUEST_ERROR, "%s: device DMA targets its own BAR%u at 0x%"
                      HWADDR_PRIx "; access refused\n", TYPE_INTEL_NPU_MTL, bar, addr);
        return false;
    }
    s->in_model = true;
    return true;
}

static uint64_t npu_bar_read(IntelNpuState *s, unsigned bar, hwaddr addr, unsigned size)
{
    uint64_t v;

    if (!npu_enter(s, bar, addr)) {
        return ~0ULL;
    }
    v = npum_mmio_read(s->npu, bar, addr, size);
    s->in_model = false;
    return v;
}

static void npu_bar_write(IntelNpuState *s, unsigned bar, hwaddr addr, uint64_t val,
                          unsigned size)
{
    if (!npu_enter(s, bar, addr)) {
        return;
    }
    npum_mmio_write(s->npu, bar, addr, val, size);
    s->in_model = false;
}

static uint64_t npu_regv_read(void *opaque, hwaddr addr, unsigned size)
{
    return npu_bar_read(opaque, NPU_BAR_REGV, addr, size);
}

static void npu_regv_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    npu_bar_write(opaque, NPU_BAR_REGV, addr, val, size);
}

static uint64_t npu_regb_read(void *opaque, hwaddr addr, unsigned size)
{
    return npu_bar_read(opaque, NPU_BAR_REGB, addr, size);
}

static void npu_regb_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    npu_bar_write(opaque, NPU_BAR_REGB, addr, val, size);
}

/* Every access size reaches the model, which reports the unsupported ones. */
static const MemoryRegionOps npu_regv_ops = {
    .read = npu_regv_read,
    .write = npu_regv_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static const MemoryRegionOps npu_regb_ops = {
    .read = npu_regb_read,
    .write = npu_regb_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static void npu_timer_cb(void *opaque)
{
    IntelNpuState *s = opaque;

    if (!npu_enter(s, 0, 0)) {
        return;
    }
    npum_timer_expired(s->npu);
    s->in_model = false;
}

/* ---- PCI -------------------------------------------------------------------- */

static void npu_write_config(PCIDevice *pdev, uint32_t addr, uint32_t val, int len)
{
    IntelNpuState *s = INTEL_NPU_MTL(pdev);

    pci_default_write_config(pdev, addr, val, len);
    if (ranges_overlap(addr, len, PCI_COMMAND, 2)) {
        npum_bus_master_changed(s->npu, pdev->config[PCI_COMMAND] & PCI_COMMAND_MASTER);
    }
}

static void npu_add_pm_capability(PCIDevice *pdev, Error **errp)
{
    if (pci_add_capability(pdev, PCI_CAP_ID_PM, NPU_CAP_PM_OFFSET, PCI_PM_SIZEOF, errp) < 0) {
        return;
    }
    pci_set_word(pdev->config + NPU_CAP_PM_OFFSET + PCI_PM_PMC, PCI_PM_CAP_VER_1_2);
    /* The model keeps its state across D3hot (No_Soft_Reset): the host
     * driver powers the NPU down through the buttress, not through PMCSR. */
    pci_set_word(pdev->config + NPU_CAP_PM_OFFSET + PCI_PM_CTRL, PCI_PM_CTRL_NO_SOFT_RESET);
    pci_set_word(pdev->wmask + NPU_CAP_PM_OFFSET + PCI_PM_CTRL, PCI_PM_CTRL_STATE_MASK);
}

static void npu_realize(PCIDevice *pdev, Error **errp)
{
    IntelNpuState *s = INTEL_NPU_MTL(pdev);
    struct npum_config cfg;
    const char *err = NULL;

    if (s->device_id != NPU_PCI_DEVICE_MTL && s->device_id != NPU_PCI_DEVICE_ARL) {
        error_setg(errp, "device-id 0x%x is not supported; valid values are 0x%04x "
                   "(Meteor Lake, default) and 0x%04x (Arrow Lake)", s->device_id,
                   NPU_PCI_DEVICE_MTL, NPU_PCI_DEVICE_ARL);
        return;
    }
    npum_config_default(&cfg);
    cfg.device_id = s->device_id;
    cfg.lrt_ipus = s->lrt_ipus;
    /* Out-of-range values reach the model as just above its limit so it
     * reports them; the product must not wrap. */
    cfg.lrt_lead_ns = MIN(s->lrt_lead_us, 10001u) * 1000u;
    cfg.dma_mbps = s->dma_mbps;

    s->timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, npu_timer_cb, s);
    npu_worker_start(s);
    s->npu = npum_create(&cfg, &npu_glue_ops, s, &err);
    if (!s->npu) {
        error_setg(errp, "%s", err);
        goto fail_timer;
    }

    pci_set_word(pdev->config + PCI_DEVICE_ID, s->device_id);
    pci_config_set_interrupt_pin(pdev->config, 0);

    memory_region_init(&s->bar0, OBJECT(s), "intel-npu-mtl.bar0", NPU_BAR0_SIZE);
    memory_region_init_io(&s->regv, OBJECT(s), &npu_regv_ops, s, "intel-npu-mtl.regv",
                          NPU_BAR0_SIZE);
    memory_region_add_subregion_overlap(&s->bar0, 0, &s->regv, -1);
    memory_region_init_io(&s->regb, OBJECT(s), &npu_regb_ops, s, "intel-npu-mtl.regb",
                          NPU_BAR4_SIZE);
    pci_register_bar(pdev, NPU_BAR_REGV,
                     PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_64, &s->bar0);
    pci_register_bar(pdev, NPU_BAR_REGB,
                     PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_64, &s->regb);

    npu_add_pm_capability(pdev, errp);
    if (*errp) {
        goto fail_npu;
    }
    if (msi_init(pdev, NPU_CAP_MSI_OFFSET, 1, true, false, errp)) {
        goto fail_npu;
    }
    if (pci_is_express(pdev) && pcie_endpoint_cap_init(pdev, NPU_CAP_PCIE_OFFSET) < 0) {
        error_setg(errp, "cannot add the PCI Express capability");
        goto fail_msi;
    }
    if (s->msix && msix_init(pdev, 1, &s->bar0, NPU_BAR_REGV, NPU_MSIX_TABLE_OFFSET, &s->bar0,
                             NPU_BAR_REGV, NPU_MSIX_PBA_OFFSET, NPU_CAP_MSIX_OFFSET, errp)) {
        goto fail_msi;
    }
    if (s->msix) {
        msix_vector_use(pdev, 0);
    }
    return;

fail_msi:
    msi_uninit(pdev);
fail_npu:
    npum_destroy(s->npu);
    s->npu = NULL;
fail_timer:
    npu_worker_stop(s);
    timer_free(s->timer);
    s->timer = NULL;
}

static void npu_exit(PCIDevice *pdev)
{
    IntelNpuState *s = INTEL_NPU_MTL(pdev);

    if (s->msix) {
        msix_vector_unuse(pdev, 0);
        msix_uninit(pdev, &s->bar0, &s->bar0);
    }
    msi_uninit(pdev);
    npum_destroy(s->npu);
    s->npu = NULL;
    npu_worker_stop(s);
    timer_free(s->timer);
    s->timer = NULL;
}

static void npu_reset_hold(DeviceState *dev)
{
    IntelNpuState *s = INTEL_NPU_MTL(dev);

    npum_reset(s->npu);
    npum_bus_master_changed(s->npu, false);
}

/* The control core's execution state is not serialisable yet. */
static const VMStateDescription npu_vmstate = {
    .name = TYPE_INTEL_NPU_MTL,
    .unmigratable = 1,
};

static Property npu_properties[] = {
    DEFINE_PROP_UINT32("device-id", IntelNpuState, device_id, NPU_PCI_DEVICE_MTL),
    DEFINE_PROP_UINT32("lrt-ipus", IntelNpuState, lrt_ipus, 100),
    DEFINE_PROP_UINT32("lrt-lead-us", IntelNpuState, lrt_lead_us, 200),
    DEFINE_PROP_UINT32("dma-mbps", IntelNpuState, dma_mbps, 16000),
    DEFINE_PROP_BOOL("msix", IntelNpuState, msix, false),
    DEFINE_PROP_CHR("chardev", IntelNpuState, console),
    DEFINE_PROP_END_OF_LIST(),
};

static void npu_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    k->realize = npu_realize;
    k->exit = npu_exit;
    k->config_write = npu_write_config;
    k->vendor_id = NPU_PCI_VENDOR_INTEL;
    k->device_id = NPU_PCI_DEVICE_MTL;
    k->revision = NPU_PCI_REVISION_MTL;
    k->class_id = NPU_PCI_CLASS_ACCEL;
    dc->desc = "Intel Meteor Lake NPU (37xx)";
    dc->reset = npu_reset_hold;
    dc->vmsd = &npu_vmstate;
    device_class_set_props(dc, npu_properties);
    object_class_property_set_description(klass, "device-id",
        "PCI device id: 0x7d1d (Meteor Lake, default) or 0xad1d (Arrow Lake)");
    object_class_property_set_description(klass, "lrt-ipus",
        "control core speed in instructions per virtual microsecond (1-10000)");
    object_class_property_set_description(klass, "lrt-lead-us",
        "how far the control core may run ahead of virtual time to answer an "
        "interrupt at once (0-10000 us; 0 keeps it in lock-step)");
    object_class_property_set_description(klass, "dma-mbps",
        "bandwidth of each DMA engine in MB/s of virtual time (1-1000000)");
    object_class_property_set_description(klass, "msix",
        "also offer a 1-vector MSI-X capability (table at the top of BAR0)");
    object_class_property_set_description(klass, "chardev",
        "character device that receives the firmware's debug console");
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static const TypeInfo npu_type_info = {
    .name = TYPE_INTEL_NPU_MTL,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(IntelNpuState),
    .class_init = npu_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_PCIE_DEVICE },
        { }
    },
};

static void npu_register_types(void)
{
    type_register_static(&npu_type_info);
}

type_init(npu_register_types)

/* SPDX-License-Identifier: MIT */
/*
 * User contexts and doorbells, as Linux 6.12's ivpu_job.c and the file
 * open/close paths handle them (hw-facts §5.5): an MMU context per user
 * (SSID 2..65), and per command queue a 4 KiB job queue in the global range
 * with a doorbell id 1..255, registered with REGISTER_DB in OS scheduling
 * mode or CREATE_CMD_QUEUE + SET_CONTEXT_SCHED_PROPERTIES + HWS_REGISTER_DB
 * in HW scheduling mode.
 */
#include <stdlib.h>
#include <string.h>

#include "drv.h"

#define HWS_PRIORITY_BAND_NORMAL 1u  /* ivpu's default job priority */

/* ---- Contexts --------------------------------------------------------------------- */

int npu_context_create(struct npu_device *dev, uint32_t *ssid)
{
	struct npu_ctx *ctx;
	int ret = npu_need_open(dev);

	if (ret)
		return ret;
	npu_clear_error(dev);
	if (!dev->mmu.allocated || !dev->gctx.active)
		return npu_fail(dev, -EAGAIN, "context create: the MMU is not set up; boot first");
	for (uint32_t s = NPU_SSID_USER_MIN; s <= NPU_SSID_USER_MAX; s++) {
		if (dev->uctx[s - NPU_SSID_USER_MIN])
			continue;
		ctx = calloc(1, sizeof(*ctx));
		if (!ctx)
			return npu_fail(dev, -ENOMEM, "context create: out of memory");
		ret = npu_ctx_init(dev, ctx, s);
		if (!ret) {
			ret = npu_smmu_cd_set(dev, s, ctx->pgd->mem.dma);
			if (ret)
				npu_ctx_fini(dev, ctx);
		}
		if (ret) {
			free(ctx);
			return ret;
		}
		dev->uctx[s - NPU_SSID_USER_MIN] = ctx;
		*ssid = s;
		npu_dbg(dev, "context %u created, tables at 0x%llx", s,
			(unsigned long long)ctx->pgd->mem.dma);
		return 0;
	}
	return npu_fail(dev, -EBUSY, "context create: all %u user SSIDs (%u..%u) are in use",
			NPU_USER_CTX_COUNT, NPU_SSID_USER_MIN, NPU_SSID_USER_MAX);
}

static int doorbell_unregister(struct npu_device *dev, uint32_t db_id);

int npu_context_release(struct npu_device *dev, uint32_t ssid)
{
	char first_msg[sizeof(dev->last_error)];
	struct npu_ctx *ctx;
	int ret = npu_need_open(dev), first = 0;

	if (ret)
		return ret;
	npu_clear_error(dev);
	ctx = ssid >= NPU_SSID_USER_MIN ? npu_ctx_by_ssid(dev, ssid) : NULL;
	if (!ctx)
		return npu_fail(dev, -EINVAL, "context destroy: SSID %u is not a user context", ssid);
	for (unsigned id = NPU_DB_ID_MIN; id <= NPU_DB_ID_MAX; id++) {
		if (dev->db[id].allocated && dev->db[id].ssid == ssid) {
			ret = doorbell_unregister(dev, id);
			if (ret && !first) {
				first = ret;
				memcpy(first_msg, dev->last_error, sizeof(first_msg));
			}
		}
	}
	/* file_priv_unbind: the firmware forgets the SSID */
	if (dev->power == NPU_POWER_READY) {
		ret = npu_jsm_ssid_release(dev, ssid);
		if (ret && !first) {
			first = ret;
			memcpy(first_msg, dev->last_error, sizeof(first_msg));
		}
	}
	for (struct npu_buffer *bo = dev->buffers, *next; bo; bo = next) {
		next = bo->next;
		if (bo->ctx == ctx)
			npu_bo_free(dev, bo);
	}
	ret = npu_smmu_cd_set(dev, ssid, 0);
	if (ret && !first) {
		first = ret;
		memcpy(first_msg, dev->last_error, sizeof(first_msg));
	}
	/* its jobs go with it: nobody can wait for them any more */
	dev->jobs_outstanding -= ctx->jobs_outstanding;
	if (!dev->jobs_outstanding)
		dev->tdr_deadline_ns = 0;
	free(ctx->jobs);
	npu_ctx_fini(dev, ctx);
	free(ctx);
	dev->uctx[ssid - NPU_SSID_USER_MIN] = NULL;
	if (first) {
		/* the first failure is the one to report; the later ones are in
		 * the error history and the log */
		memcpy(dev->last_error, first_msg, sizeof(first_msg));
		dev->last_err = first;
	}
	return first;
}

int npu_context_destroy(struct npu_device *dev, uint32_t ssid)
{
	return npu_api_exit(dev, npu_context_release(dev, ssid));
}

/* ---- Doorbells (ivpu_cmdq_init / ivpu_cmdq_fini, OS or HW scheduling) ------------- */

/* First registration and again after every cold boot: head and tail back
 * to 0, the slots as they were (hw-facts §14.4). */
int npu_doorbell_send_register(struct npu_device *dev, uint32_t id)
{
	struct npu_doorbell *db = &dev->db[id];
	struct npu_job_queue_header *h = db->jobq->dma.cpu;
	uint32_t ssid = db->ssid;
	int ret;

	h->engine_idx = NPU_ENGINE_COMPUTE;
	h->head = 0;
	h->tail = 0;
	npu_bo_sync_dev(dev, db->jobq, 0, sizeof(*h));
	if (dev->fw.sched_mode == NPU_SCHEDULING_MODE_HW) {
		ret = npu_jsm_hws_create_cmdq(dev, ssid, db->cmdq_id, db->jobq->va,
					      (uint32_t)db->jobq->size);
		if (!ret)
			ret = npu_jsm_hws_set_context_sched_properties(dev, ssid, db->cmdq_id,
								       HWS_PRIORITY_BAND_NORMAL);
		if (!ret)
			ret = npu_jsm_hws_register_db(dev, ssid, db->cmdq_id, id, db->jobq->va,
						      (uint32_t)db->jobq->size);
	} else {
		ret = npu_jsm_register_db(dev, ssid, id, db->jobq->va, (uint32_t)db->jobq->size);
	}
	if (!ret)
		db->registered = true;
	return ret;
}

/* One preemption buffer of size bytes inside [start, end) near its top */
static struct npu_buffer *preempt_buf(struct npu_device *dev, struct npu_ctx *ctx,
				      uint64_t size, uint64_t window, const struct npu_range *r,
				      const char *name)
{
	struct npu_range top = { r->end - window < r->start ? r->start : r->end - window, r->end };
	struct npu_buffer *bo = NULL;

	if (!size)
		return NULL;
	if (npu_bo_create(dev, ctx, &top, (size_t)size, 0, name, &bo))
		return NULL;
	return bo;
}

/* ivpu's preemption buffers for HWS (hw-facts §14.5): the primary rounded
 * to 4 KiB within the top 4 x its size of the user range, the secondary at
 * the top of the shave range; a failure is logged and the queue works
 * without them. */
static void preempt_bufs_create(struct npu_device *dev, struct npu_doorbell *db,
				struct npu_ctx *ctx)
{
	uint64_t p = NPU_ALIGN_UP(dev->fw.hdr.preemption_buffer_1_size, NPU_SZ_4K);
	uint64_t q = NPU_ALIGN_UP(dev->fw.hdr.preemption_buffer_2_size, NPU_SZ_4K);

	dev->soft_fail++;
	db->preempt_primary = preempt_buf(dev, ctx, p, 4 * p, &dev->ranges.user, "preempt-1");
	/* room for the 64 KiB alignment of a large buffer at the very top */
	db->preempt_secondary = preempt_buf(dev, ctx, q, NPU_ALIGN_UP(q, NPU_SZ_64K) + NPU_SZ_64K,
					    &dev->ranges.shave, "preempt-2");
	dev->soft_fail--;
	if ((p && !db->preempt_primary) || (q && !db->preempt_secondary))
		npu_warn(dev, "context %u: no room for the preemption buffers (%llu + %llu bytes); "
			 "its jobs run without, preemption limited", ctx->ssid,
			 (unsigned long long)p, (unsigned long long)q);
}

static void preempt_bufs_free(struct npu_device *dev, struct npu_doorbell *db)
{
	npu_bo_free(dev, db->preempt_primary);
	npu_bo_free(dev, db->preempt_secondary);
	db->preempt_primary = db->preempt_secondary = NULL;
}

static int doorbell_register(struct npu_device *dev, uint32_t ssid, uint32_t *db_id)
{
	static uint32_t unused;
	struct npu_doorbell *db = NULL;
	struct npu_ctx *ctx;
	uint32_t id = 0;
	int ret = npu_need_ready(dev, "doorbell register");

	if (ret)
		return ret;
	if (!db_id)
		db_id = &unused;
	ctx = ssid >= NPU_SSID_USER_MIN ? npu_ctx_by_ssid(dev, ssid) : NULL;
	if (!ctx)
		return npu_fail(dev, -EINVAL, "doorbell register: SSID %u is not a user context "
				"(%u..%u; create one with npu_context_create)", ssid,
				NPU_SSID_USER_MIN, NPU_SSID_USER_MAX);
	for (uint32_t i = NPU_DB_ID_MIN; i <= NPU_DB_ID_MAX; i++) {
		if (!dev->db[i].allocated) {
			id = i;
			db = &dev->db[i];
			break;
		}
	}
	if (!db)
		return npu_fail(dev, -EBUSY, "doorbell register: all %u doorbells are in use",
				NPU_DB_ID_MAX);
	ret = npu_bo_create_global(dev, NPU_JOBQ_SIZE, 0, "jobq", &db->jobq);
	if (ret)
		return ret;
	db->allocated = true;
	db->ssid = ssid;
	if (dev->fw.sched_mode == NPU_SCHEDULING_MODE_HW) {
		db->cmdq_id = ++dev->cmdq_next_id;
		preempt_bufs_create(dev, db, ctx);
	}
	ret = npu_doorbell_send_register(dev, id);
	if (ret) {
		preempt_bufs_free(dev, db);
		npu_bo_free(dev, db->jobq);
		memset(db, 0, sizeof(*db));
		return ret;
	}
	*db_id = id;
	npu_dbg(dev, "doorbell %u registered for context %u, job queue 0x%llx", id, ssid,
		(unsigned long long)db->jobq->va);
	return 0;
}

int npu_doorbell_register(struct npu_device *dev, uint32_t ssid, uint32_t *db_id)
{
	return npu_api_exit(dev, doorbell_register(dev, ssid, db_id));
}

static int doorbell_unregister(struct npu_device *dev, uint32_t db_id)
{
	struct npu_doorbell *db;
	int ret = npu_need_open(dev);

	if (ret)
		return ret;
	if (db_id < NPU_DB_ID_MIN || db_id > NPU_DB_ID_MAX || !dev->db[db_id].allocated)
		return npu_fail(dev, -EINVAL, "doorbell unregister: doorbell %u is not allocated",
				db_id);
	db = &dev->db[db_id];
	if (db->registered && dev->power == NPU_POWER_READY) {
		if (dev->fw.sched_mode == NPU_SCHEDULING_MODE_HW)
			ret = npu_jsm_hws_destroy_cmdq(dev, db->ssid, db->cmdq_id);
		if (!ret)
			ret = npu_jsm_unregister_db(dev, db_id);
	}
	preempt_bufs_free(dev, db);
	npu_bo_free(dev, db->jobq);
	memset(db, 0, sizeof(*db));
	return ret;
}

int npu_doorbell_unregister(struct npu_device *dev, uint32_t db_id)
{
	return npu_api_exit(dev, doorbell_unregister(dev, db_id));
}

int npu_doorbell_ring(struct npu_device *dev, uint32_t db_id)
{
	int ret = npu_need_ready(dev, "doorbell ring");

	if (ret)
		return ret;
	if (db_id < NPU_DB_ID_MIN || db_id > NPU_DB_ID_MAX || !dev->db[db_id].registered)
		return npu_fail(dev, -EINVAL, "doorbell ring: doorbell %u is not registered", db_id);
	npu_regv_wr32(dev, NPU_CPU_SS_DOORBELL(db_id), NPU_DOORBELL_SET);
	return 0;
}

void *npu_doorbell_jobq(struct npu_device *dev, uint32_t db_id, uint64_t *va, size_t *size)
{
	if (db_id < NPU_DB_ID_MIN || db_id > NPU_DB_ID_MAX || !dev->db[db_id].jobq)
		return NULL;
	if (va)
		*va = dev->db[db_id].jobq->va;
	if (size)
		*size = dev->db[db_id].jobq->size;
	return dev->db[db_id].jobq->dma.cpu;
}

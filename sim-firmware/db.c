/* SPDX-License-Identifier: MIT */
/*
 * Doorbell and command-queue registry (hw-facts §5.4-§5.5).
 *
 * OS scheduling: REGISTER_DB binds doorbell 1..255 to a job queue (64-byte
 * header + 64-byte slots) of a user context (SSID 2..65). HW scheduling
 * (HWS): CREATE_CMD_QUEUE describes a queue, HWS_REGISTER_DB binds a
 * doorbell to it. Both live in .bss so they survive D0i3: after a warm boot
 * the host expects its doorbells to still work (it re-registers nothing).
 *
 * A ring sets a pending bit in the LRT (NPU_LRT_DB_PENDING); we clear it and
 * hand the queue to the job scheduler (job.c), which consumes it.
 */
#include "fw.h"
#include "intel-npu/jobq.h"
#include "intel-npu/va_layout.h"

struct fw_db fw_dbs[FW_DB_COUNT];
struct fw_cmdq fw_cmdqs[FW_CMDQ_MAX];

bool fw_ssid_valid(uint32_t ssid)
{
	return ssid >= NPU_SSID_USER_MIN && ssid <= NPU_SSID_USER_MAX;
}

bool fw_db_id_valid(uint32_t db)
{
	return db >= NPU_DB_ID_MIN && db <= NPU_DB_ID_MAX;
}

int db_register(uint32_t db, uint32_t ssid, uint32_t jobq_va, uint32_t jobq_size,
		bool hws, uint64_t cmdq_id)
{
	struct fw_db *d = &fw_dbs[db];
	int replaced = d->used;

	if (d->used || d->orphan) {
		if (d->orphan && !d->used)
			LOG_WARN("db: doorbell %lu registered again; the jobs its old queue had left "
				 "are forgotten", db);
		job_drop(db);
	}
	d->orphan = d->abort = d->faulted = d->bad = 0;
	d->jobq_va = jobq_va;
	d->jobq_size = jobq_size;
	d->host_ssid = (uint16_t)ssid;
	d->hws = hws;
	d->cmdq_id = cmdq_id;
	d->used = 1;
	job_kick(db);
	return replaced;
}

int db_unregister(uint32_t db)
{
	if (db >= FW_DB_COUNT || !fw_dbs[db].used)
		return -1;
	job_unregister(db);
	fw_dbs[db].used = 0;
	return 0;
}

struct fw_cmdq *cmdq_find(uint32_t ssid, uint64_t cmdq_id)
{
	for (uint32_t i = 0; i < FW_CMDQ_MAX; i++) {
		struct fw_cmdq *q = &fw_cmdqs[i];

		if (q->used && q->host_ssid == ssid && q->cmdq_id == cmdq_id)
			return q;
	}
	return NULL;
}

/* The existing entry for (ssid, id) (*replaced = true) or a free one; NULL
 * when the table is full. The caller fills it in. */
struct fw_cmdq *cmdq_alloc(uint32_t ssid, uint64_t cmdq_id, bool *replaced)
{
	struct fw_cmdq *q = cmdq_find(ssid, cmdq_id);

	*replaced = q != NULL;
	if (q)
		return q;
	for (uint32_t i = 0; i < FW_CMDQ_MAX; i++)
		if (!fw_cmdqs[i].used)
			return &fw_cmdqs[i];
	return NULL;
}

void db_release_ssid(uint32_t ssid, uint32_t *dbs, uint32_t *cmdqs)
{
	*dbs = *cmdqs = 0;
	/* including queues unregistered with jobs left (hw-facts §14.11) */
	for (uint32_t i = 0; i < FW_DB_COUNT; i++)
		if ((fw_dbs[i].used || fw_dbs[i].orphan) && fw_dbs[i].host_ssid == ssid) {
			job_abort(i);
			fw_dbs[i].used = 0;
			(*dbs)++;
		}
	for (uint32_t i = 0; i < FW_CMDQ_MAX; i++)
		if (fw_cmdqs[i].used && fw_cmdqs[i].host_ssid == ssid) {
			fw_cmdqs[i].used = 0;
			(*cmdqs)++;
		}
}

void db_ring(uint32_t db)
{
	const struct fw_db *d = &fw_dbs[db];

	fw.stats.doorbells++;
	if (db >= FW_DB_COUNT || !d->used) {
		LOG_WARN("db: doorbell %lu rang but is not registered; ignored", db);
		return;
	}
	LOG_DBG("db: doorbell %lu rang: ssid %u queue 0x%lx", db, d->host_ssid, d->jobq_va);
	job_kick(db);
}

/* DOORBELL interrupt: DB_SUMMARY says which pending words to look at;
 * writing the bits back clears them (W1C) before we act, so a ring that
 * arrives meanwhile raises the interrupt again. */
void db_service(void)
{
	uint32_t summary = plat_rd(NPU_LRT_DB_SUMMARY);

	for (uint32_t w = 0; summary; w++, summary >>= 1) {
		uint32_t bits;

		if (!(summary & 1))
			continue;
		bits = plat_rd(NPU_LRT_DB_PENDING(w));
		plat_wr(NPU_LRT_DB_PENDING(w), bits);
		for (uint32_t b = 0; bits; b++, bits >>= 1)
			if (bits & 1)
				db_ring(w * 32 + b);
	}
}

void db_dump(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < FW_DB_COUNT; i++) {
		const struct fw_db *d = &fw_dbs[i];

		if (d->orphan && !d->used)
			LOG_DUMP("dump: doorbell %lu unregistered, jobs of ssid %u left%s", i,
				 d->host_ssid, d->abort ? ", aborting" : "");
		if (!d->used)
			continue;
		n++;
		LOG_DUMP("dump: doorbell %lu -> ssid %u %s queue 0x%lx size 0x%lx cmdq %llu%s",
			 i, d->host_ssid, d->hws ? "HWS" : "OS", d->jobq_va, d->jobq_size,
			 (unsigned long long)d->cmdq_id, d->bad ? " (queue unusable)" : "");
	}
	LOG_DUMP("dump: %lu doorbells registered", n);
	n = 0;
	for (uint32_t i = 0; i < FW_CMDQ_MAX; i++) {
		const struct fw_cmdq *q = &fw_cmdqs[i];

		if (!q->used)
			continue;
		n++;
		LOG_DUMP("dump: cmdq %llu ssid %u engine %u base 0x%lx size 0x%lx band %u%s",
			 (unsigned long long)q->cmdq_id, q->host_ssid, q->engine_idx, q->base,
			 q->size, q->priority_band, q->suspended ? " suspended" : "");
	}
	LOG_DUMP("dump: %lu command queues", n);
}

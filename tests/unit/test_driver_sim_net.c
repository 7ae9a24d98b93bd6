/* SPDX-License-Identifier: MIT */
/*
 * The worked network (npu-format/inference_net.h: conv -> relu -> pool ->
 * FC) end to end on the sim backend: the driver allocates the BOs in a
 * user context, submits INFERENCE_EXECUTE (hw-facts §16.1) and waits; the
 * real firmware runs it on the model's DMA engines, DPUs and activation
 * engines; the output is the reference's byte for byte. int8 and fp16, in
 * both scheduling modes.
 */
#include <CUnit/Basic.h>
#include <stdio.h>

#include "net_job.h"
#include "sim_jobs.h"

static void run(enum npu_net_type t, uint32_t seed)
{
	char why[256];
	uint32_t st;
	int r = npu_net_run(sim.dev, sim.ssid, sim.db, t, seed, &st, why, sizeof(why));

	CU_ASSERT_EQUAL(r, 0);
	CU_ASSERT_EQUAL(st, 0);
	if (r)
		fprintf(stderr, "\n    %s network, seed %u: %s\n",
			t == NPU_NET_FP16 ? "fp16" : "int8", seed, why);
}

static void test_net_os(void)
{
	sim_jobs_open(NPU_SCHED_OS, 0);
	run(NPU_NET_INT8, 1);
	run(NPU_NET_FP16, 1);
	run(NPU_NET_INT8, 2);                  /* other data: other outputs, still exact */
	sim_jobs_close();
}

static void test_net_hws(void)
{
	sim_jobs_open(NPU_SCHED_HW, 0);
	run(NPU_NET_INT8, 3);
	run(NPU_NET_FP16, 3);
	sim_jobs_close();
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("driver_sim_net", NULL, NULL);
	CU_add_test(s, "network int8 and fp16, OS scheduling, exact", test_net_os);
	CU_add_test(s, "network int8 and fp16, HW scheduling, exact", test_net_hws);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}

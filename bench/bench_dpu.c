/* SPDX-License-Identifier: MIT */
/*
 * Throughput of the DPU's int8 kernels (qemu-device/model/engines/dpu_ops.c)
 * beside oneDNN's dnnl_gemm_u8s8s32 on the same shapes in the same run, when
 * the build found oneDNN (Debian libdnnl-dev; NPU_HAVE_DNNL), and small
 * tasks per second. A DPU task runs on one host thread (the engine's
 * worker), so `make bench-dpu` runs oneDNN single-threaded too
 * (OMP_NUM_THREADS=1). oneDNN's figure is the bare GEMM (no im2col, no
 * PPE); ours includes the window gather, the zero points and the PPE.
 * Ops are 2 per multiply-accumulate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engines/dpu_ops.h"
#ifdef NPU_HAVE_DNNL
#include <dnnl.h>
#endif

#define MIN_SECONDS 0.5

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void machine(void)
{
	char line[256], model[256] = "unknown";
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "model name", 10)) {
			char *c = strchr(line, ':');

			snprintf(model, sizeof(model), "%s", c ? c + 2 : line);
			model[strcspn(model, "\n")] = 0;
			break;
		}
	if (f)
		fclose(f);
	printf("bench-dpu: %s, %ld cores, oneDNN threads: %s\n", model, sysconf(_SC_NPROCESSORS_ONLN),
	       getenv("OMP_NUM_THREADS") ? getenv("OMP_NUM_THREADS") : "default");
}

struct shape {
	const char *name;
	uint32_t w, h, ic, oc, k, stride, pad;
};

struct bufs {
	uint8_t *in, *wts, *out;
	const uint8_t **wt;
	struct dpu_chan *chan;
	struct dpu_layer l;
};

static void setup(struct bufs *b, const struct shape *s)
{
	size_t kk = (size_t)s->k * s->k * s->ic;
	uint32_t ow = (s->w + 2 * s->pad - s->k) / s->stride + 1;
	uint32_t oh = (s->h + 2 * s->pad - s->k) / s->stride + 1;
	size_t in_n = (size_t)s->w * s->h * s->ic;

	b->in = malloc(in_n);
	b->wts = malloc(kk * s->oc);
	b->out = malloc((size_t)ow * oh * s->oc * 4);
	b->wt = malloc(sizeof(*b->wt) * s->oc);
	b->chan = calloc(s->oc, sizeof(*b->chan));
	for (size_t i = 0; i < in_n; i++)
		b->in[i] = (uint8_t)(i * 2654435761u >> 24);
	for (size_t i = 0; i < kk * s->oc; i++)
		b->wts[i] = (uint8_t)(i * 40503u >> 8);
	for (uint32_t j = 0; j < s->oc; j++) {
		b->wt[j] = b->wts + kk * j;
		b->chan[j].mult = 1;
	}
	memset(&b->l, 0, sizeof(b->l));
	b->l = (struct dpu_layer){
		.op = DPU_OP_CONV, .in_type = DPU_T_U8, .wt_type = DPU_T_I8, .out_type = DPU_T_I32,
		.in = b->in, .in_w = s->w, .in_h = s->h, .in_c = s->ic, .in_zp = 128,
		.kx = s->k, .ky = s->k, .sx = s->stride, .sy = s->stride, .dx = 1, .dy = 1,
		.pad_left = (int32_t)s->pad, .pad_top = (int32_t)s->pad, .groups = 1,
		.out_c = s->oc, .wt = b->wt, .ow = ow, .oh = oh, .oc = s->oc, .out = b->out,
		.out_sz = 4, .out_sx = 4 * (ptrdiff_t)s->oc, .out_sy = 4 * (ptrdiff_t)s->oc * ow,
		.chan = b->chan,
		.ppe = { .round = DPU_ROUND_RNE, .prelu_mult = 1, .clamp_lo = INT32_MIN,
			 .clamp_hi = INT32_MAX },
	};
}

static void teardown(struct bufs *b)
{
	free(b->in);
	free(b->wts);
	free(b->out);
	free(b->wt);
	free(b->chan);
}

static double macs_of(const struct dpu_layer *l)
{
	return (double)l->ow * l->oh * l->oc * l->kx * l->ky * l->in_c;
}

static double run_dpu(const struct dpu_layer *l)
{
	double t0 = now_s(), t;
	unsigned n = 0;

	do {
		if (dpu_run_layer(l)) {
			fprintf(stderr, "bench-dpu: layer refused\n");
			exit(1);
		}
		n++;
		t = now_s() - t0;
	} while (t < MIN_SECONDS);
	return 2.0 * macs_of(l) * n / t;
}

#ifdef NPU_HAVE_DNNL
/* The same multiply: M = output pixels, K = ky * kx * ic, N = output channels. */
static double run_dnnl(const struct dpu_layer *l)
{
	dnnl_dim_t M = (dnnl_dim_t)l->ow * l->oh, N = l->oc, K = (dnnl_dim_t)l->kx * l->ky * l->in_c;
	uint8_t *a = malloc((size_t)(M * K));
	int8_t *b = malloc((size_t)(K * N));
	int32_t *c = malloc(sizeof(int32_t) * (size_t)(M * N)), co = 0;
	double t0, t;
	unsigned n = 0;

	memset(a, 3, (size_t)(M * K));
	memset(b, 1, (size_t)(K * N));
	dnnl_gemm_u8s8s32('N', 'N', 'F', M, N, K, 1.0f, a, K, 128, b, N, 0, 0.0f, c, N, &co);
	t0 = now_s();
	do {
		dnnl_gemm_u8s8s32('N', 'N', 'F', M, N, K, 1.0f, a, K, 128, b, N, 0, 0.0f, c, N, &co);
		n++;
		t = now_s() - t0;
	} while (t < MIN_SECONDS);
	free(a);
	free(b);
	free(c);
	return 2.0 * (double)M * (double)N * (double)K * n / t;
}
#endif

int main(void)
{
	static const struct shape shapes[] = {
		{ "conv 3x3 56x56x64->64", 56, 56, 64, 64, 3, 1, 1 },
		{ "conv 3x3 28x28x128->128", 28, 28, 128, 128, 3, 1, 1 },
		{ "GEMM 1x1 3136x256->64", 56, 56, 256, 64, 1, 1, 0 },
		{ "GEMM 1x1 1024x1024->256", 32, 32, 1024, 256, 1, 1, 0 },
	};
	struct bufs b;

	machine();
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		double ours, theirs = 0;

		setup(&b, &shapes[i]);
		ours = run_dpu(&b.l);
#ifdef NPU_HAVE_DNNL
		theirs = run_dnnl(&b.l);
#endif
		if (theirs > 0)
			printf("  %-26s DPU kernels %7.1f Gops/s   oneDNN u8s8s32 %7.1f Gops/s   "
			       "ratio %5.1f %%\n", shapes[i].name, ours * 1e-9, theirs * 1e-9,
			       100.0 * ours / theirs);
		else
			printf("  %-26s DPU kernels %7.1f Gops/s   (built without oneDNN)\n",
			       shapes[i].name, ours * 1e-9);
		teardown(&b);
	}
	/* small tasks: a 8x8x16 -> 16 1x1 layer per call */
	{
		static const struct shape s = { "small", 8, 8, 16, 16, 1, 1, 0 };
		double t0, t;
		unsigned n = 0;

		setup(&b, &s);
		t0 = now_s();
		do {
			dpu_run_layer(&b.l);
			n++;
			t = now_s() - t0;
		} while (t < MIN_SECONDS);
		printf("  small task (8x8x16->16 1x1)  %.0f tasks/s\n", n / t);
		teardown(&b);
	}
	return 0;
}

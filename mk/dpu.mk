# The DPU's kernels (qemu-device/model/engines/dpu_ops.c): benchmark beside
# oneDNN. oneDNN is optional: with Debian's libdnnl-dev installed (configure
# lists it) the benchmark links it and prints the ratio; the model itself
# never uses it.
#
#   make bench-dpu     int8 conv and GEMM Gops/s beside dnnl_gemm_u8s8s32, small tasks/s

DPU_BENCH := $(BUILD)/bench/bench_dpu
DNNL_HEADER := $(firstword $(wildcard /usr/include/oneapi/dnnl/dnnl.h /usr/include/dnnl.h))
DPU_BENCH_LIBS := $(if $(DNNL_HEADER),-ldnnl)
$(BUILD)/host/bench/bench_dpu.o: EXTRA_CFLAGS_bench_ += -I$(SRCDIR)/qemu-device/model \
	$(if $(DNNL_HEADER),-DNPU_HAVE_DNNL)

$(DPU_BENCH): $(BUILD)/host/bench/bench_dpu.o $(MODEL_LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $(notdir $@)"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(DPU_BENCH_LIBS)

.PHONY: bench-dpu
bench-dpu: $(DPU_BENCH)
	$(Q)OMP_NUM_THREADS=1 $(SANITIZE_ENV) $(DPU_BENCH)

BENCHES     += bench-dpu
CLEAN_FILES += $(DPU_BENCH)

#include "trace/trace-hw_misc_intel_npu_mtl.h"

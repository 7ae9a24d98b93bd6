/* SPDX-License-Identifier: MIT */
/*
 * Bit and field helpers shared by the model, the firmware and the driver.
 *
 * Every register field in this header set is described by a mask constant
 * named <REGISTER>_<FIELD>; NPU_FLD_GET/NPU_FLD_PREP derive the shift from
 * the mask so no shift counts appear in logic (the convention of ivpu's
 * REG_FLD helpers, written afresh here).
 *
 * Freestanding C11: usable from the RV32 firmware as well as the host.
 */
#ifndef INTEL_NPU_BITS_H
#define INTEL_NPU_BITS_H

#include <stdint.h>

#define NPU_BIT(n)        (UINT32_C(1) << (n))
#define NPU_BIT64(n)      (UINT64_C(1) << (n))
#define NPU_GENMASK(h, l) ((UINT32_MAX >> (31 - (h))) & (UINT32_MAX << (l)))
#define NPU_GENMASK64(h, l) ((UINT64_MAX >> (63 - (h))) & (UINT64_MAX << (l)))

/* Extract / insert a field given its (contiguous, non-zero) mask. */
#define NPU_FLD_GET(mask, val) \
	((uint64_t)(((uint64_t)(val) & (uint64_t)(mask)) >> __builtin_ctzll((uint64_t)(mask))))
#define NPU_FLD_PREP(mask, x) \
	((uint64_t)(((uint64_t)(x) << __builtin_ctzll((uint64_t)(mask))) & (uint64_t)(mask)))
/* Replace a field in val. */
#define NPU_FLD_SET(mask, val, x) \
	(((uint64_t)(val) & ~(uint64_t)(mask)) | NPU_FLD_PREP(mask, x))

/* Compile-time layout checks for structures that cross a device boundary. */
#define NPU_ABI_CHECK_SIZE(type, size) \
	_Static_assert(sizeof(type) == (size), #type " must be " #size " bytes")
#define NPU_ABI_CHECK_OFF(type, field, off) \
	_Static_assert(__builtin_offsetof(type, field) == (off), \
		       #type "." #field " must be at offset " #off)

/* (major << 16) | minor, the encoding of every API version (hw-facts §4.2). */
#define NPU_API_VERSION(major, minor) (((uint32_t)(major) << 16) | (uint32_t)(minor))
#define NPU_API_MAJOR(v) ((uint16_t)((v) >> 16))
#define NPU_API_MINOR(v) ((uint16_t)(v))

/*
 * Little-endian loads and stores of device structures held as bytes (MMU
 * table entries, event records, the firmware file header). Every structure
 * that crosses the device boundary is little-endian (hw-facts §4.2, §6);
 * these are the project's only helpers for it, byte by byte so they are
 * alignment- and host-endianness-safe.
 */
static inline uint16_t npu_le16_get(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;

	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t npu_le32_get(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline uint64_t npu_le64_get(const void *p)
{
	return npu_le32_get(p) | (uint64_t)npu_le32_get((const uint8_t *)p + 4) << 32;
}

static inline void npu_le32_put(void *p, uint32_t v)
{
	uint8_t *b = (uint8_t *)p;

	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

static inline void npu_le64_put(void *p, uint64_t v)
{
	npu_le32_put(p, (uint32_t)v);
	npu_le32_put((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

#endif /* INTEL_NPU_BITS_H */

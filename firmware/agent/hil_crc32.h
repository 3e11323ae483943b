/* CRC-32 (IEEE 802.3, reflected, init and final xor 0xFFFFFFFF): the same value as zlib.crc32. */
#ifndef HIL_CRC32_H
#define HIL_CRC32_H
#include <stddef.h>
#include <stdint.h>

/* Start with crc = 0; feed chunks in order; the return value is the CRC so far. */
uint32_t hil_crc32_update(uint32_t crc, const uint8_t *data, size_t len);

#endif

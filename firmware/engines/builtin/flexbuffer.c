/* FlexBuffers root maps of inline scalars, every position checked against the buffer size.
 * Layout (FlexBuffers): the last byte is the root's byte width, the one before it the root's
 * packed type (type << 2 | log2 width); a map stores, before its values, the offset to its key
 * vector, that vector's byte width and its length, and after its values one packed type byte
 * per value. Offsets count back from the position that holds them. */
#include "flexbuffer.h"

#include <string.h>

enum { FBT_INT = 1, FBT_UINT = 2, FBT_FLOAT = 3, FBT_INDIRECT_INT = 6, FBT_INDIRECT_FLOAT = 8, FBT_MAP = 9, FBT_BOOL = 26 };

static int valid_width(uint64_t w) { return w == 1 || w == 2 || w == 4 || w == 8; }

/* Little-endian unsigned value of `width` bytes at pos; the caller checked the bounds. */
static uint64_t read_u(const uint8_t *buf, uint32_t pos, uint32_t width)
{
    uint64_t v = 0;
    for (uint32_t i = width; i-- > 0;)
        v = (v << 8) | buf[pos + i];
    return v;
}

static int in_bounds(const hil_flex_map *m, uint64_t pos, uint64_t bytes) { return pos + bytes <= m->size; }

/* The position `offset` bytes back from `from`, or -1 when outside the buffer. */
static int64_t back(uint32_t from, uint64_t offset) { return offset <= from ? (int64_t)(from - offset) : -1; }

int hil_flex_open(hil_flex_map *m, const uint8_t *buf, uint32_t size)
{
    memset(m, 0, sizeof *m);
    m->buf = buf;
    m->size = size;
    if (!buf || size < 3)
        return HIL_FLEX_MALFORMED;
    uint32_t root_width = buf[size - 1];
    uint8_t packed = buf[size - 2];
    if (!valid_width(root_width) || size < 2u + root_width || (packed >> 2) != FBT_MAP)
        return HIL_FLEX_MALFORMED;
    uint32_t root = size - 2u - root_width;
    int64_t map = back(root, read_u(buf, root, root_width));
    uint32_t w = 1u << (packed & 3u);
    if (map < 3 * (int64_t)w)
        return HIL_FLEX_MALFORMED;
    m->values = (uint32_t)map;
    m->width = w;
    uint64_t len = read_u(buf, m->values - w, w);
    uint64_t key_width = read_u(buf, m->values - 2 * w, w);
    int64_t keys = back(m->values - 3 * w, read_u(buf, m->values - 3 * w, w));
    if (!valid_width(key_width) || keys < (int64_t)key_width || len > size ||
        !in_bounds(m, m->values, len * (w + 1u)) || !in_bounds(m, (uint64_t)keys, len * key_width) ||
        read_u(buf, (uint32_t)keys - (uint32_t)key_width, (uint32_t)key_width) != len)
        return HIL_FLEX_MALFORMED;
    m->len = (uint32_t)len;
    m->keys = (uint32_t)keys;
    m->key_width = (uint32_t)key_width;
    return HIL_FLEX_OK;
}

/* Whether key `index` is `key` (a NUL-terminated string inside the buffer). */
static int key_is(const hil_flex_map *m, uint32_t index, const char *key)
{
    uint32_t at = m->keys + index * m->key_width;
    int64_t pos = back(at, read_u(m->buf, at, m->key_width));
    size_t n = strlen(key);
    return pos >= 0 && in_bounds(m, (uint64_t)pos, n + 1u) && memcmp(m->buf + pos, key, n) == 0 &&
           m->buf[pos + (int64_t)n] == 0;
}

/* The `width` bytes at pos as a two's complement integer (TFLM's ReadInt64). */
static int64_t read_i(const uint8_t *buf, uint32_t pos, uint32_t width)
{
    uint64_t raw = read_u(buf, pos, width);
    uint32_t bits = 8u * width;
    if (bits < 64 && (raw >> (bits - 1u)) & 1u)
        raw |= ~(uint64_t)0 << bits;
    return (int64_t)raw;
}

int hil_flex_int(const hil_flex_map *m, uint32_t index, const char *key, int64_t *out)
{
    if (index >= m->len || !key_is(m, index, key))
        return HIL_FLEX_NO_KEY;
    uint32_t type = m->buf[m->values + m->len * m->width + index] >> 2;
    if (type != FBT_INT && type != FBT_UINT && type != FBT_BOOL)
        return HIL_FLEX_NOT_INT;
    *out = read_i(m->buf, m->values + index * m->width, m->width);
    return HIL_FLEX_OK;
}

/* The scalar of `type` (an inline type: INT, UINT, FLOAT or BOOL) stored in `width` bytes at pos. */
static hil_flex_value scalar(const hil_flex_map *m, uint32_t type, uint32_t pos, uint32_t width)
{
    hil_flex_value v = {HIL_FLEX_MISSING, 0, 0.0};
    if (type == FBT_FLOAT && width >= 4) {
        v.kind = HIL_FLEX_FLOAT;
        if (width == 4) {
            float f;
            memcpy(&f, m->buf + pos, 4);
            v.f = f;
        } else {
            memcpy(&v.f, m->buf + pos, 8);
        }
    } else if (type == FBT_INT) {
        v.kind = HIL_FLEX_INTEGER;
        v.i = read_i(m->buf, pos, width);
    } else if (type == FBT_UINT || type == FBT_BOOL) {
        v.kind = HIL_FLEX_INTEGER;
        v.i = (int64_t)read_u(m->buf, pos, width);
    }
    return v;
}

hil_flex_value hil_flex_get(const hil_flex_map *m, const char *key)
{
    hil_flex_value missing = {HIL_FLEX_MISSING, 0, 0.0};
    for (uint32_t i = 0; i < m->len; i++) {
        if (!key_is(m, i, key))
            continue;
        uint8_t packed = m->buf[m->values + m->len * m->width + i];
        uint32_t type = packed >> 2u, pos = m->values + i * m->width, width = m->width;
        if (type >= FBT_INDIRECT_INT && type <= FBT_INDIRECT_FLOAT) { /* the value lies behind an offset */
            int64_t at = back(pos, read_u(m->buf, pos, width));
            width = 1u << (packed & 3u);
            if (at < 0 || !in_bounds(m, (uint64_t)at, width))
                return missing;
            pos = (uint32_t)at;
            type -= FBT_INDIRECT_INT - FBT_INT;
        }
        return scalar(m, type, pos, width);
    }
    return missing;
}

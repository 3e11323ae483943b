/* A minimal, bounds-checked reader for the FlexBuffers maps custom operators carry as options
 * (TFLM's signal library, DETECTION_POSTPROCESS). Only what those options use: a root map of
 * scalars.
 *
 * TFLM reads these options by position (FlexbufferWrapper: the map viewed as the vector of its
 * values, which FlexBuffers keeps sorted by key), and reads each value's bytes as an integer
 * whatever its stored type. hil_flex_int reads the same way, and also checks that the key at
 * that position is the one TFLM means, so a map with other keys is refused instead of misread. */
#ifndef HIL_FLEXBUFFER_H
#define HIL_FLEXBUFFER_H
#include <stdint.h>

typedef struct {
    const uint8_t *buf;
    uint32_t size;
    uint32_t values;     /* position of the first value */
    uint32_t width;      /* byte width of each value */
    uint32_t len;        /* number of keys and values */
    uint32_t keys;       /* position of the first key offset */
    uint32_t key_width;  /* byte width of each key offset */
} hil_flex_map;

enum {
    HIL_FLEX_OK = 0,
    HIL_FLEX_MALFORMED = 1, /* not a flexbuffer map, or an offset outside the buffer */
    HIL_FLEX_NO_KEY = 2,    /* the key is not at the position TFLM reads */
    HIL_FLEX_NOT_INT = 3,   /* the value is not an inline integer or boolean */
};

/* Opens the root map of `size` bytes at `buf`. */
int hil_flex_open(hil_flex_map *m, const uint8_t *buf, uint32_t size);
/* The value at `index`, whose key must be `key`, as TFLM's ElementAsInt64 reads it (sign-extended
 * from the map's value width). */
int hil_flex_int(const hil_flex_map *m, uint32_t index, const char *key, int64_t *out);

/* A scalar looked up by key, as DETECTION_POSTPROCESS reads its options (flexbuffers' map
 * lookup): kind HIL_FLEX_MISSING when the key is absent or its value is not a scalar; int,
 * uint and bool values, inline or indirect, as `i`; float values as `f`. */
enum { HIL_FLEX_MISSING = 0, HIL_FLEX_INTEGER = 1, HIL_FLEX_FLOAT = 2 };
typedef struct {
    int kind;
    int64_t i;
    double f;
} hil_flex_value;
hil_flex_value hil_flex_get(const hil_flex_map *m, const char *key);

/* flexbuffers' AsInt32 and AsFloat of a value: a float truncated (clamped to int32 here, where
 * the conversion would be undefined), an integer converted. */
static inline int32_t hil_flex_as_int32(hil_flex_value v)
{
    if (v.kind != HIL_FLEX_FLOAT)
        return (int32_t)v.i;
    return v.f >= 2147483647.0 ? INT32_MAX : (v.f > -2147483648.0 ? (int32_t)v.f : INT32_MIN);
}
static inline float hil_flex_as_float(hil_flex_value v) { return v.kind == HIL_FLEX_FLOAT ? (float)v.f : (float)v.i; }

#endif

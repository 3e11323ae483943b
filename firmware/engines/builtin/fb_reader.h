/* A minimal FlatBuffers reader for .tflite models. Every offset is checked against the buffer
 * size; a bad offset latches fb->error and the read returns a default, so callers check the
 * error flag once after a group of reads instead of after every read. */
#ifndef HIL_FB_READER_H
#define HIL_FB_READER_H
#include <stdint.h>

typedef struct {
    const uint8_t *base;
    uint32_t size;
    int error;
} hil_fb;

typedef struct {
    uint32_t pos;     /* table start; 0 means absent */
    uint32_t vtable;  /* vtable start */
    uint32_t vt_size; /* vtable size in bytes */
} hil_fb_table;

typedef struct {
    uint32_t pos; /* first element; 0 means absent (len is then 0) */
    uint32_t len; /* element count */
} hil_fb_vec;

void hil_fb_init(hil_fb *fb, const uint8_t *base, uint32_t size);
hil_fb_table hil_fb_root(hil_fb *fb);

/* Scalar fields: `dflt` when the field is absent (FlatBuffers omits default values). */
uint32_t hil_fb_u32(hil_fb *fb, const hil_fb_table *t, unsigned field, uint32_t dflt);
int32_t hil_fb_i32(hil_fb *fb, const hil_fb_table *t, unsigned field, int32_t dflt);
int32_t hil_fb_i8(hil_fb *fb, const hil_fb_table *t, unsigned field, int32_t dflt);
uint32_t hil_fb_u8(hil_fb *fb, const hil_fb_table *t, unsigned field, uint32_t dflt);
uint64_t hil_fb_u64(hil_fb *fb, const hil_fb_table *t, unsigned field, uint64_t dflt);
float hil_fb_f32(hil_fb *fb, const hil_fb_table *t, unsigned field, float dflt);

/* Reference fields. */
hil_fb_table hil_fb_table_at(hil_fb *fb, const hil_fb_table *t, unsigned field);
hil_fb_vec hil_fb_vector_at(hil_fb *fb, const hil_fb_table *t, unsigned field, uint32_t elem_size);
hil_fb_vec hil_fb_string_at(hil_fb *fb, const hil_fb_table *t, unsigned field);

/* Vector elements (the vector was bounds-checked when it was read). */
hil_fb_table hil_fb_vec_table(hil_fb *fb, hil_fb_vec v, uint32_t i);
int32_t hil_fb_vec_i32(hil_fb *fb, hil_fb_vec v, uint32_t i);
int64_t hil_fb_vec_i64(hil_fb *fb, hil_fb_vec v, uint32_t i);
float hil_fb_vec_f32(hil_fb *fb, hil_fb_vec v, uint32_t i);
const uint8_t *hil_fb_vec_bytes(hil_fb *fb, hil_fb_vec v);

/* Unchecked little-endian loads, used after the bounds are known. */
static inline uint32_t hil_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

#endif

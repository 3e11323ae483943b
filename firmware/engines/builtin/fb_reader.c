#include "fb_reader.h"

#include <string.h>

void hil_fb_init(hil_fb *fb, const uint8_t *base, uint32_t size)
{
    fb->base = base;
    fb->size = size;
    fb->error = 0;
}

/* True when [pos, pos + n) lies inside the buffer; latches the error flag otherwise. */
static int in_bounds(hil_fb *fb, uint32_t pos, uint32_t n)
{
    if (pos <= fb->size && n <= fb->size - pos)
        return 1;
    fb->error = 1;
    return 0;
}

static uint32_t load_u32(hil_fb *fb, uint32_t pos)
{
    return in_bounds(fb, pos, 4) ? hil_le32(fb->base + pos) : 0;
}

static uint32_t load_u16(hil_fb *fb, uint32_t pos)
{
    return in_bounds(fb, pos, 2) ? (uint32_t)fb->base[pos] | ((uint32_t)fb->base[pos + 1] << 8) : 0;
}

static hil_fb_table table_from(hil_fb *fb, uint32_t pos)
{
    hil_fb_table t = {0, 0, 0};
    if (pos == 0 || !in_bounds(fb, pos, 4))
        return t;
    int32_t soffset = (int32_t)load_u32(fb, pos);
    int64_t vtable = (int64_t)pos - soffset;
    if (vtable < 0 || vtable > (int64_t)fb->size - 4) {
        fb->error = 1;
        return t;
    }
    uint32_t vt_size = load_u16(fb, (uint32_t)vtable);
    if (vt_size < 4 || (vt_size & 1u) || !in_bounds(fb, (uint32_t)vtable, vt_size)) {
        fb->error = 1;
        return t;
    }
    t.pos = pos;
    t.vtable = (uint32_t)vtable;
    t.vt_size = vt_size;
    return t;
}

hil_fb_table hil_fb_root(hil_fb *fb)
{
    return table_from(fb, load_u32(fb, 0));
}

/* Absolute position of a field of `width` bytes, or 0 when the field is absent. */
static uint32_t field_pos(hil_fb *fb, const hil_fb_table *t, unsigned field, uint32_t width)
{
    uint32_t entry = 4u + 2u * field;
    if (t->pos == 0 || entry + 2u > t->vt_size)
        return 0;
    uint32_t offset = load_u16(fb, t->vtable + entry);
    if (offset == 0)
        return 0;
    uint32_t table_size = load_u16(fb, t->vtable + 2);
    if (offset + width > table_size || !in_bounds(fb, t->pos + offset, width)) {
        fb->error = 1;
        return 0;
    }
    return t->pos + offset;
}

uint32_t hil_fb_u32(hil_fb *fb, const hil_fb_table *t, unsigned field, uint32_t dflt)
{
    uint32_t p = field_pos(fb, t, field, 4);
    return p ? hil_le32(fb->base + p) : dflt;
}

int32_t hil_fb_i32(hil_fb *fb, const hil_fb_table *t, unsigned field, int32_t dflt)
{
    return (int32_t)hil_fb_u32(fb, t, field, (uint32_t)dflt);
}

uint32_t hil_fb_u8(hil_fb *fb, const hil_fb_table *t, unsigned field, uint32_t dflt)
{
    uint32_t p = field_pos(fb, t, field, 1);
    return p ? fb->base[p] : dflt;
}

int32_t hil_fb_i8(hil_fb *fb, const hil_fb_table *t, unsigned field, int32_t dflt)
{
    uint32_t p = field_pos(fb, t, field, 1);
    return p ? (int32_t)(int8_t)fb->base[p] : dflt;
}

uint64_t hil_fb_u64(hil_fb *fb, const hil_fb_table *t, unsigned field, uint64_t dflt)
{
    uint32_t p = field_pos(fb, t, field, 8);
    return p ? (uint64_t)hil_le32(fb->base + p) | ((uint64_t)hil_le32(fb->base + p + 4) << 32) : dflt;
}

float hil_fb_f32(hil_fb *fb, const hil_fb_table *t, unsigned field, float dflt)
{
    uint32_t p = field_pos(fb, t, field, 4);
    if (!p)
        return dflt;
    uint32_t bits = hil_le32(fb->base + p);
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/* Follows the uoffset stored in a reference field. */
static uint32_t deref(hil_fb *fb, const hil_fb_table *t, unsigned field)
{
    uint32_t p = field_pos(fb, t, field, 4);
    if (!p)
        return 0;
    uint32_t target = p + hil_le32(fb->base + p);
    if (target < p || target >= fb->size) {
        fb->error = 1;
        return 0;
    }
    return target;
}

hil_fb_table hil_fb_table_at(hil_fb *fb, const hil_fb_table *t, unsigned field)
{
    return table_from(fb, deref(fb, t, field));
}

static hil_fb_vec vector_from(hil_fb *fb, uint32_t pos, uint32_t elem_size)
{
    hil_fb_vec v = {0, 0};
    if (pos == 0)
        return v;
    uint32_t len = load_u32(fb, pos);
    if (fb->error || len > (fb->size - pos - 4) / elem_size) {
        fb->error = 1;
        return v;
    }
    v.pos = pos + 4;
    v.len = len;
    return v;
}

hil_fb_vec hil_fb_vector_at(hil_fb *fb, const hil_fb_table *t, unsigned field, uint32_t elem_size)
{
    return vector_from(fb, deref(fb, t, field), elem_size);
}

hil_fb_vec hil_fb_string_at(hil_fb *fb, const hil_fb_table *t, unsigned field)
{
    return vector_from(fb, deref(fb, t, field), 1);
}

hil_fb_table hil_fb_vec_table(hil_fb *fb, hil_fb_vec v, uint32_t i)
{
    hil_fb_table none = {0, 0, 0};
    if (i >= v.len) {
        fb->error = 1;
        return none;
    }
    uint32_t p = v.pos + 4u * i;
    uint32_t target = p + load_u32(fb, p);
    if (target < p) {
        fb->error = 1;
        return none;
    }
    return table_from(fb, target);
}

int32_t hil_fb_vec_i32(hil_fb *fb, hil_fb_vec v, uint32_t i)
{
    if (i >= v.len) {
        fb->error = 1;
        return 0;
    }
    return (int32_t)hil_le32(fb->base + v.pos + 4u * i);
}

int64_t hil_fb_vec_i64(hil_fb *fb, hil_fb_vec v, uint32_t i)
{
    if (i >= v.len) {
        fb->error = 1;
        return 0;
    }
    const uint8_t *p = fb->base + v.pos + 8u * i;
    return (int64_t)((uint64_t)hil_le32(p) | ((uint64_t)hil_le32(p + 4) << 32));
}

float hil_fb_vec_f32(hil_fb *fb, hil_fb_vec v, uint32_t i)
{
    uint32_t bits = (uint32_t)hil_fb_vec_i32(fb, v, i);
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

const uint8_t *hil_fb_vec_bytes(hil_fb *fb, hil_fb_vec v)
{
    (void)fb;
    return v.pos ? fb->base + v.pos : 0;
}

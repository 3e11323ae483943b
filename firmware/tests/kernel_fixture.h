/* A one-node graph for kernel unit tests: tensors set up in C, and the few flatbuffer pieces a
 * kernel reads (its input/output index vectors, per-channel scales, its options table) written
 * into a small buffer, so prepare and eval run exactly as in a loaded model. */
#ifndef HIL_KERNEL_FIXTURE_H
#define HIL_KERNEL_FIXTURE_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "hil_protocol.h"

#define KFX_MAX_TENSORS 8
#define KFX_ABSENT INT32_MIN /* an options field left out of the table (its default applies) */

typedef struct {
    uint8_t fb[1024];
    uint32_t fb_len;
    _Alignas(16) uint8_t arena[8192];
    _Alignas(16) uint8_t scratch[4096];
    char msg[160];
    hil_graph g;
    hil_tensor tensors[2 * KFX_MAX_TENSORS]; /* model tensors, then room for scratch */
    hil_node node;
} kfx;

static uint32_t kfx_reserve(kfx *f, uint32_t bytes)
{
    uint32_t pos = (f->fb_len + 3u) & ~3u;
    f->fb_len = pos + bytes;
    if (f->fb_len > sizeof f->fb) {
        fprintf(stderr, "kernel_fixture: flatbuffer scratch full\n");
        exit(2);
    }
    return pos;
}

static void kfx_put32(kfx *f, uint32_t pos, uint32_t v)
{
    f->fb[pos] = (uint8_t)v;
    f->fb[pos + 1] = (uint8_t)(v >> 8);
    f->fb[pos + 2] = (uint8_t)(v >> 16);
    f->fb[pos + 3] = (uint8_t)(v >> 24);
}

/* A FlatBuffers vector of 4-byte values. */
static hil_fb_vec kfx_vec32(kfx *f, const void *values, uint32_t n)
{
    uint32_t pos = kfx_reserve(f, 4u + 4u * n);
    kfx_put32(f, pos, n);
    memcpy(f->fb + pos + 4, values, 4u * n);
    hil_fb_vec v = {pos + 4u, n};
    return v;
}

static void kfx_init(kfx *f, const hil_kernel *kernel)
{
    memset(f, 0, sizeof *f);
    f->fb_len = 8; /* position 0 means "absent" to the reader */
    f->g.msg = f->msg;
    f->g.msg_cap = sizeof f->msg;
    f->g.arena = f->arena;
    f->g.arena_size = f->g.persistent_start = sizeof f->arena;
    f->g.tensors = f->tensors;
    f->node.kernel = kernel;
    f->node.opcode = kernel->opcode;
    f->node.scratch = NULL;
}

/* Tensor `index` (dims listed in `dims`, scale/zero point per tensor); data NULL for none yet. */
static hil_tensor *kfx_tensor(kfx *f, unsigned index, int type, int ndim, const int32_t *dims, float scale,
                              int32_t zero_point, const void *data, int is_const)
{
    hil_tensor *t = &f->tensors[index];
    t->type = (uint8_t)type;
    t->ndim = (uint8_t)ndim;
    memcpy(t->dims, dims, sizeof(int32_t) * (size_t)ndim);
    t->bytes = hil_num_elements(t) * (uint32_t)hil_dtype_size((uint32_t)type);
    t->scale = scale;
    t->zero_point = zero_point;
    t->data = (uint8_t *)(uintptr_t)data;
    t->is_const = (uint8_t)is_const;
    if (index + 1 > f->g.n_model_tensors)
        f->g.n_model_tensors = f->g.n_tensors = index + 1;
    return t;
}

static void kfx_per_channel(kfx *f, hil_tensor *t, const float *scales, uint32_t n, int32_t dimension)
{
    t->scales = kfx_vec32(f, scales, n);
    t->scale = scales[0];
    t->quantized_dimension = dimension;
}

static void kfx_io(kfx *f, const int32_t *inputs, uint32_t n_in, const int32_t *outputs, uint32_t n_out)
{
    f->node.inputs = kfx_vec32(f, inputs, n_in);
    f->node.outputs = kfx_vec32(f, outputs, n_out);
}

/* Options table with one 4-byte slot per field (little-endian, so 1-byte fields read their low
 * byte); KFX_ABSENT leaves a field out. */
static void kfx_options(kfx *f, const int32_t *fields, unsigned n)
{
    uint32_t vt_size = 4u + 2u * n, vtable = kfx_reserve(f, vt_size);
    uint32_t table = kfx_reserve(f, 4u + 4u * n);
    f->fb[vtable] = (uint8_t)vt_size;
    f->fb[vtable + 1] = 0;
    f->fb[vtable + 2] = (uint8_t)(4u + 4u * n);
    f->fb[vtable + 3] = 0;
    kfx_put32(f, table, table - vtable); /* soffset: vtable = table - soffset */
    for (unsigned i = 0; i < n; i++) {
        uint32_t offset = fields[i] == KFX_ABSENT ? 0u : 4u + 4u * i;
        f->fb[vtable + 4 + 2 * i] = (uint8_t)offset;
        f->fb[vtable + 5 + 2 * i] = 0;
        if (offset)
            kfx_put32(f, table + offset, (uint32_t)fields[i]);
    }
    f->node.options.pos = table;
    f->node.options.vtable = vtable;
    f->node.options.vt_size = vt_size;
}

/* Runs prepare; gives a requested scratch buffer its memory. Returns the kernel's status. */
static int kfx_prepare(kfx *f)
{
    hil_fb_init(&f->g.fb, f->fb, f->fb_len);
    int status = f->node.kernel->prepare(&f->g, &f->node);
    if (status == HIL_OK && f->node.scratch) {
        hil_tensor *s = f->node.scratch;
        s->data = s->bytes <= sizeof f->scratch ? f->scratch : NULL;
    }
    return status;
}

static int kfx_eval(kfx *f) { return f->node.kernel->eval(&f->g, &f->node); }

#endif

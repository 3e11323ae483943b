/* Helpers of the signal-library kernels (signal.h). */
#include "signal.h"

#include <string.h>

#include "flexbuffer.h"

static size_t append(char *out, size_t len, size_t cap, const char *s)
{
    while (*s && len + 1 < cap)
        out[len++] = *s++;
    out[len] = '\0';
    return len;
}

int hil_signal_options(hil_graph *g, hil_node *node, const char *const *keys, unsigned n, int32_t *values)
{
    static char reason[112];
    hil_flex_map map;
    if (hil_flex_open(&map, hil_fb_vec_bytes(&g->fb, node->custom_options), node->custom_options.len) != HIL_FLEX_OK)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "custom options are not a flexbuffer map");
    for (unsigned i = 0; i < n; i++) {
        int64_t v = 0;
        int status = hil_flex_int(&map, i, keys[i], &v);
        if (status != HIL_FLEX_OK) {
            int not_int = status == HIL_FLEX_NOT_INT;
            size_t len = append(reason, 0, sizeof reason, not_int ? "custom option '" : "custom options lack '");
            len = append(reason, len, sizeof reason, keys[i]);
            append(reason, len, sizeof reason, not_int ? "' is not an integer" : "' where TFLM reads it");
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, reason);
        }
        values[i] = (int32_t)v; /* TFLM's ElementAsInt32 */
    }
    return HIL_OK;
}

int hil_signal_arity(hil_graph *g, hil_node *node, unsigned inputs, unsigned outputs)
{
    if (hil_node_num_inputs(node) != inputs || hil_node_num_outputs(node) != outputs)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "wrong number of inputs or outputs");
    for (unsigned i = 0; i < inputs; i++)
        if (!hil_node_input(g, node, i))
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "an input is missing");
    return HIL_OK;
}

int hil_signal_tensor(hil_graph *g, hil_node *node, const hil_tensor *t, int type, int rank, const char *what)
{
    static char reason[80];
    if (t && t->type == type && (rank < 0 || t->ndim == rank))
        return HIL_OK;
    size_t len = strlen(what);
    len = len < sizeof reason - 24 ? len : sizeof reason - 24;
    memcpy(reason, what, len);
    strcpy(reason + len, t && t->type != type ? " has the wrong type" : " has the wrong rank");
    return hil_reject(g, node, HIL_ERR_UNSUPPORTED, reason);
}

int hil_fifo_init(hil_graph *g, hil_fifo *f, uint32_t capacity)
{
    f->data = hil_persistent_alloc(g, sizeof(int16_t) * (capacity ? capacity : 1u));
    f->capacity = capacity;
    f->count = 0;
    return f->data != 0;
}

void hil_fifo_reset(hil_fifo *f) { f->count = 0; }

void hil_fifo_write(hil_fifo *f, const int16_t *values, uint32_t n)
{
    if (n > f->capacity - f->count) /* prepare sizes every FIFO so this cannot happen */
        n = f->capacity - f->count;
    if (values)
        memcpy(f->data + f->count, values, sizeof(int16_t) * n);
    else
        memset(f->data + f->count, 0, sizeof(int16_t) * n);
    f->count += n;
}

void hil_fifo_read(const hil_fifo *f, int16_t *values, uint32_t n)
{
    memcpy(values, f->data, sizeof(int16_t) * (n < f->count ? n : f->count));
}

void hil_fifo_discard(hil_fifo *f, uint32_t n)
{
    n = n < f->count ? n : f->count;
    memmove(f->data, f->data + n, sizeof(int16_t) * (f->count - n));
    f->count -= n;
}

void hil_fifo_repeat_last(hil_fifo *f, uint32_t count, uint32_t times)
{
    if (count > f->count)
        return;
    for (uint32_t i = 0; i < times; i++)
        hil_fifo_write(f, f->data + f->count - count, count);
}

int hil_signal_begin(hil_graph *g, hil_node *node, unsigned inputs, unsigned outputs, const char *const *keys,
                     unsigned n, int32_t *values)
{
    int status = hil_signal_arity(g, node, inputs, outputs);
    return status == HIL_OK ? hil_signal_options(g, node, keys, n, values) : status;
}

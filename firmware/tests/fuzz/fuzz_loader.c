/* Fuzz target: the built-in engine's model loader (flatbuffer reader, graph loader, kernel
 * prepare, arena planner) on arbitrary bytes; when a model loads, every input is filled, one
 * inference runs and every output is read (for inputs up to 64 KB), so a bad plan or a kernel
 * trusting a bad shape shows up as an ASan report instead of silent corruption. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hil_engine.h"
#include "hil_protocol.h"

extern const hil_engine hil_builtin_engine;

/* Larger inputs are loaded and planned but not run: person_detect (300 KB, 7 M MACs) takes 0.3 s
 * per inference under ASan, which would cut the fuzzer's rate a hundredfold. */
#define MAX_INVOKE_BYTES (64u * 1024u)

static volatile uint8_t sink; /* keeps the output reads */

static void touch_tensors(const hil_engine *e, int outputs, uint8_t fill)
{
    unsigned n = outputs ? e->num_outputs() : e->num_inputs();
    for (unsigned i = 0; i < n; i++) {
        hil_tensor_spec spec;
        if ((outputs ? e->output : e->input)(i, &spec) != HIL_OK)
            abort();
        if (spec.bytes && !spec.data)
            abort();
        if (outputs) {
            for (uint32_t b = 0; b < spec.bytes; b++)
                sink ^= spec.data[b];
        } else if (spec.bytes) {
            memset(spec.data, fill, spec.bytes);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const hil_engine *e = &hil_builtin_engine;
    if (size > (1u << 24))
        return 0;
    /* 16-byte aligned like a model in flash, and exactly `size` bytes long for ASan. */
    void *model = NULL;
    if (posix_memalign(&model, 16, size ? size : 1) != 0)
        return 0;
    memcpy(model, data, size);
    char msg[160];
    msg[0] = '\0';
    int status = e->load(model, (uint32_t)size, msg, sizeof msg);
    if (memchr(msg, '\0', sizeof msg) == NULL)
        abort(); /* the one-line message must stay terminated */
    if (status == HIL_OK && size <= MAX_INVOKE_BYTES) {
        (void)e->arena_used();
        touch_tensors(e, 0, size ? ((const uint8_t *)model)[size - 1] : 0);
        if (e->invoke(msg, sizeof msg) == HIL_OK)
            touch_tensors(e, 1, 0);
        for (unsigned i = 0; i < e->num_ops(); i++) {
            hil_op_profile prof;
            e->op_profile(i, &prof);
        }
    }
    free(model);
    return 0;
}

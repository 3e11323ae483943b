/* Runs the built-in engine natively on a batch of inputs:
 *   hil_host_runner MODEL.tflite INPUTS.bin OUTPUTS.bin [STEPS]
 * INPUTS.bin holds N vectors, each every input tensor's bytes back to back; OUTPUTS.bin gets
 * N vectors of every output tensor. STEPS > 0: the model's state is reset before every STEPS-th
 * vector (sequences of a model with state); without it the state carries over from the load.
 * Prints one JSON line (arena use, per-op opcodes) on success; on a refused model prints the
 * engine's one-line message to stderr and exits with its code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hil_engine.h"

extern const hil_engine hil_builtin_engine;

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    /* 16-byte alignment, as the firmware gives the model in flash. */
    uint8_t *buf = aligned_alloc(16, ((size_t)n + 16) & ~(size_t)15);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static size_t io_bytes(const hil_engine *e, int outputs)
{
    size_t total = 0;
    unsigned n = outputs ? e->num_outputs() : e->num_inputs();
    for (unsigned i = 0; i < n; i++) {
        hil_tensor_spec spec;
        (outputs ? e->output : e->input)(i, &spec);
        total += spec.bytes;
    }
    return total;
}

static int run_batch(const hil_engine *e, const uint8_t *in, size_t in_len, FILE *out, unsigned long steps)
{
    size_t in_bytes = io_bytes(e, 0);
    char msg[160];
    if (in_bytes == 0 || in_len % in_bytes) {
        fprintf(stderr, "inputs file holds %zu bytes, not a multiple of %zu\n", in_len, in_bytes);
        return 2;
    }
    for (size_t off = 0; off < in_len; off += in_bytes) {
        if (steps && off && (off / in_bytes) % steps == 0 && e->reset_state(msg, sizeof msg)) {
            fprintf(stderr, "%s\n", msg);
            return 2;
        }
        size_t pos = off;
        for (unsigned i = 0; i < e->num_inputs(); i++) {
            hil_tensor_spec spec;
            e->input(i, &spec);
            memcpy(spec.data, in + pos, spec.bytes);
            pos += spec.bytes;
        }
        int status = e->invoke(msg, sizeof msg);
        if (status) {
            fprintf(stderr, "%s\n", msg);
            return status;
        }
        for (unsigned i = 0; i < e->num_outputs(); i++) {
            hil_tensor_spec spec;
            e->output(i, &spec);
            fwrite(spec.data, 1, spec.bytes, out);
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: %s MODEL.tflite INPUTS.bin OUTPUTS.bin [STEPS]\n", argv[0]);
        return 2;
    }
    unsigned long steps = argc == 5 ? strtoul(argv[4], NULL, 10) : 0;
    size_t model_len = 0, in_len = 0;
    uint8_t *model = read_file(argv[1], &model_len);
    uint8_t *in = read_file(argv[2], &in_len);
    if (!model || !in) {
        fprintf(stderr, "cannot read %s\n", model ? argv[2] : argv[1]);
        return 2;
    }
    const hil_engine *e = &hil_builtin_engine;
    char msg[160] = "";
    int status = e->load(model, (uint32_t)model_len, msg, sizeof msg);
    if (status) {
        fprintf(stderr, "%s\n", msg);
        free(model); /* LeakSanitizer would otherwise replace the refusal's exit code */
        free(in);
        return status;
    }
    FILE *out = fopen(argv[3], "wb");
    if (!out)
        return 2;
    status = run_batch(e, in, in_len, out, steps);
    fclose(out);
    if (status == 0) {
        printf("{\"arena_used\": %u, \"ops\": [", e->arena_used());
        for (unsigned i = 0; i < e->num_ops(); i++) {
            hil_op_profile p;
            e->op_profile(i, &p);
            printf("%s%u", i ? ", " : "", p.opcode);
        }
        printf("]}\n");
    }
    free(model);
    free(in);
    return status;
}

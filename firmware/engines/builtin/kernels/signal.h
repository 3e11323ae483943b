/* Shared by the signal-library kernels (TFLM's audio frontend operators, custom operators
 * SignalWindow, SignalRfft, ...): option reading, tensor checks, a sample FIFO for the
 * operators that keep samples across invokes, and small integer helpers. */
#ifndef HIL_SIGNAL_H
#define HIL_SIGNAL_H
#include <stdint.h>

#include "graph.h"
#include "hil_protocol.h"

/* Reads the integer options TFLM's kernel reads, keys[i] at position i of its flexbuffer map
 * (TFLM reads them by position), into values[i]; refuses the node in one line otherwise. */
int hil_signal_options(hil_graph *g, hil_node *node, const char *const *keys, unsigned n, int32_t *values);

/* Checks the number of inputs and outputs; refuses the node otherwise. */
int hil_signal_arity(hil_graph *g, hil_node *node, unsigned inputs, unsigned outputs);
/* The start of most signal kernels' prepare: hil_signal_arity, then hil_signal_options. */
int hil_signal_begin(hil_graph *g, hil_node *node, unsigned inputs, unsigned outputs, const char *const *keys,
                     unsigned n, int32_t *values);
/* Checks a tensor's type (and its rank, unless rank < 0); `what` names it in the refusal. */
int hil_signal_tensor(hil_graph *g, hil_node *node, const hil_tensor *t, int type, int rank, const char *what);

static inline int16_t hil_sat16(int32_t v) { return (int16_t)(v < INT16_MIN ? INT16_MIN : (v > INT16_MAX ? INT16_MAX : v)); }

/* Position of the most significant set bit, counting from 1 (0 for 0): TFLM's
 * MostSignificantBit32 gives 32 for 0 on GCC builds; callers that can see 0 say which they need. */
static inline uint32_t hil_msb32(uint32_t x) { return x ? 32u - (uint32_t)__builtin_clz(x) : 0u; }
static inline uint32_t hil_msb64(uint64_t x) { return x ? 64u - (uint32_t)__builtin_clzll(x) : 0u; }

/* A FIFO of int16 samples with room for `capacity`: what TFLM's circular buffer holds, kept
 * oldest first (reads and writes of a frame at a time, so a shift on discard is cheap enough). */
typedef struct {
    int16_t *data;
    uint32_t capacity, count;
} hil_fifo;

int hil_fifo_init(hil_graph *g, hil_fifo *f, uint32_t capacity); /* persistent storage; 0 on full arena */
void hil_fifo_reset(hil_fifo *f);
void hil_fifo_write(hil_fifo *f, const int16_t *values, uint32_t n); /* NULL values: zeros */
void hil_fifo_read(const hil_fifo *f, int16_t *values, uint32_t n);  /* the n oldest */
void hil_fifo_discard(hil_fifo *f, uint32_t n);
/* Appends the newest `count` samples `times` more times (Stacker's first-frame padding). */
void hil_fifo_repeat_last(hil_fifo *f, uint32_t count, uint32_t times);

#endif

#include "hil_agent.h"

#include <string.h>

#include "hil_frame.h"
#include "hil_port.h"
#include "hil_protocol.h"

#define HIL_MAX_REPEAT 256
#define HIL_MSG_CAP 160

static struct {
    hil_agent_config cfg;
    hil_frame_rx rx;
    size_t max_payload;
    int load_status;
    char load_message[HIL_MSG_CAP];
    uint32_t input_filled[HIL_MAX_IO];
    uint64_t ticks[HIL_MAX_REPEAT];
    int32_t last_seq;
    uint8_t reply_flags;
    uint8_t done_type;   /* the last request if it was a RUN or INVOKE that succeeded, else 0 */
    uint16_t done_repeat; /* ... and its repeat count */
    uint16_t done_flags;  /* ... and a RUN's flags (HIL_RUN_IN_MEMORY: reply with ticks only) */
} agent;

/* Kept by the linker (`used`): the host finds it by name, nothing in the firmware reads it back. */
__attribute__((used)) hil_mailbox_t hil_mailbox;

/* ---- little-endian helpers ---- */

static uint32_t get_u16(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8); }

static uint32_t get_u32(const uint8_t *p)
{
    return get_u16(p) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void put_u16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    put_u16(p, v);
    put_u16(p + 2, v >> 16);
}

static void put_u64(uint8_t *p, uint64_t v)
{
    put_u32(p, (uint32_t)v);
    put_u32(p + 4, (uint32_t)(v >> 32));
}

/* ---- replies ---- */

static void tx_begin(hil_frame_tx *tx, uint8_t type, uint16_t seq)
{
    hil_frame_tx_begin(tx, hil_port_write, type, agent.reply_flags, seq);
}

static void send_simple(uint8_t type, uint16_t seq, const void *payload, size_t len)
{
    hil_frame_tx tx;
    tx_begin(&tx, type, seq);
    hil_frame_tx_write(&tx, payload, len);
    hil_frame_tx_end(&tx);
}

static void send_error(uint16_t seq, uint16_t code, uint32_t detail, const char *text)
{
    uint8_t head[8] = {0};
    put_u16(head, code);
    put_u32(head + 4, detail);
    hil_frame_tx tx;
    tx_begin(&tx, HIL_MSG_ERROR, seq);
    hil_frame_tx_write(&tx, head, sizeof head);
    hil_frame_tx_write(&tx, text, strlen(text));
    hil_frame_tx_end(&tx);
}

void hil_agent_send(uint8_t type, const void *payload, size_t len)
{
    send_simple(type, 0, payload, len);
}

void hil_agent_log(const char *text)
{
    send_simple(HIL_MSG_LOG, 0, text, strlen(text));
}

static void write_string(hil_frame_tx *tx, const char *s)
{
    size_t n = strlen(s);
    uint8_t len = (uint8_t)(n > 255 ? 255 : n);
    hil_frame_tx_write(tx, &len, 1);
    hil_frame_tx_write(tx, s, len);
}

static void write_tensor_spec(hil_frame_tx *tx, const hil_tensor_spec *spec)
{
    uint8_t head[2] = {spec->dtype, spec->ndim};
    hil_frame_tx_write(tx, head, sizeof head);
    for (unsigned d = 0; d < spec->ndim; d++) {
        uint8_t dim[4];
        put_u32(dim, (uint32_t)spec->dims[d]);
        hil_frame_tx_write(tx, dim, sizeof dim);
    }
    uint8_t tail[12];
    uint32_t scale_bits;
    memcpy(&scale_bits, &spec->scale, sizeof scale_bits);
    put_u32(tail, scale_bits);
    put_u32(tail + 4, (uint32_t)spec->zero_point);
    put_u32(tail + 8, spec->bytes);
    hil_frame_tx_write(tx, tail, sizeof tail);
}

static unsigned io_count(int outputs)
{
    const hil_engine *e = agent.cfg.engine;
    if (agent.load_status != HIL_OK)
        return 0;
    unsigned n = outputs ? e->num_outputs() : e->num_inputs();
    return n > HIL_MAX_IO ? HIL_MAX_IO : n;
}

static int io_spec(int outputs, unsigned index, hil_tensor_spec *spec)
{
    const hil_engine *e = agent.cfg.engine;
    if (index >= io_count(outputs))
        return HIL_ERR_BAD_INDEX;
    return outputs ? e->output(index, spec) : e->input(index, spec);
}

static void send_ready(uint16_t seq)
{
    const hil_engine *e = agent.cfg.engine;
    uint8_t head[28];
    head[0] = HIL_PROTOCOL_VERSION;
    head[1] = (uint8_t)hil_counter_kind();
    put_u16(head + 2, (uint32_t)agent.max_payload);
    put_u32(head + 4, hil_counter_hz());
    put_u32(head + 8, hil_cpu_hz());
    put_u32(head + 12, e->arena_size());
    put_u32(head + 16, agent.load_status == HIL_OK ? e->arena_used() : 0);
    put_u32(head + 20, agent.cfg.model_size);
    head[24] = (uint8_t)agent.load_status;
    head[25] = (uint8_t)io_count(0);
    head[26] = (uint8_t)io_count(1);
    head[27] = (uint8_t)(agent.load_status == HIL_OK && e->has_state && e->has_state() ? HIL_MODEL_STATEFUL : 0);

    hil_frame_tx tx;
    tx_begin(&tx, HIL_MSG_READY, seq);
    hil_frame_tx_write(&tx, head, sizeof head);
    hil_frame_tx_write(&tx, agent.cfg.model_sha256, 32);
    write_string(&tx, hil_board_name());
    write_string(&tx, e->name);
    write_string(&tx, agent.load_message);
    for (int outputs = 0; outputs <= 1; outputs++) {
        for (unsigned i = 0; i < io_count(outputs); i++) {
            hil_tensor_spec spec;
            io_spec(outputs, i, &spec);
            write_tensor_spec(&tx, &spec);
        }
    }
    hil_frame_tx_end(&tx);
}

/* ---- request handlers: each validates its payload, then replies exactly once ---- */

/* Ports that do not measure their stack answer 0 (not measured). */
__attribute__((weak)) uint32_t hil_port_stack_reserve(void) { return 0; }
__attribute__((weak)) uint32_t hil_port_stack_peak(void) { return 0; }
/* Ports without a sync pin: no-op. */
__attribute__((weak)) void hil_port_sync(int active) { (void)active; }

static void handle_memory(uint16_t seq)
{
    uint8_t out[8];
    put_u32(out, hil_port_stack_reserve());
    put_u32(out + 4, hil_port_stack_peak());
    send_simple(HIL_MSG_MEMORY_INFO, seq, out, sizeof out);
}

static int require_model(uint16_t seq)
{
    if (agent.load_status == HIL_OK)
        return 1;
    send_error(seq, HIL_ERR_NO_MODEL, (uint32_t)agent.load_status, agent.load_message);
    return 0;
}

static void mark_input(unsigned index, uint32_t offset, uint32_t len)
{
    if (offset <= agent.input_filled[index] && offset + len > agent.input_filled[index])
        agent.input_filled[index] = offset + len;
}

static int inputs_ready(uint16_t seq)
{
    for (unsigned i = 0; i < io_count(0); i++) {
        hil_tensor_spec spec;
        io_spec(0, i, &spec);
        if (agent.input_filled[i] < spec.bytes) {
            send_error(seq, HIL_ERR_NO_INPUT, i, "input tensor not fully set before invoke");
            return 0;
        }
    }
    return 1;
}

static void handle_set_input(uint16_t seq, const uint8_t *p, size_t n)
{
    if (!require_model(seq))
        return;
    if (n < 8) {
        send_error(seq, HIL_ERR_BAD_LENGTH, (uint32_t)n, "SET_INPUT needs an 8-byte header");
        return;
    }
    hil_tensor_spec spec;
    unsigned index = p[0];
    uint32_t offset = get_u32(p + 4);
    uint32_t len = (uint32_t)(n - 8);
    if (io_spec(0, index, &spec) != HIL_OK) {
        send_error(seq, HIL_ERR_BAD_INDEX, index, "no such input tensor");
        return;
    }
    if (offset > spec.bytes || len > spec.bytes - offset) {
        send_error(seq, HIL_ERR_BAD_RANGE, spec.bytes, "data runs past the end of the input tensor");
        return;
    }
    memcpy(spec.data + offset, p + 8, len);
    mark_input(index, offset, len);
    send_simple(HIL_MSG_ACK, seq, NULL, 0);
}

/* Runs `repeat` inferences, keeping the ticks of each; replies with an error on failure. */
static int run_inferences(uint16_t seq, unsigned repeat)
{
    char msg[HIL_MSG_CAP];
    if (repeat == 0 || repeat > HIL_MAX_REPEAT ||
        4 + 8u * repeat > agent.max_payload) {
        send_error(seq, HIL_ERR_BAD_RANGE, repeat, "repeat count out of range");
        return 0;
    }
    const hil_engine *e = agent.cfg.engine;
    hil_counter_start();
    for (unsigned r = 0; r < repeat; r++) {
        msg[0] = '\0';
        int status = e->before_invoke != NULL ? e->before_invoke(msg, sizeof msg) : HIL_OK;
        if (status == HIL_OK) {
            hil_port_sync(1); /* the power monitor's window opens */
            uint64_t start = hil_counter_read(); /* the measured region: the invoke alone */
            status = e->invoke(msg, sizeof msg);
            agent.ticks[r] = hil_counter_read() - start;
            hil_port_sync(0);
        }
        if (status == HIL_OK && e->after_invoke != NULL)
            e->after_invoke();
        if (status != HIL_OK) {
            hil_counter_stop();
            send_error(seq, (uint16_t)status, r, msg[0] ? msg : "invoke failed");
            return 0;
        }
    }
    hil_counter_stop();
    return 1;
}

static void write_ticks(hil_frame_tx *tx, unsigned repeat, uint16_t flags)
{
    uint8_t head[4];
    put_u16(head, repeat);
    put_u16(head + 2, flags);
    hil_frame_tx_write(tx, head, sizeof head);
    for (unsigned r = 0; r < repeat; r++) {
        uint8_t t[8];
        put_u64(t, agent.ticks[r]);
        hil_frame_tx_write(tx, t, sizeof t);
    }
}

/* A retransmitted RUN or INVOKE whose first copy succeeded is answered from that execution (its
 * ticks, and the outputs nothing has touched since) instead of invoking again: a model that keeps
 * state across invokes must advance once per request, however often the host had to send it. */
static int replay(uint8_t type)
{
    return (agent.reply_flags & HIL_DUPLICATE_FLAG) && agent.done_type == type;
}

static void send_invoke_result(uint16_t seq, unsigned repeat)
{
    hil_frame_tx tx;
    tx_begin(&tx, HIL_MSG_INVOKE_RESULT, seq);
    write_ticks(&tx, repeat, 0);
    hil_frame_tx_end(&tx);
    agent.done_type = HIL_MSG_INVOKE;
    agent.done_repeat = (uint16_t)repeat;
}

static void handle_invoke(uint16_t seq, const uint8_t *p, size_t n)
{
    if (replay(HIL_MSG_INVOKE)) {
        send_invoke_result(seq, agent.done_repeat);
        return;
    }
    if (!require_model(seq) || !inputs_ready(seq))
        return;
    unsigned repeat = n >= 2 ? get_u16(p) : 1;
    if (run_inferences(seq, repeat))
        send_invoke_result(seq, repeat);
}

static uint32_t total_bytes(int outputs)
{
    uint32_t total = 0;
    for (unsigned i = 0; i < io_count(outputs); i++) {
        hil_tensor_spec spec;
        io_spec(outputs, i, &spec);
        total += spec.bytes;
    }
    return total;
}

static void send_run_result(uint16_t seq, unsigned repeat, uint16_t flags)
{
    int with_outputs = !(flags & HIL_RUN_IN_MEMORY) && 4 + 8u * repeat + total_bytes(1) <= agent.max_payload;
    /* Run: the next RUN in memory needs new inputs. Cleared before the reply goes out, since the
     * host may stop the core and write the next inputs as soon as the reply's last byte arrives. */
    if (flags & HIL_RUN_IN_MEMORY)
        hil_mailbox.inputs_written = 0;
    hil_frame_tx tx;
    tx_begin(&tx, HIL_MSG_RUN_RESULT, seq);
    write_ticks(&tx, repeat, with_outputs ? HIL_RUN_FLAG_OUTPUTS : 0);
    for (unsigned i = 0; with_outputs && i < io_count(1); i++) {
        hil_tensor_spec spec;
        io_spec(1, i, &spec);
        hil_frame_tx_write(&tx, spec.data, spec.bytes);
    }
    hil_frame_tx_end(&tx);
    agent.done_type = HIL_MSG_RUN;
    agent.done_repeat = (uint16_t)repeat;
    agent.done_flags = flags;
}

/* RUN with HIL_RUN_IN_MEMORY: the host wrote every input where the mailbox says, then set
 * inputs_written; without that mark the inputs in memory are not this request's (e.g. a debug
 * connection whose writes did not land). A successful run clears the mark. */
static int take_inputs_in_memory(uint16_t seq, size_t data_len)
{
    if (data_len != 0) {
        send_error(seq, HIL_ERR_BAD_LENGTH, (uint32_t)data_len, "RUN in memory carries no input data");
        return 0;
    }
    if (hil_mailbox.inputs_written != 1u) {
        send_error(seq, HIL_ERR_NO_INPUT, hil_mailbox.inputs_written,
                   "RUN in memory, but the mailbox says no inputs were written");
        return 0;
    }
    for (unsigned i = 0; i < io_count(0); i++)
        agent.input_filled[i] = hil_mailbox.tensors[i][1];
    return 1;
}

static void handle_run(uint16_t seq, const uint8_t *p, size_t n)
{
    if (replay(HIL_MSG_RUN)) {
        send_run_result(seq, agent.done_repeat, agent.done_flags);
        return;
    }
    if (!require_model(seq))
        return;
    if (n < 4) {
        send_error(seq, HIL_ERR_BAD_LENGTH, (uint32_t)n, "RUN needs a 4-byte header");
        return;
    }
    unsigned repeat = get_u16(p);
    uint16_t flags = (uint16_t)get_u16(p + 2);
    size_t data_len = n - 4;
    if ((flags & HIL_RUN_IN_MEMORY) && !take_inputs_in_memory(seq, data_len))
        return;
    if (data_len != 0 && data_len != total_bytes(0)) {
        send_error(seq, HIL_ERR_BAD_LENGTH, total_bytes(0), "RUN data must hold every input tensor exactly");
        return;
    }
    for (unsigned i = 0, off = 4; data_len && i < io_count(0); i++) {
        hil_tensor_spec spec;
        io_spec(0, i, &spec);
        memcpy(spec.data, p + off, spec.bytes);
        mark_input(i, 0, spec.bytes);
        off += spec.bytes;
    }
    if (inputs_ready(seq) && run_inferences(seq, repeat))
        send_run_result(seq, repeat, flags & HIL_RUN_IN_MEMORY);
}

static void handle_reset_state(uint16_t seq)
{
    if (!require_model(seq))
        return;
    const hil_engine *e = agent.cfg.engine;
    if (!e->reset_state) {
        send_error(seq, HIL_ERR_UNSUPPORTED, 0, "this engine cannot reset the model's state");
        return;
    }
    char msg[HIL_MSG_CAP] = "";
    int status = e->reset_state(msg, sizeof msg);
    if (status != HIL_OK) {
        send_error(seq, (uint16_t)status, 0, msg[0] ? msg : "state reset failed");
        return;
    }
    send_simple(HIL_MSG_ACK, seq, NULL, 0);
}

static void handle_get_output(uint16_t seq, const uint8_t *p, size_t n)
{
    if (!require_model(seq))
        return;
    if (n < 12) {
        send_error(seq, HIL_ERR_BAD_LENGTH, (uint32_t)n, "GET_OUTPUT needs a 12-byte payload");
        return;
    }
    hil_tensor_spec spec;
    unsigned index = p[0];
    uint32_t offset = get_u32(p + 4);
    uint32_t want = get_u32(p + 8);
    if (io_spec(1, index, &spec) != HIL_OK) {
        send_error(seq, HIL_ERR_BAD_INDEX, index, "no such output tensor");
        return;
    }
    if (offset > spec.bytes) {
        send_error(seq, HIL_ERR_BAD_RANGE, spec.bytes, "offset past the end of the output tensor");
        return;
    }
    uint32_t len = spec.bytes - offset;
    uint32_t room = (uint32_t)agent.max_payload - 12;
    if (len > want)
        len = want;
    if (len > room)
        len = room;
    uint8_t head[12] = {(uint8_t)index, 0, 0, 0};
    put_u32(head + 4, offset);
    put_u32(head + 8, spec.bytes);
    hil_frame_tx tx;
    tx_begin(&tx, HIL_MSG_OUTPUT_DATA, seq);
    hil_frame_tx_write(&tx, head, sizeof head);
    hil_frame_tx_write(&tx, spec.data + offset, len);
    hil_frame_tx_end(&tx);
}

static void handle_profile(uint16_t seq, const uint8_t *p, size_t n)
{
    if (!require_model(seq))
        return;
    const hil_engine *e = agent.cfg.engine;
    unsigned total = e->num_ops();
    unsigned first = n >= 2 ? get_u16(p) : 0;
    unsigned room = (unsigned)((agent.max_payload - 8) / 12);
    unsigned count = first < total ? total - first : 0;
    if (count > room)
        count = room;
    uint8_t head[8] = {0};
    put_u16(head, total);
    put_u16(head + 2, first);
    put_u16(head + 4, count);
    hil_frame_tx tx;
    tx_begin(&tx, HIL_MSG_PROFILE_DATA, seq);
    hil_frame_tx_write(&tx, head, sizeof head);
    for (unsigned i = first; i < first + count; i++) {
        hil_op_profile prof = {0};
        e->op_profile(i, &prof);
        uint8_t entry[12];
        put_u16(entry, prof.op_index);
        put_u16(entry + 2, prof.opcode);
        put_u64(entry + 4, prof.ticks);
        hil_frame_tx_write(&tx, entry, sizeof entry);
    }
    hil_frame_tx_end(&tx);
}

/* A loop of exactly two instructions per iteration (subs + bne), so the host can measure
 * how many instructions one counter tick represents on an emulator. */
static void calibration_loop(uint32_t iterations)
{
#if defined(__arm__)
    __asm__ volatile("1: subs %0, %0, #1\n\tbne 1b\n" : "+r"(iterations) : : "cc");
#else
    volatile uint32_t i = iterations;
    while (i)
        i--;
#endif
}

static void handle_calibrate(uint16_t seq, const uint8_t *p, size_t n)
{
    uint32_t iterations = n >= 4 ? get_u32(p) : 1000000u;
    if (iterations == 0)
        iterations = 1;
    hil_counter_start();
    uint64_t start = hil_counter_read();
    calibration_loop(iterations);
    uint64_t ticks = hil_counter_read() - start;
    hil_counter_stop();
    uint8_t out[16];
    put_u32(out, iterations);
    put_u32(out + 4, 2);
    put_u64(out + 8, ticks);
    send_simple(HIL_MSG_CALIBRATE_RESULT, seq, out, sizeof out);
}

/* The raw link with nothing else: the request's bytes are discarded and reply_len bytes
 * (from the receive buffer, whatever it holds) go back, so the host can time a transfer of
 * the same size as an inference's input and output without the engine. */
static void handle_transfer(uint16_t seq, const uint8_t *p, size_t n)
{
    uint32_t reply_len = n >= 4 ? get_u32(p) : 0;
    if (n < 4 || reply_len > agent.max_payload) {
        send_error(seq, HIL_ERR_BAD_RANGE, (uint32_t)agent.max_payload, "TRANSFER reply length out of range");
        return;
    }
    send_simple(HIL_MSG_TRANSFER_REPLY, seq, agent.rx.buf, reply_len);
}

/* ---- tensor access for debugging (engines that provide it; see docs/protocol.md) ---- */

static int tensor_access(uint16_t seq)
{
    if (!require_model(seq))
        return 0;
    if (agent.cfg.engine->num_tensors && agent.cfg.engine->tensor_info)
        return 1;
    send_error(seq, HIL_ERR_UNSUPPORTED, 0, "this engine gives no access to intermediate tensors");
    return 0;
}

static size_t tensor_entry_bytes(const hil_tensor_info *t)
{
    size_t name = t->name_len > 255 ? 255 : t->name_len;
    return 2 + name + 2 + 4u * t->spec.ndim + 12;
}

static void handle_list_tensors(uint16_t seq, const uint8_t *p, size_t n)
{
    if (!tensor_access(seq))
        return;
    const hil_engine *e = agent.cfg.engine;
    uint16_t list_flags = 0;
    unsigned total = e->num_tensors(&list_flags);
    unsigned first = n >= 2 ? get_u16(p) : 0;
    /* Entries have variable length: count those that fit, then send them. */
    size_t room = agent.max_payload - 8, used = 0;
    unsigned count = 0;
    for (unsigned i = first; i < total; i++, count++) {
        hil_tensor_info t;
        if (e->tensor_info(i, &t) != HIL_OK || used + tensor_entry_bytes(&t) > room)
            break;
        used += tensor_entry_bytes(&t);
    }
    uint8_t head[8];
    put_u16(head, total);
    put_u16(head + 2, first);
    put_u16(head + 4, count);
    put_u16(head + 6, list_flags);
    hil_frame_tx tx;
    tx_begin(&tx, HIL_MSG_TENSOR_LIST, seq);
    hil_frame_tx_write(&tx, head, sizeof head);
    for (unsigned i = first; i < first + count; i++) {
        hil_tensor_info t;
        e->tensor_info(i, &t);
        uint8_t entry[2] = {t.flags, (uint8_t)(t.name_len > 255 ? 255 : t.name_len)};
        hil_frame_tx_write(&tx, entry, sizeof entry);
        hil_frame_tx_write(&tx, t.name, entry[1]);
        write_tensor_spec(&tx, &t.spec);
    }
    hil_frame_tx_end(&tx);
}

static void handle_get_tensor(uint16_t seq, const uint8_t *p, size_t n)
{
    if (!tensor_access(seq))
        return;
    if (n < 12) {
        send_error(seq, HIL_ERR_BAD_LENGTH, (uint32_t)n, "GET_TENSOR needs a 12-byte payload");
        return;
    }
    const hil_engine *e = agent.cfg.engine;
    hil_tensor_info t;
    unsigned index = get_u16(p);
    uint32_t offset = get_u32(p + 4);
    uint32_t want = get_u32(p + 8);
    if (index >= e->num_tensors(NULL) || e->tensor_info(index, &t) != HIL_OK || !t.spec.data) {
        send_error(seq, HIL_ERR_BAD_INDEX, index, "no such tensor, or it has no storage");
        return;
    }
    if (offset > t.spec.bytes) {
        send_error(seq, HIL_ERR_BAD_RANGE, t.spec.bytes, "offset past the end of the tensor");
        return;
    }
    uint32_t len = t.spec.bytes - offset;
    uint32_t room = (uint32_t)agent.max_payload - 12;
    if (len > want)
        len = want;
    if (len > room)
        len = room;
    uint8_t head[12] = {0};
    put_u16(head, index);
    put_u32(head + 4, offset);
    put_u32(head + 8, t.spec.bytes);
    hil_frame_tx tx;
    tx_begin(&tx, HIL_MSG_TENSOR_DATA, seq);
    hil_frame_tx_write(&tx, head, sizeof head);
    hil_frame_tx_write(&tx, t.spec.data + offset, len);
    hil_frame_tx_end(&tx);
}

static void dispatch(const uint8_t *frame, size_t len)
{
    uint8_t type = frame[0];
    uint16_t seq = (uint16_t)get_u16(frame + 2);
    const uint8_t *p = frame + HIL_HEADER_BYTES;
    size_t n = len - HIL_HEADER_BYTES;
    /* Requests are idempotent, so a retransmitted duplicate is simply executed again. */
    agent.reply_flags = (int32_t)seq == agent.last_seq ? HIL_DUPLICATE_FLAG : 0;
    agent.last_seq = seq;
    if (!(agent.reply_flags & HIL_DUPLICATE_FLAG))
        agent.done_type = 0; /* set again by a RUN or INVOKE that succeeds */
    switch (type) {
    case HIL_MSG_HELLO: send_ready(seq); break;
    case HIL_MSG_SET_INPUT: handle_set_input(seq, p, n); break;
    case HIL_MSG_INVOKE: handle_invoke(seq, p, n); break;
    case HIL_MSG_GET_OUTPUT: handle_get_output(seq, p, n); break;
    case HIL_MSG_RUN: handle_run(seq, p, n); break;
    case HIL_MSG_PROFILE: handle_profile(seq, p, n); break;
    case HIL_MSG_CALIBRATE: handle_calibrate(seq, p, n); break;
    case HIL_MSG_ECHO: send_simple(HIL_MSG_ECHO_REPLY, seq, p, n); break;
    case HIL_MSG_TRANSFER: handle_transfer(seq, p, n); break;
    case HIL_MSG_LIST_TENSORS: handle_list_tensors(seq, p, n); break;
    case HIL_MSG_GET_TENSOR: handle_get_tensor(seq, p, n); break;
    case HIL_MSG_MEMORY: handle_memory(seq); break;
    case HIL_MSG_RESET_STATE: handle_reset_state(seq); break;
    default: send_error(seq, HIL_ERR_UNKNOWN_MESSAGE, type, "unknown message type"); break;
    }
    agent.reply_flags = 0;
}

static void reject_frame(void)
{
    /* Tells the host which frame broke when its header survived; seq 0xFFFF when it did not. */
    uint8_t out[8] = {agent.rx.bad_reason, 0};
    put_u16(out + 2, agent.rx.bad_seq);
    put_u32(out + 4, (uint32_t)agent.rx.bad_len);
    send_simple(HIL_MSG_NAK, agent.rx.bad_seq, out, sizeof out);
}

void hil_agent_poll(void)
{
    int c;
    while ((c = hil_port_read_byte()) >= 0) {
        hil_rx_event ev = hil_frame_rx_byte(&agent.rx, (uint8_t)c);
        if (ev == HIL_RX_FRAME)
            dispatch(agent.rx.buf, agent.rx.frame_len);
        else if (ev == HIL_RX_BAD)
            reject_frame();
    }
}

void hil_agent_run(void)
{
    for (;;) {
        hil_agent_poll();
        hil_port_wait_rx();
    }
}

/* Every tensor's address and size for a debugger; the magic goes last, so a mailbox that
 * carries it is complete. */
static void publish_mailbox(void)
{
    memset(&hil_mailbox, 0, sizeof hil_mailbox);
    unsigned slot = 0;
    for (int outputs = 0; outputs <= 1; outputs++) {
        for (unsigned i = 0; i < io_count(outputs); i++, slot++) {
            hil_tensor_spec spec;
            io_spec(outputs, i, &spec);
            hil_mailbox.tensors[slot][0] = (uint32_t)(uintptr_t)spec.data;
            hil_mailbox.tensors[slot][1] = spec.bytes;
        }
    }
    hil_mailbox.version = HIL_MAILBOX_VERSION;
    hil_mailbox.n_inputs = (uint8_t)io_count(0);
    hil_mailbox.n_outputs = (uint8_t)io_count(1);
    hil_mailbox.magic = HIL_MAILBOX_MAGIC;
}

void hil_agent_start(const hil_agent_config *config)
{
    memset(&agent, 0, sizeof agent);
    agent.cfg = *config;
    agent.last_seq = -1;
    agent.max_payload = config->rx_capacity - HIL_HEADER_BYTES - HIL_CRC_BYTES;
    hil_frame_rx_init(&agent.rx, config->rx_buffer, config->rx_capacity);
    agent.load_status = config->engine->load(config->model, config->model_size,
                                             agent.load_message, sizeof agent.load_message);
    agent.load_message[sizeof agent.load_message - 1] = '\0';
    publish_mailbox();
    send_ready(0);
}

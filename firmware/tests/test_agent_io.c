/* The agent against an engine with two inputs of different sizes and one output, natively:
 * READY announces the input and output counts in their own fields (a 1-in/1-out model cannot
 * tell them apart), and RUN refuses data one byte short of the inputs instead of running on
 * stale bytes (a 1-byte-input model cannot be short without being empty). */
#include <stdint.h>
#include <string.h>

#include "hil_agent.h"
#include "hil_frame.h"
#include "hil_protocol.h"
#include "hil_test.h"
#include "host_port.h"

enum { IN0_BYTES = 3, IN1_BYTES = 5, OUT_BYTES = 2, RX_CAPACITY = 256 };

static uint8_t in0[IN0_BYTES], in1[IN1_BYTES], out0[OUT_BYTES];
static int invokes;

static int fake_load(const uint8_t *model, uint32_t size, char *msg, size_t cap) { return HIL_OK; }
static uint32_t fake_arena(void) { return 64; }
static unsigned fake_inputs(void) { return 2; }
static unsigned fake_outputs(void) { return 1; }
static unsigned fake_ops(void) { return 0; }
static int fake_profile(unsigned i, hil_op_profile *out) { return HIL_ERR_BAD_INDEX; }

static void spec_of(hil_tensor_spec *spec, uint8_t *data, uint32_t bytes)
{
    memset(spec, 0, sizeof *spec);
    spec->dtype = 9; /* int8 */
    spec->ndim = 1;
    spec->dims[0] = (int32_t)bytes;
    spec->scale = 1.0f;
    spec->bytes = bytes;
    spec->data = data;
}

static int fake_input(unsigned i, hil_tensor_spec *spec)
{
    if (i > 1)
        return HIL_ERR_BAD_INDEX;
    spec_of(spec, i ? in1 : in0, i ? IN1_BYTES : IN0_BYTES);
    return HIL_OK;
}

static int fake_output(unsigned i, hil_tensor_spec *spec)
{
    if (i > 0)
        return HIL_ERR_BAD_INDEX;
    spec_of(spec, out0, OUT_BYTES);
    return HIL_OK;
}

static int fake_invoke(char *msg, size_t cap)
{
    invokes++;
    out0[0] = (uint8_t)(in0[0] + in1[IN1_BYTES - 1]); /* depends on the last byte of the last input */
    out0[1] = 0;
    return HIL_OK;
}

static const hil_engine fake_engine = {
    .name = "fake", .load = fake_load, .arena_size = fake_arena, .arena_used = fake_arena,
    .num_inputs = fake_inputs, .num_outputs = fake_outputs, .input = fake_input, .output = fake_output,
    .invoke = fake_invoke, .num_ops = fake_ops, .op_profile = fake_profile,
};

static uint8_t wire[4096], captured[4096], decoded[RX_CAPACITY + 8];
static size_t wire_len;

static void wire_write(const uint8_t *data, size_t len)
{
    memcpy(wire + wire_len, data, len);
    wire_len += len;
}

/* Sends one request and returns the type of the first reply, its payload in *payload. */
static uint8_t exchange(uint8_t type, uint16_t seq, const uint8_t *payload, size_t len, const uint8_t **reply,
                        size_t *reply_len)
{
    hil_frame_tx tx;
    wire_len = 0;
    hil_frame_tx_begin(&tx, wire_write, type, 0, seq);
    hil_frame_tx_write(&tx, payload, len);
    hil_frame_tx_end(&tx);
    host_port_capture(captured, sizeof captured);
    host_port_feed(wire, wire_len);
    hil_agent_poll();
    hil_frame_rx rx;
    hil_frame_rx_init(&rx, decoded, sizeof decoded);
    for (size_t i = 0; i < host_port_captured(); i++) {
        if (hil_frame_rx_byte(&rx, captured[i]) == HIL_RX_FRAME) {
            *reply = decoded + HIL_HEADER_BYTES;
            *reply_len = rx.frame_len - HIL_HEADER_BYTES;
            return decoded[0];
        }
    }
    return 0;
}

static void test_ready_names_input_and_output_counts_apart(void)
{
    const uint8_t *reply;
    size_t len;
    CHECK_EQ_INT(exchange(HIL_MSG_HELLO, 1, NULL, 0, &reply, &len), HIL_MSG_READY);
    CHECK(len > 27);
    CHECK_EQ_INT(reply[24], HIL_OK); /* status */
    CHECK_EQ_INT(reply[25], 2);      /* n_inputs */
    CHECK_EQ_INT(reply[26], 1);      /* n_outputs */
}

static void test_run_refuses_data_one_byte_short_of_the_inputs(void)
{
    uint8_t run[4 + IN0_BYTES + IN1_BYTES] = {1, 0, 0, 0, 10, 0, 0, 1, 2, 3, 4, 5};
    const uint8_t *reply;
    size_t len;
    invokes = 0;
    CHECK_EQ_INT(exchange(HIL_MSG_RUN, 2, run, sizeof run - 1, &reply, &len), HIL_MSG_ERROR);
    CHECK_EQ_INT(reply[0] | (reply[1] << 8), HIL_ERR_BAD_LENGTH);
    CHECK_EQ_INT(reply[4], IN0_BYTES + IN1_BYTES); /* detail: the bytes the inputs take */
    CHECK_EQ_INT(invokes, 0);
    CHECK_EQ_INT(exchange(HIL_MSG_RUN, 3, run, sizeof run + 0, &reply, &len), HIL_MSG_RUN_RESULT);
    CHECK_EQ_INT(invokes, 1);
    /* n = 1 tick, flags = outputs: the output follows the ticks */
    CHECK_EQ_INT(reply[4 + 8], 15); /* in0[0] + in1[4] = 10 + 5 */
}

static uint16_t error_code(uint8_t type, const uint8_t *reply)
{
    return type == HIL_MSG_ERROR ? (uint16_t)(reply[0] | (reply[1] << 8)) : 0;
}

static void test_set_input_refuses_data_one_byte_past_the_tensor(void)
{
    uint8_t set[8 + IN1_BYTES + 1] = {1, 0, 0, 0, 0, 0, 0, 0};
    const uint8_t *reply;
    size_t len;
    uint8_t type = exchange(HIL_MSG_SET_INPUT, 4, set, sizeof set, &reply, &len);
    CHECK_EQ_INT(error_code(type, reply), HIL_ERR_BAD_RANGE);
    set[4] = 1; /* offset 1: IN1_BYTES bytes from there also run one past */
    type = exchange(HIL_MSG_SET_INPUT, 5, set, sizeof set - 1, &reply, &len);
    CHECK_EQ_INT(error_code(type, reply), HIL_ERR_BAD_RANGE);
    set[4] = 0;
    CHECK_EQ_INT(exchange(HIL_MSG_SET_INPUT, 6, set, sizeof set - 1, &reply, &len), HIL_MSG_ACK);
}

static void test_run_header_must_be_four_bytes(void)
{
    uint8_t run[3] = {1, 0, 0};
    const uint8_t *reply;
    size_t len;
    uint8_t type = exchange(HIL_MSG_RUN, 7, run, sizeof run, &reply, &len);
    CHECK_EQ_INT(error_code(type, reply), HIL_ERR_BAD_LENGTH);
    CHECK_EQ_INT(reply[4], 3); /* detail: the bytes received, not the bytes the inputs take */
}

static void test_invoke_refuses_an_input_written_only_in_part(const hil_agent_config *config)
{
    uint8_t boot[1024], set0[8 + IN0_BYTES] = {0}, set1[8 + 2] = {1, 0, 0, 0, 0, 0, 0, 0};
    uint8_t invoke[2] = {1, 0};
    const uint8_t *reply;
    size_t len;
    host_port_capture(boot, sizeof boot);
    hil_agent_start(config); /* a fresh boot: no input written yet */
    CHECK_EQ_INT(exchange(HIL_MSG_SET_INPUT, 8, set0, sizeof set0, &reply, &len), HIL_MSG_ACK);
    CHECK_EQ_INT(exchange(HIL_MSG_SET_INPUT, 9, set1, sizeof set1, &reply, &len), HIL_MSG_ACK); /* 2 of 5 bytes */
    uint8_t type = exchange(HIL_MSG_INVOKE, 10, invoke, sizeof invoke, &reply, &len);
    CHECK_EQ_INT(error_code(type, reply), HIL_ERR_NO_INPUT);
    CHECK_EQ_INT(reply[4], 1); /* detail: the input not fully set */
}

/* The debugger's path: the mailbox names every tensor; RUN in memory runs on the bytes written
 * there only after the host marked them written, replies with ticks alone, and clears the mark. */
static void test_run_in_memory_takes_the_mailbox_inputs(void)
{
    uint8_t run[4] = {1, 0, HIL_RUN_IN_MEMORY, 0};
    const uint8_t *reply;
    size_t len;
    CHECK_EQ_INT(hil_mailbox.magic, HIL_MAILBOX_MAGIC);
    CHECK_EQ_INT(hil_mailbox.n_inputs, 2);
    CHECK_EQ_INT(hil_mailbox.n_outputs, 1);
    CHECK(hil_mailbox.tensors[1][0] == (uint32_t)(uintptr_t)in1 && hil_mailbox.tensors[1][1] == IN1_BYTES);
    CHECK(hil_mailbox.tensors[2][0] == (uint32_t)(uintptr_t)out0 && hil_mailbox.tensors[2][1] == OUT_BYTES);
    invokes = 0;
    uint8_t type = exchange(HIL_MSG_RUN, 20, run, sizeof run, &reply, &len);
    CHECK_EQ_INT(error_code(type, reply), HIL_ERR_NO_INPUT); /* nothing marked written */
    in0[0] = 30;
    in1[IN1_BYTES - 1] = 7;
    hil_mailbox.inputs_written = 1;
    CHECK_EQ_INT(exchange(HIL_MSG_RUN, 21, run, sizeof run, &reply, &len), HIL_MSG_RUN_RESULT);
    CHECK_EQ_INT(invokes, 1);
    CHECK_EQ_INT(len, 4 + 8);                       /* one tick count, no outputs */
    CHECK_EQ_INT(reply[2] & HIL_RUN_FLAG_OUTPUTS, 0);
    CHECK_EQ_INT(out0[0], 37);                      /* in memory, for the debugger to read */
    CHECK_EQ_INT(hil_mailbox.inputs_written, 0);
    type = exchange(HIL_MSG_RUN, 22, run, sizeof run, &reply, &len);
    CHECK_EQ_INT(error_code(type, reply), HIL_ERR_NO_INPUT); /* the same inputs do not run twice */
    CHECK_EQ_INT(invokes, 1);
}

int main(void)
{
    static uint8_t rx_buffer[RX_CAPACITY];
    static const uint8_t sha[32];
    static const uint8_t model[4];
    hil_agent_config config = {&fake_engine, model, sizeof model, sha, rx_buffer, sizeof rx_buffer};
    uint8_t boot[1024];
    host_port_capture(boot, sizeof boot); /* the READY sent at start */
    hil_agent_start(&config);
    test_ready_names_input_and_output_counts_apart();
    test_run_refuses_data_one_byte_short_of_the_inputs();
    test_set_input_refuses_data_one_byte_past_the_tensor();
    test_run_header_must_be_four_bytes();
    test_run_in_memory_takes_the_mailbox_inputs();
    test_invoke_refuses_an_input_written_only_in_part(&config);
    TEST_MAIN_END();
}

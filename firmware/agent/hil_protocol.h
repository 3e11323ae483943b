/* Wire protocol constants shared by the agent and documented in docs/protocol.md.
 * Every multi-byte field is little-endian.
 *
 * The comment beside each message is its payload layout, up to the first ':': fields separated
 * by commas, "u16 name" a fixed field, "n x u64 name" a repeated one, a bare name a
 * variable-length part. The host side (hil/link/protocol.py) is held equal to this file, and to
 * hil_frame.h, by tests/test_protocol_header.py. */
#ifndef HIL_PROTOCOL_H
#define HIL_PROTOCOL_H

#define HIL_PROTOCOL_VERSION 1u

/* SLIP framing bytes. */
#define HIL_SLIP_END 0xC0u
#define HIL_SLIP_ESC 0xDBu
#define HIL_SLIP_ESC_END 0xDCu
#define HIL_SLIP_ESC_ESC 0xDDu

/* Frame body: type(1) flags(1) seq(2) payload(n) crc32(4). */
#define HIL_HEADER_BYTES 4u
#define HIL_CRC_BYTES 4u
#define HIL_DUPLICATE_FLAG 0x01u /* frame flag: the reply to a request already executed (same seq) */

/* Host -> target requests. */
enum hil_request {
    HIL_MSG_HELLO = 0x01,      /* ask for the READY frame again */
    HIL_MSG_SET_INPUT = 0x02,  /* u8 index, u8 0, u16 0, u32 offset, data */
    HIL_MSG_INVOKE = 0x03,     /* u16 repeat */
    HIL_MSG_GET_OUTPUT = 0x04, /* u8 index, u8 0, u16 0, u32 offset, u32 max_len */
    HIL_MSG_RUN = 0x05,        /* u16 repeat, u16 flags, all inputs concatenated (or none) */
    HIL_MSG_PROFILE = 0x06,    /* u16 first_op */
    HIL_MSG_CALIBRATE = 0x07,  /* u32 loop iterations */
    HIL_MSG_ECHO = 0x08,       /* any bytes: echoed back */
    HIL_MSG_TRANSFER = 0x09,   /* u32 reply_len, any bytes: answered with reply_len bytes (raw link benchmark) */
    HIL_MSG_LIST_TENSORS = 0x0A, /* u16 first: the model's tensors (debugging) */
    HIL_MSG_GET_TENSOR = 0x0B,   /* u16 index, u16 0, u32 offset, u32 max_len */
    HIL_MSG_MEMORY = 0x0C,       /* (none): stack use */
    HIL_MSG_RESET_STATE = 0x0D,  /* (none): the model's state across invokes back to its initial value */
};

/* Target -> host replies and unsolicited frames. */
enum hil_reply {
    HIL_MSG_ACK = 0x80,
    HIL_MSG_READY = 0x81, /* u8 version, u8 counter_kind, u16 max_payload, u32 counter_hz, u32 cpu_hz,
                           * u32 arena_size, u32 arena_used, u32 model_size, u8 status, u8 n_inputs,
                           * u8 n_outputs, u8 model_flags, model sha256 (32 bytes), board, engine, message
                           * (each u8 length + UTF-8), n_inputs + n_outputs x tensor_spec */
    HIL_MSG_INVOKE_RESULT = 0x83, /* u16 n, u16 0, n x u64 ticks */
    HIL_MSG_OUTPUT_DATA = 0x84,   /* u8 index, u8 0, u16 0, u32 offset, u32 total, data */
    HIL_MSG_RUN_RESULT = 0x85,    /* u16 n, u16 flags, n x u64 ticks, outputs (if flags&1) */
    HIL_MSG_PROFILE_DATA = 0x86,  /* u16 total, u16 first, u16 count, u16 0, count x entry */
    HIL_MSG_CALIBRATE_RESULT = 0x87, /* u32 iterations, u32 instr/iter, u64 ticks */
    HIL_MSG_ECHO_REPLY = 0x88,
    HIL_MSG_TRANSFER_REPLY = 0x89,
    HIL_MSG_TENSOR_LIST = 0x8A, /* u16 total, u16 first, u16 count, u16 flags, count x entry */
    HIL_MSG_TENSOR_DATA = 0x8B, /* u16 index, u16 0, u32 offset, u32 total, data */
    HIL_MSG_MEMORY_INFO = 0x8C, /* u32 stack reserve, u32 stack peak (bytes; 0 = not measured) */
    HIL_MSG_LOG = 0x8E,   /* UTF-8 text */
    HIL_MSG_FAULT = 0x8F, /* u32 exception, u32 cfsr, u32 hfsr, u32 mmfar, u32 bfar, u32 pc, u32 lr,
                           * u32 xpsr, u32 exc_return: see docs/protocol.md */
    HIL_MSG_NAK = 0xFE,   /* u8 reason (hil_bad_reason), u8 0, u16 seq, u32 bytes received: the
                           * frame with this seq failed its CRC or was malformed */
    HIL_MSG_ERROR = 0xFF, /* u16 code, u16 0, u32 detail, text */
};

#define HIL_RUN_FLAG_OUTPUTS 0x1u
#define HIL_RUN_IN_MEMORY 0x1u /* RUN request flag: the inputs are in the memory the mailbox names (written
                                * through the debug connection); the outputs stay there (RUN_RESULT: ticks only) */
#define HIL_MODEL_STATEFUL 0x1u /* READY model_flags: the model keeps state across invokes (RESET_STATE) */

/* Records inside payloads, in the same notation. */
/* record profile_entry: u16 op_index, u16 opcode, u64 ticks */
/* record tensor_spec: u8 dtype, u8 ndim, ndim x i32 dims, f32 scale, i32 zero_point, u32 bytes */
/* record tensor_entry: u8 flags, u8 name_len, name, tensor_spec */
/* record mailbox: u32 magic, u16 version, u8 n_inputs, u8 n_outputs, u32 inputs_written, tensors */
/* record mailbox_tensor: u32 address, u32 bytes */

/* The mailbox in target RAM (symbol hil_mailbox) through which a debugger moves vectors: the
 * address and size of every input, then every output tensor. The host writes the inputs there,
 * then inputs_written = 1, and sends RUN with HIL_RUN_IN_MEMORY; the agent clears it. */
#define HIL_MAILBOX_MAGIC 0x4D4C4948u /* "HILM" */
#define HIL_MAILBOX_VERSION 1u

/* TENSOR_LIST entry flags, and the list's own flags. */
#define HIL_TENSOR_CONST 0x1u /* data lives in the model (flash) */
#define HIL_TENSOR_ARENA 0x2u /* data lives in the tensor arena */
#define HIL_TENSOR_VALID 0x4u /* holds the last inference's value (no later tensor reused its memory) */
#define HIL_TENSORS_OWN_MEMORY 0x1u /* list flag: every tensor has its own memory (HIL_DEBUG_TENSORS) */

/* Error codes in ERROR replies and in the READY status field. */
enum hil_error {
    HIL_OK = 0,
    HIL_ERR_UNKNOWN_MESSAGE = 1,
    HIL_ERR_BAD_LENGTH = 2,
    HIL_ERR_BAD_INDEX = 3,
    HIL_ERR_BAD_RANGE = 4,
    HIL_ERR_NO_MODEL = 5,
    HIL_ERR_UNSUPPORTED = 6,
    HIL_ERR_INVOKE_FAILED = 7,
    HIL_ERR_NO_INPUT = 8,
    HIL_ERR_ARENA_TOO_SMALL = 9,
    HIL_ERR_MODEL_INVALID = 10,
    HIL_ERR_FRAME_TOO_LARGE = 11,
};

/* Cycle counter kinds reported in READY. */
enum hil_counter_kind {
    HIL_COUNTER_NONE = 0,
    HIL_COUNTER_SYSTICK = 1,
    HIL_COUNTER_DWT = 2,
};

#endif

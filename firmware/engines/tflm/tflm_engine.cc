/* The TFLM engine: the agent's engine interface (agent/hil_engine.h) over TensorFlow Lite
 * Micro's MicroInterpreter. It is compiled only against a TFLM tree the user provides and
 * linked with the libtensorflow-microlite.a that TFLM's own Makefile built (tflm.cmake);
 * this project never copies or builds TFLM.
 *
 * - The op resolver registers exactly the model's operators: hil_tflm_ops.h is generated
 *   from the model at build time by hil/engines/tflm.py.
 * - A MicroProfilerInterface implementation records the ticks of hil_counter_read() spent in
 *   each operator of the last Invoke (the agent's PROFILE request).
 * - arena_used_bytes() feeds the arena report of the READY frame.
 * - TfLiteStatus failures become the agent's error codes (hil_protocol.h) with one line of
 *   text, taken from TFLM's own log when the library has the cortex_m_generic log callback.
 *
 * Written against TFLM's API as its headers define it (micro_interpreter.h,
 * micro_mutable_op_resolver.h, micro_profiler_interface.h; see docs/porting.md for exactly
 * how far this was verified). Only out-of-line TFLM entry points that exist in every TFLM
 * version since 2023 are used, and the few TFLM names needed are looked up in both the
 * `tflite` and `tflite::micro` namespaces, because 2026 TFLM moved its declarations from the
 * first into the second (the tflite-micro wheel's build, commit 8f6596d, exports
 * tflite::micro::MicroInterpreter). Static model facts (types, shapes, quantization) are
 * read from the flatbuffer through the schema (namespace tflite in every version). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <new>

#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/lite/micro/micro_profiler_interface.h"
#if HIL_TFLM_HAVE_LOG_CALLBACK
#include "tensorflow/lite/micro/cortex_m_generic/debug_log_callback.h"
#endif

extern "C" {
#include "hil_agent.h"
#include "hil_engine.h"
#include "hil_port.h"
#include "hil_protocol.h"
}

#ifndef HIL_ARENA_BYTES
#define HIL_ARENA_BYTES (256u * 1024u)
#endif
#ifndef TFLITE_SCHEMA_VERSION
#define TFLITE_SCHEMA_VERSION 3
#endif
#define HIL_TFLM_MAX_IO 16u

namespace tflite {
namespace micro {
}  // namespace micro
}  // namespace tflite

/* Qualified lookup through these directives finds a name in tflite or tflite::micro
 * (a using-declaration of the same entity in both is not ambiguous). */
namespace hil_tflm_api {
using namespace ::tflite;
using namespace ::tflite::micro;
}  // namespace hil_tflm_api

/* kTfLiteOk is 0 in every TFLM version; compared numerically because the enum's namespace
 * moved (global, then tflite::micro). */
template <typename Status>
static bool HilTflmOk(Status status)
{
    return static_cast<int>(status) == 0;
}

#include "hil_tflm_ops.h" /* HIL_TFLM_OP_COUNT, HilTflmAddOps(); generated from the model */

namespace {

using Interpreter = hil_tflm_api::MicroInterpreter;
using OpResolver = hil_tflm_api::MicroMutableOpResolver<HIL_TFLM_OP_COUNT>;
using ProfilerInterface = hil_tflm_api::MicroProfilerInterface;

/* ---- TFLM's log: the first message since the last reset, for one-line errors ---- */

char tflm_log[128];

void capture_log(const char *text)
{
    if (tflm_log[0] != '\0' || text == nullptr)
        return;
    size_t n = 0;
    for (const char *p = text; *p != '\0' && n + 1 < sizeof tflm_log; p++) {
        char c = *p;
        if (c == '\r' || c == '\n') {
            if (n > 0 && tflm_log[n - 1] != ' ')
                tflm_log[n++] = ' '; /* one line: TFLM messages can span several */
            continue;
        }
        tflm_log[n++] = c;
    }
    while (n > 0 && tflm_log[n - 1] == ' ')
        n--;
    tflm_log[n] = '\0';
}

bool log_says(const char *needle) { return strstr(tflm_log, needle) != nullptr; }

/* ---- per-operator profile ---- */

/* TFLM opens one profiler event per operator of the invoked subgraph, tagged with the
 * operator's name (MicroInterpreterGraph::InvokeSubgraph, when built without
 * TF_LITE_STRIP_ERROR_STRINGS). Events are matched to the model's operators in order by that
 * tag, so events TFLM may add around or inside an operator (nested subgraphs of IF/WHILE,
 * tensor decompression) are counted in the enclosing operator instead of shifting the rest. */
class OpProfiler : public ProfilerInterface {
public:
    void Setup(const char *const *tags, uint64_t *ticks, unsigned count)
    {
        tags_ = tags;
        ticks_ = ticks;
        count_ = count;
    }

    void StartInvoke()
    {
        memset(ticks_, 0, count_ * sizeof *ticks_);
        next_ = 0;
        depth_ = 0;
        open_depth_ = 0;
    }

    unsigned matched() const { return next_; }

    uint32_t BeginEvent(const char *tag) override
    {
        depth_++;
        if (open_depth_ == 0 && next_ < count_ && same_tag(tag, tags_[next_])) {
            open_ = next_++;
            open_depth_ = depth_;
            start_ = hil_counter_read(); /* last, so the bookkeeping is not counted */
        }
        return depth_;
    }

    void EndEvent(uint32_t event_handle) override
    {
        uint64_t now = hil_counter_read(); /* first, for the same reason */
        if (open_depth_ != 0 && event_handle == open_depth_) {
            ticks_[open_] = now - start_;
            open_depth_ = 0;
        }
        if (depth_ > 0)
            depth_--;
    }

    /* Never heap-allocated: a class-level delete keeps the deleting destructor from
     * referencing the global operator delete (TFLM's TF_LITE_REMOVE_VIRTUAL_DELETE idea). */
    void operator delete(void *) {}

private:
    static bool same_tag(const char *a, const char *b)
    {
        return a == b || (a != nullptr && b != nullptr && strcmp(a, b) == 0);
    }

    const char *const *tags_ = nullptr;
    uint64_t *ticks_ = nullptr;
    unsigned count_ = 0;
    unsigned next_ = 0;
    unsigned open_ = 0;
    uint32_t depth_ = 0;
    uint32_t open_depth_ = 0;
    uint64_t start_ = 0;
};

/* ---- engine state: objects constructed in static storage (no heap, no static constructors) ---- */

alignas(16) uint8_t arena[HIL_ARENA_BYTES];
alignas(Interpreter) uint8_t interpreter_storage[sizeof(Interpreter)];
alignas(OpResolver) uint8_t resolver_storage[sizeof(OpResolver)];
alignas(OpProfiler) uint8_t profiler_storage[sizeof(OpProfiler)];

struct Engine {
    Interpreter *interpreter;
    OpResolver *resolver;
    OpProfiler *profiler;
    const tflite::Model *model;
    size_t tflm_arena_bytes; /* the part of `arena` given to TFLM */
    unsigned n_inputs, n_outputs, n_ops;
    hil_tensor_spec inputs[HIL_TFLM_MAX_IO]; /* data: the adapter's copy of each input */
    hil_tensor_spec outputs[HIL_TFLM_MAX_IO];
    uint8_t *tflm_input_data[HIL_TFLM_MAX_IO];
    uint64_t *op_ticks;
    const char **op_tags;
    uint16_t *op_codes;
    bool loaded;
    bool profile_note_sent;
    bool has_state; /* variable tensors or custom operators with state (a RESET_STATE does something) */
};

Engine engine;

void destroy_objects()
{
    /* MicroInterpreter has a destructor (it frees its subgraph allocations); the others are
     * trivial to drop. Reconstructing in place lets load() run again. */
    if (engine.interpreter != nullptr)
        engine.interpreter->~Interpreter();
    engine = Engine{};
}

int fail(char *msg, size_t cap, int code, const char *what)
{
    if (tflm_log[0] != '\0')
        snprintf(msg, cap, "TFLM: %s: %s", what, tflm_log);
    else
        snprintf(msg, cap, "TFLM: %s", what);
    return code;
}

/* Which agent error a failed TFLM call means, judged by TFLM's first log message. */
int classify(int fallback)
{
    if (log_says("too small") || log_says("missing:") || log_says("resize buffer") ||
        log_says("Failed to allocate"))
        return HIL_ERR_ARENA_TOO_SMALL;
    if (log_says("find op") || log_says("registration") || log_says("not supported") ||
        log_says("Unsupported") || log_says("unsupported"))
        return HIL_ERR_UNSUPPORTED;
    return fallback;
}

size_t align16(size_t n) { return (n + 15u) & ~static_cast<size_t>(15u); }

/* Bytes per element of a schema TensorType (numbering of schema.fbs); 0 when unknown. */
uint32_t element_bytes(int type)
{
    switch (type) {
    case 3: case 6: case 9: return 1;                 /* UINT8, BOOL, INT8 */
    case 1: case 7: case 16: case 18: return 2;       /* FLOAT16, INT16, UINT16, BFLOAT16 */
    case 0: case 2: case 15: return 4;                /* FLOAT32, INT32, UINT32 */
    case 4: case 8: case 10: case 12: return 8;       /* INT64, COMPLEX64, FLOAT64, UINT64 */
    case 11: return 16;                               /* COMPLEX128 */
    default: return 0;                                /* STRING, RESOURCE, VARIANT, INT4, ... */
    }
}

/* A tensor's static description from the flatbuffer; bytes = 0 when it cannot be described. */
hil_tensor_spec describe(const tflite::Tensor *t)
{
    hil_tensor_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.dtype = static_cast<uint8_t>(t->type());
    uint64_t elements = 1;
    const auto *shape = t->shape();
    if (shape != nullptr) {
        if (shape->size() > HIL_MAX_DIMS)
            return spec;
        spec.ndim = static_cast<uint8_t>(shape->size());
        for (unsigned d = 0; d < shape->size(); d++) {
            spec.dims[d] = shape->Get(d);
            elements *= static_cast<uint64_t>(shape->Get(d) > 0 ? shape->Get(d) : 0);
        }
    }
    const auto *q = t->quantization();
    if (q != nullptr && q->scale() != nullptr && q->scale()->size() > 0) {
        spec.scale = q->scale()->Get(0);
        if (q->zero_point() != nullptr && q->zero_point()->size() > 0)
            spec.zero_point = static_cast<int32_t>(q->zero_point()->Get(0));
    }
    uint64_t bytes = elements * element_bytes(t->type());
    spec.bytes = bytes <= UINT32_MAX ? static_cast<uint32_t>(bytes) : 0;
    return spec;
}

/* The builtin code of an operator (the larger of the two schema fields, as TFLM reads it). */
int builtin_code(const tflite::OperatorCode *code)
{
    int deprecated = code->deprecated_builtin_code();
    int current = static_cast<int>(code->builtin_code());
    return deprecated > current ? deprecated : current;
}

/* Carves the adapter's own buffers from the top of `arena`: a copy of every input (see
 * invoke) and the per-op profile table. The rest of the arena is TFLM's. */
int reserve_adapter_memory(const tflite::SubGraph *sg, char *msg, size_t cap)
{
    size_t top = sizeof arena;
    auto carve = [&top](size_t bytes) -> uint8_t * {
        bytes = align16(bytes);
        if (bytes > top)
            return nullptr;
        top -= bytes;
        return arena + top;
    };
    for (unsigned i = 0; i < engine.n_inputs; i++) {
        int index = sg->inputs()->Get(i);
        if (index < 0 || static_cast<unsigned>(index) >= sg->tensors()->size())
            return fail(msg, cap, HIL_ERR_MODEL_INVALID, "an input names no tensor");
        hil_tensor_spec spec = describe(sg->tensors()->Get(index));
        if (spec.bytes == 0) {
            snprintf(msg, cap, "TFLM adapter: input %u has a type or shape it cannot copy", i);
            return HIL_ERR_UNSUPPORTED;
        }
        spec.data = carve(spec.bytes);
        if (spec.data == nullptr)
            return fail(msg, cap, HIL_ERR_ARENA_TOO_SMALL, "no room for the input copies in HIL_ARENA_BYTES");
        memset(spec.data, 0, spec.bytes);
        engine.inputs[i] = spec;
    }
    unsigned n = engine.n_ops > 0 ? engine.n_ops : 1;
    engine.op_ticks = reinterpret_cast<uint64_t *>(carve(n * sizeof(uint64_t)));
    engine.op_tags = reinterpret_cast<const char **>(carve(n * sizeof(const char *)));
    engine.op_codes = reinterpret_cast<uint16_t *>(carve(n * sizeof(uint16_t)));
    if (engine.op_ticks == nullptr || engine.op_tags == nullptr || engine.op_codes == nullptr)
        return fail(msg, cap, HIL_ERR_ARENA_TOO_SMALL, "no room for the profile table in HIL_ARENA_BYTES");
    engine.tflm_arena_bytes = top & ~static_cast<size_t>(15u);
    return HIL_OK;
}

/* The profiler tag TFLM gives each operator (its builtin name, or the custom code). */
int describe_ops(const tflite::Model *model, const tflite::SubGraph *sg, char *msg, size_t cap)
{
    const auto *codes = model->operator_codes();
    for (unsigned i = 0; i < engine.n_ops; i++) {
        unsigned index = sg->operators()->Get(i)->opcode_index();
        if (codes == nullptr || index >= codes->size())
            return fail(msg, cap, HIL_ERR_MODEL_INVALID, "an operator names no operator code");
        const tflite::OperatorCode *code = codes->Get(index);
        int builtin = builtin_code(code);
        engine.op_codes[i] = static_cast<uint16_t>(builtin);
        if (builtin == tflite::BuiltinOperator_CUSTOM)
            engine.op_tags[i] = code->custom_code() != nullptr ? code->custom_code()->c_str() : "";
        else
            engine.op_tags[i] = tflite::EnumNameBuiltinOperator(static_cast<tflite::BuiltinOperator>(builtin));
        if (builtin == tflite::BuiltinOperator_VAR_HANDLE)
            return fail(msg, cap, HIL_ERR_UNSUPPORTED,
                        "resource variables (VAR_HANDLE) need MicroResourceVariables, not set up by this adapter");
    }
    return HIL_OK;
}

int describe_tflm_tensors(char *msg, size_t cap)
{
    Interpreter *interp = engine.interpreter;
    for (unsigned i = 0; i < engine.n_inputs; i++) {
        auto *t = interp->input(i);
        if (t == nullptr || t->data.raw == nullptr || t->bytes != engine.inputs[i].bytes) {
            snprintf(msg, cap, "TFLM: input %u is %u bytes, the model's shape says %u", i,
                     t != nullptr ? static_cast<unsigned>(t->bytes) : 0u,
                     static_cast<unsigned>(engine.inputs[i].bytes));
            return HIL_ERR_MODEL_INVALID;
        }
        engine.tflm_input_data[i] = reinterpret_cast<uint8_t *>(t->data.raw);
    }
    const tflite::SubGraph *sg = engine.model->subgraphs()->Get(0);
    for (unsigned i = 0; i < engine.n_outputs; i++) {
        auto *t = interp->output(i);
        int index = sg->outputs()->Get(i);
        if (t == nullptr || t->data.raw == nullptr || index < 0 ||
            static_cast<unsigned>(index) >= sg->tensors()->size())
            return fail(msg, cap, HIL_ERR_MODEL_INVALID, "an output tensor has no data");
        hil_tensor_spec spec = describe(sg->tensors()->Get(index));
        spec.bytes = static_cast<uint32_t>(t->bytes); /* TFLM's size is what GET_OUTPUT may read */
        spec.data = reinterpret_cast<uint8_t *>(t->data.raw);
        engine.outputs[i] = spec;
    }
    return HIL_OK;
}

/* Whether any subgraph has variable tensors or a custom operator that keeps state (the signal
 * library's delay lines, framers, stackers and noise estimates): hil/model/tflite.py's rule. */
bool model_has_state(const tflite::Model *model)
{
    static const char *const stateful_custom[] = {"SignalDelay", "SignalFramer", "SignalOverlapAdd", "SignalStacker",
                                                  "SignalFilterBankSpectralSubtraction"};
    for (unsigned k = 0; k < model->subgraphs()->size(); k++) {
        const auto *tensors = model->subgraphs()->Get(k)->tensors();
        for (unsigned i = 0; tensors != nullptr && i < tensors->size(); i++)
            if (tensors->Get(i)->is_variable())
                return true;
    }
    const auto *codes = model->operator_codes();
    for (unsigned i = 0; codes != nullptr && i < codes->size(); i++) {
        const auto *custom = codes->Get(i)->custom_code();
        for (const char *name : stateful_custom)
            if (custom != nullptr && strcmp(custom->c_str(), name) == 0)
                return true;
    }
    return false;
}

int load_model(const uint8_t *model_data, uint32_t size, char *msg, size_t cap)
{
    if (size < 8 || !tflite::ModelBufferHasIdentifier(model_data))
        return fail(msg, cap, HIL_ERR_MODEL_INVALID, "not a TFLite flatbuffer (no TFL3 identifier)");
    const tflite::Model *model = tflite::GetModel(model_data);
    if (model->version() != TFLITE_SCHEMA_VERSION) {
        snprintf(msg, cap, "TFLM: model schema version %u, TFLM reads version %d",
                 static_cast<unsigned>(model->version()), TFLITE_SCHEMA_VERSION);
        return HIL_ERR_MODEL_INVALID;
    }
    if (model->subgraphs() == nullptr || model->subgraphs()->size() == 0)
        return fail(msg, cap, HIL_ERR_MODEL_INVALID, "the model has no subgraph");
    const tflite::SubGraph *sg = model->subgraphs()->Get(0);
    if (sg->inputs() == nullptr || sg->outputs() == nullptr || sg->tensors() == nullptr)
        return fail(msg, cap, HIL_ERR_MODEL_INVALID, "the main subgraph lists no inputs, outputs or tensors");
    engine.model = model;
    engine.n_inputs = sg->inputs()->size();
    engine.n_outputs = sg->outputs()->size();
    engine.n_ops = sg->operators() != nullptr ? sg->operators()->size() : 0;
    if (engine.n_inputs > HIL_TFLM_MAX_IO || engine.n_outputs > HIL_TFLM_MAX_IO) {
        snprintf(msg, cap, "TFLM adapter: at most %u inputs and outputs (model has %u and %u)",
                 HIL_TFLM_MAX_IO, engine.n_inputs, engine.n_outputs);
        return HIL_ERR_UNSUPPORTED;
    }
    int status = reserve_adapter_memory(sg, msg, cap);
    if (status == HIL_OK)
        status = describe_ops(model, sg, msg, cap);
    if (status != HIL_OK)
        return status;

    engine.resolver = new (resolver_storage) OpResolver();
    const char *failed_op = "?";
    if (!HilTflmAddOps(*engine.resolver, &failed_op)) {
        snprintf(msg, cap, "TFLM: the op resolver refused %s%s%s", failed_op, tflm_log[0] ? ": " : "", tflm_log);
        return HIL_ERR_UNSUPPORTED;
    }
    engine.profiler = new (profiler_storage) OpProfiler();
    engine.profiler->Setup(engine.op_tags, engine.op_ticks, engine.n_ops);
    engine.interpreter = new (interpreter_storage)
        Interpreter(model, *engine.resolver, arena, engine.tflm_arena_bytes, nullptr, engine.profiler);
    if (!HilTflmOk(engine.interpreter->initialization_status()))
        return fail(msg, cap, classify(HIL_ERR_MODEL_INVALID), "interpreter initialization failed");
    if (!HilTflmOk(engine.interpreter->AllocateTensors()))
        return fail(msg, cap, classify(HIL_ERR_MODEL_INVALID), "AllocateTensors failed");
    /* TFLM leaves variable tensors as the arena held them until a Reset: start from the reset
     * state, as the built-in engine and the host reference do. */
    if (!HilTflmOk(engine.interpreter->Reset()))
        return fail(msg, cap, HIL_ERR_MODEL_INVALID, "Reset failed");
    engine.has_state = model_has_state(model);
    if (engine.interpreter->inputs_size() != engine.n_inputs || engine.interpreter->outputs_size() != engine.n_outputs)
        return fail(msg, cap, HIL_ERR_MODEL_INVALID, "input/output counts differ from the model's");
    return describe_tflm_tensors(msg, cap);
}

/* ---- the hil_engine interface ---- */

int engine_load(const uint8_t *model, uint32_t size, char *msg, size_t msg_cap)
{
    destroy_objects();
    tflm_log[0] = '\0';
#if HIL_TFLM_HAVE_LOG_CALLBACK
    RegisterDebugLogCallback(capture_log);
#endif
    int status = load_model(model, size, msg, msg_cap);
    engine.loaded = status == HIL_OK;
    return status;
}

uint32_t engine_arena_size(void)
{
    return static_cast<uint32_t>(engine.tflm_arena_bytes != 0 ? engine.tflm_arena_bytes : sizeof arena);
}

uint32_t engine_arena_used(void)
{
    return engine.loaded ? static_cast<uint32_t>(engine.interpreter->arena_used_bytes()) : 0;
}

unsigned engine_num_inputs(void) { return engine.loaded ? engine.n_inputs : 0; }
unsigned engine_num_outputs(void) { return engine.loaded ? engine.n_outputs : 0; }

int engine_input(unsigned index, hil_tensor_spec *spec)
{
    if (!engine.loaded || index >= engine.n_inputs)
        return HIL_ERR_BAD_INDEX;
    *spec = engine.inputs[index];
    return HIL_OK;
}

int engine_output(unsigned index, hil_tensor_spec *spec)
{
    if (!engine.loaded || index >= engine.n_outputs)
        return HIL_ERR_BAD_INDEX;
    *spec = engine.outputs[index];
    return HIL_OK;
}

/* The agent calls this outside the measured region, before each invoke. TFLM's memory planner
 * lets tensors computed later in the graph reuse the input tensor's memory, so after an Invoke
 * the input tensor may hold intermediate data. The agent writes inputs once and relies on them
 * staying intact for INVOKE/RUN with repeat > 1, so the adapter keeps its own copy of every
 * input (what SET_INPUT and RUN write into) and copies it into TFLM's input tensor here. */
int engine_before_invoke(char *msg, size_t msg_cap)
{
    if (!engine.loaded)
        return HIL_OK; /* engine_invoke reports it */
    for (unsigned i = 0; i < engine.n_inputs; i++)
        memcpy(engine.tflm_input_data[i], engine.inputs[i].data, engine.inputs[i].bytes);
    tflm_log[0] = '\0';
    engine.profiler->StartInvoke();
    (void)msg;
    (void)msg_cap;
    return HIL_OK;
}

/* The measured region: TFLM's Invoke and nothing of the adapter's own but the profiler's events. */
int engine_invoke(char *msg, size_t msg_cap)
{
    if (!engine.loaded)
        return HIL_ERR_NO_MODEL;
    if (!HilTflmOk(engine.interpreter->Invoke())) {
        int code = fail(msg, msg_cap, HIL_ERR_INVOKE_FAILED, "Invoke failed");
        engine.interpreter->Reset(); /* back to the state after AllocateTensors for the next request */
        return code;
    }
    return HIL_OK;
}

/* After each successful invoke, outside the measured region: a library built with
 * TF_LITE_STRIP_ERROR_STRINGS (BUILD_TYPE=release) emits no profiler events; say so once. */
void engine_after_invoke(void)
{
    if (engine.profile_note_sent || engine.n_ops == 0 || engine.profiler->matched() == engine.n_ops)
        return;
    engine.profile_note_sent = true;
    char text[176];
    snprintf(text, sizeof text,
             "tflm: profiler saw %u of %u operators (a TFLM built with TF_LITE_STRIP_ERROR_STRINGS "
             "reports none); per-op ticks of the rest are 0",
             engine.profiler->matched(), engine.n_ops);
    hil_agent_log(text);
}

unsigned engine_num_ops(void) { return engine.loaded ? engine.n_ops : 0; }

int engine_op_profile(unsigned op_index, hil_op_profile *out)
{
    if (!engine.loaded || op_index >= engine.n_ops)
        return HIL_ERR_BAD_INDEX;
    out->op_index = static_cast<uint16_t>(op_index);
    out->opcode = engine.op_codes[op_index];
    out->ticks = engine.op_ticks[op_index];
    return HIL_OK;
}

int engine_has_state(void) { return engine.loaded && engine.has_state; }

int engine_reset_state(char *msg, size_t msg_cap)
{
    if (!engine.loaded)
        return HIL_ERR_NO_MODEL;
    tflm_log[0] = '\0';
    return HilTflmOk(engine.interpreter->Reset()) ? HIL_OK : fail(msg, msg_cap, HIL_ERR_INVOKE_FAILED, "Reset failed");
}

/* Built member by member, so members the interface gains later (optional ones, NULL when
 * absent) start zeroed; constexpr keeps it a constant (no static constructor). */
constexpr hil_engine make_engine()
{
    hil_engine e{};
    e.name = "tflm";
    e.load = engine_load;
    e.arena_size = engine_arena_size;
    e.arena_used = engine_arena_used;
    e.num_inputs = engine_num_inputs;
    e.num_outputs = engine_num_outputs;
    e.input = engine_input;
    e.output = engine_output;
    e.before_invoke = engine_before_invoke;
    e.invoke = engine_invoke;
    e.after_invoke = engine_after_invoke;
    e.num_ops = engine_num_ops;
    e.op_profile = engine_op_profile;
    e.has_state = engine_has_state;
    e.reset_state = engine_reset_state;
    return e;
}

}  // namespace

/* C linkage, and declared extern first because a namespace-scope const object would
 * otherwise have internal linkage in C++. */
extern "C" const hil_engine hil_tflm_engine;
const hil_engine hil_tflm_engine = make_engine();

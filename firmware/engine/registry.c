/* The table of kernels generated from ops.def. */
#include "registry.h"

#define HIL_OP(code, name, symbol) extern const hil_kernel symbol;
#include "ops.def"
#undef HIL_OP

static const hil_kernel *const kernels[] = {
#define HIL_OP(code, name, symbol) &symbol,
#include "ops.def"
#undef HIL_OP
};

const hil_kernel *hil_find_kernel(uint32_t opcode)
{
    for (unsigned i = 0; i < sizeof kernels / sizeof kernels[0]; i++)
        if (kernels[i]->opcode == opcode)
            return kernels[i];
    return 0;
}

#ifdef HIL_FLOAT_KERNELS
#if defined(__arm__) && !defined(__ARM_FP)
#error "HIL_FLOAT_KERNELS needs a core with an FPU (hard-float ABI): float models are refused on this board"
#endif

/* Float kernels, selected by (opcode, first input type): ops_f32.def. */
#define HIL_OP_TYPED(code, name, dtype, symbol) extern const hil_kernel symbol;
#include "ops_f32.def"
#undef HIL_OP_TYPED

static const struct {
    uint8_t dtype;
    const hil_kernel *kernel;
} typed_kernels[] = {
#define HIL_OP_TYPED(code, name, dtype, symbol) {dtype, &symbol},
#include "ops_f32.def"
#undef HIL_OP_TYPED
};
#endif

const hil_kernel *hil_find_kernel_for_type(uint32_t opcode, uint32_t dtype)
{
#ifdef HIL_FLOAT_KERNELS
    for (unsigned i = 0; i < sizeof typed_kernels / sizeof typed_kernels[0]; i++)
        if (typed_kernels[i].kernel->opcode == opcode && typed_kernels[i].dtype == dtype)
            return typed_kernels[i].kernel;
#else
    (void)dtype;
#endif
    return hil_find_kernel(opcode);
}

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

#ifndef HIL_REGISTRY_H
#define HIL_REGISTRY_H
#include "graph.h"

/* The kernel of the cell (TFLite builtin operator code, TensorType of the selecting tensor),
 * or NULL when the engine has none (or this firmware was built without it). */
const hil_kernel *hil_find_kernel(uint32_t opcode, uint32_t dtype);
/* Which input's type selects the kernel of this operator (ops.def HIL_OP_TYPE_INPUT; else 0;
 * -1: output 0's). */
int hil_type_input(uint32_t opcode);
/* The ops.def code of a custom operator this firmware has a kernel for, by its custom code
 * (len bytes, not NUL-terminated); 32 (CUSTOM) when it has none. */
uint32_t hil_custom_opcode(const char *custom_code, uint32_t len);

#endif

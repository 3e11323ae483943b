#ifndef HIL_REGISTRY_H
#define HIL_REGISTRY_H
#include "graph.h"

/* The kernel for a TFLite builtin operator code, or NULL when the engine has none. */
const hil_kernel *hil_find_kernel(uint32_t opcode);
/* The kernel for an operator whose first input has TensorType `dtype`: a typed kernel from
 * ops_f32.def when one matches (float builds), else hil_find_kernel(opcode). */
const hil_kernel *hil_find_kernel_for_type(uint32_t opcode, uint32_t dtype);

#endif

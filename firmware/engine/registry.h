#ifndef HIL_REGISTRY_H
#define HIL_REGISTRY_H
#include "graph.h"

/* The kernel for a TFLite builtin operator code, or NULL when the engine has none. */
const hil_kernel *hil_find_kernel(uint32_t opcode);

#endif

/* Tensor access for debugging (LIST_TENSORS / GET_TENSOR): see debug_tensors.c. */
#ifndef HIL_DEBUG_TENSORS_H
#define HIL_DEBUG_TENSORS_H
#include "graph.h"

unsigned hil_debug_num_tensors(const hil_graph *g, uint16_t *list_flags);
int hil_debug_tensor_info(const hil_graph *g, unsigned index, hil_tensor_info *out);

#endif

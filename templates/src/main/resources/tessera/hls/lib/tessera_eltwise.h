// tessera_eltwise.h: element-wise binary ops with broadcasting, data movement and MatMul of two
// variable tensors (docs/fixed-point.md: Add, Sub, Mul: y = Q_res(a op b) exact; data movement:
// y = Q_res(x); MatMul: exact products and sum, then Q_res).
#ifndef TESSERA_ELTWISE_H
#define TESSERA_ELTWISE_H

#include "tessera_common.h"

namespace tessera {

enum binary_op_t { op_add = 0, op_sub = 1, op_mul = 2 };

// The index table argument of an operand that is not broadcast (never read).
static const unsigned no_index[1] = {0};

// CONFIG_T: n_elem, op, a_bcast, b_bcast. A broadcast operand is read through its index table
// (element k of the output reads a[a_index[k]]); otherwise a[k].
template <class a_T, class b_T, class res_T, typename CONFIG_T>
void binary(const a_T a[], const b_T b[], res_T res[CONFIG_T::n_elem], const unsigned a_index[],
            const unsigned b_index[]) {
  for (unsigned k = 0; k < CONFIG_T::n_elem; k++) {
#pragma HLS UNROLL
    const a_T x = a[CONFIG_T::a_bcast ? a_index[k] : k];
    const b_T y = b[CONFIG_T::b_bcast ? b_index[k] : k];
    if (CONFIG_T::op == op_add) {
      res[k] = x + y;
    } else if (CONFIG_T::op == op_sub) {
      res[k] = x - y;
    } else {
      res[k] = x * y;
    }
  }
}

// y[k] = Q_res(x[k]) (Reshape, Identity, type changes).
template <class data_T, class res_T, unsigned N>
void copy(const data_T data[N], res_T res[N]) {
  for (unsigned k = 0; k < N; k++) {
#pragma HLS UNROLL
    res[k] = data[k];
  }
}

// y[k] = Q_res(x[index[k]]), or 0 where index[k] < 0 (Transpose, Slice, Pad, Gather).
template <class data_T, class res_T, unsigned N>
void gather(const data_T data[], res_T res[N], const int index[N]) {
  for (unsigned k = 0; k < N; k++) {
#pragma HLS UNROLL
    if (index[k] < 0) {
      res[k] = 0;
    } else {
      res[k] = data[index[k]];
    }
  }
}

// y[index[k]] = Q_res(x[k]) (one input of a Concat).
template <class data_T, class res_T, unsigned N>
void scatter(const data_T data[N], res_T res[], const unsigned index[N]) {
  for (unsigned k = 0; k < N; k++) {
#pragma HLS UNROLL
    res[index[k]] = data[k];
  }
}

// numpy matmul: batch t multiplies the [n_m, n_k] matrix of a at a_offset[t] by the [n_k, n_n] matrix
// of b at b_offset[t] (offsets computed by Java, broadcasting included); y[t, m, n] = Q_res(exact sum
// of the products). CONFIG_T: n_batch, n_m, n_k, n_n, sum_t (wide enough to be exact).
template <class a_T, class b_T, class res_T, typename CONFIG_T>
void matmul(const a_T a[], const b_T b[], res_T res[CONFIG_T::n_batch * CONFIG_T::n_m * CONFIG_T::n_n],
            const unsigned a_offset[CONFIG_T::n_batch], const unsigned b_offset[CONFIG_T::n_batch]) {
Batch:
  for (unsigned t = 0; t < CONFIG_T::n_batch; t++) {
  Row:
    for (unsigned m = 0; m < CONFIG_T::n_m; m++) {
    Col:
      for (unsigned n = 0; n < CONFIG_T::n_n; n++) {
#pragma HLS PIPELINE II = 1
        typename CONFIG_T::sum_t s = 0;
      Dot:
        for (unsigned k = 0; k < CONFIG_T::n_k; k++) {
          s = s + a[a_offset[t] + m * CONFIG_T::n_k + k] * b[b_offset[t] + k * CONFIG_T::n_n + n];
        }
        res[(t * CONFIG_T::n_m + m) * CONFIG_T::n_n + n] = s;
      }
    }
  }
}

}  // namespace tessera

#endif  // TESSERA_ELTWISE_H

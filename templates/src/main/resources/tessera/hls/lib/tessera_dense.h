// tessera_dense.h: fully connected layer y = x W + b over the last axis (docs/fixed-point.md, Dense).
// For each output j: acc = Q_acc(b_j); for i = 0 .. n_in-1: acc = Q_acc(acc + Q_acc(x_i W_ij));
// y_j = Q_res(acc). W is [n_in, n_out] row-major, as raw integers of weight_t.
//
// CONFIG_T: n_rows (product of the leading axes), n_in, n_out, has_bias, strategy, reuse_factor,
// and the types accum_t, weight_t, bias_t, weight_raw_t, bias_raw_t.
#ifndef TESSERA_DENSE_H
#define TESSERA_DENSE_H

#include "tessera_common.h"

namespace tessera {

// Latency strategy: every multiplier is its own, the whole layer is one pipelined stage.
template <class data_T, class res_T, typename CONFIG_T>
void dense_latency(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                   const typename CONFIG_T::weight_raw_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                   const typename CONFIG_T::bias_raw_t biases[CONFIG_T::n_out]) {
#pragma HLS PIPELINE II = 1
#pragma HLS ARRAY_PARTITION variable = weights complete
#pragma HLS ARRAY_PARTITION variable = biases complete
  typedef typename CONFIG_T::accum_t acc_t;
  acc_t acc[CONFIG_T::n_out];
#pragma HLS ARRAY_PARTITION variable = acc complete
InitAccum:
  for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
#pragma HLS UNROLL
    acc[j] = CONFIG_T::has_bias ? acc_t(from_raw<typename CONFIG_T::bias_t>(biases[j])) : acc_t(0);
  }
Product:
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
#pragma HLS UNROLL
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
#pragma HLS UNROLL
      const acc_t p = data[i] * from_raw<typename CONFIG_T::weight_t>(weights[i * CONFIG_T::n_out + j]);
      acc[j] = acc[j] + p;
    }
  }
Result:
  for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
#pragma HLS UNROLL
    res[j] = acc[j];
  }
}

// Resource strategy: n_in * n_out / reuse_factor multipliers, each used reuse_factor times. The
// products are visited in increasing flat index i * n_out + j, so every output still adds its
// terms in increasing i (the order docs/fixed-point.md defines for narrow accumulators).
template <class data_T, class res_T, typename CONFIG_T>
void dense_resource(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                    const typename CONFIG_T::weight_raw_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                    const typename CONFIG_T::bias_raw_t biases[CONFIG_T::n_out]) {
  static const unsigned total = CONFIG_T::n_in * CONFIG_T::n_out;
  static const unsigned block = total / CONFIG_T::reuse_factor;
  static_assert(total % CONFIG_T::reuse_factor == 0, "reuse factor must divide n_in * n_out");
#pragma HLS ARRAY_RESHAPE variable = weights block factor = block
  typedef typename CONFIG_T::accum_t acc_t;
  acc_t acc[CONFIG_T::n_out];
#pragma HLS ARRAY_PARTITION variable = acc complete
InitAccum:
  for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
#pragma HLS UNROLL
    acc[j] = CONFIG_T::has_bias ? acc_t(from_raw<typename CONFIG_T::bias_t>(biases[j])) : acc_t(0);
  }
ReuseLoop:
  for (unsigned r = 0; r < CONFIG_T::reuse_factor; r++) {
#pragma HLS PIPELINE II = 1
  MultLoop:
    for (unsigned m = 0; m < block; m++) {
#pragma HLS UNROLL
      const unsigned k = r * block + m;
      const acc_t p = data[k / CONFIG_T::n_out] * from_raw<typename CONFIG_T::weight_t>(weights[k]);
      acc[k % CONFIG_T::n_out] = acc[k % CONFIG_T::n_out] + p;
    }
  }
Result:
  for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
#pragma HLS UNROLL
    res[j] = acc[j];
  }
}

// y[r, :] = dense(x[r, :]) for every row r of the leading axes.
template <class data_T, class res_T, typename CONFIG_T>
void dense(const data_T data[CONFIG_T::n_rows * CONFIG_T::n_in], res_T res[CONFIG_T::n_rows * CONFIG_T::n_out],
           const typename CONFIG_T::weight_raw_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
           const typename CONFIG_T::bias_raw_t biases[CONFIG_T::n_out]) {
Rows:
  for (unsigned r = 0; r < CONFIG_T::n_rows; r++) {
    if (CONFIG_T::strategy == resource) {
      dense_resource<data_T, res_T, CONFIG_T>(data + r * CONFIG_T::n_in, res + r * CONFIG_T::n_out, weights,
                                              biases);
    } else {
      dense_latency<data_T, res_T, CONFIG_T>(data + r * CONFIG_T::n_in, res + r * CONFIG_T::n_out, weights,
                                             biases);
    }
  }
}

}  // namespace tessera

#endif  // TESSERA_DENSE_H

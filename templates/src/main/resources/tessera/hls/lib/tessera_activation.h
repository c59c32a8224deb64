// tessera_activation.h: element-wise activations (docs/fixed-point.md). Every CONFIG_T has n_elem.
// Lookup-table functions take their table as raw integers of table_t, computed by Java (entry i is
// Q_table(f(lo + (i + 1/2) 2^(R-n))) in double), and a TABLE_T describing its index (see
// tessera::table_index).
#ifndef TESSERA_ACTIVATION_H
#define TESSERA_ACTIVATION_H

#include "tessera_common.h"

namespace tessera {

// y = Q_res(max(x, 0))
template <class data_T, class res_T, typename CONFIG_T>
void relu(const data_T data[CONFIG_T::n_elem], res_T res[CONFIG_T::n_elem]) {
  for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
#pragma HLS UNROLL
    if (data[i] > 0) {
      res[i] = data[i];
    } else {
      res[i] = 0;
    }
  }
}

// y = Q_res(x >= 0 ? x : alpha x); CONFIG_T: param_t, alpha_raw.
template <class data_T, class res_T, typename CONFIG_T>
void leaky_relu(const data_T data[CONFIG_T::n_elem], res_T res[CONFIG_T::n_elem]) {
  const typename CONFIG_T::param_t alpha = from_raw<typename CONFIG_T::param_t>(CONFIG_T::alpha_raw);
  for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
#pragma HLS UNROLL
    if (data[i] >= 0) {
      res[i] = data[i];
    } else {
      res[i] = alpha * data[i];
    }
  }
}

// y = min(max(Q_res(x), lo), hi); CONFIG_T: lo_raw, hi_raw (raw integers of res_T).
template <class data_T, class res_T, typename CONFIG_T>
void clip(const data_T data[CONFIG_T::n_elem], res_T res[CONFIG_T::n_elem]) {
  const res_T lo = from_raw<res_T>(CONFIG_T::lo_raw);
  const res_T hi = from_raw<res_T>(CONFIG_T::hi_raw);
  for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
#pragma HLS UNROLL
    res_T y = data[i];
    if (y < lo) y = lo;
    if (y > hi) y = hi;
    res[i] = y;
  }
}

// y = Q_res(min(max(alpha x + beta, 0), 1)), exact inside; CONFIG_T: param_t, alpha_raw, beta_raw.
template <class data_T, class res_T, typename CONFIG_T>
void hard_sigmoid(const data_T data[CONFIG_T::n_elem], res_T res[CONFIG_T::n_elem]) {
  const typename CONFIG_T::param_t alpha = from_raw<typename CONFIG_T::param_t>(CONFIG_T::alpha_raw);
  const typename CONFIG_T::param_t beta = from_raw<typename CONFIG_T::param_t>(CONFIG_T::beta_raw);
  for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
#pragma HLS UNROLL
    const auto v = alpha * data[i] + beta;
    if (v < 0) {
      res[i] = 0;
    } else if (v > 1) {
      res[i] = 1;
    } else {
      res[i] = v;
    }
  }
}

// y = Q_res(table[index(x)]) for sigmoid, tanh and exp.
template <class data_T, class res_T, typename CONFIG_T, typename TABLE_T>
void table_function(const data_T data[CONFIG_T::n_elem], res_T res[CONFIG_T::n_elem],
                    const typename TABLE_T::raw_t table[TABLE_T::size]) {
  for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
#pragma HLS UNROLL
    res[i] = from_raw<typename TABLE_T::table_t>(table[table_index<TABLE_T>(data[i])]);
  }
}

// Selu and Elu: x >= 0: y = Q_res(lambda x); x < 0: y = Q_res(table[index(x)]), the table holding
// lambda alpha (e^v - 1). CONFIG_T: param_t, lambda_raw.
template <class data_T, class res_T, typename CONFIG_T, typename TABLE_T>
void elu(const data_T data[CONFIG_T::n_elem], res_T res[CONFIG_T::n_elem],
         const typename TABLE_T::raw_t table[TABLE_T::size]) {
  const typename CONFIG_T::param_t lambda = from_raw<typename CONFIG_T::param_t>(CONFIG_T::lambda_raw);
  for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
#pragma HLS UNROLL
    if (data[i] >= 0) {
      res[i] = lambda * data[i];
    } else {
      res[i] = from_raw<typename TABLE_T::table_t>(table[table_index<TABLE_T>(data[i])]);
    }
  }
}

}  // namespace tessera

#endif  // TESSERA_ACTIVATION_H

// tessera_softmax.h: Softmax along one axis (docs/fixed-point.md, Softmax). Element (o, i, r) of
// an [n_outer, n_in, n_inner] view is at (o * n_in + i) * n_inner + r; the softmax runs over i.
//   stable:  m = max x_i; e_i = exp_table[index(x_i - m)]; S = sum e_i (exact, sum_t);
//            inv = inv_table[index(S)]; y_i = Q_res(e_i * inv)
//   latency: the same without the max subtraction (the exp table covers the input range)
//   argmax:  y is one-hot at the first maximum
// CONFIG_T: n_outer, n_in, n_inner, mode (stable or latency), sum_t; EXP_T and INV_T describe the
// two tables. softmax_argmax needs only n_outer, n_in, n_inner.
#ifndef TESSERA_SOFTMAX_H
#define TESSERA_SOFTMAX_H

#include "tessera_common.h"

namespace tessera {

enum softmax_mode_t { softmax_mode_stable = 0, softmax_mode_latency = 1 };

template <class data_T, class res_T, typename CONFIG_T, typename EXP_T, typename INV_T>
void softmax(const data_T data[CONFIG_T::n_outer * CONFIG_T::n_in * CONFIG_T::n_inner],
             res_T res[CONFIG_T::n_outer * CONFIG_T::n_in * CONFIG_T::n_inner],
             const typename EXP_T::raw_t exp_table[EXP_T::size], const typename INV_T::raw_t inv_table[INV_T::size]) {
  typedef typename EXP_T::table_t exp_t;
  typedef typename INV_T::table_t inv_t;
Outer:
  for (unsigned o = 0; o < CONFIG_T::n_outer; o++) {
  Inner:
    for (unsigned r = 0; r < CONFIG_T::n_inner; r++) {
#pragma HLS PIPELINE II = 1
      const unsigned base = o * CONFIG_T::n_in * CONFIG_T::n_inner + r;
      data_T m = data[base];
    Max:
      for (unsigned i = 1; i < CONFIG_T::n_in; i++) {
        const data_T v = data[base + i * CONFIG_T::n_inner];
        if (v > m) m = v;
      }
      exp_t e[CONFIG_T::n_in];
#pragma HLS ARRAY_PARTITION variable = e complete
      typename CONFIG_T::sum_t s = 0;
    Exp:
      for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        const data_T x = data[base + i * CONFIG_T::n_inner];
        const int k = CONFIG_T::mode == softmax_mode_stable ? table_index<EXP_T>(x - m) : table_index<EXP_T>(x);
        e[i] = from_raw<exp_t>(exp_table[k]);
        s = s + e[i];
      }
      const inv_t inv = from_raw<inv_t>(inv_table[table_index<INV_T>(s)]);
    Normalize:
      for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        res[base + i * CONFIG_T::n_inner] = e[i] * inv;
      }
    }
  }
}

// Softmax in argmax mode: y = Q_res(1) at the first maximum, 0 elsewhere.
template <class data_T, class res_T, typename CONFIG_T>
void softmax_argmax(const data_T data[CONFIG_T::n_outer * CONFIG_T::n_in * CONFIG_T::n_inner],
                    res_T res[CONFIG_T::n_outer * CONFIG_T::n_in * CONFIG_T::n_inner]) {
Outer:
  for (unsigned o = 0; o < CONFIG_T::n_outer; o++) {
  Inner:
    for (unsigned r = 0; r < CONFIG_T::n_inner; r++) {
#pragma HLS PIPELINE II = 1
      const unsigned base = o * CONFIG_T::n_in * CONFIG_T::n_inner + r;
      data_T m = data[base];
      unsigned first = 0;
    Max:
      for (unsigned i = 1; i < CONFIG_T::n_in; i++) {
        const data_T v = data[base + i * CONFIG_T::n_inner];
        if (v > m) {
          m = v;
          first = i;
        }
      }
    OneHot:
      for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        if (i == first) {
          res[base + i * CONFIG_T::n_inner] = 1;
        } else {
          res[base + i * CONFIG_T::n_inner] = 0;
        }
      }
    }
  }
}

}  // namespace tessera

#endif  // TESSERA_SOFTMAX_H

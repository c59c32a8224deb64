// tessera_batchnorm.h: BatchNormalization as scale and shift (docs/fixed-point.md, BatchNorm when
// not folded): per channel c, y = Q_res(x * s_c + t_c), exact product and sum; s and t are raw
// integers of scale_t and bias_t computed by Java.
//
// CONFIG_T: n_batch, n_chan, n_inner (product of the axes after the channel), scale_t, bias_t,
// scale_raw_t, bias_raw_t.
#ifndef TESSERA_BATCHNORM_H
#define TESSERA_BATCHNORM_H

#include "tessera_common.h"

namespace tessera {

template <class data_T, class res_T, typename CONFIG_T>
void batchnorm(const data_T data[CONFIG_T::n_batch * CONFIG_T::n_chan * CONFIG_T::n_inner],
               res_T res[CONFIG_T::n_batch * CONFIG_T::n_chan * CONFIG_T::n_inner],
               const typename CONFIG_T::scale_raw_t scale[CONFIG_T::n_chan],
               const typename CONFIG_T::bias_raw_t bias[CONFIG_T::n_chan]) {
Batch:
  for (unsigned n = 0; n < CONFIG_T::n_batch; n++) {
  Chan:
    for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
      const typename CONFIG_T::scale_t s = from_raw<typename CONFIG_T::scale_t>(scale[c]);
      const typename CONFIG_T::bias_t t = from_raw<typename CONFIG_T::bias_t>(bias[c]);
    Inner:
      for (unsigned i = 0; i < CONFIG_T::n_inner; i++) {
#pragma HLS PIPELINE II = 1
        const unsigned k = (n * CONFIG_T::n_chan + c) * CONFIG_T::n_inner + i;
        res[k] = data[k] * s + t;
      }
    }
  }
}

}  // namespace tessera

#endif  // TESSERA_BATCHNORM_H

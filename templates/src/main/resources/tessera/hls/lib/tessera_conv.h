// tessera_conv.h: 1D and 2D convolution, NCHW, zero padding, strides, dilations, groups
// (docs/fixed-point.md, Conv). Each output is a dense sum over its receptive field in the order
// (input channel of the group, kernel row, kernel column); padded positions contribute nothing.
// Weights are [n_filt, n_chan / groups, k_h, k_w] raw integers of weight_t, biases [n_filt].
//
// CONFIG_T (2D): n_batch, n_chan, in_h, in_w, n_filt, out_h, out_w, k_h, k_w, stride_h, stride_w,
// pad_top, pad_left, dil_h, dil_w, groups, has_bias, reuse_factor, and the types accum_t,
// weight_t, bias_t, weight_raw_t, bias_raw_t. 1D uses the _w fields only (in_w, out_w, k_w,
// stride_w, pad_left, dil_w).
#ifndef TESSERA_CONV_H
#define TESSERA_CONV_H

#include "tessera_common.h"

namespace tessera {

template <class data_T, class res_T, typename CONFIG_T>
void conv2d(const data_T data[CONFIG_T::n_batch * CONFIG_T::n_chan * CONFIG_T::in_h * CONFIG_T::in_w],
            res_T res[CONFIG_T::n_batch * CONFIG_T::n_filt * CONFIG_T::out_h * CONFIG_T::out_w],
            const typename CONFIG_T::weight_raw_t
                weights[CONFIG_T::n_filt * (CONFIG_T::n_chan / CONFIG_T::groups) * CONFIG_T::k_h * CONFIG_T::k_w],
            const typename CONFIG_T::bias_raw_t biases[CONFIG_T::n_filt]) {
  typedef typename CONFIG_T::accum_t acc_t;
  static const unsigned chan_per_group = CONFIG_T::n_chan / CONFIG_T::groups;
  static const unsigned filt_per_group = CONFIG_T::n_filt / CONFIG_T::groups;
Batch:
  for (unsigned n = 0; n < CONFIG_T::n_batch; n++) {
  Filter:
    for (unsigned oc = 0; oc < CONFIG_T::n_filt; oc++) {
      const unsigned g = oc / filt_per_group;
    OutRow:
      for (unsigned oh = 0; oh < CONFIG_T::out_h; oh++) {
      OutCol:
        for (unsigned ow = 0; ow < CONFIG_T::out_w; ow++) {
#pragma HLS PIPELINE II = CONFIG_T::reuse_factor
          acc_t acc = CONFIG_T::has_bias ? acc_t(from_raw<typename CONFIG_T::bias_t>(biases[oc])) : acc_t(0);
        Chan:
          for (unsigned icg = 0; icg < chan_per_group; icg++) {
            const unsigned ic = g * chan_per_group + icg;
          KernRow:
            for (unsigned kh = 0; kh < CONFIG_T::k_h; kh++) {
              const int ih = (int)(oh * CONFIG_T::stride_h + kh * CONFIG_T::dil_h) - (int)CONFIG_T::pad_top;
              if (ih < 0 || ih >= (int)CONFIG_T::in_h) continue;
            KernCol:
              for (unsigned kw = 0; kw < CONFIG_T::k_w; kw++) {
                const int iw = (int)(ow * CONFIG_T::stride_w + kw * CONFIG_T::dil_w) - (int)CONFIG_T::pad_left;
                if (iw < 0 || iw >= (int)CONFIG_T::in_w) continue;
                const unsigned xi = ((n * CONFIG_T::n_chan + ic) * CONFIG_T::in_h + ih) * CONFIG_T::in_w + iw;
                const unsigned wi = ((oc * chan_per_group + icg) * CONFIG_T::k_h + kh) * CONFIG_T::k_w + kw;
                const acc_t p = data[xi] * from_raw<typename CONFIG_T::weight_t>(weights[wi]);
                acc = acc + p;
              }
            }
          }
          res[((n * CONFIG_T::n_filt + oc) * CONFIG_T::out_h + oh) * CONFIG_T::out_w + ow] = acc;
        }
      }
    }
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void conv1d(const data_T data[CONFIG_T::n_batch * CONFIG_T::n_chan * CONFIG_T::in_w],
            res_T res[CONFIG_T::n_batch * CONFIG_T::n_filt * CONFIG_T::out_w],
            const typename CONFIG_T::weight_raw_t
                weights[CONFIG_T::n_filt * (CONFIG_T::n_chan / CONFIG_T::groups) * CONFIG_T::k_w],
            const typename CONFIG_T::bias_raw_t biases[CONFIG_T::n_filt]) {
  typedef typename CONFIG_T::accum_t acc_t;
  static const unsigned chan_per_group = CONFIG_T::n_chan / CONFIG_T::groups;
  static const unsigned filt_per_group = CONFIG_T::n_filt / CONFIG_T::groups;
Batch:
  for (unsigned n = 0; n < CONFIG_T::n_batch; n++) {
  Filter:
    for (unsigned oc = 0; oc < CONFIG_T::n_filt; oc++) {
      const unsigned g = oc / filt_per_group;
    OutCol:
      for (unsigned ow = 0; ow < CONFIG_T::out_w; ow++) {
#pragma HLS PIPELINE II = CONFIG_T::reuse_factor
        acc_t acc = CONFIG_T::has_bias ? acc_t(from_raw<typename CONFIG_T::bias_t>(biases[oc])) : acc_t(0);
      Chan:
        for (unsigned icg = 0; icg < chan_per_group; icg++) {
          const unsigned ic = g * chan_per_group + icg;
        KernCol:
          for (unsigned kw = 0; kw < CONFIG_T::k_w; kw++) {
            const int iw = (int)(ow * CONFIG_T::stride_w + kw * CONFIG_T::dil_w) - (int)CONFIG_T::pad_left;
            if (iw < 0 || iw >= (int)CONFIG_T::in_w) continue;
            const unsigned xi = (n * CONFIG_T::n_chan + ic) * CONFIG_T::in_w + iw;
            const unsigned wi = (oc * chan_per_group + icg) * CONFIG_T::k_w + kw;
            const acc_t p = data[xi] * from_raw<typename CONFIG_T::weight_t>(weights[wi]);
            acc = acc + p;
          }
        }
        res[(n * CONFIG_T::n_filt + oc) * CONFIG_T::out_w + ow] = acc;
      }
    }
  }
}

}  // namespace tessera

#endif  // TESSERA_CONV_H

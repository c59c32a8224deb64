// tessera_pool.h: max and average pooling (docs/fixed-point.md, MaxPool / AveragePool and their
// global forms), NCHW. 1D pooling uses the 2D kernels with in_h = out_h = k_h = 1.
// MaxPool: y = Q_res(max of the window); padded positions never win.
// AveragePool: s = exact sum of the window (sum_t is wide enough), n = the divisor (all positions
// inside the padded input when count_include_pad, else the valid ones), r = recip[n] (raw integers
// of recip_t = ufixed<18,1,RND_CONV>, entry n = Q(1/n)), y = Q_res(s * r).
//
// CONFIG_T: n_batch, n_chan, in_h, in_w, out_h, out_w, k_h, k_w, stride_h, stride_w, pad_top,
// pad_left, pad_bottom, pad_right, dil_h, dil_w, and for averages count_include_pad, sum_t,
// recip_t, recip_raw_t.
#ifndef TESSERA_POOL_H
#define TESSERA_POOL_H

#include "tessera_common.h"

namespace tessera {

template <class data_T, class res_T, typename CONFIG_T>
void max_pool2d(const data_T data[CONFIG_T::n_batch * CONFIG_T::n_chan * CONFIG_T::in_h * CONFIG_T::in_w],
                res_T res[CONFIG_T::n_batch * CONFIG_T::n_chan * CONFIG_T::out_h * CONFIG_T::out_w]) {
Plane:
  for (unsigned nc = 0; nc < CONFIG_T::n_batch * CONFIG_T::n_chan; nc++) {
  OutRow:
    for (unsigned oh = 0; oh < CONFIG_T::out_h; oh++) {
    OutCol:
      for (unsigned ow = 0; ow < CONFIG_T::out_w; ow++) {
#pragma HLS PIPELINE II = 1
        data_T m = 0;
        bool found = false;
      KernRow:
        for (unsigned kh = 0; kh < CONFIG_T::k_h; kh++) {
          const int ih = (int)(oh * CONFIG_T::stride_h + kh * CONFIG_T::dil_h) - (int)CONFIG_T::pad_top;
          if (ih < 0 || ih >= (int)CONFIG_T::in_h) continue;
        KernCol:
          for (unsigned kw = 0; kw < CONFIG_T::k_w; kw++) {
            const int iw = (int)(ow * CONFIG_T::stride_w + kw * CONFIG_T::dil_w) - (int)CONFIG_T::pad_left;
            if (iw < 0 || iw >= (int)CONFIG_T::in_w) continue;
            const data_T v = data[(nc * CONFIG_T::in_h + ih) * CONFIG_T::in_w + iw];
            if (!found || v > m) m = v;
            found = true;
          }
        }
        res[(nc * CONFIG_T::out_h + oh) * CONFIG_T::out_w + ow] = m;
      }
    }
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void avg_pool2d(const data_T data[CONFIG_T::n_batch * CONFIG_T::n_chan * CONFIG_T::in_h * CONFIG_T::in_w],
                res_T res[CONFIG_T::n_batch * CONFIG_T::n_chan * CONFIG_T::out_h * CONFIG_T::out_w],
                const typename CONFIG_T::recip_raw_t recip[CONFIG_T::k_h * CONFIG_T::k_w + 1]) {
  typedef typename CONFIG_T::sum_t sum_t;
Plane:
  for (unsigned nc = 0; nc < CONFIG_T::n_batch * CONFIG_T::n_chan; nc++) {
  OutRow:
    for (unsigned oh = 0; oh < CONFIG_T::out_h; oh++) {
    OutCol:
      for (unsigned ow = 0; ow < CONFIG_T::out_w; ow++) {
#pragma HLS PIPELINE II = 1
        sum_t s = 0;
        unsigned valid = 0, padded = 0;
      KernRow:
        for (unsigned kh = 0; kh < CONFIG_T::k_h; kh++) {
          const int ih = (int)(oh * CONFIG_T::stride_h + kh * CONFIG_T::dil_h) - (int)CONFIG_T::pad_top;
          const bool row_in = ih >= 0 && ih < (int)CONFIG_T::in_h;
          const bool row_pad = ih >= -(int)CONFIG_T::pad_top && ih < (int)(CONFIG_T::in_h + CONFIG_T::pad_bottom);
        KernCol:
          for (unsigned kw = 0; kw < CONFIG_T::k_w; kw++) {
            const int iw = (int)(ow * CONFIG_T::stride_w + kw * CONFIG_T::dil_w) - (int)CONFIG_T::pad_left;
            const bool col_in = iw >= 0 && iw < (int)CONFIG_T::in_w;
            const bool col_pad =
                iw >= -(int)CONFIG_T::pad_left && iw < (int)(CONFIG_T::in_w + CONFIG_T::pad_right);
            if (row_pad && col_pad) padded++;
            if (!row_in || !col_in) continue;
            s = s + data[(nc * CONFIG_T::in_h + ih) * CONFIG_T::in_w + iw];
            valid++;
          }
        }
        const unsigned n = CONFIG_T::count_include_pad ? padded : valid;
        const typename CONFIG_T::recip_t r = from_raw<typename CONFIG_T::recip_t>(recip[n]);
        res[(nc * CONFIG_T::out_h + oh) * CONFIG_T::out_w + ow] = s * r;
      }
    }
  }
}

// CONFIG_T: n_batch, n_chan, n_inner (the product of the spatial axes).
template <class data_T, class res_T, typename CONFIG_T>
void global_max_pool(const data_T data[CONFIG_T::n_batch * CONFIG_T::n_chan * CONFIG_T::n_inner],
                     res_T res[CONFIG_T::n_batch * CONFIG_T::n_chan]) {
Plane:
  for (unsigned nc = 0; nc < CONFIG_T::n_batch * CONFIG_T::n_chan; nc++) {
    data_T m = data[nc * CONFIG_T::n_inner];
  Inner:
    for (unsigned i = 1; i < CONFIG_T::n_inner; i++) {
      const data_T v = data[nc * CONFIG_T::n_inner + i];
      if (v > m) m = v;
    }
    res[nc] = m;
  }
}

// CONFIG_T additionally: sum_t, recip_t, recip_raw (raw of Q(1/n_inner)).
template <class data_T, class res_T, typename CONFIG_T>
void global_avg_pool(const data_T data[CONFIG_T::n_batch * CONFIG_T::n_chan * CONFIG_T::n_inner],
                     res_T res[CONFIG_T::n_batch * CONFIG_T::n_chan]) {
  const typename CONFIG_T::recip_t r = from_raw<typename CONFIG_T::recip_t>(CONFIG_T::recip_raw);
Plane:
  for (unsigned nc = 0; nc < CONFIG_T::n_batch * CONFIG_T::n_chan; nc++) {
    typename CONFIG_T::sum_t s = 0;
  Inner:
    for (unsigned i = 0; i < CONFIG_T::n_inner; i++) {
      s = s + data[nc * CONFIG_T::n_inner + i];
    }
    res[nc] = s * r;
  }
}

}  // namespace tessera

#endif  // TESSERA_POOL_H

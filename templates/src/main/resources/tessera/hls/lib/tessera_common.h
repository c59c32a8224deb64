// tessera_common.h: definitions shared by Tessera's HLS kernels (namespace tessera).
// Numerics follow docs/fixed-point.md: every assignment to a typed value quantizes with that
// type's modes, intermediate + - * results are exact.
#ifndef TESSERA_COMMON_H
#define TESSERA_COMMON_H

#include "tessera_types.h"

namespace tessera {

// Dense and convolution implementation styles, as in hls4ml: latency unrolls fully, resource
// shares each multiplier reuse_factor times.
enum strategy_t { latency = 0, resource = 1 };

// A value of type T from its raw integer (the integer Java printed for a constant).
template <class T>
inline T from_raw(long long raw) {
  T x;
#ifdef TESSERA_OWN_FIXED
  x.set_raw_bits(raw);
#else
  x.range(T::width - 1, 0) = (unsigned long long)raw;
#endif
  return x;
}

// Index of x in a lookup table of 2^TABLE_T::index_bits entries over [lo, lo + 2^range_log2):
// clamp(floor((x - lo) * 2^(index_bits - range_log2)), 0, size - 1), computed exactly:
// lo_t holds lo exactly, scale_t is the power of two 2^(index_bits - range_log2) and index_t is an
// integer type (AP_TRN, AP_SAT) wide enough that saturation never changes the clamped index.
template <typename TABLE_T, class data_T>
inline int table_index(const data_T& x) {
  const typename TABLE_T::lo_t lo = from_raw<typename TABLE_T::lo_t>(TABLE_T::lo_raw);
  const typename TABLE_T::scale_t scale = from_raw<typename TABLE_T::scale_t>(1);
  const typename TABLE_T::index_t k = (x - lo) * scale;
  const int i = k.to_int();
  return i < 0 ? 0 : (i > (int)TABLE_T::size - 1 ? (int)TABLE_T::size - 1 : i);
}

// Loads constant raw integers into an array of T (for element-wise ops with a constant operand).
template <class T, unsigned N, class raw_T>
void load_const(const raw_T raw[N], T out[N]) {
  for (unsigned i = 0; i < N; i++) {
#pragma HLS UNROLL
    out[i] = from_raw<T>(raw[i]);
  }
}

}  // namespace tessera

#endif  // TESSERA_COMMON_H

// tessera_intops.h: the I-BERT integer-only ops (docs/integer-ops.md, docs/fixed-point.md section 5):
// IExp, ISoftmax, IGelu and ILayerNorm. Each kernel reads the raw integers of its input, runs the
// integer algorithm of dev.tessera.ir.intops on them and writes y = Q_res(r * 2^-F_nat), r the
// kernel's raw result in its natural type nat_t. Java computes every constant (L, A, Bc, Ha, Eps, ...)
// and prints it into CONFIG_T; this file holds no derived constant of its own.
// Common CONFIG_T members: in_width, in_signed, in_frac (F of the input, may be negative), nat_t.
// Intermediates use int64_t; the softmax reciprocal and the layer norm use unsigned/signed __int128
// (the generator checks that every intermediate fits).
#ifndef TESSERA_INTOPS_H
#define TESSERA_INTOPS_H

#include <stdint.h>

#include "tessera_common.h"

namespace tessera {

typedef __int128 intops_i128;
typedef unsigned __int128 intops_u128;

// The raw integer of x, a W-bit value (W <= 62), sign-extended when S.
template <int W, bool S, class T>
inline int64_t intops_raw(const T& x) {
  const uint64_t u = (uint64_t)x.range(W - 1, 0).to_uint64();
  if (S && W < 64) {
    return (int64_t)(u << (64 - W)) >> (64 - W);
  }
  return (int64_t)u;
}

// floor(v * 2^-s) for s >= 0.
inline int64_t intops_floor_shift(int64_t v, int s) { return s >= 63 ? (v < 0 ? -1 : 0) : v >> s; }

// Number of significant bits of a non-negative value.
inline int intops_bit_length(intops_u128 v) {
  const uint64_t hi = (uint64_t)(v >> 64);
  const uint64_t lo = (uint64_t)v;
  if (hi != 0) return 128 - __builtin_clzll(hi);
  if (lo != 0) return 64 - __builtin_clzll(lo);
  return 0;
}

// floor(sqrt(n)) by Newton's iteration from 2^ceil(b/2) (IntSqrt).
inline intops_u128 intops_isqrt(intops_u128 n) {
  if (n == 0) return 0;
  const int b = intops_bit_length(n);
  intops_u128 x = (intops_u128)1 << ((b + 1) / 2);
  for (;;) {
#pragma HLS LOOP_TRIPCOUNT max = 9
    const intops_u128 y = (x + n / x) >> 1;
    if (y >= x) return x;
    x = y;
  }
}

// i-exp, CONFIG_T: k, ln2 (L), zero_bound ((2k+2) L), in_frac.
// align(q) of a raw q <= 0 to k fraction bits (floor), saturated at -zero_bound far below 0.
template <typename CONFIG_T>
inline int64_t intops_exp_align(int64_t q) {
  const int f = CONFIG_T::in_frac;
  const int k = CONFIG_T::k;
  if (f >= k) return intops_floor_shift(q, f - k);
  const int s = k - f;
  if (s >= 62 || q < -((CONFIG_T::zero_bound >> s) + 1)) return -CONFIG_T::zero_bound;
  return q * ((int64_t)1 << s);
}

// The unscaled exponential E of d <= 0 (k fraction bits): e^(d 2^-k) ~ a E 2^-2k.
template <typename CONFIG_T>
inline int64_t intops_exp_unscaled(int64_t d) {
  if (d <= -CONFIG_T::zero_bound) return 0;
  const int64_t l = CONFIG_T::ln2;
  const int64_t z = -d / l;
  const int64_t p = d + z * l;
  const int64_t t = p + 2 * l;
  const int64_t poly = t * t + 2 * l * l;
  return poly >> z;
}

// IExp: y = Q_res(A * E(align(min(q, 0)))), natural type ufixed<3k+3, 1>. CONFIG_T also: a (A), n_elem.
template <class data_T, class res_T, typename CONFIG_T>
void int_exp(const data_T data[CONFIG_T::n_elem], res_T res[CONFIG_T::n_elem]) {
  for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
#pragma HLS UNROLL
    int64_t q = intops_raw<CONFIG_T::in_width, CONFIG_T::in_signed>(data[i]);
    if (q > 0) q = 0;
    const int64_t y = CONFIG_T::a * intops_exp_unscaled<CONFIG_T>(intops_exp_align<CONFIG_T>(q));
    res[i] = from_raw<typename CONFIG_T::nat_t>(y);
  }
}

// ISoftmax over rows of n_in consecutive values (the last axis), n_rows rows: E_i = unscaled exp of
// align(q_i - max), S = sum E_i, s = bitLength(S), R = floor(2^(s+Fo+2) / S),
// y_i = (E_i R + 2^(s+1)) >> (s+2); natural type ufixed<Fo+1, 1>. CONFIG_T also: out_frac (Fo).
template <class data_T, class res_T, typename CONFIG_T>
void int_softmax(const data_T data[CONFIG_T::n_rows * CONFIG_T::n_in], res_T res[CONFIG_T::n_rows * CONFIG_T::n_in]) {
Rows:
  for (unsigned r = 0; r < CONFIG_T::n_rows; r++) {
    const unsigned base = r * CONFIG_T::n_in;
    int64_t q[CONFIG_T::n_in];
    int64_t e[CONFIG_T::n_in];
    int64_t m = 0;
  Max:
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
      q[i] = intops_raw<CONFIG_T::in_width, CONFIG_T::in_signed>(data[base + i]);
      if (i == 0 || q[i] > m) m = q[i];
    }
    int64_t sum = 0;
  Exp:
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
      e[i] = intops_exp_unscaled<CONFIG_T>(intops_exp_align<CONFIG_T>(q[i] - m));
      sum += e[i];
    }
    const int s = intops_bit_length((intops_u128)sum);
    const intops_u128 recip = ((intops_u128)1 << (s + CONFIG_T::out_frac + 2)) / (intops_u128)sum;
    const int shift = s + 2;
  Normalize:
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
      const intops_u128 y = ((intops_u128)e[i] * recip + ((intops_u128)1 << (shift - 1))) >> shift;
      res[base + i] = from_raw<typename CONFIG_T::nat_t>((long long)y);
    }
  }
}

// IGelu: m = align(|q|), U = min(m, Bc), H = (Ha (Bc - U)^2 + 2^(2k+1)) >> (2k+2),
// Phi = q >= 0 ? 2^k - H : H, y = q Phi; natural type fixed<W+k, I>.
// CONFIG_T also: k, clip (Bc), coefficient (Ha), n_elem.
template <class data_T, class res_T, typename CONFIG_T>
void int_gelu(const data_T data[CONFIG_T::n_elem], res_T res[CONFIG_T::n_elem]) {
  const int k = CONFIG_T::k;
  const int f = CONFIG_T::in_frac;
  const int64_t bc = CONFIG_T::clip;
  for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
#pragma HLS UNROLL
    const int64_t q = intops_raw<CONFIG_T::in_width, CONFIG_T::in_signed>(data[i]);
    const int64_t m = q < 0 ? -q : q;
    int64_t u;
    if (f >= k) {
      u = intops_floor_shift(m, f - k);
      if (u > bc) u = bc;
    } else {
      const int s = k - f;
      if (s >= 62 || m > (bc >> s) + 1) {
        u = bc;
      } else {
        u = m * ((int64_t)1 << s);
        if (u > bc) u = bc;
      }
    }
    const int64_t d = bc - u;
    const int64_t h = (CONFIG_T::coefficient * d * d + ((int64_t)1 << (2 * k + 1))) >> (2 * k + 2);
    const int64_t phi = q >= 0 ? ((int64_t)1 << k) - h : h;
    res[i] = from_raw<typename CONFIG_T::nat_t>((long long)(q * phi));
  }
}

// ILayerNorm over rows of n_in values, n_rows rows (docs/integer-ops.md, IntLayerNorm):
// Sq = sum q, D_i = n q_i - Sq, V = n sum q^2 - Sq^2, Ve = V 2^(2e) + n^2 Eps,
// h = 2 floor((bitLength(Ve) - 2 Tb + 1) / 2), T = isqrt(Ve >> h), R = floor(2^(2Tb) / T),
// y_i = round(D_i R 2^-sh), sh = 2 Tb + h/2 - e - Fo, ties away from zero; natural type
// fixed<Fo+zb+2, zb+2>. CONFIG_T also: tb (Tb), eps_shift (e), eps_term (n^2 Eps, raw), out_frac (Fo).
template <class data_T, class res_T, typename CONFIG_T>
void int_layer_norm(const data_T data[CONFIG_T::n_rows * CONFIG_T::n_in],
                    res_T res[CONFIG_T::n_rows * CONFIG_T::n_in]) {
  const intops_i128 n = (intops_i128)CONFIG_T::n_in;
Rows:
  for (unsigned r = 0; r < CONFIG_T::n_rows; r++) {
    const unsigned base = r * CONFIG_T::n_in;
    int64_t q[CONFIG_T::n_in];
    intops_i128 sum = 0;
    intops_i128 sum_sq = 0;
  Sums:
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
      q[i] = intops_raw<CONFIG_T::in_width, CONFIG_T::in_signed>(data[base + i]);
      sum += q[i];
      sum_sq += (intops_i128)q[i] * q[i];
    }
    const intops_i128 ve = (n * sum_sq - sum * sum) * ((intops_i128)1 << (2 * CONFIG_T::eps_shift)) +
                           (intops_i128)CONFIG_T::eps_term;
    if (ve == 0) {
    Zero:
      for (unsigned i = 0; i < CONFIG_T::n_in; i++) res[base + i] = from_raw<typename CONFIG_T::nat_t>(0);
      continue;
    }
    const int b = intops_bit_length((intops_u128)ve);
    const int tb = CONFIG_T::tb;
    const int diff = b - 2 * tb + 1;
    const int h = 2 * (diff >= 0 ? diff / 2 : -((-diff + 1) / 2));
    const intops_u128 normalized = h >= 0 ? (intops_u128)ve >> h : (intops_u128)ve << -h;
    const intops_u128 t = intops_isqrt(normalized);
    const intops_i128 recip = (intops_i128)(((intops_u128)1 << (2 * tb)) / t);
    const int sh = 2 * tb + h / 2 - CONFIG_T::eps_shift - CONFIG_T::out_frac;
  Normalize:
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
      const intops_i128 dr = (n * q[i] - sum) * recip;
      intops_i128 y;
      if (sh <= 0) {
        y = dr == 0 ? (intops_i128)0 : dr * ((intops_i128)1 << -sh);
      } else if (sh > 126) {
        y = 0;
      } else {
        const intops_i128 mag = ((dr < 0 ? -dr : dr) + ((intops_i128)1 << (sh - 1))) >> sh;
        y = dr < 0 ? -mag : mag;
      }
      res[base + i] = from_raw<typename CONFIG_T::nat_t>((long long)y);
    }
  }
}

}  // namespace tessera

#endif  // TESSERA_INTOPS_H

// tessera_tb.h: exact raw-integer text I/O of fixed-point values for Tessera's test benches.
// A value is written and read as the signed decimal integer of its raw bits (value = raw * 2^-F),
// so files compare bit for bit. Works with any width through .range(hi, lo) in 64-bit slices,
// which both ap_fixed.h and tessera_fixed.h provide.
#ifndef TESSERA_TB_H
#define TESSERA_TB_H

#include <cstdint>
#include <stdexcept>
#include <string>

namespace tessera_tb {

// Words of a W-bit two's complement pattern, little-endian.
template <int W>
struct raw_words {
  static const int N = (W + 63) / 64;
  uint64_t w[N];

  // Multiplies by 10 and adds d, modulo 2^(64N).
  void mul10_add(unsigned d) {
    unsigned __int128 carry = d;
    for (int i = 0; i < N; ++i) {
      const unsigned __int128 t = (unsigned __int128)w[i] * 10u + carry;
      w[i] = (uint64_t)t;
      carry = t >> 64;
    }
  }
  // Divides by 10 in place (unsigned), returns the remainder.
  unsigned div10() {
    unsigned __int128 rem = 0;
    for (int i = N - 1; i >= 0; --i) {
      const unsigned __int128 cur = (rem << 64) | w[i];
      w[i] = (uint64_t)(cur / 10u);
      rem = cur % 10u;
    }
    return (unsigned)rem;
  }
  void negate() {
    unsigned __int128 carry = 1;
    for (int i = 0; i < N; ++i) {
      const unsigned __int128 t = (unsigned __int128)(~w[i]) + carry;
      w[i] = (uint64_t)t;
      carry = t >> 64;
    }
  }
  bool is_zero() const {
    for (int i = 0; i < N; ++i)
      if (w[i]) return false;
    return true;
  }
};

// Sets x (a W-bit ap type) from the decimal text of a raw integer.
template <int W, class T>
void set_raw(T& x, const std::string& text) {
  raw_words<W> r = {};
  std::size_t i = 0;
  bool neg = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) neg = text[i++] == '-';
  if (i == text.size()) throw std::runtime_error("not an integer: '" + text + "'");
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') throw std::runtime_error("not an integer: '" + text + "'");
    r.mul10_add((unsigned)(c - '0'));
  }
  if (neg) r.negate();
  for (int k = 0; k < raw_words<W>::N; ++k) {
    const int lo = 64 * k;
    const int hi = lo + 63 < W - 1 ? lo + 63 : W - 1;
    x.range(hi, lo) = (unsigned long long)r.w[k];
  }
}

// The decimal text of the raw integer of x (a W-bit ap type, signed when S).
template <int W, bool S, class T>
std::string get_raw(const T& x) {
  raw_words<W + 1> r = {};
  for (int k = 0; k < raw_words<W>::N; ++k) {
    const int lo = 64 * k;
    const int hi = lo + 63 < W - 1 ? lo + 63 : W - 1;
    r.w[k] = (uint64_t)x.range(hi, lo).to_uint64();
  }
  // sign-extend bit W-1 into the spare bits
  const bool neg = S && ((r.w[(W - 1) / 64] >> ((W - 1) % 64)) & 1u);
  if (neg) {
    for (int b = W; b < 64 * raw_words<W + 1>::N; ++b) r.w[b / 64] |= 1ull << (b % 64);
    r.negate();
  }
  if (r.is_zero()) return "0";
  std::string digits;
  while (!r.is_zero()) digits.insert(digits.begin(), (char)('0' + r.div10()));
  return neg ? "-" + digits : digits;
}

}  // namespace tessera_tb

#endif  // TESSERA_TB_H

// tessera_fixed.h: Tessera's own bit-accurate implementation of the subset of the Vitis HLS
// arbitrary-precision types (ap_fixed, ap_ufixed, ap_int, ap_uint) that Tessera's generated code uses.
//
// Semantics (docs/fixed-point.md, the project's contract, and UG1399 "Quantization Modes" /
// "Overflow Modes"):
//   - a value of ap_[u]fixed<W,I,Q,O> is a raw integer V times 2^-(W-I);
//   - +, -, * and unary - return exact full-precision results (plus: max(F)+max(I)+1 bits,
//     mult: the sums of widths and integer bits), comparisons are exact;
//   - construction and assignment (from double, integers or another ap type) align the value to
//     the destination's fraction bits with the quantization mode Q, then apply the overflow mode O.
// Widths are unbounded: raw values live in int64_t, __int128 or a multi-word two's complement
// integer, chosen at compile time from the width.
// Generated code includes <ap_fixed.h> when the vendor header is on the include path and this
// file otherwise (see tessera_types.h). Not supported: AP_WRAP_SM and saturation bits N != 0.
#ifndef TESSERA_FIXED_H
#define TESSERA_FIXED_H

#define TESSERA_OWN_FIXED 1

#include <cmath>
#include <cstdint>
#include <ostream>
#include <type_traits>

enum ap_q_mode { AP_RND, AP_RND_ZERO, AP_RND_MIN_INF, AP_RND_INF, AP_RND_CONV, AP_TRN, AP_TRN_ZERO };
enum ap_o_mode { AP_SAT, AP_SAT_ZERO, AP_SAT_SYM, AP_WRAP, AP_WRAP_SM };

namespace tessera_fx {

typedef __int128 i128;
typedef unsigned __int128 u128;

constexpr int imax(int a, int b) { return a > b ? a : b; }
constexpr int imin(int a, int b) { return a < b ? a : b; }

// A two's complement integer of 64*L bits, little-endian words.
template <int L>
struct wide {
  uint64_t w[L];

  wide() : w() {}
  wide(int v) { set_signed((int64_t)v); }
  wide(long v) { set_signed((int64_t)v); }
  wide(long long v) { set_signed((int64_t)v); }
  wide(i128 v) {
    const uint64_t ext = v < 0 ? ~0ull : 0ull;
    w[0] = (uint64_t)v;
    if (L > 1) w[1 % L] = (uint64_t)((u128)v >> 64);
    for (int i = 2; i < L; ++i) w[i] = ext;
  }

  void set_signed(int64_t v) {
    const uint64_t ext = v < 0 ? ~0ull : 0ull;
    w[0] = (uint64_t)v;
    for (int i = 1; i < L; ++i) w[i] = ext;
  }

  bool neg() const { return (int64_t)w[L - 1] < 0; }

  // Sign-extends or truncates another width.
  template <int L2>
  static wide from(const wide<L2>& o) {
    wide r;
    const uint64_t ext = o.neg() ? ~0ull : 0ull;
    for (int i = 0; i < L; ++i) r.w[i] = i < L2 ? o.w[i] : ext;
    return r;
  }

  friend wide operator+(const wide& a, const wide& b) {
    wide r;
    uint64_t carry = 0;
    for (int i = 0; i < L; ++i) {
      const u128 t = (u128)a.w[i] + b.w[i] + carry;
      r.w[i] = (uint64_t)t;
      carry = (uint64_t)(t >> 64);
    }
    return r;
  }
  friend wide operator~(const wide& a) {
    wide r;
    for (int i = 0; i < L; ++i) r.w[i] = ~a.w[i];
    return r;
  }
  friend wide operator-(const wide& a) { return ~a + wide(1); }
  friend wide operator-(const wide& a, const wide& b) { return a + (-b); }
  friend wide operator*(const wide& a, const wide& b) {
    wide r;
    for (int i = 0; i < L; ++i) {
      uint64_t carry = 0;
      for (int j = 0; i + j < L; ++j) {
        const u128 t = (u128)a.w[i] * b.w[j] + r.w[i + j] + carry;
        r.w[i + j] = (uint64_t)t;
        carry = (uint64_t)(t >> 64);
      }
    }
    return r;
  }
  friend wide operator&(const wide& a, const wide& b) {
    wide r;
    for (int i = 0; i < L; ++i) r.w[i] = a.w[i] & b.w[i];
    return r;
  }
  friend bool operator==(const wide& a, const wide& b) {
    for (int i = 0; i < L; ++i)
      if (a.w[i] != b.w[i]) return false;
    return true;
  }
  friend bool operator!=(const wide& a, const wide& b) { return !(a == b); }
  friend bool operator<(const wide& a, const wide& b) {
    if (a.neg() != b.neg()) return a.neg();
    for (int i = L - 1; i >= 0; --i)
      if (a.w[i] != b.w[i]) return a.w[i] < b.w[i];
    return false;
  }
  friend bool operator>(const wide& a, const wide& b) { return b < a; }
  friend bool operator<=(const wide& a, const wide& b) { return !(b < a); }
  friend bool operator>=(const wide& a, const wide& b) { return !(a < b); }

  wide shl(int n) const {
    wide r;
    if (n >= 64 * L) return r;
    const int ws = n / 64, bs = n % 64;
    for (int i = L - 1; i >= ws; --i) {
      uint64_t v = w[i - ws] << bs;
      if (bs && i - ws - 1 >= 0) v |= w[i - ws - 1] >> (64 - bs);
      r.w[i] = v;
    }
    return r;
  }
  wide sar(int n) const {
    const uint64_t ext = neg() ? ~0ull : 0ull;
    wide r;
    if (n >= 64 * L) {
      for (int i = 0; i < L; ++i) r.w[i] = ext;
      return r;
    }
    const int ws = n / 64, bs = n % 64;
    for (int i = 0; i < L; ++i) {
      const uint64_t lo = i + ws < L ? w[i + ws] : ext;
      const uint64_t hi = i + ws + 1 < L ? w[i + ws + 1] : ext;
      r.w[i] = bs ? (lo >> bs) | (hi << (64 - bs)) : lo;
    }
    return r;
  }
  // Rounded to nearest, ties to even, like a conversion of a built-in integer.
  double to_double() const {
    if (neg()) return -(-*this).to_double_magnitude();
    return to_double_magnitude();
  }
  // The words read as an unsigned magnitude (right for the most negative value too, whose
  // negation is itself): the top 128 bits with the rest folded into a sticky bit, which lies
  // below the rounding position because the top word is not zero.
  double to_double_magnitude() const {
    int h = L - 1;
    while (h > 0 && w[h] == 0) --h;
    if (h <= 1) return (double)((L > 1 ? (u128)w[1 % L] << 64 : (u128)0) | w[0]);
    uint64_t sticky = 0;
    for (int i = 0; i < h - 1; ++i) sticky |= w[i];
    const u128 top = ((u128)w[h] << 64) | w[h - 1] | (sticky != 0);
    return std::ldexp((double)top, 64 * (h - 1));
  }
};

template <class T> struct is_wide : std::false_type {};
template <int L> struct is_wide<wide<L>> : std::true_type {};

template <class C> struct cbits;
template <> struct cbits<int64_t> { static const int value = 64; };
template <> struct cbits<i128> { static const int value = 128; };
template <int L> struct cbits<wide<L>> { static const int value = 64 * L; };

// The container for a signed integer of B bits.
template <int B>
struct cont_sel {
  typedef typename std::conditional<(B <= 64), int64_t,
      typename std::conditional<(B <= 128), i128, wide<(B + 63) / 64>>::type>::type type;
};
template <int B> using cont_t = typename cont_sel<B>::type;

inline int64_t shl(int64_t x, int n) { return n >= 64 ? 0 : (int64_t)((uint64_t)x << n); }
inline i128 shl(i128 x, int n) { return n >= 128 ? 0 : (i128)((u128)x << n); }
template <int L> inline wide<L> shl(const wide<L>& x, int n) { return x.shl(n); }

inline int64_t sar(int64_t x, int n) { return n >= 64 ? (x < 0 ? -1 : 0) : (x >> n); }
inline i128 sar(i128 x, int n) { return n >= 128 ? (x < 0 ? -1 : 0) : (x >> n); }
template <int L> inline wide<L> sar(const wide<L>& x, int n) { return x.sar(n); }

inline double to_dbl(int64_t x) { return (double)x; }
inline double to_dbl(i128 x) { return (double)x; }
template <int L> inline double to_dbl(const wide<L>& x) { return x.to_double(); }

inline uint64_t low64(int64_t x) { return (uint64_t)x; }
inline uint64_t low64(i128 x) { return (uint64_t)x; }
template <int L> inline uint64_t low64(const wide<L>& x) { return x.w[0]; }

// Conversion between containers: sign-extends or keeps the low bits.
template <class To, class From>
inline To cvt(const From& x) {
  if constexpr (!is_wide<To>::value && !is_wide<From>::value) {
    return static_cast<To>(x);
  } else if constexpr (is_wide<To>::value && !is_wide<From>::value) {
    return To(x);
  } else if constexpr (!is_wide<To>::value && is_wide<From>::value) {
    if constexpr (std::is_same<To, int64_t>::value) {
      return (int64_t)x.w[0];
    } else {
      const uint64_t hi = sizeof(x.w) > 8 ? x.w[1 % (sizeof(x.w) / 8)] : (x.neg() ? ~0ull : 0ull);
      return (i128)(((u128)hi << 64) | x.w[0]);
    }
  } else {
    return To::from(x);
  }
}

// Drops s >= 1 low bits of r (the value r * 2^-s) with quantization mode Q. The caller guarantees
// |r| < 2^(B-3) for the container's B bits; then a drop of more than B-2 bits leaves a value of
// magnitude below one half LSB, which rounds exactly as sign(r) * 2^-2 does.
template <ap_q_mode Q, class C>
inline C round_drop(C r, int s) {
  const int B = cbits<C>::value;
  if (s > B - 2) {
    r = r < C(0) ? C(-1) : (r == C(0) ? C(0) : C(1));
    s = 2;
  }
  const C fl = sar(r, s);
  if (Q == AP_TRN) return fl;
  const C rem = r - shl(fl, s);
  if (rem == C(0)) return fl;
  const bool negative = r < C(0);
  if (Q == AP_TRN_ZERO) return negative ? fl + C(1) : fl;
  const C half = shl(C(1), s - 1);
  bool up;
  if (half < rem) {
    up = true;
  } else if (rem < half) {
    up = false;
  } else {
    switch (Q) {
      case AP_RND: up = true; break;
      case AP_RND_ZERO: up = negative; break;
      case AP_RND_MIN_INF: up = false; break;
      case AP_RND_INF: up = !negative; break;
      case AP_RND_CONV: up = !((fl & C(1)) == C(0)); break;
      default: up = false; break;
    }
  }
  return up ? fl + C(1) : fl;
}

// Applies overflow mode O for a W-bit destination; the container must have at least W+2 bits.
template <int W, bool S, ap_o_mode O, class C>
inline C overflow(const C& q) {
  static_assert(O != AP_WRAP_SM, "tessera_fixed.h does not implement AP_WRAP_SM");
  const C one(1);
  const C mx = S ? shl(one, W - 1) - one : shl(one, W) - one;
  const C mn = S ? C(0) - shl(one, W - 1) : C(0);
  if (!(q < mn) && !(mx < q)) return q;
  if (O == AP_WRAP) {
    C m = q & (shl(one, W) - one);
    if (S && !((m & shl(one, W - 1)) == C(0))) m = m - shl(one, W);
    return m;
  }
  if (O == AP_SAT_ZERO) return C(0);
  if (O == AP_SAT_SYM && S) return q < C(0) ? C(0) - mx : mx;
  return q < C(0) ? mn : mx;
}

// Quantizes the value r * 2^-F2 (r a signed integer of at most SB2 bits) to the raw integer of a
// W-bit type with F fraction bits.
template <int W, int F, bool S, ap_q_mode Q, ap_o_mode O, int SB2, int F2, class C2>
inline cont_t<S ? W : W + 1> convert(const C2& r) {
  typedef cont_t<S ? W : W + 1> R;
  constexpr int d = F - F2;
  if constexpr (d >= 0) {
    // a shift past W+2 bits leaves the low W bits zero and the value out of range either way
    constexpr int sh = imin(d, W + 2);
    typedef cont_t<imax(SB2 + sh, W + 1) + 4> C;
    return cvt<R>(overflow<W, S, O>(shl(cvt<C>(r), sh)));
  } else {
    typedef cont_t<imax(SB2, W + 1) + 4> C;
    return cvt<R>(overflow<W, S, O>(round_drop<Q>(cvt<C>(r), -d)));
  }
}

// Quantizes a double exactly: x = m * 2^e with a 53-bit integer m. NaN gives 0; an infinity
// behaves as a value far out of range.
template <int W, int F, bool S, ap_q_mode Q, ap_o_mode O>
inline cont_t<S ? W : W + 1> from_double(double x) {
  typedef cont_t<S ? W : W + 1> R;
  typedef cont_t<W + 72> C;
  if (x != x || x == 0.0) return R(0);
  C q;
  if (std::isinf(x)) {
    q = shl(C(x < 0 ? -1 : 1), W + 2);
  } else {
    int e = 0;
    const double fr = std::frexp(x, &e);
    const int64_t m = (int64_t)std::ldexp(fr, 53);
    const int d = F + e - 53;
    if (d >= 0) {
      q = shl(C(m), imin(d, W + 2));
    } else {
      q = round_drop<Q>(C(m), -d);
    }
  }
  return cvt<R>(overflow<W, S, O>(q));
}

}  // namespace tessera_fx

template <int _AP_W, int _AP_I, bool _AP_S, ap_q_mode _AP_Q, ap_o_mode _AP_O>
struct ap_fixed_base;

namespace tessera_fx {
// Result types of the full-precision operators, as ap_fixed defines them.
template <int W1, int I1, bool S1, int W2, int I2, bool S2>
struct rtype {
  static constexpr int F1 = W1 - I1, F2 = W2 - I2, FR = imax(F1, F2);
  static constexpr int plus_i = imax(I1 + (S2 && !S1), I2 + (S1 && !S2)) + 1;
  typedef ap_fixed_base<plus_i + FR, plus_i, S1 || S2, AP_TRN, AP_WRAP> plus;
  typedef ap_fixed_base<plus_i + FR, plus_i, true, AP_TRN, AP_WRAP> minus;
  typedef ap_fixed_base<W1 + W2, I1 + I2, S1 || S2, AP_TRN, AP_WRAP> mult;
};
}  // namespace tessera_fx

template <int _AP_W, int _AP_I, bool _AP_S, ap_q_mode _AP_Q, ap_o_mode _AP_O>
struct ap_fixed_base {
  static_assert(_AP_W >= 1, "width must be at least 1");
  static const int width = _AP_W;
  static const int iwidth = _AP_I;
  static const bool sign_flag = _AP_S;
  static const ap_q_mode qmode = _AP_Q;
  static const ap_o_mode omode = _AP_O;
  static constexpr int frac_w = _AP_W - _AP_I;
  static constexpr int store_bits = _AP_S ? _AP_W : _AP_W + 1;
  typedef tessera_fx::cont_t<store_bits> store_t;

  // the raw value, always inside the type's range
  store_t V;

  ap_fixed_base() : V(0) {}
  template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2>
  ap_fixed_base(const ap_fixed_base<W2, I2, S2, Q2, O2>& o) {
    V = tessera_fx::convert<_AP_W, frac_w, _AP_S, _AP_Q, _AP_O, ap_fixed_base<W2, I2, S2, Q2, O2>::store_bits,
                            W2 - I2>(o.V);
  }
  ap_fixed_base(double x) { V = tessera_fx::from_double<_AP_W, frac_w, _AP_S, _AP_Q, _AP_O>(x); }
  ap_fixed_base(float x) { V = tessera_fx::from_double<_AP_W, frac_w, _AP_S, _AP_Q, _AP_O>((double)x); }
  template <class T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0>
  ap_fixed_base(T x) {
    V = tessera_fx::convert<_AP_W, frac_w, _AP_S, _AP_Q, _AP_O, 66, 0>((tessera_fx::i128)x);
  }

  template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2>
  ap_fixed_base& operator=(const ap_fixed_base<W2, I2, S2, Q2, O2>& o) {
    V = tessera_fx::convert<_AP_W, frac_w, _AP_S, _AP_Q, _AP_O, ap_fixed_base<W2, I2, S2, Q2, O2>::store_bits,
                            W2 - I2>(o.V);
    return *this;
  }
  ap_fixed_base& operator=(double x) {
    V = tessera_fx::from_double<_AP_W, frac_w, _AP_S, _AP_Q, _AP_O>(x);
    return *this;
  }

  // Sets the raw value from the low bits of an integer (two's complement wrap to the width).
  void set_raw_bits(long long r) {
    typedef tessera_fx::cont_t<tessera_fx::imax(_AP_W, 64) + 2> C;
    V = tessera_fx::cvt<store_t>(tessera_fx::overflow<_AP_W, _AP_S, AP_WRAP>(tessera_fx::cvt<C>((int64_t)r)));
  }

  double to_double() const { return std::ldexp(tessera_fx::to_dbl(V), -frac_w); }
  float to_float() const { return (float)to_double(); }
  // Integer part, truncated toward zero as a C cast would.
  long long to_int64() const {
    typedef tessera_fx::cont_t<store_bits + 4> C;
    const C v = tessera_fx::cvt<C>(V);
    if (frac_w <= 0) return (long long)tessera_fx::low64(tessera_fx::shl(v, -frac_w));
    C fl = tessera_fx::sar(v, frac_w);
    if (v < C(0) && !(tessera_fx::shl(fl, frac_w) == v)) fl = fl + C(1);
    return (long long)tessera_fx::low64(fl);
  }
  int to_int() const { return (int)to_int64(); }
  unsigned long long to_uint64() const { return (unsigned long long)to_int64(); }

  // Bits [hi, lo] of the W-bit two's complement pattern (hi - lo < 64).
  struct range_ref {
    ap_fixed_base& x;
    int hi, lo;
    typedef tessera_fx::cont_t<store_bits + 68> C;
    unsigned long long mask() const { return hi - lo >= 63 ? ~0ull : ((1ull << (hi - lo + 1)) - 1); }
    unsigned long long to_uint64() const {
      return tessera_fx::low64(tessera_fx::sar(tessera_fx::cvt<C>(x.V), lo)) & mask();
    }
    long long to_int64() const { return (long long)to_uint64(); }
    range_ref& operator=(unsigned long long v) {
      const C big = tessera_fx::cvt<C>(x.V);
      const C old = tessera_fx::cvt<C>((tessera_fx::i128)to_uint64());
      const C nv = tessera_fx::cvt<C>((tessera_fx::i128)(v & mask()));
      const C r = big + tessera_fx::shl(nv - old, lo);
      x.V = tessera_fx::cvt<store_t>(tessera_fx::overflow<_AP_W, _AP_S, AP_WRAP>(r));
      return *this;
    }
    range_ref& operator=(long long v) { return *this = (unsigned long long)v; }
    range_ref& operator=(unsigned long v) { return *this = (unsigned long long)v; }
    range_ref& operator=(long v) { return *this = (unsigned long long)v; }
    range_ref& operator=(unsigned v) { return *this = (unsigned long long)v; }
    range_ref& operator=(int v) { return *this = (unsigned long long)(long long)v; }
  };
  range_ref range(int hi, int lo) { return range_ref{*this, hi, lo}; }
  // read access on a const value (as ap_fixed allows); writing through it is not intended
  range_ref range(int hi, int lo) const { return range_ref{const_cast<ap_fixed_base&>(*this), hi, lo}; }

  // Shifts of the raw bits within the same format (ap_fixed's operator<< and operator>>).
  ap_fixed_base<_AP_W, _AP_I, _AP_S, AP_TRN, AP_WRAP> operator<<(int n) const {
    typedef tessera_fx::cont_t<store_bits + 2> C;
    ap_fixed_base<_AP_W, _AP_I, _AP_S, AP_TRN, AP_WRAP> r;
    r.V = tessera_fx::cvt<store_t>(
        tessera_fx::overflow<_AP_W, _AP_S, AP_WRAP>(tessera_fx::shl(tessera_fx::cvt<C>(V), n)));
    return r;
  }
  ap_fixed_base<_AP_W, _AP_I, _AP_S, AP_TRN, AP_WRAP> operator>>(int n) const {
    ap_fixed_base<_AP_W, _AP_I, _AP_S, AP_TRN, AP_WRAP> r;
    r.V = tessera_fx::sar(V, n);
    return r;
  }

  ap_fixed_base<_AP_W + 1, _AP_I + 1, true, AP_TRN, AP_WRAP> operator-() const {
    ap_fixed_base<_AP_W + 1, _AP_I + 1, true, AP_TRN, AP_WRAP> r;
    typedef typename ap_fixed_base<_AP_W + 1, _AP_I + 1, true, AP_TRN, AP_WRAP>::store_t RS;
    r.V = RS(0) - tessera_fx::cvt<RS>(V);
    return r;
  }
  ap_fixed_base operator+() const { return *this; }

  template <class T>
  ap_fixed_base& operator+=(const T& o) {
    *this = *this + o;
    return *this;
  }
  template <class T>
  ap_fixed_base& operator-=(const T& o) {
    *this = *this - o;
    return *this;
  }
  template <class T>
  ap_fixed_base& operator*=(const T& o) {
    *this = *this * o;
    return *this;
  }
};

namespace tessera_fx {
// Raw value of b aligned to R's fraction bits, in R's container.
template <class R, int W, int I, bool S, ap_q_mode Q, ap_o_mode O>
inline typename R::store_t aligned(const ap_fixed_base<W, I, S, Q, O>& b) {
  return shl(cvt<typename R::store_t>(b.V), R::frac_w - (W - I));
}
// Both raw values aligned to the finer LSB in a container that holds both.
template <int W1, int I1, bool S1, ap_q_mode Q1, ap_o_mode O1, int W2, int I2, bool S2, ap_q_mode Q2,
          ap_o_mode O2>
struct cmp {
  static constexpr int F1 = W1 - I1, F2 = W2 - I2, FR = imax(F1, F2);
  static constexpr int B = imax(ap_fixed_base<W1, I1, S1, Q1, O1>::store_bits + FR - F1,
                                ap_fixed_base<W2, I2, S2, Q2, O2>::store_bits + FR - F2) + 1;
  typedef cont_t<B> C;
  static int compare(const ap_fixed_base<W1, I1, S1, Q1, O1>& a, const ap_fixed_base<W2, I2, S2, Q2, O2>& b) {
    const C x = shl(cvt<C>(a.V), FR - F1), y = shl(cvt<C>(b.V), FR - F2);
    return x < y ? -1 : (y < x ? 1 : 0);
  }
};
// An integer operand as an ap type of its own width.
template <class T>
struct int_type {
  typedef ap_fixed_base<8 * (int)sizeof(T), 8 * (int)sizeof(T), std::is_signed<T>::value, AP_TRN, AP_WRAP> type;
};
}  // namespace tessera_fx

#define TESSERA_FX_ARGS1 int W1, int I1, bool S1, ap_q_mode Q1, ap_o_mode O1
#define TESSERA_FX_ARGS2 int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2
#define TESSERA_FX_A ap_fixed_base<W1, I1, S1, Q1, O1>
#define TESSERA_FX_B ap_fixed_base<W2, I2, S2, Q2, O2>

template <TESSERA_FX_ARGS1, TESSERA_FX_ARGS2>
inline typename tessera_fx::rtype<W1, I1, S1, W2, I2, S2>::plus operator+(const TESSERA_FX_A& a,
                                                                          const TESSERA_FX_B& b) {
  typedef typename tessera_fx::rtype<W1, I1, S1, W2, I2, S2>::plus R;
  R r;
  r.V = tessera_fx::aligned<R>(a) + tessera_fx::aligned<R>(b);
  return r;
}
template <TESSERA_FX_ARGS1, TESSERA_FX_ARGS2>
inline typename tessera_fx::rtype<W1, I1, S1, W2, I2, S2>::minus operator-(const TESSERA_FX_A& a,
                                                                           const TESSERA_FX_B& b) {
  typedef typename tessera_fx::rtype<W1, I1, S1, W2, I2, S2>::minus R;
  R r;
  r.V = tessera_fx::aligned<R>(a) - tessera_fx::aligned<R>(b);
  return r;
}
template <TESSERA_FX_ARGS1, TESSERA_FX_ARGS2>
inline typename tessera_fx::rtype<W1, I1, S1, W2, I2, S2>::mult operator*(const TESSERA_FX_A& a,
                                                                          const TESSERA_FX_B& b) {
  typedef typename tessera_fx::rtype<W1, I1, S1, W2, I2, S2>::mult R;
  typedef typename R::store_t C;
  R r;
  r.V = tessera_fx::cvt<C>(a.V) * tessera_fx::cvt<C>(b.V);
  return r;
}

#define TESSERA_FX_CMP(OP)                                                                               \
  template <TESSERA_FX_ARGS1, TESSERA_FX_ARGS2>                                                          \
  inline bool operator OP(const TESSERA_FX_A& a, const TESSERA_FX_B& b) {                                \
    return tessera_fx::cmp<W1, I1, S1, Q1, O1, W2, I2, S2, Q2, O2>::compare(a, b) OP 0;                  \
  }                                                                                                      \
  template <TESSERA_FX_ARGS1, class T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0> \
  inline bool operator OP(const TESSERA_FX_A& a, T b) {                                                  \
    return a OP typename tessera_fx::int_type<T>::type(b);                                               \
  }                                                                                                      \
  template <TESSERA_FX_ARGS1, class T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0> \
  inline bool operator OP(T a, const TESSERA_FX_A& b) {                                                  \
    return typename tessera_fx::int_type<T>::type(a) OP b;                                               \
  }
TESSERA_FX_CMP(==)
TESSERA_FX_CMP(!=)
TESSERA_FX_CMP(<)
TESSERA_FX_CMP(<=)
TESSERA_FX_CMP(>)
TESSERA_FX_CMP(>=)
#undef TESSERA_FX_CMP

#define TESSERA_FX_INT_OP(OP)                                                                            \
  template <TESSERA_FX_ARGS1, class T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0> \
  inline auto operator OP(const TESSERA_FX_A& a, T b) {                                                  \
    return a OP typename tessera_fx::int_type<T>::type(b);                                               \
  }                                                                                                      \
  template <TESSERA_FX_ARGS1, class T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0> \
  inline auto operator OP(T a, const TESSERA_FX_A& b) {                                                  \
    return typename tessera_fx::int_type<T>::type(a) OP b;                                               \
  }
TESSERA_FX_INT_OP(+)
TESSERA_FX_INT_OP(-)
TESSERA_FX_INT_OP(*)
#undef TESSERA_FX_INT_OP

template <TESSERA_FX_ARGS1>
inline std::ostream& operator<<(std::ostream& os, const TESSERA_FX_A& a) {
  return os << a.to_double();
}

#undef TESSERA_FX_ARGS1
#undef TESSERA_FX_ARGS2
#undef TESSERA_FX_A
#undef TESSERA_FX_B

// The user-facing types. Constructors and assignments quantize with the type's own modes.
#define TESSERA_FX_DERIVED(NAME, BASE)                                                                   \
  NAME() {}                                                                                              \
  template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2>                                         \
  NAME(const ap_fixed_base<W2, I2, S2, Q2, O2>& o) : BASE(o) {}                                         \
  NAME(double x) : BASE(x) {}                                                                            \
  NAME(float x) : BASE(x) {}                                                                             \
  template <class T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0>                 \
  NAME(T x) : BASE(x) {}                                                                                 \
  template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2>                                         \
  NAME& operator=(const ap_fixed_base<W2, I2, S2, Q2, O2>& o) {                                          \
    BASE::operator=(o);                                                                                  \
    return *this;                                                                                        \
  }                                                                                                      \
  NAME& operator=(double x) {                                                                            \
    BASE::operator=(x);                                                                                  \
    return *this;                                                                                        \
  }

template <int _AP_W, int _AP_I, ap_q_mode _AP_Q = AP_TRN, ap_o_mode _AP_O = AP_WRAP, int _AP_N = 0>
struct ap_fixed : ap_fixed_base<_AP_W, _AP_I, true, _AP_Q, _AP_O> {
  static_assert(_AP_N == 0, "tessera_fixed.h supports only 0 saturation bits");
  typedef ap_fixed_base<_AP_W, _AP_I, true, _AP_Q, _AP_O> Base;
  TESSERA_FX_DERIVED(ap_fixed, Base)
};

template <int _AP_W, int _AP_I, ap_q_mode _AP_Q = AP_TRN, ap_o_mode _AP_O = AP_WRAP, int _AP_N = 0>
struct ap_ufixed : ap_fixed_base<_AP_W, _AP_I, false, _AP_Q, _AP_O> {
  static_assert(_AP_N == 0, "tessera_fixed.h supports only 0 saturation bits");
  typedef ap_fixed_base<_AP_W, _AP_I, false, _AP_Q, _AP_O> Base;
  TESSERA_FX_DERIVED(ap_ufixed, Base)
};

template <int _AP_W>
struct ap_int : ap_fixed_base<_AP_W, _AP_W, true, AP_TRN, AP_WRAP> {
  typedef ap_fixed_base<_AP_W, _AP_W, true, AP_TRN, AP_WRAP> Base;
  TESSERA_FX_DERIVED(ap_int, Base)
};

template <int _AP_W>
struct ap_uint : ap_fixed_base<_AP_W, _AP_W, false, AP_TRN, AP_WRAP> {
  typedef ap_fixed_base<_AP_W, _AP_W, false, AP_TRN, AP_WRAP> Base;
  TESSERA_FX_DERIVED(ap_uint, Base)
};

#undef TESSERA_FX_DERIVED

#endif  // TESSERA_FIXED_H

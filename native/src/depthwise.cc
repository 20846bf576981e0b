// Depthwise convolution (channel multiplier 1), NHWC. Rows of (batch, output row) are spread over
// the threads. With AVX2/FMA, channels a multiple of 8 and 3- or 5-wide windows of stride and
// dilation 1 or 2 (every DARTS case), a templated path keeps blocks of output pixels × 8 channels
// in registers and splits each row into an interior (every tap inside the image, no checks) and
// its borders; everything else runs the plain loops (`generic` below).
#include <vector>

#include "kernels.h"
#include "parallel.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define NAS_DEPTHWISE_AVX 1
#endif

namespace nas {
namespace {

void forwardGeneric(int threads, const Geometry& g, const float* x, const float* f, float* out) {
  const int64_t c = g.c;
  parallelFor(threads, g.n * g.oh, [&](int64_t first, int64_t last) {
    for (int64_t row = first; row < last; ++row) {
      const int64_t b = row / g.oh, oy = row % g.oh;
      for (int64_t ox = 0; ox < g.ow; ++ox) {
        float* __restrict o = out + (row * g.ow + ox) * c;
        for (int64_t ch = 0; ch < c; ++ch) o[ch] = 0.f;
        forEachTap(g, oy, ox, [&](int64_t tap, int64_t iy, int64_t ix) {
          const float* __restrict xp = x + ((b * g.h + iy) * g.w + ix) * c;
          const float* __restrict fp = f + tap * c;
#pragma omp simd
          for (int64_t ch = 0; ch < c; ++ch) o[ch] += xp[ch] * fp[ch];
        });
      }
    }
  });
}

// Gathers, for each input pixel, the output pixels whose window covers it: no write conflicts.
void backpropInputGeneric(int threads, const Geometry& g, const float* dy, const float* f, float* dx) {
  const int64_t c = g.c;
  parallelFor(threads, g.n * g.h, [&](int64_t first, int64_t last) {
    for (int64_t row = first; row < last; ++row) {
      const int64_t b = row / g.h, iy = row % g.h;
      for (int64_t ix = 0; ix < g.w; ++ix) {
        float* __restrict d = dx + (row * g.w + ix) * c;
        for (int64_t ch = 0; ch < c; ++ch) d[ch] = 0.f;
        forEachCoveringOutput(g, iy, ix, [&](int64_t tap, int64_t oy, int64_t ox) {
          const float* __restrict gp = dy + ((b * g.oh + oy) * g.ow + ox) * c;
          const float* __restrict fp = f + tap * c;
#pragma omp simd
          for (int64_t ch = 0; ch < c; ++ch) d[ch] += gp[ch] * fp[ch];
        });
      }
    }
  });
}

// Each fixed chunk of rows sums into its own fh*fw*c partial (a few KB), added in chunk order.
void backpropFilterGeneric(int threads, const Geometry& g, const float* x, const float* dy, float* df) {
  const int64_t c = g.c, size = g.fh * g.fw * c;
  parallelReduce(threads, g.n * g.oh, size, df, [&](int64_t first, int64_t last, float* __restrict a) {
    for (int64_t row = first; row < last; ++row) {
      const int64_t b = row / g.oh, oy = row % g.oh;
      for (int64_t ox = 0; ox < g.ow; ++ox) {
        const float* __restrict gp = dy + (row * g.ow + ox) * c;
        forEachTap(g, oy, ox, [&](int64_t tap, int64_t iy, int64_t ix) {
          const float* __restrict xp = x + ((b * g.h + iy) * g.w + ix) * c;
          float* __restrict ap = a + tap * c;
#pragma omp simd
          for (int64_t ch = 0; ch < c; ++ch) ap[ch] += xp[ch] * gp[ch];
        });
      }
    }
  });
}

#ifdef NAS_DEPTHWISE_AVX

constexpr int kMaxTaps = 16;  // window rows handled by the fast path (DARTS: 3 and 5)

// Output columns [lo, hi) whose whole window (span = (fw-1)*dw) lies inside [0, w).
void interior(const Geometry& g, int64_t& lo, int64_t& hi) {
  lo = g.pl > 0 ? (g.pl + g.sw - 1) / g.sw : 0;
  const int64_t last = g.w - 1 - (g.fw - 1) * g.dw + g.pl;  // largest ox * sw allowed
  hi = last < 0 ? 0 : last / g.sw + 1;
  if (hi > g.ow) hi = g.ow;
  if (lo > hi) lo = hi;
}

// The window rows of output row oy that fall inside the image: their input rows and filter rows.
int validRows(const Geometry& g, int64_t b, int64_t oy, const float* x, const float* f, const float** xr, const float** fr) {
  int k = 0;
  for (int64_t kh = 0; kh < g.fh; ++kh) {
    const int64_t iy = oy * g.sh - g.pt + kh * g.dh;
    if (iy < 0 || iy >= g.h) continue;
    xr[k] = x + (b * g.h + iy) * g.w * g.c;
    fr[k++] = f + kh * g.fw * g.c;
  }
  return k;
}

// P output pixels × 8 channels: xr[k] points at the first pixel's window start, fr[k] at the
// filter row; both already offset to the channel block.
template <int FW, int D, int S, int P>
inline void forwardBlock(const float* const* xr, const float* const* fr, int rows, int64_t c, float* o) {
  __m256 acc[P];
#pragma GCC unroll 16
  for (int p = 0; p < P; ++p) acc[p] = _mm256_setzero_ps();
  for (int k = 0; k < rows; ++k) {
    __m256 fv[FW];
#pragma GCC unroll 8
    for (int kw = 0; kw < FW; ++kw) fv[kw] = _mm256_loadu_ps(fr[k] + kw * c);
#pragma GCC unroll 16
    for (int p = 0; p < P; ++p)
#pragma GCC unroll 8
      for (int kw = 0; kw < FW; ++kw)
        acc[p] = _mm256_fmadd_ps(_mm256_loadu_ps(xr[k] + (p * S + kw * D) * c), fv[kw], acc[p]);
  }
#pragma GCC unroll 16
  for (int p = 0; p < P; ++p) _mm256_storeu_ps(o + p * c, acc[p]);
}

// One output pixel near a border: taps outside the image are skipped.
void forwardBorderPixel(const Geometry& g, const float* const* xr, const float* const* fr, int rows, int64_t ox, float* o) {
  const int64_t c = g.c, x0 = ox * g.sw - g.pl;
  for (int64_t v = 0; v < c; v += 8) {
    __m256 acc = _mm256_setzero_ps();
    for (int k = 0; k < rows; ++k)
      for (int64_t kw = 0; kw < g.fw; ++kw) {
        const int64_t ix = x0 + kw * g.dw;
        if (ix < 0 || ix >= g.w) continue;
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(xr[k] + ix * c + v), _mm256_loadu_ps(fr[k] + kw * c + v), acc);
      }
    _mm256_storeu_ps(o + v, acc);
  }
}

template <int FW, int D, int S>
void forwardFast(int threads, const Geometry& g, const float* x, const float* f, float* out) {
  constexpr int P = FW == 5 ? 8 : 10;  // accumulators + FW filter vectors fit the 16 registers
  const int64_t c = g.c;
  int64_t lo, hi;
  interior(g, lo, hi);
  parallelFor(threads, g.n * g.oh, [&](int64_t first, int64_t last) {
    for (int64_t row = first; row < last; ++row) {
      const int64_t b = row / g.oh, oy = row % g.oh;
      const float* xr[kMaxTaps];
      const float* fr[kMaxTaps];
      const int rows = validRows(g, b, oy, x, f, xr, fr);
      float* o = out + row * g.ow * c;
      for (int64_t ox = 0; ox < lo; ++ox) forwardBorderPixel(g, xr, fr, rows, ox, o + ox * c);
      for (int64_t ox = hi; ox < g.ow; ++ox) forwardBorderPixel(g, xr, fr, rows, ox, o + ox * c);
      for (int64_t v = 0; v < c; v += 8) {
        const float* xs[kMaxTaps];
        const float* fs[kMaxTaps];
        for (int k = 0; k < rows; ++k) fs[k] = fr[k] + v;
        int64_t ox = lo;
        for (; ox + P <= hi; ox += P) {
          for (int k = 0; k < rows; ++k) xs[k] = xr[k] + (ox * S - g.pl) * c + v;
          forwardBlock<FW, D, S, P>(xs, fs, rows, c, o + ox * c + v);
        }
        for (; ox < hi; ++ox) {
          for (int k = 0; k < rows; ++k) xs[k] = xr[k] + (ox * S - g.pl) * c + v;
          forwardBlock<FW, D, S, 1>(xs, fs, rows, c, o + ox * c + v);
        }
      }
    }
  });
}

// Input gradient, stride > 1: for each input row, the output rows that reach it (known per row),
// then each output pixel's taps are added into the row (a 1-D scatter, no conflicts between rows).
template <int FW, int D>
void backpropInputStrided(int threads, const Geometry& g, const float* dy, const float* f, float* dx) {
  const int64_t c = g.c, sw = g.sw;
  int64_t lo, hi;
  interior(g, lo, hi);
  parallelFor(threads, g.n * g.h, [&](int64_t first, int64_t last) {
    for (int64_t row = first; row < last; ++row) {
      const int64_t b = row / g.h, iy = row % g.h;
      float* d = dx + row * g.w * c;
      for (int64_t i = 0; i < g.w * c; ++i) d[i] = 0.f;
      for (int64_t kh = 0; kh < g.fh; ++kh) {
        const int64_t ty = iy + g.pt - kh * g.dh;
        if (ty < 0 || ty % g.sh != 0 || ty / g.sh >= g.oh) continue;
        const float* gr = dy + (b * g.oh + ty / g.sh) * g.ow * c;
        const float* fr = f + kh * FW * c;
        for (int64_t v = 0; v < c; v += 8) {
          __m256 fv[FW];
          for (int kw = 0; kw < FW; ++kw) fv[kw] = _mm256_loadu_ps(fr + kw * c + v);
          for (int64_t ox = 0; ox < g.ow; ++ox) {
            const __m256 gv = _mm256_loadu_ps(gr + ox * c + v);
            float* dp = d + (ox * sw - g.pl) * c + v;
            if (ox >= lo && ox < hi) {
  #pragma GCC unroll 8
              for (int kw = 0; kw < FW; ++kw)
                _mm256_storeu_ps(dp + kw * D * c, _mm256_fmadd_ps(gv, fv[kw], _mm256_loadu_ps(dp + kw * D * c)));
            } else {
              for (int kw = 0; kw < FW; ++kw) {
                const int64_t ix = ox * sw - g.pl + kw * D;
                if (ix < 0 || ix >= g.w) continue;
                _mm256_storeu_ps(dp + kw * D * c, _mm256_fmadd_ps(gv, fv[kw], _mm256_loadu_ps(dp + kw * D * c)));
              }
            }
          }
        }
      }
    }
  });
}

// Filter gradient: per output row and window row, FW accumulators per 8 channels summed over the
// row's pixels (two sets, to keep two FMAs in flight), then added to the chunk's partial.
template <int FW, int D, int S>
void backpropFilterFast(int threads, const Geometry& g, const float* x, const float* dy, float* df) {
  const int64_t c = g.c, size = g.fh * FW * c;
  int64_t lo, hi;
  interior(g, lo, hi);
  parallelReduce(threads, g.n * g.oh, size, df, [&](int64_t first, int64_t last, float* a) {
    for (int64_t row = first; row < last; ++row) {
      const int64_t b = row / g.oh, oy = row % g.oh;
      const float* gr = dy + row * g.ow * c;
      for (int64_t kh = 0; kh < g.fh; ++kh) {
        const int64_t iy = oy * S - g.pt + kh * g.dh;
        if (iy < 0 || iy >= g.h) continue;
        const float* xr = x + (b * g.h + iy) * g.w * c;
        for (int64_t v = 0; v < c; v += 8) {
          __m256 s0[FW], s1[FW];
          for (int kw = 0; kw < FW; ++kw) s0[kw] = s1[kw] = _mm256_setzero_ps();
          int64_t ox = lo;
          for (; ox + 2 <= hi; ox += 2) {
            const __m256 g0 = _mm256_loadu_ps(gr + ox * c + v), g1 = _mm256_loadu_ps(gr + (ox + 1) * c + v);
            const float* x0 = xr + (ox * S - g.pl) * c + v;
#pragma GCC unroll 8
            for (int kw = 0; kw < FW; ++kw) {
              s0[kw] = _mm256_fmadd_ps(_mm256_loadu_ps(x0 + kw * D * c), g0, s0[kw]);
              s1[kw] = _mm256_fmadd_ps(_mm256_loadu_ps(x0 + (S + kw * D) * c), g1, s1[kw]);
            }
          }
          for (; ox < hi; ++ox) {
            const __m256 g0 = _mm256_loadu_ps(gr + ox * c + v);
            const float* x0 = xr + (ox * S - g.pl) * c + v;
            for (int kw = 0; kw < FW; ++kw) s0[kw] = _mm256_fmadd_ps(_mm256_loadu_ps(x0 + kw * D * c), g0, s0[kw]);
          }
          auto border = [&](int64_t from, int64_t to) {
            for (int64_t bx = from; bx < to; ++bx) {
              const __m256 g0 = _mm256_loadu_ps(gr + bx * c + v);
              for (int kw = 0; kw < FW; ++kw) {
                const int64_t ix = bx * S - g.pl + kw * D;
                if (ix < 0 || ix >= g.w) continue;
                s1[kw] = _mm256_fmadd_ps(_mm256_loadu_ps(xr + ix * c + v), g0, s1[kw]);
              }
            }
          };
          border(0, lo);
          border(hi, g.ow);
          float* ap = a + kh * FW * c + v;
          for (int kw = 0; kw < FW; ++kw)
            _mm256_storeu_ps(ap + kw * c, _mm256_add_ps(_mm256_loadu_ps(ap + kw * c), _mm256_add_ps(s0[kw], s1[kw])));
        }
      }
    }
  });
}

using Kernel = void (*)(int, const Geometry&, const float*, const float*, float*);

// The fast kernel for (fw, dw, sw), or nullptr when the geometry is not one it takes.
template <int FW>
Kernel pickForward(const Geometry& g) {
  if (g.dw == 1) return g.sw == 1 ? forwardFast<FW, 1, 1> : forwardFast<FW, 1, 2>;
  return g.sw == 1 ? forwardFast<FW, 2, 1> : forwardFast<FW, 2, 2>;
}
template <int FW>
Kernel pickFilter(const Geometry& g) {
  if (g.dw == 1) return g.sw == 1 ? backpropFilterFast<FW, 1, 1> : backpropFilterFast<FW, 1, 2>;
  return g.sw == 1 ? backpropFilterFast<FW, 2, 1> : backpropFilterFast<FW, 2, 2>;
}

bool fastGeometry(const Geometry& g) {
  return g.c % 8 == 0 && (g.fw == 3 || g.fw == 5) && g.fh <= kMaxTaps && (g.dw == 1 || g.dw == 2) &&
         (g.sw == 1 || g.sw == 2) && g.sh == g.sw;
}

#endif  // NAS_DEPTHWISE_AVX

}  // namespace

void depthwiseForward(int threads, const Geometry& g, const float* x, const float* f, float* out) {
#ifdef NAS_DEPTHWISE_AVX
  if (fastGeometry(g)) return (g.fw == 3 ? pickForward<3>(g) : pickForward<5>(g))(threads, g, x, f, out);
#endif
  forwardGeneric(threads, g, x, f, out);
}

// Stride 1: the input gradient is the forward convolution of dy with the filter flipped in both
// directions and padding (f-1)*d - pad, which takes the register-blocked forward path.
void depthwiseBackpropInput(int threads, const Geometry& g, const float* dy, const float* f, float* dx) {
#ifdef NAS_DEPTHWISE_AVX
  if (fastGeometry(g) && g.sw == 1) {
    const int64_t taps = g.fh * g.fw, c = g.c;
    std::vector<float> flipped(taps * c);
    for (int64_t t = 0; t < taps; ++t)
      for (int64_t ch = 0; ch < c; ++ch) flipped[(taps - 1 - t) * c + ch] = f[t * c + ch];
    const Geometry t{g.n, g.oh, g.ow, c, c, g.fh, g.fw, g.h, g.w, 1, 1, g.dh, g.dw,
                     (g.fh - 1) * g.dh - g.pt, (g.fw - 1) * g.dw - g.pl};
    return (g.fw == 3 ? pickForward<3>(t) : pickForward<5>(t))(threads, t, dy, flipped.data(), dx);
  }
  if (fastGeometry(g)) {
    Kernel k = g.fw == 3 ? (g.dw == 1 ? backpropInputStrided<3, 1> : backpropInputStrided<3, 2>)
                         : (g.dw == 1 ? backpropInputStrided<5, 1> : backpropInputStrided<5, 2>);
    return k(threads, g, dy, f, dx);
  }
#endif
  backpropInputGeneric(threads, g, dy, f, dx);
}

void depthwiseBackpropFilter(int threads, const Geometry& g, const float* x, const float* dy, float* df) {
#ifdef NAS_DEPTHWISE_AVX
  if (fastGeometry(g)) return (g.fw == 3 ? pickFilter<3>(g) : pickFilter<5>(g))(threads, g, x, dy, df);
#endif
  backpropFilterGeneric(threads, g, x, dy, df);
}

}  // namespace nas

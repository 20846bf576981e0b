// Dense 2-D convolution, NHWC, filter [fh, fw, c, co]: output channels innermost, so each input
// value is broadcast against a contiguous filter row and the co loop vectorises. The 1×1
// gradients without padding (DARTS's pointwise and preprocessing convolutions, stride 1 or 2) with
// channel counts a multiple of 8 run register tiles under AVX2/FMA (`pointwise` below).
#include <vector>

#include "kernels.h"
#include "parallel.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define NAS_POINTWISE_AVX 1
#endif

namespace nas {
namespace {

void forwardGeneric(int threads, const Geometry& g, const float* x, const float* f, float* out) {
  const int64_t c = g.c, co = g.co;
  parallelFor(threads, g.n * g.oh, [&](int64_t first, int64_t last) {
    for (int64_t row = first; row < last; ++row) {
      const int64_t b = row / g.oh, oy = row % g.oh;
      for (int64_t ox = 0; ox < g.ow; ++ox) {
        float* __restrict o = out + (row * g.ow + ox) * co;
        for (int64_t j = 0; j < co; ++j) o[j] = 0.f;
        forEachTap(g, oy, ox, [&](int64_t tap, int64_t iy, int64_t ix) {
          const float* __restrict xp = x + ((b * g.h + iy) * g.w + ix) * c;
          const float* __restrict fp = f + tap * c * co;
          for (int64_t i = 0; i < c; ++i) {
            const float v = xp[i];
            const float* __restrict fr = fp + i * co;
#pragma omp simd
            for (int64_t j = 0; j < co; ++j) o[j] += v * fr[j];
          }
        });
      }
    }
  });
}

// The filter is first transposed to [fh, fw, co, c] so that the gather runs along c.
void backpropInputGeneric(int threads, const Geometry& g, const float* dy, const float* f, float* dx) {
  const int64_t c = g.c, co = g.co, taps = g.fh * g.fw;
  std::vector<float> transposed(taps * c * co);
  for (int64_t t = 0; t < taps; ++t)
    for (int64_t i = 0; i < c; ++i)
      for (int64_t j = 0; j < co; ++j) transposed[(t * co + j) * c + i] = f[(t * c + i) * co + j];
  const float* ft = transposed.data();
  parallelFor(threads, g.n * g.h, [&](int64_t first, int64_t last) {
    for (int64_t row = first; row < last; ++row) {
      const int64_t b = row / g.h, iy = row % g.h;
      for (int64_t ix = 0; ix < g.w; ++ix) {
        float* __restrict d = dx + (row * g.w + ix) * c;
        for (int64_t i = 0; i < c; ++i) d[i] = 0.f;
        forEachCoveringOutput(g, iy, ix, [&](int64_t tap, int64_t oy, int64_t ox) {
          const float* __restrict gp = dy + ((b * g.oh + oy) * g.ow + ox) * co;
          const float* __restrict fp = ft + tap * co * c;
          for (int64_t j = 0; j < co; ++j) {
            const float v = gp[j];
            const float* __restrict fr = fp + j * c;
#pragma omp simd
            for (int64_t i = 0; i < c; ++i) d[i] += v * fr[i];
          }
        });
      }
    }
  });
}

void backpropFilterGeneric(int threads, const Geometry& g, const float* x, const float* dy, float* df) {
  const int64_t c = g.c, co = g.co, size = g.fh * g.fw * c * co;
  parallelReduce(threads, g.n * g.oh, size, df, [&](int64_t first, int64_t last, float* __restrict a) {
    for (int64_t row = first; row < last; ++row) {
      const int64_t b = row / g.oh, oy = row % g.oh;
      for (int64_t ox = 0; ox < g.ow; ++ox) {
        const float* __restrict gp = dy + (row * g.ow + ox) * co;
        forEachTap(g, oy, ox, [&](int64_t tap, int64_t iy, int64_t ix) {
          const float* __restrict xp = x + ((b * g.h + iy) * g.w + ix) * c;
          float* __restrict ap = a + tap * c * co;
          for (int64_t i = 0; i < c; ++i) {
            const float v = xp[i];
            float* __restrict ar = ap + i * co;
#pragma omp simd
            for (int64_t j = 0; j < co; ++j) ar[j] += v * gp[j];
          }
        });
      }
    }
  });
}

#ifdef NAS_POINTWISE_AVX

// out[p][8g..8g+7] (+)= sum_j a[p * aP + j * aK] * w[j * wK + 8g..]: P rows × G vectors of 8 in
// registers, k terms; each a value is broadcast against G weight vectors.
template <int P, int G, bool Accumulate>
inline void tile(const float* a, int64_t aP, int64_t aK, const float* w, int64_t wK, int64_t k, float* out, int64_t outP) {
  __m256 acc[P][G];
#pragma GCC unroll 8
  for (int p = 0; p < P; ++p)
#pragma GCC unroll 4
    for (int q = 0; q < G; ++q) acc[p][q] = _mm256_setzero_ps();
  for (int64_t j = 0; j < k; ++j) {
    __m256 wv[G];
#pragma GCC unroll 4
    for (int q = 0; q < G; ++q) wv[q] = _mm256_loadu_ps(w + j * wK + q * 8);
#pragma GCC unroll 8
    for (int p = 0; p < P; ++p) {
      const __m256 av = _mm256_broadcast_ss(a + p * aP + j * aK);
#pragma GCC unroll 4
      for (int q = 0; q < G; ++q) acc[p][q] = _mm256_fmadd_ps(av, wv[q], acc[p][q]);
    }
  }
#pragma GCC unroll 8
  for (int p = 0; p < P; ++p)
#pragma GCC unroll 4
    for (int q = 0; q < G; ++q) {
      float* o = out + p * outP + q * 8;
      _mm256_storeu_ps(o, Accumulate ? _mm256_add_ps(_mm256_loadu_ps(o), acc[p][q]) : acc[p][q]);
    }
}

// Vectors of 8 per register tile for n channels (a multiple of 8): the largest of 4, 3, 2, 1 dividing n / 8.
int groupOf(int64_t n) {
  const int64_t v = n / 8;
  return v % 4 == 0 ? 4 : v % 3 == 0 ? 3 : v % 2 == 0 ? 2 : 1;
}

bool pointwise(const Geometry& g) {
  return g.fh == 1 && g.fw == 1 && g.pt == 0 && g.pl == 0 && g.c % 8 == 0 && g.co % 8 == 0 && g.sh == g.sw &&
         (g.oh - 1) * g.sh < g.h && (g.ow - 1) * g.sw < g.w && (g.sw > 1 || (g.oh == g.h && g.ow == g.w));
}

// out[pixel] = x[pixel · s] · f, f being [c, co].
template <int G>
void pointwiseForwardRows(const Geometry& g, const float* x, const float* f, float* out, int64_t first, int64_t last) {
  constexpr int P = G == 1 ? 8 : G == 4 ? 3 : 4;
  const int64_t c = g.c, co = g.co, s = g.sw;
  for (int64_t row = first; row < last; ++row) {
    const int64_t b = row / g.oh, oy = row % g.oh;
    const float* xr = x + (b * g.h + oy * s) * g.w * c;
    float* o = out + row * g.ow * co;
    for (int64_t v = 0; v < co; v += 8 * G) {
      int64_t ox = 0;
      for (; ox + P <= g.ow; ox += P) tile<P, G, false>(xr + ox * s * c, s * c, 1, f + v, co, c, o + ox * co + v, co);
      for (; ox < g.ow; ++ox) tile<1, G, false>(xr + ox * s * c, s * c, 1, f + v, co, c, o + ox * co + v, co);
    }
  }
}

// dx[pixel] = dy[pixel / s] · fᵀ where both coordinates are multiples of s, else 0; fᵀ is [co, c].
template <int G>
void pointwiseInputRows(const Geometry& g, const float* dy, const float* ft, float* dx, int64_t first, int64_t last) {
  constexpr int P = G == 1 ? 8 : G == 4 ? 3 : 4;
  const int64_t c = g.c, co = g.co, s = g.sw;
  for (int64_t row = first; row < last; ++row) {
    const int64_t b = row / g.h, iy = row % g.h;
    float* d = dx + row * g.w * c;
    if (s > 1)
      for (int64_t i = 0; i < g.w * c; ++i) d[i] = 0.f;
    if (iy % s != 0 || iy / s >= g.oh) continue;
    const float* gr = dy + (b * g.oh + iy / s) * g.ow * co;
    for (int64_t v = 0; v < c; v += 8 * G) {
      int64_t ox = 0;
      for (; ox + P <= g.ow; ox += P) tile<P, G, false>(gr + ox * co, co, 1, ft + v, c, co, d + ox * s * c + v, s * c);
      for (; ox < g.ow; ++ox) tile<1, G, false>(gr + ox * co, co, 1, ft + v, c, co, d + ox * s * c + v, s * c);
    }
  }
}

// df[i][j] += x[pixel][i] · dy[pixel][j] over the rows' pixels; stride 1 takes the rows as one run
// (the rows of one fixed reduction chunk, so the run lengths do not depend on the threads).
template <int G>
void pointwiseFilterRows(const Geometry& g, const float* x, const float* dy, float* a, int64_t first, int64_t last) {
  constexpr int P = G == 1 ? 8 : G == 4 ? 2 : 4;
  const int64_t c = g.c, co = g.co, s = g.sw;
  auto run = [&](const float* xs, int64_t xStep, const float* gs, int64_t k) {
    for (int64_t i = 0; i < c; i += P)
      for (int64_t v = 0; v < co; v += 8 * G) tile<P, G, true>(xs + i, 1, xStep, gs + v, co, k, a + i * co + v, co);
  };
  if (s == 1) return run(x + first * g.w * c, c, dy + first * g.ow * co, (last - first) * g.ow);
  for (int64_t row = first; row < last; ++row) {
    const int64_t b = row / g.oh, oy = row % g.oh;
    run(x + (b * g.h + oy * s) * g.w * c, s * c, dy + row * g.ow * co, g.ow);
  }
}

#endif  // NAS_POINTWISE_AVX

}  // namespace

void conv2dForward(int threads, const Geometry& g, const float* x, const float* f, float* out) {
#ifdef NAS_POINTWISE_AVX
  if (pointwise(g)) {
    const int group = groupOf(g.co);
    auto rows = group == 4 ? pointwiseForwardRows<4> : group == 3 ? pointwiseForwardRows<3> : group == 2 ? pointwiseForwardRows<2> : pointwiseForwardRows<1>;
    parallelFor(threads, g.n * g.oh, [&](int64_t first, int64_t last) { rows(g, x, f, out, first, last); });
    return;
  }
#endif
  forwardGeneric(threads, g, x, f, out);
}

void conv2dBackpropInput(int threads, const Geometry& g, const float* dy, const float* f, float* dx) {
#ifdef NAS_POINTWISE_AVX
  if (pointwise(g)) {
    std::vector<float> ft(g.c * g.co);
    for (int64_t i = 0; i < g.c; ++i)
      for (int64_t j = 0; j < g.co; ++j) ft[j * g.c + i] = f[i * g.co + j];
    const int group = groupOf(g.c);
    auto rows = group == 4 ? pointwiseInputRows<4> : group == 3 ? pointwiseInputRows<3> : group == 2 ? pointwiseInputRows<2> : pointwiseInputRows<1>;
    parallelFor(threads, g.n * g.h, [&](int64_t first, int64_t last) { rows(g, dy, ft.data(), dx, first, last); });
    return;
  }
#endif
  backpropInputGeneric(threads, g, dy, f, dx);
}

void conv2dBackpropFilter(int threads, const Geometry& g, const float* x, const float* dy, float* df) {
#ifdef NAS_POINTWISE_AVX
  if (pointwise(g)) {
    const int group = groupOf(g.co);
    auto rows = group == 4 ? pointwiseFilterRows<4> : group == 3 ? pointwiseFilterRows<3> : group == 2 ? pointwiseFilterRows<2> : pointwiseFilterRows<1>;
    parallelReduce(threads, g.n * g.oh, g.c * g.co, df, [&](int64_t first, int64_t last, float* a) { rows(g, x, dy, a, first, last); });
    return;
  }
#endif
  backpropFilterGeneric(threads, g, x, dy, df);
}

}  // namespace nas

// Depthwise convolution (channel multiplier 1), NHWC: the channel loop is innermost and
// contiguous, so it vectorises; rows of (batch, output row) are spread over the threads.
#include <vector>

#include "kernels.h"

namespace nas {

void depthwiseForward(int threads, const Geometry& g, const float* x, const float* f, float* out) {
  const int64_t c = g.c;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t row = 0; row < g.n * g.oh; ++row) {
    const int64_t b = row / g.oh, oy = row % g.oh;
    for (int64_t ox = 0; ox < g.ow; ++ox) {
      float* __restrict o = out + (row * g.ow + ox) * c;
      for (int64_t ch = 0; ch < c; ++ch) o[ch] = 0.f;
      for (int64_t kh = 0; kh < g.fh; ++kh) {
        const int64_t iy = oy * g.sh - g.pt + kh * g.dh;
        if (iy < 0 || iy >= g.h) continue;
        for (int64_t kw = 0; kw < g.fw; ++kw) {
          const int64_t ix = ox * g.sw - g.pl + kw * g.dw;
          if (ix < 0 || ix >= g.w) continue;
          const float* __restrict xp = x + ((b * g.h + iy) * g.w + ix) * c;
          const float* __restrict fp = f + (kh * g.fw + kw) * c;
#pragma omp simd
          for (int64_t ch = 0; ch < c; ++ch) o[ch] += xp[ch] * fp[ch];
        }
      }
    }
  }
}

// Gathers, for each input pixel, the output pixels whose window covers it: no write conflicts.
void depthwiseBackpropInput(int threads, const Geometry& g, const float* dy, const float* f, float* dx) {
  const int64_t c = g.c;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t row = 0; row < g.n * g.h; ++row) {
    const int64_t b = row / g.h, iy = row % g.h;
    for (int64_t ix = 0; ix < g.w; ++ix) {
      float* __restrict d = dx + (row * g.w + ix) * c;
      for (int64_t ch = 0; ch < c; ++ch) d[ch] = 0.f;
      for (int64_t kh = 0; kh < g.fh; ++kh) {
        const int64_t ty = iy + g.pt - kh * g.dh;
        if (ty < 0 || ty % g.sh != 0 || ty / g.sh >= g.oh) continue;
        const int64_t oy = ty / g.sh;
        for (int64_t kw = 0; kw < g.fw; ++kw) {
          const int64_t tx = ix + g.pl - kw * g.dw;
          if (tx < 0 || tx % g.sw != 0 || tx / g.sw >= g.ow) continue;
          const float* __restrict gp = dy + ((b * g.oh + oy) * g.ow + tx / g.sw) * c;
          const float* __restrict fp = f + (kh * g.fw + kw) * c;
#pragma omp simd
          for (int64_t ch = 0; ch < c; ++ch) d[ch] += gp[ch] * fp[ch];
        }
      }
    }
  }
}

// Each thread sums into its own fh*fw*c buffer (a few KB), then the buffers are added.
void depthwiseBackpropFilter(int threads, const Geometry& g, const float* x, const float* dy, float* df) {
  const int64_t c = g.c, size = g.fh * g.fw * c;
  for (int64_t i = 0; i < size; ++i) df[i] = 0.f;
#pragma omp parallel num_threads(threads)
  {
    std::vector<float> acc(size, 0.f);
    float* __restrict a = acc.data();
#pragma omp for schedule(static) nowait
    for (int64_t row = 0; row < g.n * g.oh; ++row) {
      const int64_t b = row / g.oh, oy = row % g.oh;
      for (int64_t kh = 0; kh < g.fh; ++kh) {
        const int64_t iy = oy * g.sh - g.pt + kh * g.dh;
        if (iy < 0 || iy >= g.h) continue;
        for (int64_t ox = 0; ox < g.ow; ++ox) {
          const float* __restrict gp = dy + (row * g.ow + ox) * c;
          for (int64_t kw = 0; kw < g.fw; ++kw) {
            const int64_t ix = ox * g.sw - g.pl + kw * g.dw;
            if (ix < 0 || ix >= g.w) continue;
            const float* __restrict xp = x + ((b * g.h + iy) * g.w + ix) * c;
            float* __restrict ap = a + (kh * g.fw + kw) * c;
#pragma omp simd
            for (int64_t ch = 0; ch < c; ++ch) ap[ch] += xp[ch] * gp[ch];
          }
        }
      }
    }
#pragma omp critical
    for (int64_t i = 0; i < size; ++i) df[i] += a[i];
  }
}

}  // namespace nas

// Dense 2-D convolution, NHWC, filter [fh, fw, c, co]: output channels innermost, so each input
// value is broadcast against a contiguous filter row and the co loop vectorises.
#include <vector>

#include "kernels.h"
#include "parallel.h"

namespace nas {

void conv2dForward(int threads, const Geometry& g, const float* x, const float* f, float* out) {
  const int64_t c = g.c, co = g.co;
  parallelFor(threads, g.n * g.oh, [&](int, int64_t first, int64_t last) {
    for (int64_t row = first; row < last; ++row) {
      const int64_t b = row / g.oh, oy = row % g.oh;
      for (int64_t ox = 0; ox < g.ow; ++ox) {
        float* __restrict o = out + (row * g.ow + ox) * co;
        for (int64_t j = 0; j < co; ++j) o[j] = 0.f;
        for (int64_t kh = 0; kh < g.fh; ++kh) {
          const int64_t iy = oy * g.sh - g.pt + kh * g.dh;
          if (iy < 0 || iy >= g.h) continue;
          for (int64_t kw = 0; kw < g.fw; ++kw) {
            const int64_t ix = ox * g.sw - g.pl + kw * g.dw;
            if (ix < 0 || ix >= g.w) continue;
            const float* __restrict xp = x + ((b * g.h + iy) * g.w + ix) * c;
            const float* __restrict fp = f + (kh * g.fw + kw) * c * co;
            for (int64_t i = 0; i < c; ++i) {
              const float v = xp[i];
              const float* __restrict fr = fp + i * co;
#pragma omp simd
              for (int64_t j = 0; j < co; ++j) o[j] += v * fr[j];
            }
          }
        }
      }
    }
  });
}

// The filter is first transposed to [fh, fw, co, c] so that the gather runs along c.
void conv2dBackpropInput(int threads, const Geometry& g, const float* dy, const float* f, float* dx) {
  const int64_t c = g.c, co = g.co, taps = g.fh * g.fw;
  std::vector<float> transposed(taps * c * co);
  for (int64_t t = 0; t < taps; ++t)
    for (int64_t i = 0; i < c; ++i)
      for (int64_t j = 0; j < co; ++j) transposed[(t * co + j) * c + i] = f[(t * c + i) * co + j];
  const float* ft = transposed.data();
  parallelFor(threads, g.n * g.h, [&](int, int64_t first, int64_t last) {
    for (int64_t row = first; row < last; ++row) {
      const int64_t b = row / g.h, iy = row % g.h;
      for (int64_t ix = 0; ix < g.w; ++ix) {
        float* __restrict d = dx + (row * g.w + ix) * c;
        for (int64_t i = 0; i < c; ++i) d[i] = 0.f;
        for (int64_t kh = 0; kh < g.fh; ++kh) {
          const int64_t ty = iy + g.pt - kh * g.dh;
          if (ty < 0 || ty % g.sh != 0 || ty / g.sh >= g.oh) continue;
          for (int64_t kw = 0; kw < g.fw; ++kw) {
            const int64_t tx = ix + g.pl - kw * g.dw;
            if (tx < 0 || tx % g.sw != 0 || tx / g.sw >= g.ow) continue;
            const float* __restrict gp = dy + ((b * g.oh + ty / g.sh) * g.ow + tx / g.sw) * co;
            const float* __restrict fp = ft + (kh * g.fw + kw) * co * c;
            for (int64_t j = 0; j < co; ++j) {
              const float v = gp[j];
              const float* __restrict fr = fp + j * c;
#pragma omp simd
              for (int64_t i = 0; i < c; ++i) d[i] += v * fr[i];
            }
          }
        }
      }
    }
  });
}

void conv2dBackpropFilter(int threads, const Geometry& g, const float* x, const float* dy, float* df) {
  const int64_t c = g.c, co = g.co, size = g.fh * g.fw * c * co;
  std::vector<float> buffers(size_t(threads) * size, 0.f);
  parallelFor(threads, g.n * g.oh, [&](int slot, int64_t first, int64_t last) {
    float* __restrict a = buffers.data() + slot * size;
    for (int64_t row = first; row < last; ++row) {
      const int64_t b = row / g.oh, oy = row % g.oh;
      for (int64_t kh = 0; kh < g.fh; ++kh) {
        const int64_t iy = oy * g.sh - g.pt + kh * g.dh;
        if (iy < 0 || iy >= g.h) continue;
        for (int64_t ox = 0; ox < g.ow; ++ox) {
          const float* __restrict gp = dy + (row * g.ow + ox) * co;
          for (int64_t kw = 0; kw < g.fw; ++kw) {
            const int64_t ix = ox * g.sw - g.pl + kw * g.dw;
            if (ix < 0 || ix >= g.w) continue;
            const float* __restrict xp = x + ((b * g.h + iy) * g.w + ix) * c;
            float* __restrict ap = a + (kh * g.fw + kw) * c * co;
            for (int64_t i = 0; i < c; ++i) {
              const float v = xp[i];
              float* __restrict ar = ap + i * co;
#pragma omp simd
              for (int64_t j = 0; j < co; ++j) ar[j] += v * gp[j];
            }
          }
        }
      }
    }
  });
  for (int64_t i = 0; i < size; ++i) df[i] = buffers[i];
  for (int slot = 1; slot < threads; ++slot)
    for (int64_t i = 0; i < size; ++i) df[i] += buffers[slot * size + i];
}

}  // namespace nas

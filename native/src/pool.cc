// Pooling gradients, NHWC. Work is split into (batch, block of channels) tasks: a task owns its
// slice of dx, so scattering into overlapping windows needs no locks.
#include <algorithm>
#include <limits>

#include "kernels.h"
#include "parallel.h"

namespace nas {
namespace {

constexpr int64_t kChannelBlock = 8;

int64_t tasksOf(const Geometry& g) { return g.n * ((g.c + kChannelBlock - 1) / kChannelBlock); }

}  // namespace

// dy goes to the first strictly largest element of each window, as tfjs's cpu kernel does.
void maxPoolGrad(int threads, const Geometry& g, const float* x, const float* dy, float* dx) {
  const int64_t c = g.c, blocks = (c + kChannelBlock - 1) / kChannelBlock;
  parallelFor(threads, tasksOf(g), [&](int64_t first, int64_t last) {
    for (int64_t task = first; task < last; ++task) {
      const int64_t b = task / blocks, c0 = (task % blocks) * kChannelBlock, c1 = std::min(c, c0 + kChannelBlock);
      const float* xb = x + b * g.h * g.w * c;
      float* dxb = dx + b * g.h * g.w * c;
      for (int64_t i = 0; i < g.h * g.w; ++i)
        for (int64_t ch = c0; ch < c1; ++ch) dxb[i * c + ch] = 0.f;
      for (int64_t oy = 0; oy < g.oh; ++oy) {
        for (int64_t ox = 0; ox < g.ow; ++ox) {
          float best[kChannelBlock];
          int64_t where[kChannelBlock];
          std::fill(best, best + kChannelBlock, -std::numeric_limits<float>::infinity());
          std::fill(where, where + kChannelBlock, int64_t(-1));
          forEachTap(g, oy, ox, [&](int64_t, int64_t iy, int64_t ix) {
            const int64_t pixel = iy * g.w + ix;
            for (int64_t ch = c0; ch < c1; ++ch) {
              const float v = xb[pixel * c + ch];
              if (v > best[ch - c0]) {
                best[ch - c0] = v;
                where[ch - c0] = pixel;
              }
            }
          });
          const float* gp = dy + ((b * g.oh + oy) * g.ow + ox) * c;
          for (int64_t ch = c0; ch < c1; ++ch)
            if (where[ch - c0] >= 0) dxb[where[ch - c0] * c + ch] += gp[ch];
        }
      }
    }
  });
}

void avgPoolGrad(int threads, const Geometry& g, bool excludePad, const float* dy, float* dx) {
  const int64_t c = g.c, blocks = (c + kChannelBlock - 1) / kChannelBlock;
  parallelFor(threads, tasksOf(g), [&](int64_t first, int64_t last) {
    for (int64_t task = first; task < last; ++task) {
      const int64_t b = task / blocks, c0 = (task % blocks) * kChannelBlock, c1 = std::min(c, c0 + kChannelBlock);
      float* dxb = dx + b * g.h * g.w * c;
      for (int64_t i = 0; i < g.h * g.w; ++i)
        for (int64_t ch = c0; ch < c1; ++ch) dxb[i * c + ch] = 0.f;
      for (int64_t oy = 0; oy < g.oh; ++oy) {
        int64_t rows = 0;
        for (int64_t kh = 0; kh < g.fh; ++kh) {
          const int64_t iy = oy * g.sh - g.pt + kh * g.dh;
          rows += (iy >= 0 && iy < g.h);
        }
        for (int64_t ox = 0; ox < g.ow; ++ox) {
          int64_t cols = 0;
          for (int64_t kw = 0; kw < g.fw; ++kw) {
            const int64_t ix = ox * g.sw - g.pl + kw * g.dw;
            cols += (ix >= 0 && ix < g.w);
          }
          const int64_t count = excludePad ? rows * cols : g.fh * g.fw;
          if (count == 0) continue;
          const float scale = 1.f / float(count);
          const float* gp = dy + ((b * g.oh + oy) * g.ow + ox) * c;
          forEachTap(g, oy, ox, [&](int64_t, int64_t iy, int64_t ix) {
            float* dp = dxb + (iy * g.w + ix) * c;
            for (int64_t ch = c0; ch < c1; ++ch) dp[ch] += gp[ch] * scale;
          });
        }
      }
    }
  });
}

}  // namespace nas

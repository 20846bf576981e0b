// Batch normalisation in training mode without affine parameters: x seen as [rows, c] (NHWC, the
// statistics per channel over every other axis). The pool (parallel.h) shares out blocks of
// kBlockRows rows; each block is summed in float (vectorised over channels) into its own slot, and
// the block sums are added in double in block order at the end: no locks, the rounding of a short
// float sum only, and the same bits whatever thread took which block (parallel.h, determinism).
#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels.h"
#include "parallel.h"

namespace nas {
namespace {

constexpr int64_t kBlockRows = 256;
constexpr double kEps = 1e-5;

// Σ over rows [b0, b1) of what addRow(first element of the row, acc) adds into acc [kTerms][c];
// the result goes to block. A compile-time channel count keeps the sums in registers across rows.
template <int64_t kC, int64_t kTerms, typename AddRow>
void sumRows(int64_t b0, int64_t b1, int64_t c, float* __restrict block, AddRow addRow) {
  if constexpr (kC > 0) {
    float local[kTerms * kC] = {};
    for (int64_t r = b0; r < b1; ++r) addRow(r * kC, local);
    std::copy(local, local + kTerms * kC, block);
  } else {
    std::fill(block, block + kTerms * c, 0.f);
    for (int64_t r = b0; r < b1; ++r) addRow(r * c, block);
  }
}

// Σ over all rows of addRow (see sumRows); returns kTerms*c doubles. Blocks of kBlockRows rows are
// shared out by the pool; each block's float sums go to its own slot, added in block order.
template <int64_t kC, int64_t kTerms, typename AddRow>
std::vector<double> channelSums(int threads, int64_t rows, int64_t c, AddRow addRow) {
  const int64_t width = kTerms * c;
  const int64_t blocks = (rows + kBlockRows - 1) / kBlockRows;
  std::vector<float> blockSums(size_t(blocks) * width);
  parallelFor(threads, blocks, [&](int64_t first, int64_t last) {
    for (int64_t b = first; b < last; ++b) {
      const int64_t b0 = b * kBlockRows;
      sumRows<kC, kTerms>(b0, std::min(rows, b0 + kBlockRows), c, blockSums.data() + b * width, addRow);
    }
  });
  std::vector<double> total(width, 0.0);
  for (int64_t b = 0; b < blocks; ++b)
    for (int64_t j = 0; j < width; ++j) total[j] += blockSums[b * width + j];
  return total;
}

// kC > 0: the channel count known at compile time, so the per-row loops unroll into a few vector
// operations (the reference supernet's C = 8 rows are otherwise mostly loop overhead).
template <int64_t kC>
void train(int threads, int64_t rows, int64_t channels, const float* x, float* y, float* invStd) {
  const int64_t c = kC > 0 ? kC : channels;
  const std::vector<double> sum = channelSums<kC, 1>(threads, rows, c, [&](int64_t i, float* __restrict acc) {
    for (int64_t ch = 0; ch < c; ++ch) acc[ch] += x[i + ch];
  });
  std::vector<float> mean(c);
  for (int64_t ch = 0; ch < c; ++ch) mean[ch] = float(sum[ch] / double(rows));
  const float* __restrict m = mean.data();
  const std::vector<double> squares = channelSums<kC, 1>(threads, rows, c, [&](int64_t i, float* __restrict acc) {
    for (int64_t ch = 0; ch < c; ++ch) {
      const float d = x[i + ch] - m[ch];
      acc[ch] += d * d;
    }
  });
  for (int64_t ch = 0; ch < c; ++ch) invStd[ch] = float(1.0 / std::sqrt(squares[ch] / double(rows) + kEps));
  parallelFor(threads, rows, [&](int64_t first, int64_t last) {
    for (int64_t r = first; r < last; ++r) {
      const float* __restrict xr = x + r * c;
      float* __restrict yr = y + r * c;
#pragma omp simd
      for (int64_t ch = 0; ch < c; ++ch) yr[ch] = (xr[ch] - m[ch]) * invStd[ch];
    }
  });
}

template <int64_t kC>
void trainGrad(int threads, int64_t rows, int64_t channels, const float* dy, const float* y, const float* invStd, float* dx) {
  const int64_t c = kC > 0 ? kC : channels;
  const std::vector<double> sums = channelSums<kC, 2>(threads, rows, c, [&](int64_t i, float* __restrict acc) {
#pragma omp simd
    for (int64_t ch = 0; ch < c; ++ch) {
      acc[ch] += dy[i + ch];
      acc[c + ch] += dy[i + ch] * y[i + ch];
    }
  });
  std::vector<float> meanDy(c), meanDot(c);
  for (int64_t ch = 0; ch < c; ++ch) {
    meanDy[ch] = float(sums[ch] / double(rows));
    meanDot[ch] = float(sums[c + ch] / double(rows));
  }
  const float* __restrict u = meanDy.data();
  const float* __restrict v = meanDot.data();
  const float* __restrict s = invStd;
  parallelFor(threads, rows, [&](int64_t first, int64_t last) {
    for (int64_t r = first; r < last; ++r) {
      const float* __restrict g = dy + r * c;
      const float* __restrict yr = y + r * c;
      float* __restrict out = dx + r * c;
#pragma omp simd
      for (int64_t ch = 0; ch < c; ++ch) out[ch] = s[ch] * (g[ch] - u[ch] - yr[ch] * v[ch]);
    }
  });
}

}  // namespace

#define BY_CHANNELS(fn, c, ...)          \
  switch (c) {                           \
    case 8: return fn<8>(__VA_ARGS__);   \
    case 16: return fn<16>(__VA_ARGS__); \
    case 24: return fn<24>(__VA_ARGS__); \
    case 32: return fn<32>(__VA_ARGS__); \
    default: return fn<0>(__VA_ARGS__);  \
  }

void batchNormTrain(int threads, int64_t rows, int64_t c, const float* x, float* y, float* invStd) {
  BY_CHANNELS(train, c, threads, rows, c, x, y, invStd)
}

void batchNormTrainGrad(int threads, int64_t rows, int64_t c, const float* dy, const float* y, const float* invStd,
                        float* dx) {
  BY_CHANNELS(trainGrad, c, threads, rows, c, dy, y, invStd, dx)
}

}  // namespace nas

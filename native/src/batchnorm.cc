// Batch normalisation in training mode without affine parameters: x seen as [rows, c] (NHWC, the
// statistics per channel over every other axis). Rows are split into one contiguous chunk per
// thread; each chunk sums blocks of kBlockRows rows in float (vectorised over channels) and adds
// the blocks into its own double partials, which are added at the end: no locks, and the rounding
// of a short float sum only.
#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels.h"

namespace nas {
namespace {

constexpr int64_t kBlockRows = 256;
constexpr double kEps = 1e-5;

// Σ over rows of what addRow(row, block) adds into `terms` float accumulators of c channels each;
// returns terms*c doubles.
template <typename AddRow>
std::vector<double> channelSums(int threads, int64_t rows, int64_t c, int64_t terms, AddRow addRow) {
  const int64_t width = terms * c;
  std::vector<double> partial(size_t(threads) * width, 0.0);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int t = 0; t < threads; ++t) {
    const int64_t r0 = rows * t / threads, r1 = rows * (t + 1) / threads;
    std::vector<float> block(width);
    double* mine = partial.data() + t * width;
    for (int64_t b0 = r0; b0 < r1; b0 += kBlockRows) {
      std::fill(block.begin(), block.end(), 0.f);
      const int64_t b1 = std::min(r1, b0 + kBlockRows);
      for (int64_t r = b0; r < b1; ++r) addRow(r, block.data());
      for (int64_t j = 0; j < width; ++j) mine[j] += block[j];
    }
  }
  std::vector<double> total(width, 0.0);
  for (int t = 0; t < threads; ++t)
    for (int64_t j = 0; j < width; ++j) total[j] += partial[t * width + j];
  return total;
}

}  // namespace

void batchNormTrain(int threads, int64_t rows, int64_t c, const float* x, float* y, float* invStd) {
  const std::vector<double> sum = channelSums(threads, rows, c, 1, [&](int64_t r, float* __restrict acc) {
    const float* __restrict xr = x + r * c;
    for (int64_t ch = 0; ch < c; ++ch) acc[ch] += xr[ch];
  });
  std::vector<float> mean(c);
  for (int64_t ch = 0; ch < c; ++ch) mean[ch] = float(sum[ch] / double(rows));
  const float* m = mean.data();
  const std::vector<double> squares = channelSums(threads, rows, c, 1, [&](int64_t r, float* __restrict acc) {
    const float* __restrict xr = x + r * c;
    for (int64_t ch = 0; ch < c; ++ch) {
      const float d = xr[ch] - m[ch];
      acc[ch] += d * d;
    }
  });
  for (int64_t ch = 0; ch < c; ++ch) invStd[ch] = float(1.0 / std::sqrt(squares[ch] / double(rows) + kEps));
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t r = 0; r < rows; ++r) {
    const float* __restrict xr = x + r * c;
    float* __restrict yr = y + r * c;
    for (int64_t ch = 0; ch < c; ++ch) yr[ch] = (xr[ch] - m[ch]) * invStd[ch];
  }
}

void batchNormTrainGrad(int threads, int64_t rows, int64_t c, const float* dy, const float* y, const float* invStd,
                        float* dx) {
  const std::vector<double> sums = channelSums(threads, rows, c, 2, [&](int64_t r, float* __restrict acc) {
    const float* __restrict g = dy + r * c;
    const float* __restrict yr = y + r * c;
    for (int64_t ch = 0; ch < c; ++ch) {
      acc[ch] += g[ch];
      acc[c + ch] += g[ch] * yr[ch];
    }
  });
  std::vector<float> meanDy(c), meanDot(c);
  for (int64_t ch = 0; ch < c; ++ch) {
    meanDy[ch] = float(sums[ch] / double(rows));
    meanDot[ch] = float(sums[c + ch] / double(rows));
  }
  const float* u = meanDy.data();
  const float* v = meanDot.data();
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t r = 0; r < rows; ++r) {
    const float* __restrict g = dy + r * c;
    const float* __restrict yr = y + r * c;
    float* __restrict out = dx + r * c;
    for (int64_t ch = 0; ch < c; ++ch) out[ch] = invStd[ch] * (g[ch] - u[ch] - yr[ch] * v[ch]);
  }
}

}  // namespace nas

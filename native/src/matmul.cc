// Batched matrix product. Transposed operands are first packed to row-major A [m, k] and
// B [k, n]; the product then updates four rows of the output per pass over a row of B, with the
// n loop vectorised, and k split in blocks so the rows of B in use stay in cache.
#include <algorithm>
#include <vector>

#include "kernels.h"
#include "parallel.h"

namespace nas {
namespace {

constexpr int64_t kRows = 4;
constexpr int64_t kDepth = 256;

// src is [batch, cols, rows] (rows x cols transposed); dst becomes [batch, rows, cols].
std::vector<float> packTransposed(int threads, const float* src, int64_t batch, int64_t rows, int64_t cols) {
  std::vector<float> dst(batch * rows * cols);
  float* d = dst.data();
  parallelFor(threads, batch * rows, [&](int64_t first, int64_t last) {
    for (int64_t br = first; br < last; ++br) {
      const int64_t b = br / rows, r = br % rows;
      const float* s = src + b * rows * cols;
      float* out = d + br * cols;
      for (int64_t q = 0; q < cols; ++q) out[q] = s[q * rows + r];
    }
  });
  return dst;
}

void rowsTimesMatrix(const float* a, const float* b, float* out, int64_t rows, int64_t k, int64_t n) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < n; ++j) out[r * n + j] = 0.f;
  for (int64_t k0 = 0; k0 < k; k0 += kDepth) {
    const int64_t k1 = std::min(k, k0 + kDepth);
    if (rows == kRows) {
      float* __restrict o0 = out;
      float* __restrict o1 = out + n;
      float* __restrict o2 = out + 2 * n;
      float* __restrict o3 = out + 3 * n;
      for (int64_t p = k0; p < k1; ++p) {
        const float a0 = a[p], a1 = a[k + p], a2 = a[2 * k + p], a3 = a[3 * k + p];
        const float* __restrict br = b + p * n;
#pragma omp simd
        for (int64_t j = 0; j < n; ++j) {
          const float v = br[j];
          o0[j] += a0 * v;
          o1[j] += a1 * v;
          o2[j] += a2 * v;
          o3[j] += a3 * v;
        }
      }
    } else {
      for (int64_t r = 0; r < rows; ++r) {
        float* __restrict o = out + r * n;
        for (int64_t p = k0; p < k1; ++p) {
          const float av = a[r * k + p];
          const float* __restrict br = b + p * n;
#pragma omp simd
          for (int64_t j = 0; j < n; ++j) o[j] += av * br[j];
        }
      }
    }
  }
}

}  // namespace

void batchMatMul(int threads, int64_t batchA, int64_t batchB, int64_t m, int64_t k, int64_t n,
                 bool transposeA, bool transposeB, const float* a, const float* b, float* out) {
  std::vector<float> packedA, packedB;
  if (transposeA) {
    packedA = packTransposed(threads, a, batchA, m, k);
    a = packedA.data();
  }
  if (transposeB) {
    packedB = packTransposed(threads, b, batchB, k, n);
    b = packedB.data();
  }
  const int64_t batch = std::max(batchA, batchB), blocks = (m + kRows - 1) / kRows;
  parallelFor(threads, batch * blocks, [&](int64_t first, int64_t last) {
    for (int64_t task = first; task < last; ++task) {
      const int64_t bi = task / blocks, r0 = (task % blocks) * kRows, rows = std::min(kRows, m - r0);
      const float* ab = a + (batchA == 1 ? 0 : bi) * m * k;
      const float* bb = b + (batchB == 1 ? 0 : bi) * k * n;
      rowsTimesMatrix(ab + r0 * k, bb, out + (bi * m + r0) * n, rows, k, n);
    }
  });
}

}  // namespace nas

// Strided row copies: a channel concat of NHWC tensors (each input's rows into a slice of the
// output's) and its gradient SplitV (the reverse). A DARTS cell's output concatenates its 4 nodes
// along 8–16 channels, so the rows are short (32–64 bytes) and many (N·H·W); the copy is memory
// bound, so both threads help only on large tensors (the glue's work threshold).
#include <cstring>

#include "kernels.h"
#include "parallel.h"

namespace nas {

void copyRows(int threads, int64_t rows, int64_t width, const float* src, int64_t srcStride, float* dst,
              int64_t dstStride) {
  // Blocks of rows: one task per ~16 KiB of output keeps the pool's chunk overhead negligible.
  const int64_t perTask = std::max<int64_t>(1, 4096 / std::max<int64_t>(1, width));
  const int64_t tasks = (rows + perTask - 1) / perTask;
  parallelFor(threads, tasks, [&](int64_t first, int64_t last) {
    const int64_t end = std::min(rows, last * perTask);
    for (int64_t r = first * perTask; r < end; ++r) std::memcpy(dst + r * dstStride, src + r * srcStride, size_t(width) * 4);
  });
}

}  // namespace nas

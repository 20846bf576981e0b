// Kernels that work in place on the wasm heap. Every tensor is float32, NHWC, addressed by its
// byte offset into the heap; the glue (addon.cc) has checked that each range lies inside the heap.
#pragma once
#include <cstddef>
#include <cstdint>

namespace nas {

// One 2-D window geometry shared by convolutions and pools: input [n,h,w,c], output [n,oh,ow,co].
struct Geometry {
  int64_t n, h, w, c, co;   // co: output channels (== c for depthwise and pools)
  int64_t fh, fw, oh, ow;   // filter and output sizes
  int64_t sh, sw, dh, dw;   // strides and dilations
  int64_t pt, pl;           // padding before the first row / column
};

// Calls fn(tap, iy, ix) for every tap (kh·fw + kw) of output pixel (oy, ox)'s window that lies
// inside the input: the window walk every generic (padding-checked) kernel shares.
template <typename F>
inline void forEachTap(const Geometry& g, int64_t oy, int64_t ox, F&& fn) {
  for (int64_t kh = 0; kh < g.fh; ++kh) {
    const int64_t iy = oy * g.sh - g.pt + kh * g.dh;
    if (iy < 0 || iy >= g.h) continue;
    for (int64_t kw = 0; kw < g.fw; ++kw) {
      const int64_t ix = ox * g.sw - g.pl + kw * g.dw;
      if (ix < 0 || ix >= g.w) continue;
      fn(kh * g.fw + kw, iy, ix);
    }
  }
}

// Calls fn(tap, oy, ox) for every output pixel whose window covers input pixel (iy, ix) at that
// tap: the gather every generic input gradient shares (each input pixel written by one thread).
template <typename F>
inline void forEachCoveringOutput(const Geometry& g, int64_t iy, int64_t ix, F&& fn) {
  for (int64_t kh = 0; kh < g.fh; ++kh) {
    const int64_t ty = iy + g.pt - kh * g.dh;
    if (ty < 0 || ty % g.sh != 0 || ty / g.sh >= g.oh) continue;
    for (int64_t kw = 0; kw < g.fw; ++kw) {
      const int64_t tx = ix + g.pl - kw * g.dw;
      if (tx < 0 || tx % g.sw != 0 || tx / g.sw >= g.ow) continue;
      fn(kh * g.fw + kw, ty / g.sh, tx / g.sw);
    }
  }
}

void depthwiseForward(int threads, const Geometry& g, const float* x, const float* f, float* out);
void depthwiseBackpropInput(int threads, const Geometry& g, const float* dy, const float* f, float* dx);
void depthwiseBackpropFilter(int threads, const Geometry& g, const float* x, const float* dy, float* df);

void maxPoolGrad(int threads, const Geometry& g, const float* x, const float* dy, float* dx);
// excludePad: divide by the in-bounds window size (count_include_pad=False) instead of fh*fw.
void avgPoolGrad(int threads, const Geometry& g, bool excludePad, const float* dy, float* dx);

void conv2dForward(int threads, const Geometry& g, const float* x, const float* f, float* out);
void conv2dBackpropInput(int threads, const Geometry& g, const float* dy, const float* f, float* dx);
void conv2dBackpropFilter(int threads, const Geometry& g, const float* x, const float* dy, float* df);

// out[b] = op(a[b or 0]) · op(b[b or 0]) with op = transpose when the flag is set; a batch of 1
// broadcasts. a is [batchA, m, k] ([batchA, k, m] transposed), b is [batchB, k, n] ([batchB, n, k]).
void batchMatMul(int threads, int64_t batchA, int64_t batchB, int64_t m, int64_t k, int64_t n,
                 bool transposeA, bool transposeB, const float* a, const float* b, float* out);

// Batch norm, training mode, no affine; x is [rows, c], statistics per channel (batchnorm.cc).
// y = (x - mean)·invStd, invStd = 1/sqrt(var + 1e-5), var biased from the centred values.
void batchNormTrain(int threads, int64_t rows, int64_t c, const float* x, float* y, float* invStd);
// dx = invStd·(dy - mean(dy) - y·mean(dy·y)).
void batchNormTrainGrad(int threads, int64_t rows, int64_t c, const float* dy, const float* y, const float* invStd,
                        float* dx);

// dst[r·dstStride + j] = src[r·srcStride + j] for r < rows, j < width (copy.cc): one input of a
// concat along the last axis, or one piece of its SplitV.
void copyRows(int threads, int64_t rows, int64_t width, const float* src, int64_t srcStride, float* dst,
              int64_t dstStride);

}  // namespace nas

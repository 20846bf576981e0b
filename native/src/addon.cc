// N-API glue: each export takes the wasm heap's ArrayBuffer, a thread count, byte offsets of its
// tensors and their shapes; it checks every range against the heap and runs the kernel in place.
#include <node_api.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "kernels.h"

namespace {

constexpr size_t kMaxArgs = 24;
constexpr int kGeometryArgs = 15;

struct Call {
  napi_env env;
  uint8_t* heap = nullptr;
  size_t heapBytes = 0;
  double args[kMaxArgs] = {};  // args[0] is the thread count; heap is not in here
  size_t count = 0;
};

napi_value fail(napi_env env, const std::string& message) {
  napi_throw_error(env, "NAS_NATIVE", message.c_str());
  return nullptr;
}

// Reads (heap, ...numbers); every number must be a finite non-negative integer.
bool readCall(napi_env env, napi_callback_info info, size_t expected, const char* name, Call& call) {
  size_t argc = kMaxArgs + 1;
  napi_value argv[kMaxArgs + 1];
  call.env = env;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return false;
  if (argc != expected + 1) {
    fail(env, std::string(name) + ": expected the heap and " + std::to_string(expected) + " numbers, got " +
                  std::to_string(argc) + " arguments");
    return false;
  }
  bool isBuffer = false;
  napi_is_arraybuffer(env, argv[0], &isBuffer);
  if (!isBuffer) {
    fail(env, std::string(name) + ": the first argument must be the wasm heap's ArrayBuffer (not shared)");
    return false;
  }
  void* data = nullptr;
  napi_get_arraybuffer_info(env, argv[0], &data, &call.heapBytes);
  call.heap = static_cast<uint8_t*>(data);
  if (call.heap == nullptr || call.heapBytes == 0) {
    fail(env, std::string(name) + ": the heap ArrayBuffer is detached; read backend.wasm.HEAPU8.buffer anew");
    return false;
  }
  for (size_t i = 0; i < expected; ++i) {
    double v = 0;
    if (napi_get_value_double(env, argv[i + 1], &v) != napi_ok || !std::isfinite(v) || v < 0 ||
        v != std::floor(v)) {
      fail(env, std::string(name) + ": argument " + std::to_string(i + 1) +
                    " must be a non-negative integer number");
      return false;
    }
    call.args[i] = v;
  }
  call.count = expected;
  return true;
}

// Below this many multiply-adds (tens of microseconds on one core) waking a second thread costs
// more than it saves.
constexpr double kParallelWork = 1 << 17;

int threadsFor(const Call& call, double work) {
  const int t = static_cast<int>(call.args[0]);
  return t < 1 || work < kParallelWork ? 1 : t;
}

// Multiply-adds of a window kernel: every output element visits fh*fw taps (times c for dense conv).
double workOf(const nas::Geometry& g, bool dense) {
  return double(g.n) * g.oh * g.ow * g.co * g.fh * g.fw * (dense ? g.c : 1);
}

// A float32 tensor of `elements` at byte offset args[index]; nullptr (and a thrown error) when the
// range is misaligned or leaves the heap.
float* tensorAt(const Call& call, size_t index, double elements, const char* name, const char* what) {
  const double offset = call.args[index];
  const double end = offset + elements * 4.0;
  if (std::fmod(offset, 4.0) != 0 || end > static_cast<double>(call.heapBytes)) {
    char message[256];
    std::snprintf(message, sizeof message, "%s: %s at byte %.0f (%.0f floats) lies outside the %zu-byte heap",
                  name, what, offset, elements, call.heapBytes);
    fail(call.env, message);
    return nullptr;
  }
  return reinterpret_cast<float*>(call.heap + static_cast<size_t>(offset));
}

nas::Geometry geometryAt(const Call& call, size_t first) {
  const double* a = call.args + first;
  auto i = [&](int k) { return static_cast<int64_t>(a[k]); };
  return nas::Geometry{i(0), i(1), i(2), i(3), i(4), i(5), i(6), i(7), i(8), i(9), i(10), i(11), i(12), i(13), i(14)};
}

bool validGeometry(const Call& call, const nas::Geometry& g, const char* name) {
  if (g.n < 1 || g.h < 1 || g.w < 1 || g.c < 1 || g.co < 1 || g.fh < 1 || g.fw < 1 || g.oh < 1 || g.ow < 1 ||
      g.sh < 1 || g.sw < 1 || g.dh < 1 || g.dw < 1) {
    fail(call.env, std::string(name) + ": every size, stride and dilation must be at least 1");
    return false;
  }
  return true;
}

double inputSize(const nas::Geometry& g) { return double(g.n) * g.h * g.w * g.c; }
double outputSize(const nas::Geometry& g) { return double(g.n) * g.oh * g.ow * g.co; }
double depthwiseFilterSize(const nas::Geometry& g) { return double(g.fh) * g.fw * g.c; }
double convFilterSize(const nas::Geometry& g) { return double(g.fh) * g.fw * g.c * g.co; }

enum class Role { Input, Output, DepthwiseFilter, ConvFilter };

double sizeOf(Role role, const nas::Geometry& g) {
  switch (role) {
    case Role::Input: return inputSize(g);
    case Role::Output: return outputSize(g);
    case Role::DepthwiseFilter: return depthwiseFilterSize(g);
    case Role::ConvFilter: return convFilterSize(g);
  }
  return 0;
}

using GeometryKernel = void (*)(int, const nas::Geometry&, const float*, const float*, float*);

// (heap, threads, off0, off1, off2, ...geometry): off0 and off1 are read, off2 is written.
napi_value runGeometryKernel(napi_env env, napi_callback_info info, const char* name, GeometryKernel kernel,
                             Role r0, Role r1, Role r2) {
  Call call;
  if (!readCall(env, info, 4 + kGeometryArgs, name, call)) return nullptr;
  const nas::Geometry g = geometryAt(call, 4);
  if (!validGeometry(call, g, name)) return nullptr;
  const float* t0 = tensorAt(call, 1, sizeOf(r0, g), name, "the first input");
  if (t0 == nullptr) return nullptr;
  const float* t1 = tensorAt(call, 2, sizeOf(r1, g), name, "the second input");
  if (t1 == nullptr) return nullptr;
  float* t2 = tensorAt(call, 3, sizeOf(r2, g), name, "the output");
  if (t2 == nullptr) return nullptr;
  const bool dense = r0 == Role::ConvFilter || r1 == Role::ConvFilter || r2 == Role::ConvFilter;
  kernel(threadsFor(call, workOf(g, dense)), g, t0, t1, t2);
  return nullptr;
}

#define GEOMETRY_EXPORT(fn, r0, r1, r2)                                        \
  napi_value fn##Export(napi_env env, napi_callback_info info) {               \
    return runGeometryKernel(env, info, #fn, nas::fn, Role::r0, Role::r1, Role::r2); \
  }

GEOMETRY_EXPORT(depthwiseForward, Input, DepthwiseFilter, Output)
GEOMETRY_EXPORT(depthwiseBackpropInput, Output, DepthwiseFilter, Input)
GEOMETRY_EXPORT(depthwiseBackpropFilter, Input, Output, DepthwiseFilter)
GEOMETRY_EXPORT(maxPoolGrad, Input, Output, Input)
GEOMETRY_EXPORT(conv2dForward, Input, ConvFilter, Output)
GEOMETRY_EXPORT(conv2dBackpropInput, Output, ConvFilter, Input)
GEOMETRY_EXPORT(conv2dBackpropFilter, Input, Output, ConvFilter)

// (heap, threads, dyOff, dxOff, excludePad, ...geometry)
napi_value avgPoolGradExport(napi_env env, napi_callback_info info) {
  const char* name = "avgPoolGrad";
  Call call;
  if (!readCall(env, info, 4 + kGeometryArgs, name, call)) return nullptr;
  const nas::Geometry g = geometryAt(call, 4);
  if (!validGeometry(call, g, name)) return nullptr;
  const float* dy = tensorAt(call, 1, outputSize(g), name, "dy");
  if (dy == nullptr) return nullptr;
  float* dx = tensorAt(call, 2, inputSize(g), name, "dx");
  if (dx == nullptr) return nullptr;
  nas::avgPoolGrad(threadsFor(call, workOf(g, false)), g, call.args[3] != 0, dy, dx);
  return nullptr;
}

// (heap, threads, aOff, bOff, outOff, batchA, batchB, m, k, n, transposeA, transposeB)
napi_value batchMatMulExport(napi_env env, napi_callback_info info) {
  const char* name = "batchMatMul";
  Call call;
  if (!readCall(env, info, 11, name, call)) return nullptr;
  const double* a = call.args;
  const int64_t batchA = int64_t(a[4]), batchB = int64_t(a[5]), m = int64_t(a[6]), k = int64_t(a[7]),
                n = int64_t(a[8]);
  if (batchA < 1 || batchB < 1 || m < 1 || k < 1 || n < 1 || (batchA != batchB && batchA != 1 && batchB != 1)) {
    return fail(env, "batchMatMul: sizes must be at least 1 and the batches equal or one of them 1");
  }
  const int64_t batch = batchA > batchB ? batchA : batchB;
  const float* lhs = tensorAt(call, 1, double(batchA) * m * k, name, "a");
  if (lhs == nullptr) return nullptr;
  const float* rhs = tensorAt(call, 2, double(batchB) * k * n, name, "b");
  if (rhs == nullptr) return nullptr;
  float* out = tensorAt(call, 3, double(batch) * m * n, name, "the output");
  if (out == nullptr) return nullptr;
  nas::batchMatMul(threadsFor(call, double(batch) * m * k * n), batchA, batchB, m, k, n, a[9] != 0, a[10] != 0, lhs, rhs, out);
  return nullptr;
}

// (heap, threads, xOff, yOff, invStdOff, rows, c) and (heap, threads, dyOff, yOff, invStdOff, dxOff, rows, c)
napi_value batchNormExport(napi_env env, napi_callback_info info, bool grad) {
  const char* name = grad ? "batchNormTrainGrad" : "batchNormTrain";
  Call call;
  const size_t tensors = grad ? 4 : 3;
  if (!readCall(env, info, tensors + 3, name, call)) return nullptr;
  const int64_t rows = int64_t(call.args[tensors + 1]), c = int64_t(call.args[tensors + 2]);
  if (rows < 1 || c < 1) return fail(env, std::string(name) + ": rows and channels must be at least 1");
  const double size = double(rows) * c;
  float* t[4] = {};
  const char* what[4] = {grad ? "dy" : "x", "y", "invStd", "dx"};
  for (size_t i = 0; i < tensors; ++i) {
    t[i] = tensorAt(call, i + 1, i == 2 ? double(c) : size, name, what[i]);
    if (t[i] == nullptr) return nullptr;
  }
  const int threads = threadsFor(call, size);
  if (grad) nas::batchNormTrainGrad(threads, rows, c, t[0], t[1], t[2], t[3]);
  else nas::batchNormTrain(threads, rows, c, t[0], t[1], t[2]);
  return nullptr;
}
napi_value batchNormTrainExport(napi_env env, napi_callback_info info) { return batchNormExport(env, info, false); }
napi_value batchNormTrainGradExport(napi_env env, napi_callback_info info) { return batchNormExport(env, info, true); }

// (heap, threads, srcOff, srcStride, dstOff, dstStride, rows, width): strides and width in floats.
napi_value copyRowsExport(napi_env env, napi_callback_info info) {
  const char* name = "copyRows";
  Call call;
  if (!readCall(env, info, 7, name, call)) return nullptr;
  const double* a = call.args;
  const int64_t srcStride = int64_t(a[2]), dstStride = int64_t(a[4]), rows = int64_t(a[5]), width = int64_t(a[6]);
  if (width > srcStride || width > dstStride) return fail(env, "copyRows: the width must not exceed either stride");
  if (rows == 0 || width == 0) return nullptr;
  const float* src = tensorAt(call, 1, double(rows - 1) * srcStride + width, name, "the source");
  if (src == nullptr) return nullptr;
  float* dst = tensorAt(call, 3, double(rows - 1) * dstStride + width, name, "the destination");
  if (dst == nullptr) return nullptr;
  nas::copyRows(threadsFor(call, double(rows) * width), rows, width, src, srcStride, dst, dstStride);
  return nullptr;
}

napi_value init(napi_env env, napi_value exports) {
  const napi_property_descriptor properties[] = {
      {"depthwiseForward", nullptr, depthwiseForwardExport, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"depthwiseBackpropInput", nullptr, depthwiseBackpropInputExport, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"depthwiseBackpropFilter", nullptr, depthwiseBackpropFilterExport, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maxPoolGrad", nullptr, maxPoolGradExport, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"avgPoolGrad", nullptr, avgPoolGradExport, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dForward", nullptr, conv2dForwardExport, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropInput", nullptr, conv2dBackpropInputExport, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropFilter", nullptr, conv2dBackpropFilterExport, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchMatMul", nullptr, batchMatMulExport, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormTrain", nullptr, batchNormTrainExport, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormTrainGrad", nullptr, batchNormTrainGradExport, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"copyRows", nullptr, copyRowsExport, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)

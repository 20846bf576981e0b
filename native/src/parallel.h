// A tiny persistent thread pool for the window kernels, built for a small, shared machine: the
// calling thread takes chunks of the work itself and never waits for a helper that has not joined
// yet, so a helper that is asleep or has lost its core to another process costs the call nothing
// (an OpenMP region waits at its barrier for every thread of the team: on a busy 2-core machine
// that was a whole scheduler slice, 4–16 ms, for kernels of 0.1–1 ms; docs/native.md).
#pragma once
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define NAS_PAUSE() _mm_pause()
#else
#define NAS_PAUSE() ((void)0)
#endif

namespace nas {

// body(begin, end). Which thread runs which range depends on scheduling, so a body must never
// accumulate into per-thread state: reductions go through parallelReduce (determinism, below).
using RangeBody = void (*)(void* context, int64_t begin, int64_t end);

class Pool {
 public:
  static Pool& instance() {
    static Pool* pool = new Pool();  // never destroyed: helpers may still be waiting at exit
    return *pool;
  }

  void run(int threads, int64_t count, RangeBody body, void* context) {
    if (threads <= 1 || count <= 1) {
      if (count > 0) body(context, 0, count);
      return;
    }
    if (busy_.test_and_set(std::memory_order_acquire)) {  // a call from another JS thread: run it here
      body(context, 0, count);
      return;
    }
    ensureHelpers(threads - 1);
    // Chunks of ~1/32 of a thread's share: a helper preempted inside its chunk (the one wait the
    // caller cannot avoid) holds up only a little work; never below one item.
    chunk_ = std::max<int64_t>(1, count / (int64_t(threads) * 32));
    count_ = count;
    next_.store(0, std::memory_order_relaxed);
    body_ = body;
    context_ = context;
    threads_ = threads;
    state_.store(0, std::memory_order_release);  // open: helpers may join
    // seq_cst with the helper's sleepers/generation pair below: no lost wake-up.
    generation_.fetch_add(1);
    if (sleepers_.load() > 0) {
      std::lock_guard<std::mutex> lock(mutex_);
      wake_.notify_all();
    }
    work();
    // Close the job once no helper is inside it; a helper that joined has claimed live chunks.
    uint32_t open = 0;
    while (!state_.compare_exchange_weak(open, kClosed, std::memory_order_acq_rel)) {
      open = 0;
      NAS_PAUSE();
    }
    busy_.clear(std::memory_order_release);
  }

 private:
  static constexpr uint32_t kClosed = 1u << 31;
  // Pause loops a helper spins for the next job before it sleeps (NAS_NATIVE_SPIN overrides):
  // 2000 × ~120 ns here ≈ 0.25 ms. Longer spins cost the step on a loaded machine (docs/native.md).
  int spin_ = 2000;

  Pool() {
    const char* spin = std::getenv("NAS_NATIVE_SPIN");
    if (spin != nullptr && *spin != 0) spin_ = std::atoi(spin);
  }

  void work() {
    for (;;) {
      const int64_t begin = next_.fetch_add(chunk_, std::memory_order_relaxed);
      if (begin >= count_) return;
      body_(context_, begin, std::min(begin + chunk_, count_));
    }
  }

  void ensureHelpers(int wanted) {
    while (int(helpers_.size()) < wanted) {
      const int slot = int(helpers_.size()) + 1;
      helpers_.emplace_back([this, slot] { helperLoop(slot); });
      helpers_.back().detach();
    }
  }

  void helperLoop(int slot) {
    uint64_t seen = generation_.load(std::memory_order_acquire);
    for (;;) {
      uint64_t now = generation_.load(std::memory_order_acquire);
      for (int i = 0; now == seen && i < spin_; ++i) {
        NAS_PAUSE();
        now = generation_.load(std::memory_order_acquire);
      }
      if (now == seen) {
        std::unique_lock<std::mutex> lock(mutex_);
        sleepers_.fetch_add(1);
        wake_.wait(lock, [&] { return generation_.load() != seen; });
        sleepers_.fetch_sub(1);
        now = generation_.load(std::memory_order_acquire);
      }
      seen = now;
      uint32_t state = state_.load(std::memory_order_acquire);
      bool joined = false;
      while (!(state & kClosed) && !joined) joined = state_.compare_exchange_weak(state, state + 1, std::memory_order_acq_rel);
      if (!joined) continue;
      if (slot < threads_) work();
      state_.fetch_sub(1, std::memory_order_release);
    }
  }

  std::vector<std::thread> helpers_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<uint32_t> state_{kClosed};  // kClosed bit | number of helpers inside the job
  std::atomic<int64_t> next_{0};
  std::atomic<int> sleepers_{0};
  std::atomic_flag busy_ = ATOMIC_FLAG_INIT;
  std::mutex mutex_;
  std::condition_variable wake_;
  // The job; written only while the job is closed, read by helpers after joining.
  int64_t count_ = 0, chunk_ = 1;
  RangeBody body_ = nullptr;
  void* context_ = nullptr;
  int threads_ = 1;
};

// Runs fn(begin, end) over [0, count) on up to `threads` threads (see Pool). Each index is
// processed once, by some thread: fn may write only what its indices own.
template <typename F>
void parallelFor(int threads, int64_t count, F&& fn) {
  Pool::instance().run(threads, count, [](void* c, int64_t b, int64_t e) { (*static_cast<F*>(c))(b, e); },
                       const_cast<void*>(static_cast<const void*>(&fn)));
}

// Determinism: a reduction over [0, count) is cut into chunks that depend only on count (never on
// the thread count or on which thread is free), each chunk sums into its own zeroed partial, and
// the partials are added in chunk order. Same inputs, same bits, on 1 or 2 threads, under any load.
// 16 chunks: enough to balance 2 threads when the helper joins late; more made the 2-thread
// filter gradients slower (each chunk's partial crosses cores once per call; docs/native.md).
constexpr int64_t kReductionChunks = 16;

inline int64_t reductionChunks(int64_t count) { return std::min(count, kReductionChunks); }

// out[0..size) = Σ over the fixed chunks [begin, end) of [0, count), in chunk order, of what
// fn(begin, end, partial) adds into its zeroed `size` floats. The partials live in a buffer kept
// per calling thread (allocated once, not per call), each on its own cache lines: two threads
// writing neighbouring partials must not share a line (the generic filter gradients rewrite their
// whole partial for every pixel).
template <typename F>
void parallelReduce(int threads, int64_t count, int64_t size, float* out, F&& fn) {
  const int64_t chunks = reductionChunks(count);
  if (chunks <= 0) {
    std::fill(out, out + size, 0.f);
    return;
  }
  constexpr int64_t kLine = 64 / sizeof(float);
  const int64_t stride = (size + kLine - 1) / kLine * kLine;
  thread_local std::vector<float> scratch;
  if (scratch.size() < size_t(chunks * stride + kLine)) scratch.resize(size_t(chunks * stride + kLine));
  float* partials = scratch.data() + (kLine - (reinterpret_cast<uintptr_t>(scratch.data()) / sizeof(float)) % kLine) % kLine;
  parallelFor(threads, chunks, [&](int64_t first, int64_t last) {
    for (int64_t i = first; i < last; ++i) {
      float* partial = partials + i * stride;
      std::fill(partial, partial + size, 0.f);
      fn(count * i / chunks, count * (i + 1) / chunks, partial);
    }
  });
  std::copy(partials, partials + size, out);
  for (int64_t i = 1; i < chunks; ++i) {
    const float* __restrict p = partials + i * stride;
#pragma omp simd
    for (int64_t j = 0; j < size; ++j) out[j] += p[j];
  }
}

}  // namespace nas

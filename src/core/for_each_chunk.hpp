#pragma once
// for_each_chunk: frames split into fixed-size chunks, handed out to worker threads in order of an
// atomic counter. A chunk's frames run in order on one thread (warm starts inside a chunk), so
// results that restart at each chunk's first frame do not depend on the number of threads.
#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "core/thread_limit.hpp"

namespace weaklink {

struct ThreadOptions {
  int threads = 0;        // 0: hardware concurrency
  int chunk_frames = 16;  // frames per chunk (warm starts run inside a chunk)
};

// Runs body(thread_index, begin, end) over [0, n) in chunks of options.chunk_frames frames on up
// to worker_threads(options.threads) threads; the first exception is rethrown after all join.
template <class Body>
void for_each_chunk(int n, const ThreadOptions& options, Body&& body) {
  const int chunk = std::max(1, options.chunk_frames);
  const int chunks = (n + chunk - 1) / chunk;
  const int threads = std::clamp(worker_threads(options.threads), 1, std::max(1, chunks));
  std::atomic<int> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto worker = [&](int thread_index) {
    try {
      for (int c = next++; c < chunks; c = next++) body(thread_index, c * chunk, std::min(n, (c + 1) * chunk));
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
    }
  };
  if (threads == 1) {
    worker(0);
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);
    for (auto& th : pool) th.join();
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace weaklink

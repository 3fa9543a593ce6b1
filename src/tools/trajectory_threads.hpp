#pragma once
// for_each_chunk: fixed-size chunks handed out to worker threads in order of an atomic counter.
#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "core/thread_limit.hpp"

namespace weaklink {

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

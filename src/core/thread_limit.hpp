#pragma once
// How many worker threads a run uses. The CLI refuses --threads outside 1..kMaxThreads (a usage
// error); the library clamps as well, so that no caller can ask for millions of workspaces.
#include <algorithm>
#include <thread>

namespace weaklink {

// More threads than this never helps: a frame loop's work is split into chunks of frames, and
// machines with more cores than this are rare.
inline constexpr int kMaxThreads = 256;

// `requested` <= 0: one per hardware thread.
inline int worker_threads(int requested) {
  const int n = requested > 0 ? requested : static_cast<int>(std::thread::hardware_concurrency());
  return std::clamp(n, 1, kMaxThreads);
}

}  // namespace weaklink

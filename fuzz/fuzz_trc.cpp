// libFuzzer target: weaklink::io::read_trc (.trc marker trajectories, optionally gzipped).
//
// The reader takes a path, so the input goes to a per-process temporary file that is reused for
// every iteration (".trc", or ".trc.gz" when the input starts with the gzip magic bytes).
//
// Contract: bad input throws weaklink::InputError. Any other exception, a crash, a sanitizer
// report, a hang or a returned MarkerTable whose parts disagree in size is a finding.
#include <cxxabi.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <typeinfo>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "io/trc.hpp"

namespace {

using weaklink::fuzz::finding;
using weaklink::fuzz::TempFile;

void check(const weaklink::io::MarkerTable& m) {
  const auto frames = static_cast<Eigen::Index>(m.time.size());
  if (m.frame.size() != m.time.size() || m.xyz.rows() != frames ||
      m.xyz.cols() != static_cast<Eigen::Index>(3 * m.names.size()))
    finding("read_trc returned an inconsistent MarkerTable",
            "xyz is " + std::to_string(m.xyz.rows()) + "x" + std::to_string(m.xyz.cols()) + ", " +
                std::to_string(m.time.size()) + " times, " + std::to_string(m.frame.size()) +
                " frame numbers, " + std::to_string(m.names.size()) + " markers");
  if (!(m.to_meters == 1.0 || m.to_meters == 0.01 || m.to_meters == 0.001))
    finding("read_trc returned an unexpected unit scale", std::to_string(m.to_meters));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static TempFile trc(".trc"), gz(".trc.gz");
  const bool gzipped = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
  weaklink::fuzz::run_expecting_input_errors([&] {
    check(weaklink::io::read_trc((gzipped ? gz : trc).write(data, size)));
  });
  return 0;
}

// libFuzzer target: weaklink::io::read_osim_text (OpenSim .osim model documents, 4.x and the
// older 1.x-3.x forms) followed by weaklink::compile_model and the model's default pose.
//
// Contract: bad input throws weaklink::InputError. Any other exception (std::invalid_argument
// from an internal helper included), a crash, a sanitizer report or a hang is a finding.
#include <cxxabi.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <typeinfo>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "io/osim_reader.hpp"
#include "model/model.hpp"

namespace {

using weaklink::fuzz::finding;
using weaklink::fuzz::TempFile;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  weaklink::fuzz::run_expecting_input_errors([&] {
    const weaklink::ModelSpec spec = weaklink::io::read_osim_text(
        std::string(reinterpret_cast<const char*>(data), size), "fuzz.osim");
    const weaklink::Model model = weaklink::compile_model(spec);
    const Eigen::VectorXd q = model.default_q();
    if (q.size() != model.nq())
      finding("default_q has the wrong size",
              std::to_string(q.size()) + " values for " + std::to_string(model.nq()) +
                  " coordinates");
  });
  return 0;
}

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
#include "io/osim_reader.hpp"
#include "model/model.hpp"

namespace {

[[noreturn]] void finding(const char* what, const std::string& detail) {
  std::fprintf(stderr, "\n==weaklink-fuzz== FINDING: %s: %s\n", what, detail.c_str());
  std::fflush(stderr);
  std::abort();  // libFuzzer reports a deadly signal and writes the input to the artifact folder
}

std::string type_name(const std::exception& e) {
  int status = 0;
  char* name = abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status);
  std::string out = status == 0 && name ? name : typeid(e).name();
  std::free(name);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const weaklink::ModelSpec spec = weaklink::io::read_osim_text(
        std::string(reinterpret_cast<const char*>(data), size), "fuzz.osim");
    const weaklink::Model model = weaklink::compile_model(spec);
    const Eigen::VectorXd q = model.default_q();
    if (q.size() != model.nq())
      finding("default_q has the wrong size",
              std::to_string(q.size()) + " values for " + std::to_string(model.nq()) +
                  " coordinates");
  } catch (const weaklink::InputError&) {
    // the expected outcome for bad input
  } catch (const std::exception& e) {
    finding(("unexpected exception " + type_name(e)).c_str(), e.what());
  } catch (...) {
    finding("unexpected exception", "not derived from std::exception");
  }
  return 0;
}

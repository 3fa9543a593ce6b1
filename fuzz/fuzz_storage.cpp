// libFuzzer target: weaklink::io::read_storage (.sto/.mot, both header dialects, gzip).
//
// The reader takes a path, so the input goes to a per-process temporary file that is reused for
// every iteration. Inputs starting with the gzip magic bytes are written to a ".sto.gz" file;
// everything else is read twice: as ".sto" with the default (strict) options and as ".mot" (the
// SIMM inDegrees rule) with both leniency options on. Gzip input is also read with a byte limit
// of 4 KiB, which must stop decompression with an InputError.
//
// Contract: bad input throws weaklink::InputError. Any other exception, a crash, a sanitizer
// report, a hang or a returned Table whose parts disagree in size is a finding.
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
#include "io/storage.hpp"

namespace {

using weaklink::fuzz::finding;
using weaklink::fuzz::TempFile;

void check(const weaklink::io::Table& t) {
  if (t.data.rows() != static_cast<Eigen::Index>(t.time.size()) ||
      t.data.cols() != static_cast<Eigen::Index>(t.labels.size()))
    finding("read_storage returned an inconsistent Table",
            "data is " + std::to_string(t.data.rows()) + "x" + std::to_string(t.data.cols()) +
                ", time has " + std::to_string(t.time.size()) + " rows, " +
                std::to_string(t.labels.size()) + " labels");
  // The label lookup with OpenSim's fallbacks, on names derived from the file's own labels.
  for (std::size_t i = 0; i < t.labels.size() && i < 8; ++i) {
    const std::string& label = t.labels[i];
    if (t.find_column(label) < 0) finding("find_column misses an existing label", label);
    (void)t.find_column("/jointset/j/" + label + "/value");
    (void)t.find_column("/forceset/" + label + "/activation");
    (void)t.find_column(label + "/speed");
  }
}

void read(const std::string& path, const weaklink::io::StorageReadOptions& options) {
  weaklink::fuzz::run_expecting_input_errors([&] {
    check(weaklink::io::read_storage(path, options));
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static TempFile sto(".sto"), mot(".mot"), gz(".sto.gz");
  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
    const std::string& path = gz.write(data, size);
    read(path, {});
    // The decompression cap, lowered so that ordinary inputs reach it: reading must stop there
    // with an InputError, never return more.
    weaklink::fuzz::run_expecting_input_errors([&] {
      constexpr std::uint64_t kCap = 4096;
      const std::string text = weaklink::io::read_text_file(path, weaklink::io::ReadLimits{kCap});
      if (text.size() > kCap) finding("read_text_file passed its byte limit", std::to_string(text.size()));
    });
    return 0;
  }
  read(sto.write(data, size), {});
  read(mot.write(data, size), {.allow_fewer_rows = true, .make_labels_unique = true});
  return 0;
}

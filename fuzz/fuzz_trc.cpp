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
#include "io/trc.hpp"

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

// A file in /tmp created once per process (mkstemps) and rewritten for every input. Removed at
// exit; after a crash (libFuzzer leaves with _Exit) scripts/fuzz.sh removes it.
class TempFile {
 public:
  explicit TempFile(const char* suffix) {
    // The pid in the name lets scripts/fuzz.sh remove the file when the process dies on a finding.
    std::string templ =
        "/tmp/weaklink-fuzz-" + std::to_string(::getpid()) + "-XXXXXX" + std::string(suffix);
    fd_ = mkstemps(templ.data(), static_cast<int>(std::strlen(suffix)));
    if (fd_ < 0) {
      std::perror("weaklink fuzz: mkstemps");
      std::abort();
    }
    path_ = templ;
  }
  ~TempFile() {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& write(const std::uint8_t* data, std::size_t size) {
    if (::ftruncate(fd_, 0) != 0) {
      std::perror("weaklink fuzz: ftruncate");
      std::abort();
    }
    for (std::size_t done = 0; done < size;) {
      const ssize_t n = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      if (n <= 0) {
        std::perror("weaklink fuzz: pwrite");
        std::abort();
      }
      done += static_cast<std::size_t>(n);
    }
    return path_;
  }

 private:
  int fd_ = -1;
  std::string path_;
};

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
  try {
    check(weaklink::io::read_trc((gzipped ? gz : trc).write(data, size)));
  } catch (const weaklink::InputError&) {
    // the expected outcome for bad input
  } catch (const std::exception& e) {
    finding(("unexpected exception " + type_name(e)).c_str(), e.what());
  } catch (...) {
    finding("unexpected exception", "not derived from std::exception");
  }
  return 0;
}

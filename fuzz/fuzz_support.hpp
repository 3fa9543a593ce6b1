#pragma once
// Shared by the libFuzzer targets: the findings policy and a reusable temporary input file.
//
// Contract of every reader: bad input throws weaklink::InputError. Any other exception, a crash, a
// sanitizer report or a hang is a finding: the target aborts so libFuzzer saves the input.
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

namespace weaklink::fuzz {

[[noreturn]] inline void finding(const char* what, const std::string& detail) {
  std::fprintf(stderr, "\n==weaklink-fuzz== FINDING: %s: %s\n", what, detail.c_str());
  std::fflush(stderr);
  std::abort();  // libFuzzer reports a deadly signal and writes the input to the artifact folder
}

inline std::string type_name(const std::exception& e) {
  int status = 0;
  char* name = abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status);
  std::string out = status == 0 && name ? name : typeid(e).name();
  std::free(name);
  return out;
}

// Runs `body`; InputError is the expected outcome for bad input, anything else is a finding.
template <class Body>
void run_expecting_input_errors(Body&& body) {
  try {
    body();
  } catch (const weaklink::InputError&) {
  } catch (const std::exception& e) {
    finding(("unexpected exception " + type_name(e)).c_str(), e.what());
  } catch (...) {
    finding("unexpected exception", "not derived from std::exception");
  }
}

// A file in /tmp created once per process (mkstemps) and rewritten for every input. Removed at
// exit; after a crash (libFuzzer leaves with _Exit) scripts/fuzz.sh removes it by the pid in its name.
class TempFile {
 public:
  explicit TempFile(const char* suffix) {
    std::string templ = "/tmp/weaklink-fuzz-" + std::to_string(::getpid()) + "-XXXXXX" + std::string(suffix);
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

}  // namespace weaklink::fuzz

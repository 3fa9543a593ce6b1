// libFuzzer target: weaklink::io::read_storage (.sto/.mot, both header dialects, gzip).
//
// The reader takes a path, so the input goes to a per-process temporary file that is reused for
// every iteration. Inputs starting with the gzip magic bytes are written to a ".sto.gz" file;
// everything else is read twice: as ".sto" with the default (strict) options and as ".mot" (the
// SIMM inDegrees rule) with both leniency options on.
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
#include "io/storage.hpp"

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
  try {
    check(weaklink::io::read_storage(path, options));
  } catch (const weaklink::InputError&) {
    // the expected outcome for bad input
  } catch (const std::exception& e) {
    finding(("unexpected exception " + type_name(e)).c_str(), e.what());
  } catch (...) {
    finding("unexpected exception", "not derived from std::exception");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static TempFile sto(".sto"), mot(".mot"), gz(".sto.gz");
  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
    read(gz.write(data, size), {});
    return 0;
  }
  read(sto.write(data, size), {});
  read(mot.write(data, size), {.allow_fewer_rows = true, .make_labels_unique = true});
  return 0;
}

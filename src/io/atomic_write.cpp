#include "io/atomic_write.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <string>
#include <system_error>

#include "core/error.hpp"

namespace weaklink::io {
namespace {

std::string errno_text(int err) { return std::system_category().message(err); }

// Creates a fresh temporary file next to `path`. O_EXCL guarantees we never reuse (or clobber) a
// file someone else created; mode 0666 lets the umask decide permissions, as for a normal file.
int create_temp(const std::filesystem::path& path, std::string& tmp_name) {
  static std::atomic<unsigned> counter{0};
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  for (int attempt = 0; attempt < 100; ++attempt) {
    // fmt instead of chained operator+ (GCC 12 warns -Wrestrict on the latter, a known false positive).
    tmp_name = (dir / fmt::format(".{}.tmp-{}-{}", path.filename().string(), ::getpid(), counter++)).string();
    const int fd = ::open(tmp_name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  errno = EEXIST;
  return -1;
}


// Best effort: makes the rename itself durable. Failure here cannot lose the data just written.
void sync_directory(const std::filesystem::path& path) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  std::string tmp;
  const int fd = create_temp(path, tmp);
  if (fd < 0)
    throw_input_error(path.string(), "",
                      "cannot create a temporary file next to it (" + errno_text(errno) + ")");

  const auto fail = [&](const char* step, int err, bool fd_open) {
    if (fd_open) ::close(fd);
    ::unlink(tmp.c_str());
    throw_input_error(
        path.string(), "",
        std::string("cannot write file: ") + step + " failed (" + errno_text(err) + ")");
  };
  if (!write_all(fd, content)) fail("write", errno, true);
  if (::fsync(fd) != 0) fail("fsync", errno, true);
  if (::close(fd) != 0) fail("close", errno, false);
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail("rename", errno, false);
  sync_directory(path);
}

bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace weaklink::io

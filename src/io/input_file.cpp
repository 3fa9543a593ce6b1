#include "io/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "core/ascii_lower.hpp"
#include "core/error.hpp"

namespace weaklink::io {
namespace {

std::string describe_bytes(std::uint64_t n) {
  if (n >= (1u << 30) && n % (1u << 30) == 0) return fmt::format("{} GiB", n >> 30);
  if (n >= (1u << 20) && n % (1u << 20) == 0) return fmt::format("{} MiB", n >> 20);
  return fmt::format("{} bytes", n);
}

// Closes a descriptor unless ownership moved to zlib.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  int release() { return std::exchange(fd, -1); }
};

const char* kind_of(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

[[noreturn]] void too_large(const std::string& file, std::uint64_t limit, bool decompressed) {
  throw_input_error(file, "",
                    fmt::format("{} more than {}, the limit for an input file; not read", decompressed ? "decompresses to" : "is",
                                describe_bytes(limit)));
}

std::string read_plain(int fd, const std::string& file, std::uint64_t limit, std::uint64_t size_on_disk) {
  std::string text;
  text.reserve(static_cast<std::size_t>(size_on_disk));  // the real size, already checked against the limit
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_input_error(file, "", fmt::format("read error ({})", std::strerror(errno)));
    }
    if (n == 0) return text;
    if (text.size() + static_cast<std::size_t>(n) > limit) too_large(file, limit, false);  // grew while read
    text.append(buffer, static_cast<std::size_t>(n));
  }
}

std::string read_gzip(int fd, const std::string& file, std::uint64_t limit) {
  gzFile gz = gzdopen(fd, "rb");  // owns fd from here
  if (gz == nullptr) {
    ::close(fd);
    throw_input_error(file, "", "cannot open the gzip stream");
  }
  std::string text;
  char buffer[1 << 16];
  int n = 0;
  // Reads chunk by chunk and stops as soon as the output passes the limit: a gzip bomb is never
  // inflated beyond it.
  while ((n = gzread(gz, buffer, sizeof buffer)) > 0) {
    if (text.size() + static_cast<std::size_t>(n) > limit) {
      gzclose(gz);
      too_large(file, limit, true);
    }
    text.append(buffer, static_cast<std::size_t>(n));
  }
  if (n < 0) {
    int err = 0;
    const std::string message = gzerror(gz, &err);
    gzclose(gz);
    throw_input_error(file, "", "cannot decompress gzip data (" + message + ")");
  }
  gzclose(gz);
  return text;
}

}  // namespace

void check_table_size(std::size_t rows, std::size_t columns, const std::string& file, const std::string& where) {
  if (columns > kMaxTableColumns)
    throw_input_error(file, where, fmt::format("{} columns; at most {} are read", columns, kMaxTableColumns));
  if (rows > kMaxTableRows) throw_input_error(file, where, fmt::format("more than {} rows; not read", kMaxTableRows));
  if (rows * columns > kMaxTableValues)
    throw_input_error(file, where,
                      fmt::format("more than {} values ({} rows x {} columns); not read", kMaxTableValues, rows, columns));
}

bool is_gzip_name(const std::filesystem::path& path) {
  const std::string name = ascii_lower(path.filename().string());
  return name.size() > 3 && name.ends_with(".gz");
}

std::string content_extension(const std::filesystem::path& path) {
  std::filesystem::path p = path.filename();
  if (is_gzip_name(p)) p = p.stem();
  return ascii_lower(p.extension().string());
}

void check_text_encoding(std::string_view text, const std::string& name) {
  const auto starts = [&](std::string_view mark) { return text.substr(0, mark.size()) == mark; };
  // The UTF-32LE mark begins with the UTF-16LE one: test it first.
  if (starts(std::string_view("\xFF\xFE\0\0", 4)) || starts(std::string_view("\0\0\xFE\xFF", 4)))
    throw_input_error(name, "", "the file is UTF-32 text; UTF-32 is not supported; save it as UTF-8");
  if (starts("\xFF\xFE") || starts("\xFE\xFF"))
    throw_input_error(name, "", "the file is UTF-16 text; UTF-16 is not supported; save it as UTF-8");
  if (starts("\x1F\x8B"))
    throw_input_error(name, "", "the file is gzip-compressed; name it with '.gz' at the end, or decompress it");
  const std::size_t nul = text.find('\0');
  if (nul == std::string_view::npos) return;
  // UTF-16 or UTF-32 without a mark: latin text has a NUL byte next to almost every character.
  const std::string_view head = text.substr(0, 4096);
  if (static_cast<std::size_t>(std::count(head.begin(), head.end(), '\0')) * 4 >= head.size())
    throw_input_error(name, "",
                      "the file looks like UTF-16 text (NUL bytes between the characters); UTF-16 is not supported; "
                      "save it as UTF-8");
  throw_input_error(name, fmt::format("byte {}", nul + 1), "a NUL byte; expected UTF-8 text, not a binary file");
}

std::string read_text_file(const std::filesystem::path& path, const ReadLimits& limits) {
  const std::string file = path.string();
  // stat follows links; the kind of file is checked before anything is opened, so that a FIFO
  // cannot block and a device is never read.
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) throw_input_error(file, "", "file not found");
    throw_input_error(file, "", fmt::format("cannot open file ({})", std::strerror(errno)));
  }
  if (S_ISDIR(st.st_mode)) throw_input_error(file, "", "is a directory, expected a file");
  if (!S_ISREG(st.st_mode))
    throw_input_error(file, "", fmt::format("is {}, expected a regular file; not read", kind_of(st.st_mode)));
  // O_NONBLOCK: if the path was replaced by a FIFO after the check, opening it does not wait for
  // a writer; the kind is checked again on the open descriptor.
  Fd fd{::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
  if (fd.fd < 0) throw_input_error(file, "", fmt::format("cannot open file ({})", std::strerror(errno)));
  if (::fstat(fd.fd, &st) != 0 || !S_ISREG(st.st_mode))
    throw_input_error(file, "", "is not a regular file; not read");
  const int flags = ::fcntl(fd.fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd.fd, F_SETFL, flags & ~O_NONBLOCK);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size > limits.max_bytes) too_large(file, limits.max_bytes, false);
  std::string text = is_gzip_name(path) ? read_gzip(fd.release(), file, limits.max_bytes)
                                        : read_plain(fd.fd, file, limits.max_bytes, size);
  check_text_encoding(text, file);
  return text;
}

}  // namespace weaklink::io

#pragma once
// The project's own data files (data/: model tables, norms), compiled into the library by
// cmake/embed_data.cmake so that `weaklink` runs with nothing but its binary installed.
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace weaklink::data {

struct EmbeddedFile {
  std::string_view path;  // relative to data/, e.g. "generic_model/landmarks.csv"
  std::string_view text;
};

std::span<const EmbeddedFile> embedded_files();

// The file's text; throws std::logic_error when the build did not embed it (a packaging bug,
// not a user error).
inline std::string_view embedded_file(std::string_view path) {
  for (const auto& f : embedded_files())
    if (f.path == path) return f.text;
  throw std::logic_error("data file not embedded in this build: " + std::string(path));
}

inline bool has_embedded_file(std::string_view path) {
  for (const auto& f : embedded_files())
    if (f.path == path) return true;
  return false;
}

}  // namespace weaklink::data

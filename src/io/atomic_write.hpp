#pragma once
// Writing output files so that a crash or a full disk never leaves a half-written file under the
// final name: readers see either the old file or the complete new one.
#include <filesystem>
#include <string_view>

namespace weaklink::io {

// Writes `content` to a temporary file in the same directory (so the rename cannot cross file
// systems), fsyncs it and renames it over `path`. Throws InputError naming `path` on failure and
// never leaves the temporary file behind.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// Writes all of `content` to the open descriptor, resuming after partial writes and EINTR; false
// on an error (errno says which).
bool write_all(int fd, std::string_view content);

}  // namespace weaklink::io

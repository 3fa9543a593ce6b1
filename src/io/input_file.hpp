#pragma once
// Reading an input file into memory, bounded: only regular files are opened (a FIFO, a device such
// as /dev/zero or /dev/urandom, a socket or a directory is refused before it is opened), the bytes
// read are capped, and so are the bytes a gzip file decompresses to, which is checked while
// inflating so that a gzip bomb stops at the cap. Every refusal is an InputError naming the file.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace weaklink::io {

// Largest input file weaklink reads, plain or after gzip decompression. OpenSim's largest files
// (hours of motion capture) are tens of MB; 1 GiB leaves room without letting one file take the
// machine's memory.
inline constexpr std::uint64_t kMaxInputBytes = std::uint64_t{1} << 30;

// What a table reader allocates for (.sto/.mot, .trc, CSV tables): rows, columns (time and
// every flattened component counted) and values (rows x columns; 100 million doubles are 800 MB).
inline constexpr std::size_t kMaxTableRows = 10'000'000;
inline constexpr std::size_t kMaxTableColumns = 100'000;
inline constexpr std::size_t kMaxTableValues = 100'000'000;

struct ReadLimits {
  std::uint64_t max_bytes = kMaxInputBytes;  // lowered by tests to check the cap cheaply
};

// Whole file as bytes; names ending in ".gz" are decompressed. The text must be UTF-8 (a UTF-8
// byte-order mark is kept for the readers to skip): UTF-16/UTF-32 and NUL bytes are refused.
std::string read_text_file(const std::filesystem::path& path, const ReadLimits& limits = {});

// Throws InputError naming `name` when `text` is not UTF-8 text: a UTF-16 or UTF-32 byte-order
// mark, or NUL bytes (UTF-16 without a mark, or a binary file). Readers that take text directly
// (JSON, XML given as a string) call it too.
void check_text_encoding(std::string_view text, const std::string& name);

// Throws InputError naming `file` (and `where`) when a table would pass the limits above.
void check_table_size(std::size_t rows, std::size_t columns, const std::string& file, const std::string& where);

// True when the file name ends in ".gz" (any case).
bool is_gzip_name(const std::filesystem::path& path);

// The extension that says what a file holds, lower case, with the dot: ".trc" for "walk.trc" and
// for "walk.TRC.gz"; "" when there is none.
std::string content_extension(const std::filesystem::path& path);

}  // namespace weaklink::io

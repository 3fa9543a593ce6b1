#pragma once
// Parsing a JSON input file (client files, strength files) strictly: UTF-8 only, every key once
// per object (nlohmann-json would silently keep the last of two "sex" keys), and bounded in size
// and nesting. Every refusal is an InputError naming the file and, for a duplicate, the key and
// the path of its object.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace weaklink::io {

// A client or strength file is a few kilobytes; these limits are far above any real one.
inline constexpr std::uint64_t kMaxJsonBytes = 16u << 20;   // 16 MiB
inline constexpr std::size_t kMaxJsonValues = 1'000'000;    // numbers, strings, objects, arrays
inline constexpr int kMaxJsonDepth = 64;

nlohmann::json parse_json_input(const std::string& text, const std::string& name);

// read_text_file (capped at kMaxJsonBytes) followed by parse_json_input.
nlohmann::json read_json_input(const std::filesystem::path& path);

}  // namespace weaklink::io

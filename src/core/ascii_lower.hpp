#pragma once
// Case-insensitive matching of keywords and file extensions from input files. ASCII only and
// independent of the C locale, so a name compares the same on every machine.
#include <string>
#include <string_view>

namespace weaklink {

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace weaklink

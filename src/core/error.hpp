#pragma once
// Errors at the edges of the engine.
//
// InputError: the user's input (a file, a flag, a value) is wrong. The message always names the
// file and the element or line and says what was expected; the CLI maps it to exit code 1.
// InvalidResultError: the input was read, but the result breaks physics (a non-finite number,
// equilibrium beyond its stated tolerance). Outputs already written carry `valid: false` and the
// reason; the CLI maps it to exit code 4 so that scripts never take such a run for a normal one.
// Programming errors inside the engine stay std::logic_error and are not caught.
#include <stdexcept>
#include <string>
#include <string_view>
#include <fmt/format.h>

namespace weaklink {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class InvalidResultError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A value taken from input, made safe to quote in a message: control characters (a terminal's
// escape sequences among them) are shown as \xNN, and anything past `max_chars` characters is cut
// and replaced by a note of the full length, so a 10 MB attribute never fills the screen.
inline std::string quote_input(std::string_view value, std::size_t max_chars = 80) {
  std::string out;
  const std::size_t shown = value.size() <= max_chars ? value.size() : max_chars;
  out.reserve(shown + 24);
  for (std::size_t i = 0; i < shown; ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
    else out += static_cast<char>(c);
  }
  if (shown < value.size()) out += fmt::format("... ({} bytes in all)", value.size());
  return out;
}

// "<file>:<where>: <what>" — `where` is a line ("line 12") or an element path.
[[noreturn]] inline void throw_input_error(const std::string& file, const std::string& where,
                                           const std::string& what) {
  if (where.empty()) throw InputError(fmt::format("{}: {}", file, what));
  throw InputError(fmt::format("{}: {}: {}", file, where, what));
}

}  // namespace weaklink

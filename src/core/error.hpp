#pragma once
// Errors at the edges of the engine.
//
// InputError: the user's input (a file, a flag, a value) is wrong. The message always names the
// file and the element or line and says what was expected; the CLI maps it to exit code 1.
// Programming errors inside the engine stay std::logic_error and are not caught.
#include <stdexcept>
#include <string>
#include <fmt/format.h>

namespace weaklink {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "<file>:<where>: <what>" — `where` is a line ("line 12") or an element path.
[[noreturn]] inline void throw_input_error(const std::string& file, const std::string& where,
                                           const std::string& what) {
  if (where.empty()) throw InputError(fmt::format("{}: {}", file, what));
  throw InputError(fmt::format("{}: {}: {}", file, where, what));
}

}  // namespace weaklink

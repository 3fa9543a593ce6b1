#pragma once
// Checks for numeric command-line options: a value outside physical sense (NaN, infinity, a
// negative cut-off frequency, a step of 0) is a usage error (exit 2), never silently ignored.
// CLI11's Range lets NaN through (every comparison with NaN is false), hence the explicit test.
#include <cmath>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace weaklink::cli {

// A finite number from lo to hi (inclusive) in `unit`.
inline CLI::Validator finite_range(double lo, double hi, const std::string& unit = "") {
  const std::string expected = fmt::format("a number from {:g} to {:g}{}{}", lo, hi, unit.empty() ? "" : " ", unit);
  return CLI::Validator(
      [lo, hi, expected](std::string& text) -> std::string {
        double v = 0;
        if (!CLI::detail::lexical_cast(text, v)) return "'" + text + "' is not a number";
        if (!std::isfinite(v) || v < lo || v > hi) return "'" + text + "': expected " + expected;
        return {};
      },
      expected);
}

// Any finite number (times in seconds, which the data decide).
inline CLI::Validator finite_number() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        double v = 0;
        if (!CLI::detail::lexical_cast(text, v)) return "'" + text + "' is not a number";
        if (!std::isfinite(v)) return "'" + text + "': expected a finite number";
        return {};
      },
      "a finite number");
}

}  // namespace weaklink::cli

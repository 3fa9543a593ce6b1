#pragma once
// Access to ../shared/opensim-reference (OpenSim's own results) for parity tests.
// The files are read in place, never copied. When the folder is absent (a user's clone) parity
// tests skip with a message; under CI=true a missing folder is a failure.
#include <cstdlib>
#include <filesystem>
#include <string>
#include <gtest/gtest.h>

namespace weaklink::test {

inline std::filesystem::path source_dir() { return WEAKLINK_SOURCE_DIR; }

inline std::filesystem::path shared_dir() {
  if (const char* env = std::getenv("WEAKLINK_SHARED_DIR")) return env;
  return source_dir().parent_path() / "shared";
}

inline std::filesystem::path reference_dir() { return shared_dir() / "opensim-reference"; }

inline bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

}  // namespace weaklink::test

// Use at the top of a parity test: skips (or fails under CI=true) when the reference is missing.
#define WEAKLINK_REQUIRE_REFERENCE()                                                          \
  do {                                                                                        \
    if (!std::filesystem::exists(::weaklink::test::reference_dir())) {                       \
      if (::weaklink::test::running_in_ci())                                                  \
        FAIL() << "CI=true but " << ::weaklink::test::reference_dir() << " is missing";      \
      GTEST_SKIP() << "OpenSim reference data not found at "                                  \
                   << ::weaklink::test::reference_dir() << " (parity test skipped)";         \
    }                                                                                         \
  } while (0)

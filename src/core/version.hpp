#pragma once
namespace weaklink {
// The library's version string (from CMake's project version).
const char* version();
}  // namespace weaklink

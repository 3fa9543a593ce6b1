#pragma once
// File names inside OpenSim setup files are relative to the setup file's directory (§10.1, §12.1)
// and shipped setups sometimes use Windows separators.
#include <filesystem>
#include <string>

namespace weaklink {

inline std::filesystem::path resolve_setup_path(const std::filesystem::path& setup_dir, const std::string& name) {
  std::string n = name;
  for (char& c : n)
    if (c == '\\') c = '/';
  const std::filesystem::path p(n);
  return p.is_absolute() ? p : setup_dir / p;
}

}  // namespace weaklink

#pragma once
// File names inside OpenSim setup files are relative to the setup file's directory
// (docs/opensim-semantics.md#inverse-kinematics) and shipped setups sometimes use Windows separators.
#include <filesystem>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "core/error.hpp"
#include "io/xml_document.hpp"

namespace weaklink {

inline std::filesystem::path resolve_setup_path(const std::filesystem::path& setup_dir, const std::string& name) {
  std::string n = name;
  for (char& c : n)
    if (c == '\\') c = '/';
  const std::filesystem::path dir = setup_dir.empty() ? std::filesystem::path(".") : setup_dir;
  if (n.find_first_not_of(" \t") == std::string::npos) return dir;  // empty: the setup's folder
  const std::filesystem::path p(n);
  return p.is_absolute() ? p : dir / p;
}

// The tool element of a setup document: <OpenSimDocument><Tool> or, in some old files, <Tool>
// at the root.
inline pugi::xml_node setup_tool_element(const pugi::xml_document& doc, const char* tool) {
  if (auto wrapped = doc.child("OpenSimDocument").child(tool)) return wrapped;
  return doc.child(tool);
}

// Where a setup names a file, "setup.xml: line 12 <coordinates_file>"; empty when `element` is
// absent (the path came from the command line). Kept by tools that read the files after the setup.
inline std::string setup_source(const io::XmlDocument& setup, const pugi::xml_node& element) {
  return element ? fmt::format("{}: {}", setup.name(), setup.where(element)) : std::string();
}

// Runs `read` (reading a file the setup names) so that its InputError also names the setup file
// and the element: "setup.xml: line 12 <coordinates_file>: walk.mot: line 7: ...". `source` is
// setup_source(); empty: errors pass unchanged.
template <class Read>
auto read_named_by_setup(const std::string& source, Read&& read) -> decltype(read()) {
  if (source.empty()) return read();
  try {
    return read();
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", source, e.what()));
  }
}

template <class Read>
auto read_named_by_setup(const io::XmlDocument& setup, const pugi::xml_node& element, Read&& read) -> decltype(read()) {
  return read_named_by_setup(setup_source(setup, element), std::forward<Read>(read));
}

}  // namespace weaklink

#pragma once
// File names inside OpenSim setup files are relative to the setup file's directory
// (docs/opensim-semantics.md#inverse-kinematics) and shipped setups sometimes use Windows separators.
#include <filesystem>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "core/error.hpp"
#include "dynamics/external_forces.hpp"
#include "io/xml_document.hpp"
#include "model/model.hpp"

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

// The tool element, or an InputError naming the setup file: "expected <OpenSimDocument><tool>",
// followed by `what` (e.g. " (a static-optimization setup)").
inline pugi::xml_node require_setup_tool(const io::XmlDocument& doc, const std::filesystem::path& setup_path, const char* tool,
                                         const std::string& what = "") {
  const pugi::xml_node element = setup_tool_element(doc.doc(), tool);
  if (!element) throw_input_error(setup_path.string(), "", fmt::format("expected <OpenSimDocument><{}>{}", tool, what));
  return element;
}

// The model a setup runs on: `model_override` (--model) when given; otherwise <model_file>,
// relative to the setup's folder, which must name an existing file.
inline std::filesystem::path setup_model_file(const io::XmlDocument& doc, const pugi::xml_node& tool,
                                              const std::filesystem::path& setup_dir, const std::filesystem::path& model_override) {
  if (!model_override.empty()) return model_override;
  const std::string mf = doc.text(tool, "model_file");
  if (mf.empty()) doc.fail(tool, "expected <model_file> (or pass --model)");
  const std::filesystem::path model = resolve_setup_path(setup_dir, mf);
  if (!std::filesystem::exists(model))
    doc.fail(tool.child("model_file"), "model file '" + quote_input(model.string(), 200) + "' does not exist (pass --model to use another file)");
  return model;
}

// The results folder: `results_override` (--results-dir) when given; otherwise
// <results_directory> (default: the setup's folder), relative to the setup's folder or absolute.
inline std::filesystem::path setup_results_directory(const io::XmlDocument& doc, const pugi::xml_node& tool,
                                                     const std::filesystem::path& setup_dir,
                                                     const std::filesystem::path& results_override) {
  return results_override.empty() ? resolve_setup_path(setup_dir, doc.text(tool, "results_directory", ".")) : results_override;
}

// The setup's <external_loads_file> (relative to the setup's folder) applied to `model`; none when
// the element is empty. Errors name the setup and the element.
ExternalForces setup_external_loads(const io::XmlDocument& doc, const pugi::xml_node& tool, const std::filesystem::path& setup_dir,
                                    const Model& model);

// How output errors name that folder: the setup's element or the command-line option.
inline std::string setup_results_source(const std::filesystem::path& setup_path, const std::filesystem::path& results_override) {
  return results_override.empty() ? setup_path.string() + ": <results_directory>" : "--results-dir";
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

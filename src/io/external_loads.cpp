#include "io/external_loads.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <pugixml.hpp>
#include <string_view>

#include "core/error.hpp"
#include "io/xml_document.hpp"

namespace weaklink::io {
namespace {

std::string property(const pugi::xml_node& node, const char* name) {
  return std::string(trim(node.child_value(name)));
}

// OpenSim writes "true"/"false" (old files pad them with spaces).
bool parse_bool(const pugi::xml_node& node, const char* name, const std::string& file,
                const std::string& where) {
  const std::string text = property(node, name);
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  throw_input_error(file, where, fmt::format("<{}> must be true or false, found '{}'", name, quote_input(text)));
}

std::string identifier(const pugi::xml_node& node, const char* name) {
  std::string id = property(node, name);
  return id == "Unassigned" ? std::string() : id;
}

ExternalForceSpec parse_force(const pugi::xml_node& node, const std::string& file,
                              const std::string& where) {
  ExternalForceSpec f;
  f.name = node.attribute("name").value();
  if (node.child("appliesForce"))
    f.applies_force = parse_bool(node, "appliesForce", file, where);
  else if (node.child("isDisabled"))  // before 4.0
    f.applies_force = !parse_bool(node, "isDisabled", file, where);

  f.applied_to_body = property(node, "applied_to_body");
  if (f.applied_to_body.empty())
    throw_input_error(file, where, "<applied_to_body> is empty; expected a body name or path");
  if (const std::string b = property(node, "force_expressed_in_body"); !b.empty())
    f.force_expressed_in_body = b;
  if (const std::string b = property(node, "point_expressed_in_body"); !b.empty())
    f.point_expressed_in_body = b;

  f.force_identifier = identifier(node, "force_identifier");
  f.point_identifier = identifier(node, "point_identifier");
  f.torque_identifier = identifier(node, "torque_identifier");
  if (f.force_identifier.empty() && f.torque_identifier.empty())
    throw_input_error(file, where,
                      "applies neither a force nor a torque; expected a <force_identifier> "
                      "and/or a <torque_identifier>");
  if (!f.point_identifier.empty() && f.force_identifier.empty())
    throw_input_error(file, where,
                      "has a <point_identifier> but no <force_identifier>; a point needs a force");
  return f;
}

// The columns are all labels that begin with the identifier, in file order; exactly 3
// (docs/opensim-semantics.md#external-loads).
void resolve_columns(const std::string& id, const char* property_name, const Table& data,
                     const std::filesystem::path& datafile, const std::string& file,
                     const std::string& where, int (&columns)[3]) {
  if (id.empty()) return;
  std::vector<int> found;
  for (std::size_t i = 0; i < data.labels.size(); ++i)
    if (data.labels[i].starts_with(id)) found.push_back(static_cast<int>(i));
  if (found.size() != 3) {
    std::vector<std::string> names;
    for (int i : found) names.push_back(data.labels[static_cast<std::size_t>(i)]);
    throw_input_error(
        file, where,
        fmt::format("<{}> '{}' matches {} column(s) of {} ({}); expected exactly 3 "
                    "columns starting with it",
                    property_name, quote_input(id), found.size(), datafile.string(),
                    quote_input(fmt::format("{}", fmt::join(names, ", ")), 200)));
  }
  std::copy(found.begin(), found.end(), columns);
}

std::filesystem::path resolve_datafile(const std::filesystem::path& xml_path,
                                       const std::string& datafile, const std::string& file) {
  const std::filesystem::path p(datafile);
  std::vector<std::filesystem::path> candidates{p};
  if (p.is_relative()) candidates.insert(candidates.begin(), xml_path.parent_path() / p);
  std::error_code ec;
  for (const auto& c : candidates)
    if (std::filesystem::is_regular_file(c, ec)) return c;
  throw_input_error(
      file, "ExternalLoads/datafile",
      fmt::format("cannot find '{}' next to the XML file or in the current directory", quote_input(datafile)));
}

}  // namespace

ExternalLoads read_external_loads(const std::filesystem::path& xml_path) {
  const std::string file = xml_path.string();
  // Read through XmlDocument: the same size cap, nesting check and syntax messages as every XML input.
  const XmlDocument xml(xml_path);
  const pugi::xml_document& doc = xml.doc();
  pugi::xml_node root = doc.child("OpenSimDocument").child("ExternalLoads");
  if (!root) root = doc.child("ExternalLoads");
  if (!root)
    throw_input_error(file, "", "expected an <ExternalLoads> element (inside <OpenSimDocument>)");

  ExternalLoads loads;
  loads.name = root.attribute("name").value();
  int index = 0;
  for (const pugi::xml_node& node : root.child("objects").children()) {
    if (node.type() != pugi::node_element) continue;
    ++index;
    const std::string where = fmt::format("ExternalLoads/objects/{} '{}' (#{})", quote_input(node.name()),
                                          quote_input(node.attribute("name").value()), index);
    if (std::string_view(node.name()) != "ExternalForce")
      throw_input_error(file, where,
                        "unsupported element; expected ExternalForce (files older than version "
                        "20301 with PrescribedForce must be converted)");
    loads.forces.push_back(parse_force(node, file, where));
  }

  const std::string datafile = property(root, "datafile");
  if (datafile.empty())
    throw_input_error(file, "ExternalLoads/datafile",
                      "is empty; expected the force data file name");
  loads.datafile = resolve_datafile(xml_path, datafile, file);
  // OpenSim renames repeated labels of the force data on load; identifiers like "1_ground_force_v"
  // rely on that convention.
  try {
    loads.data = read_storage(loads.datafile, StorageReadOptions{.make_labels_unique = true});
  } catch (const InputError& e) {  // name the ExternalLoads file and element as well as the data file's line
    throw_input_error(file, "ExternalLoads/datafile", e.what());
  }

  for (std::size_t i = 0; i < loads.forces.size(); ++i) {
    ExternalForceSpec& f = loads.forces[i];
    const std::string where =
        fmt::format("ExternalLoads/objects/ExternalForce '{}' (#{})", quote_input(f.name), i + 1);
    resolve_columns(f.force_identifier, "force_identifier", loads.data, loads.datafile, file, where,
                    f.force_columns);
    resolve_columns(f.point_identifier, "point_identifier", loads.data, loads.datafile, file, where,
                    f.point_columns);
    resolve_columns(f.torque_identifier, "torque_identifier", loads.data, loads.datafile, file,
                    where, f.torque_columns);
  }
  return loads;
}

ExternalForces bind_external_loads(const Model& model, const ExternalLoads& loads, const std::string& source_file) {
  const std::string datafile = loads.datafile.string();
  const ExternalLoadSamples samples{datafile, loads.data.time, loads.data.labels, loads.data.data};
  return ExternalForces(model, loads.forces, samples, source_file);
}

}  // namespace weaklink::io

#include "tools/unmodelled_forces.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/error.hpp"

namespace weaklink {

std::vector<std::string> unmodelled_force_warnings(const Model& model, const std::string& tool) {
  std::vector<std::string> out;
  for (const auto& u : model.unsupported)
    if (u.unmodelled_force)
      out.push_back(fmt::format("{}: force element {} of type {} is not modelled: {} leave its force out and differ from "
                                "OpenSim's (result files say unmodelledForces in their header)",
                                quote_input(model.source_file, 200), quote_input(u.where, 160), quote_input(u.tag), tool));
  return out;
}

std::string unmodelled_forces_header(const Model& model) {
  std::string out;
  // Header-safe: no blanks, control characters, '=' or the list's own separators in a name.
  const auto safe = [](std::string_view s) {
    std::string r(s.substr(0, 200));
    for (char& c : r)
      if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '=' || c == ',' || c == ':') c = '_';
    return r;
  };
  for (const auto& u : model.unsupported) {
    if (!u.unmodelled_force) continue;
    const std::string& name = u.name;
    if (!out.empty()) out += ',';
    out += safe(name) + ':' + safe(u.tag);
  }
  return out;
}

void note_unmodelled_forces(const Model& model, io::Table& table) {
  const std::string value = unmodelled_forces_header(model);
  if (!value.empty()) table.metadata.push_back({"unmodelledForces", value});
}

void drop_unmodelled_forces(std::vector<UnsupportedElement>& unsupported) {
  unsupported.erase(std::remove_if(unsupported.begin(), unsupported.end(), [](const UnsupportedElement& u) { return u.unmodelled_force; }),
                    unsupported.end());
}

void drop_model_force_set(ModelSpec& spec) {
  spec.muscles.clear();
  spec.actuators.clear();
  spec.passive_forces.clear();
  spec.force_order.clear();
  drop_unmodelled_forces(spec.unsupported);
}

}  // namespace weaklink

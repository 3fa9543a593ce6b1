#pragma once
// ExternalLoads XML and its force data file (spec section 7.4).
#include <filesystem>
#include <string>
#include <vector>

#include "io/storage.hpp"

namespace weaklink::io {

struct ExternalForceSpec {
  std::string name;
  bool applies_force = true;  // 3.x files say <isDisabled>; appliesForce = !isDisabled
  std::string applied_to_body, force_expressed_in_body = "ground",
                               point_expressed_in_body = "ground";
  std::string force_identifier, point_identifier, torque_identifier;  // "" when unused/"Unassigned"
  // Indices into ExternalLoads::data.labels / data columns: the 3 labels that start with the
  // identifier, in file order; -1 when the identifier is unused.
  int force_columns[3] = {-1, -1, -1}, point_columns[3] = {-1, -1, -1},
      torque_columns[3] = {-1, -1, -1};
};

struct ExternalLoads {
  std::string name;
  std::filesystem::path datafile;  // the data file actually read (resolved)
  Table data;                      // repeated labels renamed "1_x", ... as OpenSim does on load
  std::vector<ExternalForceSpec> forces;
};

// The datafile is looked up relative to the XML's directory, then the current directory. Errors
// name the XML file and the ExternalForce element.
ExternalLoads read_external_loads(const std::filesystem::path& xml_path);

}  // namespace weaklink::io

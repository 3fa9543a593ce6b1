#pragma once
// ExternalLoads XML and its force data file (docs/opensim-semantics.md#external-loads).
#include <filesystem>
#include <string>
#include <vector>

#include "dynamics/external_forces.hpp"
#include "io/storage.hpp"

namespace weaklink::io {

struct ExternalLoads {
  std::string name;
  std::filesystem::path datafile;  // the data file actually read (resolved)
  Table data;                      // repeated labels renamed "1_x", ... as OpenSim does on load
  std::vector<ExternalForceSpec> forces;
};

// The datafile is looked up relative to the XML's directory, then the current directory. Errors
// name the XML file and the ExternalForce element.
ExternalLoads read_external_loads(const std::filesystem::path& xml_path);

// The loads bound to `model` (see ExternalForces): InputError naming `source_file` and the force
// for bodies the model lacks.
ExternalForces bind_external_loads(const Model& model, const ExternalLoads& loads, const std::string& source_file);

}  // namespace weaklink::io

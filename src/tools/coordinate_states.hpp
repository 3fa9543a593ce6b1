#pragma once
// States (q, q̇) for every row of a coordinates file, as OpenSim's Analyze tool builds them
// (docs/opensim-semantics.md#analyze-tool): CoordinateSet order, missing columns 0, rotational deg→rad, q̇ from the
// derivative of a quintic natural interpolating spline, locked coordinates at their default value
// and coupler-dependent coordinates recomputed from their independent coordinate.
#include <string>
#include <vector>

#include <Eigen/Core>

#include "io/storage.hpp"
#include "model/model.hpp"

namespace weaklink {

struct StatesTable {
  std::vector<double> time;
  Eigen::MatrixXd q, qdot;            // rows × nq, SI units
  std::vector<std::string> missing;   // model coordinates absent from the file
  std::vector<std::string> warnings;  // suspicious values (e.g. degrees in a file marked inDegrees=no)
};

StatesTable states_from_coordinates(const Model& model, const io::Table& coordinates, const std::string& file_name);

// States from a states file (AnalyzeTool states_file, docs/opensim-semantics.md#analyze-tool): values and speeds by
// state name (`<coord>` or `<coord>/value`, `<coord>_u` or `<coord>/speed`), SI units as stored, no filtering
// and no assembly. Missing states are 0 and listed in `missing`.
StatesTable states_from_states_file(const Model& model, const io::Table& states, const std::string& file_name);

}  // namespace weaklink

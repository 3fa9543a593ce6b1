#pragma once
// Coordinates as smooth functions of time, as OpenSim's InverseDynamicsTool builds them
// (docs/opensim-semantics.md#inverse-dynamics): a quintic natural interpolating spline per coordinate (the GCV
// spline with zero variance, docs/opensim-semantics.md#functions), rotational columns converted deg→rad when the file
// is in degrees (Coupled never), a coordinate missing from the file held at its default value.
#include <string>
#include <vector>

#include <Eigen/Core>

#include "core/natural_spline.hpp"
#include "io/storage.hpp"
#include "model/model.hpp"

namespace weaklink {

class CoordinateSplines {
 public:
  // Throws InputError naming `file_name` for fewer than 6 rows, non-increasing times or
  // non-finite values; warns (warnings()) about degrees mislabelled as radians.
  CoordinateSplines(const Model& model, const io::Table& coordinates, const std::string& file_name);
  // q, q̇, q̈ at time t (CoordinateSet order). Allocation-free.
  void eval(double t, Eigen::Ref<Eigen::VectorXd> q, Eigen::Ref<Eigen::VectorXd> qdot,
            Eigen::Ref<Eigen::VectorXd> qddot) const;
  const std::vector<double>& time() const { return time_; }
  const std::vector<std::string>& missing() const { return missing_; }
  // Suspicious values, e.g. degrees in a file marked inDegrees=no.
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  std::vector<double> time_;
  std::vector<NaturalSpline> splines_;   // one per coordinate with a column
  std::vector<int> spline_of_;           // per coordinate: index into splines_, -1 = constant
  std::vector<double> constant_;         // per coordinate: the default value when -1
  std::vector<std::string> missing_;
  std::vector<std::string> warnings_;
};

}  // namespace weaklink

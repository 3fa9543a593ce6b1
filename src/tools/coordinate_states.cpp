#include "tools/coordinate_states.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/natural_spline.hpp"
#include "tools/coordinate_columns.hpp"

namespace weaklink {

StatesTable states_from_coordinates(const Model& model, const io::Table& t, const std::string& file) {
  const int n = static_cast<int>(t.time.size());
  const int nq = model.nq();
  check_motion_times(t, file, 1);
  StatesTable s;
  check_coordinate_units(t, model, file, s.warnings);
  s.time = t.time;
  s.q = Eigen::MatrixXd::Zero(n, nq);
  s.qdot = Eigen::MatrixXd::Zero(n, nq);
  for (int c = 0; c < nq; ++c) {
    // Column-major q: rows of one column are contiguous.
    if (!read_coordinate_column(t, model.coordinates[c], file, s.q.col(c).data(), 1, s.warnings))
      s.missing.push_back(model.coordinates[c].name);  // Analyze uses 0.0, not the default value
  }
  // q̇: derivative of the quintic natural interpolating spline (OpenSim's GCV spline,
  // docs/opensim-semantics.md#filtering).
  if (n >= 6) {
    Eigen::VectorXd col(n);
    for (int c = 0; c < nq; ++c) {
      col = s.q.col(c);
      const NaturalSpline sp(s.time, std::vector<double>(col.data(), col.data() + n), 5);
      for (int i = 0; i < n; ++i) s.qdot(i, c) = sp.eval(s.time[i]).df;
    }
  }
  // Assembly: locked coordinates keep their default value; couplers set dependents.
  for (int i = 0; i < n; ++i) {
    for (int c = 0; c < nq; ++c)
      if (model.coordinates[c].locked) {
        s.q(i, c) = model.coordinates[c].default_value;
        if (model.couplers.empty()) s.qdot(i, c) = 0.0;
      }
    Eigen::VectorXd row = s.q.row(i).transpose();
    apply_couplers(model, row);
    s.q.row(i) = row.transpose();
  }
  return s;
}

StatesTable states_from_states_file(const Model& model, const io::Table& t, const std::string& file) {
  const int n = static_cast<int>(t.time.size());
  const int nq = model.nq();
  check_motion_times(t, file, 1, "states file");
  StatesTable s;
  s.warnings = t.warnings;
  s.time = t.time;
  s.q = Eigen::MatrixXd::Zero(n, nq);
  s.qdot = Eigen::MatrixXd::Zero(n, nq);
  auto copy = [&](int col, int c, Eigen::MatrixXd& dst, const std::string& label) {
    for (int i = 0; i < n; ++i) {
      dst(i, c) = t.data(i, col);
      if (!std::isfinite(dst(i, c)))
        throw_input_error(file, "row " + std::to_string(i + 1) + ", column '" + quote_input(label) + "'", "value is not a finite number");
    }
  };
  for (int c = 0; c < nq; ++c) {
    const std::string& name = model.coordinates[c].name;
    const int qc = t.find_column(name);
    if (qc < 0) s.missing.push_back(name);
    else copy(qc, c, s.q, t.labels[qc]);
    int uc = t.find_column(name + "_u");
    if (uc < 0) uc = t.find_column(name + "/speed");
    if (uc >= 0) copy(uc, c, s.qdot, t.labels[uc]);
  }
  return s;
}

}  // namespace weaklink

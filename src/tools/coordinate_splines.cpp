#include "tools/coordinate_splines.hpp"

#include <cmath>

#include "core/error.hpp"
#include "tools/coordinate_columns.hpp"

namespace weaklink {

CoordinateSplines::CoordinateSplines(const Model& model, const io::Table& t, const std::string& file) : time_(t.time) {
  const int n = static_cast<int>(t.time.size());
  check_motion_times(t, file, 6);
  check_coordinate_units(t, model, file, warnings_);
  const int nq = model.nq();
  spline_of_.assign(nq, -1);
  constant_.assign(nq, 0.0);
  std::vector<double> y(n);
  for (int c = 0; c < nq; ++c) {
    const Coordinate& co = model.coordinates[c];
    if (!read_coordinate_column(t, co, file, y.data(), 1, warnings_)) {
      missing_.push_back(co.name);  // ID holds it at default_value (docs/opensim-semantics.md#inverse-dynamics)
      constant_[c] = co.default_value;
      continue;
    }
    spline_of_[c] = static_cast<int>(splines_.size());
    splines_.emplace_back(t.time, y, 5);
  }
}

void CoordinateSplines::eval(double t, Eigen::Ref<Eigen::VectorXd> q, Eigen::Ref<Eigen::VectorXd> qdot,
                             Eigen::Ref<Eigen::VectorXd> qddot) const {
  for (std::size_t c = 0; c < spline_of_.size(); ++c) {
    if (spline_of_[c] < 0) {
      q[c] = constant_[c];
      qdot[c] = qddot[c] = 0.0;
      continue;
    }
    const FunctionValue v = splines_[spline_of_[c]].eval(t);
    q[c] = v.f;
    qdot[c] = v.df;
    qddot[c] = v.ddf;
  }
}

}  // namespace weaklink

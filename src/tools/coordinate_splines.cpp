#include "tools/coordinate_splines.hpp"

#include <cmath>

#include "core/error.hpp"

namespace weaklink {

CoordinateSplines::CoordinateSplines(const Model& model, const io::Table& t, const std::string& file) : time_(t.time) {
  const int n = static_cast<int>(t.time.size());
  if (n < 6) throw_input_error(file, "", "needs at least 6 rows to fit quintic splines (found " + std::to_string(n) + ")");
  for (int i = 1; i < n; ++i)
    if (!(t.time[i] > t.time[i - 1]))
      throw_input_error(file, "row " + std::to_string(i + 1), "time must increase strictly from row to row");
  constexpr double kDegToRad = M_PI / 180.0;
  const int nq = model.nq();
  spline_of_.assign(nq, -1);
  constant_.assign(nq, 0.0);
  std::vector<double> y(n);
  for (int c = 0; c < nq; ++c) {
    const Coordinate& co = model.coordinates[c];
    const int col = t.find_column(co.name);
    if (col < 0) {
      missing_.push_back(co.name);  // ID holds it at default_value (§15 quirk 6)
      constant_[c] = co.default_value;
      continue;
    }
    const double k = (t.in_degrees && co.motion_type == MotionType::Rotational) ? kDegToRad : 1.0;
    for (int i = 0; i < n; ++i) {
      y[i] = t.data(i, col) * k;
      if (!std::isfinite(y[i]))
        throw_input_error(file, "row " + std::to_string(i + 1) + ", column '" + co.name + "'", "value is not a finite number");
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

#include "dynamics/external_forces.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "dynamics/inverse_dynamics.hpp"

namespace weaklink {
namespace {

std::string last_path_element(const std::string& name) {
  const auto slash = name.find_last_of('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

}  // namespace

double ExternalForces::Column::eval(double time) const {
  if (use_spline) return spline.eval(time).f;
  if (t.size() == 1) return y[0];
  // 2–3 samples: OpenSim's PiecewiseLinearFunction (linear extrapolation at the ends).
  std::size_t i = 0;
  while (i + 2 < t.size() && time > t[i + 1]) ++i;
  const double s = (time - t[i]) / (t[i + 1] - t[i]);
  return y[i] + s * (y[i + 1] - y[i]);
}

ExternalForces::ExternalForces(const Model& model, std::span<const ExternalForceSpec> forces,
                               const ExternalLoadSamples& table, const std::string& source_file) {
  if (table.time.empty()) throw_input_error(table.datafile, "", "has no rows; expected ground reaction data");
  t_first_ = table.time.front();
  t_last_ = table.time.back();
  datafile_ = fmt::format("{} (data file {})", source_file, table.datafile);
  std::vector<int> column_of_label(table.labels.size(), -1);
  auto column = [&](int label) -> int {
    if (label < 0) return -1;
    if (column_of_label[label] < 0) {
      Column c;
      std::vector<double> y(table.time.size());
      for (std::size_t r = 0; r < y.size(); ++r) y[r] = table.data(static_cast<Eigen::Index>(r), label);
      if (y.size() >= 4) {
        try {
          c.spline = NaturalSpline(table.time, y, 3);
        } catch (const std::invalid_argument& e) {
          throw_input_error(table.datafile, fmt::format("column '{}'", table.labels[label]),
                            fmt::format("cannot be interpolated in time: {}", e.what()));
        }
        c.use_spline = true;
      } else {
        c.t = table.time;
        c.y = y;
      }
      column_of_label[label] = static_cast<int>(columns_.size());
      columns_.push_back(std::move(c));
    }
    return column_of_label[label];
  };
  for (const ExternalForceSpec& spec : forces) {
    if (!spec.applies_force) continue;
    Force f;
    f.name = spec.name;
    const std::string where = fmt::format("<ExternalForce name=\"{}\">", spec.name);
    f.body = model.find_body(last_path_element(spec.applied_to_body));
    if (f.body < 0)
      throw_input_error(source_file, where,
                        fmt::format("<applied_to_body> '{}' is not a body of model '{}'", spec.applied_to_body, model.name));
    // OpenSim falls back to Ground for an unknown expressed-in body (docs/opensim-semantics.md#external-loads).
    f.force_frame = std::max(model.find_body(last_path_element(spec.force_expressed_in_body)), 0);
    f.point_frame = std::max(model.find_body(last_path_element(spec.point_expressed_in_body)), 0);
    for (int k = 0; k < 3; ++k) {
      f.column[k] = column(spec.force_columns[k]);
      f.column[3 + k] = column(spec.point_columns[k]);
      f.column[6 + k] = column(spec.torque_columns[k]);
    }
    f.has_force = f.column[0] >= 0;
    f.has_point = f.column[3] >= 0;
    f.has_torque = f.column[6] >= 0;
    forces_.push_back(std::move(f));
  }
}

std::string ExternalForces::coverage_warning(double t0, double t1) const {
  if (forces_.empty() || (t0 >= t_first_ && t1 <= t_last_)) return {};
  return fmt::format("{}: the external loads cover time {:g} .. {:g} s but the motion's frames span {:g} .. {:g} s; "
                     "the loads are extrapolated outside their range",
                     datafile_, t_first_, t_last_, t0, t1);
}

void ExternalForces::apply(const Model& model, Data& data, double t, ExternalForceSample* samples) const {
  (void)model;
  for (std::size_t k = 0; k < forces_.size(); ++k) {
    const Force& f = forces_[k];
    ExternalForceSample s;
    const Transform& X_body = data.X_GB[f.body];
    if (f.has_force) {
      const Vec3 F(columns_[f.column[0]].eval(t), columns_[f.column[1]].eval(t), columns_[f.column[2]].eval(t));
      s.force_G = data.X_GB[f.force_frame].R * F;
      Vec3 p_G = X_body.p;  // default point: the body's origin
      if (f.has_point) {
        const Vec3 p(columns_[f.column[3]].eval(t), columns_[f.column[4]].eval(t), columns_[f.column[5]].eval(t));
        p_G = data.X_GB[f.point_frame].apply(p);
      }
      s.point_B = X_body.R.transpose() * (p_G - X_body.p);
      apply_point_force(data, f.body, p_G, s.force_G);
    }
    if (f.has_torque) {
      const Vec3 T(columns_[f.column[6]].eval(t), columns_[f.column[7]].eval(t), columns_[f.column[8]].eval(t));
      s.torque_G = data.X_GB[f.force_frame].R * T;
      apply_body_torque(data, f.body, s.torque_G);
    }
    if (samples) samples[k] = s;
  }
}

std::vector<std::string> ExternalForces::labels(const Model& model, int k) const {
  const Force& f = forces_[static_cast<std::size_t>(k)];
  const std::string prefix = fmt::format("{}_{}_", model.bodies[f.body].name, f.name);
  std::vector<std::string> out;
  if (f.has_force)
    for (const char* s : {"Fx", "Fy", "Fz"}) out.push_back(fmt::format("{}{}", prefix, s));
  if (f.has_force && f.has_point)
    for (const char* s : {"px", "py", "pz"}) out.push_back(fmt::format("{}{}", prefix, s));
  if (f.has_torque)
    for (const char* s : {"Tx", "Ty", "Tz"}) out.push_back(fmt::format("{}{}", prefix, s));
  return out;
}

int ExternalForces::record(int k, const ExternalForceSample& s, double* out) const {
  const Force& f = forces_[static_cast<std::size_t>(k)];
  int n = 0;
  auto put = [&](const Vec3& v) {
    for (int i = 0; i < 3; ++i) out[n++] = v[i];
  };
  if (f.has_force) put(s.force_G);
  if (f.has_force && f.has_point) put(s.point_B);
  if (f.has_torque) put(s.torque_G);
  return n;
}

}  // namespace weaklink

#include "model/data.hpp"

namespace weaklink {

BodyMotion::BodyMotion(const Model& model)
    : w(model.bodies.size(), Vec3::Zero()), alpha(model.bodies.size(), Vec3::Zero()),
      v(model.bodies.size(), Vec3::Zero()), a(model.bodies.size(), Vec3::Zero()) {}

Data::Data(const Model& model) : motion(model) {
  const int nb = static_cast<int>(model.bodies.size());
  const int nq = model.nq();
  const int nm = static_cast<int>(model.muscles.size());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  X_GB.assign(nb, Transform{});
  axis_w.assign(nq, Vec3::Constant(nan));
  axis_v.assign(nq, Vec3::Constant(nan));
  axis_o.assign(nq, Vec3::Constant(nan));
  axis_v0.assign(nq, Vec3::Constant(nan));
  marker_G.assign(model.markers.size(), Vec3::Constant(nan));
  muscle_length = Eigen::VectorXd::Constant(nm, nan);
  moment_arm = Eigen::MatrixXd::Constant(nm, nq, nan);
  muscle_wrapped.assign(nm, 0);
  muscle_wrap_skipped.assign(nm, 0);
  path.reserve(model.max_path_points + 2);
  int max_wraps = 0;
  for (const auto& m : model.muscles) max_wraps = std::max(max_wraps, m.num_wraps);
  wrap_order.reserve(max_wraps);
  wrap_status.reserve(max_wraps);
  dl_dq = Eigen::VectorXd::Zero(nq);
  body_force.assign(nb, Vec3::Zero());
  body_moment.assign(nb, Vec3::Zero());
  moving_coordinates.reserve(model.max_path_points + 2);
  for (const Coupler& k : model.couplers) coupler_terms.push_back({k.dependent, k.independent, k.scale_factor, 0.0});
  applied_force.assign(nb, Vec3::Zero());
  applied_moment.assign(nb, Vec3::Zero());
  joint_force.assign(nb, Vec3::Zero());
  joint_moment.assign(nb, Vec3::Zero());
  composite.assign(nb, SpatialInertia{});
  mass_matrix = Eigen::MatrixXd::Zero(nq, nq);
}

}  // namespace weaklink

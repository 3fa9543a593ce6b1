#include "muscles/path_forces.hpp"

#include "dynamics/actuator_forces.hpp"
#include "dynamics/inverse_dynamics.hpp"
#include "muscles/path_geometry.hpp"

namespace weaklink {

void apply_path_tension(const Model& model, Data& data, const Eigen::Ref<const Eigen::VectorXd>& q, int m, double T,
                        Eigen::Ref<Eigen::VectorXd> tau_mobility) {
  calc_muscle_path(model, data, q, m);
  const auto& path = data.path;
  const std::size_t n = path.size();
  // Each node is pulled toward its neighbours; the two tangent points of one wrap are joined
  // over the surface (no straight segment), so the wrap body takes the pulls of the segments
  // that enter and leave it. Forces between points on one body cancel and are left out.
  for (std::size_t i = 0; i < n; ++i) {
    const PathNode& a = path[i];
    Vec3 f = Vec3::Zero();
    auto pull_toward = [&](const PathNode& b) {
      if (b.body == a.body) return;
      const Vec3 d = b.p_G - a.p_G;
      const double len = d.norm();
      if (len > 0) f += (T / len) * d;
    };
    if (i > 0 && !(a.wrap >= 0 && path[i - 1].wrap == a.wrap)) pull_toward(path[i - 1]);
    if (i + 1 < n && !(a.wrap >= 0 && path[i + 1].wrap == a.wrap)) pull_toward(path[i + 1]);
    if (a.body != kGround) apply_point_force(data, a.body, a.p_G, f);
    if (a.moving_coordinate >= 0) tau_mobility[a.moving_coordinate] += f.dot(data.X_GB[a.body].R * a.dp_B);
  }
}

void apply_actuator_forces(const Model& model, Data& data, const Eigen::Ref<const Eigen::VectorXd>& q,
                           const std::vector<Model::ForceRef>& actuators,
                           const Eigen::Ref<const Eigen::RowVectorXd, 0, Eigen::InnerStride<>>& forces,
                           Eigen::Ref<Eigen::VectorXd> tau_mobility) {
  for (std::size_t k = 0; k < actuators.size(); ++k) {
    const double F = forces[static_cast<Eigen::Index>(k)];
    if (actuators[k].muscle) apply_path_tension(model, data, q, actuators[k].index, F, tau_mobility);
    else apply_actuator(model, data, actuators[k].index, F, tau_mobility);
  }
}

}  // namespace weaklink

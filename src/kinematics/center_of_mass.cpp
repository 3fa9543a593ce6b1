#include "kinematics/center_of_mass.hpp"

#include "kinematics/forward_kinematics.hpp"

namespace weaklink {

double calc_total_mass(const Model& model) {
  double mass = 0;
  for (std::size_t b = 1; b < model.bodies.size(); ++b) mass += model.bodies[b].mass;
  return mass;
}

Vec3 calc_mass_moment_in_world(const Model& model, const Data& data) {
  Vec3 moment = Vec3::Zero();
  for (std::size_t b = 1; b < model.bodies.size(); ++b) moment += model.bodies[b].mass * data.X_GB[b].apply(model.bodies[b].mass_center);
  return moment;
}

Vec3 calc_linear_momentum_in_world(const Model& model, const Data& data, const Eigen::Ref<const Eigen::VectorXd>& u) {
  Vec3 momentum = Vec3::Zero();
  for (std::size_t b = 1; b < model.bodies.size(); ++b) {
    const Vec3 p = data.X_GB[b].apply(model.bodies[b].mass_center);
    momentum += model.bodies[b].mass * point_velocity(model, data, static_cast<int>(b), p, u);
  }
  return momentum;
}

}  // namespace weaklink

#pragma once
// Body velocities and accelerations from (q, q̇, q̈) by an outward recursion over the tree
// (stage: acceleration). Exact: joint functions' first and second derivatives are used, no
// differencing. Needs calc_forward_kinematics at the same q.
#include <vector>

#include <Eigen/Core>

#include "model/data.hpp"
#include "model/model.hpp"

namespace weaklink {

void calc_body_motion(const Model& model, const Data& data, const Eigen::Ref<const Eigen::VectorXd>& q,
                      const Eigen::Ref<const Eigen::VectorXd>& qdot, const Eigen::Ref<const Eigen::VectorXd>& qddot,
                      BodyMotion& out);

// Velocity and acceleration of a point fixed in a body (p_G its position in Ground).
inline Vec3 point_velocity(const BodyMotion& m, const Data& d, int body, const Vec3& p_G) {
  return m.v[body] + m.w[body].cross(p_G - d.X_GB[body].p);
}
inline Vec3 point_acceleration(const BodyMotion& m, const Data& d, int body, const Vec3& p_G) {
  const Vec3 r = p_G - d.X_GB[body].p;
  return m.a[body] + m.alpha[body].cross(r) + m.w[body].cross(m.w[body].cross(r));
}

}  // namespace weaklink

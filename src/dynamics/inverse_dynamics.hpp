#pragma once
// Inverse dynamics by Newton–Euler over the tree (docs/opensim-semantics.md#inverse-dynamics): the generalized
// forces τ = M q̈ + C(q, q̇) − G(q) − Jᵀ f_applied that produce q̈, ignoring kinematic constraints.
// Every spatial quantity is in Ground about Ground's origin, so subtree sums need no shifting and a
// coordinate's force is its joint partial velocity (Data::axis_w, axis_v0) dotted with its subtree's
// net spatial force. Needs calc_forward_kinematics at q; allocation-free.
#include <Eigen/Core>

#include "model/data.hpp"
#include "model/model.hpp"

namespace weaklink {

// Zeroes data.applied_force / applied_moment.
void clear_applied_loads(Data& data);

// A force f (Ground) applied at point p_G (Ground) on body b; a free torque t (Ground) on body b.
inline void apply_point_force(Data& data, int body, const Vec3& p_G, const Vec3& f) {
  data.applied_force[body] += f;
  data.applied_moment[body] += p_G.cross(f);
}
inline void apply_body_torque(Data& data, int body, const Vec3& t) { data.applied_moment[body] += t; }

// τ (CoordinateSet order, one entry per coordinate, couplers ignored) for the motion (q, q̇, q̈)
// under gravity and data.applied_*. Also fills data.motion and data.joint_force / joint_moment:
// the spatial force each body's joint transmits from the parent into the body's subtree.
void calc_inverse_dynamics(const Model& model, Data& data, const Eigen::Ref<const Eigen::VectorXd>& q,
                           const Eigen::Ref<const Eigen::VectorXd>& qdot,
                           const Eigen::Ref<const Eigen::VectorXd>& qddot, Eigen::Ref<Eigen::VectorXd> tau);

// Joint-space mass matrix M(q) into data.mass_matrix by composite rigid bodies (needs forward
// kinematics at q). Symmetric positive definite for a model whose moving bodies have mass.
void calc_mass_matrix(const Model& model, Data& data);

}  // namespace weaklink

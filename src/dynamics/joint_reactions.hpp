#pragma once
// Joint reactions with OpenSim's JointReaction semantics: every force applied (actuators,
// reserves, contacts, external and known loads, passive elements), the accelerations those forces
// produce (forward dynamics, not the motion's own), then inverse dynamics at those accelerations;
// what each joint transmits to its child is the reaction. Per frame, allocation-free.
#include <Eigen/Core>

#include "core/spatial.hpp"
#include "dynamics/forward_dynamics.hpp"
#include "model/data.hpp"
#include "model/model.hpp"

namespace weaklink {

// Needs forward kinematics at q, the body loads already in data.applied_* and the actuators'
// generalized forces in `mobility`. Adds the passive elements (body loads to data, generalized
// forces to `mobility`), computes qdd by forward dynamics and runs inverse dynamics at it (tau:
// its residual, workspace). Afterwards data.joint_force / joint_moment hold each joint's reaction.
void calc_joint_reactions(const Model& model, Data& data, ForwardDynamics& fd, const Eigen::Ref<const Eigen::VectorXd>& q,
                          const Eigen::Ref<const Eigen::VectorXd>& u, Eigen::Ref<Eigen::VectorXd> mobility,
                          Eigen::Ref<Eigen::VectorXd> qdd, Eigen::Ref<Eigen::VectorXd> tau);

// The reaction of `joint` on its child body (after calc_joint_reactions or calc_inverse_dynamics):
// force F_W and moment M_W about the point p_W, all in Ground.
struct JointReaction {
  Vec3 F_W = Vec3::Zero(), M_W = Vec3::Zero();
};
inline JointReaction joint_reaction_on_child_about(const Model& model, const Data& data, int joint, const Vec3& p_W) {
  const int child = model.joints[static_cast<std::size_t>(joint)].child_body;
  const Vec3 F = data.joint_force[static_cast<std::size_t>(child)];  // data.joint_* is about Ground's origin
  return {F, data.joint_moment[static_cast<std::size_t>(child)] - p_W.cross(F)};
}

// The child-side joint frame M in Ground: its origin is the joint centre on the child.
inline Transform joint_child_frame_in_world(const Model& model, const Data& data, int joint) {
  const Joint& j = model.joints[static_cast<std::size_t>(joint)];
  return data.X_GB[static_cast<std::size_t>(j.child_body)] * j.X_BM;
}

}  // namespace weaklink

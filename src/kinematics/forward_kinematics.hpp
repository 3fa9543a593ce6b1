#pragma once
// Forward kinematics: body poses and the joint partial velocities from q (stage: position).
#include <Eigen/Core>

#include "model/data.hpp"
#include "model/model.hpp"

namespace weaklink {

// Joint transform X_FM(q) of one joint and, per coordinate of the joint, the partial angular
// velocity w (in F) and the partial linear velocity v of M's origin (in F).
struct JointMotion {
  Transform X_FM;
  std::array<Vec3, 6> w, v;  // indexed by coordinate - first_coordinate
};
void calc_joint_motion(const Joint& joint, const Eigen::Ref<const Eigen::VectorXd>& q, JointMotion& out);

// Fills data.X_GB and data.axis_{w,v,o}. q in CoordinateSet order (Model::coordinates), SI units.
void calc_forward_kinematics(const Model& model, Data& data, const Eigen::Ref<const Eigen::VectorXd>& q);

// Marker positions in Ground (needs forward kinematics).
void calc_marker_positions(const Model& model, Data& data);

// Position in Ground of a point fixed in a body (needs forward kinematics).
inline Vec3 point_in_ground(const Data& data, int body, const Vec3& p_B) { return data.X_GB[body].apply(p_B); }

// Velocity in Ground of a point fixed in a body, from the partial velocities and q̇.
Vec3 point_velocity(const Model& model, const Data& data, int body, const Vec3& p_G,
                    const Eigen::Ref<const Eigen::VectorXd>& qdot);

// Angular velocity of a body in Ground.
Vec3 body_angular_velocity(const Model& model, const Data& data, int body,
                           const Eigen::Ref<const Eigen::VectorXd>& qdot);

}  // namespace weaklink

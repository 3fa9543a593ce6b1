#include "kinematics/forward_kinematics.hpp"

namespace weaklink {

void calc_joint_motion(const Joint& j, const Eigen::Ref<const Eigen::VectorXd>& q, JointMotion& out) {
  // R_FM = Rot(a0,s0)·Rot(a1,s1)·Rot(a2,s2) (body-fixed sequence); p_FM = Σ s_k t_k in F (§2.4).
  Mat3 R = Mat3::Identity();
  Vec3 p = Vec3::Zero();
  for (int i = 0; i < j.num_coordinates; ++i) {
    out.w[i].setZero();
    out.v[i].setZero();
  }
  for (int k = 0; k < 6; ++k) {
    const JointAxis& ax = j.axes[k];
    const FunctionValue s = ax.coordinate >= 0 ? ax.function.eval(q[ax.coordinate]) : ax.function.eval(0.0);
    if (k < 3) {
      const Vec3 axis_F = R * ax.axis;  // axis as carried by the preceding rotations
      if (ax.coordinate >= 0) out.w[ax.coordinate - j.first_coordinate] += s.df * axis_F;
      if (s.f != 0.0) R = R * rotation_about(ax.axis, s.f);
    } else {
      p += s.f * ax.axis;
      if (ax.coordinate >= 0) out.v[ax.coordinate - j.first_coordinate] += s.df * ax.axis;
    }
  }
  out.X_FM = Transform{R, p};
}

void calc_forward_kinematics(const Model& model, Data& data, const Eigen::Ref<const Eigen::VectorXd>& q) {
  data.X_GB[kGround] = Transform{};
  JointMotion jm;
  for (const Joint& j : model.joints) {
    calc_joint_motion(j, q, jm);
    const Transform X_GF = data.X_GB[j.parent_body] * j.X_PF;
    const Transform X_GM = X_GF * jm.X_FM;
    data.X_GB[j.child_body] = X_GM * j.X_BM.inverse();
    for (int i = 0; i < j.num_coordinates; ++i) {
      const int c = j.first_coordinate + i;
      data.axis_w[c] = X_GF.R * jm.w[i];
      data.axis_v[c] = X_GF.R * jm.v[i];
      data.axis_o[c] = X_GM.p;
    }
  }
}

void calc_marker_positions(const Model& model, Data& data) {
  for (std::size_t i = 0; i < model.markers.size(); ++i)
    data.marker_G[i] = data.X_GB[model.markers[i].body].apply(model.markers[i].p_BM);
}

Vec3 point_velocity(const Model& model, const Data& data, int body, const Vec3& p_G,
                    const Eigen::Ref<const Eigen::VectorXd>& qdot) {
  Vec3 v = Vec3::Zero();
  for (int k = model.support_begin[body]; k < model.support_begin[body + 1]; ++k) {
    const int c = model.support_coordinates[k];
    v += (data.axis_w[c].cross(p_G - data.axis_o[c]) + data.axis_v[c]) * qdot[c];
  }
  return v;
}

Vec3 body_angular_velocity(const Model& model, const Data& data, int body,
                           const Eigen::Ref<const Eigen::VectorXd>& qdot) {
  Vec3 w = Vec3::Zero();
  for (int k = model.support_begin[body]; k < model.support_begin[body + 1]; ++k) {
    const int c = model.support_coordinates[k];
    w += data.axis_w[c] * qdot[c];
  }
  return w;
}

}  // namespace weaklink

#include "kinematics/forward_kinematics.hpp"

#include <cmath>

namespace weaklink {

namespace {

// p_FM = Σ s_k t_k in F over the translation axes (3..5), adding each coordinate's partial
// velocity to v (indexed by coordinate - first_coordinate). Returns whether a coordinate drives one.
inline bool joint_translation(const Joint& j, const Eigen::Ref<const Eigen::VectorXd>& q, Vec3& p, std::array<Vec3, 6>& v) {
  p.setZero();
  bool translates = false;
  for (int k = 3; k < 6; ++k) {
    const JointAxis& ax = j.axes[k];
    if (ax.coordinate < 0) {
      if (ax.constant_value != 0.0) p += ax.constant_value * ax.axis;
      continue;
    }
    const FunctionValue s = ax.function.eval(q[ax.coordinate]);
    p += s.f * ax.axis;
    v[ax.coordinate - j.first_coordinate] += s.df * ax.axis;
    translates = true;
  }
  return translates;
}

// R_FM = Rot(a0,s0)·Rot(a1,s1)·Rot(a2,s2) (body-fixed sequence); p_FM = Σ s_k t_k in F
// (docs/opensim-semantics.md#bodies-and-joints), with w, v indexed by coordinate - first_coordinate. Axes whose value
// is constant zero are skipped and constant rotations come precomputed (compile_model); rotations about x, y or z touch
// two columns.
inline void joint_motion(const Joint& j, const Eigen::Ref<const Eigen::VectorXd>& q, Mat3& R, Vec3& p,
                         std::array<Vec3, 6>& w, std::array<Vec3, 6>& v) {
  for (int i = 0; i < j.num_coordinates; ++i) {
    w[i].setZero();
    v[i].setZero();
  }
  bool identity = true;  // R is still the identity
  for (int k = 0; k < 3; ++k) {
    const JointAxis& ax = j.axes[k];
    if (ax.coordinate < 0) {
      if (ax.constant_value == 0.0) continue;
      if (identity) R = ax.R_constant;
      else R = R * ax.R_constant;
      identity = false;
      continue;
    }
    const FunctionValue s = ax.function.eval(q[ax.coordinate]);
    Vec3& wi = w[ax.coordinate - j.first_coordinate];
    if (identity) wi += s.df * ax.axis;  // axis as carried by the preceding rotations
    else if (ax.unit >= 0) wi += s.df * R.col(ax.unit);
    else wi += s.df * (R * ax.axis);
    if (s.f == 0.0) continue;
    const double sn = std::sin(s.f), cs = std::cos(s.f);
    if (ax.unit >= 0) {
      if (identity) R = rotation_about_unit(ax.unit, sn, cs);
      else post_rotate_unit(R, ax.unit, sn, cs);
    } else {
      if (identity) R = rotation_about_sc(ax.axis, sn, cs);
      else R = R * rotation_about_sc(ax.axis, sn, cs);
    }
    identity = false;
  }
  if (identity) R.setIdentity();
  joint_translation(j, q, p, v);
}

}  // namespace

void calc_joint_motion(const Joint& j, const Eigen::Ref<const Eigen::VectorXd>& q, JointMotion& out) {
  joint_motion(j, q, out.X_FM.R, out.X_FM.p, out.w, out.v);
}

void calc_forward_kinematics(const Model& model, Data& data, const Eigen::Ref<const Eigen::VectorXd>& q) {
  data.X_GB[kGround] = Transform{};
  std::array<Vec3, 6> w, v;  // per joint coordinate: partial angular velocity in Ground, linear in F
  for (const Joint& j : model.joints) {
    Transform X_GF;
    if (j.parent_body == kGround) X_GF = j.X_PF;
    else if (j.X_PF_identity) X_GF = data.X_GB[j.parent_body];
    else X_GF = data.X_GB[j.parent_body] * j.X_PF;
    for (int i = 0; i < j.num_coordinates; ++i) {
      w[i].setZero();
      v[i].setZero();
    }
    // R_GM = R_GF·Rot(a0,s0)·Rot(a1,s1)·Rot(a2,s2), built in Ground so that each axis as carried by
    // the preceding rotations comes out in Ground directly (docs/opensim-semantics.md#bodies-and-joints; as
    // calc_joint_motion, in F).
    Mat3 R = X_GF.R;
    for (int k = 0; k < 3; ++k) {
      const JointAxis& ax = j.axes[k];
      if (ax.coordinate < 0) {
        if (ax.constant_value != 0.0) R = R * ax.R_constant;
        continue;
      }
      const FunctionValue s = ax.function.eval(q[ax.coordinate]);
      Vec3& wi = w[ax.coordinate - j.first_coordinate];
      if (ax.unit >= 0) wi += s.df * R.col(ax.unit);
      else wi += s.df * (R * ax.axis);
      if (s.f == 0.0) continue;
      const double sn = std::sin(s.f), cs = std::cos(s.f);
      if (ax.unit >= 0) post_rotate_unit(R, ax.unit, sn, cs);
      else R = R * rotation_about_sc(ax.axis, sn, cs);
    }
    // p_FM = Σ s_k t_k in F.
    Vec3 p;
    const bool translates = joint_translation(j, q, p, v);
    const Vec3 p_GM = X_GF.R * p + X_GF.p;
    Transform& X_GB = data.X_GB[j.child_body];
    if (j.X_MB_identity) {
      X_GB.R = R;
      X_GB.p = p_GM;
    } else {
      X_GB.R = R * j.X_MB.R;
      X_GB.p = R * j.X_MB.p + p_GM;
    }
    for (int i = 0; i < j.num_coordinates; ++i) {
      const int c = j.first_coordinate + i;
      const Vec3 av = translates ? Vec3(X_GF.R * v[i]) : Vec3::Zero();
      data.axis_w[c] = w[i];
      data.axis_v[c] = av;
      data.axis_o[c] = p_GM;
      data.axis_v0[c] = av + p_GM.cross(w[i]);
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

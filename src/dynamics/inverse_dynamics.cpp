#include "dynamics/inverse_dynamics.hpp"

#include "kinematics/body_motion.hpp"

namespace weaklink {

void clear_applied_loads(Data& data) {
  for (auto& f : data.applied_force) f.setZero();
  for (auto& m : data.applied_moment) m.setZero();
}

void calc_inverse_dynamics(const Model& model, Data& data, const Eigen::Ref<const Eigen::VectorXd>& q,
                           const Eigen::Ref<const Eigen::VectorXd>& qdot,
                           const Eigen::Ref<const Eigen::VectorXd>& qddot, Eigen::Ref<Eigen::VectorXd> tau) {
  calc_body_motion(model, data, q, qdot, qddot, data.motion);
  const BodyMotion& bm = data.motion;
  const int nb = static_cast<int>(model.bodies.size());
  // Per body: what must act on it for its motion (m a_c, rate of angular momentum) minus what is
  // applied (gravity, loads), about Ground's origin.
  for (int b = 1; b < nb; ++b) {
    const Body& body = model.bodies[b];
    const Transform& X = data.X_GB[b];
    const Vec3 r = X.R * body.mass_center;
    const Vec3 c = X.p + r;
    const Vec3& w = bm.w[b];
    const Vec3 a_c = bm.a[b] + bm.alpha[b].cross(r) + w.cross(w.cross(r));
    const Mat3 I_c = X.R * body.inertia_com * X.R.transpose();
    const Vec3 F = body.mass * (a_c - model.gravity);
    const Vec3 M = c.cross(F) + I_c * bm.alpha[b] + w.cross(I_c * w);
    data.joint_force[b] = F - data.applied_force[b];
    data.joint_moment[b] = M - data.applied_moment[b];
  }
  data.joint_force[kGround].setZero();
  data.joint_moment[kGround].setZero();
  // Children before parents: each subtree's net force passes through its joint to the parent.
  for (auto it = model.joints.rbegin(); it != model.joints.rend(); ++it) {
    const int B = it->child_body, P = it->parent_body;
    for (int c = it->first_coordinate; c < it->first_coordinate + it->num_coordinates; ++c)
      tau[c] = data.axis_w[c].dot(data.joint_moment[B]) + data.axis_v0[c].dot(data.joint_force[B]);
    if (P != kGround) {
      data.joint_force[P] += data.joint_force[B];
      data.joint_moment[P] += data.joint_moment[B];
    }
  }
}

void calc_mass_matrix(const Model& model, Data& data) {
  const int nb = static_cast<int>(model.bodies.size());
  for (int b = 1; b < nb; ++b) {
    const Body& body = model.bodies[b];
    const Transform& X = data.X_GB[b];
    const Vec3 c = X.p + X.R * body.mass_center;
    SpatialInertia& s = data.composite[b];
    s.m = body.mass;
    s.h = body.mass * c;
    // Parallel axis to Ground's origin: I_O = I_c + m (|c|² 1 − c cᵀ).
    s.I = X.R * body.inertia_com * X.R.transpose() + body.mass * (c.squaredNorm() * Mat3::Identity() - c * c.transpose());
  }
  for (auto it = model.joints.rbegin(); it != model.joints.rend(); ++it) {
    const int B = it->child_body, P = it->parent_body;
    if (P == kGround) continue;
    data.composite[P].m += data.composite[B].m;
    data.composite[P].h += data.composite[B].h;
    data.composite[P].I += data.composite[B].I;
  }
  // M_ij = S_iᵀ I^C_B S_j for coordinate j of the joint into body B and every coordinate i that
  // moves B (B's ancestors' and its own joint's); the momentum of the subtree moving with
  // S_j = (w, v0) is F = m v0 + w × h, L_O = I w + h × v0.
  auto& M = data.mass_matrix;
  M.setZero();
  for (const Joint& j : model.joints) {
    const int B = j.child_body;
    const SpatialInertia& s = data.composite[B];
    for (int cj = j.first_coordinate; cj < j.first_coordinate + j.num_coordinates; ++cj) {
      const Vec3& w = data.axis_w[cj];
      const Vec3& v0 = data.axis_v0[cj];
      const Vec3 F = s.m * v0 + w.cross(s.h);
      const Vec3 L = s.I * w + s.h.cross(v0);
      for (int k = model.support_begin[B]; k < model.support_begin[B + 1]; ++k) {
        const int ci = model.support_coordinates[k];
        const double value = data.axis_w[ci].dot(L) + data.axis_v0[ci].dot(F);
        M(ci, cj) = value;
        M(cj, ci) = value;
      }
    }
  }
}

}  // namespace weaklink

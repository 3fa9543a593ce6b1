#include "kinematics/body_motion.hpp"

namespace weaklink {

void calc_body_motion(const Model& model, const Data& data, const Eigen::Ref<const Eigen::VectorXd>& q,
                      const Eigen::Ref<const Eigen::VectorXd>& qd, const Eigen::Ref<const Eigen::VectorXd>& qdd,
                      BodyMotion& out) {
  out.w[kGround].setZero();
  out.alpha[kGround].setZero();
  out.v[kGround].setZero();
  out.a[kGround].setZero();
  for (const Joint& j : model.joints) {
    // Joint motion in F (docs/opensim-semantics.md#bodies-and-joints): R_FM = Π Rot(a_k, s_k); ω_FM = Σ ṡ_k â_k with
    // â_k the axis carried by the preceding rotations, so dâ_k/dt = ω_(k−1) × â_k; p_FM = Σ s_k t_k (fixed axes in F).
    Mat3 R = Mat3::Identity();
    Vec3 w_FM = Vec3::Zero(), dw_FM = Vec3::Zero(), p_FM = Vec3::Zero(), v_FM = Vec3::Zero(), a_FM = Vec3::Zero();
    for (int k = 0; k < 6; ++k) {
      const JointAxis& ax = j.axes[k];
      const double x = ax.coordinate >= 0 ? q[ax.coordinate] : 0.0;
      const double xd = ax.coordinate >= 0 ? qd[ax.coordinate] : 0.0;
      const double xdd = ax.coordinate >= 0 ? qdd[ax.coordinate] : 0.0;
      const FunctionValue s = ax.function.eval(x);
      const double sd = s.df * xd;
      const double sdd = s.ddf * xd * xd + s.df * xdd;
      if (k < 3) {
        const Vec3 axis_F = R * ax.axis;
        dw_FM += sdd * axis_F + sd * w_FM.cross(axis_F);
        w_FM += sd * axis_F;
        if (s.f != 0.0) R = R * rotation_about(ax.axis, s.f);
      } else {
        p_FM += s.f * ax.axis;
        v_FM += sd * ax.axis;
        a_FM += sdd * ax.axis;
      }
    }
    const int P = j.parent_body, B = j.child_body;
    const Transform X_GF = data.X_GB[P] * j.X_PF;
    const Vec3 r_PF = X_GF.p - data.X_GB[P].p;                 // parent origin -> F origin
    const Vec3 vF = out.v[P] + out.w[P].cross(r_PF);
    const Vec3 aF = out.a[P] + out.alpha[P].cross(r_PF) + out.w[P].cross(out.w[P].cross(r_PF));
    const Vec3 wP = out.w[P];
    const Vec3 w_rel = X_GF.R * w_FM, v_rel = X_GF.R * v_FM;
    const Vec3 r_FM = X_GF.R * p_FM;                           // F origin -> M origin
    // M's origin moves relative to F (rotating with the parent) by v_rel.
    const Vec3 vM = vF + wP.cross(r_FM) + v_rel;
    const Vec3 aM = aF + out.alpha[P].cross(r_FM) + wP.cross(wP.cross(r_FM)) + 2.0 * wP.cross(v_rel) + X_GF.R * a_FM;
    out.w[B] = wP + w_rel;
    out.alpha[B] = out.alpha[P] + X_GF.R * dw_FM + wP.cross(w_rel);
    // Body origin is fixed in M.
    const Vec3 r_MB = data.X_GB[B].p - (X_GF.p + r_FM);
    out.v[B] = vM + out.w[B].cross(r_MB);
    out.a[B] = aM + out.alpha[B].cross(r_MB) + out.w[B].cross(out.w[B].cross(r_MB));
  }
}

}  // namespace weaklink

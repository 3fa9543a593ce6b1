#include "kinematics/inverse_kinematics.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kinematics/forward_kinematics.hpp"

namespace weaklink {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int kMaxJointCoordinates = 6;

bool finite3(const double* x) { return std::isfinite(x[0]) && std::isfinite(x[1]) && std::isfinite(x[2]); }

Vec3 observation(const double* observed, std::size_t m) {
  return Vec3(observed[3 * m], observed[3 * m + 1], observed[3 * m + 2]);
}

}  // namespace

IKProblem::IKProblem(const Model& model, std::vector<IKMarkerGoal> markers, std::vector<IKCoordinateGoal> coordinates,
                     IKSolverOptions options)
    : model_(&model), markers_(std::move(markers)), coordinates_(std::move(coordinates)), options_(options) {
  const int nq = model.nq();
  for (const auto& m : markers_) {
    if (m.marker < 0 || m.marker >= static_cast<int>(model.markers.size()))
      throw std::invalid_argument("IKProblem: marker index out of range");
    if (!(m.weight > 0) || !std::isfinite(m.weight))
      throw std::invalid_argument("IKProblem: marker weight must be positive and finite");
  }
  for (const auto& c : coordinates_) {
    if (c.coordinate < 0 || c.coordinate >= nq) throw std::invalid_argument("IKProblem: coordinate index out of range");
    if (!(c.weight > 0) || !std::isfinite(c.weight))
      throw std::invalid_argument("IKProblem: coordinate weight must be positive and finite");
  }
  for (const auto& j : model.joints)
    if (j.num_coordinates > kMaxJointCoordinates) throw std::invalid_argument("IKProblem: joint with more than 6 coordinates");

  // Free variables: coordinates that are neither locked nor coupler-dependent
  // (docs/opensim-semantics.md#inverse-kinematics).
  variable_of_.assign(nq, -1);
  for (int c = 0; c < nq; ++c) {
    const Coordinate& co = model.coordinates[c];
    if (co.locked || co.coupler >= 0) continue;
    variable_of_[c] = static_cast<int>(free_.size());
    free_.push_back(c);
    lower_.push_back(co.clamped ? co.range_min : -kInf);
    upper_.push_back(co.clamped ? co.range_max : kInf);
  }

  // Couplers in dependency order (a dependent may itself drive another coupler); each dependent
  // moves with its root independent's variable (-1 when that root is locked).
  const int ncp = static_cast<int>(model.couplers.size());
  std::vector<char> placed(ncp, 0);
  for (bool progress = true; progress;) {
    progress = false;
    for (int k = 0; k < ncp; ++k) {
      if (placed[k]) continue;
      const int ind = model.couplers[k].independent;
      const int parent = model.coordinates[ind].coupler;
      if (parent >= 0 && !placed[parent]) continue;
      placed[k] = 1;
      coupler_order_.push_back(k);
      variable_of_[model.couplers[k].dependent] = variable_of_[ind];
      progress = true;
    }
  }
  if (static_cast<int>(coupler_order_.size()) != ncp) throw std::invalid_argument("IKProblem: coupler constraints form a cycle");

  child_body_.resize(nq);
  for (int c = 0; c < nq; ++c) child_body_[c] = model.joints[model.coordinates[c].joint].child_body;
  for (const auto& m : markers_) {
    marker_body_.push_back(model.markers[m.marker].body);
    marker_p_B_.push_back(model.markers[m.marker].p_BM);
  }

  // Bodies whose subtree carries a marker goal, and the joints/coordinates above them.
  std::vector<char> carries(model.bodies.size(), 0);
  for (int b : marker_body_) carries[b] = 1;
  for (int j = static_cast<int>(model.joints.size()) - 1; j >= 0; --j) {
    const Joint& joint = model.joints[j];
    if (!carries[joint.child_body]) continue;
    active_joints_.push_back(j);  // reverse tree order: children before parents
    carries[joint.parent_body] = 1;
  }
  for (int c = 0; c < nq; ++c)
    if (carries[child_body_[c]] && variable_of_[c] >= 0) active_coordinates_.push_back(c);
  for (int j : active_joints_) {
    int driven = 0;
    bool nonlinear = false;
    for (const JointAxis& ax : model.joints[j].axes) {
      if (ax.coordinate < 0) continue;
      ++driven;
      nonlinear |= ax.function.kind() != FunctionKind::Linear;
    }
    if (driven > 1 || nonlinear) curved_joints_.push_back(j);
  }
  joint_curved_.assign(model.joints.size(), 0);
  for (int j : curved_joints_) joint_curved_[j] = 1;
}

IKWorkspace::IKWorkspace(const IKProblem& p) : problem(&p), data(p.model()) {
  const Model& model = p.model();
  const std::size_t nb = model.bodies.size(), nj = model.joints.size();
  const int nq = model.nq(), n = p.num_variables();
  marker_G.assign(p.markers().size(), Vec3::Zero());
  weight_scaled.assign(p.markers().size(), 0.0);
  s0.assign(nb, 0.0);
  s1.assign(nb, Vec3::Zero());
  e_sum.assign(nb, Vec3::Zero());
  t_sum.assign(nb, Vec3::Zero());
  s2.assign(nb, Mat3::Zero());
  p_xe.assign(nb, Mat3::Zero());
  joint_alpha.assign(nj * kMaxJointCoordinates * kMaxJointCoordinates, Vec3::Zero());
  joint_beta.assign(nj * kMaxJointCoordinates, Vec3::Zero());
  Hq_gn = Eigen::MatrixXd::Zero(nq, nq);
  Hq = Eigen::MatrixXd::Zero(nq, nq);
  g_q = Eigen::VectorXd::Zero(nq);
  A = Eigen::MatrixXd::Zero(n, n);
  step = Eigen::VectorXd::Zero(n);
  z = Eigen::VectorXd::Zero(n);
  z_trial = Eigen::VectorXd::Zero(n);
  q_trial = Eigen::VectorXd::Zero(nq);
  fixed.assign(n, 0);
  // Sized by a first factorisation (not by assigning LLT(n), whose status member Eigen leaves
  // uninitialised: copying it is undefined behaviour that UBSan reports).
  llt.compute(Eigen::MatrixXd::Identity(n, n));
}

// The solver, with access to the problem's derived index tables.
struct IKSolver {
  const IKProblem& p;
  const Model& model;
  IKWorkspace& ws;
  const double* observed;
  const double* targets;

  // Dependent coordinates from their independent ones, in dependency order.
  void apply_couplers(Eigen::Ref<Eigen::VectorXd> q) const {
    for (int k : p.coupler_order_) {
      const Coupler& cp = model.couplers[k];
      q[cp.dependent] = cp.scale_factor * cp.function.value(q[cp.independent]);
    }
  }

  // Forward kinematics, marker goal positions and the objective at q.
  double evaluate(const Eigen::Ref<const Eigen::VectorXd>& q) const {
    calc_forward_kinematics(model, ws.data, q);
    double f = 0;
    for (std::size_t m = 0; m < p.markers_.size(); ++m) {
      const Vec3 x = ws.data.X_GB[p.marker_body_[m]].apply(p.marker_p_B_[m]);
      ws.marker_G[m] = x;
      const double a = ws.weight_scaled[m];
      if (a != 0) f += a * (x - observation(observed, m)).squaredNorm();
    }
    for (std::size_t k = 0; k < p.coordinates_.size(); ++k) {
      const double r = q[p.coordinates_[k].coordinate] - targets[k];
      f += p.coordinates_[k].weight * r * r;
    }
    return 0.5 * f;
  }

  // Second derivatives of a joint's own motion, in Ground. For coordinates c, d of one joint and a
  // point x moved by it, with r = x − o (o = axis_o, the joint's M origin):
  //   ∂²x/∂q_c∂q_d = α_cd × r + w_c × (w_d × r) + β_cd
  //   α_cd = Σ_{rotations k of c} (δ_cd f_k'' ω_k + f_k' Σ_{rotations j<k of d} f_j' ω_j × ω_k)
  //   β_cd = δ_cd Σ_{translations k of c} f_k'' t_k
  // where ω_k is rotation axis k as carried by the rotations before it (a body-fixed sequence).
  void joint_second_derivatives(int j, const Eigen::Ref<const Eigen::VectorXd>& q) const {
    const Joint& J = model.joints[j];
    const int n = J.num_coordinates;
    Vec3* alpha = &ws.joint_alpha[static_cast<std::size_t>(j) * kMaxJointCoordinates * kMaxJointCoordinates];
    Vec3* beta = &ws.joint_beta[static_cast<std::size_t>(j) * kMaxJointCoordinates];
    for (int c = 0; c < n; ++c) {
      beta[c].setZero();
      for (int d = 0; d < n; ++d) alpha[c * kMaxJointCoordinates + d].setZero();
    }
    Mat3 R_GF;
    if (J.parent_body == kGround) R_GF = J.X_PF.R;
    else if (J.X_PF_identity) R_GF = ws.data.X_GB[J.parent_body].R;
    else R_GF = ws.data.X_GB[J.parent_body].R * J.X_PF.R;
    Mat3 R = R_GF;  // R_GF · (rotations before axis k)
    Vec3 omega[3];
    double d1[3] = {0, 0, 0};
    int local[3] = {-1, -1, -1};
    for (int k = 0; k < 3; ++k) {
      const JointAxis& ax = J.axes[k];
      if (ax.coordinate < 0) {
        if (ax.constant_value != 0.0) R = R * ax.R_constant;
        continue;
      }
      const FunctionValue s = ax.function.eval(q[ax.coordinate]);
      omega[k] = R * ax.axis;
      local[k] = ax.coordinate - J.first_coordinate;
      d1[k] = s.df;
      alpha[local[k] * kMaxJointCoordinates + local[k]] += s.ddf * omega[k];
      for (int i = 0; i < k; ++i)
        if (local[i] >= 0) alpha[local[k] * kMaxJointCoordinates + local[i]] += (d1[k] * d1[i]) * omega[i].cross(omega[k]);
      if (s.f != 0.0) R = R * rotation_about_sc(ax.axis, std::sin(s.f), std::cos(s.f));
    }
    for (int k = 3; k < 6; ++k) {
      const JointAxis& ax = J.axes[k];
      if (ax.coordinate < 0) continue;
      const double ddf = ax.function.eval(q[ax.coordinate]).ddf;
      if (ddf != 0.0) beta[ax.coordinate - J.first_coordinate] += ddf * (R_GF * ax.axis);
    }
  }

  // Gradient, Gauss–Newton matrix and full Hessian at q (ws.data and ws.marker_G at q), in
  // coordinate space, lower triangle.
  //
  // A marker x on a body moved by coordinate c has ∂x/∂q_c = J_c = v0_c + w_c × x (axis_v0, axis_w).
  // Over the markers below a joint, with weights a and errors e = x − x̂, the sums needed are the
  // subtree moments S0 = Σa, S1 = Σa x, S2 = Σa(|x|²I − xxᵀ), E = Σa e, T = Σa x×e, P = Σa x eᵀ:
  //   gradient   Σa J_d·e                = v0_d·E + w_d·T
  //   JᵀJ        Σa J_c·J_d              = v0_c·(S0 v0_d + w_d×S1) + w_c·(S1×v0_d + S2 w_d)
  //   Σ r·∇²r    c above d (other joint): Σa e·(w_c × J_d) = w_c·(P w_d − tr(P) w_d + v0_d × E)
  //              c, d in one joint:       see joint_second_derivatives, with r = x − o
  // The markers moved by both c and d are those below the deeper joint, so one pass over
  // (coordinate, its ancestors) fills the matrices; the couplers are then folded into their
  // independent coordinates by the chain rule.
  void assemble(const Eigen::Ref<const Eigen::VectorXd>& q) const {
    for (int j : p.active_joints_) {
      const int b = model.joints[j].child_body;
      ws.s0[b] = 0;
      ws.s1[b].setZero();
      ws.s2[b].setZero();
      ws.e_sum[b].setZero();
      ws.t_sum[b].setZero();
      ws.p_xe[b].setZero();
    }
    for (std::size_t m = 0; m < p.markers_.size(); ++m) {
      const double a = ws.weight_scaled[m];
      const int b = p.marker_body_[m];
      if (a == 0 || b == kGround) continue;
      const Vec3& x = ws.marker_G[m];
      const Vec3 e = x - observation(observed, m);
      const Vec3 ax = a * x;
      ws.s0[b] += a;
      ws.s1[b] += ax;
      ws.s2[b].diagonal().array() += ax.dot(x);
      ws.s2[b].noalias() -= ax * x.transpose();
      ws.e_sum[b] += a * e;
      ws.t_sum[b] += ax.cross(e);
      ws.p_xe[b].noalias() += ax * e.transpose();
    }
    for (int j : p.active_joints_) {  // children before parents
      const int b = model.joints[j].child_body, parent = model.joints[j].parent_body;
      if (parent == kGround) continue;
      ws.s0[parent] += ws.s0[b];
      ws.s1[parent] += ws.s1[b];
      ws.s2[parent] += ws.s2[b];
      ws.e_sum[parent] += ws.e_sum[b];
      ws.t_sum[parent] += ws.t_sum[b];
      ws.p_xe[parent] += ws.p_xe[b];
    }
    for (int j : p.curved_joints_) joint_second_derivatives(j, q);

    ws.Hq_gn.setZero();
    ws.Hq.setZero();
    ws.g_q.setZero();
    const Data& d = ws.data;
    for (int cd : p.active_coordinates_) {
      const int b = p.child_body_[cd];
      const double S0 = ws.s0[b];
      if (S0 == 0) continue;
      const Vec3& S1 = ws.s1[b];
      const Mat3& P = ws.p_xe[b];
      const Vec3& E = ws.e_sum[b];
      const double trP = P.trace();
      const Vec3& wd = d.axis_w[cd];
      const Vec3& vd = d.axis_v0[cd];
      ws.g_q[cd] = vd.dot(E) + wd.dot(ws.t_sum[b]);
      const Vec3 Av = S0 * vd + wd.cross(S1);        // h_gn = v0_c·Av + w_c·Aw
      const Vec3 Aw = S1.cross(vd) + ws.s2[b] * wd;
      const Vec3 Aw2 = Aw + P * wd - trP * wd + vd.cross(E);  // plus Σ r·∇²r for c above d
      const int jd = model.coordinates[cd].joint;
      const int first = model.joints[jd].first_coordinate, last = first + model.joints[jd].num_coordinates;
      for (int k = model.support_begin[b]; k < model.support_begin[b + 1]; ++k) {
        const int cc = model.support_coordinates[k];
        if (p.variable_of_[cc] < 0 || (cc >= first && cc < last)) continue;
        const Vec3& wc = d.axis_w[cc];
        const double hv = d.axis_v0[cc].dot(Av);
        const int r = std::max(cc, cd), c = std::min(cc, cd);
        ws.Hq_gn(r, c) = hv + wc.dot(Aw);
        ws.Hq(r, c) = hv + wc.dot(Aw2);
      }
      // Pairs inside the joint (cc ≤ cd): r = x − o, so Σa r×e = T − o×E, Σa r eᵀ = P − o Eᵀ,
      // Σa e·r = tr P − E·o; Σa e·(w_c × (w_d × r)) = w_cᵀ(P − o Eᵀ)w_d − (w_c·w_d)(tr P − E·o).
      const bool curved = p.joint_curved_[jd];
      const Vec3& o = d.axis_o[cd];
      const Vec3 To = ws.t_sum[b] - o.cross(E);
      const double er = trP - E.dot(o);
      const Vec3 Pwd = P * wd - o * E.dot(wd);
      for (int cc = first; cc <= cd; ++cc) {
        if (p.variable_of_[cc] < 0) continue;
        const Vec3& wc = d.axis_w[cc];
        const double h = d.axis_v0[cc].dot(Av) + wc.dot(Aw);
        double h2 = wc.dot(Pwd) - wc.dot(wd) * er;
        if (curved) {
          const std::size_t base = static_cast<std::size_t>(jd) * kMaxJointCoordinates;
          h2 += ws.joint_alpha[(base + (cc - first)) * kMaxJointCoordinates + (cd - first)].dot(To);
          if (cc == cd) h2 += ws.joint_beta[base + (cc - first)].dot(E);
        }
        ws.Hq_gn(cd, cc) = h;
        ws.Hq(cd, cc) = h + h2;
      }
    }
    for (std::size_t k = 0; k < p.coordinates_.size(); ++k) {
      const int c = p.coordinates_[k].coordinate;
      ws.g_q[c] += p.coordinates_[k].weight * (q[c] - targets[k]);
      ws.Hq_gn(c, c) += p.coordinates_[k].weight;
      ws.Hq(c, c) += p.coordinates_[k].weight;
    }
    if (!p.coupler_order_.empty()) fold_couplers(q);
  }

  // Chain rule through the couplers: a dependent coordinate c = φ(i) is folded into its
  // independent i (deepest dependents first, so chains compose): g_i += φ' g_c,
  // H_ij += φ' H_cj, H_ii += 2φ' H_ci + φ'² H_cc (+ φ'' g_c in the full Hessian).
  void fold_couplers(const Eigen::Ref<const Eigen::VectorXd>& q) const {
    const int nq = model.nq();
    const auto at = [](Eigen::MatrixXd& M, int r, int c) -> double& { return r >= c ? M(r, c) : M(c, r); };
    for (auto it = p.coupler_order_.rbegin(); it != p.coupler_order_.rend(); ++it) {
      const Coupler& cp = model.couplers[*it];
      const int c = cp.dependent, i = cp.independent;
      if (p.variable_of_[c] < 0) continue;
      const FunctionValue f = cp.function.eval(q[i]);
      const double s = cp.scale_factor * f.df, k = cp.scale_factor * f.ddf;
      for (Eigen::MatrixXd* M : {&ws.Hq_gn, &ws.Hq}) {
        const double hcc = at(*M, c, c), hci = at(*M, c, i);
        for (int j = 0; j < nq; ++j)
          if (j != c && j != i) at(*M, i, j) += s * at(*M, c, j);
        at(*M, i, i) += 2 * s * hci + s * s * hcc;
      }
      at(ws.Hq, i, i) += k * ws.g_q[c];
      ws.g_q[i] += s * ws.g_q[c];
    }
  }

  // OpenSim's convergence measure max_i |∂J/∂z_i|·max(1,|z_i|) / max(0.1, J), on the gradient
  // projected onto the bounds; also marks the variables held this iteration.
  double relative_gradient(double f) const {
    double worst = 0;
    for (int k = 0; k < p.num_variables(); ++k) {
      const int c = p.free_[k];
      const double gk = ws.g_q[c];
      const bool held = (ws.z[k] <= p.lower_[k] && gk > 0) || (ws.z[k] >= p.upper_[k] && gk < 0);
      ws.fixed[k] = held || ws.Hq_gn(c, c) <= 0;
      if (!held) worst = std::max(worst, std::abs(gk) * std::max(1.0, std::abs(ws.z[k])));
    }
    return worst / std::max(0.1, f);
  }

  // Solves (H + λ·diag(H_gn)) δ = −g on the variables not held (H: the full Hessian for a Newton
  // step, JᵀJ for Gauss–Newton); false if that matrix is not positive definite.
  bool solve_step(bool newton, double lambda) const {
    const int n = p.num_variables();
    const Eigen::MatrixXd& H = newton ? ws.Hq : ws.Hq_gn;
    for (int l = 0; l < n; ++l) {
      const int cl = p.free_[l];
      if (ws.fixed[l]) {
        for (int k = l; k < n; ++k) ws.A(k, l) = 0.0;
        ws.A(l, l) = 1.0;
        ws.step[l] = 0.0;
        continue;
      }
      ws.A(l, l) = H(cl, cl) + lambda * ws.Hq_gn(cl, cl);
      for (int k = l + 1; k < n; ++k) ws.A(k, l) = ws.fixed[k] ? 0.0 : H(p.free_[k], cl);
      ws.step[l] = -ws.g_q[cl];
    }
    ws.llt.compute(ws.A);
    if (ws.llt.info() != Eigen::Success) return false;
    ws.llt.solveInPlace(ws.step);
    return ws.step.allFinite();
  }

  IKFrameStatus solve(Eigen::Ref<Eigen::VectorXd> q) const {
    const IKSolverOptions& opt = p.options_;
    const int n = p.num_variables();
    IKFrameStatus status;

    // This frame's weights: w / Σw over the observed markers (docs/opensim-semantics.md#inverse-kinematics).
    double wsum = 0;
    for (std::size_t m = 0; m < p.markers_.size(); ++m)
      if (finite3(observed + 3 * m)) {
        wsum += p.markers_[m].weight;
        ++status.observed_markers;
      }
    for (std::size_t m = 0; m < p.markers_.size(); ++m)
      ws.weight_scaled[m] = wsum > 0 && finite3(observed + 3 * m) ? p.markers_[m].weight / wsum : 0.0;

    for (int k = 0; k < n; ++k) {
      const int c = p.free_[k];
      ws.z[k] = std::clamp(q[c], p.lower_[k], p.upper_[k]);
      q[c] = ws.z[k];
    }
    apply_couplers(q);

    double f = evaluate(q);
    assemble(q);
    bool data_at_q = true;
    double lambda = 0;
    double rel = relative_gradient(f);
    while (status.iterations < opt.max_iterations) {
      if (rel <= opt.gradient_tolerance) {
        status.converged = true;
        break;
      }
      ++status.iterations;
      // Newton step while the Hessian is positive definite, else Gauss–Newton; both damped.
      bool newton = true;
      if (!solve_step(true, lambda)) {
        newton = false;
        if (!solve_step(false, lambda)) {
          lambda = lambda == 0 ? 1e-8 : lambda * 10;
          if (lambda > 1e12) break;
          continue;
        }
      }
      double moved = 0;
      bool projected = false;  // a bound cut the step short
      for (int k = 0; k < n; ++k) {
        const double target = ws.z[k] + ws.step[k];
        ws.z_trial[k] = std::clamp(target, p.lower_[k], p.upper_[k]);
        projected |= ws.z_trial[k] != target;
        moved = std::max(moved, std::abs(ws.z_trial[k] - ws.z[k]));
      }
      if (moved <= opt.step_tolerance) {
        status.converged = true;
        break;
      }
      ws.q_trial = q;
      for (int k = 0; k < n; ++k) ws.q_trial[p.free_[k]] = ws.z_trial[k];
      apply_couplers(ws.q_trial);
      const double f_trial = evaluate(ws.q_trial);
      // Accept any decrease, and a change within the rounding of f (near the optimum a step can be
      // below what f resolves while the gradient still improves).
      if (f_trial <= f + 1e-14 * f) {
        q = ws.q_trial;
        ws.z = ws.z_trial;
        f = f_trial;
        data_at_q = true;
        // An undamped Newton step this short lands within O(1e−16) of the optimum (quadratic
        // convergence with the exact Hessian): no need to assemble again to confirm it.
        if (newton && lambda == 0 && !projected && moved <= 1e-8) {
          status.converged = true;
          break;
        }
        assemble(q);
        rel = relative_gradient(f);
        lambda = lambda < 1e-6 ? 0.0 : lambda * 0.1;
      } else {
        data_at_q = false;
        lambda = lambda == 0 ? 1e-4 : lambda * 10;
        if (lambda > 1e12) break;  // even tiny gradient steps fail: not converged (reported)
      }
    }
    if (!data_at_q) f = evaluate(q);
    status.cost = f;
    status.relative_gradient = rel;
    return status;
  }
};

IKFrameStatus solve_ik_frame(IKWorkspace& ws, const double* observed, const double* targets,
                             Eigen::Ref<Eigen::VectorXd> q) {
  const IKProblem& p = *ws.problem;
  const IKSolver solver{p, p.model(), ws, observed, targets};
  return solver.solve(q);
}

IKMarkerErrors ik_marker_errors(const IKWorkspace& ws, const double* observed) {
  const auto& goals = ws.problem->markers();
  IKMarkerErrors out;
  double max2 = 0;
  for (std::size_t m = 0; m < goals.size(); ++m) {
    if (!finite3(observed + 3 * m)) continue;
    const double d2 = (ws.marker_G[m] - observation(observed, m)).squaredNorm();
    out.total_squared += d2;
    if (out.worst < 0 || d2 > max2) {
      max2 = d2;
      out.worst = static_cast<int>(m);
    }
  }
  out.max = std::sqrt(max2);
  out.rms = goals.empty() ? 0.0 : std::sqrt(out.total_squared / static_cast<double>(goals.size()));
  return out;
}

}  // namespace weaklink

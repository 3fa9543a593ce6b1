#include "solvers/static_optimization.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "dynamics/actuator_forces.hpp"
#include "dynamics/forward_dynamics.hpp"
#include "dynamics/inverse_dynamics.hpp"
#include "dynamics/passive_forces.hpp"
#include "muscles/muscle_force.hpp"
#include "muscles/path_geometry.hpp"

namespace weaklink {
namespace {

std::vector<Model::ForceRef> applying_actuators(const Model& model) {
  std::vector<Model::ForceRef> out;
  for (const auto& f : model.force_order) {
    const bool applies = f.muscle ? model.muscles[f.index].params.applies_force : model.actuators[f.index].applies_force;
    if (applies) out.push_back(f);
  }
  return out;
}

int count(const std::vector<Model::ForceRef>& v) { return static_cast<int>(v.size()); }

}  // namespace

StaticOptimization::StaticOptimization(const Model& model, const StaticOptimizationOptions& options, ContactSet contacts)
    : options_(options),
      actuators_(applying_actuators(model)),
      free_(free_coordinates(model)),
      contacts_(std::move(contacts)),
      qp_(1, 1) {
  const int na = count(actuators_), nf = static_cast<int>(free_.size()), nq = model.nq();
  lb_.resize(na);
  ub_.resize(na);
  for (int k = 0; k < na; ++k) {
    const auto& f = actuators_[k];
    if (f.muscle) {
      const MuscleParams& p = model.muscles[f.index].params;
      double lo = p.min_control;
      // Thelen and Millard never go below their minimum activation (docs/opensim-semantics.md#muscles).
      if (p.type != MuscleType::DeGrooteFregly2016) lo = std::max(lo, p.minimum_activation);
      lb_[k] = lo;
      ub_[k] = p.max_control;
    } else {
      lb_[k] = model.actuators[f.index].min_control;
      ub_[k] = model.actuators[f.index].max_control;
    }
  }
  // Reserves on every free coordinate except the floating base's (a joint to Ground): whole-body
  // equilibrium is the contacts' job, and a miss there is reported, never hidden in a reserve.
  if (options_.reserve_optimal_force > 0)
    for (int k = 0; k < nf; ++k) {
      const Joint& j = model.joints[model.coordinates[free_[k]].joint];
      if (j.parent_body == kGround) continue;
      reserve_coordinate_.push_back(free_[k]);
      reserve_row_.push_back(k);
    }
  for (const auto& s : contacts_.surfaces) edges_.push_back(friction_edges(s));
  const int np = static_cast<int>(contacts_.pairs.size()), ns = static_cast<int>(contacts_.surfaces.size());
  surface_row_.assign(static_cast<std::size_t>(ns), -1);
  reserve_force_.setZero(static_cast<Eigen::Index>(reserve_coordinate_.size()));
  contact_force_.assign(static_cast<std::size_t>(np), Vec3::Zero());
  contact_point_.assign(static_cast<std::size_t>(np), Vec3::Zero());

  const int nv = variables();
  qp_.resize(nf + ns, nv);
  lb_all_.setZero(nv);
  ub_all_.setZero(nv);
  unconstrained_ = nf == nq;  // nothing locked, prescribed or coupled
  G_.setZero(nq, nf);
  A_.setZero(nf + ns, nv);
  gamma_.setZero(nq);
  qdd_.setZero(nq);
  tau_.setZero(nq);
  passive_.setZero(nq);
  b_.setZero(nf + ns);
  fopt_.setZero(na);
  speeds_.setZero(static_cast<Eigen::Index>(model.muscles.size()));
  column_.setZero(nq);
  weights_.setOnes(nv);
  x_.setZero(nv);
  x_prev_.setZero(nv);
  residual_.setZero(nf + ns);
}

int StaticOptimization::variables() const {
  return count(actuators_) + static_cast<int>(reserve_coordinate_.size()) +
         kFrictionEdges * static_cast<int>(contacts_.pairs.size());
}

std::string StaticOptimization::actuator_name(const Model& model, int k) const {
  const auto& f = actuators_[static_cast<std::size_t>(k)];
  return f.muscle ? model.muscles[f.index].name : model.actuators[f.index].name;
}

StaticOptimizationFrame StaticOptimization::solve(const Model& model, Data& data, const StaticOptimizationFrameInput& input,
                                                  Eigen::Ref<Eigen::VectorXd> controls, Eigen::Ref<Eigen::VectorXd> forces) {
  const int na = count(actuators_), nf = static_cast<int>(free_.size());
  const int nr = static_cast<int>(reserve_coordinate_.size()), np = static_cast<int>(contacts_.pairs.size());
  const int ns = static_cast<int>(contacts_.surfaces.size()), nv = variables();
  const auto& q = input.q;
  const auto& u = input.u;
  const auto& strength = input.strength;
  const auto& contact_strength = input.contact_strength;
  const auto& surface_load = input.surface_load;
  if ((strength.size() != 0 && strength.size() != na) || (contact_strength.size() != 0 && contact_strength.size() != np) ||
      (surface_load.size() != 0 && surface_load.size() != ns))
    throw std::invalid_argument("StaticOptimization::solve: an input has the wrong size");
  // Right-hand side: the generalized forces the actuators must supply, Gᵀ τ_ID at the target.
  calc_coordinate_map(model, free_, q, u, G_, gamma_);
  qdd_ = gamma_;
  for (int k = 0; k < nf; ++k) qdd_[free_[k]] += input.qddot_target[free_[k]];
  calc_inverse_dynamics(model, data, q, u, qdd_, tau_);
  // Passive elements keep their own law: what they supply, the actuators need not
  // (docs/opensim-semantics.md#passive-forces).
  if (!model.passive_forces.empty()) {
    passive_.setZero();
    add_passive_generalized_forces(model, data, q, u, passive_);
    tau_ -= passive_;
  }
  if (unconstrained_) {  // G is the identity: skip the projections
    for (int k = 0; k < nf; ++k) b_[k] = tau_[free_[k]];
  } else {
    b_.head(nf).noalias() = G_.transpose() * tau_;
  }
  // A generalized force column (all coordinates) into free-coordinate rows of column j.
  auto reduce_into = [&](int j, double scale) {
    if (unconstrained_) {
      for (int k = 0; k < nf; ++k) A_(k, j) = column_[free_[k]] * scale;
    } else {
      for (int k = 0; k < nf; ++k) A_(k, j) = G_.col(k).dot(column_) * scale;
    }
  };

  // Constraint matrix: one column per actuator, its generalized force at unit control.
  int wrap_skipped = 0, first_skipped = -1;
  if (!model.muscles.empty()) {
    calc_path_geometry(model, data, q);
    calc_path_speeds(model, data, u, speeds_);
    for (int m = 0; m < static_cast<int>(model.muscles.size()); ++m)
      if (data.muscle_wrap_skipped[m]) {
        if (first_skipped < 0) first_skipped = m;
        ++wrap_skipped;
      }
  }
  for (int j = 0; j < na; ++j) {
    const auto& f = actuators_[j];
    lb_all_[j] = lb_[j];
    ub_all_[j] = ub_[j];
    if (f.muscle) {
      const MuscleParams& p = model.muscles[f.index].params;
      const double fopt = options_.use_muscle_physiology
                              ? rigid_tendon_active_force(p, data.muscle_length[f.index], speeds_[f.index], 1.0)
                              : p.max_isometric_force;
      fopt_[j] = fopt * (strength.size() != 0 ? strength[j] : 1.0);
      // Moment arms of free coordinates already carry their couplers' dependent shares.
      const double* arm = data.moment_arm.data() + f.index;  // column-major: row f.index
      const Eigen::Index stride = data.moment_arm.rows();
      for (int k = 0; k < nf; ++k) A_(k, j) = arm[free_[k] * stride] * fopt_[j];
    } else {
      fopt_[j] = model.actuators[f.index].optimal_force * (strength.size() != 0 ? strength[j] : 1.0);
      actuator_generalized_force(model, data, f.index, column_);
      reduce_into(j, fopt_[j]);
    }
  }
  // Reserves: a unit generalized force on their own coordinate's row.
  for (int r = 0; r < nr; ++r) {
    const int j = na + r;
    A_.col(j).head(nf).setZero();
    A_(reserve_row_[r], j) = options_.reserve_optimal_force;
    lb_all_[j] = -std::numeric_limits<double>::infinity();
    ub_all_[j] = std::numeric_limits<double>::infinity();
  }
  // Contacts: each pyramid edge's force at the pair's point, through every coordinate moving the body.
  A_.bottomRows(ns).setZero();
  int m = nf;  // rows in use: free coordinates, then the surfaces with a prescribed load this frame
  for (int s = 0; s < ns; ++s) surface_row_[s] = -1;
  for (int c = 0; c < np; ++c) {
    const ContactPair& pair = contacts_.pairs[c];
    const double pair_strength = contact_strength.size() != 0 ? contact_strength[c] : 0.0;
    const bool on = pair_strength > 0;
    contact_point_[c] = data.X_GB[pair.body].apply(pair.p_B);
    const double load = surface_load.size() != 0 ? surface_load[pair.surface] : std::numeric_limits<double>::quiet_NaN();
    if (on && !std::isnan(load) && surface_row_[pair.surface] < 0) {
      surface_row_[pair.surface] = m;
      b_[m] = load;
      ++m;
    }
    for (int e = 0; e < kFrictionEdges; ++e) {
      const int j = na + nr + kFrictionEdges * c + e;
      lb_all_[j] = 0;
      ub_all_[j] = on ? std::numeric_limits<double>::infinity() : 0.0;
      column_.setZero();
      if (on && pair.body != kGround) {
        const Vec3& d = edges_[pair.surface][e];
        const Vec3 moment = contact_point_[c].cross(d);
        for (int k = model.support_begin[pair.body]; k < model.support_begin[pair.body + 1]; ++k) {
          const int q_index = model.support_coordinates[k];
          // Like an actuator, a contact force f at p supplies the generalized force Jᵀf.
          column_[q_index] = data.axis_w[q_index].dot(moment) + data.axis_v0[q_index].dot(d);
        }
      }
      reduce_into(j, pair_strength);
      if (on && surface_row_[pair.surface] >= 0) A_(surface_row_[pair.surface], j) = pair_strength;  // d·n = 1
    }
  }

  StaticOptimizationFrame frame;
  frame.wrap_skipped_muscles = wrap_skipped;
  frame.wrap_skipped_muscle = first_skipped;
  // Fixed weights of the reserves and contacts; the actuators' may be reweighted below.
  weights_.setOnes();
  weights_.segment(na, nr).setConstant(options_.reserve_weight);
  weights_.tail(nv - na - nr).setConstant(options_.contact_weight);
  const auto A = A_.topRows(m);
  const auto b = b_.head(m);
  QpResult r;
  if (options_.activation_exponent == 2.0) {
    r = qp_.solve(A, b, lb_all_, ub_all_, weights_, x_);
    frame.iterations = r.iterations;
  } else {
    // Σ|x|^p by iteratively reweighted least squares: weight |x_j|^(p−2) from the previous
    // iterate (floored so that zero controls stay finite); stops when controls change < tol.
    const double p = options_.activation_exponent;
    r = qp_.solve(A, b, lb_all_, ub_all_, weights_, x_);
    int it = 1;
    for (; it < options_.max_iterations; ++it) {
      x_prev_ = x_;
      for (int j = 0; j < na; ++j) weights_[j] = std::pow(std::max(std::abs(x_[j]), 1e-4), p - 2.0);
      r = qp_.solve(A, b, lb_all_, ub_all_, weights_, x_);
      if ((x_ - x_prev_).cwiseAbs().maxCoeff() < options_.convergence) break;
    }
    frame.iterations = it;
  }
  frame.status = r.status;
  controls = x_.head(na);
  forces = x_.head(na).cwiseProduct(fopt_);
  for (int k = 0; k < nr; ++k) reserve_force_[k] = x_[na + k] * options_.reserve_optimal_force;
  for (int c = 0; c < np; ++c) {
    Vec3 f = Vec3::Zero();
    const auto& edges = edges_[contacts_.pairs[c].surface];
    for (int e = 0; e < kFrictionEdges; ++e) f += x_[na + nr + kFrictionEdges * c + e] * edges[e];
    contact_force_[c] = f * (contact_strength.size() != 0 ? contact_strength[c] : 0.0);
  }
  residual_.head(m).noalias() = A * x_;
  residual_.head(m) -= b;
  for (int k = 0; k < nf; ++k) {
    const double e = std::abs(residual_[k]);
    if (e > frame.max_residual) {
      frame.max_residual = e;
      frame.worst_coordinate = free_[k];
    }
  }
  // Met to the solver's precision relative to the loads involved: anything larger is a real miss.
  frame.feasible = r.status == QpStatus::Optimal && frame.max_residual <= 1e-6 * (1.0 + b.cwiseAbs().maxCoeff());
  if (frame.feasible) frame.worst_coordinate = -1;
  for (int j = 0; j < na; ++j)
    if (!actuators_[j].muscle && std::abs(forces[j]) > frame.reserve_max) {
      frame.reserve_max = std::abs(forces[j]);
      frame.reserve_actuator = j;
    }
  for (int k = 0; k < nr; ++k)
    if (std::abs(reserve_force_[k]) > frame.coordinate_reserve_max) {
      frame.coordinate_reserve_max = std::abs(reserve_force_[k]);
      frame.coordinate_reserve = reserve_coordinate_[k];
    }
  return frame;
}

Eigen::VectorXd muscle_scale_per_actuator(const std::vector<Model::ForceRef>& actuators, const Eigen::VectorXd& muscle_scale) {
  Eigen::VectorXd s = Eigen::VectorXd::Ones(static_cast<Eigen::Index>(actuators.size()));
  for (std::size_t k = 0; k < actuators.size(); ++k)
    if (actuators[k].muscle) s[static_cast<Eigen::Index>(k)] = muscle_scale[actuators[k].index];
  return s;
}

std::string wrap_skipped_warning(const Model& model, const std::vector<StaticOptimizationFrame>& frames) {
  int count = 0, most = 0, example = -1;
  for (const auto& f : frames)
    if (f.wrap_skipped_muscles > 0) {
      ++count;
      if (f.wrap_skipped_muscles > most) {
        most = f.wrap_skipped_muscles;
        example = f.wrap_skipped_muscle;
      }
    }
  if (count == 0) return "";
  return fmt::format("in {} of {} frames up to {} muscle path(s) (e.g. '{}') had a point inside a wrap object, which was then "
                     "skipped as OpenSim does: those paths may cut through the bone the object stands for",
                     count, frames.size(), most, model.muscles[example].name);
}

}  // namespace weaklink

#include "solvers/static_optimization.hpp"

#include <fmt/format.h>

#include <cmath>

#include "dynamics/actuator_forces.hpp"
#include "dynamics/forward_dynamics.hpp"
#include "dynamics/inverse_dynamics.hpp"
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

StaticOptimization::StaticOptimization(const Model& model, const StaticOptimizationOptions& options)
    : options_(options),
      actuators_(applying_actuators(model)),
      free_(free_coordinates(model)),
      qp_(static_cast<int>(free_coordinates(model).size()), count(applying_actuators(model))) {
  const int na = count(actuators_), nf = static_cast<int>(free_.size()), nq = model.nq();
  lb_.resize(na);
  ub_.resize(na);
  strength_ = Eigen::VectorXd::Ones(na);
  for (int k = 0; k < na; ++k) {
    const auto& f = actuators_[k];
    if (f.muscle) {
      const MuscleParams& p = model.muscles[f.index].params;
      double lo = p.min_control;
      // Thelen and Millard never go below their minimum activation (§15 quirk 10).
      if (p.type != MuscleType::DeGrooteFregly2016) lo = std::max(lo, p.minimum_activation);
      lb_[k] = lo;
      ub_[k] = p.max_control;
    } else {
      lb_[k] = model.actuators[f.index].min_control;
      ub_[k] = model.actuators[f.index].max_control;
    }
  }
  unconstrained_ = nf == nq;  // nothing locked, prescribed or coupled
  G_.setZero(nq, nf);
  A_.setZero(nf, na);
  gamma_.setZero(nq);
  qdd_.setZero(nq);
  tau_.setZero(nq);
  b_.setZero(nf);
  fopt_.setZero(na);
  speeds_.setZero(static_cast<Eigen::Index>(model.muscles.size()));
  column_.setZero(nq);
  weights_.setOnes(na);
  x_.setZero(na);
  x_prev_.setZero(na);
  residual_.setZero(nf);
}

std::string StaticOptimization::actuator_name(const Model& model, int k) const {
  const auto& f = actuators_[static_cast<std::size_t>(k)];
  return f.muscle ? model.muscles[f.index].name : model.actuators[f.index].name;
}

StaticOptimizationFrame StaticOptimization::solve(const Model& model, Data& data, const Eigen::Ref<const Eigen::VectorXd>& q,
                                                  const Eigen::Ref<const Eigen::VectorXd>& u,
                                                  const Eigen::Ref<const Eigen::VectorXd>& qddot_target,
                                                  Eigen::Ref<Eigen::VectorXd> controls, Eigen::Ref<Eigen::VectorXd> forces) {
  const int na = count(actuators_), nf = static_cast<int>(free_.size());
  // Right-hand side: the generalized forces the actuators must supply, Gᵀ τ_ID at the target.
  calc_coordinate_map(model, free_, q, u, G_, gamma_);
  qdd_ = gamma_;
  for (int k = 0; k < nf; ++k) qdd_[free_[k]] += qddot_target[free_[k]];
  calc_inverse_dynamics(model, data, q, u, qdd_, tau_);
  if (unconstrained_) {  // G is the identity: skip the projections
    for (int k = 0; k < nf; ++k) b_[k] = tau_[free_[k]];
  } else {
    b_.noalias() = G_.transpose() * tau_;
  }

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
    if (f.muscle) {
      const MuscleParams& p = model.muscles[f.index].params;
      const double fopt = options_.use_muscle_physiology
                              ? rigid_tendon_active_force(p, data.muscle_length[f.index], speeds_[f.index], 1.0)
                              : p.max_isometric_force;
      fopt_[j] = fopt * strength_[j];
      // Moment arms of free coordinates already carry their couplers' dependent shares.
      const double* arm = data.moment_arm.data() + f.index;  // column-major: row f.index
      const Eigen::Index stride = data.moment_arm.rows();
      for (int k = 0; k < nf; ++k) A_(k, j) = arm[free_[k] * stride] * fopt_[j];
    } else {
      fopt_[j] = model.actuators[f.index].optimal_force * strength_[j];
      actuator_generalized_force(model, data, f.index, column_);
      if (unconstrained_) {
        for (int k = 0; k < nf; ++k) A_(k, j) = column_[free_[k]] * fopt_[j];
      } else {
        for (int k = 0; k < nf; ++k) A_(k, j) = G_.col(k).dot(column_) * fopt_[j];
      }
    }
  }

  StaticOptimizationFrame frame;
  frame.wrap_skipped_muscles = wrap_skipped;
  frame.wrap_skipped_muscle = first_skipped;
  QpResult r;
  if (options_.activation_exponent == 2.0) {
    weights_.setOnes();
    r = qp_.solve(A_, b_, lb_, ub_, weights_, x_);
    frame.iterations = r.iterations;
  } else {
    // Σ|x|^p by iteratively reweighted least squares: weight |x_j|^(p−2) from the previous
    // iterate (floored so that zero controls stay finite); stops when controls change < tol.
    const double p = options_.activation_exponent;
    weights_.setOnes();
    r = qp_.solve(A_, b_, lb_, ub_, weights_, x_);
    int it = 1;
    for (; it < options_.max_iterations; ++it) {
      x_prev_ = x_;
      for (int j = 0; j < na; ++j) weights_[j] = std::pow(std::max(std::abs(x_[j]), 1e-4), p - 2.0);
      r = qp_.solve(A_, b_, lb_, ub_, weights_, x_);
      if ((x_ - x_prev_).cwiseAbs().maxCoeff() < options_.convergence) break;
    }
    frame.iterations = it;
  }
  frame.status = r.status;
  controls = x_;
  forces = x_.cwiseProduct(fopt_);
  residual_.noalias() = A_ * x_;
  residual_ -= b_;
  for (int k = 0; k < nf; ++k) {
    const double e = std::abs(residual_[k]);
    if (e > frame.max_residual) {
      frame.max_residual = e;
      frame.worst_coordinate = free_[k];
    }
  }
  // Met to the solver's precision relative to the loads involved: anything larger is a real miss.
  frame.feasible = r.status == QpStatus::Optimal && frame.max_residual <= 1e-6 * (1.0 + b_.cwiseAbs().maxCoeff());
  if (frame.feasible) frame.worst_coordinate = -1;
  for (int j = 0; j < na; ++j)
    if (!actuators_[j].muscle && std::abs(forces[j]) > frame.reserve_max) {
      frame.reserve_max = std::abs(forces[j]);
      frame.reserve_actuator = j;
    }
  return frame;
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

#include "dynamics/forward_dynamics.hpp"

#include "dynamics/inverse_dynamics.hpp"

namespace weaklink {

std::vector<int> free_coordinates(const Model& model) {
  std::vector<int> out;
  for (int c : model.tree_coordinate_order) {
    const Coordinate& co = model.coordinates[c];
    if (!co.locked && !co.prescribed && co.coupler < 0) out.push_back(c);
  }
  return out;
}

void calc_coordinate_map(const Model& model, const std::vector<int>& free, const Eigen::Ref<const Eigen::VectorXd>& q,
                         const Eigen::Ref<const Eigen::VectorXd>& u, Eigen::Ref<Eigen::MatrixXd> G,
                         Eigen::Ref<Eigen::VectorXd> gamma) {
  G.setZero();
  gamma.setZero();
  for (std::size_t k = 0; k < free.size(); ++k) G(free[k], static_cast<Eigen::Index>(k)) = 1.0;
  // q_d = s f(q_i): q̇_d = s f'(q_i) q̇_i, q̈_d = s f' q̈_i + s f'' q̇_i². A dependent coordinate whose
  // independent one is locked stays still.
  for (const Coupler& cp : model.couplers) {
    for (std::size_t k = 0; k < free.size(); ++k) {
      if (free[k] != cp.independent) continue;
      const FunctionValue f = cp.function.eval(q[cp.independent]);
      G(cp.dependent, static_cast<Eigen::Index>(k)) = cp.scale_factor * f.df;
      gamma[cp.dependent] = cp.scale_factor * f.ddf * u[cp.independent] * u[cp.independent];
    }
  }
}

ForwardDynamics::ForwardDynamics(const Model& model) : free_(free_coordinates(model)) {
  const Eigen::Index nq = model.nq(), nf = static_cast<Eigen::Index>(free_.size());
  unconstrained_ = nf == nq;
  G_.setZero(nq, nf);
  MG_.setZero(nq, nf);
  reduced_.setZero(nf, nf);
  gamma_.setZero(nq);
  tau0_.setZero(nq);
  rhs_.setZero(nf);
  vdot_.setZero(nf);
  // Sized by a first factorisation (not by assigning LLT(nf), whose status member Eigen leaves
  // uninitialised: copying it is undefined behaviour that UBSan reports).
  llt_.compute(Eigen::MatrixXd::Identity(nf, nf));
}

void ForwardDynamics::calc(const Model& model, Data& data, const Eigen::Ref<const Eigen::VectorXd>& q,
                           const Eigen::Ref<const Eigen::VectorXd>& u, const Eigen::Ref<const Eigen::VectorXd>& tau_mobility,
                           Eigen::Ref<Eigen::VectorXd> qddot) {
  if (unconstrained_) {  // every coordinate free: G = I, γ = 0, solve M q̈ = τ − τ_ID(q, u, 0)
    gamma_.setZero();
    calc_inverse_dynamics(model, data, q, u, gamma_, tau0_);
    calc_mass_matrix(model, data);
    llt_.compute(data.mass_matrix);
    qddot = tau_mobility - tau0_;
    llt_.solveInPlace(qddot);
    return;
  }
  calc_coordinate_map(model, free_, q, u, G_, gamma_);
  calc_inverse_dynamics(model, data, q, u, gamma_, tau0_);
  calc_mass_matrix(model, data);
  MG_.noalias() = data.mass_matrix * G_;
  reduced_.noalias() = G_.transpose() * MG_;
  tau0_ = tau_mobility - tau0_;
  rhs_.noalias() = G_.transpose() * tau0_;
  llt_.compute(reduced_);
  vdot_ = rhs_;
  llt_.solveInPlace(vdot_);
  qddot = gamma_;
  qddot.noalias() += G_ * vdot_;
}

}  // namespace weaklink

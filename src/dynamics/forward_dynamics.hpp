#pragma once
// Forward dynamics with the model's kinematic constraints enforced: locked coordinates and
// coordinate couplers (docs/opensim-semantics.md#static-optimization, docs/opensim-semantics.md#joint-reaction). The
// free coordinates v (not locked, not prescribed, not coupler-dependent) parameterise the motion, u = G v and
// q̈ = G v̇ + γ; the constrained equations of motion are Gᵀ M G v̇ = Gᵀ (τ − τ_ID(q, u, γ)).
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "model/data.hpp"
#include "model/model.hpp"

namespace weaklink {

// Free coordinates in multibody-tree order (OpenSim's order of SO's constrained DOFs).
std::vector<int> free_coordinates(const Model& model);

// Velocity map at q: G (nq × free.size()) and γ (nq) with q̈ = G v̇ + γ for speeds u.
void calc_coordinate_map(const Model& model, const std::vector<int>& free, const Eigen::Ref<const Eigen::VectorXd>& q,
                         const Eigen::Ref<const Eigen::VectorXd>& u, Eigen::Ref<Eigen::MatrixXd> G,
                         Eigen::Ref<Eigen::VectorXd> gamma);

// Per-thread workspace: sized once, calc() does not allocate.
class ForwardDynamics {
 public:
  explicit ForwardDynamics(const Model& model);
  const std::vector<int>& free() const { return free_; }
  // q̈ (all coordinates) under gravity, data.applied_* and the generalized forces tau_mobility
  // (coordinate actuators, moving path points), constraints enforced. Needs forward kinematics at
  // q; leaves data.mass_matrix at q.
  void calc(const Model& model, Data& data, const Eigen::Ref<const Eigen::VectorXd>& q,
            const Eigen::Ref<const Eigen::VectorXd>& u, const Eigen::Ref<const Eigen::VectorXd>& tau_mobility,
            Eigen::Ref<Eigen::VectorXd> qddot);

 private:
  std::vector<int> free_;
  bool unconstrained_ = false;  // nothing locked or coupled: q̈ = M⁻¹ (τ − τ_ID(q, u, 0))
  Eigen::MatrixXd G_, MG_, reduced_;
  Eigen::VectorXd gamma_, tau0_, rhs_, vdot_;
  Eigen::LLT<Eigen::MatrixXd> llt_;
};

}  // namespace weaklink

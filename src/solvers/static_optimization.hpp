#pragma once
// Static optimization (opensim-compat §13): per frame, the actuator controls x that minimise
// Σ |x_j|^p while the actuators, gravity and the applied loads reproduce the target accelerations
// of every free coordinate, within the control bounds. The equality constraints are built
// directly from moment arms and the inverse dynamics (u̇(x) = q̈_target ⇔ Gᵀ R x = Gᵀ τ_ID(q, u,
// q̈_target)), never by probing actuators one at a time. p = 2 is an exact QP solved by a
// warm-started active-set method; other exponents by iteratively reweighted QPs.
#include <string>
#include <vector>

#include <Eigen/Core>

#include "model/data.hpp"
#include "model/model.hpp"
#include "solvers/qp_active_set.hpp"

namespace weaklink {

struct StaticOptimizationOptions {
  double activation_exponent = 2;
  bool use_muscle_physiology = true;  // Fopt from force–length–velocity (rigid tendon) or F0
  double convergence = 1e-4;          // OpenSim's optimizer_convergence_criterion (p ≠ 2 only)
  int max_iterations = 100;           // reweighting iterations (p ≠ 2 only)
};

// What one frame's solution is worth, without noise when all is well.
struct StaticOptimizationFrame {
  QpStatus status = QpStatus::Optimal;
  bool feasible = true;           // every free coordinate's acceleration is met
  double max_residual = 0;        // worst |generalized force missing| over free coordinates (N·m or N)
  int worst_coordinate = -1;      // index into Model::coordinates, -1 when feasible
  double reserve_max = 0;         // largest |force| carried by a non-muscle actuator (N or N·m)
  int reserve_actuator = -1;      // index into StaticOptimization::actuators(), -1 when none
  int iterations = 0;
  int wrap_skipped_muscles = 0;   // muscles whose path had a point inside a wrap object (wrap skipped)
  int wrap_skipped_muscle = -1;   // the first of them (index into Model::muscles), -1 when none
};

class StaticOptimization {
 public:
  // Solves for every muscle and actuator with appliesForce, in ForceSet order.
  StaticOptimization(const Model& model, const StaticOptimizationOptions& options);

  const std::vector<Model::ForceRef>& actuators() const { return actuators_; }
  std::string actuator_name(const Model& model, int k) const;
  const std::vector<int>& free() const { return free_; }
  // Lower and upper control bounds, per actuator (overridable, e.g. for weakened muscles).
  Eigen::VectorXd& lower() { return lb_; }
  Eigen::VectorXd& upper() { return ub_; }
  // Scale of each actuator's force: multiplies F0 of muscles (strength), optimal_force of others.
  Eigen::VectorXd& strength() { return strength_; }

  // One frame: q, u (constraint-consistent) and the target accelerations of the free coordinates
  // (entries of other coordinates are ignored). Needs calc_forward_kinematics at q and the
  // external loads applied in data.applied_*. Writes controls x and actuator forces x·Fopt.
  StaticOptimizationFrame solve(const Model& model, Data& data, const Eigen::Ref<const Eigen::VectorXd>& q,
                                const Eigen::Ref<const Eigen::VectorXd>& u,
                                const Eigen::Ref<const Eigen::VectorXd>& qddot_target,
                                Eigen::Ref<Eigen::VectorXd> controls, Eigen::Ref<Eigen::VectorXd> forces);

  // Unit forces of the last frame (Fopt_j: force at control 1).
  const Eigen::VectorXd& unit_forces() const { return fopt_; }
  void reset_warm_start() { qp_.reset_active_set(); }

 private:
  StaticOptimizationOptions options_;
  std::vector<Model::ForceRef> actuators_;
  std::vector<int> free_;
  bool unconstrained_ = true;
  Eigen::VectorXd lb_, ub_, strength_;
  // Per-frame workspace (sized once).
  Eigen::MatrixXd G_, A_;
  Eigen::VectorXd gamma_, qdd_, tau_, b_, fopt_, speeds_, column_, weights_, x_, x_prev_, residual_;
  QpActiveSet qp_;
};

// One warning for a trajectory in which paths had points inside their wrap objects (those objects
// were skipped, as OpenSim does), naming how many frames, how many muscles at most and one of them;
// empty when none.
std::string wrap_skipped_warning(const Model& model, const std::vector<StaticOptimizationFrame>& frames);

}  // namespace weaklink

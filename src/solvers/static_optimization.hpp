#pragma once
// Static optimization (docs/opensim-semantics.md#static-optimization): per frame, the actuator controls x that minimise
// Σ |x_j|^p while the actuators, gravity and the applied loads reproduce the target accelerations
// of every free coordinate, within the control bounds. The equality constraints are built
// directly from moment arms and the inverse dynamics (u̇(x) = q̈_target ⇔ Gᵀ R x = Gᵀ τ_ID(q, u,
// q̈_target)), never by probing actuators one at a time. p = 2 is an exact QP solved by a
// warm-started active-set method; other exponents by iteratively reweighted QPs.
//
// Optionally two more kinds of unknowns join the same QP (each with a fixed quadratic weight, so
// p ≠ 2 reweights the actuators only):
// - contact forces (contact_set.hpp): the edge weights of each available contact's friction
//   pyramid, ≥ 0, in units of each pair's strength (newtons, set per frame); they make the floating base's rows
//   (whole-body equilibrium) solvable without a force plate. A surface may carry a prescribed total
//   normal load (a machine's sled), one more equality row.
// - coordinate reserves: one ideal torque (force) per free coordinate outside the floating base,
//   of `reserve_optimal_force` per unit control, as OpenSim's reserve actuators but built in; with
//   a small optimal force they act only where the muscles cannot.
#include <string>
#include <vector>

#include <Eigen/Core>

#include "model/data.hpp"
#include "model/model.hpp"
#include "solvers/contact_set.hpp"
#include "solvers/qp_active_set.hpp"

namespace weaklink {

struct StaticOptimizationOptions {
  double activation_exponent = 2;
  bool use_muscle_physiology = true;  // Fopt from force–length–velocity (rigid tendon) or F0
  double convergence = 1e-4;          // OpenSim's optimizer_convergence_criterion (p ≠ 2 only)
  int max_iterations = 100;           // reweighting iterations (p ≠ 2 only)
  // Contacts: the cost weight of an edge weight squared, relative to an activation squared (the
  // newtons per unit edge weight, the contact's "strength", are set per pair and frame).
  double contact_weight = 1.0;
  double reserve_optimal_force = 0;   // N·m or N per unit control; 0: no reserves
  double reserve_weight = 1.0;
};

// What one frame's solution is worth, without noise when all is well.
struct StaticOptimizationFrame {
  QpStatus status = QpStatus::Optimal;
  bool feasible = true;           // every free coordinate's acceleration is met
  double max_residual = 0;        // worst |generalized force missing| over free coordinates (N·m or N)
  int worst_coordinate = -1;      // index into Model::coordinates, -1 when feasible
  double reserve_max = 0;         // largest |force| carried by a non-muscle actuator (N or N·m)
  int reserve_actuator = -1;      // index into StaticOptimization::actuators(), -1 when none
  double coordinate_reserve_max = 0;  // largest |generalized force| of a built-in reserve
  int coordinate_reserve = -1;        // its coordinate (index into Model::coordinates), -1 when none
  int iterations = 0;
  int wrap_skipped_muscles = 0;   // muscles whose path had a point inside a wrap object (wrap skipped)
  int wrap_skipped_muscle = -1;   // the first of them (index into Model::muscles), -1 when none
};

namespace detail {
inline const Eigen::VectorXd kNoValues;  // the default of StaticOptimizationFrameInput's optional inputs
}

// One frame's inputs, all in one place (Model::coordinates order for q, u and qddot_target). The
// external loads (measured ground reactions, known loads) are the one input that is not here:
// they are applied to the Data passed to solve() (clear_applied_loads, apply_point_force), as
// inverse dynamics takes them.
struct StaticOptimizationFrameInput {
  // Coordinates and speeds (constraint-consistent), and the target accelerations of the free
  // coordinates (entries of other coordinates are ignored).
  Eigen::Ref<const Eigen::VectorXd> q, u, qddot_target;
  // Per actuator (StaticOptimization::actuators() order), the scale of its force: multiplies F0 of
  // a muscle (its strength), optimal_force of another actuator. Empty: 1 for every actuator.
  Eigen::Ref<const Eigen::VectorXd> strength = detail::kNoValues;
  // Per contact pair, newtons of normal force per unit edge weight this frame (0: the pair cannot
  // carry load; a pair's cost is Σ (f_edge/strength)² × weight). Empty: no pair carries load.
  Eigen::Ref<const Eigen::VectorXd> contact_strength = detail::kNoValues;
  // Per contact surface, the total normal load it must carry (NaN: free; applied when one of its
  // pairs is available). Empty: every surface free.
  Eigen::Ref<const Eigen::VectorXd> surface_load = detail::kNoValues;
};

class StaticOptimization {
 public:
  // Solves for every muscle and actuator with appliesForce, in ForceSet order, and for the
  // contacts' forces and the coordinate reserves when the options and `contacts` ask for them.
  StaticOptimization(const Model& model, const StaticOptimizationOptions& options, ContactSet contacts = {});

  const std::vector<Model::ForceRef>& actuators() const { return actuators_; }
  std::string actuator_name(const Model& model, int k) const;
  const std::vector<int>& free() const { return free_; }
  // Lower and upper control bounds, per actuator.
  const Eigen::VectorXd& lower() const { return lb_; }
  const Eigen::VectorXd& upper() const { return ub_; }

  // One frame. Needs calc_forward_kinematics at input.q and the external loads applied in
  // data.applied_*; the model's passive force elements are added here. Writes controls x and
  // actuator forces x·Fopt. An optional input of the wrong size is std::invalid_argument.
  StaticOptimizationFrame solve(const Model& model, Data& data, const StaticOptimizationFrameInput& input,
                                Eigen::Ref<Eigen::VectorXd> controls, Eigen::Ref<Eigen::VectorXd> forces);

  // Unit forces of the last frame (Fopt_j: force at control 1).
  const Eigen::VectorXd& unit_forces() const { return fopt_; }
  void reset_warm_start() { qp_.reset_active_set(); }

  const ContactSet& contacts() const { return contacts_; }
  // After solve(): each pair's force (N, Ground) and point of application (Ground).
  const std::vector<Vec3>& contact_forces() const { return contact_force_; }
  const std::vector<Vec3>& contact_points() const { return contact_point_; }
  // Reserves: the coordinates that have one (indices into Model::coordinates) and, after solve(),
  // their generalized forces (N·m or N).
  const std::vector<int>& reserve_coordinates() const { return reserve_coordinate_; }
  const Eigen::VectorXd& reserve_forces() const { return reserve_force_; }

 private:
  int variables() const;

  StaticOptimizationOptions options_;
  std::vector<Model::ForceRef> actuators_;
  std::vector<int> free_;
  ContactSet contacts_;
  std::vector<std::array<Vec3, kFrictionEdges>> edges_;  // per surface
  std::vector<int> reserve_coordinate_, reserve_row_;   // per reserve: coordinate, row in free_
  std::vector<int> surface_row_;  // per surface this frame: its prescribed-load row, -1 when none
  Eigen::VectorXd reserve_force_;
  std::vector<Vec3> contact_force_, contact_point_;
  Eigen::VectorXd lb_all_, ub_all_;
  bool unconstrained_ = true;
  Eigen::VectorXd lb_, ub_;
  // Per-frame workspace (sized once).
  Eigen::MatrixXd G_, A_;
  Eigen::VectorXd gamma_, qdd_, tau_, passive_, b_, fopt_, speeds_, column_, weights_, x_, x_prev_, residual_;
  QpActiveSet qp_;
};

// Per actuator in `actuators` (StaticOptimization::actuators()), the scale of its muscle in
// `muscle_scale` (Model::muscles order); 1 for an actuator that is not a muscle: a per-muscle
// strength as StaticOptimizationFrameInput::strength takes it.
Eigen::VectorXd muscle_scale_per_actuator(const std::vector<Model::ForceRef>& actuators, const Eigen::VectorXd& muscle_scale);

// One warning for a trajectory in which paths had points inside their wrap objects (those objects
// were skipped, as OpenSim does), naming how many frames, how many muscles at most and one of them;
// empty when none.
std::string wrap_skipped_warning(const Model& model, const std::vector<StaticOptimizationFrame>& frames);

}  // namespace weaklink

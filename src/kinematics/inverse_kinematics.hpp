#pragma once
// Per-frame inverse kinematics (docs/opensim-semantics.md#inverse-kinematics): the q that minimises OpenSim's IK objective
//
//     J(q) = Σ_m w_m |x_m(q) − x̂_m|² / (2 Σ_m w_m)  +  Σ_c w_c (q_c − q̂_c)² / 2
//
// (marker sums over the markers observed in this frame, denominator included; the coordinate term
// is not normalised — docs/opensim-semantics.md#inverse-kinematics), with coupler constraints exact, locked coordinates
// fixed and clamped coordinates inside their range.
//
// Method: Newton / Levenberg–Marquardt with box constraints (active set on the bounds, projected
// step) on the free variables only: every coordinate that is neither locked nor coupler-dependent.
// A dependent coordinate follows its independent one through the coupler function, so its
// derivatives are folded into the independent's with the chain rule (f'·scale, f''·scale).
// The gradient, the Gauss–Newton matrix JᵀJ and the exact second-order term Σ r·∇²r are assembled
// from per-subtree marker moments and the joint partial velocities axis_w/axis_v0, so a pair of
// coordinates costs O(1) however many markers ride on the bodies below it. The full Hessian gives
// quadratic convergence from the warm start (marker residuals of centimetres make plain
// Gauss–Newton converge only linearly); where it is not positive definite the step falls back to
// Gauss–Newton, damped as Levenberg–Marquardt until the objective decreases.
// Convergence is far tighter than OpenSim's (relative gradient 1e−10 in OpenSim's own measure,
// max_i |∂J/∂q_i|·max(1,|q_i|)/max(0.1,|J|)), so the answer is the optimum OpenSim approaches.
//
// IKProblem is immutable and shared by threads; IKWorkspace is per thread and sized once: the
// per-frame solve never allocates and never looks up a name.
#include <limits>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "model/data.hpp"
#include "model/model.hpp"

namespace weaklink {

struct IKMarkerGoal {
  int marker = -1;      // index into Model::markers
  double weight = 1.0;  // > 0
};

struct IKCoordinateGoal {
  int coordinate = -1;  // index into Model::coordinates
  double weight = 1.0;  // > 0
};

struct IKSolverOptions {
  double gradient_tolerance = 1e-10;  // OpenSim's relative gradient measure (see above)
  double step_tolerance = 1e-12;      // or stop when no free variable moves more than this
  int max_iterations = 100;
};

struct IKWorkspace;

struct IKFrameStatus {
  int iterations = 0;                 // linear solves (accepted and rejected steps)
  bool converged = false;
  double cost = 0;                    // J at the solution
  // OpenSim's measure at the last point where the gradient was assembled: the solution, or the
  // point before a final undamped Newton step shorter than 1e−8 (whose error is then O(1e−16)).
  double relative_gradient = 0;
  int observed_markers = 0;
};

// Marker errors as OpenSim reports them (docs/opensim-semantics.md#inverse-kinematics) for the pose in the workspace
// (after solve_ik_frame): total squared distance over observed marker goals, RMS over ALL marker goals
// (missing ones count in n), the largest distance and the marker goal that has it (-1: none observed).
struct IKMarkerErrors {
  double total_squared = 0, rms = 0, max = 0;
  int worst = -1;                     // index into IKProblem::markers()
};

class IKProblem {
 public:
  // Throws std::invalid_argument for bad indices, non-positive weights or coupler cycles.
  IKProblem(const Model& model, std::vector<IKMarkerGoal> markers, std::vector<IKCoordinateGoal> coordinates,
            IKSolverOptions options = {});

  const Model& model() const { return *model_; }
  const std::vector<IKMarkerGoal>& markers() const { return markers_; }
  const std::vector<IKCoordinateGoal>& coordinates() const { return coordinates_; }
  const IKSolverOptions& options() const { return options_; }
  int num_variables() const { return static_cast<int>(free_.size()); }
  // Coordinate index of each free variable.
  const std::vector<int>& free_coordinates() const { return free_; }

 private:
  friend struct IKSolver;  // the solver's internals (inverse_kinematics.cpp)
  const Model* model_;
  std::vector<IKMarkerGoal> markers_;
  std::vector<IKCoordinateGoal> coordinates_;
  IKSolverOptions options_;
  std::vector<int> free_;             // variable -> coordinate
  std::vector<int> variable_of_;      // coordinate -> variable it moves with (-1: locked / fixed)
  std::vector<int> coupler_order_;    // couplers, independent before dependent
  std::vector<double> lower_, upper_; // per variable (±inf unless clamped)
  std::vector<int> child_body_;       // per coordinate: the child body of its joint
  std::vector<int> marker_body_;      // per marker goal
  std::vector<Vec3> marker_p_B_;      // per marker goal
  std::vector<int> active_joints_;    // joints with a marker goal in their subtree, reverse tree order
  std::vector<int> curved_joints_;    // active joints whose own motion has second derivatives beyond
                                      // w_c × (w_d × r): several driven axes or non-linear functions
  std::vector<char> joint_curved_;    // per joint: in curved_joints_
  std::vector<int> active_coordinates_;  // coordinates whose subtree carries a marker goal
};

// Per-thread workspace for one IKProblem (keeps a pointer to it). Sized once; the members are the
// solver's scratch, readable after a solve (data, marker_G).
struct IKWorkspace {
  explicit IKWorkspace(const IKProblem& problem);

  const IKProblem* problem;
  Data data;                          // forward kinematics at the current iterate
  std::vector<Vec3> marker_G;         // per marker goal: model marker position in Ground
  std::vector<double> weight_scaled;  // per marker goal this frame: w/Σw over observed, 0 when missing
  // Per body, sums over the observed marker goals of its subtree (a = w/Σw, e = x − x̂):
  // Σa, Σa·x, Σa(|x|²I − xxᵀ), Σa·e, Σa·x×e, Σa·x eᵀ.
  std::vector<double> s0;
  std::vector<Vec3> s1, e_sum, t_sum;
  std::vector<Mat3> s2, p_xe;
  // Per joint: second derivatives of its own motion (6×6 angular terms and 6 linear ones, Ground).
  std::vector<Vec3> joint_alpha, joint_beta;
  // Coordinate space, lower triangle only: Gauss–Newton matrix JᵀJ and full Hessian JᵀJ + Σ r·∇²r
  // (couplers folded into their independent coordinates), and the gradient.
  Eigen::MatrixXd Hq_gn, Hq;
  Eigen::VectorXd g_q;
  Eigen::MatrixXd A;                  // n × n damped, reduced system in the free variables
  Eigen::VectorXd step, z, z_trial;
  Eigen::VectorXd q_trial;            // nq
  std::vector<char> fixed;            // per variable: held this iteration (active bound / no effect)
  Eigen::LLT<Eigen::MatrixXd, Eigen::Lower> llt;
};

// Solves one frame. `observed`: 3 values per marker goal (metres, Ground; NaN = missing this frame).
// `coordinate_targets`: one value per coordinate goal (SI units; may be null when there are none).
// q: in, the starting pose (locked coordinates hold their value throughout; free variables outside a
// clamped range are moved inside it); out, the solution with couplers applied. Leaves the
// workspace's Data at the solution (marker positions included). Allocation-free.
IKFrameStatus solve_ik_frame(IKWorkspace& ws, const double* observed, const double* coordinate_targets,
                             Eigen::Ref<Eigen::VectorXd> q);

IKMarkerErrors ik_marker_errors(const IKWorkspace& ws, const double* observed);

}  // namespace weaklink

#pragma once
// One activity on one model, end to end: its motion (activity_motion.hpp), then per frame the
// contact-solving static optimization (muscles, contact forces and coordinate reserves in one QP),
// then the joint reactions with every force applied, and the lumbar loads at L5/S1.
#include <string>
#include <vector>

#include <Eigen/Core>

#include "chain/motion/activity_motion.hpp"
#include "core/result_validity.hpp"
#include "model/model.hpp"
#include "solvers/static_optimization.hpp"

namespace weaklink {

struct SimulationOptions {
  StaticOptimizationOptions static_optimization = [] {
    StaticOptimizationOptions o;
    o.reserve_optimal_force = 1.0;  // N·m: last resort, reported (OpenSim's usual reserve size)
    o.reserve_weight = 1.0;
    o.contact_weight = 1.0;
    return o;
  }();
  // Newtons of normal force per unit edge weight of one contact site: the AnyBody GRF-prediction
  // default of 200 N per node over 25 foot nodes (repository AnyBody/GRF-prediction; Skals et al.
  // 2017), i.e. 5000 N per foot, spread over the four sole sites the models carry.
  double contact_strength = 5000.0 / 4.0;
  // Which frames to solve (indices into the motion); empty: all. Rows of frames not solved are
  // left zero. Used by searches that need only an activity's hardest frames.
  std::vector<int> frames;
  // false: skip the equilibrium check and joint reactions (searches that read only reserves).
  bool joint_loads = true;
};

// Joint loads per frame, the reaction each joint exerts on its distal body.
struct JointLoads {
  // L5/S1 (the lumbar joint), LumbarLoad's convention (dynamics/lumbar_load.hpp): in the torso's
  // frame, compression along its long axis (positive pressing the trunk onto the sacrum), anterior
  // shear (the trunk's load on the sacrum along the torso's forward axis) and lateral shear (to the
  // right). N.
  double lumbar_compression = 0, lumbar_shear_ap = 0, lumbar_shear_lateral = 0;
  double hip_r = 0, hip_l = 0, knee_r = 0, knee_l = 0;  // |reaction| at the joint centre, N
};

struct ActivityResult {
  std::string activity;
  double body_weight = 0;                     // N
  ActivityMotion motion;
  std::vector<std::string> actuator_names;    // StaticOptimization::actuators() order
  Eigen::MatrixXd activations, forces;        // frames × actuators
  Eigen::MatrixXd contact_forces;             // frames × 3·pairs (Ground, N)
  Eigen::MatrixXd contact_strength;           // frames × pairs: availability × strength (N; 0 unavailable)
  std::vector<int> reserve_coordinates;       // indices into Model::coordinates
  Eigen::MatrixXd reserves;                   // frames × reserves (N·m or N)
  Eigen::MatrixXd equilibrium;                // frames × 6: missing external force (N) and moment about the COM (N·m)
  std::vector<JointLoads> joints;             // per frame
  std::vector<StaticOptimizationFrame> frames;
  std::vector<std::string> warnings;
  // Non-finite numbers, or whole-body equilibrium off by more than the tolerances below
  // (check_activity_result).
  ResultValidity validity;
};

// Whole-body equilibrium tolerances of a simulated activity: the contacts are solved with the
// muscles, so the external forces must balance the motion; a residual force beyond 1 % of body
// weight, or a residual moment beyond 1 % of body weight times 1 m, means the motion cannot be
// produced by the model's contacts. The moment tolerance is OpenSim's guideline for residual
// moments (Hicks JL et al. 2015 J Biomech Eng 137:020905: 1 % of the external force times the
// centre-of-mass height, about 1 m in standing adults). The force tolerance is a chosen rule,
// stricter than Hicks et al.'s 5 % of the peak external force for measured trials: here nothing
// is measured, the contacts are free to balance the motion, and any residual is the model's.
inline constexpr double kResidualForceTolerance = 0.01;   // × body weight
inline constexpr double kResidualMomentTolerance = 0.01;  // × body weight × 1 m
inline constexpr double kAnchorTolerance = 0.02;          // m: contact sites off their surfaces

// Sets r.validity: every number finite; residuals within the tolerances where the contacts are
// solved (a measured trial's residual is its data's, absorbed by residual actuators).
void check_activity_result(ActivityResult& r);

// `strength` (may be empty) scales each actuator's force, StaticOptimization::actuators() order.
ActivityResult simulate_activity(const Model& model, const std::string& activity, const ActivityMotion& motion,
                                 const SimulationOptions& options, const Eigen::VectorXd& strength = Eigen::VectorXd());

// Largest |residual force| and |residual moment| over the frames.
double max_residual_force(const ActivityResult& r);
double max_residual_moment(const ActivityResult& r);

}  // namespace weaklink

#pragma once
// Whole-trajectory drivers over the per-frame algorithms: static optimization and joint reactions
// for every frame of a motion, frames split across threads in fixed-size chunks (warm starts
// inside a chunk, a cold start at each chunk's first frame), so the results do not depend on the
// number of threads. Each thread has its own Data and solver workspaces.
#include <string>
#include <vector>

#include <Eigen/Core>

#include "core/for_each_chunk.hpp"
#include "dynamics/external_forces.hpp"
#include "model/model.hpp"
#include "solvers/static_optimization.hpp"

namespace weaklink {

// A motion sampled at frames: q, u and target q̈ per row (CoordinateSet order, SI units).
struct MotionFrames {
  std::vector<double> time;
  Eigen::MatrixXd q, u, qddot;
};

struct StaticOptimizationTrajectory {
  std::vector<Model::ForceRef> actuators;    // columns of controls/forces (ForceSet order)
  std::vector<std::string> actuator_names;
  Eigen::MatrixXd controls, forces;          // frames × actuators
  std::vector<StaticOptimizationFrame> frames;
  // External loads as OpenSim records them in the force file (labels per ExternalForces::labels).
  std::vector<std::string> external_labels;
  Eigen::MatrixXd external;                  // frames × external_labels
  // Passive force elements' record values (passive_force_labels, element by element).
  std::vector<std::string> passive_labels;
  Eigen::MatrixXd passive;                   // frames × passive_labels
};

// The columns of OpenSim's static optimization force file: actuators and passive elements in
// ForceSet order (each with its record labels), then the external loads
// (docs/opensim-semantics.md#static-optimization).
void static_optimization_force_columns(const Model& model, const StaticOptimizationTrajectory& solution,
                                       std::vector<std::string>& labels, Eigen::MatrixXd& values);

// `strength` (may be empty) scales each actuator's force, in the order of StaticOptimization::actuators().
StaticOptimizationTrajectory run_static_optimization(const Model& model, const MotionFrames& motion,
                                                     const ExternalForces* external,
                                                     const StaticOptimizationOptions& options,
                                                     const ThreadOptions& threads,
                                                     const Eigen::VectorXd& strength = Eigen::VectorXd());

// One requested reaction: the load joint `joint` exerts on its child (or parent) body, expressed
// in frame `frame` (index into Model::frames; -1 = Ground).
struct ReactionRequest {
  int joint = -1;
  bool on_parent = false;
  int frame = -1;
  std::string label;       // OpenSim's column prefix: <joint>_on_<body>_in_<frame>
};

// Reactions (9 columns per request: fx fy fz mx my mz px py pz, OpenSim's JointReaction layout)
// with the actuators applying `forces` (frames × actuators, actuators in ForceSet order as in
// `actuators`), the motion's q and u, forward-dynamics accelerations (docs/opensim-semantics.md#joint-reaction).
Eigen::MatrixXd run_joint_reactions(const Model& model, const MotionFrames& motion, const ExternalForces* external,
                                    const std::vector<Model::ForceRef>& actuators, const Eigen::MatrixXd& forces,
                                    const std::vector<ReactionRequest>& requests, const ThreadOptions& threads);

}  // namespace weaklink

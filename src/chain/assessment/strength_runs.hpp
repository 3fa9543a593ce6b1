#pragma once
// The simulations the comparison is made of: one activity, on the one model and its one motion,
// at a scale of the muscles' strength. Runs differ only in that scale (docs/assessment.md, "What is
// computed"), so that a run at norm strength is the baseline bit for bit.
#include <string>
#include <vector>

#include <Eigen/Core>

#include "chain/motion/activity_motion.hpp"
#include "chain/simulation/simulate_activity.hpp"
#include "model/model.hpp"

namespace weaklink {

struct StrengthRuns {
  const Model& model;
  const std::vector<std::string>& activities;  // names, one per motion
  const std::vector<ActivityMotion>& motions;
  const SimulationOptions& simulation;
  std::vector<Model::ForceRef> actuators;  // the solver's (StaticOptimization::actuators())
  std::vector<int> actuator_muscle;        // per actuator, its muscle (index into Model::muscles; -1: not a muscle)

  // Activity `activity` with each muscle's force scaled by `muscle_scale` (Model::muscles order);
  // only `frames` (all when empty), and without joint loads when `joint_loads` is false.
  ActivityResult run(int activity, const Eigen::VectorXd& muscle_scale, std::vector<int> frames = {}, bool joint_loads = true) const;
};

StrengthRuns make_strength_runs(const Model& model, const std::vector<std::string>& activities, const std::vector<ActivityMotion>& motions,
                                const SimulationOptions& simulation);

}  // namespace weaklink

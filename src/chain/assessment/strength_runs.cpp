#include "chain/assessment/strength_runs.hpp"

#include "solvers/static_optimization.hpp"

namespace weaklink {

StrengthRuns make_strength_runs(const Model& model, const std::vector<std::string>& activities, const std::vector<ActivityMotion>& motions,
                                const SimulationOptions& simulation) {
  StrengthRuns runs{model, activities, motions, simulation, {}, {}};
  const StaticOptimization solver(model, simulation.static_optimization, motions.empty() ? ContactSet{} : motions[0].contacts);
  runs.actuators = solver.actuators();
  for (const auto& f : runs.actuators) runs.actuator_muscle.push_back(f.muscle ? f.index : -1);
  return runs;
}

ActivityResult StrengthRuns::run(int activity, const Eigen::VectorXd& muscle_scale, std::vector<int> frames, bool joint_loads) const {
  SimulationOptions options = simulation;
  options.frames = std::move(frames);
  options.joint_loads = joint_loads;
  const auto a = static_cast<std::size_t>(activity);
  return simulate_activity(model, activities[a], motions[a], options, muscle_scale_per_actuator(actuators, muscle_scale));
}

}  // namespace weaklink

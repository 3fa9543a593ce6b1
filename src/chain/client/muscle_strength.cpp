#include "chain/client/muscle_strength.hpp"

#include <stdexcept>

#include "solvers/static_optimization.hpp"

namespace weaklink {

MuscleStrength model_strength(const Model& model) {
  MuscleStrength s;
  s.max_isometric_force.resize(static_cast<Eigen::Index>(model.muscles.size()));
  for (std::size_t m = 0; m < model.muscles.size(); ++m)
    s.max_isometric_force[static_cast<Eigen::Index>(m)] = model.muscles[m].params.max_isometric_force;
  return s;
}

Eigen::VectorXd strength_scale(const Model& model, const MuscleStrength& strength) {
  if (strength.max_isometric_force.size() != static_cast<Eigen::Index>(model.muscles.size()))
    throw std::invalid_argument("strength_scale: one force per muscle expected");
  Eigen::VectorXd scale(strength.max_isometric_force.size());
  for (std::size_t m = 0; m < model.muscles.size(); ++m) {
    const auto i = static_cast<Eigen::Index>(m);
    const double norm = model.muscles[m].params.max_isometric_force;
    scale[i] = norm > 0 ? strength.max_isometric_force[i] / norm : 1.0;
  }
  return scale;
}

Eigen::VectorXd actuator_strength_scale(const Model& model, const Eigen::VectorXd& muscle_scale) {
  if (muscle_scale.size() != static_cast<Eigen::Index>(model.muscles.size()))
    throw std::invalid_argument("actuator_strength_scale: one scale per muscle expected");
  // Which actuators the solver solves for does not depend on its options.
  return muscle_scale_per_actuator(StaticOptimization(model, StaticOptimizationOptions{}).actuators(), muscle_scale);
}

void write_strength(ModelSpec& spec, const Model& model, const MuscleStrength& strength) {
  if (spec.muscles.size() != model.muscles.size() ||
      strength.max_isometric_force.size() != static_cast<Eigen::Index>(model.muscles.size()))
    throw std::invalid_argument("write_strength: the spec, the model and the strength differ in their muscles");
  for (std::size_t m = 0; m < spec.muscles.size(); ++m) {
    if (spec.muscles[m].name != model.muscles[m].name)
      throw std::invalid_argument("write_strength: muscle '" + spec.muscles[m].name + "' is not the model's");
    spec.muscles[m].params.max_isometric_force = strength.max_isometric_force[static_cast<Eigen::Index>(m)];
  }
}

}  // namespace weaklink

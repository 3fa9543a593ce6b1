#pragma once
// A person's muscle strength on one compiled model, as a plain value passed at run time: the
// model stays the same (norm strength), and the strength travels with the call to the isometric
// tests (isometric_strength.hpp) and to static optimization (as a per-muscle scale). It enters a
// ModelSpec only when a model is exported.
//
// The value holds each muscle's maximum isometric force in newtons, not a factor: a group scaled
// by two tests has F0·k₁·k₂ exactly as the tests produced it, which an export writes as it is. The
// scale static optimization takes is derived from it (strength_scale).
#include <Eigen/Core>

#include "model/model.hpp"
#include "model/model_spec.hpp"

namespace weaklink {

struct MuscleStrength {
  Eigen::VectorXd max_isometric_force;  // N, one per muscle in Model::muscles order
};

// The model's own strength: every muscle at its maximum isometric force.
MuscleStrength model_strength(const Model& model);

// Per muscle, the person's maximum isometric force over the model's (1 where the model's is 0):
// the scale that StaticOptimizationFrameInput::strength and the assessment take.
Eigen::VectorXd strength_scale(const Model& model, const MuscleStrength& strength);

// The scale per actuator of static optimization on `model` (StaticOptimization::actuators()
// order), for simulate_activity: each muscle's `muscle_scale`, 1 for other actuators.
Eigen::VectorXd actuator_strength_scale(const Model& model, const Eigen::VectorXd& muscle_scale);

// Writes the strength into `spec`, the spec `model` was compiled from (same muscles, same order;
// std::invalid_argument otherwise). For exporting a person's model only.
void write_strength(ModelSpec& spec, const Model& model, const MuscleStrength& strength);

}  // namespace weaklink

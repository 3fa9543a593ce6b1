#pragma once
// How non-muscle actuators apply their force (docs/opensim-semantics.md#actuators): a CoordinateActuator as
// a generalized force on its coordinate, a PointActuator as a point force on its body, a
// TorqueActuator as equal and opposite torques on bodyA and bodyB. Needs forward kinematics.
#include <Eigen/Core>

#include "model/data.hpp"
#include "model/model.hpp"

namespace weaklink {

// Applies actuator a with actuation `force` (= control · optimal_force): body loads go to
// data.applied_*, a coordinate actuator's force to tau_mobility.
void apply_actuator(const Model& model, Data& data, int a, double force, Eigen::Ref<Eigen::VectorXd> tau_mobility);

// Generalized forces (one per coordinate, couplers ignored) that unit actuation of actuator a
// produces: the column of the actuator in the dynamics' force map. Overwrites `column`.
void actuator_generalized_force(const Model& model, const Data& data, int a, Eigen::Ref<Eigen::VectorXd> column);

}  // namespace weaklink

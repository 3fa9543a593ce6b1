#pragma once
// How a muscle path applies its tension (docs/opensim-semantics.md#paths-and-wrapping): point forces on the bodies its
// points lie on, and for moving path points the generalized force of the point sliding on its
// body. Used where body-level loads matter (joint reactions); generalized forces alone are
// moment_arm · T. Needs calc_forward_kinematics at q.
#include <vector>

#include <Eigen/Core>

#include "model/data.hpp"
#include "model/model.hpp"

namespace weaklink {

// Adds tension T of muscle m to data.applied_* and tau_mobility. Rebuilds data.path.
void apply_path_tension(const Model& model, Data& data, const Eigen::Ref<const Eigen::VectorXd>& q, int m, double T,
                        Eigen::Ref<Eigen::VectorXd> tau_mobility);

// Adds the force forces[k] of each actuator k of a force set (muscles along their paths, other
// actuators as themselves) to data.applied_* and tau_mobility, in the set's order.
void apply_actuator_forces(const Model& model, Data& data, const Eigen::Ref<const Eigen::VectorXd>& q,
                           const std::vector<Model::ForceRef>& actuators,
                           const Eigen::Ref<const Eigen::RowVectorXd, 0, Eigen::InnerStride<>>& forces,
                           Eigen::Ref<Eigen::VectorXd> tau_mobility);

}  // namespace weaklink

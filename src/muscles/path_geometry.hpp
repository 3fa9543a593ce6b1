#pragma once
// Muscle path geometry (docs/opensim-semantics.md#paths-and-wrapping): current path (conditional and moving points,
// wrapping), length, and moment arms from the path's exact Jacobian (no finite differences).
#include <Eigen/Core>

#include "model/data.hpp"
#include "model/model.hpp"

namespace weaklink {

// Builds data.path for muscle m at configuration q (needs calc_forward_kinematics at q) and
// returns its length. Wrapping follows OpenSim's multi-pass algorithm.
double calc_muscle_path(const Model& model, Data& data, const Eigen::Ref<const Eigen::VectorXd>& q, int muscle);

// Lengths and moment arms of every muscle (needs calc_forward_kinematics at q). Moment arm about
// coordinate c is −∂L/∂q_c with tangent points held on their wrap bodies (virtual work, as OpenSim's
// MomentArmSolver); for a coupler's independent coordinate the dependent coordinate's share is
// folded in (total derivative along the constraint), the dependent column keeps the partial.
void calc_path_geometry(const Model& model, Data& data, const Eigen::Ref<const Eigen::VectorXd>& q);

// Lengthening speeds from the moment arms: v = −Σ r_c q̇_c over independent coordinates
// (dependent coordinates' speeds follow their couplers). Needs calc_path_geometry.
void calc_path_speeds(const Model& model, const Data& data, const Eigen::Ref<const Eigen::VectorXd>& qdot,
                      Eigen::Ref<Eigen::VectorXd> speeds);

}  // namespace weaklink

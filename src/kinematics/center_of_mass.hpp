#pragma once
// Whole-body mass, mass moment and centre of mass: bodies 1..n (Ground carries no mass), summed
// in body order so that every caller gets the same bits.
#include <Eigen/Core>

#include "core/spatial.hpp"
#include "model/data.hpp"
#include "model/model.hpp"

namespace weaklink {

double calc_total_mass(const Model& model);

// Σ m_b p_WBcm over the bodies (kg m), in World. Needs forward kinematics. For callers that add
// masses of their own (a hand-held load) before dividing.
Vec3 calc_mass_moment_in_world(const Model& model, const Data& data);

// Σ m_b v_WBcm over the bodies (kg m/s), in World, at speeds u. Needs forward kinematics.
Vec3 calc_linear_momentum_in_world(const Model& model, const Data& data, const Eigen::Ref<const Eigen::VectorXd>& u);

// The whole-body centre of mass p_WCcm in World. Needs forward kinematics.
inline Vec3 calc_center_of_mass_position_in_world(const Model& model, const Data& data) {
  return calc_mass_moment_in_world(model, data) / calc_total_mass(model);
}

}  // namespace weaklink

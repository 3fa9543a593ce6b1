#pragma once
// Passive force elements with their own law (docs/opensim-semantics.md#passive-forces): CoordinateLimitForce,
// SpringGeneralizedForce, PointToPointSpring and ExpressionBasedCoordinateForce, evaluated from (q, q̇). Inverse
// dynamics subtracts them, static optimization keeps them on the known side, joint reactions apply them. Needs
// calc_forward_kinematics at q; allocation-free.
#include <string>
#include <vector>

#include <Eigen/Core>

#include "model/data.hpp"
#include "model/model.hpp"

namespace weaklink {

// CoordinateLimitForce's generalized force at (q, q̇) (SI), and its potential energy.
double coordinate_limit_force(const PassiveForce& f, double q, double qdot);
double coordinate_limit_potential_energy(const PassiveForce& f, double q);

// Applies every passive element: body forces to data.applied_*, generalized forces added to
// `mobility` (one entry per coordinate, couplers ignored).
void apply_passive_forces(const Model& model, Data& data, const Eigen::Ref<const Eigen::VectorXd>& q,
                          const Eigen::Ref<const Eigen::VectorXd>& qdot, Eigen::Ref<Eigen::VectorXd> mobility);

// Adds every passive element's generalized force (body forces through Jᵀ) to `tau`, leaving
// data.applied_* unchanged.
void add_passive_generalized_forces(const Model& model, const Data& data, const Eigen::Ref<const Eigen::VectorXd>& q,
                                    const Eigen::Ref<const Eigen::VectorXd>& qdot, Eigen::Ref<Eigen::VectorXd> tau);

// OpenSim's record labels of passive element k (the static optimization force file's columns),
// and their values at (q, q̇) written to out[0 .. labels.size()).
std::vector<std::string> passive_force_labels(const Model& model, int k);
int passive_force_record_size(const Model& model, int k);
void record_passive_force(const Model& model, const Data& data, int k, const Eigen::Ref<const Eigen::VectorXd>& q,
                          const Eigen::Ref<const Eigen::VectorXd>& qdot, double* out);

}  // namespace weaklink

#pragma once
// DeGrooteFregly2016Muscle curves (De Groote et al. 2016, Ann Biomed Eng 44:2922, supplementary
// material) with OpenSim 4.5's corrections, see docs/opensim-semantics.md#muscles. Normalized and
// allocation-free.

namespace weaklink {

struct MuscleParams;

// Defaults: OpenSim 4.5 class defaults (docs/opensim-semantics.md#muscles).
struct DeGrooteParams {
  double active_force_width_scale = 1.0;                // w >= 1 widens f_AL about l = 1
  double passive_fiber_strain_at_one_norm_force = 0.6;  // e0
  double tendon_strain_at_one_norm_force = 0.049;       // eT
  bool ignore_passive_fiber_force = false;
  double fiber_damping = 0.0;  // normalized damping (force/F0 per l0*vmax/s)
};

// Sum of three Gaussian-like terms at x = (l - 1)/w + 1 (De Groote 2016, supplement Eq. S1).
double degroote_active_force_length(const DeGrooteParams& c, double norm_fiber_length);
double degroote_active_force_length_derivative(const DeGrooteParams& c, double norm_fiber_length);

// (exp(kPE (l-1)/e0) - offset) / (exp(kPE) - offset), kPE = 4, zero at l = 0.2 (OpenSim 4.5
// shifts the paper's curve so it vanishes at the minimum fibre length). 0 if ignored.
double degroote_passive_force_length(const DeGrooteParams& c, double norm_fiber_length);
double degroote_passive_force_length_derivative(const DeGrooteParams& c, double norm_fiber_length);

// f_T(l_T) = c1 exp(kT (l_T - c2)) - c3 with kT = ln((1+c3)/c1)/(1 + eT - c2) (De Groote 2016, S3).
double degroote_tendon_force(const DeGrooteParams& c, double norm_tendon_length);
double degroote_tendon_force_derivative(const DeGrooteParams& c, double norm_tendon_length);
double degroote_tendon_length_from_force(const DeGrooteParams& c, double norm_tendon_force);

// f_V(v) = d1 ln(d2 v + d3 + sqrt((d2 v + d3)^2 + 1)) + d4 (De Groote 2016, S4); v > 0 lengthening.
double degroote_force_velocity(double norm_fiber_velocity);
double degroote_force_velocity_derivative(double norm_fiber_velocity);
// v(f_V) = (sinh((f_V - d4)/d1) - d3)/d2 (the paper omits the -d3; OpenSim 4.5 has it).
double degroote_force_velocity_inverse(double force_velocity_multiplier);

// OpenSim's calcInextensibleTendonActiveFiberForce: F0 a f_AL f_V, along the fibre, WITHOUT the
// cos(phi) projection (an OpenSim inconsistency that SO inherits; docs/opensim-semantics.md#muscles).
double degroote_rigid_tendon_active_force(const MuscleParams& p, double path_length, double lengthening_speed,
                                          double activation);

}  // namespace weaklink

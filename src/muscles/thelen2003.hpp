#pragma once
// Thelen2003Muscle curves (Thelen 2003, J Biomech Eng 125:70) as re-implemented in OpenSim 3.x/4.x,
// see docs/opensim-semantics.md#muscles. All functions are normalized (forces by F0, lengths by l0 or lts,
// velocities by l0*vmax) and allocation-free.

namespace weaklink {

struct MuscleParams;

// Curve parameters; defaults are the OpenSim 4.5 class defaults (docs/opensim-semantics.md#muscles).
struct ThelenParams {
  double fmax_tendon_strain = 0.04;          // e0T: tendon strain at F0
  double fmax_muscle_strain = 0.6;           // e0M: passive fibre strain at F0
  double kshape_active = 0.45;               // gamma: width of the Gaussian active curve
  double kshape_passive = 5.0;               // kPE: passive exponential shape factor
  double af = 0.25;                          // Af: force-velocity shape factor
  double flen = 1.4;                         // Flen: maximum eccentric force multiplier
  double fv_linear_extrap_threshold = 0.95;  // fraction of Flen where f-v becomes linear
};

// f_AL(l) = exp(-(l-1)^2 / gamma)   (Thelen 2003, Eq. 4)
double thelen_active_force_length(const ThelenParams& c, double norm_fiber_length);
double thelen_active_force_length_derivative(const ThelenParams& c, double norm_fiber_length);

// f_PE(l) = (exp(kPE (l-1)/e0M) - 1) / (exp(kPE) - 1) for l > 1, else 0   (Thelen 2003, Eq. 3)
double thelen_passive_force_length(const ThelenParams& c, double norm_fiber_length);
double thelen_passive_force_length_derivative(const ThelenParams& c, double norm_fiber_length);

// Tendon force from normalized tendon length l_T/lts: exponential toe up to strain eToe, then
// linear (Thelen 2003, Eq. 1 with OpenSim's exact eToe = 99 e0T e^3/(166 e^3 - 67)).
double thelen_tendon_force(const ThelenParams& c, double norm_tendon_length);
double thelen_tendon_force_derivative(const ThelenParams& c, double norm_tendon_length);

// Thelen 2003 Eqs. 6-7 with OpenSim's linear extensions: normalized fibre velocity produced by a
// force-velocity multiplier fv at activation a (independent of f_AL once normalized).
double thelen_fiber_velocity(const ThelenParams& c, double activation, double force_velocity_multiplier);

// Inverse of thelen_fiber_velocity in closed form: f_V for a normalized fibre velocity at
// activation a, clamped at 0 as OpenSim does (calcfvInv). Lengthening is positive.
double thelen_force_velocity_inverse(const ThelenParams& c, double activation, double norm_fiber_velocity);

// OpenSim's calcInextensibleTendonActiveFiberForce (docs/opensim-semantics.md#muscles), in newtons.
double thelen_rigid_tendon_active_force(const MuscleParams& p, double path_length, double lengthening_speed,
                                        double activation);

}  // namespace weaklink

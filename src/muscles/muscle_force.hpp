#pragma once
// Muscle forces for the tools, dispatched on MuscleType (a switch, no virtual calls, no allocation):
// the rigid-tendon active force that Static Optimization uses (docs/opensim-semantics.md#muscles) and the
// elastic-tendon fibre equilibrium that OpenSim computes before analyses (docs/opensim-semantics.md#muscles).
#include "muscles/muscle_params.hpp"

namespace weaklink {

// Active fibre force along the tendon [N] at activation a with a RIGID tendon, exactly as OpenSim's
// calcInextensibleTendonActiveFiberForce (SO's Fopt at a = 1), including OpenSim's quirks:
// Millard projects with cos(pennation(l_M/l0)) and DeGroote does not project at all
// (docs/opensim-semantics.md#muscles). `lengthening_speed` is the path's dl_MT/dt (positive = lengthening).
double rigid_tendon_active_force(const MuscleParams& p, double path_length, double lengthening_speed,
                                 double activation);

struct FiberState {
  double fiber_length = 0;              // l_M [m]
  double normalized_fiber_length = 0;   // l_M / l0
  double pennation_angle = 0;           // [rad]
  double tendon_length = 0;             // l_T [m]
  double normalized_tendon_length = 0;  // l_T / lts
  double fiber_velocity = 0;            // dl_M/dt [m/s] assumed by the solution (0 when static)
  double normalized_fiber_velocity = 0;
  double active_force_length_multiplier = 0;
  double passive_force_multiplier = 0;
  double force_velocity_multiplier = 0;
  double active_fiber_force = 0;   // a f_AL f_V F0 [N], along the fibre
  double passive_fiber_force = 0;  // (f_PE + damping) F0 [N], along the fibre
  double fiber_force = 0;          // active + passive [N]
  double tendon_force = 0;         // [N]; equals fiber_force cos(phi) at equilibrium
  bool converged = false;          // equilibrium residual met (false e.g. at the minimum fibre length)
};

// Static equilibrium of the elastic tendon at zero fibre velocity: the fibre length at which
// (a f_AL f_V(0) + f_PE) F0 cos(phi) = f_T F0 at path length l_MT. Bracketed root finding (Brent)
// on the fibre length along the tendon, to a residual of ~1e-13 F0 (converged: <= 1e-9 F0). If
// no equilibrium exists the fibre is put at its minimum length (OpenSim's "fiber at lower
// bound"; for DeGroote the bracket is OpenSim's tendon force range [0, 5] F0) and converged = false.
// Activation is clamped to [minimum_activation, 1] for Thelen/Millard as OpenSim does.
FiberState static_equilibrium(const MuscleParams& p, double path_length, double activation);

// Equilibrium as OpenSim's computeInitialFiberEquilibrium (used by equilibrateMuscles, e.g. the
// Analyze tool with solve_for_equilibrium_for_auxiliary_states) for a moving path:
//  - Thelen2003: the path speed is shared between fibre and tendon in proportion to their
//    stiffnesses (tendon velocity = k_M/(k_M + k_T) v_MT, k_M the fibre stiffness along the
//    tendon) and f_V follows from that fibre velocity; solved to a consistent fixed point;
//  - Millard2012: static (zero fibre velocity), as OpenSim's initial equilibrium;
//  - DeGrooteFregly2016: tendon velocity 0, so the fibre moves with the path (v_M = v_MT cos phi),
//    including fibre damping.
FiberState initial_fiber_equilibrium(const MuscleParams& p, double path_length, double lengthening_speed,
                                     double activation);

// Rigid-tendon fibre state for reporting: l_T = lts (shorter, i.e. slack, only if the fibre is at its
// minimum length), zero fibre velocity, tendon force = fibre force cos(phi).
FiberState rigid_tendon_state(const MuscleParams& p, double path_length, double activation);

}  // namespace weaklink

#pragma once
// Constant-thickness ("fixed width") pennation model used by Thelen2003 and Millard2012:
// the fibre sweeps a parallelogram of constant height h = l0 sin(phi0).
// OpenSim 4.5 behaviour (MuscleFixedWidthPennationModel), see docs/opensim-semantics.md#muscles.

namespace weaklink {

struct FixedWidthPennation {
  double optimal_fiber_length = 0;
  double height = 0;                         // h = l0 sin(phi0)
  double maximum_angle = 0;                  // phi_max
  double sin_maximum = 0;                    // sin(phi_max)
  double min_fiber_length = 0;               // h / sin(phi_max), or 0.01 l0 if phi_max ~ 0
  double min_fiber_length_along_tendon = 0;  // min_fiber_length cos(phi_max)
  bool pennated = false;                     // phi0 > eps: otherwise the angle is always 0
};

FixedWidthPennation make_fixed_width_pennation(double optimal_fiber_length, double pennation_at_optimal,
                                               double maximum_pennation_angle);

// Fibre length from the path and tendon lengths: sqrt(h^2 + (l_MT - l_T)^2), or the minimum
// fibre length when the fibre would have to be shorter than it along the tendon.
double fixed_width_fiber_length(const FixedWidthPennation& m, double path_length, double tendon_length);

// Pennation angle of a fibre of length l: asin(h/l) capped at phi_max; phi_max at or below the
// minimum length; 0 for unpennated muscles. Note: OpenSim's Millard SO path calls this with a
// normalized (dimensionless) length, see millard_rigid_tendon_active_force().
double fixed_width_pennation_angle(const FixedWidthPennation& m, double fiber_length);

}  // namespace weaklink

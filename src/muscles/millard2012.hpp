#pragma once
// Millard2012EquilibriumMuscle (Millard et al. 2013, J Biomech Eng 135:021005) as in OpenSim 4.5:
// four smooth segmented curves built from the muscle's curve properties at parse time
// (docs/opensim-semantics.md#muscles). Evaluation is allocation-free.
#include <optional>

#include "muscles/smooth_segmented_curve.hpp"

namespace weaklink {

struct MuscleParams;

// Curve properties exactly as read (defaults: OpenSim 4.5 class defaults, docs/opensim-semantics.md#muscles).
struct MillardActiveForceLengthParams {
  double min_norm_active_fiber_length = 0.4441;  // x0 (= 0.47 - 0.0259)
  double transition_norm_fiber_length = 0.73;    // x1
  double max_norm_active_fiber_length = 1.8123;  // x3
  double shallow_ascending_slope = 0.8616;       // s
  double minimum_value = 0.1;                    // ylow
};

struct MillardForceVelocityParams {
  double concentric_slope_at_vmax = 0.0;
  double concentric_slope_near_vmax = 0.25;
  double isometric_slope = 5.0;
  double eccentric_slope_at_vmax = 0.0;
  double eccentric_slope_near_vmax = 0.15;
  double max_eccentric_velocity_force_multiplier = 1.4;
  double concentric_curviness = 0.6;
  double eccentric_curviness = 0.9;
};

// The three optional properties are all set or all unset (then fitted defaults apply).
struct MillardFiberForceLengthParams {
  double strain_at_zero_force = 0.0;
  double strain_at_one_norm_force = 0.7;
  std::optional<double> stiffness_at_low_force, stiffness_at_one_norm_force, curviness;
};

struct MillardTendonForceLengthParams {
  double strain_at_one_norm_force = 0.049;
  std::optional<double> stiffness_at_one_norm_force, norm_force_at_toe_end, curviness;
};

struct MillardParams {
  MillardActiveForceLengthParams active;
  MillardForceVelocityParams velocity;
  MillardFiberForceLengthParams passive;
  MillardTendonForceLengthParams tendon;
  double fiber_damping = 0.1;  // as read; the effective value is in `damping`

  // Derived by build_millard_curves(): what OpenSim actually evaluates.
  bool damped = true;  // fiber_damping >= 0.001 (else the classic, undamped Hill model)
  double damping = 0;  // effective damping coefficient (0 when undamped)
  SmoothSegmentedCurve active_force_length, force_velocity, fiber_force_length, tendon_force_length;
};

// Curve builders from properties (Millard 2013 Appendix; corner points of docs/opensim-semantics.md#muscles).
SmoothSegmentedCurve millard_active_force_length_curve(const MillardActiveForceLengthParams& c);
SmoothSegmentedCurve millard_force_velocity_curve(const MillardForceVelocityParams& c);
SmoothSegmentedCurve millard_fiber_force_length_curve(const MillardFiberForceLengthParams& c);
SmoothSegmentedCurve millard_tendon_force_length_curve(const MillardTendonForceLengthParams& c);

// Builds the four curves with OpenSim 4.5's model-dependent adjustments
// (Millard2012EquilibriumMuscle::extendFinalizeFromProperties): with damping (>= 0.001) or a rigid
// tendon, the active curve's minimum_value and the f-v slopes at vmax are forced to 0; for the
// classic undamped elastic-tendon model, minimum_value is raised to >= 0.1 and the f-v slopes at
// vmax to >= half the near-vmax slopes (to keep the model's state equation nonsingular).
void build_millard_curves(MillardParams& m, bool ignore_tendon_compliance);

// Curve evaluation (value and d/dx) on the built curves.
inline double millard_active_force_length(const MillardParams& m, double l) { return m.active_force_length.value(l); }
inline double millard_active_force_length_derivative(const MillardParams& m, double l) {
  return m.active_force_length.derivative(l);
}
inline double millard_force_velocity(const MillardParams& m, double v) { return m.force_velocity.value(v); }
inline double millard_force_velocity_derivative(const MillardParams& m, double v) {
  return m.force_velocity.derivative(v);
}
inline double millard_passive_force_length(const MillardParams& m, double l) { return m.fiber_force_length.value(l); }
inline double millard_passive_force_length_derivative(const MillardParams& m, double l) {
  return m.fiber_force_length.derivative(l);
}
inline double millard_tendon_force(const MillardParams& m, double lt) { return m.tendon_force_length.value(lt); }
inline double millard_tendon_force_derivative(const MillardParams& m, double lt) {
  return m.tendon_force_length.derivative(lt);
}

// Minimum fibre length: max(x0 l0, pennation-model minimum), at least SignificantReal
// (docs/opensim-semantics.md#muscles).
double millard_min_fiber_length(const MuscleParams& p);

// OpenSim's calcInextensibleTendonActiveFiberForce with its quirk (docs/opensim-semantics.md#muscles): the
// projection is cos(phi(l_M/l0)), i.e. the pennation model evaluated at a NORMALIZED length.
double millard_rigid_tendon_active_force(const MuscleParams& p, double path_length, double lengthening_speed,
                                         double activation);

}  // namespace weaklink

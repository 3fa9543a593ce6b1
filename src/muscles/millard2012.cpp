#include "muscles/millard2012.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "muscles/fiber_kinematics.hpp"
#include "muscles/muscle_params.hpp"

namespace weaklink {

namespace {
const double kSignificantReal = std::pow(std::numeric_limits<double>::epsilon(), 7.0 / 8.0);
// Below this damping coefficient OpenSim switches to the undamped model (Millard 2013 §2.3;
// OpenSim 4.5 MIN_NONZERO_DAMPING_COEFFICIENT).
constexpr double kMinDamping = 0.001;
}  // namespace

SmoothSegmentedCurve millard_active_force_length_curve(const MillardActiveForceLengthParams& c) {
  // Five corners (docs/opensim-semantics.md#muscles); x2 = 1 and curviness 1 are fixed.
  const double x0 = c.min_norm_active_fiber_length, x1 = c.transition_norm_fiber_length;
  const double x2 = 1.0, x3 = c.max_norm_active_fiber_length;
  const double s = c.shallow_ascending_slope, ylow = c.minimum_value;
  const double delta = 0.05 * x2;  // half-width of the plateau (Winters' data, wider than 0.0259)
  const double xs = x2 - delta;
  const double y1 = 1.0 - s * (xs - x1);
  const double s01 = 1.25 * y1 / (x1 - x0);
  const double x01 = x0 + 0.5 * (x1 - x0), y01 = 0.5 * y1;
  const double x1s = x1 + 0.5 * (xs - x1), y1s = y1 + 0.5 * (1.0 - y1);
  const double x23 = (x2 + delta) + 0.5 * (x3 - (x2 + delta)), y23 = 0.5;
  const double s23 = -1.0 / ((x3 - delta) - (x2 + delta));
  const std::array<CurveCorner, 6> corners{
      {{x0, ylow, 0.0}, {x01, y01, s01}, {x1s, y1s, s}, {x2, 1.0, 0.0}, {x23, y23, s23}, {x3, ylow, 0.0}}};
  const double k = scale_curviness(1.0);
  const std::array<double, 5> curv{k, k, k, k, k};
  return make_smooth_segmented_curve(corners, curv);
}

SmoothSegmentedCurve millard_force_velocity_curve(const MillardForceVelocityParams& c) {
  // Corners at v = -1, -0.9, 0, 0.9, 1 (docs/opensim-semantics.md#muscles).
  const double sc = c.concentric_slope_at_vmax, snc = c.concentric_slope_near_vmax;
  const double se = c.eccentric_slope_at_vmax, sne = c.eccentric_slope_near_vmax;
  const double fe = c.max_eccentric_velocity_force_multiplier;
  const double y_near_c = 0.5 * snc * 0.1 + 0.5 * sc * 0.1;
  const double y_near_e = fe - 0.5 * sne * 0.1 - 0.5 * se * 0.1;
  const std::array<CurveCorner, 5> corners{
      {{-1.0, 0.0, sc}, {-0.9, y_near_c, snc}, {0.0, 1.0, c.isometric_slope}, {0.9, y_near_e, sne}, {1.0, fe, se}}};
  const double kc = scale_curviness(c.concentric_curviness), ke = scale_curviness(c.eccentric_curviness);
  const std::array<double, 4> curv{kc, kc, ke, ke};
  return make_smooth_segmented_curve(corners, curv);
}

SmoothSegmentedCurve millard_fiber_force_length_curve(const MillardFiberForceLengthParams& c) {
  const double e0 = c.strain_at_zero_force, e1 = c.strain_at_one_norm_force;
  // Fitted defaults when the optional properties are empty (OpenSim 4.5 FiberForceLengthCurve).
  const double k_iso = c.stiffness_at_one_norm_force.value_or(2.0 / (e1 - e0));
  const double k_low = c.stiffness_at_low_force.value_or(0.2);
  const double kappa = c.curviness.value_or(0.75);
  const double x_zero = 1.0 + e0, x_iso = 1.0 + e1;
  const double delta = std::min(0.1 / k_iso, 0.1 * (x_iso - x_zero));
  const double x_low = x_zero + delta, x_foot = x_zero + 0.5 * delta;
  const double y_low = k_low * (x_low - x_foot);
  const std::array<CurveCorner, 3> corners{{{x_zero, 0.0, 0.0}, {x_low, y_low, k_low}, {x_iso, 1.0, k_iso}}};
  const double k = scale_curviness(kappa);
  const std::array<double, 2> curv{k, k};
  return make_smooth_segmented_curve(corners, curv);
}

SmoothSegmentedCurve millard_tendon_force_length_curve(const MillardTendonForceLengthParams& c) {
  const double e_iso = c.strain_at_one_norm_force;
  // Fitted defaults when the optional properties are empty (OpenSim 4.5 TendonForceLengthCurve).
  const double k_iso = c.stiffness_at_one_norm_force.value_or(1.375 / e_iso);
  const double f_toe = c.norm_force_at_toe_end.value_or(2.0 / 3.0);
  const double kappa = c.curviness.value_or(0.5);
  const double x_iso = 1.0 + e_iso;
  const double x_toe = (f_toe - 1.0) / k_iso + x_iso;  // where the linear region begins
  const double x_foot = 1.0 + (x_toe - 1.0) / 10.0;    // keeps the toe's curvature bounded
  const double y_toe_mid = 0.5 * f_toe;
  const double x_toe_mid = (y_toe_mid - 1.0) / k_iso + x_iso;
  const double s_mid = y_toe_mid / (x_toe_mid - x_foot);
  const double x_ctl = x_foot + 0.5 * (x_toe_mid - x_foot);
  const double y_ctl = s_mid * (x_ctl - x_foot);
  const std::array<CurveCorner, 3> corners{{{1.0, 0.0, 0.0}, {x_ctl, y_ctl, s_mid}, {x_toe, f_toe, k_iso}}};
  const double k = scale_curviness(kappa);
  const std::array<double, 2> curv{k, k};
  return make_smooth_segmented_curve(corners, curv);
}

void build_millard_curves(MillardParams& m, bool ignore_tendon_compliance) {
  m.damped = m.fiber_damping >= kMinDamping;
  m.damping = m.damped ? m.fiber_damping : 0.0;
  MillardActiveForceLengthParams active = m.active;
  MillardForceVelocityParams velocity = m.velocity;
  if (!ignore_tendon_compliance && !m.damped) {
    // Classic Hill model with an elastic tendon: f_AL and f_V must stay invertible.
    active.minimum_value = std::max(active.minimum_value, 0.1);
    velocity.concentric_slope_at_vmax =
        std::max(velocity.concentric_slope_at_vmax, 0.5 * velocity.concentric_slope_near_vmax);
    velocity.eccentric_slope_at_vmax =
        std::max(velocity.eccentric_slope_at_vmax, 0.5 * velocity.eccentric_slope_near_vmax);
  } else {
    active.minimum_value = std::min(active.minimum_value, 0.0);
    velocity.concentric_slope_at_vmax = std::min(velocity.concentric_slope_at_vmax, 0.0);
    velocity.eccentric_slope_at_vmax = std::min(velocity.eccentric_slope_at_vmax, 0.0);
  }
  m.active_force_length = millard_active_force_length_curve(active);
  m.force_velocity = millard_force_velocity_curve(velocity);
  m.fiber_force_length = millard_fiber_force_length_curve(m.passive);
  m.tendon_force_length = millard_tendon_force_length_curve(m.tendon);
}

double millard_min_fiber_length(const MuscleParams& p) {
  const FixedWidthPennation pen =
      make_fixed_width_pennation(p.optimal_fiber_length, p.pennation_angle_at_optimal, p.maximum_pennation_angle);
  return std::max(kSignificantReal, std::max(p.millard.active.min_norm_active_fiber_length * p.optimal_fiber_length,
                                             pen.min_fiber_length));
}

double millard_rigid_tendon_active_force(const MuscleParams& p, double path_length, double lengthening_speed,
                                         double activation) {
  const FixedWidthPennation pen =
      make_fixed_width_pennation(p.optimal_fiber_length, p.pennation_angle_at_optimal, p.maximum_pennation_angle);
  const double lm = fixed_width_fiber_length(pen, path_length, p.tendon_slack_length);
  const double vm = lengthening_speed * std::cos(fixed_width_pennation_angle(pen, lm));
  if (std::isnan(vm) || lm <= millard_min_fiber_length(p)) return 0.0;
  const double a = std::clamp(activation, p.minimum_activation, 1.0);
  const double l_norm = lm / p.optimal_fiber_length;  // not clamped (OpenSim 4.5)
  const double v_norm = vm / (p.optimal_fiber_length * p.max_contraction_velocity);
  // OpenSim 4.5 quirk (docs/opensim-semantics.md#muscles): the projection angle comes from the normalized
  // length treated as metres, so pennated Millard muscles look almost unpennated in SO.
  const double phi_quirk = fixed_width_pennation_angle(pen, l_norm);
  return p.max_isometric_force * a * millard_active_force_length(p.millard, l_norm) *
         millard_force_velocity(p.millard, v_norm) * std::cos(phi_quirk);
}

}  // namespace weaklink

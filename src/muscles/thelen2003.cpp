#include "muscles/thelen2003.hpp"

#include <algorithm>
#include <cmath>

#include "muscles/fiber_kinematics.hpp"
#include "muscles/muscle_params.hpp"

namespace weaklink {

namespace {

// Tendon toe region (Thelen 2003, Eq. 1): kToe = 3, Ftoe = 0.33; eToe is OpenSim's exact
// version of the paper's rounded 0.609 e0T (docs/opensim-semantics.md#muscles).
constexpr double kToe = 3.0;
constexpr double kFtoe = 0.33;

double tendon_toe_strain(double e0) {
  const double e3 = std::exp(3.0);
  return 99.0 * e0 * e3 / (166.0 * e3 - 67.0);
}

// Velocity-scale factor of Thelen 2003 Eq. 6: vmax grows with activation, k = 0.25 + 0.75 a.
double velocity_scale(double activation) { return 0.25 + 0.75 * activation; }

// Eccentric branch of Thelen 2003 Eq. 6-7 in normalized force F = fv (F/(a f_AL)):
//   v = K (F-1)/(Flen-F),  K = k (Flen-1)/(2 + 2/Af).
double eccentric_gain(const ThelenParams& c, double k) { return k * (c.flen - 1.0) / (2.0 + 2.0 / c.af); }

}  // namespace

double thelen_active_force_length(const ThelenParams& c, double l) {
  return std::exp(-(l - 1.0) * (l - 1.0) / c.kshape_active);
}

double thelen_active_force_length_derivative(const ThelenParams& c, double l) {
  return -2.0 * (l - 1.0) / c.kshape_active * thelen_active_force_length(c, l);
}

double thelen_passive_force_length(const ThelenParams& c, double l) {
  if (l <= 1.0) return 0.0;
  return (std::exp(c.kshape_passive * (l - 1.0) / c.fmax_muscle_strain) - 1.0) / (std::exp(c.kshape_passive) - 1.0);
}

double thelen_passive_force_length_derivative(const ThelenParams& c, double l) {
  if (l <= 1.0) return 0.0;
  const double k = c.kshape_passive / c.fmax_muscle_strain;
  return k * std::exp(k * (l - 1.0)) / (std::exp(c.kshape_passive) - 1.0);
}

double thelen_tendon_force(const ThelenParams& c, double norm_tendon_length) {
  const double x = norm_tendon_length - 1.0;
  const double e_toe = tendon_toe_strain(c.fmax_tendon_strain);
  if (x > e_toe) {
    const double k_lin = (1.0 - kFtoe) / (c.fmax_tendon_strain - e_toe);
    return k_lin * (x - e_toe) + kFtoe;
  }
  if (x > 0.0) return kFtoe / (std::exp(kToe) - 1.0) * (std::exp(kToe * x / e_toe) - 1.0);
  return 0.0;
}

double thelen_tendon_force_derivative(const ThelenParams& c, double norm_tendon_length) {
  const double x = norm_tendon_length - 1.0;
  const double e_toe = tendon_toe_strain(c.fmax_tendon_strain);
  if (x > e_toe) return (1.0 - kFtoe) / (c.fmax_tendon_strain - e_toe);
  if (x > 0.0) return kFtoe / (std::exp(kToe) - 1.0) * (kToe / e_toe) * std::exp(kToe * x / e_toe);
  return 0.0;
}

double thelen_fiber_velocity(const ThelenParams& c, double activation, double fv) {
  const double k = velocity_scale(activation);
  const double f_thr = c.fv_linear_extrap_threshold * c.flen;  // start of the eccentric extension
  const double gain = eccentric_gain(c, k);
  if (fv <= 0.0) return -k + k * (1.0 + 1.0 / c.af) * fv;    // concentric line through (0, -k)
  if (fv <= 1.0) return k * (fv - 1.0) / (1.0 + fv / c.af);  // Thelen 2003 Eq. 6, concentric b
  if (fv < f_thr) return gain * (fv - 1.0) / (c.flen - fv);  // Eq. 6 with eccentric b (Eq. 7)
  const double v_thr = gain * (f_thr - 1.0) / (c.flen - f_thr);
  const double slope = gain * (c.flen - 1.0) / ((c.flen - f_thr) * (c.flen - f_thr));
  return v_thr + slope * (fv - f_thr);
}

double thelen_force_velocity_inverse(const ThelenParams& c, double activation, double v) {
  // Each branch of thelen_fiber_velocity is a Moebius or linear map in fv: invert it exactly.
  // OpenSim iterates Newton to 1e-6 in v then takes one more step, which agrees to ~1e-12.
  const double k = velocity_scale(activation);
  if (v <= -k) return 0.0;  // the concentric line gives fv <= 0 here; OpenSim clamps at 0
  if (v <= 0.0) return (k + v) / (k - v / c.af);
  const double f_thr = c.fv_linear_extrap_threshold * c.flen;
  const double gain = eccentric_gain(c, k);
  const double v_thr = gain * (f_thr - 1.0) / (c.flen - f_thr);
  if (v < v_thr) return (gain + v * c.flen) / (gain + v);
  const double slope = gain * (c.flen - 1.0) / ((c.flen - f_thr) * (c.flen - f_thr));
  return f_thr + (v - v_thr) / slope;
}

double thelen_rigid_tendon_active_force(const MuscleParams& p, double path_length, double lengthening_speed,
                                        double activation) {
  const FixedWidthPennation pen =
      make_fixed_width_pennation(p.optimal_fiber_length, p.pennation_angle_at_optimal, p.maximum_pennation_angle);
  const double lm = fixed_width_fiber_length(pen, path_length, p.tendon_slack_length);
  if (lm <= pen.min_fiber_length) return 0.0;
  const double phi = fixed_width_pennation_angle(pen, lm);
  const double cos_phi = std::cos(phi);
  const double vm = lengthening_speed * cos_phi;  // rigid tendon: v_M = v_MT cos(phi)
  const double a = std::clamp(activation, p.minimum_activation, 1.0);
  const double l_norm = lm / p.optimal_fiber_length;  // lm > min: OpenSim's clamp is a no-op here
  const double v_norm = vm / (p.optimal_fiber_length * p.max_contraction_velocity);
  const double fal = thelen_active_force_length(p.thelen, l_norm);
  const double fv = thelen_force_velocity_inverse(p.thelen, a, v_norm);
  return p.max_isometric_force * a * fal * fv * cos_phi;
}

}  // namespace weaklink

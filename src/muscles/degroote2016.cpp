#include "muscles/degroote2016.hpp"

#include <cmath>

#include "muscles/muscle_params.hpp"

namespace weaklink {

namespace {

// Active force-length Gaussian-like terms (b1k, b2k, b3k, b4k), k = 1..3
// (De Groote et al. 2016, Ann Biomed Eng 44:2922, supplement; docs/opensim-semantics.md#muscles).
struct Gaussian {
  double b1, b2, b3, b4;
};
constexpr Gaussian kActive[3] = {
    {0.8150671134243542, 1.055033428970575, 0.162384573599574, 0.063303448465465},
    {0.433004984392647, 0.716775413397760, -0.029947116970696, 0.200356847296188},
    {0.1, 1.0, 0.353553390593274, 0.0},
};

// Force-velocity constants d1..d4 (De Groote 2016 supplement; docs/opensim-semantics.md#muscles).
constexpr double d1 = -0.3211346127989808;
constexpr double d2 = -8.149;
constexpr double d3 = -0.374;
constexpr double d4 = 0.8825327733249912;

// Passive curve: kPE = 4, zero force at the minimum normalized fibre length 0.2 (docs/opensim-semantics.md#muscles).
constexpr double kPE = 4.0;
constexpr double kMinNormFiberLength = 0.2;

// Tendon curve constants c1..c3 (De Groote 2016 supplement; docs/opensim-semantics.md#muscles).
constexpr double c1 = 0.2;
constexpr double c2 = 1.0;
constexpr double c3 = 0.2;

// The paper's Gaussian has the denominator squared (the supplement's typo is corrected in OpenSim).
double gaussian(const Gaussian& g, double x) {
  const double s = g.b3 + g.b4 * x;
  return g.b1 * std::exp(-0.5 * (x - g.b2) * (x - g.b2) / (s * s));
}

double gaussian_derivative(const Gaussian& g, double x) {
  const double s = g.b3 + g.b4 * x;
  return gaussian(g, x) * (g.b2 - x) * (g.b3 + g.b2 * g.b4) / (s * s * s);
}

double tendon_stiffness(const DeGrooteParams& c) {
  return std::log((1.0 + c3) / c1) / (1.0 + c.tendon_strain_at_one_norm_force - c2);
}

double passive_offset(const DeGrooteParams& c) {
  return std::exp(kPE * (kMinNormFiberLength - 1.0) / c.passive_fiber_strain_at_one_norm_force);
}

}  // namespace

double degroote_active_force_length(const DeGrooteParams& c, double l) {
  const double x = (l - 1.0) / c.active_force_width_scale + 1.0;
  return gaussian(kActive[0], x) + gaussian(kActive[1], x) + gaussian(kActive[2], x);
}

double degroote_active_force_length_derivative(const DeGrooteParams& c, double l) {
  const double x = (l - 1.0) / c.active_force_width_scale + 1.0;
  return (gaussian_derivative(kActive[0], x) + gaussian_derivative(kActive[1], x) +
          gaussian_derivative(kActive[2], x)) /
         c.active_force_width_scale;
}

double degroote_passive_force_length(const DeGrooteParams& c, double l) {
  if (c.ignore_passive_fiber_force) return 0.0;
  const double offset = passive_offset(c);
  return (std::exp(kPE * (l - 1.0) / c.passive_fiber_strain_at_one_norm_force) - offset) / (std::exp(kPE) - offset);
}

double degroote_passive_force_length_derivative(const DeGrooteParams& c, double l) {
  if (c.ignore_passive_fiber_force) return 0.0;
  const double e0 = c.passive_fiber_strain_at_one_norm_force;
  return kPE / e0 * std::exp(kPE * (l - 1.0) / e0) / (std::exp(kPE) - passive_offset(c));
}

double degroote_tendon_force(const DeGrooteParams& c, double lt) {
  return c1 * std::exp(tendon_stiffness(c) * (lt - c2)) - c3;
}

double degroote_tendon_force_derivative(const DeGrooteParams& c, double lt) {
  const double kt = tendon_stiffness(c);
  return c1 * kt * std::exp(kt * (lt - c2));
}

double degroote_tendon_length_from_force(const DeGrooteParams& c, double ft) {
  return std::log((ft + c3) / c1) / tendon_stiffness(c) + c2;
}

double degroote_force_velocity(double v) { return d1 * std::asinh(d2 * v + d3) + d4; }

double degroote_force_velocity_derivative(double v) {
  const double t = d2 * v + d3;
  return d1 * d2 / std::sqrt(t * t + 1.0);
}

double degroote_force_velocity_inverse(double fv) { return (std::sinh((fv - d4) / d1) - d3) / d2; }

double degroote_rigid_tendon_active_force(const MuscleParams& p, double path_length, double lengthening_speed,
                                          double activation) {
  // Rigid tendon: l_T = lts, l_M = sqrt(l_AT^2 + w^2), cos(phi) = l_AT/l_M (no maximum angle).
  const double width = p.optimal_fiber_length * std::sin(p.pennation_angle_at_optimal);
  const double along_tendon = path_length - p.tendon_slack_length;
  const double lm = std::sqrt(along_tendon * along_tendon + width * width);
  const double cos_phi = along_tendon / lm;
  const double v_norm = lengthening_speed * cos_phi / (p.max_contraction_velocity * p.optimal_fiber_length);
  const double fal = degroote_active_force_length(p.degroote, lm / p.optimal_fiber_length);
  return p.max_isometric_force * activation * fal * degroote_force_velocity(v_norm);
}

}  // namespace weaklink

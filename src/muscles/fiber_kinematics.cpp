#include "muscles/fiber_kinematics.hpp"

#include <cmath>
#include <limits>

namespace weaklink {

namespace {
constexpr double kEps = std::numeric_limits<double>::epsilon();
// SimTK::SignificantReal = eps^(7/8); OpenSim tests the maximum angle against it (docs/opensim-semantics.md#muscles).
const double kSignificantReal = std::pow(kEps, 7.0 / 8.0);
}  // namespace

FixedWidthPennation make_fixed_width_pennation(double optimal_fiber_length, double pennation_at_optimal,
                                               double maximum_pennation_angle) {
  FixedWidthPennation m;
  m.optimal_fiber_length = optimal_fiber_length;
  m.height = optimal_fiber_length * std::sin(pennation_at_optimal);
  m.maximum_angle = maximum_pennation_angle;
  m.sin_maximum = std::sin(maximum_pennation_angle);
  // At phi_max the fibre is h/sin(phi_max) long; an unpennatable muscle gets 1 % of l0
  // (docs/opensim-semantics.md#muscles).
  m.min_fiber_length =
      maximum_pennation_angle > kSignificantReal ? m.height / m.sin_maximum : 0.01 * optimal_fiber_length;
  m.min_fiber_length_along_tendon = m.min_fiber_length * std::cos(maximum_pennation_angle);
  m.pennated = pennation_at_optimal > kEps;
  return m;
}

double fixed_width_fiber_length(const FixedWidthPennation& m, double path_length, double tendon_length) {
  const double along_tendon = path_length - tendon_length;
  if (along_tendon >= m.min_fiber_length_along_tendon)
    return std::sqrt(m.height * m.height + along_tendon * along_tendon);
  return m.min_fiber_length;
}

double fixed_width_pennation_angle(const FixedWidthPennation& m, double fiber_length) {
  if (!m.pennated) return 0.0;
  if (fiber_length <= m.min_fiber_length) return m.maximum_angle;
  const double sin_phi = m.height / fiber_length;
  return sin_phi < m.sin_maximum ? std::asin(sin_phi) : m.maximum_angle;
}

}  // namespace weaklink

// Millard2012 smooth segmented curves (Millard et al. 2013, J Biomech Eng 135:021005, Appendix;
// docs/opensim-semantics.md#muscles) and the quintic Bezier machinery behind them.
#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "muscles/fiber_kinematics.hpp"
#include "muscles/millard2012.hpp"
#include "muscles/muscle_force.hpp"

using namespace weaklink;

namespace {

template <class F>
double central_difference(F f, double x, double h = 1e-6) {
  return (f(x + h) - f(x - h)) / (2 * h);
}

// Sweeps a curve for continuity (no jumps bigger than slope * step) and, optionally, monotonicity.
void expect_smooth(const SmoothSegmentedCurve& c, double x0, double x1, bool increasing, const char* what) {
  const double step = 1e-4;
  double previous = c.value(x0);
  for (double x = x0 + step; x <= x1; x += step) {
    const double y = c.value(x);
    EXPECT_LE(std::abs(y - previous),
              1.01 * step * std::max(std::abs(c.derivative(x)), std::abs(c.derivative(x - step))) + 1e-12)
        << what << " jumps at " << x;
    if (increasing) {
      EXPECT_GE(y, previous - 1e-15) << what << " decreases at " << x;
    }
    previous = y;
  }
}

void expect_derivative_matches(const SmoothSegmentedCurve& c, double x0, double x1, const char* what) {
  for (double x = x0; x <= x1; x += 0.00731)
    EXPECT_NEAR(c.derivative(x), central_difference([&](double u) { return c.value(u); }, x),
                1e-5 * (1 + std::abs(c.derivative(x))))
        << what << " at " << x;
}

}  // namespace

TEST(Millard2012Bezier, CornerSegmentReproducesItsCorners) {
  const std::array<std::array<CurveCorner, 2>, 4> cases{{
      {{{0.0, 0.0, 0.0}, {1.0, 1.0, 3.0}}},
      {{{0.4, 0.1, 0.0}, {0.6, 0.3, 1.5}}},
      {{{1.0, 1.0, 0.0}, {1.4, 0.5, -1.2}}},
      {{{-1.0, 0.0, 1.0}, {0.0, 1.0, 1.0}}},  // collinear tangents: control point at the midpoint
  }};
  for (const auto& corners : cases) {
    for (double kappa : {0.0, 0.5, 1.0}) {
      const QuinticBezierSegment s = bezier_corner_segment(corners[0], corners[1], scale_curviness(kappa));
      EXPECT_EQ(bezier_value(s.x, 0.0), corners[0].x);
      EXPECT_EQ(bezier_value(s.y, 0.0), corners[0].y);
      EXPECT_NEAR(bezier_value(s.x, 1.0), corners[1].x, 1e-15);
      EXPECT_NEAR(bezier_value(s.y, 1.0), corners[1].y, 1e-15);
      EXPECT_NEAR(bezier_derivative(s.y, 0.0) / bezier_derivative(s.x, 0.0), corners[0].slope, 1e-12);
      EXPECT_NEAR(bezier_derivative(s.y, 1.0) / bezier_derivative(s.x, 1.0), corners[1].slope, 1e-12);
    }
  }
}

TEST(Millard2012Bezier, CurvePassesThroughCornersAndExtrapolatesLinearly) {
  const std::array<CurveCorner, 3> corners{{{0.0, 0.0, 0.0}, {0.5, 0.2, 1.0}, {1.0, 1.0, 2.0}}};
  const std::array<double, 2> c{0.5, 0.7};
  const SmoothSegmentedCurve curve = make_smooth_segmented_curve(corners, c);
  for (const CurveCorner& k : corners) {
    EXPECT_NEAR(curve.value(k.x), k.y, 1e-14);
    EXPECT_NEAR(curve.derivative(k.x), k.slope, 1e-9);
  }
  EXPECT_NEAR(curve.value(-1.0), 0.0, 1e-15);
  EXPECT_NEAR(curve.value(1.5), 1.0 + 2.0 * 0.5, 1e-15);
  EXPECT_EQ(curve.derivative(3.0), 2.0);
}

TEST(Millard2012, ActiveForceLengthCurveSamplePoints) {
  const MillardActiveForceLengthParams p;  // class defaults, minimum_value 0.1
  const SmoothSegmentedCurve c = millard_active_force_length_curve(p);
  EXPECT_NEAR(c.value(1.0), 1.0, 1e-14);
  EXPECT_NEAR(c.derivative(1.0), 0.0, 1e-9);
  EXPECT_NEAR(c.value(p.min_norm_active_fiber_length), 0.1, 1e-14);
  EXPECT_NEAR(c.value(p.max_norm_active_fiber_length), 0.1, 1e-14);
  // Outside the domain the curve is the constant minimum value.
  EXPECT_EQ(c.value(0.2), 0.1);
  EXPECT_EQ(c.value(2.5), 0.1);
  EXPECT_EQ(c.derivative(2.5), 0.0);
  // The descending-limb midpoint corner: (x2 + d) + 0.5 (x3 - (x2 + d)), d = 0.05, value 0.5.
  EXPECT_NEAR(c.value(1.05 + 0.5 * (p.max_norm_active_fiber_length - 1.05)), 0.5, 1e-14);
  // Peak of 1 only at l = 1.
  for (double l = 0.3; l < 2.0; l += 0.001) EXPECT_LE(c.value(l), 1.0 + 1e-15);
  expect_smooth(c, 0.3, 2.0, false, "active force-length");
  expect_derivative_matches(c, 0.3, 2.0, "active force-length");
}

TEST(Millard2012, PassiveForceLengthCurveSamplePoints) {
  const MillardFiberForceLengthParams p;  // strain at one norm force 0.7
  const SmoothSegmentedCurve c = millard_fiber_force_length_curve(p);
  EXPECT_EQ(c.value(0.9), 0.0);
  EXPECT_NEAR(c.value(1.0), 0.0, 1e-15);
  EXPECT_NEAR(c.value(1.7), 1.0, 1e-14);
  EXPECT_NEAR(c.derivative(1.7), 2.0 / 0.7, 1e-9);          // fitted k_iso = 2/(e1 - e0)
  EXPECT_NEAR(c.value(1.8), 1.0 + 0.1 * 2.0 / 0.7, 1e-14);  // linear beyond
  expect_smooth(c, 0.8, 2.0, true, "passive force-length");
  expect_derivative_matches(c, 0.8, 2.0, "passive force-length");
}

TEST(Millard2012, TendonForceLengthCurveSamplePoints) {
  const MillardTendonForceLengthParams p;  // strain at one norm force 0.049
  const SmoothSegmentedCurve c = millard_tendon_force_length_curve(p);
  EXPECT_EQ(c.value(0.98), 0.0);
  EXPECT_NEAR(c.value(1.0), 0.0, 1e-15);
  EXPECT_NEAR(c.value(1.049), 1.0, 1e-14);
  EXPECT_NEAR(c.derivative(1.049), 1.375 / 0.049, 1e-9);  // fitted k_iso = 1.375/eIso
  // The toe ends where the force is 2/3 (the fitted norm_force_at_toe_end).
  const double x_toe = (2.0 / 3.0 - 1.0) / (1.375 / 0.049) + 1.049;
  EXPECT_NEAR(c.value(x_toe), 2.0 / 3.0, 1e-14);
  expect_smooth(c, 0.98, 1.08, true, "tendon force-length");
  expect_derivative_matches(c, 0.98, 1.08, "tendon force-length");
}

TEST(Millard2012, ForceVelocityCurveSamplePoints) {
  const MillardForceVelocityParams p;
  const SmoothSegmentedCurve c = millard_force_velocity_curve(p);
  EXPECT_NEAR(c.value(0.0), 1.0, 1e-15);
  EXPECT_NEAR(c.derivative(0.0), 5.0, 1e-9);  // isometric slope
  EXPECT_NEAR(c.value(-1.0), 0.0, 1e-15);
  EXPECT_NEAR(c.value(1.0), 1.4, 1e-15);
  EXPECT_EQ(c.value(-1.5), 0.0);  // end slopes 0
  EXPECT_EQ(c.value(1.5), 1.4);
  EXPECT_NEAR(c.value(-0.9), 0.5 * 0.25 * 0.1, 1e-14);  // near-vmax corners
  EXPECT_NEAR(c.value(0.9), 1.4 - 0.5 * 0.15 * 0.1, 1e-14);
  expect_smooth(c, -1.2, 1.2, true, "force-velocity");
  expect_derivative_matches(c, -1.2, 1.2, "force-velocity");
}

TEST(Millard2012, OpenSimAdjustsCurvesToTheModelVariant) {
  MuscleParams p = default_muscle_params(MuscleType::Millard2012Equilibrium);
  // Default: damped model (fiber_damping 0.1): minimum_value and the f-v end slopes become 0.
  EXPECT_TRUE(p.millard.damped);
  EXPECT_EQ(millard_active_force_length(p.millard, 0.2), 0.0);
  EXPECT_EQ(p.millard.active.minimum_value, 0.1);  // the property itself is kept as read
  // Classic undamped Hill model with an elastic tendon: minimum_value >= 0.1 and f-v end slopes
  // at least half the near-vmax ones (so that f-v stays invertible).
  p.millard.fiber_damping = 0.0;
  p.millard.active.minimum_value = 0.0;
  finalize_muscle_params(p);
  EXPECT_FALSE(p.millard.damped);
  EXPECT_EQ(millard_active_force_length(p.millard, 0.2), 0.1);
  EXPECT_NEAR(millard_force_velocity_derivative(p.millard, -1.5), 0.125, 1e-15);
  EXPECT_NEAR(millard_force_velocity_derivative(p.millard, 1.5), 0.075, 1e-15);
  // A rigid tendon takes the damped-model branch whatever the damping.
  p.ignore_tendon_compliance = true;
  finalize_muscle_params(p);
  EXPECT_EQ(millard_active_force_length(p.millard, 0.2), 0.0);
}

TEST(Millard2012, RigidTendonActiveForceUsesNormalizedLengthForPennation) {
  MuscleParams p = default_muscle_params(MuscleType::Millard2012Equilibrium);
  p.max_isometric_force = 1000;
  p.optimal_fiber_length = 0.05;
  p.tendon_slack_length = 0.3;
  p.pennation_angle_at_optimal = 0.4;
  finalize_muscle_params(p);
  const double l_opt = 0.3 + 0.05 * std::cos(0.4);  // l_M = l0: f_AL = 1, f_V(0) = 1
  // OpenSim 4.5: cos(asin(h / 1.0)) with h = l0 sin(phi0) in metres, instead of cos(phi0).
  const double h = 0.05 * std::sin(0.4);
  EXPECT_NEAR(rigid_tendon_active_force(p, l_opt, 0.0, 1.0), 1000 * std::cos(std::asin(h)), 1e-9);
  EXPECT_GT(rigid_tendon_active_force(p, l_opt, 0.0, 1.0), 1000 * std::cos(0.4) + 50);
  // Activation is clamped at minimum_activation (0.01).
  EXPECT_NEAR(rigid_tendon_active_force(p, l_opt, 0.0, 0.0), 10 * std::cos(std::asin(h)), 1e-9);
  // Below Millard's minimum fibre length (x0 l0 = 0.0222 here; l_M = 0.0219) the force is 0.
  EXPECT_LT(std::hypot(h, 0.01), millard_min_fiber_length(p));
  EXPECT_EQ(rigid_tendon_active_force(p, 0.3 + 0.01, 0.0, 1.0), 0.0);
  // Velocity enters through the Millard f-v curve at v_MT cos(phi) / (l0 vmax).
  const double v = 0.2;
  EXPECT_NEAR(rigid_tendon_active_force(p, l_opt, v, 1.0),
              1000 * std::cos(std::asin(h)) * millard_force_velocity(p.millard, v * std::cos(0.4) / 0.5), 1e-9);
}

TEST(Millard2012, MinimumFiberLength) {
  MuscleParams p = default_muscle_params(MuscleType::Millard2012Equilibrium);
  p.optimal_fiber_length = 0.1;
  p.pennation_angle_at_optimal = 0.0;
  EXPECT_NEAR(millard_min_fiber_length(p), 0.04441, 1e-15);  // x0 l0 dominates
  p.pennation_angle_at_optimal = 1.4;                        // strongly pennated: h / sin(phi_max) dominates
  EXPECT_NEAR(millard_min_fiber_length(p), 0.1 * std::sin(1.4) / std::sin(std::acos(0.1)), 1e-15);
}

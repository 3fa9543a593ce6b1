// Thelen2003Muscle curves checked against hand evaluations of Thelen 2003 (J Biomech Eng 125:70)
// and docs/opensim-semantics.md#muscles.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "muscles/muscle_force.hpp"
#include "muscles/thelen2003.hpp"

using namespace weaklink;

namespace {

// Central difference, tests only.
template <class F>
double central_difference(F f, double x, double h = 1e-6) {
  return (f(x + h) - f(x - h)) / (2 * h);
}

// The values most model files use (docs/opensim-semantics.md#muscles).
ThelenParams gait_params() {
  ThelenParams c;
  c.fmax_tendon_strain = 0.033;
  c.kshape_active = 0.5;
  c.kshape_passive = 4.0;
  c.af = 0.3;
  c.flen = 1.8;
  return c;
}

}  // namespace

TEST(Thelen2003, ActiveForceLengthSamplePoints) {
  for (const ThelenParams& c : {ThelenParams{}, gait_params()}) {
    EXPECT_EQ(thelen_active_force_length(c, 1.0), 1.0);
    // f_AL = exp(-(l-1)^2/gamma) is e^-1 at l = 1 +- sqrt(gamma).
    EXPECT_NEAR(thelen_active_force_length(c, 1.0 + std::sqrt(c.kshape_active)), std::exp(-1.0), 1e-15);
    EXPECT_NEAR(thelen_active_force_length(c, 1.0 - std::sqrt(c.kshape_active)), std::exp(-1.0), 1e-15);
    EXPECT_EQ(thelen_active_force_length_derivative(c, 1.0), 0.0);
  }
}

TEST(Thelen2003, PassiveForceLengthSamplePoints) {
  for (const ThelenParams& c : {ThelenParams{}, gait_params()}) {
    EXPECT_EQ(thelen_passive_force_length(c, 0.7), 0.0);
    EXPECT_EQ(thelen_passive_force_length(c, 1.0), 0.0);
    EXPECT_NEAR(thelen_passive_force_length(c, 1.0 + c.fmax_muscle_strain), 1.0, 1e-15);
    // Half the strain: (e^(kPE/2) - 1)/(e^kPE - 1) = 1/(e^(kPE/2) + 1).
    EXPECT_NEAR(thelen_passive_force_length(c, 1.0 + 0.5 * c.fmax_muscle_strain),
                1.0 / (std::exp(0.5 * c.kshape_passive) + 1.0), 1e-15);
  }
}

TEST(Thelen2003, TendonForceSamplePointsAndSmoothToeTransition) {
  for (const ThelenParams& c : {ThelenParams{}, gait_params()}) {
    const double e0 = c.fmax_tendon_strain;
    EXPECT_EQ(thelen_tendon_force(c, 0.99), 0.0);
    EXPECT_EQ(thelen_tendon_force(c, 1.0), 0.0);
    EXPECT_NEAR(thelen_tendon_force(c, 1.0 + e0), 1.0, 1e-14);
    // The toe ends at eToe (about 0.609 e0 in the paper) with force 0.33, and with OpenSim's exact
    // eToe the exponential and linear pieces also share their slope there.
    const double e3 = std::exp(3.0);
    const double e_toe = 99 * e0 * e3 / (166 * e3 - 67);
    EXPECT_NEAR(e_toe / e0, 0.609, 1e-3);
    EXPECT_NEAR(thelen_tendon_force(c, 1.0 + e_toe), 0.33, 1e-14);
    EXPECT_NEAR(thelen_tendon_force_derivative(c, 1.0 + e_toe - 1e-12),
                thelen_tendon_force_derivative(c, 1.0 + e_toe + 1e-12), 1e-6);
    EXPECT_NEAR(thelen_tendon_force_derivative(c, 1.0 + e0), 0.67 / (e0 - e_toe), 1e-9);
  }
}

TEST(Thelen2003, ForceVelocityHandValues) {
  const ThelenParams c;  // Af = 0.25, Flen = 1.4
  for (double a : {0.01, 0.05, 0.5, 1.0}) EXPECT_NEAR(thelen_force_velocity_inverse(c, a, 0.0), 1.0, 1e-15);
  // a = 1: k = 1. Concentric Eq. 6: v = (F - 1)/(1 + F/Af); at v = -0.5, F = 0.5/(1 + 2) = 1/6.
  EXPECT_NEAR(thelen_force_velocity_inverse(c, 1.0, -0.5), 1.0 / 6.0, 1e-15);
  EXPECT_EQ(thelen_force_velocity_inverse(c, 1.0, -1.0), 0.0);  // v = -k: F = 0
  EXPECT_EQ(thelen_force_velocity_inverse(c, 1.0, -1.5), 0.0);  // clamped at 0
  // a = 0.05: k = 0.2875, so the fibre cannot shorten faster than 0.2875 vmax with force.
  EXPECT_EQ(thelen_force_velocity_inverse(c, 0.05, -0.29), 0.0);
  EXPECT_GT(thelen_force_velocity_inverse(c, 0.05, -0.28), 0.0);
  // Eccentric Eq. 6-7: v = k (F-1)(Flen-1)/((2 + 2/Af)(Flen - F)); F = 1.2 -> v = 0.2*0.4/(10*0.2).
  EXPECT_NEAR(thelen_fiber_velocity(c, 1.0, 1.2), 0.04, 1e-15);
  EXPECT_NEAR(thelen_force_velocity_inverse(c, 1.0, 0.04), 1.2, 1e-14);
}

TEST(Thelen2003, ForceVelocityInverseRoundTripsAndIsMonotone) {
  for (const ThelenParams& c : {ThelenParams{}, gait_params()}) {
    for (double a : {0.01, 0.05, 0.3, 1.0}) {
      for (double fv = 0.01; fv < 2.5; fv += 0.01)
        EXPECT_NEAR(thelen_force_velocity_inverse(c, a, thelen_fiber_velocity(c, a, fv)), fv, 1e-12) << a << " " << fv;
      // Monotone and continuous across the branch points: steps bounded by the steepest slope,
      // dfv/dv = (2 + 2/Af)/k just above v = 0 (Eq. 6-7; twice the concentric (1 + 1/Af)/k).
      const double step = 1e-3, max_slope = (2 + 2 / c.af) / (0.25 + 0.75 * a);
      double previous = thelen_force_velocity_inverse(c, a, -1.2);
      for (double v = -1.2 + step; v <= 1.2; v += step) {
        const double fv = thelen_force_velocity_inverse(c, a, v);
        EXPECT_GE(fv, previous);
        EXPECT_LE(fv - previous, 1.01 * max_slope * step) << a << " " << v;
        previous = fv;
      }
    }
  }
}

TEST(Thelen2003, ForceVelocityIsContinuousAtTheExtrapolationThreshold) {
  const ThelenParams c = gait_params();
  const double f_thr = c.fv_linear_extrap_threshold * c.flen;
  for (double a : {0.05, 1.0}) {
    EXPECT_NEAR(thelen_fiber_velocity(c, a, f_thr - 1e-10), thelen_fiber_velocity(c, a, f_thr + 1e-10), 1e-8);
    // The linear extension continues with the branch's slope.
    const double left =
        central_difference([&](double f) { return thelen_fiber_velocity(c, a, f); }, f_thr - 1e-6, 1e-8);
    const double right =
        central_difference([&](double f) { return thelen_fiber_velocity(c, a, f); }, f_thr + 1e-3, 1e-7);
    EXPECT_NEAR(left / right, 1.0, 1e-3);
  }
}

TEST(Thelen2003, DerivativesMatchFiniteDifferences) {
  const ThelenParams c = gait_params();
  for (double l = 0.3; l < 2.0; l += 0.0137) {
    EXPECT_NEAR(thelen_active_force_length_derivative(c, l),
                central_difference([&](double x) { return thelen_active_force_length(c, x); }, l), 1e-7);
    if (std::abs(l - 1.0) > 1e-3) {  // the passive curve has a kink at l = 1
      EXPECT_NEAR(thelen_passive_force_length_derivative(c, l),
                  central_difference([&](double x) { return thelen_passive_force_length(c, x); }, l), 1e-6 * (1 + l));
    }
  }
  for (double lt = 0.99; lt < 1.05; lt += 0.00037)
    EXPECT_NEAR(thelen_tendon_force_derivative(c, lt),
                central_difference([&](double x) { return thelen_tendon_force(c, x); }, lt, 1e-8), 1e-4);
}

TEST(Thelen2003, RigidTendonActiveForceHandValues) {
  MuscleParams p = default_muscle_params(MuscleType::Thelen2003);
  p.max_isometric_force = 500;
  p.optimal_fiber_length = 0.1;
  p.tendon_slack_length = 0.2;
  p.pennation_angle_at_optimal = 0.25;
  // Path such that l_M = l0: l_MT = lts + l0 cos(phi0); then f_AL = 1, f_V(0) = 1, phi = phi0.
  const double l_opt = 0.2 + 0.1 * std::cos(0.25);
  EXPECT_NEAR(rigid_tendon_active_force(p, l_opt, 0.0, 1.0), 500 * std::cos(0.25), 1e-10);
  // Activation is clamped into [minimum_activation, 1].
  EXPECT_NEAR(rigid_tendon_active_force(p, l_opt, 0.0, 0.0), 0.01 * 500 * std::cos(0.25), 1e-10);
  EXPECT_NEAR(rigid_tendon_active_force(p, l_opt, 0.0, 2.0), 500 * std::cos(0.25), 1e-10);
  // Shortening at v_MT: v_M = v_MT cos(phi); normalized by l0 vmax = 1 m/s.
  const double v = -0.3 / std::cos(0.25);
  EXPECT_NEAR(rigid_tendon_active_force(p, l_opt, v, 1.0),
              500 * std::cos(0.25) * thelen_force_velocity_inverse(p.thelen, 1.0, -0.3), 1e-10);
  // Below the minimum fibre length (maximum pennation) the force is 0.
  EXPECT_EQ(rigid_tendon_active_force(p, 0.2 + 0.001, 0.0, 1.0), 0.0);
}

// DeGrooteFregly2016 curves (De Groote et al. 2016, Ann Biomed Eng 44:2922, supplement;
// docs/opensim-semantics.md#muscles) against hand evaluations.
#include <gtest/gtest.h>

#include <cmath>

#include "muscles/degroote2016.hpp"
#include "muscles/muscle_force.hpp"

using namespace weaklink;

namespace {

template <class F>
double central_difference(F f, double x, double h = 1e-6) {
  return (f(x + h) - f(x - h)) / (2 * h);
}

}  // namespace

TEST(DeGroote2016, ForceVelocitySamplePoints) {
  // f_V(0) = d1 asinh(d3) + d4 with the paper's d1 = -0.3211346127989808, d3 = -0.374,
  // d4 = 0.8825327733249912: 1 to about 1e-5 by construction of the fit.
  EXPECT_NEAR(degroote_force_velocity(0.0), -0.3211346127989808 * std::asinh(-0.374) + 0.8825327733249912, 1e-15);
  EXPECT_NEAR(degroote_force_velocity(0.0), 1.0, 1e-4);
  EXPECT_NEAR(degroote_force_velocity(-1.0), 0.0, 0.01);  // ~0 at maximum shortening speed
  EXPECT_GT(degroote_force_velocity(1.0), 1.7);           // eccentric plateau ~1.79
  for (double v = -1.0; v <= 1.0; v += 0.01) {
    EXPECT_NEAR(degroote_force_velocity_inverse(degroote_force_velocity(v)), v, 1e-12);
    EXPECT_GT(degroote_force_velocity_derivative(v), 0.0);
    EXPECT_NEAR(degroote_force_velocity_derivative(v), central_difference(degroote_force_velocity, v), 1e-7);
  }
}

TEST(DeGroote2016, ActiveForceLengthSamplePoints) {
  const DeGrooteParams c;
  EXPECT_NEAR(degroote_active_force_length(c, 1.0), 1.0, 1e-4);  // the paper's fit peaks at ~1
  EXPECT_LT(degroote_active_force_length(c, 0.5), 0.3);
  EXPECT_LT(degroote_active_force_length(c, 1.6), 0.3);
  for (double l = 0.3; l < 1.9; l += 0.0123)
    EXPECT_NEAR(degroote_active_force_length_derivative(c, l),
                central_difference([&](double x) { return degroote_active_force_length(c, x); }, l), 1e-7);
  // active_force_width_scale w stretches the curve about l = 1: f_w(1 + w (x - 1)) = f_1(x).
  DeGrooteParams wide = c;
  wide.active_force_width_scale = 1.5;
  for (double x = 0.5; x < 1.6; x += 0.1)
    EXPECT_NEAR(degroote_active_force_length(wide, 1.0 + 1.5 * (x - 1.0)), degroote_active_force_length(c, x), 1e-15);
  EXPECT_NEAR(degroote_active_force_length_derivative(wide, 1.3),
              central_difference([&](double x) { return degroote_active_force_length(wide, x); }, 1.3), 1e-7);
}

TEST(DeGroote2016, PassiveForceLengthSamplePoints) {
  DeGrooteParams c;
  EXPECT_NEAR(degroote_passive_force_length(c, 0.2), 0.0, 1e-15);  // zero at the minimum length
  EXPECT_NEAR(degroote_passive_force_length(c, 1.0 + c.passive_fiber_strain_at_one_norm_force), 1.0, 1e-14);
  EXPECT_LT(degroote_passive_force_length(c, 0.1), 0.0);  // negative below (not clamped)
  for (double l = 0.3; l < 1.9; l += 0.0123)
    EXPECT_NEAR(degroote_passive_force_length_derivative(c, l),
                central_difference([&](double x) { return degroote_passive_force_length(c, x); }, l), 1e-7);
  c.ignore_passive_fiber_force = true;
  EXPECT_EQ(degroote_passive_force_length(c, 1.5), 0.0);
  EXPECT_EQ(degroote_passive_force_length_derivative(c, 1.5), 0.0);
}

TEST(DeGroote2016, TendonForceSamplePoints) {
  for (double et : {0.049, 0.1}) {
    DeGrooteParams c;
    c.tendon_strain_at_one_norm_force = et;
    // f_T = 0.2 exp(kT (l - 1)) - 0.2 with kT = ln(6)/eT: 0 at slack length, 1 at 1 + eT.
    EXPECT_NEAR(degroote_tendon_force(c, 1.0), 0.0, 1e-15);
    EXPECT_NEAR(degroote_tendon_force(c, 1.0 + et), 1.0, 1e-14);
    EXPECT_NEAR(degroote_tendon_force_derivative(c, 1.0), 0.2 * std::log(6.0) / et, 1e-12);
    for (double f : {0.0, 0.3, 1.0, 4.0})
      EXPECT_NEAR(degroote_tendon_force(c, degroote_tendon_length_from_force(c, f)), f, 1e-13);
    for (double l = 0.99; l < 1.1; l += 0.0071)
      EXPECT_NEAR(degroote_tendon_force_derivative(c, l),
                  central_difference([&](double x) { return degroote_tendon_force(c, x); }, l, 1e-8), 1e-5);
  }
}

TEST(DeGroote2016, RigidTendonActiveForceIsNotProjected) {
  MuscleParams p = default_muscle_params(MuscleType::DeGrooteFregly2016);
  p.max_isometric_force = 700;
  p.optimal_fiber_length = 0.08;
  p.tendon_slack_length = 0.2;
  p.pennation_angle_at_optimal = 0.35;
  const double l_opt = 0.2 + 0.08 * std::cos(0.35);  // l_M = l0
  const double expected = 700 * 0.6 * degroote_active_force_length(p.degroote, 1.0) * degroote_force_velocity(0.0);
  EXPECT_NEAR(rigid_tendon_active_force(p, l_opt, 0.0, 0.6), expected, 1e-9);  // no cos(0.35)
  // No activation floor: a = 0 gives 0. Velocity: v_M = v_MT cos(phi), normalized by l0 vmax.
  EXPECT_EQ(rigid_tendon_active_force(p, l_opt, 0.0, 0.0), 0.0);
  EXPECT_NEAR(
      rigid_tendon_active_force(p, l_opt, -0.4, 1.0),
      700 * degroote_active_force_length(p.degroote, 1.0) * degroote_force_velocity(-0.4 * std::cos(0.35) / 0.8), 1e-9);
}

TEST(DeGroote2016, StaticEquilibriumMatchesTendonForceState) {
  // OpenSim solves DeGroote's equilibrium on the normalized tendon force; check that our fibre
  // state reproduces it: l_T from f_T inverted gives the same fibre length.
  MuscleParams p = default_muscle_params(MuscleType::DeGrooteFregly2016);
  p.pennation_angle_at_optimal = 0.2;
  for (double l : {0.28, 0.3, 0.32}) {
    const FiberState s = static_equilibrium(p, l, 0.5);
    ASSERT_TRUE(s.converged);
    const double ft = s.tendon_force / p.max_isometric_force;
    const double lt = p.tendon_slack_length * degroote_tendon_length_from_force(p.degroote, ft);
    const double l_at = l - lt;
    EXPECT_NEAR(std::hypot(l_at, p.optimal_fiber_length * std::sin(0.2)), s.fiber_length, 1e-12);
    EXPECT_NEAR(s.fiber_force * std::cos(s.pennation_angle), s.tendon_force, 1e-9 * p.max_isometric_force);
  }
}

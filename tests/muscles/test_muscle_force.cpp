// Muscle force dispatch, elastic-tendon equilibrium and OpenSim parity.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "io/muscle_params_reader.hpp"
#include "io/storage.hpp"
#include "muscles/fiber_kinematics.hpp"
#include "muscles/muscle_force.hpp"
#include "support/reference.hpp"

using namespace weaklink;

namespace {

constexpr MuscleType kTypes[] = {MuscleType::Thelen2003, MuscleType::Millard2012Equilibrium,
                                 MuscleType::DeGrooteFregly2016};

MuscleParams pennated(MuscleType type) {
  MuscleParams p = default_muscle_params(type);
  p.max_isometric_force = 800;
  p.optimal_fiber_length = 0.09;
  p.tendon_slack_length = 0.25;
  p.pennation_angle_at_optimal = 0.3;
  finalize_muscle_params(p);
  return p;
}

double residual(const MuscleParams& p, const FiberState& s) {
  return s.fiber_force * std::cos(s.pennation_angle) - s.tendon_force;
}

}  // namespace

TEST(MuscleForce, DispatchMatchesPerTypeFunctions) {
  for (MuscleType t : kTypes) {
    const MuscleParams p = pennated(t);
    for (double l : {0.30, 0.33, 0.36}) {
      for (double v : {-0.3, 0.0, 0.2}) {
        double expected = 0;
        switch (t) {
          case MuscleType::Thelen2003: expected = thelen_rigid_tendon_active_force(p, l, v, 1.0); break;
          case MuscleType::Millard2012Equilibrium: expected = millard_rigid_tendon_active_force(p, l, v, 1.0); break;
          case MuscleType::DeGrooteFregly2016: expected = degroote_rigid_tendon_active_force(p, l, v, 1.0); break;
        }
        EXPECT_EQ(rigid_tendon_active_force(p, l, v, 1.0), expected);
      }
    }
  }
}

TEST(MuscleForce, RigidTendonForceIsLinearInActivationAboveTheFloor) {
  // SO writes the muscle force as a * Fopt(l, v) (docs/opensim-semantics.md#muscles): check that the per-type formula
  // scales with a once a exceeds minimum_activation (Thelen's f_V depends on a: exempt).
  for (MuscleType t : {MuscleType::Millard2012Equilibrium, MuscleType::DeGrooteFregly2016}) {
    const MuscleParams p = pennated(t);
    const double f1 = rigid_tendon_active_force(p, 0.33, 0.1, 1.0);
    EXPECT_NEAR(rigid_tendon_active_force(p, 0.33, 0.1, 0.4), 0.4 * f1, 1e-12 * f1);
  }
}

TEST(MuscleForce, StaticEquilibriumResidualIsTiny) {
  for (MuscleType t : kTypes) {
    const MuscleParams p = pennated(t);
    for (double a : {0.01, 0.05, 0.3, 1.0}) {
      for (double l = 0.27; l <= 0.45; l += 0.01) {
        const FiberState s = static_equilibrium(p, l, a);
        if (!s.converged) continue;  // fibre at its minimum length: checked separately
        EXPECT_LT(std::abs(residual(p, s)), 1e-9 * p.max_isometric_force)
            << muscle_class_name(t) << " a=" << a << " l=" << l;
        // Geometry is consistent: l_MT = l_T + l_M cos(phi).
        EXPECT_NEAR(s.tendon_length + s.fiber_length * std::cos(s.pennation_angle), l, 1e-14);
        EXPECT_NEAR(s.tendon_force / p.max_isometric_force,
                    s.active_force_length_multiplier * std::clamp(a, p.minimum_activation, 1.0) *
                            s.force_velocity_multiplier * std::cos(s.pennation_angle) +
                        s.passive_force_multiplier * std::cos(s.pennation_angle),
                    1e-9);
      }
    }
  }
}

TEST(MuscleForce, StaticEquilibriumConvergesOverTheWholeWorkingRange) {
  // Between a barely slack tendon and a heavily stretched muscle there is always an equilibrium.
  for (MuscleType t : kTypes) {
    const MuscleParams p = pennated(t);
    for (double l = 0.30; l <= 0.42; l += 0.005) EXPECT_TRUE(static_equilibrium(p, l, 0.5).converged) << l;
  }
}

TEST(MuscleForce, VeryStiffTendonReachesTheRigidTendonLimit) {
  for (MuscleType t : kTypes) {
    MuscleParams p = pennated(t);
    p.thelen.fmax_tendon_strain = 1e-6;
    p.millard.tendon.strain_at_one_norm_force = 1e-6;
    p.degroote.tendon_strain_at_one_norm_force = 1e-6;
    finalize_muscle_params(p);
    for (double l : {0.32, 0.34, 0.36}) {
      const FiberState elastic = static_equilibrium(p, l, 0.5);
      const FiberState rigid = rigid_tendon_state(p, l, 0.5);
      ASSERT_TRUE(elastic.converged);
      // The tendon stretches by ~1e-6 lts (~3e-7 m) under forces of order F0.
      EXPECT_NEAR(elastic.fiber_length, rigid.fiber_length, 1e-6) << muscle_class_name(t);
      EXPECT_NEAR(elastic.tendon_force, rigid.tendon_force, 1e-3 * p.max_isometric_force) << muscle_class_name(t);
      EXPECT_NEAR(rigid.tendon_length, p.tendon_slack_length, 1e-15);
    }
  }
}

TEST(MuscleForce, ShortPathLeavesTheFiberAtItsMinimumLength) {
  for (MuscleType t : {MuscleType::Thelen2003, MuscleType::Millard2012Equilibrium}) {
    const MuscleParams p = pennated(t);
    // Path shorter than the tendon slack length: the tendon is slack for any fibre length.
    const FiberState s = static_equilibrium(p, 0.2, 0.5);
    // Thelen's Gaussian still pulls at the minimum length: no equilibrium. Millard's minimum is
    // where its (damped-model) active curve reaches 0: a zero-force equilibrium.
    EXPECT_EQ(s.converged, t == MuscleType::Millard2012Equilibrium);
    EXPECT_EQ(s.tendon_force, 0.0);
    const double l_min = t == MuscleType::Millard2012Equilibrium
                             ? millard_min_fiber_length(p)
                             : make_fixed_width_pennation(p.optimal_fiber_length, p.pennation_angle_at_optimal,
                                                          p.maximum_pennation_angle)
                                   .min_fiber_length;
    EXPECT_NEAR(s.fiber_length, l_min, 1e-15);
  }
}

TEST(MuscleForce, InitialEquilibriumWithoutPathSpeedIsStatic) {
  for (MuscleType t : kTypes) {
    const MuscleParams p = pennated(t);
    const FiberState a = static_equilibrium(p, 0.34, 0.2);
    const FiberState b = initial_fiber_equilibrium(p, 0.34, 0.0, 0.2);
    EXPECT_NEAR(a.fiber_length, b.fiber_length, 1e-14);
    EXPECT_EQ(b.fiber_velocity, 0.0);
  }
}

TEST(MuscleForce, InitialEquilibriumSharesPathSpeed) {
  // Thelen: fibre velocity takes the share k_T/(k_M + k_T) of the path speed (series springs).
  const MuscleParams p = pennated(MuscleType::Thelen2003);
  const FiberState s = initial_fiber_equilibrium(p, 0.34, -0.1, 0.05);
  ASSERT_TRUE(s.converged);
  EXPECT_LT(std::abs(residual(p, s)), 1e-9 * p.max_isometric_force);
  EXPECT_LT(s.fiber_velocity, 0.0);
  EXPECT_GT(s.fiber_velocity, -0.1);
  EXPECT_LT(s.force_velocity_multiplier, 1.0);  // shortening
  // DeGroote: tendon velocity 0, the fibre follows the path: v_M = v_MT cos(phi).
  const MuscleParams d = pennated(MuscleType::DeGrooteFregly2016);
  const FiberState sd = initial_fiber_equilibrium(d, 0.34, 0.2, 0.3);
  EXPECT_NEAR(sd.fiber_velocity, 0.2 * std::cos(sd.pennation_angle), 1e-15);
  EXPECT_NEAR(sd.force_velocity_multiplier, degroote_force_velocity(sd.normalized_fiber_velocity), 1e-15);
}

TEST(MuscleForce, RigidTendonStateReportsZeroVelocityForces) {
  const MuscleParams p = pennated(MuscleType::Thelen2003);
  const FiberState s = rigid_tendon_state(p, p.tendon_slack_length + 0.08, 0.6);
  EXPECT_NEAR(s.fiber_length * std::cos(s.pennation_angle), 0.08, 1e-15);
  EXPECT_NEAR(s.fiber_length, std::hypot(0.08, p.optimal_fiber_length * std::sin(0.3)), 1e-15);
  EXPECT_EQ(s.force_velocity_multiplier, 1.0);
  EXPECT_NEAR(s.active_fiber_force, 0.6 * s.active_force_length_multiplier * p.max_isometric_force, 1e-9);
  EXPECT_NEAR(s.tendon_force, s.fiber_force * std::cos(s.pennation_angle), 1e-9);
}

namespace {
io::Table muscle_analysis_table(const std::filesystem::path& ref, const char* what) {
  return io::read_storage(ref / "opensim45" / "g2392_muscle_analysis" /
                          (std::string("subject01_walk1_MuscleAnalysis_") + what + ".sto"));
}
}  // namespace

// OpenSim 4.5 MuscleAnalysis of the gait2392 SO model (92 Thelen2003Muscle, 151 frames) with
// solve_for_equilibrium_for_auxiliary_states = true: each frame's fibre state is
// computeInitialFiberEquilibrium at the muscle's default activation (ActivationFiberLengthMuscle's
// default_activation 0.05, absent from the file) and the frame's path length and speed.
// The path speed is recovered from the reference: MuscleActuatorPower = -F_T v_MT; where the
// tendon is (nearly) slack that carries no information and a central difference of Length is used.
// On frames where OpenSim's Newton solve failed (MuscleCannotEquilibrate, caught by the Analyze
// tool) the reference holds the untouched default_fiber_length (0.1 m): there we must also report
// no equilibrium (the velocity-sharing heuristic is discontinuous, e.g. at Thelen's passive kink).
TEST(MuscleForceParity, Gait2392MuscleAnalysisEquilibrium) {
  WEAKLINK_REQUIRE_REFERENCE();
  const auto ref = test::reference_dir();
  const auto model_file = ref / "gait2392-so-jra" / "subject01_simbody_adjusted_StaticOp.osim";
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file(model_file.c_str()));
  const pugi::xml_node root = doc.child("OpenSimDocument");
  const int version = root.attribute("Version").as_int();
  const pugi::xml_node model = root.child("Model");
  const pugi::xml_node defaults = model.child("defaults").child("Thelen2003Muscle");
  auto table = [&](const char* what) { return muscle_analysis_table(ref, what); };
  const io::Table length = table("Length"), fiber_length = table("FiberLength"), tendon_force = table("TendonForce"),
                  power = table("MuscleActuatorPower"), pennation = table("PennationAngle"),
                  fiber_velocity = table("FiberVelocity"), active = table("ActiveFiberForce"),
                  passive = table("PassiveFiberForce"), tendon_length = table("TendonLength");
  const int n = static_cast<int>(length.time.size());
  ASSERT_EQ(n, 151);

  struct Max {
    double value = 0;
    std::string where;
    void update(double d, const std::string& w) {
      if (d > value) value = d, where = w;
    }
  } d_fiber, d_tendon_force, d_pennation, d_velocity, d_active, d_passive, d_tendon_length;
  std::vector<double> fiber_errors;
  int muscles = 0, failed_in_opensim = 0, failure_mismatch = 0;
  for (const pugi::xml_node m : model.child("ForceSet").child("objects").children("Thelen2003Muscle")) {
    const std::string name = m.attribute("name").value();
    const MuscleParams p = read_muscle_params(m, defaults, version, model_file.string());
    ASSERT_EQ(p.default_activation, 0.05);
    ++muscles;
    auto ref_value = [&](const io::Table& t, int r) { return t.data(r, t.find_column(name)); };
    for (int r = 0; r < n; ++r) {
      const double l = ref_value(length, r);
      const double ft = ref_value(tendon_force, r);
      const int r0 = std::max(r - 1, 0), r1 = std::min(r + 1, n - 1);
      const double speed = ft > 1e-3
                               ? -ref_value(power, r) / ft
                               : (ref_value(length, r1) - ref_value(length, r0)) / (length.time[r1] - length.time[r0]);
      const FiberState s = initial_fiber_equilibrium(p, l, speed, p.default_activation);
      const bool opensim_failed = ref_value(fiber_length, r) == p.default_fiber_length;
      failed_in_opensim += opensim_failed;
      if (opensim_failed || !s.converged) {
        failure_mismatch += opensim_failed == s.converged;
        continue;
      }
      const std::string where = name + " t=" + std::to_string(length.time[r]);
      const double dl = std::abs(s.fiber_length - ref_value(fiber_length, r));
      fiber_errors.push_back(dl);
      d_fiber.update(dl, where);
      d_tendon_force.update(std::abs(s.tendon_force - ft), where);
      d_pennation.update(std::abs(s.pennation_angle - ref_value(pennation, r)), where);
      // OpenSim reports the velocity that reproduces the equilibrium f_V (calcFiberVelocityInfo);
      // where f_V = 0 (fast shortening) that saturates at -(0.25 + 0.75 a) vmax l0.
      const double reported_velocity =
          thelen_fiber_velocity(p.thelen, p.default_activation, s.force_velocity_multiplier) *
          p.max_contraction_velocity * p.optimal_fiber_length;
      d_velocity.update(std::abs(reported_velocity - ref_value(fiber_velocity, r)), where);
      d_active.update(std::abs(s.active_fiber_force - ref_value(active, r)), where);
      d_passive.update(std::abs(s.passive_fiber_force - ref_value(passive, r)), where);
      d_tendon_length.update(std::abs(s.tendon_length - ref_value(tendon_length, r)), where);
    }
  }
  std::sort(fiber_errors.begin(), fiber_errors.end());
  auto quantile = [&](double q) { return fiber_errors[static_cast<std::size_t>(q * (fiber_errors.size() - 1))]; };
  std::printf("[ parity   ] %d muscles x %d frames; OpenSim's equilibrium failed on %d, ours on the same frames: %s\n",
              muscles, n, failed_in_opensim, failure_mismatch == 0 ? "yes" : "NO");
  std::printf("[ parity   ] |dFiberLength| median %.2g, 99%% %.2g, max %.2g m (%s)\n", quantile(0.5), quantile(0.99),
              d_fiber.value, d_fiber.where.c_str());
  std::printf(
      "[ parity   ] max |dTendonForce| %.2g N (%s), |dTendonLength| %.2g m, |dPennationAngle| %.2g rad,\n"
      "[ parity   ] |dFiberVelocity| %.2g m/s, |dActiveFiberForce| %.2g N, |dPassiveFiberForce| %.2g N\n",
      d_tendon_force.value, d_tendon_force.where.c_str(), d_tendon_length.value, d_pennation.value, d_velocity.value,
      d_active.value, d_passive.value);
  EXPECT_EQ(muscles, 92);
  EXPECT_EQ(failure_mismatch, 0);
  EXPECT_LT(quantile(0.99), 1e-7);
  EXPECT_LT(d_fiber.value, 1e-5);
  EXPECT_LT(d_tendon_force.value, 0.05);
  EXPECT_LT(d_tendon_length.value, 1e-5);
  EXPECT_LT(d_active.value, 0.05);
  EXPECT_LT(d_pennation.value, 1e-4);
  EXPECT_LT(d_velocity.value, 1e-3);
}

// OpenSim 4.5 Static Optimization on the same model and frames (jr_static_optimization): every
// muscle force is a * Fopt(l_MT, v_MT) with Fopt the rigid-tendon active force at a = 1
// (docs/opensim-semantics.md#muscles). Path length and speed come from the MuscleAnalysis run over the same kinematics;
// frames where the speed cannot be recovered exactly (tendon force ~0 there) are skipped.
TEST(MuscleForceParity, Gait2392StaticOptimizationForces) {
  WEAKLINK_REQUIRE_REFERENCE();
  const auto ref = test::reference_dir();
  const auto model_file = ref / "gait2392-so-jra" / "subject01_simbody_adjusted_StaticOp.osim";
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file(model_file.c_str()));
  const pugi::xml_node root = doc.child("OpenSimDocument");
  const pugi::xml_node model = root.child("Model");
  const pugi::xml_node defaults = model.child("defaults").child("Thelen2003Muscle");
  const io::Table length = muscle_analysis_table(ref, "Length"),
                  tendon_force = muscle_analysis_table(ref, "TendonForce"),
                  power = muscle_analysis_table(ref, "MuscleActuatorPower");
  const auto so_dir = ref / "opensim45" / "jr_static_optimization";
  const io::Table force = io::read_storage(so_dir / "subject01_StaticOptimization_force.sto");
  const io::Table activation = io::read_storage(so_dir / "subject01_StaticOptimization_activation.sto");
  ASSERT_EQ(force.time.size(), length.time.size());

  double max_error = 0;
  int compared = 0, skipped = 0;
  for (const pugi::xml_node m : model.child("ForceSet").child("objects").children("Thelen2003Muscle")) {
    const std::string name = m.attribute("name").value();
    const MuscleParams p = read_muscle_params(m, defaults, root.attribute("Version").as_int(), model_file.string());
    const int c = length.find_column(name), cf = force.find_column(name), ca = activation.find_column(name);
    ASSERT_TRUE(c >= 0 && cf >= 0 && ca >= 0) << name;
    for (std::size_t r = 0; r < length.time.size(); ++r) {
      ASSERT_NEAR(force.time[r], length.time[r], 1e-9);
      const double ft = tendon_force.data(r, tendon_force.find_column(name));
      if (ft <= 1e-3) {
        ++skipped;
        continue;
      }
      const double speed = -power.data(r, power.find_column(name)) / ft;
      const double fopt = rigid_tendon_active_force(p, length.data(r, c), speed, 1.0);
      max_error = std::max(max_error, std::abs(activation.data(r, ca) * fopt - force.data(r, cf)));
      ++compared;
    }
  }
  std::printf("[ parity   ] SO muscle forces a*Fopt: %d frames compared (%d skipped), max |dF| %.2g N\n", compared,
              skipped, max_error);
  EXPECT_GT(compared, 13000);
  EXPECT_LT(max_error, 1e-3);
}

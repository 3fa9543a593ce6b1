// Strength tests and what-if weaknesses fitted on the generic model: the file format's errors,
// that after an adjustment the person's muscles produce the measured torque in the test posture,
// and that the fitted strength written into a spec (an export) gives the same model.
#include <gtest/gtest.h>

#include "chain/activities/activity.hpp"
#include "chain/activities/contact_sites.hpp"
#include "chain/client/isometric_strength.hpp"
#include "chain/client/strength_profile.hpp"
#include "chain/motion/activity_motion.hpp"
#include "chain/simulation/simulate_activity.hpp"
#include "core/error.hpp"
#include "generic_model/generic_model.hpp"
#include "model/model.hpp"
#include "support/io_helpers.hpp"

namespace weaklink {
namespace {

Person adult() {
  Person p;
  p.sex = Sex::Female;
  p.height_m = 1.68;
  p.mass_kg = 64;
  p.age_years = 22;
  return p;
}

// The person's generic model, compiled once.
const Model& adult_model() {
  static const Model m = compile_model(build_generic_model(adult()));
  return m;
}

double force_of(const Model& model, const MuscleStrength& strength, const std::string& muscle) {
  const int m = model.find_muscle(muscle);
  if (m < 0) {
    ADD_FAILURE() << muscle;
    return 0;
  }
  return strength.max_isometric_force[m];
}

FittedStrength fit(const std::string& json, const std::string& name) {
  return fit_strength_profile(adult_model(), adult(), parse_strength_profile(json, name), GenericTables::builtin());
}

void expect_error(const std::string& json, const std::string& fragment) {
  try {
    (void)parse_strength_profile(json, "client.json");
    ADD_FAILURE() << "accepted: " << json;
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("client.json"), std::string::npos) << what;
    EXPECT_NE(what.find(fragment), std::string::npos) << what << "\nmissing: " << fragment;
  }
}

TEST(StrengthProfile, MalformedFilesAreRejectedWithTheFileAndTheEntry) {
  expect_error("{", "not valid JSON");
  expect_error("[]", "\"tests\" array");
  expect_error(R"({"tests": [{"measure": "hip_wiggle", "torque_Nm": 10}]})", "unknown strength measure 'hip_wiggle'");
  expect_error(R"({"tests": [{"measure": "hip_abduction", "torque_Nm": 10, "percent_of_norm": 50}]})", "tests[0]: expected exactly one");
  expect_error(R"({"tests": [{"measure": "hip_abduction", "force_N": 200}]})", "lever_arm_m");
  expect_error(R"({"tests": [{"measure": "hip_abduction", "side": "up", "torque_Nm": 10}]})", "'side'");
  expect_error(R"({"tests": [{"measure": "hip_abduction", "torque_Nm": "strong"}]})", "expected a number");
  expect_error(R"({"tests": [{"measure": "hip_abduction", "torque_Nm": -4}]})", "'torque_Nm': -4 N·m is outside the plausible range");
  expect_error(R"({"tests": [{"torque_Nm": 10}]})", "expected a 'measure'");
  expect_error(R"({"tests": [{"measure": "hip_abduction", "torque_Nm": 10, "posture": [90]}]})", "'posture'");
  // Found by fuzz_client_files: a number beyond double's range made nlohmann throw out_of_range.
  expect_error(R"({"tests": [{"measure": "hip_abduction", "torque_Nm": 4e5474735}]})", "not valid JSON");
}

TEST(StrengthProfile, AMeasuredTorqueIsReproducedByTheModelOnThatSideOnly) {
  const Model& model = adult_model();
  const MuscleStrength before = model_strength(model);
  const FittedStrength fitted = fit(
      R"({"tests": [{"measure": "hip_external_rotation", "side": "right", "torque_Nm": 20, "posture": {"hip_flexion": 90, "knee_angle": 90}}]})",
      "client.json");
  const auto& adj = fitted.adjustments;
  ASSERT_EQ(adj.size(), 1u);
  EXPECT_EQ(adj[0].group, "hip external rotators");
  EXPECT_NEAR(adj[0].model_torque_after, 20.0, 1e-6) << adj[0].basis;
  Data d(model);
  const auto& measure = strength_measure("hip_external_rotation");
  const auto muscles = group_muscles(GenericTables::builtin(), "hip external rotators", "r");
  EXPECT_NEAR(max_isometric_torque(model, d, measure, "r", {{"hip_flexion", 90}, {"knee_angle", 90}}, muscles, fitted.strength).total, 20.0,
              1e-6);
  // The group took the factor; the left side and the other muscles are untouched.
  EXPECT_NEAR(force_of(model, fitted.strength, "piriformis_r"), adj[0].factor * force_of(model, before, "piriformis_r"), 1e-9);
  EXPECT_EQ(force_of(model, fitted.strength, "piriformis_l"), force_of(model, before, "piriformis_l"));
  EXPECT_EQ(force_of(model, fitted.strength, "iliacus_r"), force_of(model, before, "iliacus_r"));
  // The model itself is not changed: its own torque is the generic one.
  EXPECT_NEAR(max_isometric_torque(model, d, measure, "r", {{"hip_flexion", 90}, {"knee_angle", 90}}, muscles).total,
              adj[0].model_torque_before, 1e-9);
}

// An export writes the fitted forces into the spec exactly: compiled again, that model has the
// same strength, the same torques in the tests, and the scale the assessment passes at run time.
TEST(StrengthProfile, TheFittedStrengthWrittenIntoASpecIsTheSameModel) {
  const Person p = adult();
  ModelSpec spec = build_generic_model(p);
  const Model model = compile_model(spec);
  // Two tests on overlapping groups, so that some muscles are scaled twice.
  const FittedStrength fitted = fit_strength_profile(
      model, p,
      parse_strength_profile(R"({"tests": [{"measure": "hip_external_rotation", "side": "both", "percent_of_norm": 55},
                                           {"group": "vastus medialis", "side": "right", "percent_of_baseline": 60},
                                           {"measure": "hip_abduction", "side": "both", "mmt_grade": "4"}]})",
                             "client.json"),
      GenericTables::builtin());
  write_strength(spec, model, fitted.strength);
  const Model exported = compile_model(spec);
  EXPECT_EQ(model_strength(exported).max_isometric_force, fitted.strength.max_isometric_force);
  const Eigen::VectorXd scale = strength_scale(model, fitted.strength);
  ASSERT_LT(scale.minCoeff(), 0.7);
  for (std::size_t m = 0; m < model.muscles.size(); ++m)
    EXPECT_EQ(scale[static_cast<Eigen::Index>(m)],
              exported.muscles[m].params.max_isometric_force / model.muscles[m].params.max_isometric_force)
        << model.muscles[m].name;
  const auto& measure = strength_measure("hip_abduction");
  const auto muscles = group_muscles(GenericTables::builtin(), "hip abductors", "l");
  Data d(model), de(exported);
  EXPECT_EQ(max_isometric_torque(model, d, measure, "l", {}, muscles, fitted.strength).total,
            max_isometric_torque(exported, de, measure, "l", {}, muscles).total);
  // A spec of other muscles is refused.
  ModelSpec other = spec;
  other.muscles.pop_back();
  EXPECT_THROW(write_strength(other, model, fitted.strength), std::invalid_argument);
}

// simulate --strength passes the fitted strength to the solver at run time; the exported model
// carries it in its forces. The two solve the same problem: only the order of one multiplication
// differs (F0·k inside the muscle law, or the law's force times k), so they agree to round-off.
TEST(StrengthProfile, StrengthAtRunTimeSolvesAsTheExportedModel) {
  const Person p = adult();
  ModelSpec spec = with_contact_sites(build_generic_model(p));
  const Model model = compile_model(spec);
  const FittedStrength fitted = fit_strength_profile(
      model, p, parse_strength_profile(R"({"tests": [{"measure": "knee_extension", "side": "both", "percent_of_norm": 40}]})", "c.json"),
      GenericTables::builtin());
  ASSERT_LT(fitted.adjustments.at(0).factor, 0.9) << "the test weakens the quadriceps";
  write_strength(spec, model, fitted.strength);
  const Model exported = compile_model(spec);
  const Activity& a = find_activity("squat");
  const ActivityMotion motion = build_activity_motion(model, a.plan(activity_parameters(a, {})), a.name);
  const ActivityResult run_time =
      simulate_activity(model, a.name, motion, SimulationOptions{}, actuator_strength_scale(model, strength_scale(model, fitted.strength)));
  const ActivityResult in_model = simulate_activity(exported, a.name, motion, SimulationOptions{});
  ASSERT_EQ(run_time.forces.rows(), in_model.forces.rows());
  EXPECT_LE((run_time.forces - in_model.forces).cwiseAbs().maxCoeff(), 1e-9 * in_model.forces.cwiseAbs().maxCoeff());
  EXPECT_LE((run_time.activations - in_model.activations).cwiseAbs().maxCoeff(), 1e-9);
  for (std::size_t i = 0; i < run_time.joints.size(); ++i)
    EXPECT_NEAR(run_time.joints[i].knee_r, in_model.joints[i].knee_r, 1e-9 * in_model.joints[i].knee_r) << "frame " << i;
}

TEST(StrengthProfile, WhatIfPercentNormAndGradesFollowTheirDefinitions) {
  const Person p = adult();
  const auto& t = GenericTables::builtin();
  {
    const Model& model = adult_model();
    const MuscleStrength norm = model_strength(model);
    const FittedStrength fitted = fit(R"({"tests": [{"group": "vastus medialis", "side": "left", "percent_of_baseline": 60}]})", "w.json");
    ASSERT_EQ(fitted.adjustments.size(), 1u);
    EXPECT_DOUBLE_EQ(force_of(model, fitted.strength, "vastus_medialis_obliquus_l"), 0.6 * force_of(model, norm, "vastus_medialis_obliquus_l"));
    EXPECT_EQ(force_of(model, fitted.strength, "vastus_lateralis_l"), force_of(model, norm, "vastus_lateralis_l"));
  }
  {
    // 70 % of the Anderson et al. 2007 knee-extension norm for a 22-year-old woman.
    const auto adj = fit(R"({"tests": [{"measure": "knee_extension", "side": "right", "percent_of_norm": 70}]})", "n.json").adjustments;
    const StrengthNormRow* norm = find_strength_norm(t, "knee_extension", Sex::Female, 22);
    ASSERT_NE(norm, nullptr);
    EXPECT_NEAR(adj[0].target_torque, 0.7 * norm_torque(*norm, p), 1e-9);
    EXPECT_NEAR(adj[0].model_torque_after, adj[0].target_torque, 1e-6);
  }
  {
    const auto adj = fit(R"({"tests": [{"measure": "knee_extension", "side": "both", "mmt_grade": "3"}]})", "g.json").adjustments;
    ASSERT_EQ(adj.size(), 2u) << "both sides";
    const StrengthNormRow* norm = find_strength_norm(t, "knee_extension", Sex::Female, 22);
    EXPECT_NEAR(adj[0].target_torque, t.mmt_percent.at("3") / 100 * norm_torque(*norm, p), 1e-9);
    EXPECT_TRUE(adj[0].warnings.empty()) << "grade 3 is a measured conversion (Sato 1999)";
    const auto adj4 = fit(R"({"tests": [{"measure": "knee_extension", "side": "left", "mmt_grade": "4+"}]})", "g.json").adjustments;
    ASSERT_FALSE(adj4[0].warnings.empty()) << "4+ is interpolated: the user is told";
    EXPECT_THROW(fit(R"({"tests": [{"measure": "knee_extension", "mmt_grade": "6"}]})", "g.json"), InputError);
  }
}

TEST(StrengthProfile, ImpossibleTargetsAreLimitedAndSaid) {
  // 0.5 N·m of hip abduction: the muscles outside the abductor group already give more, so the
  // group would need a negative strength; it is limited to 2 % and a warning says why.
  const auto adj = fit(R"({"tests": [{"measure": "hip_abduction", "side": "right", "torque_Nm": 0.5}]})", "x.json").adjustments;
  ASSERT_EQ(adj.size(), 1u);
  EXPECT_NEAR(adj[0].factor, 0.02, 1e-12);
  ASSERT_FALSE(adj[0].warnings.empty());
  EXPECT_NE(adj[0].warnings[0].find("limited"), std::string::npos);
}

TEST(StrengthProfile, ValuesOutsidePhysicalSenseNameTheField) {
  // Joint angles: finite and within half a revolution when read ...
  expect_error(R"({"tests": [{"measure": "hip_abduction", "torque_Nm": 40, "posture": {"hip_flexion": 1e308}}]})",
               "posture 'hip_flexion': 1e+308 degrees is not a joint angle");
  expect_error(R"({"tests": [{"measure": "hip_abduction", "torque_Nm": 40, "posture": {"knee_angle": -200}}]})",
               "posture 'knee_angle'");
  // ... torques, forces and percentages finite, above 0 and below their plausible maxima.
  expect_error(R"({"tests": [{"group": "vastus medialis", "percent_of_baseline": 1e300}]})", "'percent_of_baseline': 1e+300 %");
  expect_error(R"({"tests": [{"group": "vastus medialis", "percent_of_baseline": 1000}]})", "from 1 to 300 %");
  expect_error(R"({"tests": [{"group": "vastus medialis", "percent_of_baseline": 0}]})", "'percent_of_baseline': 0 %");
  expect_error(R"({"tests": [{"measure": "knee_extension", "percent_of_norm": 0.5}]})", "'percent_of_norm'");
  expect_error(R"({"tests": [{"measure": "knee_extension", "torque_Nm": 0}]})", "\"mmt_grade\": 0");
  expect_error(R"({"tests": [{"measure": "knee_extension", "torque_Nm": 1500}]})", "more than 0 to 1000 N·m");
  expect_error(R"({"tests": [{"measure": "knee_extension", "torque_Nm_per_kg": 40}]})", "'torque_Nm_per_kg'");
  expect_error(R"({"tests": [{"measure": "knee_extension", "force_N": 4000, "lever_arm_m": 1.0}]})", "'force_N' x 'lever_arm_m'");
  expect_error(R"({"tests": [{"measure": "knee_extension", "force_N": 9000, "lever_arm_m": 0.1}]})", "'force_N': 9000 N");
  // The ends of the ranges are accepted.
  EXPECT_NO_THROW(parse_strength_profile(R"({"tests": [{"group": "vastus medialis", "percent_of_baseline": 1},
                                                       {"group": "vastus medialis", "percent_of_baseline": 300},
                                                       {"measure": "knee_extension", "torque_Nm": 1000}]})",
                                         "ok.json"));
}

TEST(StrengthProfile, APostureOutsideTheJointsRangeOfMotionIsRejectedWhenApplied) {
  try {
    (void)fit(R"({"tests": [{"measure": "hip_abduction", "side": "right", "torque_Nm": 40, "posture": {"hip_flexion": 170}}]})",
              "client.json");
    ADD_FAILURE() << "a hip flexed 170 degrees was accepted";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("client.json: tests[0]: posture 'hip_flexion': 170 is outside the joint's range of motion (-30 to 120 degrees)"),
              std::string::npos)
        << what;
  }
}

}  // namespace
}  // namespace weaklink

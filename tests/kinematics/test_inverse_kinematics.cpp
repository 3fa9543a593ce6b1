// Inverse kinematics solver (src/kinematics/inverse_kinematics.hpp), on synthetic data:
//  - markers generated from known angles are recovered to 1e-6 (exactly consistent data);
//  - couplers hold exactly, locked coordinates do not move, clamped ones stay in range and the
//    solution there is a KKT point;
//  - the objective is OpenSim's (docs/opensim-semantics.md#inverse-kinematics): markers normalised by Σw of those
// observed this frame,
//    coordinate tasks not normalised;
//  - gradient and Hessian agree with finite differences of the objective (couplers included);
//  - the per-frame solve allocates nothing;
//  - the tool layer: marker weight rules, time range, thread-count independence, setup reading.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numbers>
#include <random>

#include "io/osim_reader.hpp"
#include "io/storage.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "kinematics/inverse_kinematics.hpp"
#include "support/allocation_counter.hpp"
#include "support/io_helpers.hpp"
#include "support/reference.hpp"
#include "tools/inverse_kinematics_tool.hpp"

using namespace weaklink;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The project's demo leg (planar pelvis, 3-axis hip, knee) with four markers per body, and
// optionally: hip_adduction_r = 0.3·f² + 0.5·f of hip_flexion_r (a non-linear coupler),
// hip_rotation_r locked at 0.1 rad, knee_angle_r clamped to its range.
Model demo_model(bool constrained) {
  ModelSpec spec = io::read_osim(test::source_dir() / "data/models/weaklink_demo_leg.osim");
  spec.markers.clear();
  const char* bodies[] = {"pelvis", "femur_r", "tibia_r"};
  for (int b = 0; b < 3; ++b)
    for (int k = 0; k < 4; ++k) {
      MarkerSpec m;
      m.name = std::string(bodies[b]) + "_m" + std::to_string(k);
      m.parent_frame = std::string("/bodyset/") + bodies[b];
      m.location = Vec3(0.05 * std::cos(1.7 * k + b), -0.1 * k - 0.05, 0.06 * std::sin(2.3 * k + b));
      spec.markers.push_back(m);
    }
  if (constrained) {
    CouplerSpec c;
    c.name = "adduction_follows_flexion";
    c.independent = {"hip_flexion_r"};
    c.dependent = "hip_adduction_r";
    c.function = Function::polynomial({0.3, 0.5, 0.0});
    spec.couplers.push_back(c);
    for (auto& j : spec.joints)
      for (auto& co : j.coordinates) {
        if (co.name == "hip_rotation_r") {
          co.locked = true;
          co.default_value = 0.1;
        }
        if (co.name == "knee_angle_r") co.clamped = true;
      }
  }
  return compile_model(spec);
}

std::vector<IKMarkerGoal> all_markers(const Model& model, double weight = 1.0) {
  std::vector<IKMarkerGoal> goals;
  for (int m = 0; m < static_cast<int>(model.markers.size()); ++m) goals.push_back({m, weight * (1.0 + 0.25 * (m % 3))});
  return goals;
}

// Model marker positions of the goals at q (metres, 3 per goal).
std::vector<double> markers_at(const Model& model, const std::vector<IKMarkerGoal>& goals, const Eigen::VectorXd& q) {
  Data data(model);
  calc_forward_kinematics(model, data, q);
  calc_marker_positions(model, data);
  std::vector<double> out;
  for (const auto& g : goals)
    for (int a = 0; a < 3; ++a) out.push_back(data.marker_G[g.marker][a]);
  return out;
}

Eigen::VectorXd demo_pose(const Model& model, double phase) {
  Eigen::VectorXd q = model.default_q();
  const auto set = [&](const char* name, double v) { q[model.find_coordinate(name)] = v; };
  set("pelvis_tilt", 0.1 * std::sin(phase));
  set("pelvis_tx", 0.3 + 0.2 * phase);
  set("pelvis_ty", 0.93 + 0.01 * std::cos(phase));
  set("hip_flexion_r", 0.4 * std::sin(phase + 0.3));
  set("hip_adduction_r", -0.1 + 0.05 * std::cos(phase));
  set("hip_rotation_r", 0.15 * std::sin(2 * phase));
  set("knee_angle_r", -0.6 - 0.4 * std::sin(phase));
  apply_couplers(model, q);
  return q;
}

}  // namespace

TEST(InverseKinematics, RecoversKnownAnglesFromExactMarkers) {
  const Model model = demo_model(false);
  const auto goals = all_markers(model);
  const IKProblem problem(model, goals, {});
  IKWorkspace ws(problem);
  Eigen::VectorXd q = model.default_q();  // first frame from the default pose, then warm starts
  for (int frame = 0; frame < 10; ++frame) {
    const Eigen::VectorXd truth = demo_pose(model, 0.3 * frame);
    const std::vector<double> obs = markers_at(model, goals, truth);
    const IKFrameStatus s = solve_ik_frame(ws, obs.data(), nullptr, q);
    EXPECT_TRUE(s.converged) << frame;
    EXPECT_LE((q - truth).cwiseAbs().maxCoeff(), 1e-6) << "frame " << frame << "\n" << (q - truth).transpose();
    EXPECT_LE(s.cost, 1e-20);
    EXPECT_EQ(s.observed_markers, static_cast<int>(goals.size()));
    const IKMarkerErrors e = ik_marker_errors(ws, obs.data());
    EXPECT_LE(e.max, 1e-9);
  }
}

TEST(InverseKinematics, CouplersExactLockedFixedClampedInRange) {
  const Model model = demo_model(true);
  const int flex = model.find_coordinate("hip_flexion_r"), add = model.find_coordinate("hip_adduction_r");
  const int rot = model.find_coordinate("hip_rotation_r"), knee = model.find_coordinate("knee_angle_r");
  ASSERT_GE(model.coordinates[add].coupler, 0);
  const auto goals = all_markers(model);
  const IKProblem problem(model, goals, {});
  EXPECT_EQ(problem.num_variables(), model.nq() - 2);  // adduction follows flexion, rotation locked
  IKWorkspace ws(problem);
  Eigen::VectorXd q = model.default_q();
  for (int frame = 0; frame < 8; ++frame) {
    Eigen::VectorXd truth = demo_pose(model, 0.4 * frame);
    truth[rot] = 0.1;
    apply_couplers(model, truth);
    const std::vector<double> obs = markers_at(model, goals, truth);
    const IKFrameStatus s = solve_ik_frame(ws, obs.data(), nullptr, q);
    EXPECT_TRUE(s.converged);
    EXPECT_LE((q - truth).cwiseAbs().maxCoeff(), 1e-6) << "frame " << frame;
    EXPECT_DOUBLE_EQ(q[add], 0.3 * q[flex] * q[flex] + 0.5 * q[flex]);  // coupler exact
    EXPECT_EQ(q[rot], 0.1);                                             // locked: untouched
  }
  // Markers from a knee beyond its upper limit: the solution sits on the bound and is optimal there.
  Eigen::VectorXd truth = demo_pose(model, 0.0);
  truth[knee] = model.coordinates[knee].range_max + 0.3;
  const std::vector<double> obs = markers_at(model, goals, truth);
  const IKFrameStatus s = solve_ik_frame(ws, obs.data(), nullptr, q);
  EXPECT_TRUE(s.converged);
  EXPECT_EQ(q[knee], model.coordinates[knee].range_max);
  EXPECT_GT(s.cost, 1e-6);  // the markers cannot be matched
  // KKT: the objective only rises when the knee moves back into its range or anything else moves.
  IKSolverOptions evaluate_only;
  evaluate_only.max_iterations = 0;
  const IKProblem probe_problem(model, goals, {}, evaluate_only);
  IKWorkspace probe(probe_problem);
  const auto cost_at = [&](Eigen::VectorXd x) {
    apply_couplers(model, x);
    return solve_ik_frame(probe, obs.data(), nullptr, x).cost;
  };
  const double f0 = cost_at(q);
  EXPECT_NEAR(f0, s.cost, 1e-15);
  for (int c = 0; c < model.nq(); ++c) {
    if (c == add || c == rot) continue;
    for (double h : {-1e-4, 1e-4}) {
      if (c == knee && h > 0) continue;
      Eigen::VectorXd x = q;
      x[c] += h;
      EXPECT_GE(cost_at(x), f0 - 1e-14) << model.coordinates[c].name << " " << h;
    }
  }
}

namespace {

// Gradient and Hessian (coordinate goals on a given coordinate and on the last coordinate, noisy
// observations, one marker missing) against central differences of the objective and gradient.
// Bounds are switched off so that differences can step anywhere.
void expect_derivatives_match_finite_differences(Model model, const Eigen::VectorXd& q_obs, const Eigen::VectorXd& q0,
                                                 int goal_coordinate) {
  for (auto& c : model.coordinates) c.clamped = false;
  const auto goals = all_markers(model);
  const std::vector<IKCoordinateGoal> cgoals = {{goal_coordinate, 0.02}, {model.nq() - 1, 0.05}};
  const double targets[] = {-0.5, 0.02};
  IKSolverOptions evaluate_only;
  evaluate_only.max_iterations = 0;
  const IKProblem problem(model, goals, cgoals, evaluate_only);
  IKWorkspace ws(problem);
  std::vector<double> obs = markers_at(model, goals, q_obs);
  for (std::size_t i = 0; i < obs.size(); ++i) obs[i] += 0.02 * std::sin(3.1 * i);
  obs[3] = obs[4] = obs[5] = kNaN;
  const auto& free = problem.free_coordinates();
  const int n = problem.num_variables();
  const auto at = [&](const Eigen::VectorXd& z, Eigen::VectorXd* g, Eigen::MatrixXd* H) {
    Eigen::VectorXd x = q0;
    for (int k = 0; k < n; ++k) x[free[k]] = z[k];
    apply_couplers(model, x);
    const double f = solve_ik_frame(ws, obs.data(), targets, x).cost;
    if (g) {
      g->resize(n);
      for (int k = 0; k < n; ++k) (*g)[k] = ws.g_q[free[k]];
    }
    if (H) {
      H->resize(n, n);
      for (int k = 0; k < n; ++k)
        for (int l = 0; l < n; ++l) (*H)(k, l) = free[k] >= free[l] ? ws.Hq(free[k], free[l]) : ws.Hq(free[l], free[k]);
    }
    return f;
  };
  Eigen::VectorXd z(n), g;
  Eigen::MatrixXd H;
  for (int k = 0; k < n; ++k) z[k] = q0[free[k]];
  at(z, &g, &H);
  const double h = 1e-5;
  for (int k = 0; k < n; ++k) {
    Eigen::VectorXd zp = z, zm = z, gp, gm;
    zp[k] += h;
    zm[k] -= h;
    const double fd = (at(zp, &gp, nullptr) - at(zm, &gm, nullptr)) / (2 * h);
    EXPECT_NEAR(g[k], fd, 1e-9) << model.name << " " << model.coordinates[free[k]].name;
    const Eigen::VectorXd column = (gp - gm) / (2 * h);
    for (int l = 0; l < n; ++l)
      EXPECT_NEAR(H(l, k), column[l], 1e-8)
          << model.name << " " << model.coordinates[free[l]].name << " / " << model.coordinates[free[k]].name;
  }
}

Eigen::VectorXd perturbed_default(const Model& model, double amplitude, double phase) {
  Eigen::VectorXd q = model.default_q();
  for (int c = 0; c < model.nq(); ++c)
    if (!model.coordinates[c].locked && model.coordinates[c].coupler < 0) q[c] += amplitude * std::sin(1.3 * c + phase);
  apply_couplers(model, q);
  return q;
}

}  // namespace

// Demo model with a non-linear coupler (chain rule with φ'' g), a locked coordinate and a task on
// the dependent coordinate; gait2392 (knee translations are splines of the knee angle: the f''
// terms of a joint's own motion); RajagopalLaiUhlrich2023 (patella couplers, many joints).
TEST(InverseKinematics, GradientAndHessianMatchFiniteDifferences) {
  const Model demo = demo_model(true);
  expect_derivatives_match_finite_differences(demo, demo_pose(demo, 0.7), demo_pose(demo, 0.9),
                                              demo.find_coordinate("hip_adduction_r"));
  if (!std::filesystem::exists(test::reference_dir())) return;
  for (const char* f : {"gait2392-ik-id/OutputReference/subject01_simbody.osim", "models/RajagopalLaiUhlrich2023.osim"}) {
    const Model model = compile_model(io::read_osim(test::reference_dir() / f));
    expect_derivatives_match_finite_differences(model, perturbed_default(model, 0.2, 0.4),
                                                perturbed_default(model, 0.25, 1.0), model.find_coordinate("knee_angle_r"));
  }
}

TEST(InverseKinematics, ObjectiveNormalisesMarkersOverObservedOnly) {
  const Model model = demo_model(false);
  const auto goals = all_markers(model);
  const int knee = model.find_coordinate("knee_angle_r");
  const std::vector<IKCoordinateGoal> cgoals = {{knee, 0.7}};
  const double target = -0.2;
  const IKProblem problem(model, goals, cgoals);
  IKWorkspace ws(problem);
  std::vector<double> obs = markers_at(model, goals, demo_pose(model, 1.1));
  for (std::size_t i = 0; i < obs.size(); ++i) obs[i] += 0.01 * std::cos(1.7 * i);
  obs[6] = kNaN;  // marker 2 missing (one component is enough)
  Eigen::VectorXd q = model.default_q();
  const IKFrameStatus s = solve_ik_frame(ws, obs.data(), &target, q);
  EXPECT_TRUE(s.converged);
  EXPECT_EQ(s.observed_markers, static_cast<int>(goals.size()) - 1);
  // Recompute J(q) = Σ w|e|²/(2Σw) + w_c (q − q̂)²/2 by hand at the solution.
  const std::vector<double> x = markers_at(model, goals, q);
  double num = 0, wsum = 0, total = 0, worst = 0;
  for (std::size_t m = 0; m < goals.size(); ++m) {
    if (m == 2) continue;
    double d2 = 0;
    for (int a = 0; a < 3; ++a) d2 += std::pow(x[3 * m + a] - obs[3 * m + a], 2);
    num += goals[m].weight * d2;
    wsum += goals[m].weight;
    total += d2;
    worst = std::max(worst, std::sqrt(d2));
  }
  const double expected = num / (2 * wsum) + 0.7 * std::pow(q[knee] - target, 2) / 2;
  EXPECT_NEAR(s.cost, expected, 1e-15);
  // OpenSim's error report: RMS over every marker in use, the missing one included in n.
  const IKMarkerErrors e = ik_marker_errors(ws, obs.data());
  EXPECT_NEAR(e.total_squared, total, 1e-15);
  EXPECT_NEAR(e.rms, std::sqrt(total / static_cast<double>(goals.size())), 1e-15);
  EXPECT_NEAR(e.max, worst, 1e-15);
  EXPECT_NE(e.worst, 2);
}

TEST(InverseKinematics, PerFrameSolveDoesNotAllocate) {
  const auto check = [](const Model& model) {
    const auto goals = all_markers(model);
    const IKProblem problem(model, goals, {{0, 0.1}});
    IKWorkspace ws(problem);
    std::vector<std::vector<double>> frames;
    for (int i = 0; i < 20; ++i) {
      Eigen::VectorXd truth = model.default_q();
      for (int c = 0; c < model.nq(); ++c)
        if (!model.coordinates[c].locked && model.coordinates[c].coupler < 0) truth[c] += 0.05 * std::sin(0.2 * i + c);
      apply_couplers(model, truth);
      frames.push_back(markers_at(model, goals, truth));
      frames.back()[0] += 0.01;
      if (i % 3 == 0) frames.back()[3] = kNaN;
    }
    Eigen::VectorXd q = model.default_q();
    const double target = 0.0;
    solve_ik_frame(ws, frames[0].data(), &target, q);  // warm-up
    const std::size_t before = test::allocations_on_this_thread();
    int iterations = 0;
    for (const auto& obs : frames) {
      iterations += solve_ik_frame(ws, obs.data(), &target, q).iterations;
      ik_marker_errors(ws, obs.data());
    }
    EXPECT_EQ(test::allocations_on_this_thread() - before, 0u) << model.name;
    EXPECT_GT(iterations, 0);
  };
  check(demo_model(true));
  if (std::filesystem::exists(test::reference_dir()))
    check(compile_model(io::read_osim(test::reference_dir() / "models/RajagopalLaiUhlrich2023.osim")));
}

// RajagopalLaiUhlrich2023: patella couplers, locked and clamped coordinates, 66 markers.
TEST(InverseKinematics, RecoversRajagopalPoseWithCouplersAndLockedCoordinates) {
  WEAKLINK_REQUIRE_REFERENCE();
  const Model model = compile_model(io::read_osim(test::reference_dir() / "models/RajagopalLaiUhlrich2023.osim"));
  ASSERT_FALSE(model.couplers.empty());
  std::vector<IKMarkerGoal> goals;
  for (int m = 0; m < static_cast<int>(model.markers.size()); ++m) goals.push_back({m, 1.0});
  // Coordinates no marker depends on keep their start value: the truth keeps them at default.
  std::vector<char> observable(model.nq(), 0);
  for (const auto& g : goals) {
    const int b = model.markers[g.marker].body;
    for (int k = model.support_begin[b]; k < model.support_begin[b + 1]; ++k) observable[model.support_coordinates[k]] = 1;
  }
  const IKProblem problem(model, goals, {});
  IKWorkspace ws(problem);
  Eigen::VectorXd q = model.default_q();
  for (int frame = 0; frame < 5; ++frame) {
    Eigen::VectorXd truth = model.default_q();
    for (int c = 0; c < model.nq(); ++c) {
      const Coordinate& co = model.coordinates[c];
      if (co.locked || co.coupler >= 0 || !observable[c]) continue;
      const double mid = std::clamp(co.default_value, co.range_min, co.range_max);
      double v = mid + 0.15 * std::sin(0.9 * c + 0.2 * frame);
      if (co.clamped) v = std::clamp(v, co.range_min + 0.01, co.range_max - 0.01);
      truth[c] = v;
    }
    apply_couplers(model, truth);
    const std::vector<double> obs = markers_at(model, goals, truth);
    const IKFrameStatus s = solve_ik_frame(ws, obs.data(), nullptr, q);
    EXPECT_TRUE(s.converged);
    double worst = 0;
    int worst_c = 0;
    for (int c = 0; c < model.nq(); ++c)
      if (std::abs(q[c] - truth[c]) > worst) {
        worst = std::abs(q[c] - truth[c]);
        worst_c = c;
      }
    EXPECT_LE(worst, 1e-6) << "frame " << frame << ": " << model.coordinates[worst_c].name;
    for (const auto& cp : model.couplers)
      EXPECT_DOUBLE_EQ(q[cp.dependent], cp.scale_factor * cp.function.value(q[cp.independent]));
    for (int c = 0; c < model.nq(); ++c) {
      if (model.coordinates[c].locked) {
        EXPECT_EQ(q[c], model.coordinates[c].default_value) << model.coordinates[c].name;
      }
    }
  }
}

// ---- Tool layer (src/tools/inverse_kinematics_tool.hpp) ----------------------------------------

namespace {

// A marker table (in mm) of the demo model moving through demo_pose, with noise.
io::MarkerTable demo_table(const Model& model, int frames) {
  io::MarkerTable t;
  t.units = "mm";
  t.to_meters = 0.001;
  t.data_rate = 100;
  for (const auto& m : model.markers) t.names.push_back(m.name);
  t.names.push_back("NotInModel");
  const auto goals = all_markers(model);
  t.xyz.resize(frames, 3 * static_cast<Eigen::Index>(t.names.size()));
  for (int i = 0; i < frames; ++i) {
    t.time.push_back(0.01 * i);
    t.frame.push_back(i + 1);
    const std::vector<double> x = markers_at(model, goals, demo_pose(model, 0.05 * i));
    for (std::size_t j = 0; j < x.size(); ++j) t.xyz(i, static_cast<Eigen::Index>(j)) = 1000 * x[j] + 2 * std::sin(0.37 * i + j);
    for (int a = 0; a < 3; ++a) t.xyz(i, static_cast<Eigen::Index>(x.size()) + a) = 5.0;
  }
  t.xyz(3, 0) = kNaN;  // pelvis_m0 missing in one frame
  return t;
}

}  // namespace

TEST(InverseKinematicsTool, MarkerWeightsTimeRangeAndOutputs) {
  const Model model = demo_model(false);
  const io::MarkerTable table = demo_table(model, 40);
  InverseKinematicsSettings settings;
  settings.time_start = 0.052;  // nearest row: 0.05
  settings.time_end = 0.3;
  settings.report_marker_locations = true;
  InverseKinematicsResult r = run_inverse_kinematics(model, table, settings, "demo.trc");
  ASSERT_EQ(r.coordinates.time.size(), 26u);  // rows 5..30
  EXPECT_DOUBLE_EQ(r.coordinates.time.front(), 0.05);
  EXPECT_DOUBLE_EQ(r.coordinates.time.back(), 0.30);
  EXPECT_EQ(r.markers.size(), model.markers.size());  // no tasks: every marker of the file the model has
  EXPECT_EQ(r.coordinates.name, "Coordinates");
  EXPECT_TRUE(r.coordinates.in_degrees);
  ASSERT_EQ(r.coordinates.labels.size(), static_cast<std::size_t>(model.nq()));
  for (int c = 0; c < model.nq(); ++c) EXPECT_EQ(r.coordinates.labels[c], model.coordinates[c].name);
  EXPECT_EQ(r.marker_errors.labels, (std::vector<std::string>{"total_squared_error", "marker_error_RMS", "marker_error_max"}));
  EXPECT_EQ(r.marker_locations.labels.size(), 3 * model.markers.size());
  EXPECT_EQ(r.marker_locations.labels.front(), "pelvis_m0_tx");
  EXPECT_EQ(r.worst_marker.size(), 26u);
  // Rotational coordinates in degrees, translations in metres: close to the generating pose.
  const Eigen::VectorXd truth = demo_pose(model, 0.05 * 10);
  const int knee = model.find_coordinate("knee_angle_r"), tx = model.find_coordinate("pelvis_tx");
  EXPECT_NEAR(r.coordinates.data(5, knee), truth[knee] * 180 / std::numbers::pi, 1.0);
  EXPECT_NEAR(r.coordinates.data(5, tx), truth[tx], 0.005);
  // Errors of a few millimetres (the noise), computed over metres.
  EXPECT_GT(r.marker_errors.data.col(1).minCoeff(), 1e-4);
  EXPECT_LT(r.marker_errors.data.col(2).maxCoeff(), 1e-2);

  // Tasks: only applied ones are tracked, with their weights; tasks for absent markers warn.
  settings.tasks.markers = {{"pelvis_m0", true, 2.0}, {"pelvis_m1", true, 1.0}, {"pelvis_m2", true, 1.0},
                            {"femur_r_m0", true, 1.0}, {"femur_r_m1", true, 1.0}, {"femur_r_m2", false, 1.0},
                            {"tibia_r_m0", true, 1.0}, {"tibia_r_m1", true, 0.0}, {"tibia_r_m2", true, 1.0},
                            {"NoSuchMarker", true, 1.0}, {"NotInModel", true, 1.0}};
  r = run_inverse_kinematics(model, table, settings, "demo.trc");
  EXPECT_EQ(r.markers, (std::vector<std::string>{"pelvis_m0", "pelvis_m1", "pelvis_m2", "femur_r_m0", "femur_r_m1",
                                                 "tibia_r_m0", "tibia_r_m2"}));
  std::string warnings;
  for (const auto& w : r.warnings) warnings += w + "\n";
  EXPECT_NE(warnings.find("NoSuchMarker"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("NotInModel"), std::string::npos) << warnings;
}

TEST(InverseKinematicsTool, ResultsDoNotDependOnThreadCount) {
  const Model model = demo_model(true);
  const io::MarkerTable table = demo_table(model, 50);
  InverseKinematicsSettings settings;
  settings.chunk_frames = 7;
  settings.threads = 1;
  const auto one = run_inverse_kinematics(model, table, settings);
  settings.threads = 3;
  const auto three = run_inverse_kinematics(model, table, settings);
  EXPECT_EQ(one.coordinates.data, three.coordinates.data);
  EXPECT_EQ(one.marker_errors.data, three.marker_errors.data);
  EXPECT_EQ(one.worst_marker, three.worst_marker);
}

TEST(InverseKinematicsTool, CoordinateTasksFromFileManualAndDefault) {
  const Model model = demo_model(false);
  const io::MarkerTable table = demo_table(model, 20);
  const int knee = model.find_coordinate("knee_angle_r"), tilt = model.find_coordinate("pelvis_tilt");
  const int add = model.find_coordinate("hip_adduction_r");
  io::Table coords;  // knee at −30° throughout, in degrees
  coords.labels = {"knee_angle_r"};
  coords.in_degrees = true;
  coords.data.resize(20, 1);
  for (int i = 0; i < 20; ++i) {
    coords.time.push_back(0.01 * i);
    coords.data(i, 0) = -30.0;
  }
  InverseKinematicsSettings settings;
  settings.coordinate_file = &coords;
  settings.coordinate_file_name = "coords.mot";
  // Huge weights: the tasks win over the markers.
  settings.tasks.coordinates = {{"knee_angle_r", true, 1e6, IKValueType::FromFile, 0.0},
                                {"pelvis_tilt", true, 1e6, IKValueType::ManualValue, 0.05},
                                {"hip_adduction_r", true, 1e6, IKValueType::DefaultValue, 0.0}};
  const auto r = run_inverse_kinematics(model, table, settings);
  for (Eigen::Index i = 0; i < r.coordinates.data.rows(); ++i) {
    EXPECT_NEAR(r.coordinates.data(i, knee), -30.0, 1e-3);
    EXPECT_NEAR(r.coordinates.data(i, tilt), 0.05 * 180 / std::numbers::pi, 1e-3);
    EXPECT_NEAR(r.coordinates.data(i, add), 0.0, 1e-3);
  }
  settings.coordinate_file = nullptr;
  test::expect_input_error([&] { run_inverse_kinematics(model, table, settings); },
                           {"coords.mot", "knee_angle_r", "no coordinate_file"});
}

TEST(InverseKinematicsTool, ReadsSetupsWithTaskFilesAndNamesBadElements) {
  test::TempDir dir;
  dir.write("tasks.xml",
            "<?xml version=\"1.0\"?>\n<IKTaskSet name=\"t\"><objects>\n"
            "<IKMarkerTask name=\"A\"><apply>true</apply><weight>2</weight></IKMarkerTask>\n"
            "<IKCoordinateTask name=\"knee\"><apply>true</apply><weight>5</weight><value_type>manual_value</value_type>"
            "<value>0.3</value></IKCoordinateTask>\n"
            "<IKCoordinateTask name=\"hip\"><from_file>true</from_file></IKCoordinateTask>\n"
            "</objects></IKTaskSet>\n");
  const auto setup = dir.write("setup.xml",
                               "<OpenSimDocument Version=\"30000\"><InverseKinematicsTool name=\"s1\">\n"
                               "<model_file>m.osim</model_file><marker_file> walk.trc </marker_file>\n"
                               "<IKTaskSet file=\"tasks.xml\"/><time_range>0.5 1.5</time_range>\n"
                               "<results_directory>out</results_directory><report_marker_locations>true</report_marker_locations>\n"
                               "<output_motion_file>out/ik.mot</output_motion_file><coordinate_file>Unassigned</coordinate_file>\n"
                               "</InverseKinematicsTool></OpenSimDocument>\n");
  const InverseKinematicsSetup s = read_inverse_kinematics_setup(setup);
  EXPECT_EQ(s.tool_name, "s1");
  EXPECT_EQ(s.model_file, dir.path / "m.osim");
  EXPECT_EQ(s.marker_file, dir.path / "walk.trc");
  EXPECT_TRUE(s.coordinate_file.empty());
  EXPECT_EQ(s.output_motion_file, dir.path / "out/ik.mot");
  EXPECT_EQ(s.results_directory, dir.path / "out");
  EXPECT_EQ(s.time_start, 0.5);
  EXPECT_EQ(s.time_end, 1.5);
  EXPECT_TRUE(s.report_errors);
  EXPECT_TRUE(s.report_marker_locations);
  ASSERT_EQ(s.tasks.markers.size(), 1u);
  EXPECT_EQ(s.tasks.markers[0].weight, 2.0);
  ASSERT_EQ(s.tasks.coordinates.size(), 2u);
  EXPECT_EQ(s.tasks.coordinates[0].value_type, IKValueType::ManualValue);
  EXPECT_EQ(s.tasks.coordinates[0].value, 0.3);
  EXPECT_EQ(s.tasks.coordinates[1].value_type, IKValueType::FromFile);

  const auto bad = dir.write("bad.xml",
                             "<OpenSimDocument><InverseKinematicsTool>\n<IKTaskSet><objects>\n"
                             "<IKCoordinateTask name=\"knee\">\n<value_type>sometimes</value_type></IKCoordinateTask>\n"
                             "</objects></IKTaskSet></InverseKinematicsTool></OpenSimDocument>\n");
  test::expect_input_error([&] { read_inverse_kinematics_setup(bad); }, {"bad.xml", "line 4", "value_type", "sometimes"});
  const auto range = dir.write("range.xml",
                               "<OpenSimDocument><InverseKinematicsTool>\n<time_range>1</time_range>\n"
                               "</InverseKinematicsTool></OpenSimDocument>\n");
  test::expect_input_error([&] { read_inverse_kinematics_setup(range); }, {"range.xml", "line 2", "two numbers"});
  const auto missing = dir.write("missing.xml",
                                 "<OpenSimDocument><InverseKinematicsTool>\n<IKTaskSet file=\"nope.xml\"/>\n"
                                 "</InverseKinematicsTool></OpenSimDocument>\n");
  test::expect_input_error([&] { read_inverse_kinematics_setup(missing); }, {"missing.xml", "line 2", "nope.xml"});
}

TEST(InverseKinematicsTool, MarkersFromStorageFile) {
  test::TempDir dir;
  const auto p = dir.write("m.sto",
                           "Markers\nversion=3\nDataType=Vec3\nUnits=mm\nnRows=2\nnColumns=3\nendheader\n"
                           "time\tA\tB\n0\t~[1,2,3]\t~[4,5,6]\n0.5\t~[7,8,9]\t~[NaN,NaN,NaN]\n");
  const io::MarkerTable m = read_marker_file(p);
  EXPECT_EQ(m.names, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(m.to_meters, 0.001);
  ASSERT_EQ(m.xyz.rows(), 2);
  EXPECT_EQ(m.xyz(1, 2), 9.0);
  EXPECT_TRUE(std::isnan(m.xyz(1, 3)));
}

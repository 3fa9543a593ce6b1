// Static optimization, joint reaction and the Analyze tool's inverse dynamics against OpenSim's
// own results: gait2392 walking (OpenSim 4.5 and the 4.2 tutorial outputs), arm26, SinglePin and
// DoublePendulum3D (opensim-core's standards). Setups run through `run-tool` from scratch folders.
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "io/osim_reader.hpp"
#include "io/storage.hpp"
#include "support/reference.hpp"
#include "support/scratch.hpp"
#include "tools/analyze_tool.hpp"

namespace fs = std::filesystem;
using namespace weaklink;

namespace {

// Rows of `ours` matched to rows of `ref` by time (references may cover a longer interval).
struct Matched {
  std::vector<int> ours, ref;
};
Matched match_rows(const io::Table& ours, const io::Table& ref) {
  Matched m;
  std::size_t j = 0;
  for (std::size_t i = 0; i < ours.time.size(); ++i) {
    while (j + 1 < ref.time.size() && ref.time[j] < ours.time[i] - 1e-7) ++j;
    if (std::abs(ref.time[j] - ours.time[i]) < 1e-7) {
      m.ours.push_back(static_cast<int>(i));
      m.ref.push_back(static_cast<int>(j));
    }
  }
  return m;
}

struct ColumnDiff {
  std::string label;
  double rms = 0, peak = 0;  // peak: largest |reference value|
};
std::vector<ColumnDiff> compare(const io::Table& ours, const io::Table& ref) {
  const Matched m = match_rows(ours, ref);
  EXPECT_EQ(m.ours.size(), ours.time.size()) << "rows of ours without a reference row at the same time";
  std::vector<ColumnDiff> out;
  for (std::size_t c = 0; c < ref.labels.size(); ++c) {
    const int k = ours.find_column(ref.labels[c]);
    if (k < 0) {
      ADD_FAILURE() << "column " << ref.labels[c] << " missing";
      continue;
    }
    ColumnDiff d{ref.labels[c]};
    double s = 0;
    for (std::size_t r = 0; r < m.ours.size(); ++r) {
      const double e = ours.data(m.ours[r], k) - ref.data(m.ref[r], c);
      s += e * e;
      d.peak = std::max(d.peak, std::abs(ref.data(m.ref[r], c)));
    }
    d.rms = std::sqrt(s / std::max<std::size_t>(1, m.ours.size()));
    out.push_back(d);
  }
  return out;
}

std::map<std::string, double> max_isometric_forces(const fs::path& osim) {
  const ModelSpec spec = io::read_osim(osim);
  std::map<std::string, double> f;
  for (const auto& m : spec.muscles) f[m.name] = m.params.max_isometric_force;
  return f;
}

io::Table read(const fs::path& p) {
  io::StorageReadOptions o;
  o.allow_fewer_rows = true;  // std_SinglePin says nRows=302 and has 301
  return io::read_storage(p, o);
}

// The parity bound (docs/opensim-semantics.md#static-optimization): per muscle, RMS force difference ≤ 2 % of its max isometric force.
void expect_muscle_forces_close(const io::Table& ours, const io::Table& ref, const std::map<std::string, double>& f0) {
  int muscles = 0;
  for (const auto& d : compare(ours, ref)) {
    const auto it = f0.find(d.label);
    if (it == f0.end()) continue;
    EXPECT_LE(d.rms, 0.02 * it->second) << d.label;
    ++muscles;
  }
  EXPECT_GT(muscles, 0);
}

// The parity bound: JR columns within 1 % of each column's peak magnitude (RMS).
void expect_reactions_close(const io::Table& ours, const io::Table& ref, double floor_abs) {
  for (const auto& d : compare(ours, ref)) EXPECT_LE(d.rms, std::max(0.01 * d.peak, floor_abs)) << d.label;
}

test::ScratchDir& gait_scratch(test::ScratchDir& s) {
  for (const char* f : {"gait2392_SO_weak_Residual_Actuators.xml", "foot_floor_loads.xml", "subject01_walk1_grf.mot",
                        "subject01_walk1_Kinematics.sto", "subject01_simbody_adjusted_StaticOp.osim"})
    s.link(std::string("gait2392-so-jra/") + f);
  return s;
}

}  // namespace

TEST(StaticOptimizationParity, Gait2392WalkingMatchesOpenSim45AndTheTutorialReference) {
  WEAKLINK_REQUIRE_REFERENCE();
  test::ScratchDir scratch;
  gait_scratch(scratch);
  const auto setup = scratch.link("opensim45/jr_static_optimization/setup_static_optimization.xml");
  RunToolOptions opt;
  opt.model_override = scratch.path() / "subject01_simbody_adjusted_StaticOp.osim";  // the setup names another file
  const RunToolReport r = run_tool(setup, opt);
  EXPECT_EQ(r.frames, 151);
  const fs::path out = scratch.path() / "ResultsStaticOptimization";
  const auto f0 = max_isometric_forces(scratch.path() / "subject01_simbody_adjusted_StaticOp.osim");
  const auto act = read(out / "subject01_StaticOptimization_activation.sto");
  const auto frc = read(out / "subject01_StaticOptimization_force.sto");
  for (const char* ref_dir : {"opensim45/jr_static_optimization", "gait2392-so-jra/OutputReference"}) {
    SCOPED_TRACE(ref_dir);
    const auto ref_act = read(test::reference_dir() / ref_dir / "subject01_StaticOptimization_activation.sto");
    const auto ref_frc = read(test::reference_dir() / ref_dir / "subject01_StaticOptimization_force.sto");
    EXPECT_EQ(act.labels, ref_act.labels);
    EXPECT_EQ(frc.labels, ref_frc.labels);
    for (const auto& d : compare(act, ref_act)) {
      if (f0.count(d.label)) {
        EXPECT_LE(d.rms, 0.02) << d.label;  // activations, as the forces
      } else {
        EXPECT_LE(d.rms, 0.01 * d.peak) << d.label;  // residual actuators FX..MZ
      }
    }
    expect_muscle_forces_close(frc, ref_frc, f0);
    // The external-load columns are data, interpolated the same way: equal to printing precision.
    for (const auto& d : compare(frc, ref_frc))
      if (d.label.rfind("calcn_", 0) == 0) {
        EXPECT_LE(d.rms, 1e-5 * (1 + d.peak)) << d.label;
      }
  }
  // Every frame balanced exactly, and nothing to report.
  std::ifstream feas(out / "subject01_StaticOptimization_feasibility.csv");
  std::string line;
  std::getline(feas, line);
  int rows = 0;
  while (std::getline(feas, line)) {
    ++rows;
    EXPECT_NE(line.find(",1,"), std::string::npos) << line;
  }
  EXPECT_EQ(rows, 151);
  for (const auto& w : r.warnings) EXPECT_EQ(w.find("StaticOptimization"), std::string::npos) << w;
}

TEST(JointReactionParity, Gait2392FromOpenSimForcesMatchesOpenSim45) {
  WEAKLINK_REQUIRE_REFERENCE();
  // OpenSim 4.5's own SO forces in, so that only the joint reaction itself is compared.
  test::ScratchDir scratch;
  gait_scratch(scratch);
  fs::create_directories(scratch.path() / "ResultsStaticOptimization");
  scratch.link("opensim45/jr_static_optimization/subject01_StaticOptimization_force.sto",
               "ResultsStaticOptimization/subject01_StaticOptimization_force.sto");
  const auto setup = scratch.link("opensim45/jr_joint_reaction/setup_JointReaction.xml");
  EXPECT_EQ(run_tool(setup, RunToolOptions{}).frames, 151);
  const auto ours = read(scratch.path() / "ResultsStaticOptimization/subject01_JointReaction_ReactionLoads.sto");
  const auto ref = read(test::reference_dir() / "opensim45/jr_joint_reaction/subject01_JointReaction_ReactionLoads.sto");
  EXPECT_EQ(ours.labels, ref.labels);
  // Measured: hip reaction within 0.035 N RMS of a 2525 N peak; guard at 1 %.
  expect_reactions_close(ours, ref, 1e-6);
}

TEST(JointReactionParity, Gait2392ChainedFromWeaklinkStaticOptimizationMatchesTutorialReference) {
  WEAKLINK_REQUIRE_REFERENCE();
  test::ScratchDir scratch;
  gait_scratch(scratch);
  RunToolOptions opt;
  opt.model_override = scratch.path() / "subject01_simbody_adjusted_StaticOp.osim";
  run_tool(scratch.link("opensim45/jr_static_optimization/setup_static_optimization.xml"), opt);
  EXPECT_EQ(run_tool(scratch.link("opensim45/jr_joint_reaction/setup_JointReaction.xml"), RunToolOptions{}).frames, 151);
  const auto ours = read(scratch.path() / "ResultsStaticOptimization/subject01_JointReaction_ReactionLoads.sto");
  for (const char* ref : {"gait2392-so-jra/OutputReference/subject01_JointReaction_ReactionLoads.sto",
                          "opensim45/jr_joint_reaction/subject01_JointReaction_ReactionLoads.sto"}) {
    SCOPED_TRACE(ref);
    expect_reactions_close(ours, read(test::reference_dir() / ref), 1e-6);
  }
}

TEST(StaticOptimizationParity, Arm26MatchesOpenSimStandards) {
  WEAKLINK_REQUIRE_REFERENCE();
  test::ScratchDir scratch;
  for (const char* f : {"arm26.osim", "arm26_bounds.osim", "arm26_InverseKinematics.mot"}) scratch.link(std::string("arm26/") + f);
  run_tool(scratch.link("arm26/arm26_Setup_StaticOptimization.xml"), RunToolOptions{});
  run_tool(scratch.link("arm26/arm26_bounds_Setup_StaticOptimization.xml"), RunToolOptions{});
  const fs::path out = scratch.path() / "Results";
  const fs::path ref = test::reference_dir() / "arm26";
  const auto f0 = max_isometric_forces(ref / "arm26.osim");
  const auto frc = read(out / "arm26_StaticOptimization_force.sto");
  expect_muscle_forces_close(frc, read(ref / "std_Thelen2003Muscle_arm26_StaticOptimization_force.sto"), f0);  // 4.x
  expect_muscle_forces_close(frc, read(ref / "std_arm26_StaticOptimization_force.sto"), f0);                  // older
  expect_muscle_forces_close(read(out / "arm26_bounds_StaticOptimization_force.sto"),
                             read(ref / "std_arm26_bounds_StaticOptimization_force.sto"), max_isometric_forces(ref / "arm26_bounds.osim"));
  // The activation standards are older than 4.x: their forces agree with ours (above) but their
  // unit force Fopt = force/activation differs from OpenSim 4.x's rigid-tendon Fopt by up to ~20 %
  // (BIClong), so activations differ by up to 0.023 RMS. Held to OpenSim's own test tolerance for
  // these files (0.025, opensim-reference-data.md) rather than to the 4.x-based 0.02.
  for (const auto& [ours, std] : {std::pair{"arm26_StaticOptimization_activation.sto", "std_arm26_StaticOptimization_activation.sto"},
                                  std::pair{"arm26_bounds_StaticOptimization_activation.sto", "std_arm26_bounds_StaticOptimization_activation.sto"}})
    for (const auto& d : compare(read(out / ours), read(ref / std))) EXPECT_LE(d.rms, 0.025) << std << " " << d.label;
}

TEST(InverseDynamicsParity, Arm26AnalysisMatchesOpenSimStandard) {
  WEAKLINK_REQUIRE_REFERENCE();
  test::ScratchDir scratch;
  for (const char* f : {"arm26.osim", "arm26_InverseKinematics.mot"}) scratch.link(std::string("arm26/") + f);
  EXPECT_EQ(run_tool(scratch.link("arm26/arm26_Setup_InverseDynamics.xml"), RunToolOptions{}).frames, 121);
  // The parity bound: RMS ≤ 0.5 N·m. Measured 1.4e-4 N·m.
  for (const auto& d : compare(read(scratch.path() / "Results/arm26_InverseDynamics.sto"),
                               read(test::reference_dir() / "arm26/std_arm26_InverseDynamics.sto")))
    EXPECT_LE(d.rms, 0.5) << d.label;
}

TEST(JointReactionParity, SinglePinAndDoublePendulumMatchOpenSimStandards) {
  WEAKLINK_REQUIRE_REFERENCE();
  test::ScratchDir scratch;
  for (const char* f : {"SinglePin.osim", "SinglePin_states.sto", "DoublePendulum3D.osim", "DoublePendulum3D_states.sto"})
    scratch.link(std::string("arm26/") + f);
  run_tool(scratch.link("arm26/SinglePin_Setup_JointReaction.xml"), RunToolOptions{});
  expect_reactions_close(read(scratch.path() / "SinglePin_JointReaction_ReactionLoads.sto"),
                         read(test::reference_dir() / "arm26/std_SinglePin_JointReaction_ReactionLoads.sto"), 1e-9);
  // The shipped DoublePendulum3D setup names a coordinates file that is not distributed; its
  // states file is. Run the same setup pointed at the states file.
  std::ifstream in(test::reference_dir() / "arm26/DoublePendulum3D_Setup_JointReaction.xml");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string xml = std::regex_replace(ss.str(), std::regex("<states_file>\\s*</states_file>"), "<states_file>DoublePendulum3D_states.sto</states_file>");
  xml = std::regex_replace(xml, std::regex("<coordinates_file>[^<]*</coordinates_file>"), "<coordinates_file></coordinates_file>");
  std::ofstream(scratch.path() / "dp_setup.xml") << xml;
  EXPECT_EQ(run_tool(scratch.path() / "dp_setup.xml", RunToolOptions{}).frames, 302);
  expect_reactions_close(read(scratch.path() / "DoublePendulum3D_JointReaction_ReactionLoads.sto"),
                         read(test::reference_dir() / "arm26/std_DoublePendulum3D_JointReaction_ReactionLoads.sto"), 1e-9);
}

// Inverse kinematics parity with OpenSim, through `run-tool` on the setups as shipped:
//  1. OpenSim's own IK regression test (gait2354-ik/, synthetic markers): every coordinate within
//     0.2 (degrees or metres) of std_subject01_walk1_ik.mot at every frame (OpenSim's tolerance).
//  2. OpenSim 4.5's run of opensim45/g2392_ik (real markers, gait2392): rotations within 0.1° RMS,
//     translations within 0.5 mm RMS, marker errors within 0.5 mm.
// Reference files are read in place; nothing is copied.
#include <algorithm>
#include <cmath>
#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <sys/wait.h>

#include <gtest/gtest.h>

#include "io/osim_reader.hpp"
#include "io/storage.hpp"
#include "support/compare.hpp"
#include "support/reference.hpp"
#include "support/scratch.hpp"
#include "tools/inverse_kinematics_tool.hpp"

using namespace weaklink;

namespace {

bool is_translation(const Model& model, const std::string& label) {
  const int c = model.find_coordinate(label);
  return c >= 0 && model.coordinates[c].motion_type != MotionType::Rotational;
}

}  // namespace

TEST(InverseKinematicsParity, OpenSimRegressionGait2354) {
  WEAKLINK_REQUIRE_REFERENCE();
  test::ScratchDir scratch;
  for (const char* f : {"subject01_Setup_InverseKinematics.xml", "gait2354_IK_Tasks_uniform.xml", "subject01_simbody.osim",
                        "subject01_synthetic_marker_data.trc"})
    scratch.link(std::string("gait2354-ik/") + f);
  const RunToolReport r = run_inverse_kinematics_tool(scratch.path() / "subject01_Setup_InverseKinematics.xml", RunToolOptions{});
  EXPECT_EQ(r.frames, 73);
  const auto expected = io::read_storage(test::reference_dir() / "gait2354-ik/std_subject01_walk1_ik.mot");
  const auto actual = io::read_storage(scratch.path() / "subject01_walk1_ik_test.mot");
  EXPECT_TRUE(std::filesystem::exists(scratch.path() / "subject01_ik_model_marker_locations.sto"));
  ASSERT_EQ(expected.time.size(), actual.time.size());
  double worst = 0, worst_rms = 0;
  std::string worst_label;
  for (std::size_t c = 0; c < expected.labels.size(); ++c) {
    const int k = actual.find_column(expected.labels[c]);
    ASSERT_GE(k, 0) << expected.labels[c];
    double s = 0;
    for (std::size_t i = 0; i < expected.time.size(); ++i) {
      EXPECT_NEAR(expected.time[i], actual.time[i], 1e-9);
      const double d = std::abs(expected.data(i, c) - actual.data(i, k));
      EXPECT_LE(d, 0.2) << expected.labels[c] << " at t=" << expected.time[i];
      s += d * d;
      if (d > worst) {
        worst = d;
        worst_label = expected.labels[c];
      }
    }
    worst_rms = std::max(worst_rms, std::sqrt(s / static_cast<double>(expected.time.size())));
  }
  std::printf("[ gait2354 ] largest difference %.6g (%s), largest column RMS %.6g\n", worst, worst_label.c_str(), worst_rms);
}

TEST(InverseKinematicsParity, Gait2392WalkingMatchesOpenSim45) {
  WEAKLINK_REQUIRE_REFERENCE();
  test::ScratchDir scratch;
  const auto setup = scratch.link("opensim45/g2392_ik/subject01_Setup_IK.xml");
  scratch.link("gait2392-ik-id/subject01_walk1.trc");
  scratch.link("gait2392-ik-id/OutputReference/subject01_simbody.osim");
  const RunToolReport r = run_inverse_kinematics_tool(setup, RunToolOptions{});
  EXPECT_EQ(r.frames, 121);
  const auto expected = io::read_storage(test::reference_dir() / "opensim45/g2392_ik/subject01_walk1_ik.mot");
  const auto actual = io::read_storage(scratch.path() / "ResultsIK/subject01_walk1_ik.mot");
  // Same layout as OpenSim's file: every coordinate in CoordinateSet order, degrees.
  EXPECT_EQ(expected.labels, actual.labels);
  EXPECT_EQ(expected.name, actual.name);
  EXPECT_EQ(expected.in_degrees, actual.in_degrees);
  const Model model = compile_model(io::read_osim(test::reference_dir() / "gait2392-ik-id/OutputReference/subject01_simbody.osim"));
  double worst_rot = 0, worst_trans = 0, max_rot = 0;
  for (const auto& [label, rms] : test::column_rms(expected, actual)) {
    if (is_translation(model, label)) {
      EXPECT_LE(rms, 0.5e-3) << label;
      worst_trans = std::max(worst_trans, rms);
    } else {
      EXPECT_LE(rms, 0.1) << label;
      worst_rot = std::max(worst_rot, rms);
    }
  }
  std::string where;
  max_rot = test::max_abs_difference(expected, actual, &where);
  std::printf("[ gait2392 ] RMS rotations %.6g deg, translations %.6g m; largest difference %.6g (%s)\n", worst_rot,
              worst_trans, max_rot, where.c_str());

  const auto expected_err = io::read_storage(test::reference_dir() / "opensim45/g2392_ik/subject01_ik_marker_errors.sto");
  const auto actual_err = io::read_storage(scratch.path() / "ResultsIK/subject01_ik_marker_errors.sto");
  EXPECT_EQ(expected_err.labels, actual_err.labels);
  EXPECT_EQ(expected_err.name, actual_err.name);
  for (const auto& label : {"marker_error_RMS", "marker_error_max"}) {
    io::Table e = expected_err, a = actual_err;
    const int ce = e.find_column(label), ca = a.find_column(label);
    ASSERT_GE(ce, 0);
    ASSERT_GE(ca, 0);
    double worst_err = 0;
    for (std::size_t i = 0; i < e.time.size() && i < a.time.size(); ++i)
      worst_err = std::max(worst_err, std::abs(e.data(i, ce) - a.data(i, ca)));
    EXPECT_LE(worst_err, 0.5e-3) << label;
    std::printf("[ gait2392 ] %s largest difference %.6g m\n", label, worst_err);
  }
  const int ct = expected_err.find_column("total_squared_error");
  double worst_total = 0;
  for (std::size_t i = 0; i < expected_err.time.size() && i < actual_err.time.size(); ++i)
    worst_total = std::max(worst_total, std::abs(expected_err.data(i, ct) - actual_err.data(i, ct)));
  std::printf("[ gait2392 ] total_squared_error largest difference %.6g m^2\n", worst_total);
}

// `weaklink ik` on the regression data without a setup: every marker of the file, weight 1.
TEST(InverseKinematicsParity, CliIkWithoutSetup) {
  WEAKLINK_REQUIRE_REFERENCE();
  test::ScratchDir scratch;
  const auto run = [](const std::string& args, std::string* out) {
    const std::string cmd = std::string("\"") + WEAKLINK_CLI_PATH + "\" " + args + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return -1;
    std::array<char, 4096> buf{};
    while (fgets(buf.data(), buf.size(), p)) *out += buf.data();
    const int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  const auto dir = test::reference_dir() / "gait2354-ik";
  const auto mot = scratch.path() / "walk_ik.mot";
  std::string out;
  EXPECT_EQ(run("ik --model \"" + (dir / "subject01_simbody.osim").string() + "\" --markers \"" +
                    (dir / "subject01_synthetic_marker_data.trc").string() + "\" -o \"" + mot.string() + "\" --threads 2",
                &out),
            0)
      << out;
  EXPECT_NE(out.find("73 frames solved"), std::string::npos) << out;
  const auto table = io::read_storage(mot);
  EXPECT_EQ(table.time.size(), 73u);
  EXPECT_TRUE(std::filesystem::exists(scratch.path() / "subject01_synthetic_marker_data_ik_marker_errors.sto"));
  // Both outputs were checked for non-finite numbers and say so first in their headers.
  for (const auto& f : {mot, scratch.path() / "subject01_synthetic_marker_data_ik_marker_errors.sto"}) {
    std::ifstream in(f);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find("\nvalid=true\n"), std::string::npos) << f;
  }
  out.clear();
  EXPECT_EQ(run("ik --model x.osim", &out), 2) << out;  // no markers, no setup: usage
  out.clear();
  EXPECT_EQ(run("ik --model \"" + (dir / "subject01_simbody.osim").string() + "\" --markers nope.trc", &out), 1) << out;
  EXPECT_NE(out.find("nope.trc"), std::string::npos) << out;
}

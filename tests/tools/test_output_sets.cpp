// Output sets end to end: a run killed at any step of writing, or stopped by a full disk, leaves its
// output folder with exactly one complete set (the old or the new); an unusable output folder is
// refused before any computation. The kill and the full disk come from io::OutputSet's test-only
// fault injection (WEAKLINK_TEST_KILL_AT_OUTPUT_STEP / WEAKLINK_TEST_ENOSPC_AT_OUTPUT_STEP) and, when
// the test may mount one, a real 64 KiB tmpfs.
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "support/cli.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;

namespace {

// The environment first, as the tests below read best ("kill at step N", then the command).
weaklink::test::CliResult run_cli(const std::string& env, const std::string& args) { return weaklink::test::run_cli(args, env); }

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every file of a folder by name, weaklink's hidden staging and commit folders left out.
using Snapshot = std::map<std::string, std::string>;
Snapshot snapshot(const fs::path& dir) {
  Snapshot s;
  if (!fs::exists(dir)) return s;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string n = e.path().filename().string();
    if (n.rfind(".weaklink-staging-", 0) == 0 || n.rfind(".weaklink-commit-", 0) == 0) continue;
    s[n] = e.is_regular_file() ? slurp(e.path()) : std::string("<not a file>");
  }
  return s;
}

bool has_commit_folder(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind(".weaklink-commit-", 0) == 0) return true;
  return false;
}

void restore(const fs::path& dir, const Snapshot& s) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& [name, text] : s) std::ofstream(dir / name, std::ios::binary) << text;
}

std::string kill_at(int step) { return "WEAKLINK_TEST_KILL_AT_OUTPUT_STEP=" + std::to_string(step); }

fs::path source(const std::string& rel) { return weaklink::test::source_dir() / rel; }

// Runs `args` (writing into `dir`) killed at step 1, 2, ... until a run completes. After every
// kill the folder must hold the old set or the new one; a kill among a shared folder's final
// renames leaves a commit folder, which the next run completes before anything else.
void kill_at_every_step(const fs::path& dir, const std::string& args, const Snapshot& old_set, const Snapshot& new_set) {
  ASSERT_NE(old_set, new_set);
  int steps = 0, old_seen = 0, new_seen = 0;
  for (int n = 1; n <= 40; ++n) {
    restore(dir, old_set);
    const weaklink::test::CliResult r = run_cli(kill_at(n), args);
    if (!r.killed) {
      ASSERT_EQ(r.code, 0) << r.output;
      EXPECT_EQ(snapshot(dir), new_set);
      steps = n - 1;
      break;
    }
    Snapshot now = snapshot(dir);
    if (now != old_set && now != new_set && has_commit_folder(dir)) {
      run_cli(kill_at(1), args);  // the next run completes the commit, then dies at its first write
      now = snapshot(dir);
    }
    if (now == old_set) ++old_seen;
    else if (now == new_set) ++new_seen;
    else ADD_FAILURE() << "killed at step " << n << ": the folder holds neither the old nor the new set";
  }
  EXPECT_GT(steps, 2) << "the loop must reach a run that completes";
  EXPECT_GT(old_seen, 0);
  EXPECT_GT(new_seen, 0);
  for (const auto& e : fs::directory_iterator(dir)) {  // the completed run removed what killed runs left
    const std::string n = e.path().filename().string();
    EXPECT_TRUE(n.rfind(".weaklink-staging-", 0) != 0 && n.rfind(".weaklink-commit-", 0) != 0 && n.find(".tmp-") == std::string::npos)
        << n;
  }
}

}  // namespace

TEST(OutputSets, SimulateKilledAtEveryStepLeavesOneCompleteSet) {
  weaklink::test::ScratchDir scratch;
  const fs::path dir = scratch.path() / "shared";
  ASSERT_EQ(run_cli("", "simulate standing -o " + dir.string()).code, 0);
  std::ofstream(dir / "notes.txt") << "the user's own file";  // simulate's folder is shared
  const Snapshot old_set = snapshot(dir);
  const fs::path ref = scratch.path() / "reference";
  fs::create_directories(ref);
  std::ofstream(ref / "notes.txt") << "the user's own file";
  ASSERT_EQ(run_cli("", "simulate standing --mass 90 -o " + ref.string()).code, 0);
  kill_at_every_step(dir, "simulate standing --mass 90 -o " + dir.string(), old_set, snapshot(ref));
}

TEST(OutputSets, AnalyzeKilledAtEveryStepLeavesOneCompleteSet) {
  weaklink::test::ScratchDir scratch;
  const std::string inputs = "analyze --model " + source("data/models/weaklink_demo_leg.osim").string() + " --motion " +
                             source("tests/data/catalogue/helper_motion.mot").string();
  const fs::path dir = scratch.path() / "results", ref = scratch.path() / "reference";
  ASSERT_EQ(run_cli("", inputs + " -o " + dir.string()).code, 0);
  ASSERT_EQ(run_cli("", inputs + " --step 2 -o " + ref.string()).code, 0);
  kill_at_every_step(dir, inputs + " --step 2 -o " + dir.string(), snapshot(dir), snapshot(ref));
  int siblings = 0;  // no staging folder left beside the results folder
  for (const auto& e : fs::directory_iterator(scratch.path())) siblings += e.path().filename().string()[0] == '.' ? 1 : 0;
  EXPECT_EQ(siblings, 0);
}

TEST(OutputSets, AssessKilledBeforeTheSwapKeepsTheOldReport) {
  weaklink::test::ScratchDir scratch;
  const fs::path dir = scratch.path() / "report";
  fs::create_directories(dir);
  for (const char* f : {"report.html", "report.json", "activities.csv", "loads.csv", "weak_links.csv", "utilisation.csv", "compensations.csv"})
    std::ofstream(dir / f) << "old client";
  const Snapshot old_set = snapshot(dir);
  // Steps: 7 files, the folder's marker, then the swap: step 9 is the last moment before it.
  const weaklink::test::CliResult r = run_cli(kill_at(9), "assess --demo -o " + dir.string());
  ASSERT_TRUE(r.killed) << r.output;
  EXPECT_EQ(snapshot(dir), old_set);
}

TEST(OutputSets, AFullDiskLeavesTheOldSetAndNoTemporaries) {
  weaklink::test::ScratchDir scratch;
  const fs::path dir = scratch.path() / "sim";
  fs::create_directories(dir);
  std::ofstream(dir / "standing_joint_loads.sto") << "old";
  const Snapshot old_set = snapshot(dir);
  // The disk fills at the third file (fault injection: works on every machine).
  weaklink::test::CliResult r = run_cli("WEAKLINK_TEST_ENOSPC_AT_OUTPUT_STEP=3", "simulate standing -o " + dir.string());
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("No space left on device"), std::string::npos) << r.output;
  EXPECT_EQ(snapshot(dir), old_set);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}), 1) << "the staging folder was removed";

  // A real 64 KiB file system, where mounting one is allowed (root with CAP_SYS_ADMIN).
  const fs::path small = scratch.path() / "small";
  fs::create_directories(small);
  if (::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=64k") != 0) GTEST_SKIP() << "cannot mount a tmpfs here";
  restore(small / "sim", old_set);
  r = run_cli("", "simulate standing -o " + (small / "sim").string());
  const Snapshot after = snapshot(small / "sim");
  const auto left = std::distance(fs::directory_iterator(small / "sim"), fs::directory_iterator{});
  ::umount2(small.c_str(), MNT_DETACH);
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("No space left on device"), std::string::npos) << r.output;
  EXPECT_EQ(after, old_set);
  EXPECT_EQ(left, 1);
}

TEST(OutputSets, UnusableOutputFoldersAreRefusedBeforeComputing) {
  weaklink::test::ScratchDir scratch;
  const fs::path file = scratch.path() / "a_file";
  std::ofstream(file) << "x";
  fs::create_symlink(scratch.path() / "nowhere", scratch.path() / "dangling");
  const std::string demo = source("data/models/weaklink_demo_leg.osim").string();
  const std::string catalogue = source("tests/data/catalogue").string();
  struct Case {
    std::string args, expect, computed;  // `computed`: what only a finished computation prints
  };
  const Case cases[] = {
      {"assess --demo -o " + file.string(), "it is a file", "weaklink assessment:"},
      {"assess --demo -o ''", "empty path", "weaklink assessment:"},
      {"simulate standing -o /dev/null", "it is a device", "peak L5/S1"},
      {"analyze --model " + demo + " --motion " + catalogue + "/helper_motion.mot -o " + (scratch.path() / "dangling").string(),
       "which does not exist", "frames analysed"},
      {"run-tool " + catalogue + "/setup_id_tool_degrees_as_radians.xml --results-dir " + (file / "sub").string(),
       "cannot create the output folder", "frames analysed"},
      {"ik --model " + demo + " --markers " + catalogue + "/helper_markers.trc -o " + (file / "ik.mot").string(),
       "it is a file", "frames solved"},
      {"model generic --height 1.7 --mass 70 --sex female -o " + scratch.path().string(), "not a folder", "wrote"},
  };
  for (const auto& c : cases) {
    const weaklink::test::CliResult r = run_cli("", c.args);
    EXPECT_EQ(r.code, 1) << c.args << "\n" << r.output;
    EXPECT_EQ(r.output.rfind("error: ", 0), 0u) << r.output;
    EXPECT_NE(r.output.find(c.expect), std::string::npos) << c.args << "\n" << r.output;
    EXPECT_EQ(r.output.find(c.computed), std::string::npos) << "computed before refusing: " << r.output;
  }
}

// A whole-folder set (analyze -o, assess -o) replaces its folder, so a folder without weaklink's
// marker is taken for an earlier set only when every file has exactly a name that set writes:
// an OpenSim results folder of .sto files, or a user's my_loads.csv, is never swapped out.
TEST(OutputSets, AnalyzeAndAssessRefuseFoldersWithFilesNamedLikeTheirs) {
  weaklink::test::ScratchDir scratch;
  const std::string analyze = "analyze --model " + source("data/models/weaklink_demo_leg.osim").string() + " --motion " +
                              source("tests/data/catalogue/helper_motion.mot").string() + " -o ";
  struct Case {
    std::string args, file, refused_name, computed;
  };
  const fs::path opensim = scratch.path() / "opensim_results", half = scratch.path() / "half", mine = scratch.path() / "mine";
  const Case cases[] = {
      // OpenSim's own results: a .sto that is no file of analyze's set.
      {analyze + opensim.string(), "inverse_dynamics.sto", "inverse_dynamics.sto", "frames analysed"},
      {analyze + opensim.string(), "subject01_StaticOptimization_force.sto", "subject01_StaticOptimization_force.sto", "frames analysed"},
      // One of analyze's names but not its feasibility table: not a set weaklink wrote.
      {analyze + half.string(), "weaklink_demo_leg_inverse_dynamics.sto", "weaklink_demo_leg_feasibility.csv", "frames analysed"},
      {"assess --demo -o " + mine.string(), "my_loads.csv", "my_loads.csv", "weaklink assessment:"},
      {"assess --demo -o " + mine.string(), "old_report.json", "old_report.json", "weaklink assessment:"},
  };
  for (const auto& c : cases) {
    const fs::path dir = c.args.substr(c.args.rfind(' ') + 1);
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / c.file) << "the user's file";
    const weaklink::test::CliResult r = run_cli("", c.args);
    EXPECT_EQ(r.code, 1) << c.args << "\n" << r.output;
    EXPECT_EQ(r.output.rfind("error: ", 0), 0u) << r.output;
    EXPECT_NE(r.output.find("'" + c.refused_name + "'"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("replaces its output folder as a whole"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find(c.computed), std::string::npos) << "computed before refusing: " << r.output;
    EXPECT_EQ(slurp(dir / c.file), "the user's file");
    int entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
    EXPECT_EQ(entries, 1) << "the folder is left as it was";
  }
  // A folder of a weaklink version before the marker (analyze's exact names, feasibility among
  // them) is still replaced.
  const fs::path earlier = scratch.path() / "earlier";
  fs::create_directories(earlier);
  std::ofstream(earlier / "weaklink_demo_leg_inverse_dynamics.sto") << "old";
  std::ofstream(earlier / "weaklink_demo_leg_feasibility.csv") << "old";
  const weaklink::test::CliResult r = run_cli("", analyze + earlier.string());
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(slurp(earlier / "weaklink_demo_leg_inverse_dynamics.sto"), "old");
  EXPECT_TRUE(fs::exists(earlier / ".weaklink-output"));
}

// `ik --setup S --results-dir R` and `run-tool S --results-dir R`: every output lands inside R,
// the setup's output_motion_file (here in a folder elsewhere) keeping only its file name.
TEST(OutputSets, IkSetupWithResultsDirWritesTheMotionInsideIt) {
  weaklink::test::ScratchDir scratch;
  const fs::path outside = scratch.path() / "outside", setup = scratch.path() / "ik_setup.xml";
  std::ofstream(setup) << "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<OpenSimDocument Version=\"40000\">\n"
                          "  <InverseKinematicsTool name=\"ik\">\n"
                       << "    <model_file>" << source("data/models/weaklink_demo_leg.osim").string() << "</model_file>\n"
                       << "    <marker_file>" << source("tests/data/catalogue/helper_markers.trc").string() << "</marker_file>\n"
                       << "    <results_directory>results</results_directory>\n"
                       << "    <output_motion_file>" << (outside / "walk_ik.mot").string() << "</output_motion_file>\n"
                       << "  </InverseKinematicsTool>\n</OpenSimDocument>\n";
  for (const std::string command : {"ik --setup ", "run-tool "}) {
    const fs::path results = scratch.path() / ("R_" + command.substr(0, command.find(' ')));
    const weaklink::test::CliResult r = run_cli("", command + setup.string() + " --results-dir " + results.string());
    ASSERT_EQ(r.code, 0) << command << "\n" << r.output;
    EXPECT_TRUE(fs::exists(results / "walk_ik.mot")) << r.output;
    EXPECT_TRUE(fs::exists(results / "ik_ik_marker_errors.sto")) << r.output;
    EXPECT_FALSE(fs::exists(outside)) << command << " wrote outside --results-dir";
    EXPECT_FALSE(fs::exists(scratch.path() / "results")) << command << " used the setup's results_directory";
  }
}

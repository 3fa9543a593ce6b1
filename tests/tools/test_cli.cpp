// The weaklink CLI: exit codes (0 ok, 1 bad input, 2 usage) and error messages that name the file,
// the line or element and what was expected, for a catalogue of broken files.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "io/storage.hpp"

#include "support/cli.hpp"
#include "support/reference.hpp"

namespace fs = std::filesystem;

namespace {

using weaklink::test::CliResult;
using weaklink::test::run_cli;

std::string bad(const std::string& name) { return (weaklink::test::source_dir() / "tests/data/bad" / name).string(); }

}  // namespace

TEST(Cli, VersionHelpAndUsage) {
  EXPECT_EQ(run_cli("--version").code, 0);
  const CliResult help = run_cli("--help");
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.output.find("run-tool"), std::string::npos);
  EXPECT_EQ(run_cli("").code, 2);                    // a subcommand is required
  EXPECT_EQ(run_cli("no-such-command").code, 2);
  EXPECT_EQ(run_cli("model info").code, 2);          // missing MODEL
}

TEST(Cli, ModelInfoOnTheProjectsDemoModel) {
  const CliResult r = run_cli("model info " + (weaklink::test::source_dir() / "data/models/weaklink_demo_leg.osim").string());
  EXPECT_EQ(r.code, 0) << r.output;
  for (const char* s : {"hip_flexion_r", "knee_angle_r", "vas_med_demo_r", "PinJoint", "warnings: none"})
    EXPECT_NE(r.output.find(s), std::string::npos) << s;
}

TEST(Cli, ModelInfoReportsWhatIsNotModelled) {
  WEAKLINK_REQUIRE_REFERENCE();
  // gait2392 has a ProbeSet/ComponentSet; the tutorial model has residual actuators: all listed.
  const CliResult r = run_cli("model info " + (weaklink::test::reference_dir() / "models/RajagopalLaiUhlrich2023.osim").string());
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("coupled-to:knee_angle_r"), std::string::npos);
  EXPECT_NE(r.output.find("muscles (80)"), std::string::npos);
}

struct BadCase {
  const char* command;
  const char* file;
  const char* expect;  // part of the message that says where and what was expected
};

TEST(Cli, BrokenFilesGiveClearErrorsAndExitCode1) {
  const BadCase cases[] = {
      {"model info", "truncated.osim", "malformed XML"},
      {"model info", "unknown_joint_type.osim", "line 86 <BananaJoint name=\"knee_r\">: unknown joint type"},
      {"model info", "socket_to_missing_body.osim", "'/bodyset/tibia_missing' names no body or frame"},
      {"model info", "nan_in_spline.osim", "<SimmSpline>: spline knot is not a finite number"},
      {"model info", "negative_mass.osim", "expected a finite, non-negative <mass>"},
      {"model info", "duplicate_body.osim", "duplicate body name 'femur_r'"},
      {"model info", "empty.osim", "file is empty"},
      {"model info", "does_not_exist.osim", "not found"},
      {"data info", "wrong_column_count.trc", "line 8: expected 8 fields"},
      {"data info", "no_endheader.sto", "endheader"},
  };
  for (const auto& c : cases) {
    const CliResult r = run_cli(std::string(c.command) + " " + bad(c.file));
    EXPECT_EQ(r.code, 1) << c.file << ": " << r.output;
    EXPECT_NE(r.output.find(c.file), std::string::npos) << "message must name the file: " << r.output;
    EXPECT_NE(r.output.find(c.expect), std::string::npos) << c.file << ": " << r.output;
  }
}

TEST(Cli, RunToolRejectsBadSetupsClearly) {
  const fs::path dir = fs::temp_directory_path() / "weaklink_cli_setup";
  fs::create_directories(dir);
  const fs::path setup = dir / "setup.xml";
  FILE* f = std::fopen(setup.c_str(), "w");
  std::fputs("<OpenSimDocument Version=\"40000\"><AnalyzeTool name=\"x\"><model_file>missing.osim</model_file>"
             "</AnalyzeTool></OpenSimDocument>", f);
  std::fclose(f);
  const CliResult r = run_cli("run-tool " + setup.string());
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("missing.osim"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--model"), std::string::npos) << r.output;
  fs::remove_all(dir);
}

TEST(Cli, AnalyzeRunsTheWalkingTrialAndRejectsBadInput) {
  // Usage errors and bad files first (no reference needed).
  EXPECT_EQ(run_cli("analyze --model x.osim").code, 2);  // --motion is required
  const std::string demo = (weaklink::test::source_dir() / "data/models/weaklink_demo_leg.osim").string();
  const CliResult missing = run_cli("analyze --model " + demo + " --motion no_such_motion.mot -o /tmp/weaklink_cli_analyze_none");
  EXPECT_EQ(missing.code, 1) << missing.output;
  EXPECT_NE(missing.output.find("no_such_motion.mot"), std::string::npos) << missing.output;
  EXPECT_FALSE(fs::exists("/tmp/weaklink_cli_analyze_none/weaklink_demo_leg_lumbar_loads.sto"));

  WEAKLINK_REQUIRE_REFERENCE();
  const fs::path d = weaklink::test::reference_dir() / "gait2392-so-jra";
  const fs::path out = fs::temp_directory_path() / ("weaklink_cli_analyze_" + std::to_string(getpid()));
  const CliResult ok = run_cli("analyze --model " + (d / "subject01_simbody_adjusted_StaticOp.osim").string() + " --motion " +
                            (d / "subject01_walk1_Kinematics.sto").string() + " --external-loads " +
                            (d / "foot_floor_loads.xml").string() + " --reserves " +
                            (d / "gait2392_SO_weak_Residual_Actuators.xml").string() + " --step 100 --threads 2 -o " + out.string());
  EXPECT_EQ(ok.code, 0) << ok.output;
  EXPECT_NE(ok.output.find("frames analysed"), std::string::npos);
  EXPECT_EQ(ok.output.find("static optimization"), std::string::npos) << "no feasibility warning expected: " << ok.output;
  for (const char* f : {"subject01_inverse_dynamics.sto", "subject01_StaticOptimization_activation.sto",
                        "subject01_StaticOptimization_force.sto", "subject01_JointReaction_ReactionLoads.sto",
                        "subject01_lumbar_loads.sto", "subject01_feasibility.csv"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  fs::remove_all(out);
}

TEST(Cli, SimulateWritesTheActivityResultsAndRefusesBadInput) {
  const auto dir = fs::temp_directory_path() / ("weaklink-cli-simulate-" + std::to_string(::getpid()));
  CliResult r = run_cli("activities");
  EXPECT_EQ(r.code, 0) << r.output;
  for (const char* name : {"standing", "sit_to_stand", "walking", "hip_bridge", "clamshell", "leg_press", "step_up"})
    EXPECT_NE(r.output.find(name), std::string::npos) << name;
  r = run_cli("simulate squat --height 1.80 --mass 80 --sex male --param depth=70 -o " + dir.string());
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("L5/S1 compression"), std::string::npos) << r.output;
  for (const char* file : {"kinematics.mot", "contact_forces.sto", "activations.sto", "muscle_forces.sto", "reserves.sto", "joint_loads.sto"}) {
    const auto path = dir / (std::string("squat_") + file);
    EXPECT_TRUE(fs::exists(path)) << path;
    if (fs::exists(path)) {
      EXPECT_NO_THROW(weaklink::io::read_storage(path)) << path;
    }
  }
  r = run_cli("simulate yoga -o " + dir.string());
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("known:"), std::string::npos) << r.output;
  r = run_cli("simulate squat --param depth=300 -o " + dir.string());
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("between 20 and 130"), std::string::npos) << r.output;
  fs::remove_all(dir);
}

TEST(Cli, GenericModelIsBuiltPersonalisedAndExported) {
  const auto dir = fs::temp_directory_path() / ("weaklink-cli-generic-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto out = dir / "client.osim";
  CliResult r = run_cli("model generic --height 1.70 --mass 65 --sex female --age 35 -o " + out.string());
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("124 muscles"), std::string::npos) << r.output;
  r = run_cli("model info " + out.string());
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("piriformis_r"), std::string::npos);
  EXPECT_NE(r.output.find("warnings: none"), std::string::npos) << r.output;

  const auto strength = dir / "strength.json";
  std::ofstream(strength) << R"({"tests": [{"measure": "hip_abduction", "side": "right", "torque_Nm": 70},
                                          {"group": "vastus medialis", "side": "left", "percent_of_baseline": 50}]})";
  r = run_cli("model generic --height 1.70 --mass 65 --sex female --strength " + strength.string() + " -o " + out.string());
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("hip abductors"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("-> 70.0"), std::string::npos) << r.output;

  r = run_cli("model generic --height 1.70 --mass 65 --sex robot -o " + out.string());
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("female' or 'male"), std::string::npos) << r.output;
  r = run_cli("model generic --height 17 --mass 65 --sex male -o " + out.string());
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("height"), std::string::npos) << r.output;
  std::ofstream(strength) << R"({"tests": [{"measure": "hip_abduction", "torque_Nm": 70,)";
  r = run_cli("model generic --height 1.70 --mass 65 --sex male --strength " + strength.string() + " -o " + out.string());
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("strength.json"), std::string::npos) << r.output;
  fs::remove_all(dir);
}

TEST(Cli, AssessDemoWritesTheReportAndBadClientFilesNameTheField) {
  const auto dir = fs::temp_directory_path() / ("weaklink-cli-assess-" + std::to_string(::getpid()));
  CliResult r = run_cli("assess --demo -o " + (dir / "demo").string());
  EXPECT_EQ(r.code, 0) << r.output;
  for (const char* text : {"peak L5/S1", "weak links", "sit-to-stand", "walking", "lifting (squat)", "NIOSH action limit"})
    EXPECT_NE(r.output.find(text), std::string::npos) << text << "\n" << r.output;
  for (const char* file : {"report.json", "report.html", "activities.csv", "loads.csv", "weak_links.csv", "utilisation.csv", "compensations.csv"})
    EXPECT_TRUE(fs::exists(dir / "demo" / file)) << file;

  // The demo client's file is the template for a user's own; it round-trips through the reader.
  r = run_cli("assess --print-demo-client");
  ASSERT_EQ(r.code, 0) << r.output;
  fs::create_directories(dir);
  std::string text = r.output;
  {  // one activity keeps the second run short
    std::string one = text;
    const auto list = one.find("\"activities\"");
    ASSERT_NE(list, std::string::npos);
    one.replace(list, one.find(']', list) + 1 - list, "\"activities\": [\"standing\"]");
    std::ofstream(dir / "client.json") << one;
  }
  r = run_cli("assess " + (dir / "client.json").string() + " -o " + (dir / "mine").string());
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir / "mine" / "report.html"));

  // Missing mass: exit 1, the file and the field named, nothing written.
  const auto at = text.find("\"mass_kg\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, std::string("\"mass_kg\"").size(), "\"weight_lb\"");
  {
    std::ofstream(dir / "bad.json") << text;
  }
  r = run_cli("assess " + (dir / "bad.json").string() + " -o " + (dir / "bad").string());
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("bad.json"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("weight_lb"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "bad" / "report.json"));
  r = run_cli("assess -o " + (dir / "none").string());
  EXPECT_EQ(r.code, 1) << r.output;
  fs::remove_all(dir);
}

TEST(CliParity, WeaknessOnGait2392Walking) {
  WEAKLINK_REQUIRE_REFERENCE();
  const auto ref = weaklink::test::reference_dir() / "gait2392-so-jra";
  const auto dir = fs::temp_directory_path() / ("weaklink-cli-weakness-" + std::to_string(::getpid()));
  CliResult r = run_cli("weakness --setup " + (ref / "setup_static_optimization.xml").string() + " --model " +
                     (ref / "subject01_simbody_adjusted_StaticOp.osim").string() +
                     " --weaken \"hip external rotators=0.5,vastus medialis=0.6\" --step 5 -o " + dir.string());
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("subject01_walk1_Kinematics"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::exists(dir / "report.json"));
  r = run_cli("weakness --setup " + (ref / "setup_static_optimization.xml").string() + " --model " +
              (ref / "subject01_simbody_adjusted_StaticOp.osim").string() + " --weaken \"hip wobblers=0.5\" -o " + dir.string());
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("hip wobblers"), std::string::npos) << r.output;
  fs::remove_all(dir);
}

TEST(Cli, ThreadCountsOutsideOneTo256AreUsageErrors) {
  // Each command is given files that do not exist: a thread count that passes the check reaches
  // the run and fails there with exit 1; one that does not is refused while parsing, with exit 2.
  const char* const commands[] = {
      "analyze --model no.osim --motion no.mot -o /tmp/weaklink_cli_threads",
      "run-tool no_setup.xml",
      "assess no_client.json -o /tmp/weaklink_cli_threads",
      "weakness --model no.osim --coordinates no.mot --weaken \"hip abductors=0.5\" -o /tmp/weaklink_cli_threads",
      "ik --model no.osim --markers no.trc -o /tmp/weaklink_cli_threads/ik.mot",
  };
  for (const char* command : commands) {
    SCOPED_TRACE(command);
    for (const char* bad_count : {"2000000000", "0", "-3", "257"}) {
      const CliResult r = run_cli(std::string(command) + " --threads " + bad_count);
      EXPECT_EQ(r.code, 2) << bad_count << "\n" << r.output;
      EXPECT_NE(r.output.find("--threads"), std::string::npos) << r.output;
    }
    EXPECT_EQ(run_cli(std::string(command) + " --threads 256").code, 1);
  }
}

TEST(Cli, DevicesFifosAndDirectoriesAreRefusedAsInput) {
  const fs::path dir = fs::temp_directory_path() / ("weaklink_cli_devices_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path fifo = dir / "markers.trc";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string demo = (weaklink::test::source_dir() / "data/models/weaklink_demo_leg.osim").string();
  const struct {
    std::string args, expected;
  } cases[] = {
      {"data info /dev/zero", "character device"},
      {"data info " + fifo.string(), "FIFO"},  // must not wait for a writer
      {"ik --model " + demo + " --markers " + fifo.string() + " -o " + (dir / "ik.mot").string(), "FIFO"},
      {"assess /dev/urandom -o " + (dir / "out").string(), "character device"},
      {"model info " + dir.string(), "is a directory"},
      {"analyze --model " + demo + " --motion /dev/zero -o " + (dir / "out").string(), "character device"},
  };
  for (const auto& c : cases) {
    const CliResult r = run_cli(c.args);
    EXPECT_EQ(r.code, 1) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.expected), std::string::npos) << c.args << "\n" << r.output;
  }
  fs::remove_all(dir);
}

TEST(Cli, DataInfoReadsAGzippedTrcAsATrc) {
  const fs::path dir = fs::temp_directory_path() / ("weaklink_cli_trcgz_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path trc = weaklink::test::source_dir() / "tests/data/catalogue/helper_markers.trc";
  const std::string gz = (dir / "walk.TRC.gz").string();
  ASSERT_EQ(std::system(("gzip -c \"" + trc.string() + "\" > \"" + gz + "\"").c_str()), 0);
  const CliResult r = run_cli("data info " + gz);
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("5 frames, 3 markers"), std::string::npos) << r.output;
  fs::remove_all(dir);
}

// The CLI refuses values outside physical sense (usage errors, exit 2) and fails a result that
// breaks physics with exit 4, its files marked valid=false with the reason.
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include <gtest/gtest.h>

#include "support/reference.hpp"

namespace fs = std::filesystem;

namespace {

struct Result {
  int code;
  std::string output;  // stdout + stderr
};

Result run_cli(const std::string& args) {
  const std::string cmd = std::string("\"") + WEAKLINK_CLI_PATH + "\" " + args + " 2>&1";
  Result r{-1, ""};
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  while (fgets(buf.data(), buf.size(), p)) r.output += buf.data();
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string demo_model() { return (weaklink::test::source_dir() / "data/models/weaklink_demo_leg.osim").string(); }
std::string catalogue(const std::string& name) { return (weaklink::test::source_dir() / "tests/data/catalogue" / name).string(); }

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST(CliPhysics, NumericOptionsOutsidePhysicalSenseAreUsageErrors) {
  const std::string analyze = "analyze --model " + demo_model() + " --motion " + catalogue("helper_motion.mot") + " -o /nonexistent ";
  struct Case {
    std::string args, fragment;
  };
  const Case cases[] = {
      {analyze + "--lowpass -5", "--lowpass"},
      {analyze + "--lowpass nan", "--lowpass"},
      {analyze + "--lowpass inf", "--lowpass"},
      {analyze + "--step 0", "--step"},
      {analyze + "--start nan", "--start"},
      {analyze + "--end inf", "--end"},
      {analyze + "--activation-exponent 0", "--activation-exponent"},
      {"assess weakness --setup x.xml --weaken a=0.5 --step 0", "--step"},
      {"assess weakness --setup x.xml --weaken a=0.5 --start nan", "--start"},
      {"simulate standing --height nan", "--height"},
      {"simulate standing --mass inf", "--mass"},
      {"simulate standing --age nan", "--age"},
      {"model generic --height 1.7 --mass nan --sex female -o x.osim", "--mass"},
  };
  for (const auto& c : cases) {
    const Result r = run_cli(c.args);
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.fragment), std::string::npos) << c.args << "\n" << r.output;
  }
}

TEST(CliPhysics, AModelWithAnAbsurdBodyMassIsRejectedByModelInfoAndAnalyze) {
  const Result info = run_cli("model info " + catalogue("physics_model_huge_mass.osim"));
  EXPECT_EQ(info.code, 1) << info.output;
  EXPECT_NE(info.output.find("femur_r"), std::string::npos) << info.output;
  const fs::path out = fs::temp_directory_path() / ("weaklink_physics_" + std::to_string(getpid()));
  const Result an = run_cli("analyze --model " + catalogue("physics_model_huge_mass.osim") + " --motion " + catalogue("helper_motion.mot") +
                            " -o " + out.string());
  EXPECT_EQ(an.code, 1) << an.output;
  EXPECT_FALSE(fs::exists(out));
  fs::remove_all(out);
}

// Walking for a 2.2 m, 100 kg person leaves ~100 N of whole-body residual (the contacts cannot
// brake at heel strike; docs/activities.md): a real case of a result that breaks equilibrium.
TEST(CliPhysics, AResultBeyondTheResidualToleranceIsWrittenAsInvalidAndExits4) {
  const fs::path out = fs::temp_directory_path() / ("weaklink_invalid_" + std::to_string(getpid()));
  const Result r = run_cli("simulate walking --height 2.2 --mass 100 -o " + out.string());
  EXPECT_EQ(r.code, 4) << r.output;
  EXPECT_NE(r.output.find("INVALID RESULT"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("invalid result: simulate walking: the result breaks physics: whole-body residual force"), std::string::npos)
      << r.output;
  for (const char* f : {"walking_joint_loads.sto", "walking_kinematics.mot", "walking_muscle_forces.sto", "walking_contact_forces.sto"}) {
    const std::string text = read(out / f);
    EXPECT_NE(text.find("\nvalid=false\ninvalid_reason=whole-body residual force"), std::string::npos) << f;
  }
  fs::remove_all(out);

  // A valid run says so in the same place.
  const Result ok = run_cli("simulate standing -o " + out.string());
  EXPECT_EQ(ok.code, 0) << ok.output;
  EXPECT_NE(read(out / "standing_joint_loads.sto").find("\nvalid=true\n"), std::string::npos);
  fs::remove_all(out);
}

// The same through `assess`: report.json says valid=false with the reasons, every CSV starts with
// the comment line, and the run exits 4 after writing them.
TEST(CliPhysics, AnAssessmentThatBreaksEquilibriumIsReportedInvalidAndExits4) {
  const fs::path dir = fs::temp_directory_path() / ("weaklink_invalid_assess_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path client = dir / "tall.json";
  std::ofstream(client) << R"({"name": "tall", "age": 42, "sex": "male", "height_m": 2.2, "mass_kg": 100, "activities": ["walking"]})";
  const Result r = run_cli("assess " + client.string() + " -o " + (dir / "out").string());
  EXPECT_EQ(r.code, 4) << r.output;
  const std::string json = read(dir / "out/report.json");
  EXPECT_NE(json.find("\"valid\": false"), std::string::npos);
  EXPECT_NE(json.find("walking at norm strength: whole-body residual force"), std::string::npos);
  for (const char* csv : {"activities.csv", "loads.csv", "weak_links.csv"})
    EXPECT_EQ(read(dir / "out" / csv).rfind("# valid=false: walking at norm strength", 0), 0u) << csv;
  fs::remove_all(dir);
}

// analyze checks every table it writes for non-finite numbers; a normal run says valid=true in
// each .sto header (an invalid one says valid=false and why, and exits 4).
TEST(CliPhysics, AnalyzeMarksItsOutputsValid) {
  const fs::path out = fs::temp_directory_path() / ("weaklink_analyze_valid_" + std::to_string(getpid()));
  const Result r = run_cli("analyze --model " + demo_model() + " --motion " + catalogue("helper_motion.mot") + " -o " + out.string());
  ASSERT_EQ(r.code, 0) << r.output;
  int checked = 0;
  for (const auto& e : fs::directory_iterator(out)) {
    if (e.path().extension() != ".sto") continue;
    EXPECT_NE(read(e.path()).find("\nvalid=true\n"), std::string::npos) << e.path();
    ++checked;
  }
  EXPECT_GE(checked, 3);
  fs::remove_all(out);
}

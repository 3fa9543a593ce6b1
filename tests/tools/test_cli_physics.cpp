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

#include "support/cli.hpp"
#include "support/reference.hpp"

namespace fs = std::filesystem;

namespace {

using weaklink::test::CliResult;
using weaklink::test::run_cli;

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
    const CliResult r = run_cli(c.args);
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.fragment), std::string::npos) << c.args << "\n" << r.output;
  }
}

TEST(CliPhysics, AModelWithAnAbsurdBodyMassIsRejectedByModelInfoAndAnalyze) {
  const CliResult info = run_cli("model info " + catalogue("physics_model_huge_mass.osim"));
  EXPECT_EQ(info.code, 1) << info.output;
  EXPECT_NE(info.output.find("femur_r"), std::string::npos) << info.output;
  const fs::path out = fs::temp_directory_path() / ("weaklink_physics_" + std::to_string(getpid()));
  const CliResult an = run_cli("analyze --model " + catalogue("physics_model_huge_mass.osim") + " --motion " + catalogue("helper_motion.mot") +
                            " -o " + out.string());
  EXPECT_EQ(an.code, 1) << an.output;
  EXPECT_FALSE(fs::exists(out));
  fs::remove_all(out);
}

// Walking for a 2.2 m, 100 kg person leaves ~100 N of whole-body residual (the contacts cannot
// brake at heel strike; docs/activities.md): a real case of a result that breaks equilibrium.
TEST(CliPhysics, AResultBeyondTheResidualToleranceIsWrittenAsInvalidAndExits4) {
  const fs::path out = fs::temp_directory_path() / ("weaklink_invalid_" + std::to_string(getpid()));
  const CliResult r = run_cli("simulate walking --height 2.2 --mass 100 -o " + out.string());
  EXPECT_EQ(r.code, 4) << r.output;
  EXPECT_NE(r.output.find("INVALID RESULT"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("invalid result: simulate walking: the result breaks physics: whole-body residual force"), std::string::npos)
      << r.output;
  // The reason is printed once, with the error on stderr; stdout only says the result is invalid.
  EXPECT_EQ(r.output.find("whole-body residual force"), r.output.rfind("whole-body residual force")) << r.output;
  for (const char* f : {"walking_joint_loads.sto", "walking_kinematics.mot", "walking_muscle_forces.sto", "walking_contact_forces.sto"}) {
    const std::string text = read(out / f);
    EXPECT_NE(text.find("\nvalid=false\ninvalid_reason=whole-body residual force"), std::string::npos) << f;
  }
  fs::remove_all(out);

  // A valid run says so in the same place.
  const CliResult ok = run_cli("simulate standing -o " + out.string());
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
  const CliResult r = run_cli("assess " + client.string() + " -o " + (dir / "out").string());
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
  const CliResult r = run_cli("analyze --model " + demo_model() + " --motion " + catalogue("helper_motion.mot") + " -o " + out.string());
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

namespace {

// The demo model with `forces` added to its ForceSet, written to `path`.
void write_demo_with_forces(const fs::path& path, const std::string& forces) {
  std::string text = read(demo_model());
  const std::string end = "      </objects>\n    </ForceSet>";
  const auto k = text.find(end);
  ASSERT_NE(k, std::string::npos);
  text.insert(k, forces);
  std::ofstream(path) << text;
}

// 1/q on pelvis_tx, which is exactly 0 in the motion's first row: an infinite generalized force.
const char* kInverseTx = R"(        <ExpressionBasedCoordinateForce name="inverse_tx">
          <coordinate>pelvis_tx</coordinate>
          <expression>1/q</expression>
        </ExpressionBasedCoordinateForce>
)";

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto k = text.find(what); k != std::string::npos; k = text.find(what, k + what.size())) ++n;
  return n;
}

}  // namespace

// run-tool checks every table for non-finite numbers as analyze does: an InverseDynamicsTool whose
// model has an expression force 1/q at q = 0 writes its file with valid=false and the reason, and
// exits 4; the reason is printed once (stderr), stdout only says the result is invalid.
TEST(CliPhysics, RunToolInverseDynamicsWithANonFiniteResultIsInvalidAndExits4) {
  const fs::path dir = fs::temp_directory_path() / ("weaklink_runtool_invalid_" + std::to_string(getpid()));
  fs::create_directories(dir);
  write_demo_with_forces(dir / "model.osim", kInverseTx);
  std::ofstream(dir / "id.xml") << "<OpenSimDocument Version=\"40000\"><InverseDynamicsTool name=\"id\">"
                                   "<model_file>model.osim</model_file><coordinates_file>" << catalogue("helper_motion.mot")
                                << "</coordinates_file><results_directory>out</results_directory>"
                                   "<forces_to_exclude>Muscles</forces_to_exclude><output_gen_force_file>id.sto</output_gen_force_file>"
                                   "</InverseDynamicsTool></OpenSimDocument>";
  const CliResult r = run_cli("run-tool " + (dir / "id.xml").string());
  EXPECT_EQ(r.code, 4) << r.output;
  EXPECT_NE(r.output.find("INVALID RESULT"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("invalid result: run-tool: the result breaks physics: id.sto holds a non-finite number (-inf at row 1"),
            std::string::npos) << r.output;
  EXPECT_EQ(count(r.output, "holds a non-finite number"), 1u) << r.output;
  EXPECT_NE(read(dir / "out/id.sto").find("\nvalid=false\ninvalid_reason=id.sto holds a non-finite number"), std::string::npos);
  fs::remove_all(dir);
}

// The same through an AnalyzeTool: the set is invalid as a whole, so the BodyKinematics files (finite
// themselves) say valid=false too; without the force every file says valid=true and the run exits 0.
TEST(CliPhysics, RunToolAnalyzeMarksEveryFileOfTheSet) {
  const fs::path dir = fs::temp_directory_path() / ("weaklink_runtool_analyze_" + std::to_string(getpid()));
  fs::create_directories(dir);
  write_demo_with_forces(dir / "bad.osim", kInverseTx);
  write_demo_with_forces(dir / "good.osim", "");
  for (const char* m : {"bad", "good"}) {
    std::ofstream(dir / (std::string(m) + ".xml"))
        << "<OpenSimDocument Version=\"40000\"><AnalyzeTool name=\"" << m << "\"><model_file>" << m << ".osim</model_file>"
        << "<coordinates_file>" << catalogue("helper_motion.mot") << "</coordinates_file><results_directory>" << m
        << "_out</results_directory><AnalysisSet><objects>"
           "<BodyKinematics name=\"BK\"><bodies>all</bodies></BodyKinematics><InverseDynamics name=\"ID\"/>"
           "</objects></AnalysisSet></AnalyzeTool></OpenSimDocument>";
  }
  const CliResult bad = run_cli("run-tool " + (dir / "bad.xml").string());
  EXPECT_EQ(bad.code, 4) << bad.output;
  EXPECT_NE(bad.output.find("bad_ID.sto holds a non-finite number"), std::string::npos) << bad.output;
  EXPECT_EQ(count(bad.output, "holds a non-finite number"), 1u) << bad.output;
  const CliResult good = run_cli("run-tool " + (dir / "good.xml").string());
  EXPECT_EQ(good.code, 0) << good.output;
  for (const char* m : {"bad", "good"}) {
    int checked = 0;
    for (const auto& e : fs::directory_iterator(dir / (std::string(m) + "_out"))) {
      const std::string expected = std::string(m) == "bad" ? "\nvalid=false\ninvalid_reason=bad_ID.sto" : "\nvalid=true\n";
      EXPECT_NE(read(e.path()).find(expected), std::string::npos) << e.path();
      ++checked;
    }
    EXPECT_EQ(checked, 3) << m;  // BK pos, BK vel, ID
  }
  fs::remove_all(dir);
}

// Two CoordinateLimitForces give the static optimization force file two PotentialEnergy columns;
// JointReaction reads that file back (as OpenSim does, renaming repeated labels) instead of refusing it.
TEST(CliPhysics, JointReactionReadsAForceFileWithTwoLimitForces) {
  const fs::path dir = fs::temp_directory_path() / ("weaklink_two_limits_" + std::to_string(getpid()));
  fs::create_directories(dir);
  write_demo_with_forces(dir / "model.osim", R"(        <CoordinateLimitForce name="knee_limit">
          <coordinate>knee_angle_r</coordinate><upper_stiffness>10</upper_stiffness><upper_limit>5</upper_limit>
          <lower_stiffness>10</lower_stiffness><lower_limit>-100</lower_limit><transition>2</transition>
        </CoordinateLimitForce>
        <CoordinateLimitForce name="hip_limit">
          <coordinate>hip_flexion_r</coordinate><upper_stiffness>10</upper_stiffness><upper_limit>90</upper_limit>
          <lower_stiffness>10</lower_stiffness><lower_limit>-20</lower_limit><transition>2</transition>
        </CoordinateLimitForce>
)");
  const std::string head = "<OpenSimDocument Version=\"40000\"><AnalyzeTool name=\"two\"><model_file>model.osim</model_file><coordinates_file>" +
                           catalogue("helper_motion.mot") + "</coordinates_file>";
  std::ofstream(dir / "so.xml") << head << "<results_directory>so</results_directory><AnalysisSet><objects>"
                                   "<StaticOptimization name=\"SO\"/></objects></AnalysisSet></AnalyzeTool></OpenSimDocument>";
  std::ofstream(dir / "jr.xml") << head << "<results_directory>jr</results_directory><AnalysisSet><objects>"
                                   "<JointReaction name=\"JR\"><forces_file>so/two_SO_force.sto</forces_file></JointReaction>"
                                   "</objects></AnalysisSet></AnalyzeTool></OpenSimDocument>";
  const CliResult so = run_cli("run-tool " + (dir / "so.xml").string());
  ASSERT_EQ(so.code, 0) << so.output;
  const std::string forces = read(dir / "so/two_SO_force.sto");
  EXPECT_EQ(count(forces, "\tPotentialEnergy"), 2u);
  const CliResult jr = run_cli("run-tool " + (dir / "jr.xml").string());
  EXPECT_EQ(jr.code, 0) << jr.output;
  EXPECT_NE(read(dir / "jr/two_JR_ReactionLoads.sto").find("\nvalid=true\n"), std::string::npos);
  fs::remove_all(dir);
}

// ik checks its outputs too: a marker 1e200 m away makes the squared marker error infinite; the
// motion, the error table and the worst-marker CSV all say valid=false and the run exits 4.
TEST(CliPhysics, IkWithANonFiniteMarkerErrorIsInvalidAndExits4) {
  const fs::path dir = fs::temp_directory_path() / ("weaklink_ik_invalid_" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "m.sto") << "Markers\nversion=3\nDataType=Vec3\nUnits=m\nnRows=2\nnColumns=4\nendheader\n"
                                  "time\tR.ASIS\tR.Knee\tR.Ankle\n0\t~[0,0.9,0.1]\t~[0,0.5,0.1]\t~[0,0.1,0.1]\n"
                                  "0.1\t~[1e200,0.9,0.1]\t~[0,0.5,0.1]\t~[0,0.1,0.1]\n";
  const CliResult r = run_cli("ik --model " + demo_model() + " --markers " + (dir / "m.sto").string() + " -o " + (dir / "out/ik.mot").string());
  EXPECT_EQ(r.code, 4) << r.output;
  EXPECT_NE(r.output.find("invalid result: ik: the result breaks physics: m_ik_marker_errors.sto holds a non-finite number"), std::string::npos)
      << r.output;
  EXPECT_EQ(count(r.output, "holds a non-finite number"), 1u) << r.output;
  for (const char* f : {"ik.mot", "m_ik_marker_errors.sto"})
    EXPECT_NE(read(dir / "out" / f).find("\nvalid=false\ninvalid_reason=m_ik_marker_errors.sto holds"), std::string::npos) << f;
  EXPECT_EQ(read(dir / "out/m_ik_worst_markers.csv").rfind("# valid=false: m_ik_marker_errors.sto holds", 0), 0u);
  fs::remove_all(dir);
}

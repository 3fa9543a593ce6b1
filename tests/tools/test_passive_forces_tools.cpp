// The InverseDynamicsTool and the AnalyzeTool with passive and unmodelled force elements:
// forces_to_exclude (All, a name; Muscles keeps passive elements), replace_force_set, and the
// unmodelledForces header line.
#include <cmath>
#include <fstream>

#include <gtest/gtest.h>

#include "io/storage.hpp"
#include "support/scratch.hpp"
#include "tools/analyze_tool.hpp"

namespace fs = std::filesystem;
using namespace weaklink;

namespace {

constexpr double kDeg = M_PI / 180.0;

void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

// A rod on a pin (COM 0.5 m below it, 2 kg) with a limit at 5° and a Ligament weaklink does not model.
const char* kModel = R"(<?xml version="1.0" encoding="UTF-8" ?>
<OpenSimDocument Version="40000"><Model name="pendulum">
  <BodySet><objects><Body name="rod"><mass>2</mass><mass_center>0 -0.5 0</mass_center><inertia>0.1 0.1 0.1 0 0 0</inertia></Body></objects></BodySet>
  <JointSet><objects><PinJoint name="pin"><socket_parent_frame>/ground</socket_parent_frame><socket_child_frame>/bodyset/rod</socket_child_frame>
    <coordinates><Coordinate name="q"><range>-3 3</range></Coordinate></coordinates></PinJoint></objects></JointSet>
  <ForceSet><objects>
    <CoordinateLimitForce name="limit"><coordinate>q</coordinate><upper_stiffness>30</upper_stiffness><upper_limit>5</upper_limit>
      <lower_stiffness>1</lower_stiffness><lower_limit>-90</lower_limit><damping>0</damping><transition>2</transition></CoordinateLimitForce>
    <Ligament name="lig"><GeometryPath><PathPointSet><objects>
      <PathPoint name="a"><socket_parent_frame>/ground</socket_parent_frame><location>0.1 0 0</location></PathPoint>
      <PathPoint name="b"><socket_parent_frame>/bodyset/rod</socket_parent_frame></PathPoint></objects></PathPointSet></GeometryPath></Ligament>
  </objects></ForceSet>
</Model></OpenSimDocument>
)";

// Held still at 10°: the joint supplies m g l sin q minus the limit's 150 N·m.
constexpr double kHeld = 10.0;

void write_inputs(const fs::path& dir) {
  write(dir / "pendulum.osim", kModel);
  std::string mot = "held\nversion=1\nnRows=11\nnColumns=2\ninDegrees=yes\nendheader\ntime\tq\n";
  for (int i = 0; i <= 10; ++i) mot += std::to_string(0.01 * i) + "\t10.0\n";
  write(dir / "held.mot", mot);
}

double id_at_first_row(const fs::path& dir, const std::string& exclude, std::vector<std::string>* warnings, std::string* header) {
  write(dir / "id.xml", "<OpenSimDocument Version=\"40000\"><InverseDynamicsTool name=\"id\"><model_file>pendulum.osim</model_file>"
                        "<coordinates_file>held.mot</coordinates_file><forces_to_exclude>" +
                            exclude + "</forces_to_exclude><output_gen_force_file>id.sto</output_gen_force_file>"
                                      "<results_directory>out</results_directory></InverseDynamicsTool></OpenSimDocument>");
  const RunToolReport r = run_tool(dir / "id.xml", RunToolOptions{});
  if (warnings) *warnings = r.warnings;
  const io::Table t = io::read_storage(dir / "out/id.sto");
  if (header) {
    header->clear();
    for (const auto& [k, v] : t.metadata)
      if (k == "unmodelledForces") *header = v;
  }
  return t.data(0, 0);
}

bool mentions(const std::vector<std::string>& warnings, const std::string& what) {
  for (const auto& w : warnings)
    if (w.find(what) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST(PassiveForceTools, InverseDynamicsToolHonoursForcesToExclude) {
  test::ScratchDir scratch;
  write_inputs(scratch.path());
  const double gravity = 2.0 * 9.80665 * 0.5 * std::sin(kHeld * kDeg);
  std::vector<std::string> warnings;
  std::string header;
  // Muscles (the usual value) keeps the limit: 150 N·m of the holding torque come from it.
  EXPECT_NEAR(id_at_first_row(scratch.path(), "Muscles", &warnings, &header), gravity + 150.0, 1e-6);
  EXPECT_TRUE(mentions(warnings, "/forceset/lig")) << "the Ligament is not modelled";
  EXPECT_EQ(header, "lig:Ligament");
  // Naming the limit removes it; naming the Ligament too leaves nothing unmodelled.
  EXPECT_NEAR(id_at_first_row(scratch.path(), "limit lig", &warnings, &header), gravity, 1e-6);
  EXPECT_FALSE(mentions(warnings, "/forceset/lig"));
  EXPECT_EQ(header, "");
  // All excludes every ForceSet member; an unknown name is reported.
  EXPECT_NEAR(id_at_first_row(scratch.path(), "All nothing_by_this_name", &warnings, &header), gravity, 1e-6);
  EXPECT_TRUE(mentions(warnings, "forces_to_exclude: 'nothing_by_this_name' is not a force of the model"));
  EXPECT_EQ(header, "");
}

TEST(PassiveForceTools, AnalyzeToolInverseDynamicsAndReplaceForceSet) {
  test::ScratchDir scratch;
  write_inputs(scratch.path());
  auto run = [&](const char* replace) {
    write(scratch.path() / "an.xml",
          std::string("<OpenSimDocument Version=\"40000\"><AnalyzeTool name=\"an\"><model_file>pendulum.osim</model_file>"
                      "<coordinates_file>held.mot</coordinates_file><replace_force_set>") +
              replace +
              "</replace_force_set><results_directory>out</results_directory><AnalysisSet><objects>"
              "<InverseDynamics name=\"ID\" /></objects></AnalysisSet></AnalyzeTool></OpenSimDocument>");
    const RunToolReport r = run_tool(scratch.path() / "an.xml", RunToolOptions{});
    const io::Table t = io::read_storage(scratch.path() / "out/an_ID.sto");
    std::string header;
    for (const auto& [k, v] : t.metadata)
      if (k == "unmodelledForces") header = v;
    return std::tuple{t.data(0, 0), header, mentions(r.warnings, "of type Ligament is not modelled: the InverseDynamics results")};
  };
  const double gravity = 2.0 * 9.80665 * 0.5 * std::sin(kHeld * kDeg);
  const auto [kept, kept_header, kept_warned] = run("false");
  EXPECT_NEAR(kept, gravity + 150.0, 1e-3);  // spline accelerations of a constant are ~0
  EXPECT_EQ(kept_header, "lig:Ligament");
  EXPECT_TRUE(kept_warned);
  const auto [replaced, replaced_header, replaced_warned] = run("true");
  EXPECT_NEAR(replaced, gravity, 1e-3);
  EXPECT_EQ(replaced_header, "");
  EXPECT_FALSE(replaced_warned);
}

// Activities as data (docs/activity-format.md): the built-in files, the loader's refusals, and a
// newcomer's activity added from a data file in the test folder, without compiling.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "chain/activities/activity.hpp"
#include "chain/activities/activity_generators.hpp"
#include "chain/activities/contact_sites.hpp"
#include "chain/motion/activity_motion.hpp"
#include "chain/simulation/simulate_activity.hpp"
#include "core/embedded_data.hpp"
#include "core/error.hpp"
#include "generic_model/generic_model.hpp"
#include "support/reference.hpp"

namespace weaklink {
namespace {

// Every data/activities/*.json is in the library, under its own name, with provenance on every
// parameter and on every track that writes a number of its own (not 0, not a parameter's).
TEST(ActivityFiles, EveryBuiltInFileIsInTheLibraryWithProvenance) {
  int files = 0;
  for (const auto& f : data::embedded_files()) {
    const std::string path(f.path);
    if (path.rfind("activities/", 0) != 0 || path.size() < 5 || path.substr(path.size() - 5) != ".json") continue;
    ++files;
    const std::string name = path.substr(11, path.size() - 16);
    const Activity& a = find_activity(name);
    EXPECT_EQ(a.file, "data/" + path);
    for (const auto& p : a.parameters) {
      EXPECT_TRUE(p.status == "cited" || p.status == "recalled" || p.status == "chosen") << name << "." << p.name;
      if (p.status != "chosen") {
        EXPECT_FALSE(p.source.empty()) << name << "." << p.name;
      }
    }
    const auto doc = nlohmann::json::parse(a.json);
    for (const auto& t : doc.value("tracks", nlohmann::json::array())) {
      bool literal = t.contains("constant") && t["constant"].is_number() && t["constant"].get<double>() != 0;
      if (t.contains("keys"))
        for (const auto& k : t["keys"]) literal = literal || (k[1].is_number() && k[1].get<double>() != 0);
      EXPECT_TRUE(!literal || t.contains("status")) << name << ": " << t.dump();
    }
  }
  // Every data file is a built-in activity and every built-in activity has its data file.
  EXPECT_EQ(static_cast<std::size_t>(files), activity_library().size());
  EXPECT_GE(activity_library().size(), 17u);
}

// A variant played backwards: stand_to_sit's keys are sit_to_stand's mirrored in time.
TEST(ActivityFiles, TimeReversedVariantMirrorsItsBase) {
  const Activity& up = find_activity("sit_to_stand");
  const Activity& down = find_activity("stand_to_sit");
  const ActivityPlan a = up.plan(activity_parameters(up, {})), b = down.plan(activity_parameters(down, {}));
  ASSERT_EQ(a.tracks.size(), b.tracks.size());
  EXPECT_FALSE(a.solve_backwards);
  EXPECT_TRUE(b.solve_backwards);
  for (std::size_t k = 0; k < a.tracks.size(); ++k)
    for (double t : {0.0, 0.3, 0.7, 1.1, 2.0}) EXPECT_NEAR(a.tracks[k].second(t), b.tracks[k].second(a.duration - t), 1e-12) << a.tracks[k].first;
  EXPECT_DOUBLE_EQ(a.balance[0].begin, 0.35 * 2.0);
  EXPECT_DOUBLE_EQ(b.balance[0].end, (1 - 0.35) * 2.0);
  EXPECT_DOUBLE_EQ(b.surfaces[1].through_time, 2.0);
}

TEST(ActivityFiles, MovementVariablesAreCarried) {
  const Activity& squat = find_activity("squat");
  int flagged = 0;
  for (const auto& p : squat.parameters) flagged += p.movement_variable ? 1 : 0;
  EXPECT_EQ(flagged, 2);  // depth and trunk_lean
}

TEST(ActivityFiles, EveryGeneratorHasARole) {
  for (const auto& g : activity_generators()) EXPECT_EQ(find_activity_generator(g.name, g.role), &g);
  EXPECT_EQ(find_activity_generator("periodic_gait", GeneratorRole::ComputedTrack), nullptr);
}

// A minimal valid activity with one field replaced by `field_json` (or added).
std::string minimal(const std::string& extra) {
  return R"({"name": "mini", "description": "d",
    "parameters": [{"name": "duration", "unit": "s", "default": 1, "min": 0.5, "max": 2, "description": "d", "status": "chosen"},
                   {"name": "frames", "unit": "", "default": 11, "min": 6, "max": 50, "description": "f", "status": "chosen"}],
    "tracks": [{"coordinate": "knee_angle_r", "unit": "deg", "keys": [[0, 0], [0.5, 30], [1, 0]]}],
    "surfaces": [{"name": "floor", "friction": 0.5, "reach": 0.04}],
    "contacts": [{"surface": "floor", "sites": ["heel_r"]}])" +
         extra + "}";
}

// The message names the file, the field's path and what was expected.
void expect_refused(const std::string& text, const std::string& path, const std::string& expected) {
  try {
    (void)parse_activity(text, "my_lunge.json");
    ADD_FAILURE() << "accepted: " << text;
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("my_lunge.json"), std::string::npos) << m;
    EXPECT_NE(m.find(path), std::string::npos) << m;
    EXPECT_NE(m.find(expected), std::string::npos) << m;
  }
}

TEST(ActivityFiles, LoaderRefusesWithFileFieldAndExpectation) {
  EXPECT_NO_THROW((void)parse_activity(minimal(""), "my_lunge.json"));
  expect_refused(minimal(R"(, "colour": "red")"), "colour", "unknown field");
  // A band to the world: an anchor, or a negative rest length that places one; not neither, not both.
  expect_refused(minimal(R"(, "loads": [{"kind": "band", "name": "b", "site": "heel_r", "stiffness": 100, "rest_length": 0.3}])"),
                 "loads[0]", "needs an anchor");
  expect_refused(minimal(R"(, "loads": [{"kind": "band", "name": "b", "site": "heel_r", "anchor": [0, 0, 0.2], "stiffness": 100,
                 "rest_length": -0.3}])"),
                 "loads[0].rest_length", "anchor given");
  expect_refused(R"({"name": "x", "description": "d", "duration": 1, "frames": 11, "tracks": [{"coordinate": "knee_angle_r", "unit": "deg", "constant": 0, "speed": 1}]})",
                 "tracks[0].speed", "unknown field");
  expect_refused(R"({"name": "x", "description": "d", "duration": 1, "frames": 11, "tracks": [{"coordinate": "knee_angle_r", "unit": "rad", "constant": 0}]})",
                 "tracks[0].unit", "expected deg or m");
  expect_refused(R"({"name": "x", "description": "d", "duration": 1, "frames": 11, "tracks": [{"coordinate": "knee_angle_r", "unit": "deg", "constant": "depht * 2"}]})",
                 "tracks[0].constant", "depht");
  expect_refused(minimal(R"(, "loads": [{"kind": "hand_held", "name": "box", "mass": "load"}])"), "loads[0].mass", "expression");
  expect_refused(R"({"name": "x", "description": "d", "duration": 1, "frames": 11, "parameters": [{"name": "depth", "unit": "deg", "default": 200, "min": 0, "max": 90,
                   "description": "d", "status": "chosen"}], "tracks": []})",
                 "parameters[0].default", "outside [0, 90]");
  expect_refused(R"({"name": "x", "description": "d", "duration": 1, "frames": 11, "parameters": [{"name": "depth", "unit": "deg", "default": 20, "min": 0, "max": 90,
                   "description": "d", "status": "cited"}], "tracks": []})",
                 "parameters[0].source", "names its source");
  expect_refused(R"({"name": "x", "description": "d", "duration": 1, "frames": 11, "parameters": [{"name": "depth", "unit": "deg", "default": 20, "min": 0, "max": 90,
                   "description": "d", "status": "guessed"}], "tracks": []})",
                 "parameters[0].status", "cited, recalled or chosen");
  expect_refused(R"({"extends": "yoga", "name": "x", "description": "d"})", "extends", "no built-in activity named 'yoga'");
  expect_refused(minimal(R"(, "anchors": [{"surface": "seat", "sites": ["heel_r"], "kind": "fixed"}])"), "anchors[0].surface",
                 "no surface named 'seat'");
  expect_refused(minimal(R"(, "balance": [{"generator": "tai_chi", "axis": "forward"}])"), "balance[0].generator", "unknown balance generator");
  expect_refused(R"({"name": "x", "description": "d", "duration": 1, "frames": 11, "tracks": [{"coordinate": "knee_angle_r", "unit": "deg", "keys": [[0, 0], [1.5, 10]]}]})",
                 "tracks[0].keys[1][0]", "fraction of the duration");
  expect_refused(R"({"extends": "walking", "name": "x", "description": "d", "time_reversed": true})", "tracks[1]", "time_reversed");
  expect_refused(R"({"name": "Bad Name", "description": "d", "tracks": []})", "name", "is not a name");
  expect_refused(R"({"name": "x", "description": "d", "tracks": []})", "duration", "is missing");
  expect_refused(R"([1, 2])", "", "expected an object");
}

// A coordinate name the model does not have (a typo, or a model without it) is refused when the
// motion is built, naming the activity file and the track's field.
TEST(ActivityFiles, UnknownCoordinateNamesTheFileAndTheField) {
  std::string text = minimal("");
  text.replace(text.find("knee_angle_r"), 12, "knee_angel_r");
  const Activity a = parse_activity(text, "my_lunge.json");
  const Model model = compile_model(with_contact_sites(build_generic_model(Person{1.75, 72, Sex::Female, 40})));
  try {
    (void)build_activity_motion(model, a.plan(activity_parameters(a, {})), a.name);
    ADD_FAILURE() << "a track of an unknown coordinate was accepted";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("my_lunge.json"), std::string::npos) << m;
    EXPECT_NE(m.find("tracks[0].coordinate"), std::string::npos) << m;
    EXPECT_NE(m.find("knee_angel_r"), std::string::npos) << m;
  }
}

// A newcomer's activity: a forward lunge written as a data file (tests/data/activities/lunge.json,
// every value chosen and marked so), read, its parameters overridden, and simulated in a few
// frames on the generic model without compiling anything.
TEST(ActivityFiles, ALungeFromTheTestFolderIsLoadedAndSimulated) {
  const Activity lunge = read_activity_file(test::source_dir() / "tests/data/activities/lunge.json");
  EXPECT_EQ(lunge.name, "lunge");
  const ActivityParameters params = activity_parameters(lunge, {"frames=7"});
  const Model model = compile_model(with_contact_sites(build_generic_model(Person{1.75, 72, Sex::Female, 40})));
  const ActivityMotion motion = build_activity_motion(model, lunge.plan(params), lunge.name);
  ASSERT_EQ(motion.motion.time.size(), 7u);
  const ActivityResult r = simulate_activity(model, lunge.name, motion, SimulationOptions{});
  EXPECT_TRUE(r.validity.valid());
  // The front knee bends to the depth at mid-repetition, and the contacts carry the body.
  const int knee = model.find_coordinate("knee_angle_r");
  EXPECT_NEAR(anatomical_sign(model, knee) * motion.motion.q(3, knee), 60 * M_PI / 180, 0.02);
  EXPECT_LT(max_residual_force(r), 0.01 * r.body_weight);
  EXPECT_GT(r.joints[3].knee_r, r.joints[0].knee_r);
}

}  // namespace
}  // namespace weaklink

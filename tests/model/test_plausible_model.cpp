// Physical parameters of a model file outside plausible ranges (plausible_ranges.hpp) are input
// errors naming the element and the value; every model of OpenSim's own examples still loads.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "io/osim_reader.hpp"
#include "support/reference.hpp"

namespace weaklink {
namespace {

std::string demo_text() {
  std::ifstream in(test::source_dir() / "data/models/weaklink_demo_leg.osim");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The error for the demo model with `from` replaced by `to` (empty: accepted).
std::string error_with(const std::string& from, const std::string& to) {
  std::string text = demo_text();
  const auto at = text.find(from);
  if (at == std::string::npos) return "test setup: '" + from + "' not in the demo model";
  text.replace(at, from.size(), to);
  try {
    (void)io::read_osim_text(text, "leg.osim");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

void expect_rejected(const std::string& from, const std::string& to, std::initializer_list<const char*> fragments) {
  const std::string msg = error_with(from, to);
  ASSERT_FALSE(msg.empty()) << to << " was accepted";
  for (const char* f : fragments) EXPECT_NE(msg.find(f), std::string::npos) << "'" << f << "' not in: " << msg;
}

TEST(PlausibleModel, AbsurdPhysicalParametersAreInputErrorsNamingTheElement) {
  expect_rejected("<mass>10.62</mass>", "<mass>1e308</mass>", {"leg.osim", "femur_r", "<mass> 1e+308 kg", "1000 kg"});
  expect_rejected("<mass>10.62</mass>", "<mass>1500</mass>", {"femur_r", "1500 kg"});
  expect_rejected("<inertia>0.20486 0.04197 0.20486 0 0 0</inertia>", "<inertia>0.20486 0.04197 0.20486 5e4 0 0</inertia>",
                  {"femur_r", "inertia: 50000 kg"});
  expect_rejected("<mass_center>0 -0.17289 0</mass_center>", "<mass_center>0 -170 0</mass_center>", {"femur_r", "<mass_center>", "170 m"});
  expect_rejected("<translation>-0.07 -0.07 0.085</translation>", "<translation>-0.07 -70000 0.085</translation>",
                  {"pelvis_offset", "<translation>", "70000 m"});
  expect_rejected("<location>-0.13 0.0 0.06</location>", "<location>-0.13 1e9 0.06</location>", {"path point <location>", "1e+09 m"});
  expect_rejected("<max_isometric_force>1500", "<max_isometric_force>1e300", {"max_isometric_force", "1e5 N"});
  // At the limits: accepted.
  EXPECT_EQ(error_with("<mass>10.62</mass>", "<mass>1000</mass>"), "");
  EXPECT_EQ(error_with("<mass>10.62</mass>", "<mass>0</mass>"), "");
}

TEST(PlausibleModel, EveryOpenSimReferenceModelStillLoads) {
  WEAKLINK_REQUIRE_REFERENCE();
  int n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(test::reference_dir())) {
    if (e.path().extension() != ".osim") continue;
    ++n;
    EXPECT_NO_THROW((void)io::read_osim(e.path())) << e.path();
  }
  EXPECT_GE(n, 10);
}

}  // namespace
}  // namespace weaklink

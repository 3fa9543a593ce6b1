// libFuzzer target: activity files (chain/activities/activity_file.cpp, docs/activity-format.md):
// the JSON reader, `extends` of a built-in activity, every field's validation and the expressions,
// then the plan built with the parameters' defaults, minima and maxima and its tracks sampled.
//
// Contract: bad input throws weaklink::InputError. Any other exception, a crash, a sanitizer
// report or a hang is a finding; so is a plan that breaks what the loader promises (fewer than 6
// frames, a duration that is not positive, a track value that is not finite).
#include <cmath>
#include <cstdint>
#include <string>

#include "chain/activities/activity.hpp"
#include "core/error.hpp"
#include "fuzz_support.hpp"

namespace {

void check_plan(const weaklink::ActivityPlan& p) {
  if (p.frames < 6) weaklink::fuzz::finding("plan with fewer than 6 frames", std::to_string(p.frames));
  if (!(p.duration > 0) || !std::isfinite(p.duration)) weaklink::fuzz::finding("plan duration not positive", std::to_string(p.duration));
  for (const auto& [coordinate, track] : p.tracks)
    for (double u : {0.0, 0.25, 0.5, 1.0}) {
      const double v = track(u * p.duration);
      if (!std::isfinite(v)) weaklink::fuzz::finding("track value not finite", coordinate);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  weaklink::fuzz::run_expecting_input_errors([&] {
    const weaklink::Activity a = weaklink::parse_activity(text, "fuzz.json");
    check_plan(a.plan(weaklink::ActivityParameters{a.parameters}));
    for (const bool low : {true, false}) {
      weaklink::ActivityParameters p{a.parameters};
      for (auto& x : p.list) x.value = low ? x.min : x.max;
      for (auto& x : p.list)
        if (x.name == "frames") x.value = std::floor(x.value);
      try {
        check_plan(a.plan(p));
      } catch (const weaklink::InputError&) {
      }
    }
  });
  return 0;
}

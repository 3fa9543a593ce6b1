// Each activity of the library end to end on the generic model (the goal is ≤ 50 ms on one
// core): pose solving (inverse kinematics on the contact sites, balance), spline derivatives, and
// per frame the contact-solving static optimization and the joint reactions.
#include <benchmark/benchmark.h>

#include "chain/activities/activity.hpp"
#include "chain/motion/activity_motion.hpp"
#include "chain/activities/contact_sites.hpp"
#include "chain/simulation/simulate_activity.hpp"
#include "generic_model/generic_model.hpp"

namespace {

const weaklink::Model& model() {
  static const weaklink::Model m =
      weaklink::compile_model(weaklink::with_contact_sites(weaklink::build_generic_model(weaklink::Person{1.75, 72, weaklink::Sex::Female, 40})));
  return m;
}

void BM_Activity(benchmark::State& state, const std::string& name) {
  const weaklink::Activity& a = weaklink::find_activity(name);
  const weaklink::ActivityPlan plan = a.plan(weaklink::activity_parameters(a, {}));
  for (auto _ : state) {
    const auto motion = weaklink::build_activity_motion(model(), plan, name);
    auto r = weaklink::simulate_activity(model(), name, motion, weaklink::SimulationOptions{});
    benchmark::DoNotOptimize(r.joints.data());
  }
  state.counters["frames"] = plan.frames;
}

const bool registered = [] {
  for (const auto& a : weaklink::activity_library())
    benchmark::RegisterBenchmark(("BM_Activity/" + a.name).c_str(), [n = a.name](benchmark::State& s) { BM_Activity(s, n); })
        ->Unit(benchmark::kMillisecond);
  return true;
}();

}  // namespace

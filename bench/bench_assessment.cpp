// The weak-link assessment of the demo client end to end (the goal is ≤ 2 s for
// `weaklink assess --demo`): the generic model built and personalised, six activity motions, then
// baseline, client, and per ranked group a restore run, a sensitivity run and the infeasibility
// search, over all cores (threads: 0) and on one (threads: 1).
#include <benchmark/benchmark.h>

#include "chain/assessment/assessment.hpp"
#include "chain/client/client.hpp"
#include "report/assessment_report.hpp"

namespace {

void BM_AssessDemo(benchmark::State& state) {
  const weaklink::Client client = weaklink::demo_client();
  weaklink::AssessmentOptions options;
  options.threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    const weaklink::Assessment a = weaklink::assess_client(client, options);
    weaklink::ReportContext ctx;
    ctx.client_name = client.name;
    ctx.person = client.person;
    ctx.sitting = client.sitting;
    const auto json = weaklink::assessment_json(a, ctx);
    benchmark::DoNotOptimize(json.size());
  }
}
BENCHMARK(BM_AssessDemo)->ArgName("threads")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace

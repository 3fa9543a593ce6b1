// `weaklink assess` (a client on the generic model and the activity library) and `weaklink
// weakness` (named groups weakened on an OpenSim model and trial): terminal summary, report.json,
// CSV tables and the HTML report.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>

#include "chain/assessment/assessment.hpp"
#include "chain/client/client.hpp"
#include "chain/trial/trial_weakness.hpp"
#include "core/error.hpp"
#include "report/assessment_report.hpp"
#include "report/assessment_story.hpp"
#include "commands.hpp"
#include "core/thread_limit.hpp"
#include "option_checks.hpp"

namespace weaklink::cli {

void set_action(std::function<void()> f);

namespace {

// Progress on stderr, only once a run has lasted a second: short runs stay quiet. On a terminal
// one line is rewritten; otherwise a line per 10 %.
class Progress {
 public:
  Progress() : start_(std::chrono::steady_clock::now()), tty_(::isatty(STDERR_FILENO) != 0) {}
  void operator()(double fraction, const std::string& what) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (elapsed < 1.0) return;
    const int percent = static_cast<int>(100 * fraction);
    if (tty_) {
      std::cerr << fmt::format("\r[{:3d}%] {:<60.60}", percent, what) << std::flush;
      shown_ = true;
    } else if (percent / 10 > last_decile_) {
      last_decile_ = percent / 10;
      std::cerr << fmt::format("[{:3d}%] {}\n", percent, what);
    }
  }
  void finish() {
    if (shown_) std::cerr << "\r" << std::string(68, ' ') << "\r" << std::flush;
  }

 private:
  std::chrono::steady_clock::time_point start_;
  bool tty_, shown_ = false;
  int last_decile_ = -1;
};

void print_summary(const Assessment& a, const nlohmann::json& report, const std::string& who) {
  const TerminalSafeStdout safe;  // the client's name and the summary quote the client file
  const double bw = a.body_weight;
  std::cout << fmt::format("weaklink assessment: {} ({})\n\n", who, a.model_name);
  if (!a.validity.valid()) std::cout << "  INVALID RESULT: these numbers break physics and must not be used (details at the end)\n\n";
  std::cout << fmt::format("  {:<22} {:>21} {:>9} {:>17} {:>17}  {}\n", "activity", "peak L5/S1 (N)", "x BW", "hip contact (N)",
                           "knee contact (N)", "muscles");
  std::cout << fmt::format("  {:<22} {:>21} {:>9} {:>17} {:>17}\n", "", "norm -> client", "client", "norm -> client", "norm -> client");
  for (const auto& x : a.activities)
    std::cout << fmt::format("  {:<22} {:>9.0f} -> {:>8.0f} {:>9.2f} {:>7.0f} -> {:>6.0f} {:>7.0f} -> {:>6.0f}  {}\n", activity_label(x.name),
                             x.baseline_summary.peak_compression, x.client_summary.peak_compression, x.client_summary.peak_compression / bw,
                             x.baseline_summary.peak_hip, x.client_summary.peak_hip, x.baseline_summary.peak_knee, x.client_summary.peak_knee,
                             x.feasible ? "enough" : "fall short");
  std::cout << fmt::format("  (NIOSH action limit {:.0f} N, maximum permissible {:.0f} N)\n\n", kNioshActionLimitN, kNioshMaximumPermissibleN);
  std::cout << "  weak links (restore one group to norm: change in peak L5/S1 load, summed over activities)\n";
  int rank = 0;
  for (const auto& w : a.weak_links) {
    if (++rank > 6) break;
    std::cout << fmt::format("  {}. {:<28} at {:>3.0f}% of norm: restore {:+6.0f} N; 10% weaker {:+6.0f} N\n", rank, w.group, 100 * w.client_factor,
                             w.restore_change, w.sensitivity_per_10pct);
  }
  std::cout << "\n";
  for (const auto& s : report["summary"]) std::cout << "  - " << s.get<std::string>() << "\n";
  std::cout << "\n";
}

// The report folder, checked before any computation and replaced as a whole at the end.
io::OutputSet report_folder(const std::string& folder) {
  return io::OutputSet(folder, io::OutputMode::WholeFolder, "-o", io::EarlierSet{assessment_report_files(), "report.json"});
}

void finish(const Assessment& a, const ReportContext& ctx, io::OutputSet& out, const std::string& who) {
  const nlohmann::json report = assessment_json(a, ctx);
  print_summary(a, report, who);
  print_warnings(a.warnings);
  write_assessment_report(out, a, report);
  const auto written = out.commit();
  std::cout << fmt::format("wrote {} files to {}: report.html (open in a browser), report.json, CSV tables\n", written.size(),
                           out.folder().string());
  if (!a.validity.valid())
    std::cout << "\n  INVALID RESULT (valid=false in report.json, report.html and the CSV tables; reason below)\n";
  a.validity.throw_if_invalid("assessment of " + who);
}

struct AssessOptions {
  std::string client, output = "weaklink_assessment";
  bool demo = false, print_demo = false;
  int threads = 0;
};

void run_assess(const AssessOptions& o) {
  if (o.print_demo) {
    std::cout << demo_client_json();
    return;
  }
  if (o.demo == !o.client.empty()) throw InputError("assess: give a client file or --demo (and not both)");
  io::OutputSet out = report_folder(o.output);
  const Client client = o.demo ? demo_client() : read_client(o.client);
  Progress progress;
  AssessmentOptions options;
  options.threads = o.threads;
  options.progress = [&](double f, const std::string& what) { progress(f, what); };
  const Assessment a = assess_client(client, options);
  progress.finish();
  ReportContext ctx;
  ctx.client_name = client.name;
  ctx.person = client.person;
  ctx.sitting = client.sitting;
  finish(a, ctx, out, fmt::format("{}, {} {:.0f} y, {:.2f} m, {:.0f} kg", client.name, to_string(client.person.sex),
                                       client.person.age_years, client.person.height_m, client.person.mass_kg));
}

struct WeaknessOptions {
  TrialInputs trial;
  std::string model, coordinates, external_loads, setup, weaken, output = "weaklink_weakness";
  std::vector<std::string> force_sets;
  int threads = 0;
};

void run_weakness(WeaknessOptions o) {
  o.trial.setup = o.setup;
  o.trial.model = o.model;
  o.trial.coordinates = o.coordinates;
  o.trial.external_loads = o.external_loads;
  for (const auto& f : o.force_sets) o.trial.force_sets.push_back(f);
  const auto weakenings = parse_weakenings(o.weaken, "--weaken");
  io::OutputSet out = report_folder(o.output);
  const LoadedTrial trial = load_trial(o.trial);
  Progress progress;
  AssessmentOptions options;
  options.threads = o.threads;
  options.progress = [&](double f, const std::string& what) { progress(f, what); };
  const Assessment a = assess_weakness(trial, weakenings, options);
  progress.finish();
  ReportContext ctx;
  ctx.kind = "weakness";
  ctx.client_name = fmt::format("{} with {}", trial.name, o.weaken);
  ctx.extra_limitations.push_back("Measured ground reactions are applied as recorded; the pelvis residual actuators of the force set "
                                  "absorb what the measured kinematics and loads leave unbalanced.");
  finish(a, ctx, out, ctx.client_name);
}

}  // namespace

void register_assess_commands(CLI::App& app) {
  auto* cmd = app.add_subcommand("assess", "Weak-link assessment of a client: lumbar, hip and knee loads at norm and at measured strength "
                                           "over daily activities, weak links ranked, evidence, HTML report (docs/assessment.md)");
  auto o = std::make_shared<AssessOptions>();
  cmd->add_option("CLIENT", o->client, "Client file (JSON; docs/assessment.md, 'Client file')");
  cmd->add_flag("--demo", o->demo, "Assess the built-in demo client (weak hip external rotators and vastus medialis)");
  cmd->add_flag("--print-demo-client", o->print_demo, "Print the demo client's file (a template for your own) and exit");
  cmd->add_option("-o,--output", o->output, "Output folder")->default_val("weaklink_assessment");
  cmd->add_option("--threads", o->threads, "Worker threads, 1 to 256 (default: all cores)")->check(CLI::Range(1, kMaxThreads));
  cmd->callback([o] { set_action([o] { run_assess(*o); }); });

  auto* w = app.add_subcommand("weakness", "Weaken muscle groups on an OpenSim model and trial and compare lumbar, hip and knee loads");
  auto wo = std::make_shared<WeaknessOptions>();
  w->add_option("--setup", wo->setup, "AnalyzeTool setup (static optimization): model, force sets, coordinates, external loads, times");
  w->add_option("--model", wo->model, "Model (.osim), overrides the setup's");
  w->add_option("--coordinates", wo->coordinates, "Coordinates (.mot/.sto), overrides the setup's");
  w->add_option("--external-loads", wo->external_loads, "ExternalLoads (.xml), overrides the setup's");
  w->add_option("--force-set", wo->force_sets, "Reserve/residual actuator file(s), override the setup's");
  w->add_option("--weaken", wo->weaken, "Groups and factors, e.g. \"hip external rotators=0.5,vastus medialis=0.6\"")->required();
  w->add_option("--start", wo->trial.start, "First time, s")->check(finite_number());
  w->add_option("--end", wo->trial.end, "Last time, s")->check(finite_number());
  w->add_option("--step", wo->trial.step, "Analyse every N-th row (OpenSim's step_interval, the rows analyze picks)")->default_val(1)->check(finite_range(1, 1e6));
  w->add_option("-o,--output", wo->output, "Output folder")->default_val("weaklink_weakness");
  w->add_option("--threads", wo->threads, "Worker threads, 1 to 256 (default: all cores)")->check(CLI::Range(1, kMaxThreads));
  w->callback([wo] { set_action([wo] { run_weakness(*wo); }); });
}

}  // namespace weaklink::cli

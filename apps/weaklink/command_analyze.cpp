// `weaklink analyze`: ID → SO → JR (+ lumbar loads) in one process, no intermediate files.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "core/thread_limit.hpp"
#include "option_checks.hpp"
#include "tools/analysis_pipeline.hpp"

namespace weaklink::cli {

void set_action(std::function<void()> f);

void register_analyze_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("analyze", "Inverse dynamics, static optimization, joint reactions and lumbar loads of a motion");
  auto o = std::make_shared<AnalysisPipelineOptions>();
  auto model = std::make_shared<std::string>(), motion = std::make_shared<std::string>();
  auto loads = std::make_shared<std::string>(), reserves = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>("weaklink_results");
  cmd->add_option("--model", *model, "OpenSim model (.osim)")->required();
  cmd->add_option("--motion", *motion, "Coordinates (.mot/.sto, e.g. from inverse kinematics)")->required();
  cmd->add_option("--external-loads", *loads, "ExternalLoads XML (ground reaction forces)");
  cmd->add_option("--reserves", *reserves, "ForceSet XML of reserve/residual actuators to add");
  cmd->add_option("-o,--output-dir", *out, "Folder for the results");
  cmd->add_option("--lowpass", o->lowpass_hz, "Low-pass cutoff for the coordinates in Hz (OpenSim's filter; default off)")
      ->check(finite_range(0.1, 1000, "Hz"));
  cmd->add_option("--start", o->start, "First time to analyse (s)")->check(finite_number());
  cmd->add_option("--end", o->end, "Last time to analyse (s)")->check(finite_number());
  cmd->add_option("--step", o->step, "Analyse every N-th row (OpenSim's step_interval)")->check(finite_range(1, 1e6));
  cmd->add_option("--activation-exponent", o->static_optimization.activation_exponent, "Static optimization exponent (default 2)")
      ->check(finite_range(1, 10));
  cmd->add_option("--threads", o->threads.threads, "Worker threads, 1 to 256 (default: all cores)")->check(CLI::Range(1, kMaxThreads));
  cmd->callback([=] {
    set_action([=] {
      AnalysisPipelineOptions opt = *o;
      opt.model = *model;
      opt.motion = *motion;
      opt.external_loads = *loads;
      opt.reserves = *reserves;
      opt.output_dir = *out;
      const RunToolReport r = run_analysis_pipeline(opt);
      print_warnings(r.warnings);
      std::cout << r.frames << " frames analysed\n";
      for (const auto& p : r.written) std::cout << "wrote " << terminal_safe(p.string()) << "\n";
      if (!r.validity.valid()) std::cout << "INVALID RESULT (valid=false in every file; reason below)\n";
      r.validity.throw_if_invalid("analyze");
    });
  });
}

}  // namespace weaklink::cli

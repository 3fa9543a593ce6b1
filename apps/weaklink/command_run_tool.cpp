// `weaklink run-tool SETUP.xml`: runs OpenSim setup files as `opensim-cmd run-tool` does.
#include <functional>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "core/thread_limit.hpp"
#include "tools/analyze_tool.hpp"

namespace weaklink::cli {

void set_action(std::function<void()> f);

void register_run_tool_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("run-tool", "Run an OpenSim setup file (AnalyzeTool: BodyKinematics, MuscleAnalysis, InverseDynamics, StaticOptimization, JointReaction; InverseDynamicsTool)");
  auto setup = std::make_shared<std::string>();
  auto opt = std::make_shared<RunToolOptions>();
  auto model = std::make_shared<std::string>();
  auto results = std::make_shared<std::string>();
  cmd->add_option("SETUP", *setup, "OpenSim setup XML file")->required();
  cmd->add_option("--model", *model, "Use this model instead of the setup's model_file");
  cmd->add_option("--results-dir", *results, "Write results here instead of the setup's results_directory");
  auto threads = std::make_shared<int>(0);
  cmd->add_option("--threads", *threads, "Worker threads for frame loops, 1 to 256 (default: all cores)")->check(CLI::Range(1, kMaxThreads));
  cmd->callback([=] {
    set_action([=] {
      RunToolOptions o;
      o.model_override = *model;
      o.results_override = *results;
      o.threads = *threads;
      const RunToolReport r = run_tool(*setup, o);
      print_warnings(r.warnings);
      std::cout << r.frames << " frames analysed\n";
      for (const auto& p : r.written) std::cout << "wrote " << terminal_safe(p.string()) << "\n";  // setup paths may hold control characters
      if (!r.validity.valid()) std::cout << "INVALID RESULT (valid=false in every file; reason below)\n";
      r.validity.throw_if_invalid("run-tool");
    });
  });
}

}  // namespace weaklink::cli

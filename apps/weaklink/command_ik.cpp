// `weaklink ik --model M.osim --markers M.trc [--setup S.xml] [-o out.mot] [--threads N]`:
// inverse kinematics (docs/opensim-semantics.md#inverse-kinematics) with or without an OpenSim InverseKinematicsTool
// setup. Without a setup every marker of the file that the model has is tracked with weight 1 over the
// whole trial; with one, its tasks, time range and outputs are used and the flags override its
// files. Outputs as OpenSim's (docs/opensim-semantics.md#inverse-kinematics): the .mot and
// `<name>_ik_marker_errors.sto` beside it.
#include <functional>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "core/thread_limit.hpp"
#include "tools/inverse_kinematics_tool.hpp"

namespace weaklink::cli {

void set_action(std::function<void()> f);

namespace {

struct IkArgs {
  std::string model, markers, setup, output, results;
  int threads = 1;
};

void run_ik(const IkArgs& a) {
  namespace fs = std::filesystem;
  InverseKinematicsSetup s;
  if (!a.setup.empty()) {
    s = read_inverse_kinematics_setup(a.setup);
  } else {
    s.tool_name = fs::path(a.markers).stem().string();
    s.results_directory = a.output.empty() ? fs::path(".") : fs::path(a.output).parent_path();
    if (s.results_directory.empty()) s.results_directory = ".";
  }
  if (!a.model.empty()) {
    s.model_file = a.model;
    s.model_source.clear();  // its errors no longer name the setup
  }
  if (!a.markers.empty()) {
    s.marker_file = a.markers;
    s.marker_source.clear();
  }
  if (!a.results.empty()) put_outputs_in(s, a.results, a.setup);  // the setup's motion file too
  if (!a.output.empty()) s.output_motion_file = a.output;
  else if (a.setup.empty()) s.output_motion_file = s.results_directory / (s.tool_name + "_ik.mot");
  s.threads = a.threads;
  const RunToolReport r = run_inverse_kinematics_setup(s);
  print_warnings(r.warnings);
  std::cout << r.frames << " frames solved\n";
  for (const auto& p : r.written) std::cout << "wrote " << terminal_safe(p.string()) << "\n";  // setup paths may hold control characters
  if (!r.validity.valid()) std::cout << "INVALID RESULT (valid=false in every file; reason below)\n";
  r.validity.throw_if_invalid("ik");
}

}  // namespace

void register_ik_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("ik", "Inverse kinematics from marker trajectories (OpenSim's IK tool)");
  auto args = std::make_shared<IkArgs>();
  cmd->add_option("--model", args->model, "Model file (.osim); overrides the setup's model_file");
  cmd->add_option("--markers", args->markers, "Marker file (.trc, or .sto with <marker>_x/_y/_z columns)");
  cmd->add_option("--setup", args->setup, "OpenSim InverseKinematicsTool setup (.xml): tasks, weights, time range");
  cmd->add_option("-o,--output", args->output, "Output motion file (.mot); default <markers>_ik.mot");
  cmd->add_option("--results-dir", args->results, "Folder for the marker error files (and, with --setup, the setup's motion file)");
  cmd->add_option("--threads", args->threads, "Worker threads (results do not depend on it)")->check(CLI::Range(1, kMaxThreads));
  cmd->callback([args] {
    if (args->setup.empty() && (args->model.empty() || args->markers.empty()))
      throw CLI::RequiredError("--model and --markers (or --setup)");
    set_action([args] { run_ik(*args); });
  });
}

}  // namespace weaklink::cli

// weaklink command-line interface. Exit codes: 0 success, 1 bad input (file, value), 2 usage.
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"weaklink: how weak links in the hip and knee chain load the lower back.\n"
               "A fast musculoskeletal engine that reads OpenSim models and data."};
  app.set_version_flag("--version", std::string("weaklink ") + weaklink::version());
  app.require_subcommand(1);
  weaklink::cli::register_model_commands(app);
  weaklink::cli::register_run_tool_command(app);
  weaklink::cli::register_analyze_command(app);
  weaklink::cli::register_data_commands(app);
  weaklink::cli::register_ik_command(app);
  weaklink::cli::register_simulate_commands(app);
  weaklink::cli::register_assess_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  try {
    weaklink::cli::run_selected(app);
  } catch (const weaklink::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return 3;
  }
  return 0;
}

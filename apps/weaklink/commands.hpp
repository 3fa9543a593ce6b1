#pragma once
// Subcommand registration; each command file owns its options and its handler.
#include <CLI/CLI.hpp>

namespace weaklink::cli {
void register_model_commands(CLI::App& app);
void register_run_tool_command(CLI::App& app);
void register_analyze_command(CLI::App& app);
void register_data_commands(CLI::App& app);
void register_ik_command(CLI::App& app);
void register_simulate_commands(CLI::App& app);
void register_assess_commands(CLI::App& app);
// Runs the handler of the subcommand the user chose (set as callbacks by the register_ calls).
void run_selected(CLI::App& app);
}  // namespace weaklink::cli

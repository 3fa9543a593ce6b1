#pragma once
// Subcommand registration; each command file owns its options and its handler.
#include <CLI/CLI.hpp>

#include <sstream>
#include <string>
#include <string_view>
#include <vector>

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
// A message for the terminal: control characters (escape sequences from an input file's names)
// shown as \xNN; line breaks and tabs kept.
std::string terminal_safe(std::string_view message);
// While alive, collects what is written to std::cout and prints it made terminal-safe when it
// goes out of scope: for reports that print names taken from input files.
class TerminalSafeStdout {
 public:
  TerminalSafeStdout();
  ~TerminalSafeStdout();
  TerminalSafeStdout(const TerminalSafeStdout&) = delete;
  TerminalSafeStdout& operator=(const TerminalSafeStdout&) = delete;

 private:
  std::ostringstream buffer_;
  std::streambuf* saved_;
};
// "warning: ..." lines on stderr, made terminal-safe.
void print_warnings(const std::vector<std::string>& warnings);
}  // namespace weaklink::cli

// weaklink command-line interface. Exit codes: 0 success, 1 bad input (file, value), 2 usage,
// 3 internal error, 4 a result that breaks physics (written with valid: false and the reason).
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/version.hpp"

namespace weaklink::cli {

// Messages quote input files; whatever a reader let through, no control character (an escape
// sequence could rewrite the terminal) reaches the screen. Line breaks stay: messages use them.
std::string terminal_safe(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  for (const char ch : message) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) out += fmt::format("\\x{:02x}", c);
    else out += ch;
  }
  return out;
}

TerminalSafeStdout::TerminalSafeStdout() : saved_(std::cout.rdbuf(buffer_.rdbuf())) {}

TerminalSafeStdout::~TerminalSafeStdout() {
  std::cout.rdbuf(saved_);
  std::cout << terminal_safe(buffer_.str()) << std::flush;
}

void print_warnings(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) std::cerr << "warning: " << terminal_safe(w) << "\n";
}

}  // namespace weaklink::cli

using weaklink::cli::terminal_safe;

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
    std::cerr << "error: " << terminal_safe(e.what()) << "\n";
    return 1;
  } catch (const weaklink::InvalidResultError& e) {
    std::cerr << "invalid result: " << terminal_safe(e.what()) << "\n";
    return 4;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << terminal_safe(e.what()) << "\n";
    return 3;
  }
  return 0;
}

// `weaklink data info FILE`: what a .trc, .mot or .sto file holds (rows, columns, time, units).
#include <functional>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "core/error.hpp"
#include "io/storage.hpp"
#include "io/trc.hpp"

namespace weaklink::cli {

void set_action(std::function<void()> f);

namespace {
void print_data_info(const std::string& path) {
  const TerminalSafeStdout safe;  // names and labels come from the file
  if (io::content_extension(path) == ".trc") {  // walk.trc and walk.trc.gz
    const io::MarkerTable m = io::read_trc(path);
    print_warnings(m.warnings);
    std::cout << fmt::format("{}: {} frames, {} markers, {} Hz, units '{}'\n", path, m.time.size(), m.names.size(),
                             m.data_rate, m.units);
    if (!m.time.empty()) std::cout << fmt::format("time {} .. {} s\n", m.time.front(), m.time.back());
    int missing = 0;
    for (Eigen::Index i = 0; i < m.xyz.size(); ++i) missing += std::isnan(m.xyz.data()[i]) ? 1 : 0;
    std::cout << fmt::format("missing marker values: {}\n", missing / 3);
    return;
  }
  const io::Table t = io::read_storage(path);
  print_warnings(t.warnings);
  std::cout << fmt::format("{}: '{}', {} rows, {} columns besides time, {}\n", path, t.name, t.time.size(), t.labels.size(),
                           t.in_degrees ? "angles in degrees" : "angles in radians");
  if (!t.time.empty()) std::cout << fmt::format("time {} .. {} s\n", t.time.front(), t.time.back());
  for (std::size_t i = 0; i < t.labels.size(); ++i) std::cout << (i % 8 == 0 ? "\n  " : " ") << t.labels[i];
  std::cout << "\n";
}
}  // namespace

void register_data_commands(CLI::App& app) {
  auto* data = app.add_subcommand("data", "Inspect data files (.trc, .mot, .sto)");
  data->require_subcommand(1);
  auto* info = data->add_subcommand("info", "Rows, columns, time range and units of a .trc, .mot or .sto file");
  auto path = std::make_shared<std::string>();
  info->add_option("FILE", *path, "data file")->required();
  info->callback([path] { set_action([path] { print_data_info(*path); }); });
}

}  // namespace weaklink::cli

// `weaklink model info MODEL.osim`
#include <functional>
#include <iostream>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "option_checks.hpp"
#include "chain/client/strength_profile.hpp"
#include "core/error.hpp"
#include "io/osim_reader.hpp"
#include "io/osim_writer.hpp"
#include "io/output_set.hpp"
#include "kinematics/center_of_mass.hpp"
#include "generic_model/generic_model.hpp"
#include "model/model.hpp"

namespace weaklink::cli {

namespace {
std::function<void()> g_action;  // set by the chosen subcommand's callback, run by run_selected

const char* motion_name(MotionType t) {
  switch (t) {
    case MotionType::Rotational: return "rotational";
    case MotionType::Translational: return "translational";
    case MotionType::Coupled: return "coupled";
  }
  return "?";
}


// Side of a muscle from OpenSim's naming convention (name ending in _r / _l).
std::string side_of(const std::string& name) {
  if (name.size() > 2 && name.compare(name.size() - 2, 2, "_r") == 0) return "right";
  if (name.size() > 2 && name.compare(name.size() - 2, 2, "_l") == 0) return "left";
  return "unsided";
}

void print_model_info(const std::string& path) {
  const TerminalSafeStdout safe;  // names come from the model file
  const ModelSpec spec = io::read_osim(path);
  const Model m = compile_model(spec);
  std::cout << fmt::format("model '{}' ({}, document version {})\n", m.name, path, spec.document_version);
  const double mass = calc_total_mass(m);
  std::cout << fmt::format("\nbodies ({}, total mass {:.3f} kg):\n", m.bodies.size() - 1, mass);
  for (std::size_t b = 1; b < m.bodies.size(); ++b)
    std::cout << fmt::format("  {:<16} {:8.3f} kg\n", m.bodies[b].name, m.bodies[b].mass);
  std::cout << fmt::format("\njoints ({}, tree order):\n", m.joints.size());
  for (const auto& j : m.joints) {
    std::string coords;
    for (int c = j.first_coordinate; c < j.first_coordinate + j.num_coordinates; ++c)
      coords += (coords.empty() ? "" : ", ") + m.coordinates[c].name;
    std::cout << fmt::format("  {:<16} {:<14} {} -> {}  [{}]\n", j.name, joint_class_name(j.type), m.bodies[j.parent_body].name,
                             m.bodies[j.child_body].name, coords);
  }
  std::cout << fmt::format("\ncoordinates ({}):\n", m.coordinates.size());
  for (const auto& c : m.coordinates) {
    const bool rot = c.motion_type == MotionType::Rotational;
    const double k = rot ? 180.0 / M_PI : 1.0;
    std::string flags;
    if (c.locked) flags += " locked";
    if (c.clamped) flags += " clamped";
    if (c.coupler >= 0) flags += " coupled-to:" + m.coordinates[m.couplers[c.coupler].independent].name;
    std::cout << fmt::format("  {:<22} {:<13} range [{:.4g}, {:.4g}] {} default {:.4g}{}\n", c.name, motion_name(c.motion_type),
                             c.range_min * k, c.range_max * k, rot ? "deg" : (c.motion_type == MotionType::Coupled ? "(as is)" : "m"),
                             c.default_value * k, flags);
  }
  std::map<std::string, std::vector<std::string>> groups;
  for (const auto& mu : m.muscles) groups[side_of(mu.name)].push_back(mu.name);
  std::cout << fmt::format("\nmuscles ({}):\n", m.muscles.size());
  for (const auto& [side, names] : groups) {
    std::cout << fmt::format("  {} ({}):", side, names.size());
    for (std::size_t i = 0; i < names.size(); ++i) std::cout << (i % 8 == 0 ? "\n    " : " ") << names[i];
    std::cout << "\n";
  }
  if (!m.actuators.empty()) {
    std::cout << fmt::format("\nother actuators ({}):", m.actuators.size());
    for (std::size_t i = 0; i < m.actuators.size(); ++i) std::cout << (i % 8 == 0 ? "\n    " : " ") << m.actuators[i].name;
    std::cout << "\n";
  }
  if (!m.passive_forces.empty()) {
    std::cout << fmt::format("\npassive force elements ({}, modelled in inverse dynamics, static optimization and joint reactions):",
                             m.passive_forces.size());
    for (std::size_t i = 0; i < m.passive_forces.size(); ++i) std::cout << (i % 8 == 0 ? "\n    " : " ") << m.passive_forces[i].name;
    std::cout << "\n";
  }
  std::cout << fmt::format("\nmarkers ({}):", m.markers.size());
  for (std::size_t i = 0; i < m.markers.size(); ++i) std::cout << (i % 10 == 0 ? "\n    " : " ") << m.markers[i].name;
  std::cout << fmt::format("\n\nwrap objects: {}   coupler constraints: {}\n", m.wrap_objects.size(), m.couplers.size());
  if (!m.warnings.empty() || !m.unsupported.empty()) {
    std::cout << fmt::format("\nwarnings ({}):\n", m.warnings.size() + m.unsupported.size());
    for (const auto& w : m.warnings) std::cout << "  - " << w << "\n";
    for (const auto& u : m.unsupported) std::cout << "  - unsupported " << u.tag << " at " << u.where << ": " << u.effect << "\n";
  } else {
    std::cout << "\nwarnings: none (everything in the file is modelled)\n";
  }
}
struct GenericOptions {
  double height = 1.75, mass = 72, age = 40;
  std::string sex = "female", strength, output;
};

void export_generic_model(const GenericOptions& o) {
  Person person;
  person.height_m = o.height;
  person.mass_kg = o.mass;
  person.age_years = o.age;
  person.sex = parse_sex(o.sex, "--sex");
  validate_person(person, "options");
  // The model file is a set of one in its folder: checked now, replaced at once at the end.
  const std::filesystem::path target(o.output);
  if (target.empty() || target.filename().empty() || target.filename() == "." || target.filename() == ".." ||
      [&] { std::error_code ec; return std::filesystem::is_directory(target, ec); }())
    throw InputError(fmt::format("-o '{}': expected an output file name (.osim), not a folder", quote_input(o.output, 200)));
  io::OutputSet out(target.has_parent_path() ? target.parent_path() : std::filesystem::path("."), io::OutputMode::SharedFolder, "-o");
  ModelSpec spec = build_generic_model(person);
  if (!o.strength.empty()) {
    const StrengthProfile profile = read_strength_profile(o.strength);
    // Fitted on the compiled model, then written into the exported spec.
    const Model model = compile_model(spec);
    const FittedStrength fitted = fit_strength_profile(model, person, profile, GenericTables::builtin());
    write_strength(spec, model, fitted.strength);
    std::cout << fmt::format("strength from {}:\n", o.strength);
    for (const auto& a : fitted.adjustments) {
      if (a.target_torque > 0)
        std::cout << fmt::format("  {:<32} {:<24} x{:.2f}  model {:.1f} -> {:.1f} N·m (target {:.1f}: {})\n", a.test, a.group, a.factor,
                                 a.model_torque_before, a.model_torque_after, a.target_torque, a.basis);
      else
        std::cout << fmt::format("  {:<32} {:<24} x{:.2f}  ({})\n", a.test, a.group, a.factor, a.basis);
      print_warnings(a.warnings);
    }
  }
  out.write(target.filename().string(), io::osim_text(spec));
  out.commit();
  std::cout << fmt::format("wrote {} ({} bodies, {} coordinates, {} muscles) for a {} of {:.2f} m, {:.1f} kg, {:.0f} years\n", o.output,
                           spec.bodies.size(), [&] {
                             std::size_t n = 0;
                             for (const auto& j : spec.joints) n += j.coordinates.size();
                             return n;
                           }(),
                           spec.muscles.size(), to_string(person.sex), person.height_m, person.mass_kg, person.age_years);
}

}  // namespace

void register_model_commands(CLI::App& app) {
  auto* model = app.add_subcommand("model", "Inspect and export models");
  model->require_subcommand(1);
  auto* info = model->add_subcommand("info", "List bodies, joints, coordinates, muscles, markers and warnings of an .osim model");
  auto path = std::make_shared<std::string>();
  info->add_option("MODEL", *path, "OpenSim model file (.osim)")->required();
  info->callback([path] { g_action = [path] { print_model_info(*path); }; });

  auto* generic = model->add_subcommand("generic", "Build weaklink's own full-body model for a person and write it as an .osim file");
  auto o = std::make_shared<GenericOptions>();
  generic->add_option("--height", o->height, "Standing height, m")->required()->check(finite_number());
  generic->add_option("--mass", o->mass, "Body mass, kg")->required()->check(finite_number());
  generic->add_option("--sex", o->sex, "female or male (selects de Leva 1996's segment parameters and the strength norms)")->required();
  generic->add_option("--age", o->age, "Age, years (selects the strength norms)")->default_val(40)->check(finite_number());
  generic->add_option("--strength", o->strength, "Strength tests or what-if weaknesses (JSON; see docs/generic-model.md)");
  generic->add_option("-o,--output", o->output, "Output .osim file")->required();
  generic->callback([o] { g_action = [o] { export_generic_model(*o); }; });
}

void run_selected(CLI::App&) {
  if (g_action) g_action();
}

// Lets other command files register their action through the same slot.
void set_action(std::function<void()> f) { g_action = std::move(f); }

}  // namespace weaklink::cli

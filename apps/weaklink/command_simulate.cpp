// `weaklink simulate ACTIVITY` and `weaklink activities`: the activity library on the generic
// model (or an OpenSim model), contact forces solved with the muscles.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "chain/activities/activity.hpp"
#include "chain/motion/activity_motion.hpp"
#include "chain/activities/contact_sites.hpp"
#include "chain/simulation/simulate_activity.hpp"
#include "chain/client/strength_profile.hpp"
#include "core/error.hpp"
#include "io/osim_reader.hpp"
#include "io/output_set.hpp"
#include "io/storage.hpp"
#include "generic_model/generic_model.hpp"
#include "generic_model/generic_tables.hpp"
#include "generic_model/person.hpp"
#include "tools/unmodelled_forces.hpp"
#include "commands.hpp"
#include "option_checks.hpp"

namespace weaklink::cli {

void set_action(std::function<void()> f);

namespace {

struct SimulateOptions {
  std::string activity, activity_file, model, sex = "female", strength, output = ".";
  double height = 1.75, mass = 72, age = 40;
  std::vector<std::string> params;
};

// Every table carries the result's validity in its header (valid=true, or valid=false and why)
// and names the model's force elements that are not modelled.
io::Table table(const Model& model, const std::string& name, const std::vector<double>& time, std::vector<std::string> labels,
                Eigen::MatrixXd data, const ResultValidity& validity) {
  io::Table t;
  t.metadata = validity.header();
  note_unmodelled_forces(model, t);
  t.name = name;
  t.time = time;
  t.labels = std::move(labels);
  t.data = std::move(data);
  return t;
}

// Stages the activity's files (<activity>_*.mot/.sto) in `out`, a folder other runs share.
void write_results(const Model& model, const ActivityResult& r, io::OutputSet& out) {
  const auto& time = r.motion.motion.time;
  const int n = static_cast<int>(time.size());
  const std::string base = r.activity + "_";
  {  // kinematics, degrees for rotations (as OpenSim's .mot)
    io::Table t = table(model, "Coordinates", time, {}, r.motion.motion.q, r.validity);
    t.in_degrees = true;
    for (int c = 0; c < model.nq(); ++c) {
      t.labels.push_back(model.coordinates[static_cast<std::size_t>(c)].name);
      if (model.coordinates[static_cast<std::size_t>(c)].motion_type == MotionType::Rotational) t.data.col(c) *= 180.0 / M_PI;
    }
    out.write_storage((base + "kinematics.mot"), t);
  }
  {
    std::vector<std::string> labels;
    for (const auto& p : r.motion.contacts.pairs) {
      const std::string s = p.name + "_on_" + r.motion.contacts.surfaces[static_cast<std::size_t>(p.surface)].name;
      for (const char* a : {"_Fx", "_Fy", "_Fz"}) labels.push_back(s + a);
    }
    out.write_storage((base + "contact_forces.sto"), table(model, "ContactForces", time, labels, r.contact_forces, r.validity));
  }
  out.write_storage((base + "activations.sto"), table(model, "Activations", time, r.actuator_names, r.activations, r.validity));
  out.write_storage((base + "muscle_forces.sto"), table(model, "MuscleForces", time, r.actuator_names, r.forces, r.validity));
  {
    std::vector<std::string> labels;
    for (int c : r.reserve_coordinates) labels.push_back(model.coordinates[static_cast<std::size_t>(c)].name + "_reserve");
    out.write_storage((base + "reserves.sto"), table(model, "Reserves", time, labels, r.reserves, r.validity));
  }
  {
    Eigen::MatrixXd d(n, 13);
    for (int i = 0; i < n; ++i) {
      const JointLoads& j = r.joints[static_cast<std::size_t>(i)];
      d.row(i) << j.lumbar_compression, j.lumbar_shear_ap, j.lumbar_shear_lateral, j.hip_r, j.hip_l, j.knee_r, j.knee_l,
          r.equilibrium.row(i);
    }
    out.write_storage((base + "joint_loads.sto"),
                      table(model, "JointLoads", time,
                            {"L5S1_compression", "L5S1_shear_anterior", "L5S1_shear_right", "hip_r_contact", "hip_l_contact",
                             "knee_r_contact", "knee_l_contact", "residual_Fx", "residual_Fy", "residual_Fz", "residual_Mx",
                             "residual_My", "residual_Mz"},
                            d, r.validity));
  }
}

void run_simulate(const SimulateOptions& o) {
  if (o.activity.empty() == o.activity_file.empty())
    throw InputError("simulate: give either an ACTIVITY name (weaklink activities lists them) or --activity-file FILE");
  const Activity activity = o.activity_file.empty() ? find_activity(o.activity) : read_activity_file(o.activity_file);
  const ActivityParameters params = activity_parameters(activity, o.params);
  io::OutputSet out(o.output, io::OutputMode::SharedFolder, "-o");
  ModelSpec spec;
  std::optional<Person> person;
  if (!o.model.empty()) {
    spec = io::read_osim(o.model);
  } else {
    person = Person{o.height, o.mass, parse_sex(o.sex, "--sex"), o.age};
    validate_person(*person, "options");
    spec = build_generic_model(*person);
  }
  const Model model = compile_model(with_contact_sites(spec));
  // The person's strength, fitted on the model and passed to the solver as a scale per actuator.
  Eigen::VectorXd strength;
  if (person && !o.strength.empty())
    strength = actuator_strength_scale(
        model, strength_scale(model, fit_strength_profile(model, *person, read_strength_profile(o.strength), GenericTables::builtin()).strength));
  const ActivityPlan plan = activity.plan(params);
  const ActivityMotion motion = build_activity_motion(model, plan, activity.name);
  const ActivityResult r = simulate_activity(model, activity.name, motion, SimulationOptions{}, strength);
  write_results(model, r, out);

  double compression = 0, shear = 0, hip = 0, knee = 0, reserve = 0;
  for (const auto& j : r.joints) {
    compression = std::max(compression, j.lumbar_compression);
    shear = std::max(shear, std::abs(j.lumbar_shear_ap));
    hip = std::max({hip, j.hip_r, j.hip_l});
    knee = std::max({knee, j.knee_r, j.knee_l});
  }
  for (const auto& f : r.frames) reserve = std::max(reserve, f.coordinate_reserve_max);
  const double bw = r.body_weight;
  std::cout << fmt::format("{}: {}\n", activity.name, activity.description);
  std::cout << fmt::format("  peak L5/S1 compression {:.0f} N ({:.2f} x body weight; NIOSH action limit 3400 N)\n", compression, compression / bw);
  std::cout << fmt::format("  peak L5/S1 anterior shear {:.0f} N, hip contact {:.2f} BW, knee contact {:.2f} BW\n", shear, hip / bw, knee / bw);
  std::cout << fmt::format("  whole-body equilibrium residual: {:.2g} N, {:.2g} N·m (contacts solved; should be ~0)\n", max_residual_force(r),
                           max_residual_moment(r));
  std::cout << fmt::format("  largest coordinate reserve: {:.1f} N·m (where the muscles fall short)\n", reserve);
  std::cout << fmt::format("  pose: anchors met within {:.1f} mm, balance within {:.1f} mm\n", 1000 * motion.max_anchor_error,
                           1000 * motion.max_balance_error);
  print_warnings(r.warnings);
  print_warnings(unmodelled_force_warnings(model, "the simulated muscle forces and joint loads"));
  out.commit();
  std::cout << fmt::format("wrote {}/{}_*.mot/.sto\n", o.output, activity.name);
  if (!r.validity.valid()) std::cout << "  INVALID RESULT (valid=false in every file; reason below)\n";
  r.validity.throw_if_invalid("simulate " + activity.name);
}

// `weaklink activities`: the library with its parameters; with --show NAME, one activity's data file.
void list_activities(const std::string& show) {
  if (!show.empty()) {
    std::cout << find_activity(show).json;
    return;
  }
  for (const auto& a : activity_library()) {
    std::cout << fmt::format("{:<32} {}\n", a.name, a.description);
    for (const auto& p : a.parameters)
      std::cout << fmt::format("    {:<14} {:>8g} {:<10} [{:g}, {:g}]  {}\n", p.name, p.value, p.unit, p.min, p.max, p.description);
  }
}

}  // namespace

void register_simulate_commands(CLI::App& app) {
  auto* cmd = app.add_subcommand("simulate", "Simulate an activity (weaklink activities lists them): contact forces, muscles, joint and lumbar loads");
  auto o = std::make_shared<SimulateOptions>();
  cmd->add_option("ACTIVITY", o->activity, "Activity name (or --activity-file)");
  cmd->add_option("--activity-file", o->activity_file, "Your own activity as a JSON file (docs/activity-format.md)");
  cmd->add_option("--model", o->model, "OpenSim model (.osim) with gait2392/Rajagopal coordinate names; default: the generic model");
  cmd->add_option("--height", o->height, "Generic model: standing height, m")->default_val(1.75)->check(finite_number());
  cmd->add_option("--mass", o->mass, "Generic model: body mass, kg")->default_val(72)->check(finite_number());
  cmd->add_option("--sex", o->sex, "Generic model: female or male")->default_val("female");
  cmd->add_option("--age", o->age, "Generic model: age, years")->default_val(40)->check(finite_number());
  cmd->add_option("--strength", o->strength, "Generic model: strength tests or what-if weaknesses (JSON)");
  cmd->add_option("--param", o->params, "Activity parameter key=value (repeatable)");
  cmd->add_option("-o,--output", o->output, "Output folder")->default_val(".");
  cmd->callback([o] { set_action([o] { run_simulate(*o); }); });

  auto* list = app.add_subcommand("activities", "List the built-in activities and their parameters");
  auto show = std::make_shared<std::string>();
  list->add_option("--show", *show, "Print one activity's data file (JSON, docs/activity-format.md)");
  list->callback([show] { set_action([show] { list_activities(*show); }); });
}

}  // namespace weaklink::cli

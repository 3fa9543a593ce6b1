#include "tools/inverse_dynamics_tool.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "core/ascii_lower.hpp"
#include "core/error.hpp"
#include "dynamics/external_forces.hpp"
#include "dynamics/inverse_dynamics.hpp"
#include "dynamics/passive_forces.hpp"
#include "io/osim_reader.hpp"
#include "io/output_set.hpp"
#include "io/storage.hpp"
#include "io/xml_document.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "tools/coordinate_filter.hpp"
#include "tools/coordinate_splines.hpp"
#include "tools/held_outputs.hpp"
#include "tools/setup_paths.hpp"
#include "tools/unmodelled_forces.hpp"

namespace weaklink {

namespace fs = std::filesystem;

RunToolReport run_inverse_dynamics_tool(const fs::path& setup_path, const RunToolOptions& opt) {
  io::XmlDocument doc(setup_path);
  const auto tool = require_setup_tool(doc, setup_path, "InverseDynamicsTool");
  const fs::path dir = setup_path.parent_path();
  RunToolReport report;

  const fs::path model_path = setup_model_file(doc, tool, dir, opt.model_override);
  const std::string coords_name = doc.text(tool, "coordinates_file");
  if (coords_name.empty()) doc.fail(tool, "expected <coordinates_file>");
  const std::vector<double> range = doc.numbers(tool, "time_range");
  if (!range.empty() && range.size() != 2) doc.fail(tool.child("time_range"), "expected two numbers (start and end time)");
  const double t_from = range.empty() ? -INFINITY : range[0], t_to = range.empty() ? INFINITY : range[1];
  const double cutoff = setup_lowpass_cutoff(doc, tool);
  // output_gen_force_file is a file name inside the results directory (OpenSim joins the two).
  std::string out_name = io::output_file_name(doc.text(tool, "output_gen_force_file", "inverse_dynamics.sto"), setup_path.string(),
                                              fmt::format("line {} <output_gen_force_file>", doc.line_of(tool.child("output_gen_force_file"))));
  if (out_name.size() < 4 || out_name.substr(out_name.size() - 4) != ".sto") out_name += ".sto";
  const fs::path results_dir = setup_results_directory(doc, tool, dir, opt.results_override);
  // Checked before any computation; with --results-dir the file lands inside it.
  io::OutputSet outputs(results_dir, io::OutputMode::SharedFolder, setup_results_source(setup_path, opt.results_override));
  bool exclude_muscles = false, exclude_all = false;
  std::vector<std::string> excluded_names;  // entries other than the keywords: force names
  for (const auto& w : doc.words(tool, "forces_to_exclude")) {
    const std::string k = ascii_lower(w);
    if (k == "muscles" || k == "all" || k == "actuators") exclude_muscles = true;
    if (k == "all") exclude_all = true;
    else if (k != "muscles" && k != "actuators") excluded_names.push_back(w);
  }
  if (!doc.words(tool, "joints_to_report_body_forces").empty())
    report.warnings.push_back("joints_to_report_body_forces: body forces are not written yet (use `weaklink analyze` for joint reactions)");

  const pugi::xml_node model_element = opt.model_override.empty() ? tool.child("model_file") : pugi::xml_node();
  const ModelSpec spec = read_named_by_setup(doc, model_element, [&] { return io::read_osim(model_path); });
  Model model = read_named_by_setup(doc, model_element, [&] { return compile_model(spec); });
  report.warnings.insert(report.warnings.end(), model.warnings.begin(), model.warnings.end());
  // forces_to_exclude (docs/opensim-semantics.md#passive-forces): All removes every ForceSet member; a name removes
  // that force. Passive elements are not actuators: the Muscles and Actuators keywords keep them.
  for (const auto& name : excluded_names) {
    if (std::find(spec.force_order.begin(), spec.force_order.end(), name) == spec.force_order.end())
      report.warnings.push_back("forces_to_exclude: '" + quote_input(name) + "' is not a force of the model (ForceSet groups are not read); nothing excluded for it");
  }
  auto excluded = [&](const std::string& name) {
    return exclude_all || std::find(excluded_names.begin(), excluded_names.end(), name) != excluded_names.end();
  };
  model.passive_forces.erase(std::remove_if(model.passive_forces.begin(), model.passive_forces.end(),
                                            [&](const PassiveForce& f) { return excluded(f.name); }),
                             model.passive_forces.end());
  for (auto& u : model.unsupported)
    if (u.unmodelled_force && excluded(u.name)) u.unmodelled_force = false;
  for (auto& w : unmodelled_force_warnings(model, "the inverse dynamics results")) report.warnings.push_back(std::move(w));
  if (!exclude_muscles && !model.muscles.empty())
    report.warnings.push_back("forces_to_exclude does not exclude Muscles: OpenSim would add muscle forces in their default state; weaklink leaves them out");

  const ExternalForces external = setup_external_loads(doc, tool, dir, model);

  const fs::path coords_path = resolve_setup_path(dir, coords_name);
  if (!fs::exists(coords_path))
    doc.fail(tool.child("coordinates_file"), "coordinates file '" + quote_input(coords_path.string(), 200) + "' does not exist");
  const CoordinateSplines splines = read_named_by_setup(doc, tool.child("coordinates_file"), [&] {
    io::Table coords = io::read_storage(coords_path);
    if (cutoff >= 0) coords = lowpass_coordinates(coords, cutoff, coords_path.string());
    return CoordinateSplines(model, coords, coords_path.string());
  });
  report.warnings.insert(report.warnings.end(), splines.warnings().begin(), splines.warnings().end());
  for (const auto& m : splines.missing())
    report.warnings.push_back("coordinate '" + quote_input(m) + "' is not in " + coords_path.filename().string() + "; held at its default value as OpenSim does");

  // Rows (docs/opensim-semantics.md#inverse-dynamics): from the last row at or before the start to the last at or
  // before the end.
  const std::vector<double>& time = splines.time();
  const double t_start = std::max(time.front(), t_from), t_end = std::min(time.back(), t_to);
  int r0 = 0, r1 = -1;
  for (int i = 0; i < static_cast<int>(time.size()); ++i) {
    if (time[i] <= t_start) r0 = i;
    if (time[i] <= t_end) r1 = i;
  }
  if (r1 < r0) throw_input_error(setup_path.string(), "<time_range>", "selects no rows of the coordinates file");
  if (const std::string w = external.coverage_warning(time[r0], time[r1]); !w.empty()) report.warnings.push_back(w);

  const int nq = model.nq();
  io::Table out;
  out.name = "Inverse Dynamics Generalized Forces";
  out.in_degrees = false;
  for (int c : model.tree_coordinate_order)
    out.labels.push_back(model.coordinates[c].name +
                         (model.coordinates[c].motion_type == MotionType::Rotational ? "_moment" : "_force"));
  out.data.resize(r1 - r0 + 1, nq);
  Data data(model);
  Eigen::VectorXd q(nq), qd(nq), qdd(nq), tau(nq), passive(nq);
  for (int i = r0; i <= r1; ++i) {
    const double t = time[i];
    splines.eval(t, q, qd, qdd);
    calc_forward_kinematics(model, data, q);
    clear_applied_loads(data);
    external.apply(model, data, t);
    // Passive elements are applied forces: subtracted from what the joints must supply.
    passive.setZero();
    apply_passive_forces(model, data, q, qd, passive);
    calc_inverse_dynamics(model, data, q, qd, qdd, tau);
    tau -= passive;
    out.time.push_back(t);
    for (int k = 0; k < nq; ++k) out.data(i - r0, k) = tau[model.tree_coordinate_order[k]];
    ++report.frames;
  }
  note_unmodelled_forces(model, out);
  HeldOutputs held;
  held.table(out_name, std::move(out));
  held.write_into(outputs, 8);
  report.written = outputs.commit();
  report.validity = held.validity;
  return report;
}

}  // namespace weaklink

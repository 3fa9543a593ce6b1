#include "chain/trial/trial_weakness.hpp"

#include <fmt/format.h>

#include <cmath>
#include <sstream>

#include "core/error.hpp"
#include "dynamics/external_forces.hpp"
#include "dynamics/inverse_dynamics.hpp"
#include "io/external_loads.hpp"
#include "io/osim_reader.hpp"
#include "io/storage.hpp"
#include "io/xml_document.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "generic_model/generic_model.hpp"
#include "generic_model/generic_tables.hpp"
#include "tools/analyze_dynamics.hpp"
#include "tools/coordinate_filter.hpp"
#include "tools/coordinate_states.hpp"
#include "tools/motion_rows.hpp"
#include "tools/setup_paths.hpp"
#include "tools/unmodelled_forces.hpp"

namespace weaklink {

namespace fs = std::filesystem;

LoadedTrial load_trial(const TrialInputs& in) {
  TrialInputs t = in;
  LoadedTrial out;
  bool replace_force_set = false;
  // Where the setup names a file ("setup.xml: line 5 <coordinates_file>"): prefixed to the errors
  // of reading it. Empty for files given on the command line.
  std::string model_source, coordinates_source, loads_source, force_sets_source;
  if (!in.setup.empty()) {
    io::XmlDocument doc(in.setup);
    const auto source = [&](const pugi::xml_node& tool_element, const char* element) {
      return setup_source(doc, tool_element.child(element));
    };
    const auto tool = require_setup_tool(doc, in.setup, "AnalyzeTool", " (a static-optimization setup)");
    const fs::path dir = in.setup.parent_path();
    if (t.model.empty()) model_source = source(tool, "model_file");
    t.model = setup_model_file(doc, tool, dir, t.model);
    if (t.coordinates.empty()) {
      const std::string c = doc.text(tool, "coordinates_file");
      if (c.empty()) doc.fail(tool, "expected <coordinates_file> (or pass --coordinates)");
      t.coordinates = resolve_setup_path(dir, c);
      coordinates_source = source(tool, "coordinates_file");
      if (!fs::exists(t.coordinates)) doc.fail(tool.child("coordinates_file"), "coordinates file '" + quote_input(t.coordinates.string(), 200) + "' does not exist");
    }
    if (t.external_loads.empty()) {
      const std::string e = doc.text(tool, "external_loads_file");
      if (!e.empty()) t.external_loads = resolve_setup_path(dir, e);
      loads_source = source(tool, "external_loads_file");
    }
    if (in.force_sets.empty()) {
      replace_force_set = doc.boolean(tool, "replace_force_set", false);
      force_sets_source = source(tool, "force_set_files");
      for (const auto& f : doc.words(tool, "force_set_files")) {
        const fs::path p = resolve_setup_path(dir, f);
        if (!fs::exists(p)) doc.fail(tool.child("force_set_files"), "force set file '" + quote_input(p.string(), 200) + "' does not exist");
        t.force_sets.push_back(p);
      }
    }
    if (!std::isfinite(in.start)) t.start = doc.number(tool, "initial_time", -INFINITY);
    if (!std::isfinite(in.end)) t.end = doc.number(tool, "final_time", INFINITY);
    if (in.lowpass_hz < 0) t.lowpass_hz = doc.number(tool, "lowpass_cutoff_frequency_for_coordinates", -1.0);
  }
  if (t.model.empty()) throw InputError("weakness: expected --setup or --model");
  if (t.coordinates.empty()) throw InputError("weakness: expected --setup or --coordinates");
  if (t.step < 1) throw InputError("weakness: --step: expected a positive integer");

  ModelSpec spec = read_named_by_setup(model_source, [&] { return io::read_osim(t.model); });
  if (replace_force_set) drop_model_force_set(spec);
  for (const auto& f : t.force_sets) read_named_by_setup(force_sets_source, [&] { io::append_force_set_file(f, spec); });
  out.model = compile_model(spec);
  out.model_name = t.model.filename().string();
  out.name = t.coordinates.stem().string();
  out.warnings = out.model.warnings;
  for (auto& w : unmodelled_force_warnings(out.model, "the weakness analysis' muscle forces and joint loads")) out.warnings.push_back(std::move(w));
  const Model& model = out.model;

  ExternalForces external;
  if (!t.external_loads.empty())
    external = read_named_by_setup(loads_source, [&] {
      return io::bind_external_loads(model, io::read_external_loads(t.external_loads), t.external_loads.string());
    });
  const StatesTable states = read_named_by_setup(coordinates_source, [&] {
    io::Table coords = io::read_storage(t.coordinates);
    if (t.lowpass_hz >= 0) coords = lowpass_coordinates(coords, t.lowpass_hz, t.coordinates.string());
    return states_from_coordinates(model, coords, t.coordinates.string());
  });
  for (const auto& m : states.missing) out.warnings.push_back("coordinate '" + quote_input(m) + "' is not in " + quote_input(t.coordinates.filename().string(), 200) + "; set to 0");
  out.warnings.insert(out.warnings.end(), states.warnings.begin(), states.warnings.end());
  // The AnalyzeTool's rows, as `analyze` picks them (tools/motion_rows.hpp).
  const RowRange range = analysis_row_range(states.time, t.start, t.end);
  if (range.empty()) throw InputError(fmt::format("{}: no rows fall in the requested time range", t.coordinates.string()));
  if (external.size() > 0)
    if (const std::string w = external.coverage_warning(states.time[static_cast<std::size_t>(range.first)],
                                                         states.time[static_cast<std::size_t>(range.last)]);
        !w.empty())
      out.warnings.push_back(w);
  out.motion.motion = motion_at_rows(states, spline_accelerations(states), analysis_rows(range, t.step));
  const MotionFrames& m = out.motion.motion;
  const Eigen::Index n = static_cast<Eigen::Index>(m.time.size());
  out.motion.surface_load.resize(n, 0);
  // The measured loads as known loads: per loaded body and frame, the total force (applied at
  // Ground's origin) and moment about the origin, exactly as ExternalForces applies them.
  if (external.size() > 0) {
    Data data(model);
    const std::size_t nb = model.bodies.size();
    std::vector<std::vector<Vec3>> force(nb), moment(nb);
    for (Eigen::Index k = 0; k < n; ++k) {
      const Eigen::VectorXd q = m.q.row(k).transpose();
      calc_forward_kinematics(model, data, q);
      clear_applied_loads(data);
      external.apply(model, data, m.time[static_cast<std::size_t>(k)]);
      for (std::size_t b = 0; b < nb; ++b) {
        force[b].push_back(data.applied_force[b]);
        moment[b].push_back(data.applied_moment[b]);
      }
    }
    for (std::size_t b = 0; b < nb; ++b) {
      bool loaded = false;
      for (Eigen::Index k = 0; k < n; ++k)
        loaded = loaded || force[b][static_cast<std::size_t>(k)].squaredNorm() > 0 || moment[b][static_cast<std::size_t>(k)].squaredNorm() > 0;
      if (!loaded) continue;
      KnownLoad l;
      l.name = "measured load on " + model.bodies[b].name;
      l.body = static_cast<int>(b);
      l.point.assign(static_cast<std::size_t>(n), Vec3::Zero());
      l.force = std::move(force[b]);
      l.moment = std::move(moment[b]);
      out.motion.loads.push_back(std::move(l));
    }
  }
  return out;
}

std::vector<GroupWeakening> parse_weakenings(const std::string& text, const std::string& where) {
  std::vector<GroupWeakening> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.find_first_not_of(' ') == std::string::npos) continue;
    const auto eq = item.find('=');
    if (eq == std::string::npos)
      throw InputError(fmt::format("{}: '{}': expected group=factor, e.g. \"hip external rotators=0.5\"", where, item));
    GroupWeakening w;
    w.group = item.substr(0, eq);
    w.group.erase(0, w.group.find_first_not_of(' '));
    w.group.erase(w.group.find_last_not_of(' ') + 1);
    const std::string v = item.substr(eq + 1);
    try {
      std::size_t used = 0;
      w.factor = std::stod(v, &used);
      if (v.find_first_not_of(' ', used) != std::string::npos) throw std::invalid_argument(v);
    } catch (const std::exception&) {
      throw InputError(fmt::format("{}: '{}': expected a factor between 0 and 1 after '='", where, item));
    }
    if (!(w.factor >= kMinStrengthFactor && w.factor <= 1))
      throw InputError(fmt::format("{}: '{}': the factor must be from {} to 1 (a fraction of the model's strength)", where, item,
                                   kMinStrengthFactor));
    out.push_back(w);
  }
  if (out.empty()) throw InputError(where + ": expected at least one group=factor");
  return out;
}

Eigen::VectorXd weakened_strength(const Model& model, const std::vector<GroupWeakening>& weakenings) {
  Eigen::VectorXd s = Eigen::VectorXd::Ones(static_cast<Eigen::Index>(model.muscles.size()));
  const auto groups = assessed_groups(model);
  for (const auto& w : weakenings) {
    const AssessedGroup* g = nullptr;
    for (const auto& x : groups)
      if (x.name == w.group) g = &x;
    if (!g) {
      std::string known;
      for (const auto& x : groups) known += (known.empty() ? "" : ", ") + x.name;
      throw InputError(fmt::format("--weaken: no group '{}' with muscles in this model (groups it has: {})", w.group, known));
    }
    for (const auto* list : {&g->muscles_r, &g->muscles_l})
      for (int m : *list) s[m] *= w.factor;
  }
  return s;
}

Assessment assess_weakness(const LoadedTrial& trial, const std::vector<GroupWeakening>& weakenings, const AssessmentOptions& options) {
  const Eigen::VectorXd s = weakened_strength(trial.model, weakenings);
  Assessment a = compare_strength(trial.model, {trial.name}, {trial.motion}, s, assessed_groups(trial.model), options);
  a.model_name = trial.model_name;
  for (const auto& w : weakenings) {
    StrengthAdjustment adj;
    adj.group = w.group;
    adj.side = "both";
    adj.factor = w.factor;
    adj.test = w.group;
    adj.basis = fmt::format("what-if: {} at {:.0f}% of the model's strength", w.group, 100 * w.factor);
    a.adjustments.push_back(adj);
  }
  a.warnings.insert(a.warnings.begin(), trial.warnings.begin(), trial.warnings.end());
  return a;
}

}  // namespace weaklink

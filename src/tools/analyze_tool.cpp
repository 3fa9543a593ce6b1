#include "tools/analyze_tool.hpp"

#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "core/error.hpp"
#include "dynamics/external_forces.hpp"
#include "io/osim_reader.hpp"
#include "io/output_set.hpp"
#include "io/storage.hpp"
#include "io/xml_document.hpp"
#include "kinematics/center_of_mass.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "model/data.hpp"
#include "muscles/muscle_force.hpp"
#include "muscles/path_geometry.hpp"
#include "tools/analyze_dynamics.hpp"
#include "tools/coordinate_filter.hpp"
#include "tools/coordinate_states.hpp"
#include "tools/inverse_dynamics_tool.hpp"
#include "tools/inverse_kinematics_tool.hpp"
#include "tools/setup_paths.hpp"
#include "tools/unmodelled_forces.hpp"

namespace weaklink {

namespace fs = std::filesystem;

namespace {

constexpr double kRadToDeg = 180.0 / M_PI;

struct AnalysisSettings {
  std::string type, name;
  bool on = true;
  int step_interval = 1;
  bool in_degrees = true;
  std::vector<std::string> list;   // bodies / muscle_list
  std::vector<std::string> coords; // moment_arm_coordinate_list
  bool local_frame = false;
  pugi::xml_node node;             // dynamics analyses read their own properties
};

struct Recorder {
  io::Table table;
  explicit Recorder(std::string name, std::vector<std::string> labels, bool in_degrees, std::string description) {
    table.name = std::move(name);
    table.labels = std::move(labels);
    table.in_degrees = in_degrees;
    std::size_t b = 0;
    while (b <= description.size()) {  // one metadata entry per description line
      const std::size_t e = std::min(description.find('\n', b), description.size());
      table.metadata.push_back({"", description.substr(b, e - b)});
      b = e + 1;
    }
  }
  std::vector<std::vector<double>> rows;
  void add(double t, std::vector<double> row) {
    table.time.push_back(t);
    rows.push_back(std::move(row));
  }
  void finish() {
    table.data.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(table.labels.size()));
    for (std::size_t i = 0; i < rows.size(); ++i)
      for (std::size_t j = 0; j < rows[i].size(); ++j) table.data(i, j) = rows[i][j];
  }
};

// MuscleAnalysis output files besides Length, MomentArm_* and Moment_* (OpenSim's names).
const char* const kFiberOutputs[] = {"FiberLength", "NormalizedFiberLength", "TendonLength", "PennationAngle",
                                     "FiberVelocity", "NormFiberVelocity", "ActiveFiberForce", "PassiveFiberForce",
                                     "FiberForce", "ActiveFiberForceAlongTendon", "PassiveFiberForceAlongTendon",
                                     "TendonForce"};

const char* kUnitsNote =
    "Units are S.I. units (second, meters, Newtons, ...)\n"
    "If the header above contains a line with 'inDegrees', this indicates whether rotational values are in degrees (yes) or radians (no).";

}  // namespace

RunToolReport run_analyze_tool(const fs::path& setup_path, const RunToolOptions& opt) {
  io::XmlDocument doc(setup_path);
  const auto tool = require_setup_tool(doc, setup_path, "AnalyzeTool");
  const fs::path dir = setup_path.parent_path();
  const std::string tool_name =
      io::output_file_name(tool.attribute("name").value(), setup_path.string(), fmt::format("line {} <AnalyzeTool name>", doc.line_of(tool)));
  RunToolReport report;

  const fs::path model_path = setup_model_file(doc, tool, dir, opt.model_override);
  const double lowpass = setup_lowpass_cutoff(doc, tool);
  const std::string coords_name = doc.text(tool, "coordinates_file");
  const std::string states_name = doc.text(tool, "states_file");
  if (coords_name.empty() && states_name.empty()) doc.fail(tool, "expected <coordinates_file> or <states_file>");
  if (!doc.text(tool, "speeds_file").empty())
    report.warnings.push_back("speeds_file is not supported; speeds are the derivative of the coordinates' splines");
  const fs::path results_dir = setup_results_directory(doc, tool, dir, opt.results_override);
  const int precision = doc.integer(tool, "output_precision", 8, 1, 20);
  const bool equilibrium = doc.boolean(tool, "solve_for_equilibrium_for_auxiliary_states", false);
  const double t0 = doc.number(tool, "initial_time", -INFINITY);
  const double t1 = doc.number(tool, "final_time", INFINITY);

  std::vector<AnalysisSettings> analyses;
  for (auto a : tool.child("AnalysisSet").child("objects").children()) {
    if (a.type() != pugi::node_element) continue;
    AnalysisSettings s;
    s.type = a.name();
    s.name = io::output_file_name(a.attribute("name").value(), setup_path.string(), fmt::format("line {} <{} name>", doc.line_of(a), s.type));
    s.on = doc.boolean(a, "on", true);
    // Below 1 is named at the analysis, as before; nan, fractions and huge values at the element.
    if (doc.number(a, "step_interval", 1) < 1) doc.fail(a, "step_interval must be at least 1");
    s.step_interval = doc.integer(a, "step_interval", 1, 1, kMaxStepInterval);
    s.in_degrees = doc.boolean(a, "in_degrees", true);
    if (s.type == "BodyKinematics") {
      s.list = doc.words(a, "bodies");
      s.local_frame = doc.boolean(a, "express_results_in_body_local_frame", false);
    } else if (s.type == "MuscleAnalysis") {
      s.list = doc.words(a, "muscle_list");
      s.coords = doc.words(a, "moment_arm_coordinate_list");
    } else if (s.type == "InverseDynamics" || s.type == "StaticOptimization" || s.type == "JointReaction") {
      s.node = a;
    } else {
      doc.fail(a, "analysis '" + quote_input(s.type) + "' is not implemented yet (supported: BodyKinematics, MuscleAnalysis, InverseDynamics, StaticOptimization, JointReaction)");
    }
    if (s.on) analyses.push_back(s);
  }
  if (analyses.empty()) doc.fail(tool, "no analysis is switched on in <AnalysisSet>");
  // Checked before any computation; with --results-dir every file lands inside it, otherwise in the
  // setup's results_directory (OpenSim's semantics: relative to the setup, or absolute).
  io::OutputSet outputs(results_dir, io::OutputMode::SharedFolder, setup_results_source(setup_path, opt.results_override));

  // Model with the force set files appended (docs/opensim-semantics.md#analyze-tool): reserve and residual actuators.
  const pugi::xml_node model_element = opt.model_override.empty() ? tool.child("model_file") : pugi::xml_node();
  ModelSpec spec = read_named_by_setup(doc, model_element, [&] { return io::read_osim(model_path); });
  if (doc.boolean(tool, "replace_force_set", false)) drop_model_force_set(spec);
  for (const auto& f : doc.words(tool, "force_set_files")) {
    const fs::path p = resolve_setup_path(dir, f);
    if (!fs::exists(p)) doc.fail(tool.child("force_set_files"), "force set file '" + quote_input(p.string(), 200) + "' does not exist");
    read_named_by_setup(doc, tool.child("force_set_files"), [&] { io::append_force_set_file(p, spec); });
  }
  const Model model = compile_model(spec);
  report.warnings.insert(report.warnings.end(), model.warnings.begin(), model.warnings.end());
  std::string dynamics;  // the analyses whose results the model's forces change
  for (const auto& a : analyses)
    if (a.node) dynamics += (dynamics.empty() ? "" : ", ") + a.type;
  if (!dynamics.empty())
    for (auto& w : unmodelled_force_warnings(model, "the " + dynamics + " results")) report.warnings.push_back(std::move(w));

  const ExternalForces external = setup_external_loads(doc, tool, dir, model);

  StatesTable states;
  if (!coords_name.empty()) {
    const fs::path coords_path = resolve_setup_path(dir, coords_name);
    if (!fs::exists(coords_path))
      doc.fail(tool.child("coordinates_file"), "coordinates file '" + quote_input(coords_path.string(), 200) + "' does not exist");
    states = read_named_by_setup(doc, tool.child("coordinates_file"), [&] {
      io::Table coords = io::read_storage(coords_path);
      if (lowpass >= 0) coords = lowpass_coordinates(coords, lowpass, coords_path.string());
      return states_from_coordinates(model, coords, coords_path.string());
    });
    for (const auto& m : states.missing)
      report.warnings.push_back("coordinate '" + quote_input(m) + "' is not in " + coords_path.filename().string() + "; set to 0 as OpenSim does");
    report.warnings.insert(report.warnings.end(), states.warnings.begin(), states.warnings.end());
  } else {
    const fs::path states_path = resolve_setup_path(dir, states_name);
    if (!fs::exists(states_path)) doc.fail(tool.child("states_file"), "states file '" + quote_input(states_path.string(), 200) + "' does not exist");
    states = read_named_by_setup(doc, tool.child("states_file"), [&] {
      return states_from_states_file(model, io::read_storage(states_path), states_path.string());
    });
    for (const auto& m : states.missing)
      report.warnings.push_back("state of coordinate '" + quote_input(m) + "' is not in " + states_path.filename().string() + "; set to 0");
  }

  // Frame selection: absolute row indices; begin and end always recorded (tools/motion_rows.hpp).
  const RowRange range = analysis_row_range(states.time, t0, t1);
  if (range.empty()) throw_input_error(setup_path.string(), "", "no rows of the coordinates file fall in [initial_time, final_time]");
  if (const std::string w = external.coverage_warning(states.time[range.first], states.time[range.last]); !w.empty()) report.warnings.push_back(w);

  Data data(model);
  Eigen::VectorXd speeds(model.muscles.size());
  int unconverged = 0;
  const int nb = static_cast<int>(model.bodies.size());
  const int nq = model.nq();
  const int nm = static_cast<int>(model.muscles.size());
  const double total_mass = calc_total_mass(model);

  HeldOutputs held;
  AnalyzeContext ctx{model, states, external.size() > 0 ? &external : nullptr, doc, dir, held, tool_name,
                     precision, range, ThreadOptions{opt.threads, 16}, report};
  for (const auto& a : analyses) {
    if (a.type == "InverseDynamics") {
      run_inverse_dynamics_analysis(ctx, a.node);
      continue;
    }
    if (a.type == "StaticOptimization") {
      run_static_optimization_analysis(ctx, a.node);
      continue;
    }
    if (a.type == "JointReaction") {
      run_joint_reaction_analysis(ctx, a.node);
      continue;
    }
    const bool all = a.list.empty() || (a.list.size() == 1 && a.list[0] == "all");
    std::vector<Recorder> recs;
    std::vector<int> selected;   // bodies or muscles
    std::vector<int> arm_coords; // MuscleAnalysis
    if (a.type == "BodyKinematics") {
      for (int b = 1; b < nb; ++b)
        if (all || std::find(a.list.begin(), a.list.end(), model.bodies[b].name) != a.list.end()) selected.push_back(b);
      std::vector<std::string> labels;
      for (int b : selected)
        for (const char* s : {"_X", "_Y", "_Z", "_Ox", "_Oy", "_Oz"}) labels.push_back(model.bodies[b].name + s);
      for (const char* s : {"_X", "_Y", "_Z"}) labels.push_back(std::string("center_of_mass") + s);
      const std::string frame = a.local_frame ? "local" : "global";
      const std::string desc = fmt::format(
          "This file contains the kinematics (positions and orientations,\nvelocities and angular velocities, or accelerations and angular accelerations)\n"
          "of the centers of mass of the body segments in model {}.\n\nBody segment orientations are described using body-fixed X-Y-Z Euler angles.\n\n"
          "Angular velocities and accelerations are expressed in the {} frame.\n\n{}",
          model.name, a.local_frame ? "body local" : "ground", kUnitsNote);
      recs.emplace_back("Positions", labels, a.in_degrees, desc);
      recs.emplace_back("Velocities", labels, a.in_degrees, desc);
      if (a.local_frame) report.warnings.push_back("BodyKinematics: express_results_in_body_local_frame is not implemented; results are global");
    } else {
      for (int m = 0; m < nm; ++m)
        if (all || std::find(a.list.begin(), a.list.end(), model.muscles[m].name) != a.list.end()) selected.push_back(m);
      const bool all_c = a.coords.empty() || (a.coords.size() == 1 && a.coords[0] == "all");
      for (int c = 0; c < nq; ++c)
        if (all_c || std::find(a.coords.begin(), a.coords.end(), model.coordinates[c].name) != a.coords.end()) arm_coords.push_back(c);
      std::vector<std::string> labels;
      for (int m : selected) labels.push_back(model.muscles[m].name);
      const std::string desc = std::string(
          "This analysis gathers basic information about muscles during a simulation (e.g., forces, tendon lengths, moment arms, etc).\n") + kUnitsNote;
      recs.emplace_back("Length", labels, false, desc);
      for (int c : arm_coords)  // coordinate names become part of file names
        io::output_file_name(model.coordinates[c].name, model_path.string(), "<Coordinate name>");
      for (int c : arm_coords) recs.emplace_back("MomentArm_" + model.coordinates[c].name, labels, false, desc);
      // Fibre and tendon states need an equilibrium (as OpenSim: at each muscle's default
      // activation); without solve_for_equilibrium OpenSim reports stale defaults, so we skip them.
      if (equilibrium) {
        for (const char* output : kFiberOutputs) recs.emplace_back(output, labels, false, desc);
        for (int c : arm_coords) recs.emplace_back("Moment_" + model.coordinates[c].name, labels, false, desc);
      } else {
        report.warnings.push_back("MuscleAnalysis: fibre and tendon outputs need solve_for_equilibrium_for_auxiliary_states=true; only lengths and moment arms written");
      }
    }

    for (const int i : analysis_rows(range, a.step_interval)) {
      const Eigen::VectorXd q = states.q.row(i).transpose();
      const Eigen::VectorXd qd = states.qdot.row(i).transpose();
      calc_forward_kinematics(model, data, q);
      const double t = states.time[i];
      if (a.type == "BodyKinematics") {
        const double ang = a.in_degrees ? kRadToDeg : 1.0;
        std::vector<double> pos, vel;
        Vec3 com = calc_mass_moment_in_world(model, data), com_v = calc_linear_momentum_in_world(model, data, qd);
        for (int b : selected) {
          const Vec3 p = data.X_GB[b].apply(model.bodies[b].mass_center);
          const Vec3 o = body_xyz_from_rotation(data.X_GB[b].R) * ang;
          const Vec3 v = point_velocity(model, data, b, p, qd);
          const Vec3 w = body_angular_velocity(model, data, b, qd) * ang;
          pos.insert(pos.end(), {p.x(), p.y(), p.z(), o.x(), o.y(), o.z()});
          vel.insert(vel.end(), {v.x(), v.y(), v.z(), w.x(), w.y(), w.z()});
        }
        if (total_mass > 0) {
          com /= total_mass;
          com_v /= total_mass;
        }
        pos.insert(pos.end(), {com.x(), com.y(), com.z()});
        vel.insert(vel.end(), {com_v.x(), com_v.y(), com_v.z()});
        recs[0].add(t, std::move(pos));
        recs[1].add(t, std::move(vel));
      } else {
        calc_path_geometry(model, data, q);
        std::vector<double> len;
        for (int m : selected) len.push_back(data.muscle_length[m]);
        recs[0].add(t, std::move(len));
        for (std::size_t k = 0; k < arm_coords.size(); ++k) {
          std::vector<double> arm;
          for (int m : selected) arm.push_back(data.moment_arm(m, arm_coords[k]));
          recs[k + 1].add(t, std::move(arm));
        }
        if (equilibrium) {
          calc_path_speeds(model, data, qd, speeds);
          const std::size_t base = 1 + arm_coords.size();
          std::vector<std::vector<double>> fiber(std::size(kFiberOutputs));
          std::vector<double> tendon_force;
          for (int m : selected) {
            const MuscleParams& mp = model.muscles[m].params;
            const FiberState f = initial_fiber_equilibrium(mp, data.muscle_length[m], speeds[m], mp.default_activation);
            if (!f.converged) ++unconverged;
            const double c = std::cos(f.pennation_angle);
            const double values[] = {f.fiber_length, f.normalized_fiber_length, f.tendon_length, f.pennation_angle,
                                     f.fiber_velocity, f.normalized_fiber_velocity, f.active_fiber_force,
                                     f.passive_fiber_force, f.fiber_force, f.active_fiber_force * c,
                                     f.passive_fiber_force * c, f.tendon_force};
            for (std::size_t k = 0; k < std::size(kFiberOutputs); ++k) fiber[k].push_back(values[k]);
            tendon_force.push_back(f.tendon_force);
          }
          for (std::size_t k = 0; k < fiber.size(); ++k) recs[base + k].add(t, std::move(fiber[k]));
          for (std::size_t k = 0; k < arm_coords.size(); ++k) {
            std::vector<double> moment;
            for (std::size_t j = 0; j < selected.size(); ++j)
              moment.push_back(data.moment_arm(selected[j], arm_coords[k]) * tendon_force[j]);
            recs[base + fiber.size() + k].add(t, std::move(moment));
          }
        }
      }
      ++report.frames;
    }
    for (std::size_t k = 0; k < recs.size(); ++k) {
      recs[k].finish();
      std::string file;
      if (a.type == "BodyKinematics") file = fmt::format("{}_{}_{}_global.sto", tool_name, a.name, k == 0 ? "pos" : "vel");
      else file = fmt::format("{}_{}_{}.sto", tool_name, a.name, recs[k].table.name);
      held.table(file, std::move(recs[k].table));
    }
  }
  if (unconverged > 0)
    report.warnings.push_back(fmt::format("MuscleAnalysis: fibre equilibrium did not converge for {} muscle-frames (values reported as found)", unconverged));
  held.write_into(outputs, precision);
  report.written = outputs.commit();
  report.validity = held.validity;
  return report;
}

RunToolReport run_tool(const fs::path& setup, const RunToolOptions& options) {
  io::XmlDocument doc(setup);
  auto root = doc.doc().child("OpenSimDocument");
  if (!root) root = doc.doc();  // old setups without the wrapper
  for (auto c : root.children()) {
    if (c.type() != pugi::node_element) continue;
    const std::string tag = c.name();
    if (tag == "AnalyzeTool") return run_analyze_tool(setup, options);
    if (tag == "InverseDynamicsTool") return run_inverse_dynamics_tool(setup, options);
    if (tag == "InverseKinematicsTool") return run_inverse_kinematics_tool(setup, options);
    if (tag == "defaults") continue;
    doc.fail(c, "tool '" + quote_input(tag) + "' is not supported yet (supported: AnalyzeTool, InverseDynamicsTool, InverseKinematicsTool)");
  }
  throw_input_error(setup.string(), "", "no tool element inside <OpenSimDocument>");
}

}  // namespace weaklink

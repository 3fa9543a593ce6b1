#include "tools/analysis_pipeline.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/result_validity.hpp"
#include "dynamics/external_forces.hpp"
#include "dynamics/inverse_dynamics.hpp"
#include "dynamics/lumbar_load.hpp"
#include "dynamics/passive_forces.hpp"
#include "io/external_loads.hpp"
#include "io/osim_reader.hpp"
#include "io/output_set.hpp"
#include "io/storage.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "tools/analyze_dynamics.hpp"
#include "tools/coordinate_filter.hpp"
#include "tools/coordinate_states.hpp"
#include "tools/motion_rows.hpp"
#include "tools/unmodelled_forces.hpp"

namespace weaklink {

namespace fs = std::filesystem;

namespace {

// What weaklink versions before the set marker wrote into an analyze folder: exactly these names
// (the feasibility table is weaklink's own, OpenSim writes no such file).
io::EarlierSet earlier_analysis_set(const std::string& base) {
  std::vector<std::string> names;
  for (const char* s : {"_inverse_dynamics.sto", "_StaticOptimization_activation.sto", "_StaticOptimization_force.sto",
                        "_JointReaction_ReactionLoads.sto", "_lumbar_loads.sto", "_feasibility.csv"})
    names.push_back(base + s);
  return io::EarlierSet{names, base + "_feasibility.csv"};
}

}  // namespace

RunToolReport run_analysis_pipeline(const AnalysisPipelineOptions& o) {
  RunToolReport report;
  ModelSpec spec = io::read_osim(o.model);
  // Output files are named after the model.
  const std::string base = io::output_file_name(spec.name, o.model.string(), "<Model name>");
  // The results folder holds one run's set and is replaced as a whole (checked before computing).
  io::OutputSet outputs(o.output_dir, io::OutputMode::WholeFolder, "-o", earlier_analysis_set(base));
  if (!o.reserves.empty()) io::append_force_set_file(o.reserves, spec);
  const Model model = compile_model(spec);
  report.warnings.insert(report.warnings.end(), model.warnings.begin(), model.warnings.end());
  for (auto& w : unmodelled_force_warnings(model, "inverse dynamics, static optimization, joint reactions and lumbar loads"))
    report.warnings.push_back(std::move(w));
  ExternalForces external;
  if (!o.external_loads.empty())
    external = io::bind_external_loads(model, io::read_external_loads(o.external_loads), o.external_loads.string());
  io::Table coords = io::read_storage(o.motion);
  if (o.lowpass_hz >= 0) coords = lowpass_coordinates(coords, o.lowpass_hz, o.motion.string());
  const StatesTable states = states_from_coordinates(model, coords, o.motion.string());
  for (const auto& m : states.missing)
    report.warnings.push_back("coordinate '" + quote_input(m) + "' is not in " + o.motion.filename().string() + "; set to 0");
  report.warnings.insert(report.warnings.end(), states.warnings.begin(), states.warnings.end());
  if (o.step < 1) throw_input_error(o.motion.string(), "--step", "expected a positive integer");

  // Frames: as the Analyze tool (tools/motion_rows.hpp).
  const RowRange range = analysis_row_range(states.time, o.start, o.end);
  if (range.empty()) throw_input_error(o.motion.string(), "", "no rows fall in the requested time range");
  if (const std::string w = external.coverage_warning(states.time[range.first], states.time[range.last]); !w.empty())
    report.warnings.push_back(w);
  const MotionFrames motion = motion_at_rows(states, spline_accelerations(states), analysis_rows(range, o.step));
  const Eigen::Index n = static_cast<Eigen::Index>(motion.time.size()), nq = model.nq();
  const ExternalForces* ext = external.size() > 0 ? &external : nullptr;
  // Tables are kept until every one is computed and checked (finite numbers only), so that each
  // carries the result's validity in its header.
  ResultValidity validity;
  std::vector<std::pair<std::string, io::Table>> tables;
  auto write = [&](const std::string& file, io::Table t) {
    note_unmodelled_forces(model, t);
    validity.check_finite(t.data, file);
    tables.emplace_back(file, std::move(t));
  };

  // 1. Inverse dynamics (net joint moments), in multibody-tree order as OpenSim's ID tool.
  {
    Data data(model);
    Eigen::VectorXd q(nq), u(nq), a(nq), tau(nq), passive(nq);
    Eigen::MatrixXd out(n, nq);
    for (Eigen::Index k = 0; k < n; ++k) {
      q = motion.q.row(k).transpose();
      u = motion.u.row(k).transpose();
      a = motion.qddot.row(k).transpose();
      calc_forward_kinematics(model, data, q);
      clear_applied_loads(data);
      if (ext) ext->apply(model, data, motion.time[static_cast<std::size_t>(k)]);
      passive.setZero();  // passive elements act with the applied loads; the joints supply the rest
      apply_passive_forces(model, data, q, u, passive);
      calc_inverse_dynamics(model, data, q, u, a, tau);
      tau -= passive;
      for (int c = 0; c < nq; ++c) out(k, c) = tau[model.tree_coordinate_order[c]];
    }
    std::vector<std::string> labels;
    for (int c : model.tree_coordinate_order)
      labels.push_back(model.coordinates[c].name + (model.coordinates[c].motion_type == MotionType::Rotational ? "_moment" : "_force"));
    write(base + "_inverse_dynamics.sto", make_table("Inverse Dynamics Generalized Forces", labels, motion.time, out, ""));
  }

  // 2. Static optimization.
  const StaticOptimizationTrajectory solution = run_static_optimization(model, motion, ext, o.static_optimization, o.threads);
  write(base + "_StaticOptimization_activation.sto", make_table("Static Optimization", solution.actuator_names, motion.time, solution.controls, ""));
  {
    std::vector<std::string> labels;
    Eigen::MatrixXd f;
    static_optimization_force_columns(model, solution, labels, f);
    write(base + "_StaticOptimization_force.sto", make_table("ModelForces", labels, motion.time, f, ""));
  }
  if (std::string w = wrap_skipped_warning(model, solution.frames); !w.empty()) report.warnings.push_back("static optimization: " + w);
  int failed = 0;
  for (const auto& f : solution.frames) failed += f.feasible ? 0 : 1;
  if (failed > 0)
    report.warnings.push_back(fmt::format("static optimization: {} of {} frames cannot be balanced within the actuators' bounds (see {}_feasibility.csv)",
                                          failed, solution.frames.size(), base));
  std::string feasibility_csv;
  {
    std::string csv = "time,feasible,max_residual,worst_coordinate,reserve_max,reserve_actuator\n";
    for (std::size_t k = 0; k < solution.frames.size(); ++k) {
      const auto& f = solution.frames[k];
      csv += fmt::format("{:.8f},{},{:.6g},{},{:.6g},{}\n", motion.time[k], f.feasible ? 1 : 0, f.max_residual,
                         f.worst_coordinate >= 0 ? model.coordinates[f.worst_coordinate].name : "", f.reserve_max,
                         f.reserve_actuator >= 0 ? solution.actuator_names[f.reserve_actuator] : "");
    }
    feasibility_csv = std::move(csv);
  }

  // 3. Joint reactions of every joint on its child, in the child's frame; lumbar loads.
  std::vector<std::string> names;
  for (const Joint& j : model.joints) names.push_back(j.name);
  const std::vector<ReactionRequest> requests = reaction_requests(model, names, {"child"}, {"child"}, o.model.string(), "joints");
  const Eigen::MatrixXd jr = run_joint_reactions(model, motion, ext, solution.actuators, solution.forces, requests, o.threads);
  {
    std::vector<std::string> labels;
    for (const auto& r : requests)
      for (const char* s : {"_fx", "_fy", "_fz", "_mx", "_my", "_mz", "_px", "_py", "_pz"}) labels.push_back(r.label + s);
    write(base + "_JointReaction_ReactionLoads.sto", make_table("Joint Reaction Loads", labels, motion.time, jr, ""));
  }
  const int lumbar = find_lumbar_joint(model);
  if (lumbar < 0) {
    report.warnings.push_back("no lumbar joint (no lumbar_extension coordinate, no joint between the pelvis and a torso or lumbar body): lumbar loads not written");
  } else {
    const Joint& jt = model.joints[lumbar];
    const std::string child = model.bodies[jt.child_body].name;
    Eigen::MatrixXd out(n, 6);
    for (Eigen::Index k = 0; k < n; ++k) {
      const Eigen::Index c = 9 * lumbar;
      const LumbarLoad l =
          lumbar_load_from_reaction_on_torso(Vec3(jr(k, c), jr(k, c + 1), jr(k, c + 2)), Vec3(jr(k, c + 3), jr(k, c + 4), jr(k, c + 5)));
      const Vec3& M = l.M_pelvis_on_torso_T;
      out.row(k) << l.compression_L5S1_T, l.anterior_shear_L5S1_T, l.right_shear_L5S1_T, M.x(), M.y(), M.z();
    }
    // The same column names as simulate's joint loads: one quantity, one name (dynamics/lumbar_load.hpp).
    const std::string moment = fmt::format("L5S1_moment_pelvis_on_{}_", child);
    write(base + "_lumbar_loads.sto",
          make_table("Lumbar Loads",
                     {"L5S1_compression", "L5S1_shear_anterior", "L5S1_shear_right", moment + "x", moment + "y", moment + "z"},
                     motion.time, out,
                     fmt::format("Load across joint '{}' at its centre, expressed in the {} frame (docs/assessment.md, 'Lumbar load').\n"
                                 "L5S1_compression: along {}'s y axis, positive when pelvis and {} are pressed together (N).\n"
                                 "L5S1_shear_anterior: the load of {} on the pelvis along x, positive when {} is pushed forward (N); "
                                 "L5S1_shear_right: along z, positive right (N).\n"
                                 "{}x/y/z: moments of the joint on {} about the joint centre, {} frame (N m). Muscle forces are included.",
                                 jt.name, child, child, child, child, child, moment, child, child)));
  }
  for (auto& [file, t] : tables) {
    const auto h = validity.header();
    t.metadata.insert(t.metadata.begin(), h.begin(), h.end());
    outputs.write_storage(file, t, 8);
  }
  outputs.write(base + "_feasibility.csv", validity.csv_comment() + feasibility_csv);
  report.frames = static_cast<int>(n);
  report.written = outputs.commit();
  report.validity = validity;
  return report;
}

}  // namespace weaklink

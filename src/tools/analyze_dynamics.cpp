#include "tools/analyze_dynamics.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>

#include <fmt/format.h>

#include "core/ascii_lower.hpp"
#include "core/error.hpp"
#include "core/natural_spline.hpp"
#include "dynamics/forward_dynamics.hpp"
#include "dynamics/inverse_dynamics.hpp"
#include "dynamics/passive_forces.hpp"
#include "io/storage.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "tools/setup_paths.hpp"
#include "tools/unmodelled_forces.hpp"

namespace weaklink {

namespace fs = std::filesystem;

namespace {

void write(const AnalyzeContext& ctx, const std::string& file, io::Table t) {
  note_unmodelled_forces(ctx.model, t);
  ctx.outputs.table(file, std::move(t));
}

}  // namespace

io::Table make_table(std::string name, std::vector<std::string> labels, const std::vector<double>& time, Eigen::MatrixXd data,
                     const std::string& description) {
  io::Table t;
  t.name = std::move(name);
  t.in_degrees = false;
  t.labels = std::move(labels);
  t.time = time;
  t.data = std::move(data);
  std::size_t b = 0;
  while (b <= description.size()) {
    const std::size_t e = std::min(description.find('\n', b), description.size());
    t.metadata.push_back({"", description.substr(b, e - b)});
    b = e + 1;
  }
  return t;
}

Eigen::MatrixXd spline_accelerations(const StatesTable& states) {
  const int n = static_cast<int>(states.time.size()), nq = static_cast<int>(states.q.cols());
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(n, nq);
  if (n < 6) return a;
  std::vector<double> y(n);
  for (int c = 0; c < nq; ++c) {
    for (int i = 0; i < n; ++i) y[i] = states.qdot(i, c);
    const NaturalSpline s(states.time, y, 5);
    for (int i = 0; i < n; ++i) a(i, c) = s.eval(states.time[i]).df;
  }
  return a;
}

void run_inverse_dynamics_analysis(const AnalyzeContext& ctx, const pugi::xml_node& a) {
  // OpenSim's InverseDynamics analysis: the generalized forces of every free coordinate that give
  // the states' (two-stage spline) accelerations, under gravity and external loads.
  const Model& model = ctx.model;
  const std::vector<int> rows = analysis_rows(ctx.rows, ctx.doc.integer(a, "step_interval", 1, 1, kMaxStepInterval));
  const Eigen::MatrixXd acc = spline_accelerations(ctx.states);
  const std::vector<int> free = free_coordinates(model);
  const int nq = model.nq(), nf = static_cast<int>(free.size());
  Data data(model);
  Eigen::MatrixXd G(nq, nf), out(rows.size(), nf);
  Eigen::VectorXd gamma(nq), q(nq), u(nq), qdd(nq), tau(nq), passive(nq);
  std::vector<double> time;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const int i = rows[k];
    q = ctx.states.q.row(i).transpose();
    u = ctx.states.qdot.row(i).transpose();
    calc_coordinate_map(model, free, q, u, G, gamma);
    qdd = gamma;
    for (int j = 0; j < nf; ++j) qdd[free[j]] += acc(i, free[j]);
    calc_forward_kinematics(model, data, q);
    clear_applied_loads(data);
    if (ctx.external) ctx.external->apply(model, data, ctx.states.time[i]);
    passive.setZero();  // passive elements act with the applied loads
    apply_passive_forces(model, data, q, u, passive);
    calc_inverse_dynamics(model, data, q, u, qdd, tau);
    tau -= passive;
    out.row(static_cast<Eigen::Index>(k)) = (G.transpose() * tau).transpose();
    time.push_back(ctx.states.time[i]);
  }
  std::vector<std::string> labels;
  for (int c : free)
    labels.push_back(model.coordinates[c].name + (model.coordinates[c].motion_type == MotionType::Rotational ? "_moment" : "_force"));
  ctx.report.frames += static_cast<int>(rows.size());
  write(ctx, fmt::format("{}_{}.sto", ctx.tool_name, a.attribute("name").value()),
        make_table("Inverse Dynamics", labels, time, out, "Generalized forces that produce the states' accelerations.\nUnits are S.I. units (second, meters, Newtons, ...)"));
}

void run_static_optimization_analysis(const AnalyzeContext& ctx, const pugi::xml_node& a) {
  const Model& model = ctx.model;
  const io::XmlDocument& doc = ctx.doc;
  StaticOptimizationOptions opt;
  opt.activation_exponent = doc.number(a, "activation_exponent", 2.0);
  opt.use_muscle_physiology = doc.boolean(a, "use_muscle_physiology", true);
  opt.convergence = doc.number(a, "optimizer_convergence_criterion", 1e-4);
  opt.max_iterations = doc.integer(a, "optimizer_max_iterations", 100, 1, kMaxOptimizerIterations);
  if (!(opt.activation_exponent > 1.0)) doc.fail(a.child("activation_exponent"), "expected an exponent greater than 1");
  if (!std::isfinite(opt.convergence) || !(opt.convergence > 0))
    doc.fail(a.child("optimizer_convergence_criterion"), "expected a positive finite number");
  if (!doc.boolean(a, "use_model_force_set", true))
    doc.fail(a.child("use_model_force_set"), "use_model_force_set=false is not supported (SO uses the model's actuators)");
  const int step = doc.integer(a, "step_interval", 1, 1, kMaxStepInterval);
  const std::vector<int> rows = analysis_rows(ctx.rows, step);
  const MotionFrames motion = motion_at_rows(ctx.states, spline_accelerations(ctx.states), rows);
  const StaticOptimizationTrajectory solution = run_static_optimization(model, motion, ctx.external, opt, ctx.threads);
  if (solution.actuators.size() < free_coordinates(model).size())
    ctx.report.warnings.push_back(fmt::format("StaticOptimization: {} actuators for {} free coordinates; some coordinates cannot be balanced",
                                              solution.actuators.size(), free_coordinates(model).size()));

  const std::string name = a.attribute("name").value();
  write(ctx, fmt::format("{}_{}_activation.sto", ctx.tool_name, name),
        make_table("Static Optimization", solution.actuator_names, motion.time, solution.controls,
                   "This file contains the controls (activations, or force/optimal force for other actuators) found by static optimization.\n"
                   "Units are S.I. units (second, meters, Newtons, ...)"));
  // The force file has every force that applies one: actuators and passive elements in ForceSet
  // order, then the external loads (docs/opensim-semantics.md#static-optimization).
  std::vector<std::string> labels;
  Eigen::MatrixXd forces;
  static_optimization_force_columns(model, solution, labels, forces);
  write(ctx, fmt::format("{}_{}_force.sto", ctx.tool_name, name),
        make_table("ModelForces", labels, motion.time, forces,
                   "This file contains the forces and torques of the model's force elements.\nUnits are S.I. units (second, meters, Newtons, ...)"));

  // Feasibility, per frame: written always (it is the honest record), summarised only when a
  // frame failed.
  std::string csv = "time,feasible,max_residual,worst_coordinate,reserve_max,reserve_actuator,solver_status\n";
  int failed = 0;
  double worst = 0;
  std::string worst_where;
  for (std::size_t k = 0; k < solution.frames.size(); ++k) {
    const auto& f = solution.frames[k];
    csv += fmt::format("{:.8f},{},{:.6g},{},{:.6g},{},{}\n", motion.time[k], f.feasible ? 1 : 0, f.max_residual,
                       f.worst_coordinate >= 0 ? model.coordinates[f.worst_coordinate].name : "",
                       f.reserve_max, f.reserve_actuator >= 0 ? solution.actuator_names[f.reserve_actuator] : "",
                       to_string(f.status));
    if (!f.feasible) {
      ++failed;
      if (f.max_residual > worst) {
        worst = f.max_residual;
        worst_where = fmt::format("t={:.4f} s, coordinate '{}'", motion.time[k],
                                  f.worst_coordinate >= 0 ? model.coordinates[f.worst_coordinate].name : "?");
      }
    }
  }
  const std::string feas = fmt::format("{}_{}_feasibility.csv", ctx.tool_name, name);
  ctx.outputs.text(feas, std::move(csv));
  if (failed > 0)
    ctx.report.warnings.push_back(fmt::format(
        "StaticOptimization: {} of {} frames cannot be balanced by the actuators within their bounds; worst residual {:.4g} at {} (see {})",
        failed, solution.frames.size(), worst, worst_where, feas));
  if (std::string w = wrap_skipped_warning(ctx.model, solution.frames); !w.empty()) ctx.report.warnings.push_back("StaticOptimization: " + w);
  ctx.report.frames += static_cast<int>(rows.size());
}

std::vector<ReactionRequest> reaction_requests(const Model& model, const std::vector<std::string>& joints_in,
                                               const std::vector<std::string>& on_bodies,
                                               const std::vector<std::string>& frames, const std::string& file,
                                               const std::string& where) {
  std::vector<std::string> joints = joints_in;
  if (joints.empty() || (joints.size() == 1 && ascii_lower(joints[0]) == "all")) {
    joints.clear();
    for (const Joint& j : model.joints) joints.push_back(j.name);
  }
  auto pick = [&](const std::vector<std::string>& list, std::size_t k, const char* fallback, const char* what) -> std::string {
    if (list.empty()) return fallback;
    if (list.size() == 1) return list[0];
    if (list.size() != joints.size())
      throw_input_error(file, where, fmt::format("<{}> has {} entries for {} joints; expected one entry or one per joint", what, list.size(), joints.size()));
    return list[k];
  };
  std::vector<ReactionRequest> out;
  for (std::size_t k = 0; k < joints.size(); ++k) {
    ReactionRequest r;
    r.joint = model.find_joint(joints[k]);
    if (r.joint < 0) throw_input_error(file, where, fmt::format("<joint_names>: '{}' is not a joint of model '{}'", quote_input(joints[k]), quote_input(model.name)));
    const Joint& jt = model.joints[r.joint];
    const std::string on = ascii_lower(pick(on_bodies, k, "child", "apply_on_bodies"));
    if (on != "child" && on != "parent")
      throw_input_error(file, where, fmt::format("<apply_on_bodies>: '{}' must be child or parent", quote_input(on)));
    r.on_parent = on == "parent";
    const std::string fr = pick(frames, k, "ground", "express_in_frame");
    std::string frame_name;
    if (ascii_lower(fr) == "ground") {
      r.frame = -1;
      frame_name = "ground";
    } else if (ascii_lower(fr) == "child" || ascii_lower(fr) == "parent") {
      const int body = ascii_lower(fr) == "child" ? jt.child_body : jt.parent_body;
      r.frame = model.find_frame(model.bodies[body].name);
      frame_name = model.bodies[body].name;
    } else {
      r.frame = model.find_frame(fr);
      if (r.frame < 0)
        throw_input_error(file, where, fmt::format("<express_in_frame>: '{}' is neither ground, child, parent nor a frame of the model", quote_input(fr)));
      frame_name = model.frames[r.frame].name;
    }
    const std::string body = model.bodies[r.on_parent ? jt.parent_body : jt.child_body].name;
    r.label = fmt::format("{}_on_{}_in_{}", jt.name, body, frame_name);
    out.push_back(r);
  }
  return out;
}

void run_joint_reaction_analysis(const AnalyzeContext& ctx, const pugi::xml_node& a) {
  const Model& model = ctx.model;
  const io::XmlDocument& doc = ctx.doc;
  const std::vector<ReactionRequest> requests =
      reaction_requests(model, doc.words(a, "joint_names"), doc.words(a, "apply_on_bodies"), doc.words(a, "express_in_frame"),
                        doc.name(), doc.where(a));
  const int step = doc.integer(a, "step_interval", 1, 1, kMaxStepInterval);
  const std::vector<int> rows = analysis_rows(ctx.rows, step);
  const MotionFrames motion = motion_at_rows(ctx.states, spline_accelerations(ctx.states), rows);

  // Actuator forces (docs/opensim-semantics.md#joint-reaction): from forces_file, linearly interpolated in time, when
  // it has a column for every actuator; otherwise actuators apply nothing (their default state without controls).
  StaticOptimization probe(model, StaticOptimizationOptions{});
  const auto& actuators = probe.actuators();
  const int na = static_cast<int>(actuators.size());
  Eigen::MatrixXd forces = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(rows.size()), na);
  const std::string forces_name = doc.text(a, "forces_file");
  if (!forces_name.empty()) {
    const fs::path path = resolve_setup_path(ctx.setup_dir, forces_name);
    if (!fs::exists(path)) doc.fail(a.child("forces_file"), "forces file '" + quote_input(path.string(), 200) + "' does not exist");
    io::StorageReadOptions ro;
    ro.allow_fewer_rows = true;
    // Force files repeat labels (each CoordinateLimitForce has a PotentialEnergy column); OpenSim
    // renames repeats on load ("1_PotentialEnergy"), so actuator columns are still found by name.
    ro.make_labels_unique = true;
    const io::Table f = read_named_by_setup(doc, a.child("forces_file"), [&] { return io::read_storage(path, ro); });
    std::vector<int> col(na, -1);
    std::vector<std::string> missing;
    for (int j = 0; j < na; ++j) {
      col[j] = f.find_column(probe.actuator_name(model, j));
      if (col[j] < 0) missing.push_back(probe.actuator_name(model, j));
    }
    if (!missing.empty())
      doc.fail(a.child("forces_file"), fmt::format("'{}' has no column for actuator '{}' ({} missing); JointReaction needs every actuator's force",
                                                   path.filename().string(), missing.front(), missing.size()));
    if (f.time.empty()) doc.fail(a.child("forces_file"), "'" + quote_input(path.string(), 200) + "' has no rows");
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const double t = motion.time[k];
      // Linear interpolation in time, constant beyond the ends (duplicate times take the later row).
      std::size_t hi = std::upper_bound(f.time.begin(), f.time.end(), t) - f.time.begin();
      for (int j = 0; j < na; ++j) {
        double v;
        if (hi == 0) v = f.data(0, col[j]);
        else if (hi >= f.time.size()) v = f.data(static_cast<Eigen::Index>(f.time.size() - 1), col[j]);
        else {
          const double t0 = f.time[hi - 1], t1 = f.time[hi];
          const double s = t1 > t0 ? (t - t0) / (t1 - t0) : 1.0;
          v = f.data(static_cast<Eigen::Index>(hi - 1), col[j]) * (1 - s) + f.data(static_cast<Eigen::Index>(hi), col[j]) * s;
        }
        forces(static_cast<Eigen::Index>(k), j) = v;
      }
    }
  } else if (na > 0) {
    ctx.report.warnings.push_back("JointReaction: no forces_file; actuators and muscles apply no force");
  }
  const Eigen::MatrixXd loads = run_joint_reactions(model, motion, ctx.external, actuators, forces, requests, ctx.threads);
  std::vector<std::string> labels;
  for (const auto& r : requests)
    for (const char* s : {"_fx", "_fy", "_fz", "_mx", "_my", "_mz", "_px", "_py", "_pz"}) labels.push_back(r.label + s);
  write(ctx, fmt::format("{}_{}_ReactionLoads.sto", ctx.tool_name, a.attribute("name").value()),
        make_table("Joint Reaction Loads", labels, motion.time, loads,
                   "This file contains the reaction forces and moments\napplied to the specified body of a joint pair and expressed  in the specified reference frame.\n\n"
                   "Units are S.I. units (seconds, meters, Newtons, ...)"));
  ctx.report.frames += static_cast<int>(rows.size());
}

}  // namespace weaklink

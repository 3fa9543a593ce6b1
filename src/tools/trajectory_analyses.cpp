#include "tools/trajectory_analyses.hpp"

#include <memory>
#include <stdexcept>

#include "dynamics/forward_dynamics.hpp"
#include "dynamics/inverse_dynamics.hpp"
#include "dynamics/joint_reactions.hpp"
#include "dynamics/passive_forces.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "muscles/path_forces.hpp"

namespace weaklink {

StaticOptimizationTrajectory run_static_optimization(const Model& model, const MotionFrames& motion,
                                                     const ExternalForces* external,
                                                     const StaticOptimizationOptions& options,
                                                     const ThreadOptions& threads, const Eigen::VectorXd& strength) {
  const int n = static_cast<int>(motion.time.size());
  StaticOptimizationTrajectory out;
  {
    const StaticOptimization probe(model, options);
    out.actuators = probe.actuators();
    for (int k = 0; k < static_cast<int>(out.actuators.size()); ++k) out.actuator_names.push_back(probe.actuator_name(model, k));
  }
  const int na = static_cast<int>(out.actuators.size());
  if (strength.size() != 0 && strength.size() != na) throw std::invalid_argument("run_static_optimization: one strength per actuator expected");
  if (external)
    for (int k = 0; k < external->size(); ++k)
      for (auto& l : external->labels(model, k)) out.external_labels.push_back(std::move(l));
  for (int k = 0; k < static_cast<int>(model.passive_forces.size()); ++k)
    for (auto& l : passive_force_labels(model, k)) out.passive_labels.push_back(std::move(l));
  out.passive.resize(n, static_cast<Eigen::Index>(out.passive_labels.size()));
  out.controls.resize(n, na);
  out.forces.resize(n, na);
  out.external.resize(n, static_cast<Eigen::Index>(out.external_labels.size()));
  out.frames.resize(n);

  // One workspace per thread, created by the thread that uses it.
  struct Workspace {
    Data data;
    StaticOptimization solver;
    Eigen::VectorXd q, u, a, x, f;
    std::vector<ExternalForceSample> samples;
    Workspace(const Model& m, const StaticOptimizationOptions& o, int ne)
        : data(m), solver(m, o), q(m.nq()), u(m.nq()), a(m.nq()), x(static_cast<Eigen::Index>(solver.actuators().size())),
          f(static_cast<Eigen::Index>(solver.actuators().size())), samples(static_cast<std::size_t>(ne)) {}
  };
  const int nthreads = worker_threads(threads.threads);
  std::vector<std::unique_ptr<Workspace>> spaces(static_cast<std::size_t>(nthreads));
  for_each_chunk(n, threads, [&](int t, int begin, int end) {
    auto& ws = spaces[static_cast<std::size_t>(t)];
    if (!ws) ws = std::make_unique<Workspace>(model, options, external ? external->size() : 0);
    ws->solver.reset_warm_start();  // each chunk starts cold: results independent of scheduling
    for (int i = begin; i < end; ++i) {
      ws->q = motion.q.row(i).transpose();
      ws->u = motion.u.row(i).transpose();
      ws->a = motion.qddot.row(i).transpose();
      calc_forward_kinematics(model, ws->data, ws->q);
      clear_applied_loads(ws->data);
      if (external) external->apply(model, ws->data, motion.time[i], ws->samples.data());
      out.frames[i] = ws->solver.solve(model, ws->data, {.q = ws->q, .u = ws->u, .qddot_target = ws->a, .strength = strength},
                                   ws->x, ws->f);
      out.controls.row(i) = ws->x.transpose();
      out.forces.row(i) = ws->f.transpose();
      for (int k = 0, col = 0; k < static_cast<int>(model.passive_forces.size()); ++k) {
        double buffer[12];
        const int m = passive_force_record_size(model, k);
        record_passive_force(model, ws->data, k, ws->q, ws->u, buffer);
        for (int j = 0; j < m; ++j) out.passive(i, col++) = buffer[j];
      }
      if (external) {
        double buffer[9];
        Eigen::Index col = 0;
        for (int k = 0; k < external->size(); ++k) {
          const int m = external->record(k, ws->samples[static_cast<std::size_t>(k)], buffer);
          for (int j = 0; j < m; ++j) out.external(i, col++) = buffer[j];
        }
      }
    }
  });
  return out;
}

void static_optimization_force_columns(const Model& model, const StaticOptimizationTrajectory& solution,
                                       std::vector<std::string>& labels, Eigen::MatrixXd& values) {
  const Eigen::Index n = solution.forces.rows();
  labels.clear();
  std::vector<std::pair<const Eigen::MatrixXd*, Eigen::Index>> columns;  // source matrix and column
  std::vector<int> passive_first;  // first column of each passive element in solution.passive
  for (int k = 0, c = 0; k < static_cast<int>(model.passive_forces.size()); ++k) {
    passive_first.push_back(c);
    c += passive_force_record_size(model, k);
  }
  auto add_passive_at = [&](int position) {
    for (int k = 0; k < static_cast<int>(model.passive_forces.size()); ++k) {
      if (model.passive_forces[static_cast<std::size_t>(k)].force_position != position) continue;
      for (int j = 0; j < passive_force_record_size(model, k); ++j) {
        labels.push_back(solution.passive_labels[static_cast<std::size_t>(passive_first[static_cast<std::size_t>(k)] + j)]);
        columns.push_back({&solution.passive, passive_first[static_cast<std::size_t>(k)] + j});
      }
    }
  };
  // solution.actuators is the subsequence of Model::force_order that applies force.
  std::size_t a = 0;
  for (int i = 0; i < static_cast<int>(model.force_order.size()); ++i) {
    add_passive_at(i);
    const Model::ForceRef& f = model.force_order[static_cast<std::size_t>(i)];
    if (a < solution.actuators.size() && solution.actuators[a].muscle == f.muscle && solution.actuators[a].index == f.index) {
      labels.push_back(solution.actuator_names[a]);
      columns.push_back({&solution.forces, static_cast<Eigen::Index>(a)});
      ++a;
    }
  }
  add_passive_at(static_cast<int>(model.force_order.size()));
  for (; a < solution.actuators.size(); ++a) {  // not expected: every actuator is in force_order
    labels.push_back(solution.actuator_names[a]);
    columns.push_back({&solution.forces, static_cast<Eigen::Index>(a)});
  }
  for (Eigen::Index e = 0; e < solution.external.cols(); ++e) {
    labels.push_back(solution.external_labels[static_cast<std::size_t>(e)]);
    columns.push_back({&solution.external, e});
  }
  values.resize(n, static_cast<Eigen::Index>(columns.size()));
  for (std::size_t c = 0; c < columns.size(); ++c) values.col(static_cast<Eigen::Index>(c)) = columns[c].first->col(columns[c].second);
}

Eigen::MatrixXd run_joint_reactions(const Model& model, const MotionFrames& motion, const ExternalForces* external,
                                    const std::vector<Model::ForceRef>& actuators, const Eigen::MatrixXd& forces,
                                    const std::vector<ReactionRequest>& requests, const ThreadOptions& threads) {
  const int n = static_cast<int>(motion.time.size());
  Eigen::MatrixXd out(n, 9 * static_cast<Eigen::Index>(requests.size()));
  struct Workspace {
    Data data;
    ForwardDynamics fd;
    Eigen::VectorXd q, u, qdd, tau, mobility;
    explicit Workspace(const Model& m)
        : data(m), fd(m), q(m.nq()), u(m.nq()), qdd(m.nq()), tau(m.nq()), mobility(m.nq()) {}
  };
  const int nthreads = worker_threads(threads.threads);
  std::vector<std::unique_ptr<Workspace>> spaces(static_cast<std::size_t>(nthreads));
  for_each_chunk(n, threads, [&](int t, int begin, int end) {
    auto& ws = spaces[static_cast<std::size_t>(t)];
    if (!ws) ws = std::make_unique<Workspace>(model);
    Data& data = ws->data;
    for (int i = begin; i < end; ++i) {
      ws->q = motion.q.row(i).transpose();
      ws->u = motion.u.row(i).transpose();
      calc_forward_kinematics(model, data, ws->q);
      clear_applied_loads(data);
      ws->mobility.setZero();
      if (external) external->apply(model, data, motion.time[i]);
      apply_actuator_forces(model, data, ws->q, actuators, forces.row(i), ws->mobility);
      calc_joint_reactions(model, data, ws->fd, ws->q, ws->u, ws->mobility, ws->qdd, ws->tau);
      for (std::size_t r = 0; r < requests.size(); ++r) {
        const ReactionRequest& req = requests[r];
        const Joint& jt = model.joints[req.joint];
        // On the child at M's origin, or (opposite) on the parent at F's origin.
        const Vec3 p = req.on_parent ? (data.X_GB[jt.parent_body] * jt.X_PF).p : joint_child_frame_in_world(model, data, req.joint).p;
        const JointReaction on_child = joint_reaction_on_child_about(model, data, req.joint, p);
        Vec3 F = on_child.F_W, M = on_child.M_W;
        if (req.on_parent) {
          F = -F;
          M = -M;
        }
        Transform X_GE;  // the expressed-in frame
        if (req.frame >= 0) {
          const Frame& fr = model.frames[req.frame];
          X_GE = data.X_GB[fr.body] * fr.X_BF;
        }
        const Vec3 Fe = X_GE.R.transpose() * F, Me = X_GE.R.transpose() * M;
        const Vec3 pe = X_GE.R.transpose() * (p - X_GE.p);
        const Eigen::Index c = 9 * static_cast<Eigen::Index>(r);
        for (int k = 0; k < 3; ++k) {
          out(i, c + k) = Fe[k];
          out(i, c + 3 + k) = Me[k];
          out(i, c + 6 + k) = pe[k];
        }
      }
    }
  });
  return out;
}

}  // namespace weaklink

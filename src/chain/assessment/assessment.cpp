#include "chain/assessment/assessment.hpp"

#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <stdexcept>

#include "chain/activities/activity.hpp"
#include "chain/activities/contact_sites.hpp"
#include "chain/assessment/comparison.hpp"
#include "chain/assessment/strength_runs.hpp"
#include "chain/assessment/utilisation.hpp"
#include "chain/assessment/weak_links.hpp"
#include "chain/client/muscle_strength.hpp"
#include "core/for_each_chunk.hpp"
#include "generic_model/generic_model.hpp"
#include "generic_model/generic_tables.hpp"

namespace weaklink {
namespace {

// One simulation job of the comparison, named by what it computes. Jobs of one step are
// independent: each writes only its own result.
struct ComparisonJob {
  enum class Kind {
    Baseline,       // the activity at norm strength (and the geometry of its poses)
    Client,         // the activity at the client's strength
    RestoreGroup,   // the group restored to norm, every other muscle as the client's
    WeakenGroup,    // the group 10 % of norm weaker than the client
    DeficitSearch,  // the group's strength (others at norm) below which the activity falls short
  };
  Kind kind;
  int activity = 0;
  int group = -1;  // the weak-link jobs' group
};

// Each activity at norm strength and at the client's.
std::vector<ComparisonJob> person_jobs(int activities) {
  std::vector<ComparisonJob> jobs;
  for (int a = 0; a < activities; ++a) {
    jobs.push_back({ComparisonJob::Kind::Baseline, a});
    jobs.push_back({ComparisonJob::Kind::Client, a});
  }
  return jobs;
}

// Per group and activity: restore it, weaken it, search its deficit.
std::vector<ComparisonJob> weak_link_jobs(int groups, int activities) {
  std::vector<ComparisonJob> jobs;
  for (const auto kind : {ComparisonJob::Kind::RestoreGroup, ComparisonJob::Kind::WeakenGroup, ComparisonJob::Kind::DeficitSearch})
    for (int g = 0; g < groups; ++g)
      for (int a = 0; a < activities; ++a) jobs.push_back({kind, a, g});
  return jobs;
}

// Steps done out of a known total, told to AssessmentOptions::progress one at a time.
class ProgressCounter {
 public:
  ProgressCounter(const AssessmentOptions& options, int total) : progress_(options.progress), total_(total) {}
  void step_done(const std::string& what) {
    const int done = ++done_;
    if (!progress_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    progress_(total_ > 0 ? static_cast<double>(done) / total_ : 1.0, what);
  }

 private:
  const std::function<void(double, const std::string&)>& progress_;
  int total_;
  std::atomic<int> done_{0};
  std::mutex mutex_;
};

// Runs the jobs on a small pool of threads, one job at a time per thread.
template <class RunJob>
void run_jobs(const std::vector<ComparisonJob>& jobs, int threads, RunJob&& run_job) {
  ThreadOptions pool;
  pool.threads = threads;
  pool.chunk_frames = 1;
  for_each_chunk(static_cast<int>(jobs.size()), pool, [&](int, int begin, int end) {
    for (int j = begin; j < end; ++j) run_job(jobs[static_cast<std::size_t>(j)]);
  });
}

// Each activity's motion, built once on `model` at the library's default parameters.
std::vector<ActivityMotion> activity_motions(const Model& model, const std::vector<std::string>& activities, int threads) {
  std::vector<ActivityMotion> motions(activities.size());
  ThreadOptions pool;
  pool.threads = threads;
  pool.chunk_frames = 1;
  for_each_chunk(static_cast<int>(activities.size()), pool, [&](int, int begin, int end) {
    for (int a = begin; a < end; ++a) {
      const Activity& activity = find_activity(activities[static_cast<std::size_t>(a)]);
      motions[static_cast<std::size_t>(a)] = build_activity_motion(model, activity.plan(activity_parameters(activity, {})), activity.name);
    }
  });
  return motions;
}

}  // namespace

Assessment compare_strength(const Model& model, const std::vector<std::string>& activities, const std::vector<ActivityMotion>& motions,
                            const Eigen::VectorXd& client_scale, const std::vector<AssessedGroup>& groups,
                            const AssessmentOptions& options) {
  const int na = static_cast<int>(activities.size()), nm = static_cast<int>(model.muscles.size()), ng = static_cast<int>(groups.size());
  if (client_scale.size() != nm) throw std::invalid_argument("compare_strength: one strength factor per muscle expected");
  const StrengthRuns runs = make_strength_runs(model, activities, motions, options.simulation);
  const std::vector<GroupSlot> slots = group_slots(model, groups);
  const Eigen::VectorXd norm = Eigen::VectorXd::Ones(nm);
  const std::vector<ComparisonJob> first_jobs = person_jobs(na), weak_jobs = weak_link_jobs(ng, na);
  ProgressCounter progress(options, static_cast<int>(first_jobs.size()) + na + static_cast<int>(weak_jobs.size()));
  auto label = [&](const ComparisonJob& job) {
    return groups[static_cast<std::size_t>(job.group)].name + " in " + activities[static_cast<std::size_t>(job.activity)];
  };

  // Loads: each activity at norm strength (baseline) and at the client's.
  std::vector<ActivityResult> baseline_runs(static_cast<std::size_t>(na)), client_runs(static_cast<std::size_t>(na));
  std::vector<ActivityGeometry> geometry(static_cast<std::size_t>(na));
  run_jobs(first_jobs, options.threads, [&](const ComparisonJob& job) {
    const auto a = static_cast<std::size_t>(job.activity);
    if (job.kind == ComparisonJob::Kind::Baseline) {
      baseline_runs[a] = runs.run(job.activity, norm);
      geometry[a] = activity_geometry(model, motions[a], slots);
      progress.step_done("baseline " + activities[a]);
    } else {
      client_runs[a] = runs.run(job.activity, client_scale);
      progress.step_done("client " + activities[a]);
    }
  });

  // Utilisation. The demand is the task as a person of norm strength performs it, so that
  // utilisation compares capacities on the same task: the client's own solution may move load
  // elsewhere (another foot's centre of pressure, a synergist), which the compensations report.
  std::vector<Eigen::MatrixXd> baseline_utilisation(static_cast<std::size_t>(na)), client_utilisation(static_cast<std::size_t>(na));
  for (std::size_t a = 0; a < static_cast<std::size_t>(na); ++a) {
    baseline_utilisation[a] = utilisation(baseline_runs[a], geometry[a], slots, groups, runs.actuator_muscle, norm);
    client_utilisation[a] = utilisation(baseline_runs[a], geometry[a], slots, groups, runs.actuator_muscle, client_scale);
    progress.step_done("utilisation " + activities[a]);
  }

  // Weak links: per group and activity, restored, 10 % weaker, and the deficit search.
  WeakLinkRuns weak(ng, na);
  run_jobs(weak_jobs, options.threads, [&](const ComparisonJob& job) {
    const auto g = static_cast<std::size_t>(job.group), a = static_cast<std::size_t>(job.activity);
    switch (job.kind) {
      case ComparisonJob::Kind::RestoreGroup:
        weak.restored[g][a] = restored_peak(runs, job.activity, groups[g], client_scale, client_runs[a]);
        progress.step_done("restoring " + label(job));
        break;
      case ComparisonJob::Kind::WeakenGroup:
        weak.weaker[g][a] = weaker_peak(runs, job.activity, groups[g], client_scale);
        progress.step_done("sensitivity " + label(job));
        break;
      case ComparisonJob::Kind::DeficitSearch:
        weak.infeasible_below[g][a] =
            deficit_threshold(runs, job.activity, job.group, groups, baseline_runs[a], baseline_utilisation[a], slots, options);
        progress.step_done("deficit search " + label(job));
        break;
      case ComparisonJob::Kind::Baseline:
      case ComparisonJob::Kind::Client: break;
    }
  });

  // The comparison per activity, the weak-link ranking and the body figure's regions.
  Assessment out;
  out.reserve_threshold = options.reserve_threshold;
  out.body_weight = baseline_runs.empty() ? 0 : baseline_runs[0].body_weight;
  std::vector<double> client_peaks;
  for (std::size_t a = 0; a < static_cast<std::size_t>(na); ++a) {
    ActivityAssessment aa = compare_activity(model, activities[a], baseline_runs[a], client_runs[a], baseline_utilisation[a],
                                             client_utilisation[a], slots, groups, runs.actuator_muscle, client_scale,
                                             options.reserve_threshold);
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const std::string what = aa.name + " with " + groups[g].name;
      aa.validity.check_finite(weak.restored[g][a], what + " restored: peak L5/S1 load");
      aa.validity.check_finite(weak.weaker[g][a], what + " 10 % weaker: peak L5/S1 load");
    }
    for (const auto& reason : aa.validity.reasons) out.validity.fail(reason);
    client_peaks.push_back(aa.client_summary.peak_compression);
    out.activities.push_back(std::move(aa));
  }
  out.weak_links = rank_weak_links(groups, group_strength_factors(model, groups, client_scale), activities, client_peaks, weak);
  out.muscle_demand = muscle_demand(model, runs.actuator_muscle, baseline_runs, client_runs);
  return out;
}

Assessment assess_client(const Client& client, const AssessmentOptions& options) {
  // The person's generic model, built once: baseline and client differ only in muscle strength.
  const Model model = compile_model(with_contact_sites(build_generic_model(client.person)));
  // Their strength tests, fitted on that model: a strength per muscle.
  FittedStrength strength = fit_strength_profile(model, client.person, client.strength, GenericTables::builtin());
  // Each activity's motion, built once.
  const std::vector<ActivityMotion> motions = activity_motions(model, client.activities, options.threads);
  // Norm against measured strength, over the client's activities.
  Assessment out = compare_strength(model, client.activities, motions, strength_scale(model, strength.strength), assessed_groups(model),
                                    options);
  out.model_name = "weaklink generic";
  out.adjustments = std::move(strength.adjustments);
  for (const auto& adj : out.adjustments)
    for (const auto& w : adj.warnings) out.warnings.push_back(adj.test + ": " + w);
  return out;
}

}  // namespace weaklink

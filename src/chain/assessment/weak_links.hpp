#pragma once
// Weak links (docs/assessment.md): per group and activity, the peak L5/S1 compression with the
// group restored to norm and with it 10 % of norm weaker than the client, and the strength below
// which the activity falls short; then the groups ranked.
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "chain/assessment/assessed_groups.hpp"
#include "chain/assessment/assessment.hpp"
#include "chain/assessment/strength_runs.hpp"
#include "chain/assessment/utilisation.hpp"

namespace weaklink {

// Peak L5/S1 compression over an activity's frames, N.
double peak_compression(const ActivityResult& r);

// Restore `group` to norm, the other muscles as `client_scale`: the peak compression. Without a
// change (the group is at norm already) it is the client's own run, `client`.
double restored_peak(const StrengthRuns& runs, int activity, const AssessedGroup& group, const Eigen::VectorXd& client_scale,
                     const ActivityResult& client);
// `group` 10 % of norm weaker than the client (not below kMinStrengthFactor): the peak compression.
double weaker_peak(const StrengthRuns& runs, int activity, const AssessedGroup& group, const Eigen::VectorXd& client_scale);

// The factor of `group` (every other muscle at norm) below which the activity needs reserves
// beyond the baseline's by more than options.reserve_threshold, found by bisection on the
// options.search_frames frames where the group's utilisation at norm is highest; nullopt when
// the activity is feasible down to kMinStrengthFactor.
std::optional<double> deficit_threshold(const StrengthRuns& runs, int activity, int group, const std::vector<AssessedGroup>& groups,
                                        const ActivityResult& baseline, const Eigen::MatrixXd& baseline_utilisation,
                                        const std::vector<GroupSlot>& slots, const AssessmentOptions& options);

// Per group and activity ([group][activity]), what the weak-link runs found.
struct WeakLinkRuns {
  std::vector<std::vector<double>> restored, weaker;  // peak L5/S1 compression, N
  std::vector<std::vector<std::optional<double>>> infeasible_below;
  WeakLinkRuns(int groups, int activities);
};

// Per group, the force-weighted mean of its muscles' strength scales.
std::vector<double> group_strength_factors(const Model& model, const std::vector<AssessedGroup>& groups, const Eigen::VectorXd& client_scale);

// Every group's weak link, ranked: the client's weak groups (factor < 0.999) first, by the lumbar
// relief of restoring each (most relief first); then the groups at norm, by how much more load
// 10 % less strength would bring. `client_peaks`: per activity, the client's peak compression.
std::vector<WeakLink> rank_weak_links(const std::vector<AssessedGroup>& groups, const std::vector<double>& group_factors,
                                      const std::vector<std::string>& activities, const std::vector<double>& client_peaks,
                                      const WeakLinkRuns& runs);

}  // namespace weaklink

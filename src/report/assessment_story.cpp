#include "report/assessment_story.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "core/embedded_data.hpp"

namespace weaklink {
namespace {

const WeakLink* find_link(const Assessment& a, const std::string& group) {
  for (const auto& w : a.weak_links)
    if (w.group == group) return &w;
  return nullptr;
}

const ActivityAssessment* find_activity_result(const Assessment& a, const std::string& name) {
  for (const auto& x : a.activities)
    if (x.name == name) return &x;
  return nullptr;
}

double total_client_peak(const Assessment& a) {
  double s = 0;
  for (const auto& x : a.activities) s += x.client_summary.peak_compression;
  return s;
}

double mean(const std::vector<double>& v) {
  if (v.empty()) return 0;
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

// What the model computes for a group: the relief of restoring it, its sensitivity, and the
// activities where its utilisation exceeds its capacity or its deficit makes them infeasible.
std::string group_finding(const Assessment& a, const std::string& group) {
  const WeakLink* w = find_link(a, group);
  if (!w) return fmt::format("The model has no '{}' group to test.", group);
  const double total = total_client_peak(a);
  std::string s;
  if (w->client_factor < 0.999)
    s = fmt::format("This client's {} are at {:.0f}% of norm. Restoring them to norm changes the peak L5/S1 compression by {:+.0f} N "
                    "summed over {} activities ({:+.1f}% of the total).",
                    group, 100 * w->client_factor, w->restore_change, a.activities.size(), total > 0 ? 100 * w->restore_change / total : 0);
  else
    s = fmt::format("This client's {} test at norm.", group);
  s += fmt::format(" Losing another 10% of norm would change it by {:+.0f} N.", w->sensitivity_per_10pct);
  std::vector<std::string> infeasible;
  for (const auto& [act, f] : w->infeasible_below)
    if (f) infeasible.push_back(fmt::format("{} below {:.0f}%", activity_label(act), 100 * *f));
  if (!infeasible.empty()) {
    s += " With every other muscle at norm, the muscles can no longer perform ";
    for (std::size_t i = 0; i < infeasible.size(); ++i) s += (i ? ", " : "") + infeasible[i];
    s += " of this group's norm strength.";
  }
  // Where the client's capacity is exceeded.
  std::vector<std::string> over;
  for (const auto& act : a.activities)
    for (const auto& u : act.utilisation)
      if (u.group == group && u.client > 1.0 && u.baseline <= 1.0)
        over.push_back(fmt::format("{} ({})", activity_label(act.name), u.side == "r" ? "right" : u.side == "l" ? "left" : "both"));
  std::sort(over.begin(), over.end());
  over.erase(std::unique(over.begin(), over.end()), over.end());
  if (!over.empty()) {
    s += " At the client's strength the group alone could not meet the task's demand in ";
    for (std::size_t i = 0; i < over.size(); ++i) s += (i ? ", " : "") + over[i];
    s += "; other muscles take over.";
  }
  return s;
}

// "hip_adduction_r" → "right hip adduction".
std::string coordinate_label(const std::string& name) {
  std::string base = name, side;
  if (name.size() > 2 && (name.compare(name.size() - 2, 2, "_r") == 0 || name.compare(name.size() - 2, 2, "_l") == 0)) {
    side = name.back() == 'r' ? "right " : "left ";
    base = name.substr(0, name.size() - 2);
  }
  if (base == "knee_angle") base = "knee";
  if (base == "ankle_angle") base = "ankle";
  std::replace(base.begin(), base.end(), '_', ' ');
  return side + base;
}

}  // namespace

std::string activity_label(const std::string& name) {
  if (name == "sitting_slumped") return "sitting (slumped)";
  if (name == "sitting_upright") return "sitting (upright)";
  if (name == "sitting_backrest") return "sitting (backrest)";
  if (name == "squat_lift") return "lifting (squat)";
  if (name == "stoop_lift") return "lifting (stoop)";
  std::string s = name;
  std::replace(s.begin(), s.end(), '_', name.rfind("sit_to", 0) == 0 || name.rfind("stand_to", 0) == 0 ? '-' : ' ');
  return s;
}

std::optional<SittingSummary> sitting_summary(const Assessment& a, const std::optional<SittingHabits>& sitting) {
  if (!sitting) return std::nullopt;
  SittingSummary s;
  s.hours_per_day = sitting->hours_per_day;
  s.longest_bout_min = sitting->longest_bout_min;
  for (const auto& act : a.activities)
    if (act.name.rfind("sitting", 0) == 0 || act.name == "standing") s.compression.emplace_back(act.name, mean(act.client.compression));
  if (const auto* seated = find_activity_result(a, sitting->posture))
    s.daily_impulse_MNs = sitting->hours_per_day * 3600 * mean(seated->client.compression) / 1e6;
  return s;
}

std::vector<EvidenceItem> evidence_panel(const Assessment& a, const std::optional<SittingHabits>& sitting) {
  const auto doc = nlohmann::json::parse(data::embedded_file("evidence/claims.json"));
  std::vector<EvidenceItem> out;
  for (const auto& c : doc.at("claims")) {
    EvidenceItem e;
    e.claim = c.at("claim").get<std::string>();
    e.studies_say = c.at("studies_say").get<std::string>();
    for (const auto& cit : c.at("citations")) e.citations.push_back(cit.get<std::string>());
    const std::string id = c.at("id").get<std::string>();
    if (id == "sitting") {
      const auto s = sitting_summary(a, sitting);
      const ActivityAssessment* stand = find_activity_result(a, "standing");
      const ActivityAssessment* seated = nullptr;
      for (const auto& act : a.activities)
        if (act.name.rfind("sitting", 0) == 0) seated = &act;
      if (seated && stand) {
        const double sc = mean(seated->client.compression), st = mean(stand->client.compression);
        e.model_says = fmt::format("In this model, {} loads L5/S1 with {:.0f} N ({:.2f} x body weight) against {:.0f} N standing ({:+.0f}%): "
                                   "static sitting is a low load, far below the NIOSH action limit of {:.0f} N.",
                                   activity_label(seated->name), sc, sc / a.body_weight, st, 100 * (sc - st) / st, kNioshActionLimitN);
        if (s && s->hours_per_day > 0)
          e.model_says += fmt::format(" Over {:.1f} h a day that is {:.0f} MN·s of compression.", s->hours_per_day, s->daily_impulse_MNs);
        e.model_says += " The model computes forces only: it cannot represent disc nutrition, creep of tissues over hours, or "
                        "how sitting affects fitness and pain, which is where the studies look.";
      } else {
        e.model_says = "Sitting and standing were not both among the assessed activities, so the model makes no comparison here.";
      }
    } else {
      std::string s;
      for (const auto& g : c.at("groups")) s += (s.empty() ? "" : " ") + group_finding(a, g.get<std::string>());
      e.model_says = s + " The movement is the same for baseline and client: the model shows how the muscles share the load, "
                         "not whether a weak person would move differently.";
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<std::string> summary_sentences(const Assessment& a, const std::string& client_name) {
  std::vector<std::string> s;
  const double bw = a.body_weight;
  // Highest lumbar load.
  const ActivityAssessment* top = nullptr;
  for (const auto& act : a.activities)
    if (!top || act.client_summary.peak_compression > top->client_summary.peak_compression) top = &act;
  if (top)
    s.push_back(fmt::format("The highest lower-back (L5/S1) load for {} is in {}: {:.0f} N, {:.1f} x body weight, {:.0f}% of the NIOSH "
                            "action limit ({:.0f} N).",
                            client_name, activity_label(top->name), top->client_summary.peak_compression,
                            top->client_summary.peak_compression / bw, 100 * top->client_summary.peak_compression / kNioshActionLimitN,
                            kNioshActionLimitN));
  // Client vs baseline on the spine.
  double largest = 0;
  const ActivityAssessment* most = nullptr;
  for (const auto& act : a.activities) {
    const double d = act.client_summary.peak_compression - act.baseline_summary.peak_compression;
    if (std::abs(d) > std::abs(largest)) {
      largest = d;
      most = &act;
    }
  }
  if (!most || std::abs(largest) < 0.01 * bw)
    s.push_back("With the movement unchanged, the measured weaknesses change the peak lower-back load by less than 1% of body "
                "weight in every activity: in this model the spine's load is carried by the trunk muscles and body weight, "
                "not by the hip and knee muscles.");
  else
    s.push_back(fmt::format("The measured weaknesses change the peak lower-back load most in {}: {:+.0f} N ({:+.1f}%).",
                            activity_label(most->name), largest, 100 * largest / most->baseline_summary.peak_compression));
  // Weak links ranked.
  if (!a.weak_links.empty()) {
    const WeakLink& w = a.weak_links.front();
    if (w.restore_change < -0.01 * bw)
      s.push_back(fmt::format("Restoring the {} to norm would lower the lower-back load most: {:.0f} N summed over the activities.", w.group,
                              -w.restore_change));
    else
      s.push_back("No single weak group, restored to norm, lowers the lower-back load by more than 1% of body weight.");
    // The popular story's two culprits, said plainly whatever their rank.
    for (const char* g : {"hip external rotators", "vastus medialis"}) {
      const WeakLink* x = find_link(a, g);
      if (!x || x->client_factor >= 0.999) continue;
      const double per_activity = x->restore_change / static_cast<double>(std::max<std::size_t>(1, a.activities.size()));
      s.push_back(fmt::format("Restoring the {} to norm changes the peak lower-back load by {:+.0f} N per activity on average ({:+.1f}% of "
                              "body weight): {}.",
                              g, per_activity, 100 * per_activity / bw,
                              std::abs(per_activity) < 0.01 * bw ? "in this model it barely matters to the spine"
                                                                 : "a measurable effect on the spine"));
    }
    const WeakLink* sens = &a.weak_links.front();
    for (const auto& x : a.weak_links)
      if (x.sensitivity_per_10pct > sens->sensitivity_per_10pct) sens = &x;
    if (sens->sensitivity_per_10pct > 0.01 * bw)
      s.push_back(fmt::format("The lower-back load is most sensitive to the {}: each 10% of strength lost adds {:.0f} N.", sens->group,
                              sens->sensitivity_per_10pct));
    else
      s.push_back("Losing another 10% of strength in any one group changes the lower-back load by less than 1% of body weight.");
  }
  // Feasibility.
  for (const auto& act : a.activities) {
    if (act.feasible) continue;
    std::vector<std::string> coords;
    for (const auto& sf : act.shortfalls) coords.push_back(coordinate_label(sf.coordinate));
    std::string list;
    for (std::size_t i = 0; i < coords.size() && i < 4; ++i) list += (i ? ", " : "") + coords[i];
    if (coords.size() > 4) list += fmt::format(" and {} more", coords.size() - 4);
    // Which weak groups are below what this activity needs on their own (others at norm).
    std::string culprits;
    for (const auto& w : a.weak_links) {
      const auto it = w.infeasible_below.find(act.name);
      if (it == w.infeasible_below.end() || !it->second || w.client_factor >= *it->second) continue;
      culprits += fmt::format("{}the {} ({:.0f}% of norm, needs {:.0f}%)", culprits.empty() ? "" : ", ", w.group, 100 * w.client_factor,
                              100 * *it->second);
    }
    s.push_back(fmt::format("In {} the client's muscles cannot produce the movement at: {} (the model needs its reserves there){}.",
                            activity_label(act.name), list,
                            culprits.empty() ? "; no single group is below what the activity needs on its own: the weaknesses add up"
                                             : "; below what the activity needs on their own: " + culprits));
  }
  // Compensation, by hip and knee contact.
  for (const auto& act : a.activities) {
    const double dk = act.client_summary.peak_knee - act.baseline_summary.peak_knee;
    if (dk > 0.1 * bw)
      s.push_back(fmt::format("In {} the knee's contact force rises by {:.0f} N ({:.1f} x body weight) as other muscles compensate.",
                              activity_label(act.name), dk, dk / bw));
  }
  return s;
}

std::vector<std::string> assessment_limitations() {
  return {
      "The movement is prescribed and identical for baseline and client; a weak person may move differently (more trunk lean, "
      "shorter steps), which changes spinal load and which this comparison cannot show.",
      "Muscle forces come from static optimization (sum of squared activations): it predicts how load can be shared, not how a "
      "particular nervous system shares it, and it does not model co-contraction or fatigue.",
      "Lumbar loads are at one joint (L5/S1) in the torso's frame; no disc, ligament or facet tissue is modelled, and no load "
      "is linked to pain.",
      "Where no published strength norm exists (hip abduction and rotation), the generic model's own strength stands for the norm.",
      "Utilisation compares the task's demand as a person of norm strength performs it with the group's capacity at full "
      "activation (isometric, rigid tendon); above 100% means the group alone could not do it and others must help.",
      "Weak-link effects are what-ifs on one group at a time; groups overlap (the hip external rotators include the posterior "
      "gluteal fibres), so effects do not add up.",
  };
}

}  // namespace weaklink

#pragma once
// What the assessment means in words: the plain-language summary, the evidence panel (the
// popular story's claims, what the model computes for this client, what studies found), the
// sitting section and the limits of what the model can know.
#include <optional>
#include <string>
#include <vector>

#include "chain/assessment/assessment.hpp"
#include "chain/client/client.hpp"

namespace weaklink {

struct EvidenceItem {
  std::string claim, model_says, studies_say;
  std::vector<std::string> citations;
};

struct SittingSummary {
  double hours_per_day = 0;
  std::optional<double> longest_bout_min;
  std::vector<std::pair<std::string, double>> compression;  // activity → mean L5/S1 compression, N
  double daily_impulse_MNs = 0;                              // hours × mean seated compression
};

// The NIOSH L5/S1 compression limits (NIOSH 1981 Work Practices Guide for Manual Lifting, DHHS
// (NIOSH) Pub 81-122, p.36; kept as the biomechanical criterion by Waters et al. 1993,
// Ergonomics 36(7):749-776).
inline constexpr double kNioshActionLimitN = 3400;
inline constexpr double kNioshMaximumPermissibleN = 6400;
inline constexpr const char* kNioshCitation =
    "NIOSH (1981) Work Practices Guide for Manual Lifting, DHHS (NIOSH) Pub 81-122, p.36; Waters TR, Putz-Anderson V, Garg A, "
    "Fine LJ (1993) Ergonomics 36(7):749-776";

std::vector<EvidenceItem> evidence_panel(const Assessment& a, const std::optional<SittingHabits>& sitting);
std::optional<SittingSummary> sitting_summary(const Assessment& a, const std::optional<SittingHabits>& sitting);
std::vector<std::string> summary_sentences(const Assessment& a, const std::string& client_name);
std::vector<std::string> assessment_limitations();

// Readable names: "sit_to_stand" → "sit-to-stand", "sitting_slumped" → "sitting (slumped)".
std::string activity_label(const std::string& name);

}  // namespace weaklink

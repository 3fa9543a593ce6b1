#pragma once
// The assessment's outputs (docs/assessment.md): report.json (docs/assessment.schema.json),
// CSV tables, and a self-contained offline HTML report (web/, Vega-Lite inlined). Every file is
// written atomically.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chain/assessment.hpp"
#include "chain/client.hpp"
#include "report/assessment_story.hpp"

namespace weaklink {

// Who and what the report is about, beyond the numbers.
struct ReportContext {
  std::string kind = "assess";  // "assess" or "weakness"
  std::string client_name = "client";
  std::optional<Person> person;  // absent for an OpenSim model (weakness)
  std::optional<SittingHabits> sitting;
  std::vector<std::string> extra_limitations;
};

nlohmann::json assessment_json(const Assessment& a, const ReportContext& context);

// The template compiled in by cmake/embed_report_template.cmake (empty when web/ was not built).
std::string_view report_template_html();
// The HTML report: the template with the JSON inlined (every '<' written as \u003c, so that no
// text in the data can end or hide the script element that holds it). Throws std::runtime_error when the template was not built.
std::string assessment_html(const nlohmann::json& report);

// Writes report.json, report.html and the CSV tables into `dir` (created); returns the paths.
std::vector<std::filesystem::path> write_assessment_report(const std::filesystem::path& dir, const Assessment& a,
                                                           const nlohmann::json& report);

}  // namespace weaklink

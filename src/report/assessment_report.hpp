#pragma once
// The assessment's outputs (docs/assessment.md): report.json (docs/assessment.schema.json),
// CSV tables, and a self-contained offline HTML report (web/, Vega-Lite inlined), written as one
// set (io::OutputSet).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chain/assessment/assessment.hpp"
#include "chain/client/client.hpp"
#include "io/output_set.hpp"
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

// The names write_assessment_report() writes (report.html, report.json and the CSV tables).
std::vector<std::string> assessment_report_files();

// Stages report.json, report.html and the CSV tables in `out` (committed by the caller).
void write_assessment_report(io::OutputSet& out, const Assessment& a, const nlohmann::json& report);

}  // namespace weaklink

#include "report/assessment_report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "core/version.hpp"

namespace weaklink {
namespace {

using nlohmann::json;

// JSON numbers must be finite; the schema has no NaN. Rounded to 6 significant digits: the report
// is for reading and plotting, the .sto outputs of `weaklink simulate` keep full precision.
double num(double v) {
  if (!std::isfinite(v)) return 0.0;
  if (v == 0) return 0.0;
  const double scale = std::pow(10.0, 5 - std::floor(std::log10(std::abs(v))));
  return std::round(v * scale) / scale;
}

json series(const std::vector<double>& v) {
  json a = json::array();
  for (double x : v) a.push_back(num(x));
  return a;
}

json loads(const LoadSeries& s) {
  return {{"lumbar_compression", series(s.compression)},
          {"lumbar_shear_ap", series(s.shear_ap)},
          {"hip_contact", series(s.hip)},
          {"knee_contact", series(s.knee)}};
}

json peaks(const LoadSummary& m, double bw) {
  return {{"peak_compression_N", num(m.peak_compression)},
          {"peak_compression_bw", num(m.peak_compression / bw)},
          {"integrated_compression_Ns", num(m.integrated_compression)},
          {"peak_shear_N", num(m.peak_shear)},
          {"peak_shear_bw", num(m.peak_shear / bw)},
          {"integrated_shear_Ns", num(m.integrated_shear)},
          {"peak_hip_contact_N", num(m.peak_hip)},
          {"peak_hip_contact_bw", num(m.peak_hip / bw)},
          {"peak_knee_contact_N", num(m.peak_knee)},
          {"peak_knee_contact_bw", num(m.peak_knee / bw)},
          {"max_reserve", num(m.max_reserve)},
          {"fraction_of_action_limit", num(m.peak_compression / kNioshActionLimitN)}};
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

json assessment_json(const Assessment& a, const ReportContext& ctx) {
  const double bw = a.body_weight > 0 ? a.body_weight : 1.0;
  json j;
  j["schema"] = "weaklink-assessment/1";
  j["kind"] = ctx.kind;
  j["generated_by"] = fmt::format("weaklink {}", version());
  j["summary"] = summary_sentences(a, ctx.client_name);
  j["valid"] = a.validity.valid();
  j["invalid_reasons"] = a.validity.reasons;
  json client = {{"name", ctx.client_name}, {"body_weight_N", num(a.body_weight)}, {"model", a.model_name}};
  if (ctx.person) {
    client["age"] = ctx.person->age_years;
    client["sex"] = to_string(ctx.person->sex);
    client["height_m"] = ctx.person->height_m;
    client["mass_kg"] = ctx.person->mass_kg;
  }
  client["sitting_hours_per_day"] = ctx.sitting ? json(num(ctx.sitting->hours_per_day)) : json(nullptr);
  j["client"] = client;
  j["limits"] = {{"action_limit_N", kNioshActionLimitN}, {"maximum_permissible_N", kNioshMaximumPermissibleN}, {"citation", kNioshCitation}};
  json strength = json::array();
  for (const auto& adj : a.adjustments)
    strength.push_back({{"group", adj.group}, {"side", adj.side}, {"factor", num(adj.factor)}, {"basis", adj.basis}, {"warnings", adj.warnings}});
  j["strength"] = strength;
  json acts = json::array();
  for (const auto& x : a.activities) {
    json comp = json::array(), util = json::array(), shortfalls = json::array();
    for (const auto& c : x.compensations)
      comp.push_back({{"muscle", c.muscle}, {"baseline", num(c.baseline)}, {"client", num(c.client)}, {"change", num(c.change)}});
    for (const auto& u : x.utilisation)
      util.push_back({{"group", u.group}, {"side", u.side}, {"baseline", num(u.baseline)}, {"client", num(u.client)}});
    for (const auto& s : x.shortfalls)
      shortfalls.push_back({{"coordinate", s.coordinate}, {"frames", s.frames}, {"first_time", num(s.first_time)}, {"last_time", num(s.last_time)},
                            {"client_peak", num(s.client_peak)}, {"baseline_peak", num(s.baseline_peak)}});
    acts.push_back({{"name", x.name},
                    {"description", x.description},
                    {"time", series(x.time)},
                    {"baseline", loads(x.baseline)},
                    {"client", loads(x.client)},
                    {"baseline_summary", peaks(x.baseline_summary, bw)},
                    {"client_summary", peaks(x.client_summary, bw)},
                    {"compensations", comp},
                    {"utilisation", util},
                    {"feasibility", {{"feasible", x.feasible}, {"threshold", num(a.reserve_threshold)}, {"shortfalls", shortfalls}}},
                    {"valid", x.validity.valid()},
                    {"invalid_reasons", x.validity.reasons}});
  }
  j["activities"] = acts;
  json links = json::array();
  int rank = 0;
  for (const auto& w : a.weak_links) {
    json by = json::object(), inf = json::object();
    for (const auto& [k, v] : w.restore_by_activity) by[k] = num(v);
    for (const auto& [k, v] : w.infeasible_below) inf[k] = v ? json(num(*v)) : json(nullptr);
    links.push_back({{"rank", ++rank},
                     {"group", w.group},
                     {"client_factor", num(w.client_factor)},
                     {"restore_change_N", num(w.restore_change)},
                     {"restore_change_by_activity", by},
                     {"sensitivity_N_per_10pct", num(w.sensitivity_per_10pct)},
                     {"infeasible_below", inf}});
  }
  j["weak_links"] = links;
  json demand = json::array();
  for (const auto& d : a.muscle_demand)
    demand.push_back({{"region", d.region}, {"side", d.side}, {"baseline", num(d.baseline)}, {"client", num(d.client)}});
  j["muscle_demand"] = demand;
  json evidence = json::array();
  for (const auto& e : evidence_panel(a, ctx.sitting))
    evidence.push_back({{"claim", e.claim}, {"model_says", e.model_says}, {"studies_say", e.studies_say}, {"citations", e.citations}});
  j["evidence"] = evidence;
  if (const auto s = sitting_summary(a, ctx.sitting)) {
    json comp = json::object();
    for (const auto& [k, v] : s->compression) comp[k] = num(v);
    j["sitting"] = {{"hours_per_day", num(s->hours_per_day)},
                    {"longest_bout_min", s->longest_bout_min ? json(num(*s->longest_bout_min)) : json(nullptr)},
                    {"compression_N", comp},
                    {"daily_compression_impulse_MNs", num(s->daily_impulse_MNs)}};
  } else {
    j["sitting"] = nullptr;
  }
  j["warnings"] = a.warnings;
  json limits = assessment_limitations();
  for (const auto& l : ctx.extra_limitations) limits.push_back(l);
  j["limitations"] = limits;
  return j;
}

std::string assessment_html(const json& report) {
  const std::string_view tpl = report_template_html();
  const std::string_view placeholder = "@@WEAKLINK_REPORT_JSON@@";
  const auto at = tpl.find(placeholder);
  if (tpl.empty() || at == std::string_view::npos)
    throw std::runtime_error("this weaklink was built without the HTML report template: run 'bash scripts/setup.sh' (it builds web/ "
                             "with npm) and rebuild; no report file was written");
  // Every '<' becomes the JSON escape \u003c (the same value once parsed), so that no text in the
  // data can close the script element ("</script") or open a comment that hides its end ("<!--").
  const std::string data = report.dump();
  std::string escaped;
  escaped.reserve(data.size() + 64);
  for (char c : data) {
    if (c == '<') escaped += "\\u003c";
    else escaped += c;
  }
  std::string html;
  html.reserve(tpl.size() + escaped.size());
  html.append(tpl.substr(0, at));
  html.append(escaped);
  html.append(tpl.substr(at + placeholder.size()));
  return html;
}

std::vector<std::string> assessment_report_files() {
  return {"report.json", "activities.csv", "loads.csv", "weak_links.csv", "utilisation.csv", "compensations.csv", "report.html"};
}

void write_assessment_report(io::OutputSet& out, const Assessment& a, const json& report) {
  // CSV tables of an invalid result start with a comment line saying so (report.json: "valid").
  const std::string invalid = a.validity.csv_comment();
  auto write = [&](const std::string& name, const std::string& text) {
    const bool csv = name.size() > 4 && name.compare(name.size() - 4, 4, ".csv") == 0;
    out.write(name, csv ? invalid + text : text);
  };
  write("report.json", report.dump(1) + "\n");
  {
    std::string t = "activity,who,peak_compression_N,peak_compression_bw,integrated_compression_Ns,peak_shear_N,integrated_shear_Ns,"
                    "peak_hip_contact_N,peak_knee_contact_N,max_reserve,feasible\n";
    for (const auto& x : a.activities)
      for (const auto* who : {"baseline", "client"}) {
        const LoadSummary& m = std::string(who) == "baseline" ? x.baseline_summary : x.client_summary;
        t += fmt::format("{},{},{:.1f},{:.3f},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f},{:.2f},{}\n", x.name, who, m.peak_compression,
                         m.peak_compression / a.body_weight, m.integrated_compression, m.peak_shear, m.integrated_shear, m.peak_hip,
                         m.peak_knee, m.max_reserve, std::string(who) == "baseline" ? "true" : (x.feasible ? "true" : "false"));
      }
    write("activities.csv", t);
  }
  {
    std::string t = "activity,time_s,baseline_compression_N,client_compression_N,baseline_shear_ap_N,client_shear_ap_N,baseline_hip_N,"
                    "client_hip_N,baseline_knee_N,client_knee_N\n";
    for (const auto& x : a.activities)
      for (std::size_t i = 0; i < x.time.size(); ++i)
        t += fmt::format("{},{:.4f},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f}\n", x.name, x.time[i], x.baseline.compression[i],
                         x.client.compression[i], x.baseline.shear_ap[i], x.client.shear_ap[i], x.baseline.hip[i], x.client.hip[i],
                         x.baseline.knee[i], x.client.knee[i]);
    write("loads.csv", t);
  }
  {
    std::string t = "rank,group,client_factor,restore_change_N,sensitivity_N_per_10pct";
    for (const auto& x : a.activities) t += ",infeasible_below_" + x.name;
    t += "\n";
    int rank = 0;
    for (const auto& w : a.weak_links) {
      t += fmt::format("{},{},{:.3f},{:.1f},{:.1f}", ++rank, csv_field(w.group), w.client_factor, w.restore_change, w.sensitivity_per_10pct);
      for (const auto& x : a.activities) {
        const auto it = w.infeasible_below.find(x.name);
        t += (it != w.infeasible_below.end() && it->second) ? fmt::format(",{:.3f}", *it->second) : std::string(",");
      }
      t += "\n";
    }
    write("weak_links.csv", t);
  }
  {
    std::string t = "activity,group,side,baseline_utilisation,client_utilisation\n";
    for (const auto& x : a.activities)
      for (const auto& u : x.utilisation)
        t += fmt::format("{},{},{},{:.4f},{:.4f}\n", x.name, csv_field(u.group), u.side, u.baseline, u.client);
    write("utilisation.csv", t);
  }
  {
    std::string t = "activity,muscle,baseline_mean_activation,client_mean_activation,change\n";
    for (const auto& x : a.activities)
      for (const auto& c : x.compensations) t += fmt::format("{},{},{:.4f},{:.4f},{:.4f}\n", x.name, c.muscle, c.baseline, c.client, c.change);
    write("compensations.csv", t);
  }
  write("report.html", assessment_html(report));
}

}  // namespace weaklink

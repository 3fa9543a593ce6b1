#include "generic_model/generic_tables.hpp"

#include <algorithm>
#include <sstream>

#include "core/embedded_data.hpp"
#include "core/error.hpp"
#include "io/csv_table.hpp"

namespace weaklink {

namespace {

constexpr const char* kDir = "generic_model/";

std::optional<io::CsvTable> table(const std::map<std::string, std::string>& files, const std::string& name, bool required) {
  const auto it = files.find(name);
  if (it == files.end()) {
    if (required) throw_input_error(std::string(kDir) + name, "", "the generic model needs this table and it is missing");
    return std::nullopt;
  }
  return io::CsvTable::parse(it->second, std::string(kDir) + name);
}

Vec3 xyz(const io::CsvTable& t, const io::CsvTable::Row& r) {
  return Vec3(t.number(r, "x"), t.number(r, "y"), t.number(r, "z"));
}

void read_landmarks(const io::CsvTable& t, GenericTables& out) {
  t.require_columns({"dataset", "body", "landmark", "x", "y", "z"});
  for (const auto& r : t.rows()) out.landmarks.push_back({t.text(r, "dataset"), t.text(r, "body"), t.text(r, "landmark"), xyz(t, r)});
}

void read_paths(const io::CsvTable& t, GenericTables& out) {
  t.require_columns({"muscle", "point", "body", "x", "y", "z", "dataset"});
  for (const auto& r : t.rows()) {
    PathPointRow p{t.text(r, "muscle"), t.text(r, "body"), t.text(r, "dataset"), t.integer(r, "point"), xyz(t, r)};
    if (p.muscle.empty()) t.fail(r, "column 'muscle': expected a muscle name");
    if (std::find(out.muscle_order.begin(), out.muscle_order.end(), p.muscle) == out.muscle_order.end())
      out.muscle_order.push_back(p.muscle);
    out.path_points.push_back(std::move(p));
  }
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep))
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

GenericTables parse_generic_tables(const std::map<std::string, std::string>& files) {
  GenericTables out;
  read_landmarks(*table(files, "landmarks.csv", true), out);
  if (auto t = table(files, "trunk_landmarks.csv", false)) read_landmarks(*t, out);
  read_paths(*table(files, "muscle_paths.csv", true), out);
  if (auto t = table(files, "trunk_muscle_paths.csv", false)) read_paths(*t, out);
  // Order points within each muscle; the builder checks they are 1..n.
  std::stable_sort(out.path_points.begin(), out.path_points.end(), [&](const PathPointRow& a, const PathPointRow& b) {
    if (a.muscle != b.muscle) {
      const auto ia = std::find(out.muscle_order.begin(), out.muscle_order.end(), a.muscle);
      const auto ib = std::find(out.muscle_order.begin(), out.muscle_order.end(), b.muscle);
      return ia < ib;
    }
    return a.point < b.point;
  });

  if (auto t = table(files, "wrap_objects.csv", false)) {
    t->require_columns({"name", "body", "kind", "x", "y", "z", "rx_deg", "ry_deg", "rz_deg", "radius", "length", "quadrant", "muscles", "dataset"});
    for (const auto& r : t->rows()) {
      if (t->text(r, "kind") != "cylinder") t->fail(r, "column 'kind': only 'cylinder' is supported");
      WrapCylinderRow w;
      w.name = t->text(r, "name");
      w.body = t->text(r, "body");
      w.dataset = t->text(r, "dataset");
      w.quadrant = t->text(r, "quadrant").empty() ? "all" : t->text(r, "quadrant");
      w.position = xyz(*t, r);
      w.rotation_deg = Vec3(t->number(r, "rx_deg"), t->number(r, "ry_deg"), t->number(r, "rz_deg"));
      w.radius = t->number(r, "radius");
      w.length = t->number(r, "length");
      if (w.radius <= 0 || w.length <= 0) t->fail(r, "expected a positive radius and length");
      w.muscles = split(t->text(r, "muscles"), ';');
      out.wraps.push_back(std::move(w));
    }
  }

  for (const char* name : {"muscle_architecture.csv", "trunk_architecture.csv"}) {
    auto t = table(files, name, std::string(name) == "muscle_architecture.csv");
    if (!t) continue;
    t->require_columns({"muscle", "pcsa_cm2", "optimal_fiber_length_m", "pennation_deg", "line_fraction"});
    for (const auto& r : t->rows()) {
      ArchitectureRow a{t->text(r, "muscle"), t->number(r, "pcsa_cm2"), t->number(r, "optimal_fiber_length_m"),
                        t->number(r, "pennation_deg"), t->number_or(r, "line_fraction", 1.0)};
      // muscle_architecture.csv gives the whole muscle's PCSA and the line's share of it;
      // trunk_architecture.csv gives each line's own PCSA (its line_fraction is informative).
      if (std::string(name) == "muscle_architecture.csv") a.pcsa_cm2 *= a.line_fraction;
      if (a.pcsa_cm2 <= 0 || a.optimal_fiber_length <= 0 || a.pennation_deg < 0 || a.pennation_deg >= 60 ||
          a.line_fraction <= 0 || a.line_fraction > 1)
        t->fail(r, "expected PCSA > 0, fibre length > 0, pennation in [0, 60) degrees, line fraction in (0, 1]");
      if (!out.architecture.emplace(a.muscle, a).second) t->fail(r, fmt::format("muscle '{}' appears twice", a.muscle));
      if (std::string(name) == "trunk_architecture.csv") out.trunk_architecture.insert(a.muscle);
    }
  }

  {
    auto t = table(files, "muscle_groups.csv", true);
    t->require_columns({"group", "muscle"});
    for (const auto& r : t->rows()) out.groups.emplace_back(t->text(r, "group"), t->text(r, "muscle"));
  }
  for (const char* name : {"constants.csv", "body_constants.csv"}) {
    auto t = table(files, name, true);
    t->require_columns({"name", "value"});
    for (const auto& r : t->rows())
      if (!out.constants.emplace(t->text(r, "name"), t->number(r, "value")).second)
        t->fail(r, fmt::format("constant '{}' appears twice", t->text(r, "name")));
  }
  if (auto t = table(files, "strength_norms.csv", false)) {
    t->require_columns({"measure", "sex", "age_min", "age_max", "value", "unit", "posture"});
    for (const auto& r : t->rows()) {
      StrengthNormRow n;
      n.measure = t->text(r, "measure");
      const std::string sex = t->text(r, "sex");
      if (sex == "F" || sex == "female") n.sex = Sex::Female;
      else if (sex == "M" || sex == "male") n.sex = Sex::Male;
      n.age_min = t->number_or(r, "age_min", 0);
      n.age_max = t->number_or(r, "age_max", 200);
      n.value = t->number(r, "value");
      n.sd = t->number_or(r, "sd", 0);
      n.unit = t->text(r, "unit");
      n.posture = t->text(r, "posture");
      if (t->has_column("method")) n.method = t->text(r, "method");
      if (t->has_column("source_citation")) n.citation = t->text(r, "source_citation");
      if (t->has_column("verification")) n.verification = t->text(r, "verification");
      out.norms.push_back(std::move(n));
    }
  }
  if (auto t = table(files, "mmt_grades.csv", false)) {
    t->require_columns({"grade", "percent_of_normal"});
    for (const auto& r : t->rows()) {
      out.mmt_percent[t->text(r, "grade")] = t->number(r, "percent_of_normal");
      const std::string note = t->has_column("note") ? t->text(r, "note") : "";
      if (note.find("unverified") != std::string::npos || note.find("ASSUMPTION") != std::string::npos)
        out.mmt_unverified.insert(t->text(r, "grade"));
    }
  }
  {
    auto t = table(files, "segments.csv", true);
    t->require_columns({"sex", "segment", "mass_fraction_pct", "com_from_proximal_pct", "rg_sagittal_pct", "rg_transverse_pct",
                        "rg_longitudinal_pct", "length_pct_stature"});
    for (const auto& r : t->rows()) {
      SegmentRow s;
      const std::string sex = t->text(r, "sex");
      if (sex != "F" && sex != "M") t->fail(r, "column 'sex': expected F or M");
      s.sex = sex == "F" ? Sex::Female : Sex::Male;
      s.segment = t->text(r, "segment");
      s.mass_pct = t->number(r, "mass_fraction_pct");
      s.com_pct = t->number(r, "com_from_proximal_pct");
      s.rg_sagittal_pct = t->number(r, "rg_sagittal_pct");
      s.rg_transverse_pct = t->number(r, "rg_transverse_pct");
      s.rg_longitudinal_pct = t->number(r, "rg_longitudinal_pct");
      s.length_pct_stature = t->number_or(r, "length_pct_stature", 0.0);
      out.segments.push_back(std::move(s));
    }
  }
  {
    auto t = table(files, "joint_ranges.csv", true);
    t->require_columns({"coordinate", "min", "max", "unit"});
    for (const auto& r : t->rows()) {
      const double lo = t->number(r, "min"), hi = t->number(r, "max");
      if (!(lo < hi)) t->fail(r, "expected min < max");
      out.ranges[t->text(r, "coordinate")] = {lo, hi};
    }
  }
  if (auto t = table(files, "knee_kinematics.csv", false)) {
    t->require_columns({"quantity", "unit", "c0", "c1", "c2", "c3", "c4"});
    for (const auto& r : t->rows())
      out.knee_polynomials[t->text(r, "quantity")] = {t->number(r, "c0"), t->number(r, "c1"), t->number(r, "c2"), t->number(r, "c3"),
                                                      t->number(r, "c4")};
  }
  return out;
}

const GenericTables& GenericTables::builtin() {
  static const GenericTables tables = [] {
    std::map<std::string, std::string> files;
    for (const auto& f : data::embedded_files())
      if (f.path.substr(0, std::string_view(kDir).size()) == kDir)
        files.emplace(std::string(f.path.substr(std::string_view(kDir).size())), std::string(f.text));
    return parse_generic_tables(files);
  }();
  return tables;
}

const LandmarkRow* GenericTables::find_landmark(const std::string& dataset, const std::string& body, const std::string& name) const {
  for (const auto& l : landmarks)
    if (l.dataset == dataset && l.body == body && l.name == name) return &l;
  return nullptr;
}

const LandmarkRow& GenericTables::landmark(const std::string& dataset, const std::string& body, const std::string& name) const {
  if (const auto* l = find_landmark(dataset, body, name)) return *l;
  throw_input_error("generic_model/landmarks.csv", "",
                    fmt::format("expected landmark '{}' on body '{}' for dataset '{}'", name, body, dataset));
}

const SegmentRow& GenericTables::segment(Sex sex, const std::string& name) const {
  for (const auto& s : segments)
    if (s.sex == sex && s.segment == name) return s;
  throw_input_error("generic_model/segments.csv", "", fmt::format("expected a row for segment '{}' ({})", name, to_string(sex)));
}

double GenericTables::constant(const std::string& name) const {
  const auto it = constants.find(name);
  if (it == constants.end()) throw_input_error("generic_model/constants.csv", "", fmt::format("expected a constant named '{}'", name));
  return it->second;
}

}  // namespace weaklink

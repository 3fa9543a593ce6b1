// Activities as data: an activity file (docs/activity-format.md) read, merged with the activity it
// extends and validated field by field into a Definition (activity_definition.hpp), whose plan for
// given parameter values activity_plan.cpp builds. Values may be numbers or expressions
// (core/expression.hpp) of the parameters, constants and derived values; joint angles are in
// degrees in the file (tracks return radians).
#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "chain/activities/activity.hpp"
#include "chain/activities/activity_definition.hpp"
#include "chain/activities/activity_generators.hpp"
#include "chain/activities/contact_sites.hpp"
#include "core/embedded_data.hpp"
#include "core/error.hpp"
#include "core/expression.hpp"
#include "core/profiles.hpp"
#include "io/csv_table.hpp"
#include "io/input_file.hpp"
#include "io/json_input.hpp"

namespace weaklink {
namespace {

using nlohmann::json;
using namespace activity_file;

constexpr int kMaxExtendsDepth = 8;

// ---- merging a variant with its base ----------------------------------------------------------

// Lists whose entries a variant overrides one by one (by this key) instead of replacing the list.
const char* merge_key(const std::string& field) {
  if (field == "parameters" || field == "constants" || field == "derived" || field == "surfaces") return "name";
  if (field == "tracks" || field == "initial") return "coordinate";
  return nullptr;
}

json merge_variant(const json& base, const json& variant) {
  json out = base;
  for (auto it = variant.begin(); it != variant.end(); ++it) {
    const char* key = merge_key(it.key());
    if (key && out.contains(it.key()) && out[it.key()].is_array() && it->is_array()) {
      json& list = out[it.key()];
      for (const auto& entry : *it) {
        bool replaced = false;
        if (entry.is_object() && entry.contains(key))
          for (auto& e : list)
            if (e.is_object() && e.contains(key) && e[key] == entry[key]) {
              e = entry;
              replaced = true;
            }
        if (!replaced) list.push_back(entry);
      }
    } else {
      out[it.key()] = *it;
    }
  }
  out.erase("extends");
  return out;
}

json builtin_json(const std::string& name, const std::string& file, const std::string& where);

// The document with every `extends` resolved.
json resolve_extends(json doc, const std::string& file, int depth) {
  if (!doc.is_object() || !doc.contains("extends")) return doc;
  const json& e = doc["extends"];
  if (!e.is_string()) throw_input_error(file, "extends", "expected the name of a built-in activity (weaklink activities lists them)");
  if (depth >= kMaxExtendsDepth) throw_input_error(file, "extends", fmt::format("more than {} levels of extends", kMaxExtendsDepth));
  const std::string base_name = e.get<std::string>();
  json base = builtin_json(base_name, file, "extends");
  base = resolve_extends(std::move(base), "data/activities/" + base_name + ".json", depth + 1);
  return merge_variant(base, doc);
}

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& what) const { throw_input_error(file_, path, what); }

  // `v` must be an object holding only `allowed` fields (and `required` ones).
  void object(const json& v, const std::string& path, std::initializer_list<std::string_view> allowed,
              std::initializer_list<std::string_view> required = {}) const {
    if (!v.is_object()) fail(path, "expected an object");
    for (auto it = v.begin(); it != v.end(); ++it) {
      bool known = false;
      for (auto a : allowed) known = known || it.key() == a;
      if (!known) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(join(path, it.key()), fmt::format("unknown field '{}' (expected one of: {})", quote_input(it.key(), 40), list));
      }
    }
    for (auto r : required)
      if (!v.contains(std::string(r))) fail(join(path, std::string(r)), "is missing");
  }
  static std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }
  static std::string at(const std::string& path, std::size_t i) { return fmt::format("{}[{}]", path, i); }

  const json& array(const json& v, const std::string& path, bool non_empty = false) const {
    if (!v.is_array()) fail(path, "expected an array");
    if (non_empty && v.empty()) fail(path, "expected a non-empty array");
    return v;
  }
  std::string string(const json& v, const std::string& path, const char* expected = "a string") const {
    if (!v.is_string() || v.get_ref<const std::string&>().empty()) fail(path, fmt::format("expected {}", expected));
    return v.get<std::string>();
  }
  // A name: lower-case letters, digits and '_', starting with a letter (coordinates, sites, surfaces).
  std::string name(const json& v, const std::string& path) const {
    const std::string s = string(v, path, "a name");
    bool ok = s.size() <= 64 && s[0] >= 'a' && s[0] <= 'z';
    for (char c : s) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    if (!ok) fail(path, fmt::format("'{}' is not a name (lower-case letters, digits and '_', starting with a letter, at most 64)", quote_input(s, 70)));
    return s;
  }
  double number(const json& v, const std::string& path, double lo = -1e12, double hi = 1e12) const {
    if (!v.is_number()) fail(path, "expected a number");
    const double x = v.get<double>();
    if (!std::isfinite(x) || x < lo || x > hi) fail(path, fmt::format("{:g} is outside [{:g}, {:g}]", x, lo, hi));
    return x;
  }
  bool boolean(const json& v, const std::string& path) const {
    if (!v.is_boolean()) fail(path, "expected true or false");
    return v.get<bool>();
  }
  // A number or an expression (string) of the first `visible` variables.
  Value value(const json& v, const std::string& path, std::size_t visible) const {
    Value out;
    if (v.is_number()) {
      out.number = number(v, path);
      return out;
    }
    if (!v.is_string()) fail(path, "expected a number or an expression (a string, docs/activity-format.md)");
    const std::string& text = v.get_ref<const std::string&>();
    if (text.size() > 400) fail(path, fmt::format("expression of {} characters (at most 400)", text.size()));
    const std::vector<std::string> names(variables.begin(), variables.begin() + static_cast<std::ptrdiff_t>(visible));
    std::string error;
    out.expression = Expression::compile(text, names, error);
    if (!out.expression) fail(path, fmt::format("expression '{}': {} (names known here: {})", quote_input(text), error, known(visible)));
    return out;
  }
  Value value(const json& v, const std::string& path) const { return value(v, path, variables.size()); }
  Vec3Value vec3(const json& v, const std::string& path) const {
    if (!v.is_array() || v.size() != 3) fail(path, "expected an array of 3 values [x, y, z]");
    return {value(v[0], at(path, 0)), value(v[1], at(path, 1)), value(v[2], at(path, 2))};
  }
  std::string status(const json& v, const std::string& path) const {
    const std::string s = string(v, path, "cited, recalled or chosen");
    if (s != "cited" && s != "recalled" && s != "chosen") fail(path, fmt::format("'{}': expected cited, recalled or chosen", quote_input(s)));
    return s;
  }
  // "source" and "status" of an entry that carries them (optional unless `required`).
  void provenance(const json& v, const std::string& path, bool required) const {
    if (required || v.contains("status")) {
      if (!v.contains("status")) fail(join(path, "status"), "is missing (cited, recalled or chosen)");
      const std::string s = status(v["status"], join(path, "status"));
      if (s != "chosen" && !v.contains("source")) fail(join(path, "source"), "is missing (a " + s + " value names its source)");
    }
    if (v.contains("source")) (void)string(v["source"], join(path, "source"), "a string naming the source");
  }
  // A contact site (chain/activities/contact_sites.cpp lists them).
  std::string site(const json& v, const std::string& path) const {
    const std::string s = name(v, path);
    for (const auto& known : contact_site_names())
      if (known == s) return s;
    std::string list;
    for (const auto& known : contact_site_names()) list += (list.empty() ? "" : ", ") + known;
    fail(path, fmt::format("no contact site named '{}' (known: {})", s, list));
  }
  std::vector<std::string> sites(const json& v, const std::string& path) const {
    array(v, path, true);
    if (v.size() > 200) fail(path, "more than 200 sites");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v.size(); ++i) out.push_back(site(v[i], at(path, i)));
    return out;
  }
  Window window(const json& v, const std::string& path) const {
    object(v, path, {"from", "to"});
    Window w;
    if (v.contains("from")) w.from = value(v["from"], join(path, "from"));
    if (v.contains("to")) w.to = value(v["to"], join(path, "to"));
    return w;
  }
  int axis(const json& v, const std::string& path) const {
    const std::string s = string(v, path, "forward or lateral");
    if (s == "forward") return 0;
    if (s == "lateral") return 2;
    fail(path, fmt::format("'{}': expected forward or lateral", quote_input(s)));
  }
  double unit_scale(const json& entry, const std::string& path) const {
    if (!entry.contains("unit")) fail(join(path, "unit"), "is missing (deg for angles, m for translations)");
    const std::string u = string(entry["unit"], join(path, "unit"), "deg or m");
    if (u == "deg") return kDeg;
    if (u == "m") return 1.0;
    fail(join(path, "unit"), fmt::format("'{}': expected deg or m", quote_input(u)));
  }
  std::string known(std::size_t visible) const {
    std::string out;
    for (std::size_t i = 0; i < visible; ++i) out += (out.empty() ? "" : ", ") + variables[i];
    return out;
  }
  void add_variable(const std::string& name, const std::string& path) {
    for (const auto& v : variables)
      if (v == name) fail(path, fmt::format("the name '{}' is already used (parameters, constants, derived values and {} share one list)", name,
                                            "pi, deg, standard_gravity"));
    variables.push_back(name);
  }

  const std::string& file() const { return file_; }
  std::vector<std::string> variables;

 private:
  std::string file_;
};

void read_parameters(const Reader& r, const json& doc, Definition& d, Reader& names) {
  if (!doc.contains("parameters")) return;
  const json& list = r.array(doc["parameters"], "parameters");
  if (list.size() > 64) r.fail("parameters", "more than 64 parameters");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = Reader::at("parameters", i);
    const json& p = list[i];
    r.object(p, path, {"name", "unit", "default", "min", "max", "description", "source", "status", "movement_variable"},
             {"name", "unit", "default", "min", "max", "description", "status"});
    ActivityParameter a;
    a.name = r.name(p["name"], Reader::join(path, "name"));
    if (!p["unit"].is_string()) r.fail(Reader::join(path, "unit"), "expected a string (\"\" for a plain number)");
    a.unit = p["unit"].get<std::string>();
    a.description = r.string(p["description"], Reader::join(path, "description"));
    a.min = r.number(p["min"], Reader::join(path, "min"));
    a.max = r.number(p["max"], Reader::join(path, "max"));
    if (a.min > a.max) r.fail(Reader::join(path, "max"), fmt::format("{:g} is below min {:g}", a.max, a.min));
    a.value = r.number(p["default"], Reader::join(path, "default"), a.min, a.max);
    r.provenance(p, path, true);
    a.status = p["status"].get<std::string>();
    if (p.contains("source")) a.source = p["source"].get<std::string>();
    if (p.contains("movement_variable")) a.movement_variable = r.boolean(p["movement_variable"], Reader::join(path, "movement_variable"));
    if (a.name == "frames") {
      if (a.min < 6 || a.max > 100000 || a.value != std::floor(a.value))
        r.fail(path, "frames: a whole default, min at least 6 and max at most 100000");
    }
    if (a.name == "duration" && !(a.min > 0)) r.fail(Reader::join(path, "min"), "a duration's min must be positive (s)");
    names.add_variable(a.name, Reader::join(path, "name"));
    d.parameters.push_back(std::move(a));
  }
}

void read_constants(const Reader& r, const json& doc, Definition& d, Reader& names) {
  if (!doc.contains("constants")) return;
  const json& list = r.array(doc["constants"], "constants");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = Reader::at("constants", i);
    const json& c = list[i];
    r.object(c, path, {"name", "value", "unit", "description", "source", "status"}, {"name", "value", "unit", "status"});
    const std::string n = r.name(c["name"], Reader::join(path, "name"));
    (void)r.string(c["unit"], Reader::join(path, "unit"), "a unit");
    if (c.contains("description")) (void)r.string(c["description"], Reader::join(path, "description"));
    r.provenance(c, path, true);
    d.constants.push_back(r.number(c["value"], Reader::join(path, "value")));
    names.add_variable(n, Reader::join(path, "name"));
  }
}

void read_derived(const Reader& r, const json& doc, Definition& d, Reader& names) {
  if (!doc.contains("derived")) return;
  const json& list = r.array(doc["derived"], "derived");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = Reader::at("derived", i);
    const json& c = list[i];
    r.object(c, path, {"name", "value", "unit", "description", "source", "status"}, {"name", "value", "unit"});
    const std::string n = r.name(c["name"], Reader::join(path, "name"));
    (void)r.string(c["unit"], Reader::join(path, "unit"), "a unit");
    if (c.contains("description")) (void)r.string(c["description"], Reader::join(path, "description"));
    r.provenance(c, path, false);
    d.derived.push_back(names.value(c["value"], Reader::join(path, "value")));  // earlier names only
    names.add_variable(n, Reader::join(path, "name"));
  }
}

// constexpr, not a global vector: the library may be read during another file's static
// initialisation (the benchmarks register one benchmark per activity), before a dynamically
// initialised global of this file exists.
constexpr std::array<std::string_view, 5> kTrackCommon = {"coordinate", "unit", "source", "status", "note"};

TrackDef read_track(const Reader& r, const json& t, const std::string& path) {
  TrackDef d;
  d.path = path;
  if (!t.is_object()) r.fail(path, "expected an object");
  int forms = 0;
  for (const char* f : {"constant", "keys", "sinusoid", "generator"}) forms += t.contains(f) ? 1 : 0;
  if (forms != 1) r.fail(path, "expected exactly one of constant, keys, sinusoid or generator");
  std::vector<std::string_view> allowed(kTrackCommon.begin(), kTrackCommon.end());
  const ActivityGenerator* generator = nullptr;
  if (t.contains("generator")) {
    const std::string g = r.string(t["generator"], Reader::join(path, "generator"));
    generator = find_activity_generator(g, GeneratorRole::ComputedTrack);
    if (!generator) r.fail(Reader::join(path, "generator"), fmt::format("unknown track generator '{}' (known: {})", quote_input(g), activity_generator_names(GeneratorRole::ComputedTrack)));
    allowed.push_back("generator");
    allowed.insert(allowed.end(), generator->fields.begin(), generator->fields.end());
  } else {
    for (const char* f : {"constant", "keys", "sinusoid"})
      if (t.contains(f)) allowed.push_back(f);
  }
  for (auto it = t.begin(); it != t.end(); ++it) {
    bool ok = false;
    for (auto a : allowed) ok = ok || it.key() == a;
    if (ok) continue;
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    r.fail(Reader::join(path, it.key()), fmt::format("unknown field '{}' (expected one of: {})", quote_input(it.key(), 40), list));
  }
  if (!t.contains("coordinate")) r.fail(Reader::join(path, "coordinate"), "is missing");
  d.coordinate = r.name(t["coordinate"], Reader::join(path, "coordinate"));
  d.scale = r.unit_scale(t, path);
  r.provenance(t, path, false);
  if (t.contains("note")) (void)r.string(t["note"], Reader::join(path, "note"));
  if (t.contains("constant")) {
    d.kind = TrackDef::Kind::Constant;
    d.constant = r.value(t["constant"], Reader::join(path, "constant"));
  } else if (t.contains("keys")) {
    d.kind = TrackDef::Kind::Keys;
    const std::string kp = Reader::join(path, "keys");
    const json& keys = r.array(t["keys"], kp, true);
    if (keys.size() > 100) r.fail(kp, "more than 100 keys");
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (!keys[i].is_array() || keys[i].size() != 2) r.fail(Reader::at(kp, i), "expected [fraction of the duration, value]");
      d.keys.emplace_back(r.value(keys[i][0], Reader::at(Reader::at(kp, i), 0)), r.value(keys[i][1], Reader::at(Reader::at(kp, i), 1)));
    }
  } else if (t.contains("sinusoid")) {
    d.kind = TrackDef::Kind::Sinusoid;
    const std::string sp = Reader::join(path, "sinusoid");
    const json& s = t["sinusoid"];
    r.object(s, sp, {"mean", "amplitude", "peak_at"}, {"mean", "amplitude", "peak_at"});
    d.mean = r.value(s["mean"], Reader::join(sp, "mean"));
    d.amplitude = r.value(s["amplitude"], Reader::join(sp, "amplitude"));
    d.peak_at = r.value(s["peak_at"], Reader::join(sp, "peak_at"));
  } else {  // fourier_curve
    d.kind = TrackDef::Kind::FourierCurve;
    for (const char* f : {"table", "x", "y", "period", "harmonics"})
      if (!t.contains(f)) r.fail(Reader::join(path, f), "is missing");
    const std::string table = r.string(t["table"], Reader::join(path, "table"), "a data table (data/...csv)");
    if (!data::has_embedded_file(table) || table.size() < 4 || table.substr(table.size() - 4) != ".csv")
      r.fail(Reader::join(path, "table"), fmt::format("'{}' is not one of the project's data tables (data/*.csv)", quote_input(table)));
    const std::string x = r.string(t["x"], Reader::join(path, "x")), y = r.string(t["y"], Reader::join(path, "y"));
    d.period = r.number(t["period"], Reader::join(path, "period"), 1e-9, 1e9);
    const int harmonics = static_cast<int>(r.number(t["harmonics"], Reader::join(path, "harmonics"), 0, 50));
    if (harmonics != t["harmonics"].get<double>()) r.fail(Reader::join(path, "harmonics"), "expected a whole number");
    d.phase = t.contains("phase") ? r.value(t["phase"], Reader::join(path, "phase")) : Value{};
    const auto csv = io::CsvTable::parse(data::embedded_file(table), table);
    for (const auto& [field, column] : {std::pair{"x", x}, std::pair{"y", y}}) {
      if (!csv.has_column(column)) r.fail(Reader::join(path, field), fmt::format("the table {} has no column '{}'", table, quote_input(column)));
    }
    std::vector<double> xs, ys;
    for (const auto& row : csv.rows()) {
      xs.push_back(csv.number(row, x));
      ys.push_back(csv.number(row, y));
    }
    // The last sample repeats the first (x = x₀ + period): left out of the fit.
    if (xs.size() < 3 || std::abs(xs.back() - xs.front() - d.period) > 1e-9 * d.period)
      r.fail(Reader::join(path, "period"), fmt::format("the table's last '{}' must be its first plus the period (one full cycle)", x));
    const std::size_t n = xs.size() - 1;
    if (static_cast<std::size_t>(2 * harmonics) >= n) r.fail(Reader::join(path, "harmonics"), "too many harmonics for the table's samples");
    d.curve = FourierSeries::fit(std::span(xs).first(n), std::span(ys).first(n), d.period, harmonics);
  }
  return d;
}

SurfaceDef read_surface(const Reader& r, const json& s, const std::string& path) {
  r.object(s, path, {"name", "point", "normal", "friction", "reach", "through_site", "through_at", "normal_axis", "attached", "normal_load",
                     "source", "status", "note"},
           {"name", "friction", "reach"});
  SurfaceDef d;
  d.path = path;
  d.name = r.name(s["name"], Reader::join(path, "name"));
  if (s.contains("point")) d.point = r.vec3(s["point"], Reader::join(path, "point"));
  if (s.contains("normal")) d.normal = r.vec3(s["normal"], Reader::join(path, "normal"));
  d.friction = r.value(s["friction"], Reader::join(path, "friction"));
  d.reach = r.value(s["reach"], Reader::join(path, "reach"));
  if (s.contains("through_site")) d.through_site = r.site(s["through_site"], Reader::join(path, "through_site"));
  if (s.contains("through_at")) {
    if (d.through_site.empty()) r.fail(Reader::join(path, "through_at"), "needs through_site");
    d.through_at = r.value(s["through_at"], Reader::join(path, "through_at"));
  }
  if (s.contains("normal_axis")) {
    if (d.through_site.empty()) r.fail(Reader::join(path, "normal_axis"), "needs through_site");
    const std::string a = r.string(s["normal_axis"], Reader::join(path, "normal_axis"), "x, y or z");
    if (a == "x") d.normal_axis = 0;
    else if (a == "y") d.normal_axis = 1;
    else if (a == "z") d.normal_axis = 2;
    else r.fail(Reader::join(path, "normal_axis"), fmt::format("'{}': expected x, y or z (the site's body axis)", quote_input(a)));
  }
  if (s.contains("attached")) d.attached = r.boolean(s["attached"], Reader::join(path, "attached"));
  if (s.contains("normal_load")) d.normal_load = r.value(s["normal_load"], Reader::join(path, "normal_load"));
  r.provenance(s, path, false);
  if (s.contains("note")) (void)r.string(s["note"], Reader::join(path, "note"));
  return d;
}

SiteGroupDef read_site_group(const Reader& r, const json& g, const std::string& path, bool anchor) {
  if (anchor) r.object(g, path, {"surface", "sites", "kind", "window", "note"}, {"surface", "sites", "kind"});
  else r.object(g, path, {"surface", "sites", "note"}, {"surface", "sites"});
  SiteGroupDef d;
  d.path = path;
  d.surface = r.name(g["surface"], Reader::join(path, "surface"));
  d.sites = r.sites(g["sites"], Reader::join(path, "sites"));
  if (anchor) {
    const std::string k = r.string(g["kind"], Reader::join(path, "kind"), "fixed or on_surface");
    if (k == "fixed") d.kind = PlanAnchor::Kind::Fixed;
    else if (k == "on_surface") d.kind = PlanAnchor::Kind::OnSurface;
    else r.fail(Reader::join(path, "kind"), fmt::format("'{}': expected fixed or on_surface", quote_input(k)));
    if (g.contains("window")) d.window = r.window(g["window"], Reader::join(path, "window"));
  }
  if (g.contains("note")) (void)r.string(g["note"], Reader::join(path, "note"));
  return d;
}

LoadDef read_load(const Reader& r, const json& l, const std::string& path) {
  if (!l.is_object() || !l.contains("kind")) r.fail(Reader::join(path, "kind"), "is missing (hand_held or band)");
  const std::string kind = r.string(l["kind"], Reader::join(path, "kind"), "hand_held or band");
  LoadDef d;
  d.path = path;
  if (kind == "hand_held") {
    r.object(l, path, {"kind", "name", "mass", "window", "when", "source", "status", "note"}, {"kind", "name", "mass"});
    d.kind = PlanLoad::Kind::HandHeld;
    d.mass = r.value(l["mass"], Reader::join(path, "mass"));
  } else if (kind == "band") {
    r.object(l, path, {"kind", "name", "site", "site_b", "anchor", "stiffness", "rest_length", "window", "when", "source", "status", "note"},
             {"kind", "name", "site", "stiffness", "rest_length"});
    d.kind = PlanLoad::Kind::Band;
    d.site = r.site(l["site"], Reader::join(path, "site"));
    if (l.contains("site_b")) d.site_b = r.site(l["site_b"], Reader::join(path, "site_b"));
    if (l.contains("anchor")) {
      if (!d.site_b.empty()) r.fail(Reader::join(path, "anchor"), "a band runs to site_b or to a world anchor, not both");
      d.anchor = r.vec3(l["anchor"], Reader::join(path, "anchor"));
    }
    d.stiffness = r.value(l["stiffness"], Reader::join(path, "stiffness"));
    d.rest_length = r.value(l["rest_length"], Reader::join(path, "rest_length"));
  } else {
    r.fail(Reader::join(path, "kind"), fmt::format("'{}': expected hand_held or band", quote_input(kind)));
  }
  d.name = r.name(l["name"], Reader::join(path, "name"));
  if (l.contains("window")) d.window = r.window(l["window"], Reader::join(path, "window"));
  if (l.contains("when")) d.when = r.value(l["when"], Reader::join(path, "when"));
  r.provenance(l, path, false);
  if (l.contains("note")) (void)r.string(l["note"], Reader::join(path, "note"));
  return d;
}

BalanceDef read_balance(const Reader& r, const json& b, const std::string& path) {
  if (!b.is_object() || !b.contains("generator")) r.fail(Reader::join(path, "generator"), "is missing (" + activity_generator_names(GeneratorRole::Balance) + ")");
  const std::string g = r.string(b["generator"], Reader::join(path, "generator"));
  const ActivityGenerator* gen = find_activity_generator(g, GeneratorRole::Balance);
  if (!gen) r.fail(Reader::join(path, "generator"), fmt::format("unknown balance generator '{}' (known: {})", quote_input(g), activity_generator_names(GeneratorRole::Balance)));
  for (auto it = b.begin(); it != b.end(); ++it) {
    bool ok = it.key() == "generator" || it.key() == "source" || it.key() == "status" || it.key() == "note";
    for (auto f : gen->fields) ok = ok || it.key() == f;
    if (!ok) r.fail(Reader::join(path, it.key()), fmt::format("unknown field '{}' for the {} generator", quote_input(it.key(), 40), g));
  }
  for (const char* f : {"axis", "coordinates", "support_sites"})
    if (!b.contains(f)) r.fail(Reader::join(path, f), "is missing");
  BalanceDef d;
  d.path = path;
  d.capture = g == "capture_point";
  d.axis = r.axis(b["axis"], Reader::join(path, "axis"));
  const std::string cp = Reader::join(path, "coordinates");
  const json& cs = r.array(b["coordinates"], cp, true);
  for (std::size_t i = 0; i < cs.size(); ++i) {
    r.object(cs[i], Reader::at(cp, i), {"coordinate", "gain"}, {"coordinate", "gain"});
    d.coordinates.emplace_back(r.name(cs[i]["coordinate"], Reader::join(Reader::at(cp, i), "coordinate")),
                               r.value(cs[i]["gain"], Reader::join(Reader::at(cp, i), "gain")));
  }
  d.support_sites = r.sites(b["support_sites"], Reader::join(path, "support_sites"));
  if (b.contains("window")) d.window = r.window(b["window"], Reader::join(path, "window"));
  if (b.contains("ramp")) d.ramp = r.value(b["ramp"], Reader::join(path, "ramp"));
  r.provenance(b, path, false);
  if (b.contains("note")) (void)r.string(b["note"], Reader::join(path, "note"));
  return d;
}

GaitDef read_motion(const Reader& r, const json& m) {
  if (!m.is_object() || !m.contains("generator")) r.fail("motion.generator", "is missing (" + activity_generator_names(GeneratorRole::Motion) + ")");
  const std::string g = r.string(m["generator"], "motion.generator");
  const ActivityGenerator* gen = find_activity_generator(g, GeneratorRole::Motion);
  if (!gen) r.fail("motion.generator", fmt::format("unknown motion generator '{}' (known: {})", quote_input(g), activity_generator_names(GeneratorRole::Motion)));
  for (auto it = m.begin(); it != m.end(); ++it) {
    bool ok = it.key() == "generator" || it.key() == "source" || it.key() == "status" || it.key() == "note";
    for (auto f : gen->fields) ok = ok || it.key() == f;
    if (!ok) r.fail("motion." + it.key(), fmt::format("unknown field '{}' for the {} generator", quote_input(it.key(), 40), g));
  }
  r.provenance(m, "motion", false);
  GaitDef d;
  if (g != "periodic_gait") return d;
  if (!m.contains("support_sites")) r.fail("motion.support_sites", "is missing");
  d.support_sites = r.sites(m["support_sites"], "motion.support_sites");
  if (m.contains("feet")) {
    const json& feet = r.array(m["feet"], "motion.feet", true);
    for (std::size_t i = 0; i < feet.size(); ++i) {
      const std::string p = Reader::at("motion.feet", i);
      r.object(feet[i], p, {"side", "heel_strike"}, {"side", "heel_strike"});
      const std::string side = r.string(feet[i]["side"], Reader::join(p, "side"), "r or l");
      if (side != "r" && side != "l") r.fail(Reader::join(p, "side"), "expected r or l");
      d.feet.emplace_back(side, r.number(feet[i]["heel_strike"], Reader::join(p, "heel_strike"), 0, 1));
    }
  }
  if (m.contains("stance_fraction")) d.stance_fraction = r.number(m["stance_fraction"], "motion.stance_fraction", 0.5, 0.75);
  if (m.contains("harmonics")) {
    d.harmonics = static_cast<int>(r.number(m["harmonics"], "motion.harmonics", 1, 50));
    if (d.harmonics != m["harmonics"].get<double>()) r.fail("motion.harmonics", "expected a whole number");
  }
  return d;
}

std::shared_ptr<const Definition> read_definition(const json& doc, const std::string& file) {
  Reader r(file);
  r.object(doc, "",
           {"name", "description", "time_reversed", "parameters", "constants", "derived", "duration", "frames", "motion", "initial", "tracks",
            "surfaces", "contacts", "anchors", "loads", "balance", "note", "format"},
           {"name", "description", "tracks"});
  auto d = std::make_shared<Definition>();
  d->file = file;
  d->name = r.name(doc["name"], "name");
  d->description = r.string(doc["description"], "description");
  if (doc.contains("format") && doc["format"] != "weaklink-activity-1") r.fail("format", "expected \"weaklink-activity-1\"");
  if (doc.contains("note")) (void)r.string(doc["note"], "note");
  if (doc.contains("time_reversed")) d->time_reversed = r.boolean(doc["time_reversed"], "time_reversed");
  for (const auto& [n, v] : builtin_variables()) r.variables.push_back(n);
  read_parameters(r, doc, *d, r);
  read_constants(r, doc, *d, r);
  read_derived(r, doc, *d, r);
  d->variables = r.variables;
  // Absent: the parameters of those names.
  for (const char* f : {"duration", "frames"}) {
    bool parameter = false;
    for (const auto& p : d->parameters) parameter = parameter || p.name == f;
    if (!doc.contains(f) && !parameter)
      r.fail(f, fmt::format("is missing: a number, an expression, or a parameter named {} ({})", f, std::string(f) == "duration" ? "s" : "frames simulated"));
  }
  d->duration = r.value(doc.contains("duration") ? doc["duration"] : json("duration"), "duration");
  d->frames = r.value(doc.contains("frames") ? doc["frames"] : json("frames"), "frames");
  if (doc.contains("motion")) {
    const GaitDef g = read_motion(r, doc["motion"]);
    if (!g.support_sites.empty()) d->gait = g;
  }
  const auto list = [&](const char* field, auto read) {
    if (!doc.contains(field)) return;
    const json& a = r.array(doc[field], field);
    if (a.size() > 1000) r.fail(field, "more than 1000 entries");
    for (std::size_t i = 0; i < a.size(); ++i) read(a[i], Reader::at(field, i));
  };
  std::set<std::string> seen;
  list("tracks", [&](const json& t, const std::string& p) {
    d->tracks.push_back(read_track(r, t, p));
    if (!seen.insert(d->tracks.back().coordinate).second) r.fail(Reader::join(p, "coordinate"), "a second track for '" + d->tracks.back().coordinate + "'");
    if (d->time_reversed && (d->tracks.back().kind == TrackDef::Kind::Sinusoid || d->tracks.back().kind == TrackDef::Kind::FourierCurve))
      r.fail(p, "time_reversed applies to constant and keyed tracks only");
  });
  seen.clear();
  list("surfaces", [&](const json& s, const std::string& p) {
    d->surfaces.push_back(read_surface(r, s, p));
    if (!seen.insert(d->surfaces.back().name).second) r.fail(Reader::join(p, "name"), "a second surface named '" + d->surfaces.back().name + "'");
  });
  const auto check_surface = [&](const std::string& name, const std::string& p) {
    if (!seen.count(name)) r.fail(p, fmt::format("no surface named '{}' in surfaces", name));
  };
  list("contacts", [&](const json& g, const std::string& p) {
    d->contacts.push_back(read_site_group(r, g, p, false));
    check_surface(d->contacts.back().surface, Reader::join(p, "surface"));
  });
  list("anchors", [&](const json& g, const std::string& p) {
    d->anchors.push_back(read_site_group(r, g, p, true));
    check_surface(d->anchors.back().surface, Reader::join(p, "surface"));
  });
  list("loads", [&](const json& l, const std::string& p) { d->loads.push_back(read_load(r, l, p)); });
  list("balance", [&](const json& b, const std::string& p) {
    if (d->gait) r.fail(p, "periodic_gait keeps its own balance (motion.feet); balance entries are for anchored_poses");
    d->balance.push_back(read_balance(r, b, p));
    for (std::size_t i = 0; i < d->balance.back().coordinates.size(); ++i) {
      bool tracked = false;
      for (const auto& t : d->tracks) tracked = tracked || t.coordinate == d->balance.back().coordinates[i].first;
      if (!tracked) r.fail(fmt::format("{}.coordinates[{}].coordinate", p, i), "balance offsets a tracked coordinate: this one has no track");
    }
  });
  list("initial", [&](const json& v, const std::string& p) {
    r.object(v, p, {"coordinate", "unit", "value", "source", "status", "note"}, {"coordinate", "unit", "value"});
    r.provenance(v, p, false);
    d->initial.push_back({r.name(v["coordinate"], Reader::join(p, "coordinate")), r.unit_scale(v, p), r.value(v["value"], Reader::join(p, "value"))});
  });
  // The pose grid of the default frames and duration (ActivityPlan::pose_rate): the frames whose
  // results are documented and tested; asking for more frames samples the same motion.
  double frames = 0, duration = 0;
  for (const auto& p : d->parameters) {
    if (p.name == "frames") frames = p.value;
    if (p.name == "duration") duration = p.value;
  }
  if (!d->gait) d->pose_rate = frames > 1 && duration > 0 ? (frames - 1) / duration : 0.0;
  return d;
}

Activity make_activity(std::shared_ptr<const Definition> d, std::string json_text) {
  Activity a;
  a.name = d->name;
  a.description = d->description;
  a.parameters = d->parameters;
  a.file = d->file;
  a.json = std::move(json_text);
  a.plan = [d](const ActivityParameters& p) { return build_activity_plan(*d, p); };
  // Validated once with the defaults: what only shows when evaluated (a fraction outside 0–1)
  // is refused when the file is read, not later.
  (void)a.plan(ActivityParameters{a.parameters});
  return a;
}

json builtin_json(const std::string& name, const std::string& file, const std::string& where) {
  const std::string path = "activities/" + name + ".json";
  bool ok = name.size() <= 64 && !name.empty();
  for (char c : name) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (!ok || !data::has_embedded_file(path))
    throw_input_error(file, where, fmt::format("no built-in activity named '{}' (weaklink activities lists them)", quote_input(name)));
  return io::parse_json_input(std::string(data::embedded_file(path)), "data/" + path);
}

Activity activity_from_json(const json& doc, const std::string& text, const std::string& file) {
  return make_activity(read_definition(resolve_extends(doc, file, 0), file), text);
}

}  // namespace

Activity parse_activity(const std::string& text, const std::string& file) {
  return activity_from_json(io::parse_json_input(text, file), text, file);
}

Activity read_activity_file(const std::filesystem::path& path) {
  const std::string text = io::read_text_file(path, io::ReadLimits{io::kMaxJsonBytes});
  return parse_activity(text, path.string());
}

}  // namespace weaklink

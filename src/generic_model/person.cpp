#include "generic_model/person.hpp"

#include <algorithm>
#include <cmath>

#include "core/ascii_lower.hpp"
#include "core/error.hpp"

namespace weaklink {

const char* to_string(Sex sex) { return sex == Sex::Female ? "female" : "male"; }

Sex parse_sex(const std::string& text, const std::string& where) {
  const std::string s = ascii_lower(text);
  if (s == "female" || s == "f") return Sex::Female;
  if (s == "male" || s == "m") return Sex::Male;
  throw_input_error(where, "sex", fmt::format("expected 'female' or 'male', found '{}'", quote_input(text)));
}

void validate_person(const Person& p, const std::string& where) {
  auto check = [&](double v, double lo, double hi, const char* what, const char* unit) {
    if (!std::isfinite(v) || v < lo || v > hi)
      throw_input_error(where, what, fmt::format("expected {} to {} {}, found {}", lo, hi, unit, v));
  };
  check(p.height_m, 1.2, 2.2, "height", "m");
  check(p.mass_kg, 30.0, 250.0, "mass", "kg");
  check(p.age_years, 18.0, 100.0, "age", "years");
}

}  // namespace weaklink

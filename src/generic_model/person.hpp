#pragma once
// Who the generic model is built for: what a trainer knows without a lab.
#include <string>

namespace weaklink {

enum class Sex { Female, Male };

struct Person {
  double height_m = 1.75;
  double mass_kg = 72.0;
  Sex sex = Sex::Female;
  double age_years = 40.0;
};

const char* to_string(Sex sex);
// "female"/"f"/"male"/"m" (any case); throws InputError naming `where` otherwise.
Sex parse_sex(const std::string& text, const std::string& where);
// Throws InputError naming `where` when a value is outside what the model's data cover
// (height 1.2-2.2 m, mass 30-250 kg, age 18-100 years: de Leva 1996 and the strength norms are
// adult data).
void validate_person(const Person& person, const std::string& where);

}  // namespace weaklink

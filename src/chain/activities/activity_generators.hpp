#pragma once
// The algorithms an activity file refers to by name ("generator"): what is computed rather than
// written down as data stays in C++, registered here once. docs/activity-format.md lists them.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace weaklink {

enum class GeneratorRole {
  Motion,   // how the poses are made (top-level "motion")
  ComputedTrack,  // a computed joint-angle track (an entry of "tracks")
  Balance,  // how the body keeps its balance (an entry of "balance")
};

struct ActivityGenerator {
  std::string_view name;
  GeneratorRole role;
  std::vector<std::string_view> fields;  // the fields it reads besides the role's common ones
  std::string_view description;
};

// The registry, in a stable order.
std::span<const ActivityGenerator> activity_generators();
// nullptr when no generator of that role has that name.
const ActivityGenerator* find_activity_generator(std::string_view name, GeneratorRole role);
// "a, b, c": the names of one role, for error messages.
std::string activity_generator_names(GeneratorRole role);

}  // namespace weaklink

#pragma once
// Looking up a named entry of a list the user names from the command line or a file (an activity,
// a strength measure): the entry, or an InputError that lists every known name.
#include <fmt/format.h>

#include <string>

#include "core/error.hpp"

namespace weaklink {

// `what` names the kind of entry in the message ("activity", "strength measure").
template <class Range>
const auto& find_by_name(const Range& entries, const std::string& name, const char* what) {
  std::string known;
  for (const auto& e : entries) {
    if (e.name == name) return e;
    known += (known.empty() ? "" : ", ") + e.name;
  }
  throw InputError(fmt::format("unknown {} '{}' (known: {})", what, quote_input(name), known));
}

}  // namespace weaklink

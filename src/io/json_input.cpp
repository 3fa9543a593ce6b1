#include "io/json_input.hpp"

#include <set>
#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"
#include "io/input_file.hpp"

namespace weaklink::io {
namespace {

using nlohmann::json;

// The object or array being parsed, to name where a duplicate key is.
struct Frame {
  bool object = true;
  std::set<std::string, std::less<>> keys;
  std::string key;   // object: the key last read
  long index = -1;   // array: the element last started
};

std::string path_of(const std::vector<Frame>& stack) {
  std::string out;
  for (std::size_t i = 0; i + 1 < stack.size(); ++i) {  // the innermost frame is the object itself
    const Frame& f = stack[i];
    if (f.object) out += (out.empty() ? "" : ".") + quote_input(f.key, 40);
    else out += fmt::format("[{}]", f.index);
  }
  return out;
}

}  // namespace

json parse_json_input(const std::string& text, const std::string& name) {
  check_text_encoding(text, name);
  std::vector<Frame> stack;
  std::size_t values = 0;
  const json::parser_callback_t check = [&](int depth, json::parse_event_t event, json& parsed) {
    using E = json::parse_event_t;
    if (event == E::object_start || event == E::array_start || event == E::value) {
      if (++values > kMaxJsonValues)
        throw_input_error(name, "", fmt::format("more than {} JSON values; not a weaklink input file", kMaxJsonValues));
      if (!stack.empty() && !stack.back().object) ++stack.back().index;
    }
    if (depth > kMaxJsonDepth)
      throw_input_error(name, "", fmt::format("JSON nested deeper than {} levels; not a weaklink input file", kMaxJsonDepth));
    switch (event) {
      case E::object_start: stack.push_back(Frame{true, {}, {}, -1}); break;
      case E::array_start: stack.push_back(Frame{false, {}, {}, -1}); break;
      case E::object_end:
      case E::array_end:
        if (!stack.empty()) stack.pop_back();
        break;
      case E::key: {
        Frame& f = stack.back();
        const std::string& key = parsed.get_ref<const std::string&>();
        if (!f.keys.insert(key).second) {
          const std::string where = path_of(stack);
          throw_input_error(name, "",
                            fmt::format("duplicate key '{}' in {}; each key may appear only once in an object", quote_input(key),
                                        where.empty() ? "the top-level object" : "'" + where + "'"));
        }
        f.key = key;
        break;
      }
      case E::value: break;
    }
    return true;
  };
  try {
    return json::parse(text, check);
  } catch (const json::parse_error& e) {
    throw InputError(fmt::format("{}: not valid JSON (byte {}): {}", name, e.byte, e.what()));
  } catch (const json::exception& e) {  // e.g. out_of_range 406: a number beyond double's range
    throw InputError(fmt::format("{}: not valid JSON: {}", name, e.what()));
  }
}

json read_json_input(const std::filesystem::path& path) {
  return parse_json_input(read_text_file(path, ReadLimits{kMaxJsonBytes}), path.string());
}

}  // namespace weaklink::io

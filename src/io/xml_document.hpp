#pragma once
// An XML file loaded with pugixml that can say where a node is (file and line) for error messages,
// plus the small property readers every OpenSim document needs.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <pugixml.hpp>

#include "core/spatial.hpp"

namespace weaklink::io {

class XmlDocument {
 public:
  // Loads and parses; throws InputError naming the file and line of a syntax error.
  explicit XmlDocument(const std::filesystem::path& path);
  // Parses text already in memory (fuzzing, tests); `name` is used in messages.
  XmlDocument(std::string text, std::string name);

  const pugi::xml_document& doc() const { return doc_; }
  const std::string& name() const { return name_; }
  const std::filesystem::path& path() const { return path_; }
  int line_of(const pugi::xml_node& node) const;
  // "line 12 <Body name=\"pelvis\">"
  std::string where(const pugi::xml_node& node) const;
  [[noreturn]] void fail(const pugi::xml_node& node, const std::string& what) const;

  // Property readers. `node` is the owner; `prop` the child element name.
  // Missing properties return the fallback; present but malformed ones throw naming the element.
  double number(const pugi::xml_node& node, const char* prop, double fallback) const;
  // A whole number in [lo, hi] (a finite value such as 3 or 3.0; never nan, 2.5 or 1e10).
  int integer(const pugi::xml_node& node, const char* prop, int fallback, int lo, int hi) const;
  Vec3 vec3(const pugi::xml_node& node, const char* prop, const Vec3& fallback) const;
  std::vector<double> numbers(const pugi::xml_node& node, const char* prop) const;
  bool boolean(const pugi::xml_node& node, const char* prop, bool fallback) const;
  std::string text(const pugi::xml_node& node, const char* prop, const std::string& fallback = "") const;
  std::vector<std::string> words(const pugi::xml_node& node, const char* prop) const;

 private:
  void parse();
  std::filesystem::path path_;
  std::string name_, text_;
  std::vector<std::size_t> line_starts_;
  pugi::xml_document doc_;
};

// Parses whitespace-separated numbers; accepts Inf/-Inf/Infinity/NaN as OpenSim does.
bool parse_numbers(std::string_view text, std::vector<double>& out);
std::string trimmed(std::string_view s);

}  // namespace weaklink::io

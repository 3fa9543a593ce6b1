#include "io/xml_document.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "core/ascii_lower.hpp"
#include "core/error.hpp"
#include "io/input_file.hpp"

namespace weaklink::io {

namespace {
// OpenSim documents are small (the largest shipped model is < 1 MB); refuse absurd inputs early.
constexpr std::uintmax_t kMaxXmlBytes = 256u << 20;
// pugixml recurses over nesting; a hostile file nested this deep is rejected before parsing.
constexpr int kMaxXmlDepth = 256;

// Depth of the parsed tree, walked without recursion (pugixml's parser itself is iterative).
// Checked before any recursive reader (functions nest) sees the document.
bool deeper_than(const pugi::xml_node& root, int limit) {
  pugi::xml_node n = root.first_child();
  int depth = 1;
  while (n) {
    if (depth > limit) return true;
    if (n.first_child()) {
      n = n.first_child();
      ++depth;
      continue;
    }
    while (n && !n.next_sibling()) {
      n = n.parent();
      --depth;
      if (n == root) return false;
    }
    if (n) n = n.next_sibling();
  }
  return false;
}
}  // namespace

std::string trimmed(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

bool parse_numbers(std::string_view text, std::vector<double>& out) {
  out.clear();
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= text.size()) break;
    std::size_t j = i;
    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j]))) ++j;
    std::string token(text.substr(i, j - i));
    const std::string lower = ascii_lower(token);
    if (lower == "inf" || lower == "infinity" || lower == "+inf") out.push_back(INFINITY);
    else if (lower == "-inf" || lower == "-infinity") out.push_back(-INFINITY);
    else if (lower == "nan") out.push_back(NAN);
    else {
      char* end = nullptr;
      errno = 0;
      const double v = std::strtod(token.c_str(), &end);
      if (end != token.c_str() + token.size() || errno == ERANGE) return false;
      out.push_back(v);
    }
    i = j;
  }
  return true;
}

XmlDocument::XmlDocument(const std::filesystem::path& path)
    : path_(path), name_(path.string()), text_(read_text_file(path, ReadLimits{kMaxXmlBytes})) {
  parse();
}

XmlDocument::XmlDocument(std::string text, std::string name) : name_(std::move(name)), text_(std::move(text)) { parse(); }

void XmlDocument::parse() {
  if (text_.empty()) throw_input_error(name_, "", "file is empty; expected an XML document");
  check_text_encoding(text_, name_);  // pugixml is told the text is UTF-8
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  // No DTD/entity expansion: pugixml never expands external or custom entities (no bombs). The
  // DOCTYPE is kept in the tree (parse_doctype) only to reject it below: OpenSim files have none.
  const auto result =
      doc_.load_buffer(text_.data(), text_.size(), pugi::parse_default | pugi::parse_doctype, pugi::encoding_utf8);
  if (!result) {
    const auto off = static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, result.offset));
    const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), off);
    throw_input_error(name_, "line " + std::to_string(it - line_starts_.begin()),
                      std::string("malformed XML (XML parse error: ") + result.description() + ")");
  }
  for (const pugi::xml_node& n : doc_.children())
    if (n.type() == pugi::node_doctype)
      throw_input_error(name_, "line " + std::to_string(line_of(n)),
                        "<!DOCTYPE> (DTD, entity declarations) is not supported; expected a plain XML document");
  if (deeper_than(doc_, kMaxXmlDepth))
    throw_input_error(name_, "", "XML nesting deeper than 256 levels; not an OpenSim document");
}

int XmlDocument::line_of(const pugi::xml_node& node) const {
  const std::ptrdiff_t off = node.offset_debug();
  if (off < 0) return 0;
  const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), static_cast<std::size_t>(off));
  return static_cast<int>(it - line_starts_.begin());
}

std::string XmlDocument::where(const pugi::xml_node& node) const {
  std::string s = "line " + std::to_string(line_of(node)) + " <" + quote_input(node.name());
  if (auto a = node.attribute("name")) s += " name=\"" + quote_input(a.value()) + "\"";
  return s + ">";
}

void XmlDocument::fail(const pugi::xml_node& node, const std::string& what) const {
  throw_input_error(name_, where(node), what);
}

std::string XmlDocument::text(const pugi::xml_node& node, const char* prop, const std::string& fallback) const {
  auto c = node.child(prop);
  if (!c) return fallback;
  return trimmed(c.child_value());
}

std::vector<std::string> XmlDocument::words(const pugi::xml_node& node, const char* prop) const {
  std::vector<std::string> out;
  std::istringstream ss(text(node, prop));
  for (std::string w; ss >> w;) out.push_back(w);
  return out;
}

std::vector<double> XmlDocument::numbers(const pugi::xml_node& node, const char* prop) const {
  std::vector<double> v;
  auto c = node.child(prop);
  if (!c) return v;
  if (!parse_numbers(c.child_value(), v)) fail(c, "expected numbers, found '" + quote_input(trimmed(c.child_value())) + "'");
  return v;
}

double XmlDocument::number(const pugi::xml_node& node, const char* prop, double fallback) const {
  auto c = node.child(prop);
  if (!c || trimmed(c.child_value()).empty()) return fallback;
  const auto v = numbers(node, prop);
  if (v.size() != 1) fail(c, "expected one number, found '" + quote_input(trimmed(c.child_value())) + "'");
  return v[0];
}

int XmlDocument::integer(const pugi::xml_node& node, const char* prop, int fallback, int lo, int hi) const {
  const double v = number(node, prop, fallback);
  // Checked as a double first: converting nan or a value beyond int's range is undefined.
  if (!std::isfinite(v) || v != std::floor(v) || v < lo || v > hi)
    fail(node.child(prop), "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) + ", found '" +
                               quote_input(trimmed(node.child(prop).child_value())) + "'");
  return static_cast<int>(v);
}

Vec3 XmlDocument::vec3(const pugi::xml_node& node, const char* prop, const Vec3& fallback) const {
  auto c = node.child(prop);
  if (!c || trimmed(c.child_value()).empty()) return fallback;
  const auto v = numbers(node, prop);
  if (v.size() != 3) fail(c, "expected three numbers, found '" + quote_input(trimmed(c.child_value())) + "'");
  return {v[0], v[1], v[2]};
}

bool XmlDocument::boolean(const pugi::xml_node& node, const char* prop, bool fallback) const {
  auto c = node.child(prop);
  if (!c) return fallback;
  const std::string t = ascii_lower(trimmed(c.child_value()));
  if (t.empty()) return fallback;
  if (t == "true" || t == "1") return true;
  if (t == "false" || t == "0") return false;
  fail(c, "expected true or false, found '" + quote_input(t) + "'");
}

}  // namespace weaklink::io

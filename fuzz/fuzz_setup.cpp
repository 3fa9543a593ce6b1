// libFuzzer target: weaklink::io::XmlDocument built from text (what every setup, model and
// ExternalLoads document goes through) and its property readers.
//
// Running a whole tool (weaklink::run_tool) per input is too slow for fuzzing, so this target
// parses the document and then calls every property reader (number, vec3, numbers, boolean,
// text, words) with the name of every child element of every element, plus where()/line_of(),
// the way the readers of setup files use them. Each call is judged on its own, so a malformed
// property does not hide the ones after it.
//
// Contract: bad input throws weaklink::InputError. Any other exception, a crash, a sanitizer
// report or a hang is a finding.
#include <cxxabi.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <typeinfo>
#include <vector>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "io/xml_document.hpp"

namespace {

using weaklink::fuzz::finding;
using weaklink::fuzz::TempFile;

// Bounds on the walk so that one wide or huge document cannot make a single input slow.
constexpr int kMaxElements = 2048;
constexpr int kMaxChildrenPerElement = 32;

template <class F>
void expect_input_error_only(F&& f) {
  weaklink::fuzz::run_expecting_input_errors([&] {
    f();
  });
}

void read_properties(const weaklink::io::XmlDocument& doc, const pugi::xml_node& node) {
  if (doc.line_of(node) < 0) finding("line_of is negative", doc.where(node));
  (void)doc.where(node);
  int children = 0;
  for (const pugi::xml_node& c : node.children()) {
    if (c.type() != pugi::node_element) continue;
    if (++children > kMaxChildrenPerElement) break;
    const char* prop = c.name();
    expect_input_error_only([&] { (void)doc.number(node, prop, 0.0); });
    expect_input_error_only([&] {
      const weaklink::Vec3 v = doc.vec3(node, prop, weaklink::Vec3::Zero());
      (void)v;
    });
    expect_input_error_only([&] { (void)doc.numbers(node, prop); });
    expect_input_error_only([&] { (void)doc.boolean(node, prop, false); });
    expect_input_error_only([&] { (void)doc.text(node, prop, "fallback"); });
    expect_input_error_only([&] { (void)doc.words(node, prop); });
  }
  // A property that is never there: the fallbacks.
  expect_input_error_only([&] {
    if (doc.number(node, "weaklink_fuzz_absent", 1.5) != 1.5) finding("number fallback", "");
    if (!doc.boolean(node, "weaklink_fuzz_absent", true)) finding("boolean fallback", "");
    if (!doc.numbers(node, "weaklink_fuzz_absent").empty()) finding("numbers fallback", "");
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  expect_input_error_only([&] {
    const weaklink::io::XmlDocument doc(std::move(text), "fuzz_setup.xml");
    // Pre-order walk over the elements (iterative: the depth is bounded by XmlDocument, but the
    // harness should not rely on it).
    std::vector<pugi::xml_node> stack{doc.doc().document_element()};
    int visited = 0;
    while (!stack.empty() && visited < kMaxElements) {
      const pugi::xml_node node = stack.back();
      stack.pop_back();
      if (!node) continue;
      ++visited;
      read_properties(doc, node);
      for (pugi::xml_node c = node.last_child(); c; c = c.previous_sibling())
        if (c.type() == pugi::node_element) stack.push_back(c);
    }
  });
  // The free helpers on the raw text.
  std::vector<double> numbers;
  (void)weaklink::io::parse_numbers(
      std::string_view(reinterpret_cast<const char*>(data), size > 4096 ? 4096 : size), numbers);
  return 0;
}

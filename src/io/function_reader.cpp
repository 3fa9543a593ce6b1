#include "io/function_reader.hpp"

#include "core/error.hpp"

#include <cstring>
#include <stdexcept>

namespace weaklink::io {

namespace {
const char* const kFunctionTags[] = {"Constant", "LinearFunction", "PolynomialFunction", "SimmSpline",
                                     "NaturalCubicSpline", "natCubicSpline", "PiecewiseLinearFunction",
                                     "MultiplierFunction", "GCVSpline", "StepFunction", "Sine",
                                     "PiecewiseConstantFunction", "MultivariatePolynomialFunction"};
}

bool is_function_element(const pugi::xml_node& node) {
  if (node.type() != pugi::node_element) return false;
  for (const char* t : kFunctionTags)
    if (std::strcmp(node.name(), t) == 0) return true;
  return false;
}

Function read_function_element(const XmlDocument& doc, const pugi::xml_node& e) {
  const std::string tag = e.name();
  try {
    if (tag == "Constant") return Function::constant(doc.number(e, "value", 0.0));
    if (tag == "LinearFunction") {
      auto c = doc.numbers(e, "coefficients");
      if (!e.child("coefficients")) c = {1.0, 0.0};  // class default
      if (c.size() != 2) doc.fail(e, "LinearFunction of more than one argument is not supported (expected 2 coefficients)");
      return Function::linear(c[0], c[1]);
    }
    if (tag == "PolynomialFunction") {
      auto c = doc.numbers(e, "coefficients");
      if (!e.child("coefficients")) c = {1.0};
      return Function::polynomial(c);
    }
    if (tag == "SimmSpline" || tag == "NaturalCubicSpline" || tag == "natCubicSpline")
      return Function::simm_spline(doc.numbers(e, "x"), doc.numbers(e, "y"));
    if (tag == "PiecewiseLinearFunction") return Function::piecewise_linear(doc.numbers(e, "x"), doc.numbers(e, "y"));
    if (tag == "MultiplierFunction") {
      pugi::xml_node inner;
      if (auto f = e.child("function"))
        for (auto c : f.children())
          if (is_function_element(c)) inner = c;
      if (!inner)
        for (auto c : e.children())
          if (is_function_element(c)) inner = c;
      if (!inner) doc.fail(e, "MultiplierFunction without a function inside");
      Function f = read_function_element(doc, inner);
      f.multiply_by(doc.number(e, "scale", 1.0));
      return f;
    }
  } catch (const std::invalid_argument& err) {
    doc.fail(e, err.what());
  }
  doc.fail(e, "function type '" + quote_input(tag) + "' is not supported (supported: Constant, LinearFunction, "
              "PolynomialFunction, SimmSpline, NaturalCubicSpline, PiecewiseLinearFunction, MultiplierFunction)");
}

std::optional<Function> read_function_property(const XmlDocument& doc, const pugi::xml_node& owner, const char* prop) {
  if (auto p = owner.child(prop))
    for (auto c : p.children())
      if (is_function_element(c)) return read_function_element(doc, c);
  for (auto c : owner.children())
    if (is_function_element(c) && std::strcmp(c.attribute("name").value(), prop) == 0) return read_function_element(doc, c);
  return std::nullopt;
}

}  // namespace weaklink::io

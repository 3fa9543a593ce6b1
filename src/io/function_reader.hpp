#pragma once
// Reads OpenSim function elements (docs/opensim-semantics.md#functions) into weaklink::Function.
#include <optional>
#include <pugixml.hpp>

#include "core/function.hpp"
#include "io/xml_document.hpp"

namespace weaklink::io {

// True if the element's tag is an OpenSim function class weaklink knows or recognises.
bool is_function_element(const pugi::xml_node& node);

// Reads a concrete function element (<SimmSpline>, <LinearFunction>, <MultiplierFunction>, ...).
Function read_function_element(const XmlDocument& doc, const pugi::xml_node& element);

// Finds the function property `prop` of `owner` in either written form: <prop><Class/></prop> or
// <Class name="prop"/>; nullopt when absent or empty.
std::optional<Function> read_function_property(const XmlDocument& doc, const pugi::xml_node& owner, const char* prop);

}  // namespace weaklink::io

#include "io/osim_writer.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include <pugixml.hpp>

#include "core/error.hpp"
#include "io/atomic_write.hpp"

namespace weaklink::io {

namespace {

using pugi::xml_node;

// Shortest text that parses back to the same double; OpenSim's spellings for the non-finite ones.
std::string num(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Inf" : "-Inf";
  return fmt::format("{}", v);
}

std::string nums(const std::vector<double>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) s += ' ';
    s += num(v[i]);
  }
  return s;
}

std::string vec(const Vec3& v) { return num(v[0]) + " " + num(v[1]) + " " + num(v[2]); }
const char* boolean(bool b) { return b ? "true" : "false"; }

xml_node object(xml_node parent, const char* tag, const std::string& name) {
  xml_node n = parent.append_child(tag);
  n.append_attribute("name").set_value(name.c_str());
  return n;
}

void prop(xml_node owner, const char* tag, const std::string& text) {
  xml_node e = owner.append_child(tag);
  if (!text.empty()) e.text().set(text.c_str());  // else <tag />, as OpenSim writes empty lists
}

// <Tag name="name"><objects>..</objects><groups /></Tag>; returns <objects>.
xml_node set_objects(xml_node parent, const char* tag, const char* name) {
  xml_node set = parent.append_child(tag);
  if (name) set.append_attribute("name").set_value(name);
  xml_node objects = set.append_child("objects");
  set.append_child("groups");
  return objects;
}

bool zero_bits(double v) { return v == 0 && !std::signbit(v); }

// ---- functions (docs/opensim-semantics.md#functions; the inverse of function_reader.cpp) ----

// The Constant's own value v such that the function evaluates to scale * v exactly as `f` does.
// Function keeps v private; eval gives scale * v, so v is recovered as f(0)/scale and checked.
bool constant_factor(const Function& f, double& v) {
  const double total = f.value(0.0), s = f.scale();
  if (s == 1.0) {
    v = total;
    return true;
  }
  if (!(s != 0) || !std::isfinite(s) || !std::isfinite(total)) return false;
  const double guess = total / s;
  for (double c : {guess, std::nextafter(guess, -INFINITY), std::nextafter(guess, INFINITY)})
    if (c * s == total) {
      v = c;
      return true;
    }
  return false;
}

// The function element without MultiplierFunction wrapping (scale 1).
void write_bare_function(xml_node parent, const Function& f, const char* name_attr, double constant_value) {
  auto element = [&](const char* tag) {
    xml_node e = parent.append_child(tag);
    if (name_attr) e.append_attribute("name").set_value(name_attr);
    return e;
  };
  switch (f.kind()) {
    case FunctionKind::Constant: prop(element("Constant"), "value", num(constant_value)); return;
    case FunctionKind::Linear:
      prop(element("LinearFunction"), "coefficients", num(f.linear_slope()) + " " + num(f.linear_intercept()));
      return;
    case FunctionKind::Polynomial: prop(element("PolynomialFunction"), "coefficients", nums(f.coefficients())); return;
    case FunctionKind::SimmSpline:
    case FunctionKind::PiecewiseLinear: {
      xml_node e = element(f.kind() == FunctionKind::SimmSpline ? "SimmSpline" : "PiecewiseLinearFunction");
      prop(e, "x", nums(f.knots_x()));
      prop(e, "y", nums(f.knots_y()));
      return;
    }
  }
}

// Writes `f` as a concrete function element inside `parent` (with name="name_attr" when given,
// the form OpenSim uses for a TransformAxis' function).
void write_function(xml_node parent, const Function& f, const char* name_attr = nullptr) {
  double constant_value = 0;
  const bool multiplied = f.wrapped_in_multiplier() || f.scale() != 1.0;
  if (f.kind() == FunctionKind::Constant && !constant_factor(f, constant_value)) {
    // No constant reproduces scale * v bit for bit: write the product (same values, no wrapper).
    write_bare_function(parent, f, name_attr, f.value(0.0));
    return;
  }
  if (!multiplied) {
    write_bare_function(parent, f, name_attr, constant_value);
    return;
  }
  // Nested MultiplierFunctions were folded into one scale on read; one wrapper gives it back.
  xml_node m = parent.append_child("MultiplierFunction");
  if (name_attr) m.append_attribute("name").set_value(name_attr);
  write_bare_function(m.append_child("function"), f, nullptr, constant_value);
  prop(m, "scale", num(f.scale()));
}

// ---- the document -------------------------------------------------------------------------


const char* wrap_tag(WrapObjectSpec::Kind k) {
  switch (k) {
    case WrapObjectSpec::Kind::Cylinder: return "WrapCylinder";
    case WrapObjectSpec::Kind::Sphere: return "WrapSphere";
    case WrapObjectSpec::Kind::Ellipsoid: return "WrapEllipsoid";
    case WrapObjectSpec::Kind::Torus: return "WrapTorus";
  }
  return "WrapCylinder";
}

class OsimWriter {
 public:
  explicit OsimWriter(const ModelSpec& s) : s_(s) {
    for (const auto& b : s_.bodies) body_names_.insert(b.name);
    for (const auto& f : s_.frames) offset_frame_names_.insert(f.name);
    for (const auto& j : s_.joints) {
      for (const auto& f : j.frames) offset_frame_names_.insert(f.name);
      for (const auto& c : j.coordinates) coordinate_path_.try_emplace(c.name, "/jointset/" + j.name + "/" + c.name);
    }
  }

  std::string run() {
    check_version_40000_rules();
    pugi::xml_document doc;
    xml_node decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version").set_value("1.0");
    decl.append_attribute("encoding").set_value("UTF-8");
    xml_node root = doc.append_child("OpenSimDocument");
    root.append_attribute("Version").set_value("40000");
    xml_node model = object(root, "Model", s_.name);
    for (const auto& p : s_.passive_forces) {
      std::string text = " not written (passive force element; not exported yet): " + p.name + " " + p.origin + " ";
      for (std::size_t k = text.find("--"); k != std::string::npos; k = text.find("--")) text.replace(k, 2, "- ");
      model.append_child(pugi::node_comment).set_value(text.c_str());
    }
    for (const auto& u : s_.unsupported) {
      std::string text = " not written (not modelled by weaklink): " + u.tag + " " + u.where + " ";
      for (std::size_t k = text.find("--"); k != std::string::npos; k = text.find("--")) text.replace(k, 2, "- ");
      model.append_child(pugi::node_comment).set_value(text.c_str());
    }

    // Model-level offset frames go where their socket_parent puts them (compile_model derives
    // their owner from that path, so the location only matters to OpenSim's own path lookup).
    std::vector<const OffsetFrameSpec*> ground_frames, component_frames;
    std::map<std::string, std::vector<const OffsetFrameSpec*>> body_frames;
    for (const auto& f : s_.frames) {
      const auto parts = split_component_path(f.parent);
      const bool absolute = !f.parent.empty() && f.parent[0] == '/';
      if (absolute && parts.size() == 2 && parts[0] == "bodyset" && body_names_.count(parts[1]))
        body_frames[parts[1]].push_back(&f);
      else if (absolute && parts.size() == 1 && parts[0] == "ground")
        ground_frames.push_back(&f);
      else
        component_frames.push_back(&f);
    }

    xml_node ground = object(model, "Ground", "ground");
    write_wrap_objects(ground, s_.ground_wrap_objects);
    write_components(ground, ground_frames);
    prop(model, "gravity", vec(s_.gravity));
    prop(model, "length_units", "meters");
    prop(model, "force_units", "N");

    xml_node bodies = set_objects(model, "BodySet", "bodyset");
    for (const auto& b : s_.bodies) {
      xml_node body = object(bodies, "Body", b.name);
      auto it = body_frames.find(b.name);
      if (it != body_frames.end()) write_components(body, it->second);
      write_wrap_objects(body, b.wrap_objects);
      prop(body, "mass", num(b.mass));
      prop(body, "mass_center", vec(b.mass_center));
      prop(body, "inertia", nums(std::vector<double>(b.inertia.begin(), b.inertia.end())));
    }

    xml_node joints = set_objects(model, "JointSet", "jointset");
    for (const auto& j : s_.joints) write_joint(joints, j);

    xml_node constraints = set_objects(model, "ConstraintSet", "constraintset");
    for (const auto& c : s_.couplers) write_coupler(constraints, c);

    write_forces(set_objects(model, "ForceSet", "forceset"));

    xml_node markers = set_objects(model, "MarkerSet", "markerset");
    for (const auto& m : s_.markers) {
      xml_node e = object(markers, "Marker", m.name);
      prop(e, "socket_parent_frame", frame_ref(m.parent_frame));
      prop(e, "location", vec(m.location));
      prop(e, "fixed", boolean(m.fixed));
    }

    if (!component_frames.empty()) {
      xml_node components = set_objects(model, "ComponentSet", "componentset");
      for (const auto* f : component_frames) write_offset_frame(components, *f, false);
    }

    std::ostringstream out;
    doc.save(out, "\t", pugi::format_default, pugi::encoding_utf8);
    return out.str();
  }

 private:
  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw_input_error(s_.source_file.empty() ? s_.name : s_.source_file, where, what);
  }

  // The two muscle rules the reader (and OpenSim 4.5) applies only to 4.x documents; a spec read
  // from an older document may break them and then has no Version 40000 form with the same values.
  void check_version_40000_rules() const {
    for (const auto& m : s_.muscles) {
      const MuscleParams& p = m.params;
      if (p.type == MuscleType::DeGrooteFregly2016) continue;
      const std::string where = fmt::format("{} '{}'", muscle_class_name(p.type), m.name);
      if (p.type == MuscleType::Thelen2003 && !(p.minimum_activation >= 0.01))
        fail(where, fmt::format("minimum_activation {} is below 0.01, which OpenSim 4.x rejects in a Version 40000 "
                                "document (older documents only); raise it to at least 0.01 before writing",
                                num(p.minimum_activation)));
      if (!(p.min_control >= p.minimum_activation))
        fail(where, fmt::format("min_control {} is below minimum_activation {}, which OpenSim 4.x rejects in a "
                                "Version 40000 document (older documents only); raise it before writing",
                                num(p.min_control), num(p.minimum_activation)));
    }
  }

  // A frame reference as OpenSim 4 resolves it: bare body names (3.x models, <body>) become
  // absolute paths. A name that is also an offset frame's stays as is (compile_model would look it
  // up among the frames first).
  std::string frame_ref(const std::string& r) const {
    if (r.empty() || r.find('/') != std::string::npos || r[0] == '.' || offset_frame_names_.count(r)) return r;
    if (r == "ground") return "/ground";
    if (body_names_.count(r)) return "/bodyset/" + r;
    return r;
  }

  std::string coordinate_ref(const std::string& name) const {
    auto it = coordinate_path_.find(name);
    return it == coordinate_path_.end() ? name : it->second;
  }

  void write_offset_frame(xml_node parent, const OffsetFrameSpec& f, bool normalize_parent) {
    xml_node e = object(parent, "PhysicalOffsetFrame", f.name);
    prop(e, "socket_parent", normalize_parent ? frame_ref(f.parent) : f.parent);
    prop(e, "translation", vec(f.translation));
    prop(e, "orientation", vec(f.orientation));
  }

  void write_components(xml_node owner, const std::vector<const OffsetFrameSpec*>& frames) {
    if (frames.empty()) return;
    xml_node components = owner.append_child("components");
    for (const auto* f : frames) write_offset_frame(components, *f, false);
  }

  void write_wrap_objects(xml_node owner, const std::vector<WrapObjectSpec>& wraps) {
    xml_node objects = set_objects(owner, "WrapObjectSet", "wrapobjectset");
    for (const auto& w : wraps) {
      xml_node e = object(objects, wrap_tag(w.kind), w.name);
      prop(e, "active", boolean(w.active));
      prop(e, "xyz_body_rotation", vec(w.xyz_body_rotation));
      prop(e, "translation", vec(w.translation));
      prop(e, "quadrant", w.quadrant);
      switch (w.kind) {
        case WrapObjectSpec::Kind::Cylinder:
          prop(e, "radius", num(w.radius));
          prop(e, "length", num(w.length));
          break;
        case WrapObjectSpec::Kind::Sphere: prop(e, "radius", num(w.radius)); break;
        case WrapObjectSpec::Kind::Ellipsoid: prop(e, "dimensions", vec(w.dimensions)); break;
        case WrapObjectSpec::Kind::Torus:
          prop(e, "inner_radius", num(w.inner_radius));
          prop(e, "outer_radius", num(w.outer_radius));
          break;
      }
    }
  }

  void write_coordinate(xml_node parent, const CoordinateSpec& c) {
    xml_node e = object(parent, "Coordinate", c.name);
    prop(e, "default_value", num(c.default_value));
    prop(e, "default_speed_value", num(c.default_speed));
    prop(e, "range", num(c.range_min) + " " + num(c.range_max));
    prop(e, "clamped", boolean(c.clamped));
    prop(e, "locked", boolean(c.locked));
    xml_node pf = e.append_child("prescribed_function");
    // ModelSpec keeps only the flag, not the function of time: a prescribed coordinate is written
    // with Constant(default_value) so that the flag survives (weaklink treats it as free anyway).
    if (c.prescribed) write_function(pf, Function::constant(c.default_value));
    prop(e, "prescribed", boolean(c.prescribed));
  }

  void write_joint(xml_node parent, const JointSpec& j) {
    xml_node e = object(parent, joint_class_name(j.type), j.name);
    prop(e, "socket_parent_frame", frame_ref(j.parent_frame));
    prop(e, "socket_child_frame", frame_ref(j.child_frame));
    xml_node coords = e.append_child("coordinates");
    for (const auto& c : j.coordinates) write_coordinate(coords, c);
    xml_node frames = e.append_child("frames");
    for (const auto& f : j.frames) write_offset_frame(frames, f, true);
    if (j.type != JointType::Custom) return;
    static const char* names[6] = {"rotation1", "rotation2", "rotation3", "translation1", "translation2", "translation3"};
    xml_node st = e.append_child("SpatialTransform");
    for (int k = 0; k < 6; ++k) {
      const TransformAxisSpec& a = j.axes[k];
      xml_node ta = object(st, "TransformAxis", names[k]);
      std::string coords_text;
      for (std::size_t i = 0; i < a.coordinates.size(); ++i) coords_text += (i ? " " : "") + a.coordinates[i];
      prop(ta, "coordinates", coords_text);
      prop(ta, "axis", vec(a.axis));
      write_function(ta, a.function, "function");
    }
  }

  void write_coupler(xml_node parent, const CouplerSpec& c) {
    xml_node e = object(parent, "CoordinateCouplerConstraint", c.name);
    prop(e, "isEnforced", boolean(c.enforced));
    write_function(e.append_child("coupled_coordinates_function"), c.function);
    std::string independent;
    for (std::size_t i = 0; i < c.independent.size(); ++i) independent += (i ? " " : "") + c.independent[i];
    prop(e, "independent_coordinate_names", independent);
    prop(e, "dependent_coordinate_name", c.dependent);
    prop(e, "scale_factor", num(c.scale_factor));
  }

  // ForceSet in force_order; names force_order lists that are neither a muscle nor an actuator
  // (elements the reader did not support) are skipped; forces it does not list are appended.
  void write_forces(xml_node objects) {
    std::vector<bool> muscle_done(s_.muscles.size(), false), actuator_done(s_.actuators.size(), false);
    for (const auto& name : s_.force_order) {
      bool found = false;
      for (std::size_t i = 0; i < s_.muscles.size() && !found; ++i)
        if (!muscle_done[i] && s_.muscles[i].name == name) {
          write_muscle(objects, s_.muscles[i]);
          muscle_done[i] = found = true;
        }
      for (std::size_t i = 0; i < s_.actuators.size() && !found; ++i)
        if (!actuator_done[i] && s_.actuators[i].name == name) {
          write_actuator(objects, s_.actuators[i]);
          actuator_done[i] = found = true;
        }
    }
    for (std::size_t i = 0; i < s_.muscles.size(); ++i)
      if (!muscle_done[i]) write_muscle(objects, s_.muscles[i]);
    for (std::size_t i = 0; i < s_.actuators.size(); ++i)
      if (!actuator_done[i]) write_actuator(objects, s_.actuators[i]);
  }

  void write_path_point(xml_node parent, const PathPointSpec& p, const std::string& name) {
    using Kind = PathPointSpec::Kind;
    const char* tag = p.kind == Kind::Fixed ? "PathPoint" : p.kind == Kind::Conditional ? "ConditionalPathPoint" : "MovingPathPoint";
    xml_node e = object(parent, tag, name);
    prop(e, "socket_parent_frame", frame_ref(p.parent_frame));
    // A MovingPathPoint has no location in OpenSim 4; weaklink uses it for an axis without a
    // function (compile_model), so it is written whenever it is not zero.
    if (p.kind != Kind::Moving || !zero_bits(p.location[0]) || !zero_bits(p.location[1]) || !zero_bits(p.location[2]))
      prop(e, "location", vec(p.location));
    if (p.kind == Kind::Conditional) {
      prop(e, "socket_coordinate", coordinate_ref(p.coordinate));
      prop(e, "range", num(p.range_min) + " " + num(p.range_max));
    } else if (p.kind == Kind::Moving) {
      static const char* sock[3] = {"socket_x_coordinate", "socket_y_coordinate", "socket_z_coordinate"};
      static const char* loc[3] = {"x_location", "y_location", "z_location"};
      for (int i = 0; i < 3; ++i)
        if (!p.moving_coordinates[i].empty()) prop(e, sock[i], coordinate_ref(p.moving_coordinates[i]));
      for (int i = 0; i < 3; ++i)
        if (p.moving[i]) write_function(e.append_child(loc[i]), *p.moving[i]);
    }
  }

  void write_path(xml_node muscle, const MuscleSpec& m) {
    xml_node path = object(muscle, "GeometryPath", "geometrypath");
    xml_node points = set_objects(path, "PathPointSet", nullptr);
    for (std::size_t i = 0; i < m.path.points.size(); ++i) {
      const auto& p = m.path.points[i];
      write_path_point(points, p, p.name.empty() ? fmt::format("{}-P{}", m.name, i + 1) : p.name);
    }
    xml_node wraps = set_objects(path, "PathWrapSet", nullptr);
    for (std::size_t i = 0; i < m.path.wraps.size(); ++i) {
      const auto& w = m.path.wraps[i];
      xml_node e = object(wraps, "PathWrap", i == 0 ? std::string("pathwrap") : fmt::format("pathwrap_{}", i));
      prop(e, "wrap_object", w.wrap_object);
      prop(e, "method", w.method);
      prop(e, "range", fmt::format("{} {}", w.range_begin, w.range_end));
    }
  }

  void write_muscle(xml_node parent, const MuscleSpec& m) {
    const MuscleParams& p = m.params;
    const std::string tag(muscle_class_name(p.type));
    xml_node e = object(parent, tag.c_str(), m.name);
    prop(e, "appliesForce", boolean(p.applies_force));
    prop(e, "min_control", num(p.min_control));
    prop(e, "max_control", num(p.max_control));
    write_path(e, m);
    prop(e, "max_isometric_force", num(p.max_isometric_force));
    prop(e, "optimal_fiber_length", num(p.optimal_fiber_length));
    prop(e, "tendon_slack_length", num(p.tendon_slack_length));
    prop(e, "pennation_angle_at_optimal", num(p.pennation_angle_at_optimal));
    prop(e, "max_contraction_velocity", num(p.max_contraction_velocity));
    prop(e, "ignore_tendon_compliance", boolean(p.ignore_tendon_compliance));
    prop(e, "default_activation", num(p.default_activation));
    switch (p.type) {
      case MuscleType::Thelen2003: {
        prop(e, "default_fiber_length", num(p.default_fiber_length));
        prop(e, "maximum_pennation_angle", num(p.maximum_pennation_angle));
        prop(e, "minimum_activation", num(p.minimum_activation));
        const ThelenParams& t = p.thelen;
        prop(e, "FmaxTendonStrain", num(t.fmax_tendon_strain));
        prop(e, "FmaxMuscleStrain", num(t.fmax_muscle_strain));
        prop(e, "KshapeActive", num(t.kshape_active));
        prop(e, "KshapePassive", num(t.kshape_passive));
        prop(e, "Af", num(t.af));
        prop(e, "Flen", num(t.flen));
        prop(e, "fv_linear_extrap_threshold", num(t.fv_linear_extrap_threshold));
        break;
      }
      case MuscleType::Millard2012Equilibrium: {
        prop(e, "default_fiber_length", num(p.default_fiber_length));
        prop(e, "maximum_pennation_angle", num(p.maximum_pennation_angle));
        prop(e, "minimum_activation", num(p.minimum_activation));
        const MillardParams& ml = p.millard;
        prop(e, "fiber_damping", num(ml.fiber_damping));
        xml_node a = object(e, "ActiveForceLengthCurve", m.name + "_ActiveForceLengthCurve");
        prop(a, "min_norm_active_fiber_length", num(ml.active.min_norm_active_fiber_length));
        prop(a, "transition_norm_fiber_length", num(ml.active.transition_norm_fiber_length));
        prop(a, "max_norm_active_fiber_length", num(ml.active.max_norm_active_fiber_length));
        prop(a, "shallow_ascending_slope", num(ml.active.shallow_ascending_slope));
        prop(a, "minimum_value", num(ml.active.minimum_value));
        xml_node v = object(e, "ForceVelocityCurve", m.name + "_ForceVelocityCurve");
        prop(v, "concentric_slope_at_vmax", num(ml.velocity.concentric_slope_at_vmax));
        prop(v, "concentric_slope_near_vmax", num(ml.velocity.concentric_slope_near_vmax));
        prop(v, "isometric_slope", num(ml.velocity.isometric_slope));
        prop(v, "eccentric_slope_at_vmax", num(ml.velocity.eccentric_slope_at_vmax));
        prop(v, "eccentric_slope_near_vmax", num(ml.velocity.eccentric_slope_near_vmax));
        prop(v, "max_eccentric_velocity_force_multiplier", num(ml.velocity.max_eccentric_velocity_force_multiplier));
        prop(v, "concentric_curviness", num(ml.velocity.concentric_curviness));
        prop(v, "eccentric_curviness", num(ml.velocity.eccentric_curviness));
        // Optional properties: written only when set (absent = unset, the fitted defaults).
        auto optional = [](xml_node o, const char* tag_name, const std::optional<double>& x) {
          if (x) prop(o, tag_name, num(*x));
        };
        xml_node f = object(e, "FiberForceLengthCurve", m.name + "_FiberForceLengthCurve");
        prop(f, "strain_at_zero_force", num(ml.passive.strain_at_zero_force));
        prop(f, "strain_at_one_norm_force", num(ml.passive.strain_at_one_norm_force));
        optional(f, "stiffness_at_low_force", ml.passive.stiffness_at_low_force);
        optional(f, "stiffness_at_one_norm_force", ml.passive.stiffness_at_one_norm_force);
        optional(f, "curviness", ml.passive.curviness);
        xml_node t = object(e, "TendonForceLengthCurve", m.name + "_TendonForceLengthCurve");
        prop(t, "strain_at_one_norm_force", num(ml.tendon.strain_at_one_norm_force));
        optional(t, "stiffness_at_one_norm_force", ml.tendon.stiffness_at_one_norm_force);
        optional(t, "norm_force_at_toe_end", ml.tendon.norm_force_at_toe_end);
        optional(t, "curviness", ml.tendon.curviness);
        break;
      }
      case MuscleType::DeGrooteFregly2016: {
        // DeGrooteFregly2016Muscle has no default_fiber_length property in OpenSim; the reader
        // still reads one, so a value other than the class default is kept.
        if (p.default_fiber_length != default_muscle_params(p.type).default_fiber_length)
          prop(e, "default_fiber_length", num(p.default_fiber_length));
        const DeGrooteParams& d = p.degroote;
        prop(e, "active_force_width_scale", num(d.active_force_width_scale));
        prop(e, "passive_fiber_strain_at_one_norm_force", num(d.passive_fiber_strain_at_one_norm_force));
        prop(e, "tendon_strain_at_one_norm_force", num(d.tendon_strain_at_one_norm_force));
        prop(e, "ignore_passive_fiber_force", boolean(d.ignore_passive_fiber_force));
        prop(e, "fiber_damping", num(d.fiber_damping));
        break;
      }
    }
  }

  void write_actuator(xml_node parent, const ActuatorSpec& a) {
    using Kind = ActuatorSpec::Kind;
    const char* tag = a.kind == Kind::Coordinate ? "CoordinateActuator" : a.kind == Kind::Point ? "PointActuator" : "TorqueActuator";
    xml_node e = object(parent, tag, a.name);
    prop(e, "appliesForce", boolean(a.applies_force));
    prop(e, "min_control", num(a.min_control));
    prop(e, "max_control", num(a.max_control));
    switch (a.kind) {
      case Kind::Coordinate: prop(e, "coordinate", a.coordinate); break;
      case Kind::Point:
        prop(e, "body", a.body);
        prop(e, "point", vec(a.point));
        prop(e, "point_is_global", boolean(a.point_is_global));
        prop(e, "direction", vec(a.direction));
        prop(e, "force_is_global", boolean(a.force_is_global));
        break;
      case Kind::Torque:
        prop(e, "bodyA", a.body);
        if (!a.body_b.empty()) prop(e, "bodyB", a.body_b);
        prop(e, "torque_is_global", boolean(a.force_is_global));
        prop(e, "axis", vec(a.direction));
        break;
    }
    prop(e, "optimal_force", num(a.optimal_force));
  }

  const ModelSpec& s_;
  std::set<std::string> body_names_, offset_frame_names_;
  std::map<std::string, std::string> coordinate_path_;
};

}  // namespace

std::string osim_text(const ModelSpec& spec) { return OsimWriter(spec).run(); }

void write_osim(const ModelSpec& spec, const std::filesystem::path& path) {
  write_file_atomically(path, osim_text(spec));
}

}  // namespace weaklink::io

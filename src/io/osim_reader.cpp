#include "io/osim_reader.hpp"

#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include "core/error.hpp"
#include "core/expression.hpp"
#include "io/function_reader.hpp"
#include "io/muscle_params_reader.hpp"
#include "io/output_set.hpp"
#include "io/xml_document.hpp"
#include "model/plausible_ranges.hpp"

namespace weaklink::io {

namespace {

using pugi::xml_node;

bool is(const xml_node& n, const char* tag) { return std::strcmp(n.name(), tag) == 0; }
std::string name_of(const xml_node& n) { return n.attribute("name").value(); }

// Elements of a Set: <XxxSet><objects>...</objects></XxxSet>; tolerate a missing <objects>.
std::vector<xml_node> set_objects(const xml_node& set) {
  std::vector<xml_node> out;
  if (!set) return out;
  xml_node objs = set.child("objects");
  for (auto c : (objs ? objs : set).children())
    if (c.type() == pugi::node_element && !is(c, "groups")) out.push_back(c);
  return out;
}

// A force element placed outside the ForceSet (4.x models may list forces as components).
bool is_force_class(const std::string& tag) {
  const auto ends = [&](const char* e) {
    const std::size_t n = std::strlen(e);
    return tag.size() >= n && tag.compare(tag.size() - n, n, e) == 0;
  };
  return ends("Force") || ends("Spring") || ends("Ligament") || ends("Muscle") || ends("Actuator") || ends("Damper");
}

// Last element of a component path: "/bodyset/femur_r" -> "femur_r".
std::string last_path_element(const std::string& path) {
  std::string p = path;
  while (!p.empty() && p.back() == '/') p.pop_back();
  const auto k = p.find_last_of('/');
  return k == std::string::npos ? p : p.substr(k + 1);
}

class OsimReader {
 public:
  explicit OsimReader(XmlDocument& doc) : doc_(doc) {}

  ModelSpec read() {
    xml_node root = doc_.doc().child("OpenSimDocument");
    xml_node model;
    if (root) {
      spec_.document_version = root.attribute("Version").as_int(0);
      model = root.child("Model");
    } else {
      model = doc_.doc().child("Model");  // very old files may lack the wrapper
    }
    if (!model) throw_input_error(doc_.name(), "", "no <OpenSimDocument><Model> element; not an OpenSim model file");
    // The model's name becomes part of output file names (analyze): a name, never a path.
    spec_.name = output_file_name(name_of(model), doc_.name(), fmt::format("line {} <Model name>", doc_.line_of(model)));
    spec_.source_file = doc_.name();
    if (auto d = model.child("defaults"))
      for (auto c : d.children())
        if (c.type() == pugi::node_element) defaults_[c.name()] = c;

    spec_.gravity = doc_.vec3(model, "gravity", spec_.gravity);
    if (model.child("Ground")) read_ground(model.child("Ground"));
    const bool old_format = !model.child("JointSet");
    for (auto b : set_objects(model.child("BodySet"))) {
      if (!is(b, "Body")) {
        unsupported(b, "/bodyset", "not read");
        continue;
      }
      if (old_format && name_of(b) == "ground") {
        read_wrap_objects(b, "ground", spec_.ground_wrap_objects);
        continue;
      }
      read_body(b, old_format);
    }
    for (auto j : set_objects(model.child("JointSet"))) spec_.joints.push_back(read_joint(j));
    for (auto c : set_objects(model.child("ConstraintSet"))) read_constraint(c);
    for (auto m : set_objects(model.child("MarkerSet"))) read_marker(m);
    for (auto f : set_objects(model.child("ForceSet"))) read_force(f);
    for (auto c : set_objects(model.child("ComponentSet"))) {
      if (is(c, "PhysicalOffsetFrame")) spec_.frames.push_back(read_offset_frame(c, ""));
      else {
        unsupported(c, "/componentset", "component ignored");
        spec_.unsupported.back().unmodelled_force = is_force_class(c.name()) && applies_force(c);
      }
    }
    for (const char* s : {"ContactGeometrySet", "ProbeSet", "ControllerSet"})
      for (auto c : set_objects(model.child(s)))
        unsupported(c, std::string("/") + s, "ignored (not used by kinematics, inverse dynamics or static optimization)");
    return std::move(spec_);
  }

 // A ForceSet document (AnalyzeTool force_set_files): its forces are appended to `spec`.
  ModelSpec append_force_set(ModelSpec spec) {
    const int model_version = spec.document_version;
    spec_ = std::move(spec);
    xml_node root = doc_.doc().child("OpenSimDocument");
    xml_node set = root ? root.child("ForceSet") : doc_.doc().child("ForceSet");
    if (!set) throw_input_error(doc_.name(), "", "no <OpenSimDocument><ForceSet> element; expected a force set file");
    spec_.document_version = root ? root.attribute("Version").as_int(0) : 0;
    if (auto d = root.child("defaults"))
      for (auto c : d.children())
        if (c.type() == pugi::node_element) defaults_[c.name()] = c;
    // OpenSim's ForceSet::append skips a force whose name the model already has (the first kept).
    std::set<std::string> names(spec_.force_order.begin(), spec_.force_order.end());
    std::vector<std::string> skipped;
    for (auto f : set_objects(set)) {
      if (names.insert(name_of(f)).second) read_force(f);
      else skipped.push_back(name_of(f));
    }
    if (!skipped.empty()) {
      std::string list;
      for (std::size_t k = 0; k < skipped.size() && k < 5; ++k) list += (k ? ", '" : "'") + quote_input(skipped[k]) + "'";
      spec_.warnings.push_back(doc_.name() + ": " + std::to_string(skipped.size()) + " force(s) named like forces already in the model (" +
                               list + (skipped.size() > 5 ? ", ..." : "") + ") skipped, as OpenSim does");
    }
    spec_.document_version = model_version;
    return std::move(spec_);
  }

 private:
  // Property lookup with the document's <defaults> object of the same class as fallback.
  xml_node prop_owner(const xml_node& n, const char* prop) const {
    if (n.child(prop)) return n;
    auto it = defaults_.find(n.name());
    if (it != defaults_.end() && it->second.child(prop)) return it->second;
    return n;
  }
  double num(const xml_node& n, const char* p, double fb) const { return doc_.number(prop_owner(n, p), p, fb); }
  Vec3 vec(const xml_node& n, const char* p, const Vec3& fb) const { return doc_.vec3(prop_owner(n, p), p, fb); }
  bool flag(const xml_node& n, const char* p, bool fb) const { return doc_.boolean(prop_owner(n, p), p, fb); }
  std::string str(const xml_node& n, const char* p, const std::string& fb = "") const {
    return doc_.text(prop_owner(n, p), p, fb);
  }

  void unsupported(const xml_node& n, const std::string& set_path, const std::string& effect) {
    spec_.unsupported.push_back({set_path + "/" + name_of(n) + " (" + doc_.where(n) + ")", n.name(), effect, false, name_of(n)});
  }

  // 3.x used isDisabled; 4.x appliesForce.
  bool applies_force(const xml_node& n) const {
    if (n.child("isDisabled")) return !doc_.boolean(n, "isDisabled", false);
    return flag(n, "appliesForce", true);
  }

  void read_ground(const xml_node& g) {
    read_wrap_objects(g, "ground", spec_.ground_wrap_objects);
    read_components(g, "/ground");
  }

  void read_components(const xml_node& owner, const std::string& owner_path) {
    for (auto c : owner.child("components").children()) {
      if (c.type() != pugi::node_element) continue;
      if (is(c, "PhysicalOffsetFrame")) {
        auto f = read_offset_frame(c, owner_path);
        spec_.frames.push_back(f);
      } else {
        unsupported(c, owner_path, "component ignored");
        spec_.unsupported.back().unmodelled_force = is_force_class(c.name()) && applies_force(c);
      }
    }
  }

  void read_body(const xml_node& b, bool old_format) {
    BodySpec body;
    body.name = name_of(b);
    body.origin = doc_.where(b);
    if (body.name.empty()) doc_.fail(b, "a Body needs a name attribute");
    body.mass = doc_.number(b, "mass", NAN);
    if (!std::isfinite(body.mass) || body.mass < 0)
      doc_.fail(b, "expected a finite, non-negative <mass> (kg)");
    body.mass_center = doc_.vec3(b, "mass_center", Vec3::Zero());
    if (b.child("inertia")) {
      const auto v = doc_.numbers(b, "inertia");
      if (v.size() != 6) doc_.fail(b.child("inertia"), "expected six numbers Ixx Iyy Izz Ixy Ixz Iyz");
      std::copy(v.begin(), v.end(), body.inertia.begin());
    } else {  // 1.x–3.x: inertia_xx ... inertia_yz
      const char* names[6] = {"inertia_xx", "inertia_yy", "inertia_zz", "inertia_xy", "inertia_xz", "inertia_yz"};
      for (int i = 0; i < 6; ++i) body.inertia[i] = doc_.number(b, names[i], 0.0);
    }
    for (double v : body.inertia)
      if (!std::isfinite(v)) doc_.fail(b, "inertia must be finite numbers");
    if (!body.mass_center.allFinite()) doc_.fail(b, "mass_center must be finite numbers");
    check_body_plausible(b, body);
    read_wrap_objects(b, body.name, body.wrap_objects);
    read_components(b, "/bodyset/" + body.name);
    spec_.bodies.push_back(body);
    if (old_format) {
      // 3.x: the joint whose child is this body lives inside <Joint>.
      for (auto j : b.child("Joint").children())
        if (j.type() == pugi::node_element) spec_.joints.push_back(read_old_joint(j, body.name));
    }
  }

  // Physically possible and within plausible_ranges.hpp: a real body, not an overflow.
  void check_body_plausible(const xml_node& b, const BodySpec& body) const {
    using namespace plausible;
    if (body.mass > kMaxBodyMass)
      doc_.fail(b, fmt::format("<mass> {:g} kg is beyond the plausible {:g} kg for one body", body.mass, kMaxBodyMass));
    for (int i = 0; i < 6; ++i) {
      const double v = body.inertia[static_cast<std::size_t>(i)];
      if (std::abs(v) > kMaxInertia)
        doc_.fail(b, fmt::format("inertia: {:g} kg·m² is beyond the plausible {:g} kg·m² for one body", v, kMaxInertia));
    }
    if (body.mass_center.cwiseAbs().maxCoeff() > kMaxLength)
      doc_.fail(b, fmt::format("<mass_center> lies {:g} m from the body's origin (plausible: within {:g} m)",
                               body.mass_center.cwiseAbs().maxCoeff(), kMaxLength));
  }

  // Offsets, locations and path points: within plausible::kMaxLength of their frame.
  void check_length(const xml_node& n, const Vec3& v, const char* what) const {
    if (v.cwiseAbs().maxCoeff() > plausible::kMaxLength)
      doc_.fail(n, fmt::format("{} lies {:g} m from its frame (plausible: within {:g} m)", what, v.cwiseAbs().maxCoeff(),
                               plausible::kMaxLength));
  }

  void read_wrap_objects(const xml_node& owner, const std::string& body, std::vector<WrapObjectSpec>& out) {
    for (auto w : set_objects(owner.child("WrapObjectSet"))) {
      WrapObjectSpec s;
      s.name = name_of(w);
      s.body = body;
      s.origin = doc_.where(w);
      if (is(w, "WrapCylinder")) {
        s.kind = WrapObjectSpec::Kind::Cylinder;
        s.radius = doc_.number(w, "radius", 1.0);
        s.length = doc_.number(w, "length", 1.0);
      } else if (is(w, "WrapSphere")) {
        s.kind = WrapObjectSpec::Kind::Sphere;
        s.radius = doc_.number(w, "radius", 0.05);
      } else if (is(w, "WrapEllipsoid")) {
        s.kind = WrapObjectSpec::Kind::Ellipsoid;
        s.dimensions = doc_.vec3(w, "dimensions", Vec3::Constant(0.05));
      } else if (is(w, "WrapTorus")) {
        s.kind = WrapObjectSpec::Kind::Torus;
        s.inner_radius = doc_.number(w, "inner_radius", 0.01);
        s.outer_radius = doc_.number(w, "outer_radius", 0.05);
      } else {
        unsupported(w, "/bodyset/" + body + "/wrapobjectset", "wrap object type not supported; paths ignore it");
        continue;
      }
      s.active = doc_.boolean(w, "active", true);
      s.translation = doc_.vec3(w, "translation", Vec3::Zero());
      s.xyz_body_rotation = doc_.vec3(w, "xyz_body_rotation", Vec3::Zero());
      s.quadrant = doc_.text(w, "quadrant", "all");
      if (!(s.radius > 0) || !(s.length > 0) || !(s.dimensions.minCoeff() > 0) || !(s.inner_radius > 0) ||
          !(s.outer_radius > 0) || !s.translation.allFinite() || !s.xyz_body_rotation.allFinite())
        doc_.fail(w, "wrap object dimensions must be positive and finite");
      out.push_back(s);
    }
  }

  OffsetFrameSpec read_offset_frame(const xml_node& f, const std::string& owner_path) {
    OffsetFrameSpec s;
    s.name = name_of(f);
    s.origin = doc_.where(f);
    s.parent = doc_.text(f, "socket_parent");
    if (s.parent.empty() && !owner_path.empty()) s.parent = owner_path;
    if (s.parent.empty()) doc_.fail(f, "PhysicalOffsetFrame needs <socket_parent>");
    s.translation = doc_.vec3(f, "translation", Vec3::Zero());
    s.orientation = doc_.vec3(f, "orientation", Vec3::Zero());
    if (!s.translation.allFinite() || !s.orientation.allFinite()) doc_.fail(f, "translation/orientation must be finite");
    check_length(f, s.translation, "<translation>");
    return s;
  }

  CoordinateSpec read_coordinate(const xml_node& c) {
    CoordinateSpec s;
    s.name = name_of(c);
    if (s.name.empty()) doc_.fail(c, "a Coordinate needs a name attribute");
    s.default_value = doc_.number(c, "default_value", 0.0);
    s.default_speed = doc_.number(c, "default_speed_value", 0.0);
    if (c.child("range")) {
      const auto r = doc_.numbers(c, "range");
      if (r.size() != 2 || !(r[0] <= r[1])) doc_.fail(c.child("range"), "expected two numbers min max with min <= max");
      s.range_min = r[0];
      s.range_max = r[1];
    }
    s.clamped = doc_.boolean(c, "clamped", false);
    s.locked = doc_.boolean(c, "locked", false);
    bool has_fn = false;
    for (auto f : c.child("prescribed_function").children()) has_fn |= is_function_element(f);
    s.prescribed = has_fn && doc_.boolean(c, "prescribed", true);
    if (!std::isfinite(s.default_value)) doc_.fail(c, "default_value must be a finite number");
    return s;
  }

  void read_spatial_transform(const xml_node& st, JointSpec& j) {
    static const char* names[6] = {"rotation1", "rotation2", "rotation3", "translation1", "translation2", "translation3"};
    for (auto ta : st.children("TransformAxis")) {
      const std::string n = name_of(ta);
      int k = -1;
      for (int i = 0; i < 6; ++i)
        if (n == names[i]) k = i;
      if (k < 0) doc_.fail(ta, "TransformAxis name must be rotation1..3 or translation1..3");
      TransformAxisSpec& a = j.axes[k];
      a.coordinates = doc_.words(ta, "coordinates");
      a.axis = doc_.vec3(ta, "axis", a.axis);
      if (!(a.axis.norm() > 0) || !a.axis.allFinite()) doc_.fail(ta, "axis must be a non-zero vector");
      if (auto f = read_function_property(doc_, ta, "function")) a.function = *f;
    }
  }

  static JointType joint_type_of(const std::string& tag, bool& known) {
    known = true;
    if (tag == "CustomJoint") return JointType::Custom;
    if (tag == "PinJoint") return JointType::Pin;
    if (tag == "SliderJoint") return JointType::Slider;
    if (tag == "WeldJoint") return JointType::Weld;
    if (tag == "UniversalJoint") return JointType::Universal;
    if (tag == "GimbalJoint") return JointType::Gimbal;
    if (tag == "BallJoint") return JointType::Ball;
    if (tag == "FreeJoint") return JointType::Free;
    if (tag == "PlanarJoint") return JointType::Planar;
    known = false;
    return JointType::Custom;
  }

  void read_joint_common(const xml_node& j, JointSpec& s) {
    bool known = false;
    s.type = joint_type_of(j.name(), known);
    if (!known)
      doc_.fail(j, std::string("unknown joint type '") + j.name() +
                       "' (expected CustomJoint, PinJoint, SliderJoint, WeldJoint, UniversalJoint, GimbalJoint, "
                       "BallJoint, FreeJoint or PlanarJoint)");
    s.name = name_of(j);
    s.origin = doc_.where(j);
    if (s.name.empty()) doc_.fail(j, "a joint needs a name attribute");
    if (auto st = j.child("SpatialTransform")) read_spatial_transform(st, s);
  }

  JointSpec read_joint(const xml_node& j) {
    JointSpec s;
    read_joint_common(j, s);
    s.parent_frame = doc_.text(j, "socket_parent_frame");
    s.child_frame = doc_.text(j, "socket_child_frame");
    if (s.parent_frame.empty() || s.child_frame.empty())
      doc_.fail(j, "expected <socket_parent_frame> and <socket_child_frame>");
    for (auto c : j.child("coordinates").children("Coordinate")) s.coordinates.push_back(read_coordinate(c));
    for (auto f : j.child("frames").children("PhysicalOffsetFrame"))
      s.frames.push_back(read_offset_frame(f, "/jointset/" + s.name));
    return s;
  }

  // 3.x and older: <Body><Joint><CustomJoint> with parent_body and location/orientation pairs;
  // converted as OpenSim does (docs/opensim-semantics.md#model-files): offset frames <parent>_offset / <child>_offset.
  JointSpec read_old_joint(const xml_node& j, const std::string& child_body) {
    JointSpec s;
    read_joint_common(j, s);
    const std::string parent = doc_.text(j, "parent_body");
    if (parent.empty()) doc_.fail(j, "expected <parent_body>");
    OffsetFrameSpec pf{parent + "_offset", doc_.where(j), parent, doc_.vec3(j, "location_in_parent", Vec3::Zero()),
                       doc_.vec3(j, "orientation_in_parent", Vec3::Zero())};
    OffsetFrameSpec cf{child_body + "_offset", doc_.where(j), child_body, doc_.vec3(j, "location", Vec3::Zero()),
                       doc_.vec3(j, "orientation", Vec3::Zero())};
    if (!pf.translation.allFinite() || !cf.translation.allFinite()) doc_.fail(j, "location_in_parent/location must be finite");
    check_length(j, pf.translation, "<location_in_parent>");
    check_length(j, cf.translation, "<location>");
    if (doc_.boolean(j, "reverse", false)) std::swap(pf, cf);
    s.frames = {pf, cf};
    s.parent_frame = pf.name;
    s.child_frame = cf.name;
    for (auto c : set_objects(j.child("CoordinateSet"))) s.coordinates.push_back(read_coordinate(c));
    return s;
  }

  void read_constraint(const xml_node& c) {
    if (!is(c, "CoordinateCouplerConstraint")) {
      unsupported(c, "/constraintset", "constraint not enforced");
      return;
    }
    CouplerSpec s;
    s.name = name_of(c);
    s.origin = doc_.where(c);
    s.enforced = c.child("isDisabled") ? !doc_.boolean(c, "isDisabled", false) : doc_.boolean(c, "isEnforced", true);
    s.independent = doc_.words(c, "independent_coordinate_names");
    s.dependent = doc_.text(c, "dependent_coordinate_name");
    s.scale_factor = doc_.number(c, "scale_factor", 1.0);
    auto f = read_function_property(doc_, c, "coupled_coordinates_function");
    if (!f) doc_.fail(c, "expected <coupled_coordinates_function>");
    s.function = *f;
    if (s.independent.size() != 1)
      doc_.fail(c, "expected exactly one independent coordinate (couplers of several coordinates are not supported)");
    if (s.dependent.empty()) doc_.fail(c, "expected <dependent_coordinate_name>");
    spec_.couplers.push_back(s);
  }

  // Parent frame of a marker or path point: 4.x socket, 3.x <body>.
  std::string parent_frame_of(const xml_node& n) {
    std::string p = doc_.text(n, "socket_parent_frame");
    if (p.empty()) p = doc_.text(n, "body");
    if (p.empty()) doc_.fail(n, "expected <socket_parent_frame> (or <body> in older files)");
    return p;
  }

  void read_marker(const xml_node& m) {
    MarkerSpec s;
    s.name = name_of(m);
    s.origin = doc_.where(m);
    s.parent_frame = parent_frame_of(m);
    s.location = doc_.vec3(m, "location", Vec3::Zero());
    s.fixed = doc_.boolean(m, "fixed", false);
    if (!s.location.allFinite()) doc_.fail(m, "marker location must be finite");
    check_length(m, s.location, "marker <location>");
    spec_.markers.push_back(s);
  }

  PathPointSpec read_path_point(const xml_node& p) {
    PathPointSpec s;
    s.name = name_of(p);
    s.parent_frame = parent_frame_of(p);
    s.location = doc_.vec3(p, "location", Vec3::Zero());
    if (!s.location.allFinite()) doc_.fail(p, "path point location must be finite");
    check_length(p, s.location, "path point <location>");
    const std::string tag = p.name();
    if (tag == "PathPoint" || tag == "MusclePoint") return s;
    if (tag == "ConditionalPathPoint" || tag == "MuscleViaPoint") {
      s.kind = PathPointSpec::Kind::Conditional;
      s.coordinate = last_path_element(doc_.text(p, "socket_coordinate"));
      if (s.coordinate.empty()) s.coordinate = doc_.text(p, "coordinate");
      if (s.coordinate.empty()) {
        const auto w = doc_.words(p, "coordinates");
        if (!w.empty()) s.coordinate = w[0];
      }
      const auto r = doc_.numbers(p, "range");
      if (s.coordinate.empty() || r.size() != 2) doc_.fail(p, "expected a coordinate and a <range> of two numbers");
      s.range_min = r[0];
      s.range_max = r[1];
      return s;
    }
    if (tag == "MovingPathPoint" || tag == "MovingMusclePoint") {
      s.kind = PathPointSpec::Kind::Moving;
      const char* loc[3] = {"x_location", "y_location", "z_location"};
      const char* old_loc[3] = {"XAttachment", "YAttachment", "ZAttachment"};
      const char* sock[3] = {"socket_x_coordinate", "socket_y_coordinate", "socket_z_coordinate"};
      const char* old_sock[3] = {"x_coordinate", "y_coordinate", "z_coordinate"};
      for (int i = 0; i < 3; ++i) {
        s.moving[i] = read_function_property(doc_, p, loc[i]);
        if (!s.moving[i]) s.moving[i] = read_function_property(doc_, p, old_loc[i]);
        std::string c = last_path_element(doc_.text(p, sock[i]));
        if (c.empty()) c = doc_.text(p, old_sock[i]);
        s.moving_coordinates[i] = c;
      }
      return s;
    }
    doc_.fail(p, "unknown path point type '" + quote_input(tag) + "' (expected PathPoint, ConditionalPathPoint or MovingPathPoint)");
  }

  GeometryPathSpec read_path(const xml_node& muscle) {
    GeometryPathSpec g;
    xml_node path = muscle.child("GeometryPath");
    xml_node owner = path ? path : muscle;
    xml_node points = owner.child("PathPointSet");
    if (!points) points = owner.child("MusclePointSet");
    for (auto p : set_objects(points)) g.points.push_back(read_path_point(p));
    xml_node wraps = owner.child("PathWrapSet");
    if (!wraps) wraps = owner.child("MuscleWrapSet");
    for (auto w : set_objects(wraps)) {
      PathWrapSpec s;
      s.wrap_object = doc_.text(w, "wrap_object");
      s.method = doc_.text(w, "method", "hybrid");
      const auto r = doc_.numbers(w, "range");
      if (r.size() == 2) {
        // 1-based point indices (values < 1 mean "from the first"/"to the last"); anything that
        // is not a modest whole number is an error, not a cast (UB for NaN or 1e10).
        for (double v : r)
          if (!(std::abs(v) <= 1e6) || v != std::floor(v))
            doc_.fail(w, "<range> must be two whole numbers (1-based path point indices, or -1)");
        s.range_begin = static_cast<int>(r[0]);
        s.range_end = static_cast<int>(r[1]);
      } else if (!r.empty()) {
        doc_.fail(w, "<range> must be two whole numbers");
      }
      if (s.wrap_object.empty()) doc_.fail(w, "expected <wrap_object>");
      g.wraps.push_back(s);
    }
    if (g.points.size() < 2) doc_.fail(owner, "a path needs at least two path points");
    return g;
  }

  void read_force(const xml_node& f) {
    const std::string tag = f.name();
    spec_.force_order.push_back(name_of(f));
    if (tag == "Thelen2003Muscle" || tag == "Millard2012EquilibriumMuscle" || tag == "DeGrooteFregly2016Muscle") {
      MuscleSpec m;
      m.name = name_of(f);
      m.class_name = tag;
      m.origin = doc_.where(f);
      auto it = defaults_.find(tag);
      // The file argument carries the line: "model.osim: line 12 <Thelen2003Muscle name=...>".
      m.params = read_muscle_params(f, it == defaults_.end() ? xml_node() : it->second, spec_.document_version,
                                    doc_.name() + ": " + doc_.where(f));
      m.path = read_path(f);
      spec_.muscles.push_back(std::move(m));
      return;
    }
    if (tag == "ExpressionBasedCoordinateForce" && applies_force(f)) {
      // Modelled when weaklink's expression compiler understands the expression; otherwise named.
      std::string error;
      if (!Expression::compile(str(f, "expression", "0.0"), {"q", "qdot"}, error)) {
        unsupported(f, "/forceset", "force element ignored: its expression is not supported (" + error + ")");
        spec_.unsupported.back().unmodelled_force = true;
        return;
      }
    }
    if (tag == "CoordinateLimitForce" || tag == "SpringGeneralizedForce" || tag == "PointToPointSpring" ||
        tag == "ExpressionBasedCoordinateForce") {
      if (applies_force(f)) spec_.passive_forces.push_back(read_passive_force(f, tag));
      return;
    }
    ActuatorSpec a;
    a.name = name_of(f);
    a.origin = doc_.where(f);
    a.applies_force = applies_force(f);
    a.min_control = num(f, "min_control", -INFINITY);
    a.max_control = num(f, "max_control", INFINITY);
    a.optimal_force = num(f, "optimal_force", 1.0);
    if (tag == "CoordinateActuator" || tag == "GeneralizedForce") {
      a.kind = ActuatorSpec::Kind::Coordinate;
      a.coordinate = str(f, "coordinate");
      if (a.coordinate.empty()) doc_.fail(f, "expected <coordinate>");
    } else if (tag == "PointActuator" || tag == "Force") {
      a.kind = ActuatorSpec::Kind::Point;
      a.body = str(f, "body");
      a.point = vec(f, "point", Vec3::Zero());
      a.point_is_global = flag(f, "point_is_global", false);
      a.direction = vec(f, "direction", Vec3::UnitX());
      a.force_is_global = flag(f, "force_is_global", false);
      if (a.body.empty()) doc_.fail(f, "expected <body>");
    } else if (tag == "TorqueActuator" || tag == "Torque") {
      a.kind = ActuatorSpec::Kind::Torque;
      a.body = str(f, "bodyA");
      a.body_b = str(f, "bodyB");
      a.direction = vec(f, "axis", Vec3::UnitX());
      a.force_is_global = flag(f, "torque_is_global", true);
      if (a.body.empty()) doc_.fail(f, "expected <bodyA>");
    } else {
      if (a.applies_force) {
        unsupported(f, "/forceset", "force element ignored: its force is not applied");
        spec_.unsupported.back().unmodelled_force = true;
      } else {
        unsupported(f, "/forceset", "disabled (appliesForce false): no effect, as in OpenSim");
      }
      return;
    }
    spec_.actuators.push_back(a);
  }

  PassiveForceSpec read_passive_force(const xml_node& f, const std::string& tag) {
    PassiveForceSpec p;
    p.name = name_of(f);
    p.origin = doc_.where(f);
    if (tag == "PointToPointSpring") {
      p.kind = PassiveForceSpec::Kind::PointToPointSpring;
      p.body1 = str(f, "socket_body1");
      if (p.body1.empty()) p.body1 = str(f, "body1");  // 3.x
      p.body2 = str(f, "socket_body2");
      if (p.body2.empty()) p.body2 = str(f, "body2");
      if (p.body1.empty() || p.body2.empty()) doc_.fail(f, "expected <socket_body1> and <socket_body2>");
      p.point1 = vec(f, "point1", Vec3::Zero());
      p.point2 = vec(f, "point2", Vec3::Zero());
      check_length(f, p.point1, "<point1>");
      check_length(f, p.point2, "<point2>");
      p.stiffness = num(f, "stiffness", 1.0);
      p.rest_length = num(f, "rest_length", 0.0);
      return p;
    }
    p.coordinate = last_path_element(str(f, "coordinate"));
    if (p.coordinate.empty() || p.coordinate == "UNASSIGNED") doc_.fail(f, "expected <coordinate>");
    if (tag == "ExpressionBasedCoordinateForce") {
      p.kind = PassiveForceSpec::Kind::ExpressionCoordinate;
      p.expression = str(f, "expression", "0.0");
      return p;
    }
    if (tag == "SpringGeneralizedForce") {
      p.kind = PassiveForceSpec::Kind::SpringGeneralized;
      p.stiffness = num(f, "stiffness", 0.0);
      p.rest_length = num(f, "rest_length", 0.0);
      p.viscosity = num(f, "viscosity", 0.0);
      return p;
    }
    p.kind = PassiveForceSpec::Kind::CoordinateLimit;
    p.upper_stiffness = num(f, "upper_stiffness", 1.0);
    p.upper_limit = num(f, "upper_limit", 0.0);
    p.lower_stiffness = num(f, "lower_stiffness", 1.0);
    p.lower_limit = num(f, "lower_limit", 0.0);
    p.damping = num(f, "damping", 0.001);
    p.transition = num(f, "transition", 0.1);
    return p;
  }

  XmlDocument& doc_;
  ModelSpec spec_;
  std::map<std::string, xml_node> defaults_;
};

}  // namespace

void append_force_set_file(const std::filesystem::path& path, ModelSpec& spec) {
  XmlDocument doc(path);
  spec = OsimReader(doc).append_force_set(std::move(spec));
}

ModelSpec read_osim(const std::filesystem::path& path) {
  XmlDocument doc(path);
  return OsimReader(doc).read();
}

ModelSpec read_osim_text(std::string text, const std::string& name) {
  XmlDocument doc(std::move(text), name);
  return OsimReader(doc).read();
}

}  // namespace weaklink::io

// compile_model(): ModelSpec (names) -> Model (indices). See model.hpp.
#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <set>
#include <unordered_map>

#include <Eigen/Eigenvalues>

#include <fmt/format.h>

#include "core/ascii_lower.hpp"
#include "core/error.hpp"
#include "model/model.hpp"

namespace weaklink {

namespace {

// Body inertia as OpenSim/Simbody treat it (docs/opensim-semantics.md#bodies-and-joints): zero for (near-)massless
// bodies, and a spherical replacement when the six numbers violate the triangle inequality.
Mat3 inertia_matrix(const BodySpec& b, std::vector<std::string>& warnings) {
  const auto& v = b.inertia;
  Mat3 I;
  I << v[0], v[3], v[4], v[3], v[1], v[5], v[4], v[5], v[2];
  constexpr double kSignificantReal = 1.4901161193847656e-08 * 1.4901161193847656e-08 * 64;  // ~1.4e-14 (Simbody)
  if (std::abs(b.mass) <= kSignificantReal) return Mat3::Zero();
  Eigen::SelfAdjointEigenSolver<Mat3> es(I);
  const Vec3 m = es.eigenvalues();
  const double tol = 1e-12 * std::max(1.0, m.cwiseAbs().maxCoeff());
  const bool valid = m.minCoeff() >= -tol && m(0) + m(1) >= m(2) - tol && m(0) + m(2) >= m(1) - tol &&
                     m(1) + m(2) >= m(0) - tol;
  if (valid) return I;
  const double d = Vec3(v[0], v[1], v[2]).norm() / std::sqrt(3.0);
  warnings.push_back("body '" + b.name +
                     "': inertia violates the triangle inequality; replaced by a spherical inertia as OpenSim does");
  return Mat3::Identity() * d;
}

class Compiler {
 public:
  explicit Compiler(const ModelSpec& s) : s_(s) {}

  Model run() {
    m_.name = s_.name;
    m_.source_file = s_.source_file;
    m_.gravity = s_.gravity;
    m_.unsupported = s_.unsupported;
    m_.warnings = s_.warnings;
    if (!m_.gravity.allFinite()) fail("", "gravity must be three finite numbers");
    compile_bodies();
    compile_frames();
    compile_tree();
    compile_couplers();
    check_massless_subtrees();
    compile_markers();
    compile_wrap_objects();
    compile_muscles();
    compile_actuators();
    compile_passive_forces();
    compile_support();
    precompute_kinematics();
    precompute_muscle_joints();
    return std::move(m_);
  }

 private:
  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw_input_error(s_.source_file, where, what);
  }

  void compile_bodies() {
    m_.bodies.push_back(Body{"ground", 0.0, Vec3::Zero(), Mat3::Zero(), -1});
    std::set<std::string> names{"ground"};
    for (const auto& b : s_.bodies) {
      if (!names.insert(b.name).second) fail(b.origin, "duplicate body name '" + quote_input(b.name) + "'");
      if (!(b.mass >= 0) || !std::isfinite(b.mass)) fail(b.origin, "body mass must be finite and non-negative");
      m_.bodies.push_back(Body{b.name, b.mass, b.mass_center, inertia_matrix(b, m_.warnings), -1});
    }
  }

  // ---- frames -------------------------------------------------------------------------------
  struct PendingFrame {
    OffsetFrameSpec spec;
    std::string owner;  // "joint:NAME", "body:NAME", "ground" or ""
    int state = 0;      // 0 unresolved, 1 resolving, 2 done
  };

  void compile_frames() {
    m_.frames.push_back(Frame{"ground", "", kGround, Transform{}});
    for (int b = 1; b < static_cast<int>(m_.bodies.size()); ++b)
      m_.frames.push_back(Frame{m_.bodies[b].name, "", b, Transform{}});
    auto add = [&](const OffsetFrameSpec& f, const std::string& owner) {
      pending_.push_back(PendingFrame{f, owner, 0});
    };
    for (const auto& f : s_.frames) {
      const auto parts = split_component_path(f.parent);
      std::string owner;
      if (!parts.empty() && parts[0] == "bodyset" && parts.size() == 2) owner = "body:" + parts[1];
      if (!parts.empty() && parts[0] == "ground") owner = "ground";
      add(f, owner);
    }
    for (const auto& j : s_.joints)
      for (const auto& f : j.frames) add(f, "joint:" + j.name);
    first_offset_frame_ = static_cast<int>(m_.frames.size());
    for (const auto& p : pending_) {
      Frame fr;
      fr.name = p.spec.name;
      fr.owner = p.owner;
      m_.frames.push_back(fr);
    }
    // Hashed look-ups (first definition wins, as the linear scans did).
    for (int i = 0; i < first_offset_frame_; ++i) body_frame_by_name_.try_emplace(m_.frames[i].name, i);
    for (int i = first_offset_frame_; i < static_cast<int>(m_.frames.size()); ++i) {
      frame_by_owner_.try_emplace(m_.frames[i].owner + '\n' + m_.frames[i].name, i);
      offset_frame_by_name_.try_emplace(m_.frames[i].name, i);
    }
    for (std::size_t i = 0; i < pending_.size(); ++i) resolve_pending(static_cast<int>(i));
  }

  // Resolves offset frame i and its unresolved ancestors. Iterative: a hostile file may chain
  // thousands of frames (a fuzzer found recursion overflowing the stack).
  void resolve_pending(int i) {
    std::vector<std::pair<int, int>> chain;  // (pending index, parent frame index), child first
    for (int k = i; k >= 0 && pending_[k].state != 2;) {
      PendingFrame& p = pending_[k];
      if (p.state == 1) fail(p.spec.origin, "offset frame '" + quote_input(p.spec.name) + "' is its own ancestor (cycle)");
      p.state = 1;
      const int parent = find_frame(p.spec.parent, p.owner, p.spec.origin);
      chain.emplace_back(k, parent);
      k = parent >= first_offset_frame_ ? parent - first_offset_frame_ : -1;
    }
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      const auto [k, parent] = *it;
      Frame& f = m_.frames[first_offset_frame_ + k];
      const Frame& pf = m_.frames[parent];
      f.body = pf.body;
      f.X_BF = pf.X_BF * make_transform(pending_[k].spec.translation, pending_[k].spec.orientation);
      pending_[k].state = 2;
    }
  }

  // Socket resolution (docs/opensim-semantics.md#model-files): absolute paths from the model root; bare names in the
  // owner's frames, then bodies, then ground, then any frame of that name.
  int find_frame(const std::string& path, const std::string& owner, const std::string& where) const {
    const auto parts = split_component_path(path);
    if (parts.empty()) fail(where, "empty frame reference");
    auto by_owner = [&](const std::string& own, const std::string& name) {
      const auto it = frame_by_owner_.find(own + '\n' + name);
      return it == frame_by_owner_.end() ? -1 : it->second;
    };
    auto body_frame = [&](const std::string& name) {
      const auto it = body_frame_by_name_.find(name);
      return it == body_frame_by_name_.end() ? -1 : it->second;
    };
    int r = -1;
    const bool absolute = !path.empty() && path[0] == '/';
    if (absolute) {
      if (parts.size() == 1 && parts[0] == "ground") return kGround;
      if (parts[0] == "bodyset" && parts.size() == 2) r = body_frame(parts[1]);
      else if (parts[0] == "bodyset" && parts.size() == 3) r = by_owner("body:" + parts[1], parts[2]);
      else if (parts[0] == "jointset" && parts.size() == 3) r = by_owner("joint:" + parts[1], parts[2]);
      else if (parts[0] == "ground" && parts.size() == 2) r = by_owner("ground", parts[1]);
      else if (parts[0] == "componentset" && parts.size() == 2) r = by_owner("", parts[1]);
      if (r >= 0) return r;
    }
    const std::string& name = parts.back();
    if (!owner.empty() && (r = by_owner(owner, name)) >= 0) return r;
    if ((r = body_frame(name)) >= 0) return r;
    if (const auto it = offset_frame_by_name_.find(name); it != offset_frame_by_name_.end()) return it->second;
    fail(where, "'" + quote_input(path) + "' names no body or frame in the model");
  }

  // ---- joints and the tree -----------------------------------------------------------------
  void compile_tree() {
    struct Candidate {
      const JointSpec* spec;
      int parent_frame, child_frame, parent_body, child_body;
    };
    std::vector<Candidate> cands;
    std::set<std::string> joint_names;
    for (const auto& j : s_.joints) {
      if (!joint_names.insert(j.name).second) fail(j.origin, "duplicate joint name '" + quote_input(j.name) + "'");
      Candidate c{&j, 0, 0, 0, 0};
      c.parent_frame = find_frame(j.parent_frame, "joint:" + j.name, j.origin);
      c.child_frame = find_frame(j.child_frame, "joint:" + j.name, j.origin);
      c.parent_body = m_.frames[c.parent_frame].body;
      c.child_body = m_.frames[c.child_frame].body;
      if (c.child_body == kGround) fail(j.origin, "joint '" + quote_input(j.name) + "' has Ground as its child; reversed joints are not supported");
      if (c.child_body == c.parent_body) fail(j.origin, "joint '" + quote_input(j.name) + "' connects body '" + quote_input(m_.bodies[c.child_body].name) + "' to itself");
      cands.push_back(c);
    }
    // CoordinateSet order: JointSet order, each joint's coordinates reordered
    // (docs/opensim-semantics.md#bodies-and-joints); auto joints last.
    std::vector<int> first_coord(cands.size());
    std::set<std::string> coord_names;
    for (std::size_t k = 0; k < cands.size(); ++k) {
      first_coord[k] = static_cast<int>(m_.coordinates.size());
      for (const CoordinateSpec* c : ordered_coordinates(*cands[k].spec)) {
        if (!coord_names.insert(c->name).second) fail(cands[k].spec->origin, "duplicate coordinate name '" + c->name + "'");
        Coordinate co;
        co.name = c->name;
        co.default_value = c->default_value;
        co.default_speed = c->default_speed;
        co.range_min = c->range_min;
        co.range_max = c->range_max;
        co.clamped = c->clamped;
        co.locked = c->locked;
        co.prescribed = c->prescribed;
        if (c->prescribed)
          m_.warnings.push_back("coordinate '" + c->name + "' has a prescribed function; weaklink treats it as free");
        if (co.default_value < co.range_min || co.default_value > co.range_max) {
          // OpenSim clamps the default into the range only for clamped coordinates.
          if (co.clamped) co.default_value = std::clamp(co.default_value, co.range_min, co.range_max);
          m_.warnings.push_back(fmt::format("coordinate '{}': default_value {} is outside its range [{}, {}]{}", c->name,
                                            c->default_value, co.range_min, co.range_max,
                                            co.clamped ? "; clamped into the range as OpenSim does" : ""));
        }
        m_.coordinates.push_back(co);
      }
    }
    // Breadth-first growth from Ground by levels, scanning joints in JointSet order
    // (docs/opensim-semantics.md#tree-order).
    std::vector<int> level(m_.bodies.size(), -1);
    level[kGround] = 0;
    std::vector<bool> used(cands.size(), false);
    std::vector<int> order;
    for (int L = 1;; ++L) {
      bool added = false;
      for (std::size_t k = 0; k < cands.size(); ++k) {
        if (used[k]) continue;
        const auto& c = cands[k];
        const bool p_in = level[c.parent_body] >= 0 && level[c.parent_body] == L - 1;
        const bool c_in = level[c.child_body] >= 0;
        if (p_in && !c_in) {
          used[k] = true;
          level[c.child_body] = L;
          order.push_back(static_cast<int>(k));
          added = true;
        }
      }
      if (!added) break;
    }
    for (std::size_t k = 0; k < cands.size(); ++k) {
      if (used[k]) continue;
      const auto& c = cands[k];
      if (level[c.child_body] >= 0 && level[c.parent_body] >= 0)
        fail(c.spec->origin, "joint '" + c.spec->name + "' closes a kinematic loop (both bodies are already connected); loops are not supported");
      if (level[c.child_body] >= 0)
        fail(c.spec->origin, "joint '" + c.spec->name + "' would have to be reversed (its child body is already connected); reversed joints are not supported");
      fail(c.spec->origin, "joint '" + c.spec->name + "' is not connected to Ground through other joints");
    }
    for (int k : order) {
      const auto& c = cands[k];
      Joint j;
      j.name = c.spec->name;
      j.type = c.spec->type;
      j.parent_body = c.parent_body;
      j.child_body = c.child_body;
      j.X_PF = m_.frames[c.parent_frame].X_BF;
      j.X_BM = m_.frames[c.child_frame].X_BF;
      j.first_coordinate = first_coord[k];
      j.num_coordinates = static_cast<int>(c.spec->coordinates.size());
      build_axes(*c.spec, j);
      m_.bodies[j.child_body].joint = static_cast<int>(m_.joints.size());
      for (int q = j.first_coordinate; q < j.first_coordinate + j.num_coordinates; ++q) {
        m_.coordinates[q].joint = static_cast<int>(m_.joints.size());
        m_.tree_coordinate_order.push_back(q);
      }
      m_.joints.push_back(j);
    }
    // Bodies no joint reaches get a FreeJoint to Ground (OpenSim does the same, with a warning).
    for (int b = 1; b < static_cast<int>(m_.bodies.size()); ++b) {
      if (m_.bodies[b].joint >= 0) continue;
      Joint j;
      j.name = "free_" + m_.bodies[b].name;
      j.type = JointType::Free;
      j.parent_body = kGround;
      j.child_body = b;
      j.first_coordinate = static_cast<int>(m_.coordinates.size());
      j.num_coordinates = 6;
      const char* suffix[6] = {"_rx", "_ry", "_rz", "_tx", "_ty", "_tz"};
      for (int i = 0; i < 6; ++i) {
        Coordinate co;
        co.name = m_.bodies[b].name + suffix[i];
        co.joint = static_cast<int>(m_.joints.size());
        m_.tree_coordinate_order.push_back(static_cast<int>(m_.coordinates.size()));
        m_.coordinates.push_back(co);
      }
      standard_axes(j);
      m_.bodies[b].joint = static_cast<int>(m_.joints.size());
      m_.joints.push_back(j);
      m_.warnings.push_back("body '" + quote_input(m_.bodies[b].name) + "' has no joint; connected to Ground by FreeJoint '" + quote_input(j.name) + "'");
    }
  }

  // A CustomJoint's coordinates in order of first use by its axes, then unused ones
  // (docs/opensim-semantics.md#bodies-and-joints).
  static std::vector<const CoordinateSpec*> ordered_coordinates(const JointSpec& j) {
    std::vector<const CoordinateSpec*> out;
    auto add = [&](const std::string& name) {
      for (const auto& c : j.coordinates)
        if (c.name == name && std::find(out.begin(), out.end(), &c) == out.end()) out.push_back(&c);
    };
    if (j.type == JointType::Custom)
      for (const auto& a : j.axes)
        for (const auto& n : a.coordinates) add(n);
    for (const auto& c : j.coordinates) add(c.name);
    return out;
  }

  // Non-custom joints expressed as the same six-axis form.
  void standard_axes(Joint& j) {
    auto set = [&](int axis_slot, const Vec3& axis, int coord) {
      j.axes[axis_slot] = JointAxis{coord, axis, Function::linear(1, 0)};
    };
    for (int k = 0; k < 3; ++k) j.axes[k] = JointAxis{-1, k == 0 ? Vec3::UnitX() : k == 1 ? Vec3::UnitY() : Vec3::UnitZ(), Function::constant(0)};
    for (int k = 3; k < 6; ++k) j.axes[k] = JointAxis{-1, k == 3 ? Vec3::UnitX() : k == 4 ? Vec3::UnitY() : Vec3::UnitZ(), Function::constant(0)};
    const int q0 = j.first_coordinate;
    switch (j.type) {
      case JointType::Weld: break;
      case JointType::Pin: set(0, Vec3::UnitZ(), q0); break;
      case JointType::Slider: set(3, Vec3::UnitX(), q0); break;
      case JointType::Universal: set(0, Vec3::UnitX(), q0); set(1, Vec3::UnitY(), q0 + 1); break;
      case JointType::Gimbal:
      case JointType::Ball:
        set(0, Vec3::UnitX(), q0); set(1, Vec3::UnitY(), q0 + 1); set(2, Vec3::UnitZ(), q0 + 2); break;
      case JointType::Free:
        set(0, Vec3::UnitX(), q0); set(1, Vec3::UnitY(), q0 + 1); set(2, Vec3::UnitZ(), q0 + 2);
        set(3, Vec3::UnitX(), q0 + 3); set(4, Vec3::UnitY(), q0 + 4); set(5, Vec3::UnitZ(), q0 + 5); break;
      case JointType::Planar: set(0, Vec3::UnitZ(), q0); set(3, Vec3::UnitX(), q0 + 1); set(4, Vec3::UnitY(), q0 + 2); break;
      case JointType::Custom: break;
    }
    for (int k = 0; k < 6; ++k)
      if (j.axes[k].coordinate >= 0)
        m_.coordinates[j.axes[k].coordinate].motion_type = k < 3 ? MotionType::Rotational : MotionType::Translational;
  }

  void build_axes(const JointSpec& spec, Joint& j) {
    static const int expected[] = {6, 1, 1, 0, 2, 3, 3, 6, 3};  // by JointType
    if (spec.type != JointType::Custom) {
      const int n = expected[static_cast<int>(spec.type)];
      if (j.num_coordinates != n)
        fail(spec.origin, "joint '" + quote_input(spec.name) + "' needs " + std::to_string(n) + " coordinates, found " + std::to_string(j.num_coordinates));
      standard_axes(j);
      return;
    }
    // CustomJoint motion type: a pure LinearFunction(±1) axis decides, else Coupled
    // (docs/opensim-semantics.md#bodies-and-joints).
    std::vector<int> decided(j.num_coordinates, 0);  // 0 none, 1 by pure axis
    for (int q = j.first_coordinate; q < j.first_coordinate + j.num_coordinates; ++q)
      m_.coordinates[q].motion_type = MotionType::Coupled;
    bool any_used = false;
    for (int k = 0; k < 6; ++k) {
      const auto& a = spec.axes[k];
      JointAxis ax;
      ax.axis = a.axis.normalized();
      ax.function = a.function;
      if (a.coordinates.size() > 1)
        fail(spec.origin, "joint '" + quote_input(spec.name) + "': a transform axis driven by several coordinates is not supported");
      if (a.coordinates.size() == 1) {
        int q = -1;
        for (int i = j.first_coordinate; i < j.first_coordinate + j.num_coordinates; ++i)
          if (m_.coordinates[i].name == a.coordinates[0]) q = i;
        if (q < 0) fail(spec.origin, "joint '" + quote_input(spec.name) + "': transform axis names coordinate '" + quote_input(a.coordinates[0]) + "', which is not one of the joint's coordinates");
        ax.coordinate = q;
        any_used = true;
        int& d = decided[q - j.first_coordinate];
        if (a.function.is_unit_linear()) {
          m_.coordinates[q].motion_type = k < 3 ? MotionType::Rotational : MotionType::Translational;
          d = 1;
        }
      }
      j.axes[k] = ax;
    }
    (void)any_used;
    for (int k = 0; k < 3; ++k)
      for (int l = k + 1; l < 3; ++l)
        if (j.axes[k].coordinate >= 0 && j.axes[l].coordinate >= 0 && j.axes[k].axis.cross(j.axes[l].axis).norm() < 1e-5)
          fail(spec.origin, "joint '" + quote_input(spec.name) + "': rotation axes must not be parallel");
  }

  void compile_couplers() {
    for (const auto& c : s_.couplers) {
      if (!c.enforced) {
        m_.warnings.push_back("coupler '" + quote_input(c.name) + "' is disabled and ignored");
        continue;
      }
      Coupler k;
      k.name = c.name;
      k.dependent = m_.find_coordinate(c.dependent);
      k.independent = m_.find_coordinate(c.independent.at(0));
      if (k.dependent < 0) fail(c.origin, "dependent coordinate '" + quote_input(c.dependent) + "' does not exist");
      if (k.independent < 0) fail(c.origin, "independent coordinate '" + quote_input(c.independent[0]) + "' does not exist");
      if (m_.coordinates[k.dependent].coupler >= 0) fail(c.origin, "coordinate '" + quote_input(c.dependent) + "' is dependent in two couplers");
      k.function = c.function;
      k.scale_factor = c.scale_factor;
      m_.coordinates[k.dependent].coupler = static_cast<int>(m_.couplers.size());
      m_.couplers.push_back(k);
    }
    for (const auto& k : m_.couplers)
      if (m_.coordinates[k.independent].coupler >= 0)
        fail(s_.source_file, "coupler chains (a dependent coordinate driving another) are not supported");
  }

  // A body that carries no mass, with nothing massive below it, makes the mass matrix singular
  // for its joint's coordinates (Simbody refuses such a model when it needs accelerations).
  // Inverse dynamics and static optimization do not need M⁻¹, joint reactions do: a warning.
  void check_massless_subtrees() {
    std::vector<double> subtree(m_.bodies.size(), 0.0);
    for (std::size_t b = 0; b < m_.bodies.size(); ++b) subtree[b] = m_.bodies[b].mass;
    for (auto j = m_.joints.rbegin(); j != m_.joints.rend(); ++j) subtree[j->parent_body] += subtree[j->child_body];
    for (const auto& j : m_.joints) {
      if (subtree[j.child_body] > 0 || j.num_coordinates == 0 || j.parent_body < 0) continue;
      if (j.parent_body != kGround && subtree[j.parent_body] == 0) continue;  // reported at the top of the massless part
      m_.warnings.push_back("body '" + quote_input(m_.bodies[j.child_body].name) + "' and every body below it have zero mass: the mass matrix is "
                            "singular for the coordinates of joint '" + quote_input(j.name) + "' (joint reactions and forward dynamics fail there)");
    }
  }

  void compile_markers() {
    std::set<std::string> names;
    for (const auto& mk : s_.markers) {
      if (!names.insert(mk.name).second) fail(mk.origin, "duplicate marker name '" + quote_input(mk.name) + "'");
      const int f = find_frame(mk.parent_frame, "", mk.origin);
      m_.markers.push_back(Marker{mk.name, m_.frames[f].body, m_.frames[f].X_BF.apply(mk.location)});
    }
  }

  void compile_wrap_objects() {
    auto add = [&](const WrapObjectSpec& w, int body) {
      WrapObject o;
      o.name = w.name;
      o.kind = w.kind;
      o.body = body;
      o.X_BW = make_transform(w.translation, w.xyz_body_rotation);
      try {
        o.quadrant = parse_wrap_quadrant(w.quadrant);
      } catch (const std::invalid_argument&) {
        fail(w.origin, "quadrant '" + quote_input(w.quadrant) + "' is not one of all, x, +x, -x, y, +y, -y, z, +z, -z");
      }
      o.active = w.active;
      o.radius = w.kind == WrapObjectSpec::Kind::Torus ? w.inner_radius : w.radius;
      o.length = w.length;
      o.dimensions = w.dimensions;
      if (w.kind == WrapObjectSpec::Kind::Torus)
        m_.warnings.push_back("wrap object '" + quote_input(w.name) + "' is a WrapTorus: not supported yet, paths ignore it");
      m_.wrap_objects.push_back(o);
    };
    for (const auto& w : s_.ground_wrap_objects) add(w, kGround);
    for (std::size_t b = 0; b < s_.bodies.size(); ++b)
      for (const auto& w : s_.bodies[b].wrap_objects) add(w, static_cast<int>(b) + 1);
  }

  int coordinate_or_fail(const std::string& name, const std::string& where, const std::string& what) {
    const int q = m_.find_coordinate(name);
    if (q < 0) fail(where, what + " names coordinate '" + quote_input(name) + "', which does not exist");
    return q;
  }

  void compile_muscles() {
    std::set<std::string> names;
    for (const auto& ms : s_.muscles) {
      if (!names.insert(ms.name).second) fail(ms.origin, "duplicate force name '" + quote_input(ms.name) + "'");
      Muscle mu;
      mu.name = ms.name;
      mu.params = ms.params;
      mu.first_point = static_cast<int>(m_.path_points.size());
      for (const auto& ps : ms.path.points) {
        PathPoint p;
        p.kind = ps.kind;
        const int f = find_frame(ps.parent_frame, "", ms.origin + " path point '" + quote_input(ps.name) + "'");
        p.body = m_.frames[f].body;
        p.R_BF = m_.frames[f].X_BF.R;
        p.p_BF = m_.frames[f].X_BF.p;
        p.p_B = m_.frames[f].X_BF.apply(ps.location);
        if (ps.kind == PathPointSpec::Kind::Conditional) {
          p.coordinate = coordinate_or_fail(ps.coordinate, ms.origin, "path point '" + quote_input(ps.name) + "'");
          p.range_min = ps.range_min;
          p.range_max = ps.range_max;
        } else if (ps.kind == PathPointSpec::Kind::Moving) {
          for (int i = 0; i < 3; ++i) {
            if (ps.moving[i]) p.moving_function[i] = *ps.moving[i];
            else p.moving_function[i] = Function::constant(ps.location[i]);
            if (!ps.moving_coordinates[i].empty())
              p.moving_coordinate[i] = coordinate_or_fail(ps.moving_coordinates[i], ms.origin, "moving path point '" + quote_input(ps.name) + "'");
          }
          const int qx = p.moving_coordinate[0];
          for (int i = 1; i < 3; ++i)
            if (p.moving_coordinate[i] != qx && p.moving_coordinate[i] >= 0 && qx >= 0)
              m_.warnings.push_back("moving path point '" + quote_input(ps.name) + "' of '" + quote_input(ms.name) + "' uses different coordinates for x, y, z; its moment arm term follows OpenSim and is attributed to the x coordinate");
        }
        m_.path_points.push_back(p);
      }
      mu.num_points = static_cast<int>(m_.path_points.size()) - mu.first_point;
      if (mu.num_points < 2) fail(ms.origin, "a muscle path needs at least two path points");
      check_path_length(ms, mu);
      mu.first_wrap = static_cast<int>(m_.path_wraps.size());
      for (const auto& ws : ms.path.wraps) {
        PathWrap w;
        for (int i = 0; i < static_cast<int>(m_.wrap_objects.size()); ++i)
          if (m_.wrap_objects[i].name == ws.wrap_object) w.wrap_object = i;
        if (w.wrap_object < 0) fail(ms.origin, "path wrap names wrap object '" + quote_input(ws.wrap_object) + "', which does not exist");
        if (m_.wrap_objects[w.wrap_object].kind == WrapObjectSpec::Kind::Torus) continue;
        const std::string meth = ascii_lower(ws.method);
        w.method = meth == "midpoint" ? WrapMethod::Midpoint : meth == "axial" ? WrapMethod::Axial : WrapMethod::Hybrid;
        w.range_begin = ws.range_begin < 1 ? 0 : std::min(ws.range_begin - 1, mu.num_points - 1);
        w.range_end = ws.range_end < 1 ? mu.num_points - 1 : std::min(ws.range_end - 1, mu.num_points - 1);
        if (w.range_begin >= w.range_end) fail(ms.origin, "path wrap range must cover at least two path points");
        m_.path_wraps.push_back(w);
      }
      mu.num_wraps = static_cast<int>(m_.path_wraps.size()) - mu.first_wrap;
      m_.max_path_points = std::max(m_.max_path_points, mu.num_points + 2 * mu.num_wraps);
      m_.muscles.push_back(std::move(mu));
    }
  }

  // Fixed points on one body at one place make a zero-length path: no direction, no moment arm,
  // and a fibre that can never reach its optimal length. Every point on one body at one place is
  // an error; consecutive coincident fixed points are only a redundant segment (warning).
  void check_path_length(const MuscleSpec& ms, const Muscle& mu) {
    bool all_same = true;
    for (int i = 1; i < mu.num_points; ++i) {
      const PathPoint& a = m_.path_points[mu.first_point + i - 1];
      const PathPoint& b = m_.path_points[mu.first_point + i];
      const bool fixed = a.kind == PathPointSpec::Kind::Fixed && b.kind == PathPointSpec::Kind::Fixed;
      const bool same = fixed && a.body == b.body && (a.p_B - b.p_B).norm() < 1e-12;
      if (same) {
        m_.warnings.push_back(fmt::format("muscle '{}': path points {} and {} are at the same place on one body (a zero-length segment)",
                                          ms.name, i, i + 1));
      }
      all_same = all_same && same;
    }
    if (all_same) fail(ms.origin, "the muscle has zero length: all its path points are at one place on one body");
  }

  void compile_actuators() {
    for (const auto& a : s_.actuators) {
      Actuator c;
      c.kind = a.kind;
      c.name = a.name;
      c.applies_force = a.applies_force;
      c.min_control = a.min_control;
      c.max_control = a.max_control;
      c.optimal_force = a.optimal_force;
      c.point = a.point;
      c.direction = a.direction.norm() > 0 ? a.direction.normalized() : a.direction;
      c.point_is_global = a.point_is_global;
      c.force_is_global = a.force_is_global;
      if (a.kind == ActuatorSpec::Kind::Coordinate) c.coordinate = coordinate_or_fail(a.coordinate, a.origin, "actuator '" + quote_input(a.name) + "'");
      else {
        c.body = m_.find_body(a.body);
        if (c.body < 0) fail(a.origin, "actuator '" + quote_input(a.name) + "' names body '" + quote_input(a.body) + "', which does not exist");
        c.body_b = a.body_b.empty() ? kGround : m_.find_body(a.body_b);
        if (c.body_b < 0) fail(a.origin, "actuator '" + quote_input(a.name) + "' names body '" + quote_input(a.body_b) + "', which does not exist");
      }
      m_.actuators.push_back(c);
    }
    // ForceSet order of the scalar actuators (muscles and the rest interleaved as in the file).
    for (const auto& name : s_.force_order) {
      const int m = m_.find_muscle(name);
      if (m >= 0) {
        m_.force_order.push_back({true, m});
        continue;
      }
      for (int k = 0; k < static_cast<int>(m_.actuators.size()); ++k)
        if (m_.actuators[k].name == name) {
          m_.force_order.push_back({false, k});
          break;
        }
    }
  }

  // Passive elements in SI units; what OpenSim cannot evaluate (NaN forces) is refused here.
  void compile_passive_forces() {
    // Each name's place among the scalar actuators in the ForceSet (the force file's column order).
    std::unordered_map<std::string, int> position;
    {
      std::set<std::string> scalar;
      for (const auto& mu : m_.muscles) scalar.insert(mu.name);
      for (const auto& a : m_.actuators) scalar.insert(a.name);
      int before = 0;
      for (const auto& name : s_.force_order) {
        position.emplace(name, before);
        if (scalar.count(name)) ++before;
      }
    }
    for (const auto& p : s_.passive_forces) {
      PassiveForce f;
      f.kind = p.kind;
      f.name = p.name;
      const std::string what = "force '" + p.name + "'";
      auto finite = [&](std::initializer_list<double> values, const char* message) {
        for (double v : values)
          if (!std::isfinite(v)) fail(p.origin, what + ": " + message);
      };
      switch (p.kind) {
        case PassiveForceSpec::Kind::CoordinateLimit: {
          f.coordinate = coordinate_or_fail(p.coordinate, p.origin, what);
          // Limits, transition and stiffness are per degree for rotational coordinates, SI otherwise.
          const double w = m_.coordinates[f.coordinate].motion_type == MotionType::Rotational ? M_PI / 180.0 : 1.0;
          finite({p.upper_stiffness, p.upper_limit, p.lower_stiffness, p.lower_limit, p.damping, p.transition},
                 "stiffness, limits, damping and transition must be finite numbers");
          if (!(p.upper_stiffness > 0) || !(p.lower_stiffness > 0))
            fail(p.origin, what + ": upper_stiffness and lower_stiffness must be positive (OpenSim's force is NaN for 0)");
          if (!(p.transition > 0)) fail(p.origin, what + ": transition must be positive");
          if (p.damping < 0) fail(p.origin, what + ": damping must not be negative");
          if (!(p.lower_limit <= p.upper_limit)) fail(p.origin, what + ": lower_limit must not exceed upper_limit");
          f.upper_limit = w * p.upper_limit;
          f.lower_limit = w * p.lower_limit;
          f.upper_stiffness = p.upper_stiffness / w;
          f.lower_stiffness = p.lower_stiffness / w;
          f.damping = p.damping / w;
          f.transition = w * p.transition;
          break;
        }
        case PassiveForceSpec::Kind::SpringGeneralized:
          f.coordinate = coordinate_or_fail(p.coordinate, p.origin, what);
          finite({p.stiffness, p.rest_length, p.viscosity}, "stiffness, rest_length and viscosity must be finite numbers");
          f.stiffness = p.stiffness;
          f.rest_length = p.rest_length;
          f.viscosity = p.viscosity;
          break;
        case PassiveForceSpec::Kind::ExpressionCoordinate: {
          f.coordinate = coordinate_or_fail(p.coordinate, p.origin, what);
          std::string error;
          auto e = Expression::compile(p.expression, {"q", "qdot"}, error);
          if (!e) fail(p.origin, what + ": expression '" + quote_input(p.expression) + "': " + error);
          f.expression = std::move(*e);
          break;
        }
        case PassiveForceSpec::Kind::PointToPointSpring: {
          // point1/point2 are given in the socket frames; a socket may be an offset frame, so each point
          // becomes a station of the frame's base body through the frame's offset (as markers are).
          auto socket_frame = [&](const std::string& socket) {
            if (m_.find_frame(socket) < 0) fail(p.origin, what + " names frame '" + quote_input(socket) + "', which does not exist");
            return find_frame(socket, "", p.origin);
          };
          const int frame1 = socket_frame(p.body1), frame2 = socket_frame(p.body2);
          finite({p.stiffness, p.rest_length}, "stiffness and rest_length must be finite numbers");
          if (!p.point1.allFinite() || !p.point2.allFinite()) fail(p.origin, what + ": point1 and point2 must be finite");
          f.body1 = m_.frames[frame1].body;
          f.body2 = m_.frames[frame2].body;
          f.stiffness = p.stiffness;
          f.rest_length = p.rest_length;
          f.point1 = m_.frames[frame1].X_BF.apply(p.point1);
          f.point2 = m_.frames[frame2].X_BF.apply(p.point2);
          break;
        }
      }
      f.force_position = position.count(p.name) ? position[p.name] : static_cast<int>(m_.force_order.size());
      m_.passive_forces.push_back(f);
    }
  }

  void compile_support() {
    m_.support_begin.assign(m_.bodies.size() + 1, 0);
    for (int b = 0; b < static_cast<int>(m_.bodies.size()); ++b) {
      m_.support_begin[b] = static_cast<int>(m_.support_coordinates.size());
      std::vector<int> coords;
      for (int body = b; body != kGround;) {
        const Joint& j = m_.joints[m_.bodies[body].joint];
        for (int q = j.first_coordinate; q < j.first_coordinate + j.num_coordinates; ++q) coords.push_back(q);
        body = j.parent_body;
      }
      std::sort(coords.begin(), coords.end());
      m_.support_coordinates.insert(m_.support_coordinates.end(), coords.begin(), coords.end());
    }
    m_.support_begin[m_.bodies.size()] = static_cast<int>(m_.support_coordinates.size());
  }

  // Fields forward kinematics reads instead of recomputing them every frame.
  void precompute_kinematics() {
    auto is_identity = [](const Transform& X) { return X.R == Mat3::Identity() && X.p == Vec3::Zero(); };
    for (Joint& j : m_.joints) {
      j.X_MB = j.X_BM.inverse();
      j.X_PF_identity = is_identity(j.X_PF);
      j.X_MB_identity = is_identity(j.X_BM);
      for (int k = 0; k < 6; ++k) {
        JointAxis& ax = j.axes[k];
        ax.unit = -1;
        for (int i = 0; i < 3; ++i)
          if (ax.axis == Vec3::Unit(i)) ax.unit = i;
        ax.constant_value = ax.coordinate >= 0 ? 0.0 : ax.function.eval(0.0).f;
        ax.R_constant = k < 3 && ax.coordinate < 0 && ax.constant_value != 0.0
                            ? rotation_about(ax.axis, ax.constant_value)
                            : Mat3::Identity();
      }
    }
  }

  // Per muscle, the joints that can change its path's length (Muscle::first_joint, root_body).
  void precompute_muscle_joints() {
    std::vector<int> reach(m_.joints.size());  // number of the path's bodies below each joint
    std::vector<int> bodies;
    for (Muscle& mu : m_.muscles) {
      bodies.clear();
      for (int i = mu.first_point; i < mu.first_point + mu.num_points; ++i) bodies.push_back(m_.path_points[i].body);
      for (int w = mu.first_wrap; w < mu.first_wrap + mu.num_wraps; ++w)
        bodies.push_back(m_.wrap_objects[m_.path_wraps[w].wrap_object].body);
      std::sort(bodies.begin(), bodies.end());
      bodies.erase(std::unique(bodies.begin(), bodies.end()), bodies.end());
      std::fill(reach.begin(), reach.end(), 0);
      for (int body : bodies)
        for (int b = body; b != kGround; b = m_.joints[m_.bodies[b].joint].parent_body) ++reach[m_.bodies[b].joint];
      const bool on_ground = !bodies.empty() && bodies.front() == kGround;
      const int all = static_cast<int>(bodies.size());
      mu.root_body = kGround;
      mu.first_joint = static_cast<int>(m_.muscle_joints.size());
      for (int j = static_cast<int>(m_.joints.size()) - 1; j >= 0; --j) {
        const Joint& jt = m_.joints[j];
        if (reach[j] == 0) continue;
        if (reach[j] == all && !on_ground) {  // every body of the path is below: rigid motion
          if (mu.root_body == kGround) mu.root_body = jt.child_body;
          continue;
        }
        m_.muscle_joints.push_back({jt.child_body, jt.parent_body, jt.first_coordinate, jt.num_coordinates});
      }
      mu.num_joints = static_cast<int>(m_.muscle_joints.size()) - mu.first_joint;
      std::vector<int> extra;
      for (int i = mu.first_point; i < mu.first_point + mu.num_points; ++i)
        if (m_.path_points[i].kind == PathPointSpec::Kind::Moving && m_.path_points[i].moving_coordinate[0] >= 0)
          extra.push_back(m_.path_points[i].moving_coordinate[0]);
      for (const Coupler& k : m_.couplers) extra.push_back(k.independent);
      std::sort(extra.begin(), extra.end());
      extra.erase(std::unique(extra.begin(), extra.end()), extra.end());
      mu.first_extra = static_cast<int>(m_.muscle_extra_coordinates.size());
      for (int c : extra) {
        bool in_joints = false;
        for (int k = mu.first_joint; k < mu.first_joint + mu.num_joints; ++k) {
          const Model::PathJoint& j = m_.muscle_joints[k];
          in_joints |= c >= j.first_coordinate && c < j.first_coordinate + j.num_coordinates;
        }
        if (!in_joints) m_.muscle_extra_coordinates.push_back(c);
      }
      mu.num_extra = static_cast<int>(m_.muscle_extra_coordinates.size()) - mu.first_extra;
    }
  }

  const ModelSpec& s_;
  Model m_;
  std::vector<PendingFrame> pending_;
  int first_offset_frame_ = 0;
  std::unordered_map<std::string, int> frame_by_owner_, body_frame_by_name_, offset_frame_by_name_;
};

template <class V>
int find_by_name(const V& v, std::string_view name) {
  for (int i = 0; i < static_cast<int>(v.size()); ++i)
    if (v[i].name == name) return i;
  return -1;
}

}  // namespace

Model compile_model(const ModelSpec& spec) { return Compiler(spec).run(); }

int Model::find_body(std::string_view n) const { return find_by_name(bodies, n); }
int Model::find_coordinate(std::string_view n) const { return find_by_name(coordinates, n); }
int Model::find_muscle(std::string_view n) const { return find_by_name(muscles, n); }
int Model::find_marker(std::string_view n) const { return find_by_name(markers, n); }
int Model::find_joint(std::string_view n) const { return find_by_name(joints, n); }
int Model::find_frame(std::string_view n) const {
  std::string s(n);
  while (!s.empty() && s.back() == '/') s.pop_back();
  const auto k = s.find_last_of('/');
  const std::string last = k == std::string::npos ? s : s.substr(k + 1);
  return find_by_name(frames, last);
}

Eigen::VectorXd Model::default_q() const {
  Eigen::VectorXd q(nq());
  for (int i = 0; i < nq(); ++i) q[i] = coordinates[i].default_value;
  apply_couplers(*this, q);
  return q;
}

void apply_couplers(const Model& model, Eigen::Ref<Eigen::VectorXd> q) {
  for (const auto& c : model.couplers) q[c.dependent] = c.scale_factor * c.function.value(q[c.independent]);
}

}  // namespace weaklink

#pragma once
// ExternalLoads bound to a Model and sampled in time (docs/opensim-semantics.md#external-loads): each ExternalForce's
// force, point and torque columns interpolated by natural cubic splines (OpenSim's GCV spline of
// degree 3 with zero variance; linear for 2–3 samples, constant for 1), the point converted to the
// applied body, the torque expressed in the force frame. Built once; apply() does not allocate.
#include <array>
#include <span>
#include <string>
#include <vector>

#include "core/natural_spline.hpp"
#include "model/data.hpp"
#include "model/model.hpp"

namespace weaklink {

// One ExternalForce as an ExternalLoads file describes it (io::read_external_loads reads it).
struct ExternalForceSpec {
  std::string name;
  bool applies_force = true;  // 3.x files say <isDisabled>; appliesForce = !isDisabled
  std::string applied_to_body, force_expressed_in_body = "ground",
                               point_expressed_in_body = "ground";
  std::string force_identifier, point_identifier, torque_identifier;  // "" when unused/"Unassigned"
  // Indices into the data columns (ExternalLoadSamples::labels): the 3 labels that start with the
  // identifier, in file order; -1 when the identifier is unused.
  int force_columns[3] = {-1, -1, -1}, point_columns[3] = {-1, -1, -1},
      torque_columns[3] = {-1, -1, -1};
};

// The data the forces read: one row of `data` per time, one column per label.
struct ExternalLoadSamples {
  const std::string& datafile;  // named in messages
  const std::vector<double>& time;
  const std::vector<std::string>& labels;
  const Eigen::MatrixXd& data;  // time.size() x labels.size()
};

// One ExternalForce at one time, as OpenSim records it in a force file: force and torque in
// Ground, point in the applied body's frame.
struct ExternalForceSample {
  Vec3 force_G = Vec3::Zero(), point_B = Vec3::Zero(), torque_G = Vec3::Zero();
};

class ExternalForces {
 public:
  ExternalForces() = default;
  // Throws InputError (naming the ExternalLoads file and force) for bodies the model lacks.
  ExternalForces(const Model& model, std::span<const ExternalForceSpec> forces, const ExternalLoadSamples& samples,
                 const std::string& source_file);

  int size() const { return static_cast<int>(forces_.size()); }
  // Samples every force at time t (needs forward kinematics) and adds them to data.applied_*.
  // `samples` (size() entries, may be null) receives what was applied.
  void apply(const Model& model, Data& data, double t, ExternalForceSample* samples = nullptr) const;

  // OpenSim's record labels of force k: <body>_<name>_Fx.. _px.. _Tx.. (only the parts it applies).
  std::vector<std::string> labels(const Model& model, int k) const;
  // Writes sample s of force k in the order of labels(); returns the number of values.
  int record(int k, const ExternalForceSample& s, double* out) const;
  double first_time() const { return t_first_; }
  double last_time() const { return t_last_; }
  // A warning naming the data file when [t0, t1] (the analysed frames) is not inside the data's
  // time range (the loads are extrapolated there); empty when it is, or when there are no forces.
  std::string coverage_warning(double t0, double t1) const;

 private:
  struct Column {  // one data column as a function of time
    NaturalSpline spline;
    std::vector<double> t, y;  // for 1–3 samples (constant or piecewise linear)
    bool use_spline = false;
    double eval(double time) const;
  };
  struct Force {
    std::string name;
    int body = kGround, force_frame = kGround, point_frame = kGround;
    bool has_force = false, has_point = false, has_torque = false;
    std::array<int, 9> column{};  // indices into columns_ (force xyz, point xyz, torque xyz); -1 unused
  };
  std::vector<Column> columns_;
  std::vector<Force> forces_;
  double t_first_ = 0, t_last_ = 0;
  std::string datafile_;
};

}  // namespace weaklink

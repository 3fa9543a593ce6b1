// Moment arms from the path Jacobian against central finite differences of the path length, for
// every muscle × coordinate of gait2392 and RajagopalLaiUhlrich2023 at 100 random valid poses.
#include <cstdio>
#include <random>

#include <gtest/gtest.h>

#include "io/osim_reader.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "model/data.hpp"
#include "muscles/path_geometry.hpp"
#include "support/reference.hpp"

using namespace weaklink;

namespace {

struct Stats {
  int compared = 0, skipped = 0;
  double worst = 0, worst_wrapped = 0;
  int wrapped_over_1um = 0, wrapped_compared = 0;
  std::string where, where_wrapped;
};

// Path length of muscle m at q (couplers applied, as the path would be in the assembled model).
double length_at(const Model& model, Data& data, Eigen::VectorXd q, int m) {
  apply_couplers(model, q);
  calc_forward_kinematics(model, data, q);
  return calc_muscle_path(model, data, q, m);
}

// Signature of the path's topology: which points are active and which wraps are taken.
long topology(const Data& data) {
  long s = static_cast<long>(data.path.size());
  for (const auto& n : data.path) s = s * 131 + (n.point + 2) * 7 + (n.wrap + 2);
  return s;
}

Stats check_model(const std::string& file, int poses, double tol) {
  const Model model = compile_model(io::read_osim(test::reference_dir() / file));
  Data data(model), probe(model);
  std::mt19937 rng(20261124);
  Stats st;
  const double h = 1e-6;
  for (int p = 0; p < poses; ++p) {
    Eigen::VectorXd q = model.default_q();
    for (int c = 0; c < model.nq(); ++c) {
      const auto& co = model.coordinates[c];
      if (co.coupler >= 0 || co.locked) continue;
      // Translations of the free pelvis do not change any path; keep rotations within range.
      std::uniform_real_distribution<double> u(co.range_min, co.range_max);
      q[c] = u(rng);
    }
    apply_couplers(model, q);
    calc_forward_kinematics(model, data, q);
    calc_path_geometry(model, data, q);
    for (int m = 0; m < static_cast<int>(model.muscles.size()); ++m) {
      for (int c = 0; c < model.nq(); ++c) {
        if (model.coordinates[c].coupler >= 0) continue;  // dependent: moved only through its coupler
        Eigen::VectorXd qp = q, qm = q;
        qp[c] += h;
        qm[c] -= h;
        const double lp = length_at(model, probe, qp, m);
        const long tp = topology(probe);
        const double lm = length_at(model, probe, qm, m);
        const long tm = topology(probe);
        if (tp != tm) {  // a via point switched or a wrap engaged between the two probes: no derivative
          ++st.skipped;
          continue;
        }
        const double fd = -(lp - lm) / (2 * h);
        const double d = std::abs(fd - data.moment_arm(m, c));
        ++st.compared;
        if (data.muscle_wrapped[m] > 0) {
          ++st.wrapped_compared;
          st.wrapped_over_1um += d > 1e-6;
          if (d > st.worst_wrapped) {
            st.worst_wrapped = d;
            st.where_wrapped = model.muscles[m].name + " about " + model.coordinates[c].name;
          }
        }
        if (d > st.worst) {
          st.worst = d;
          st.where = model.muscles[m].name + " about " + model.coordinates[c].name;
        }
      }
    }
  }
  EXPECT_LE(st.worst, tol) << file << ": worst |analytic − FD| at " << st.where;
  std::printf("%s: %d compared (%d wrapped, %d of them > 1um, worst %.3g at %s), %d skipped, worst unwrapped %.3g\n", file.c_str(),
              st.compared, st.wrapped_compared, st.wrapped_over_1um, st.worst_wrapped, st.where_wrapped.c_str(), st.skipped, st.worst);
  return st;
}

}  // namespace

TEST(MomentArms, Gait2392AnalyticMatchesFiniteDifferences) {
  WEAKLINK_REQUIRE_REFERENCE();
  const Stats s = check_model("models/gait2392_thelen2003muscle.osim", 100, 1e-6);
  EXPECT_GT(s.compared, 100 * 92 * 20);
  RecordProperty("worst", std::to_string(s.worst));
}

TEST(MomentArms, RajagopalAnalyticMatchesFiniteDifferences) {
  WEAKLINK_REQUIRE_REFERENCE();
  const Stats s = check_model("models/RajagopalLaiUhlrich2023.osim", 100, 1e-6);
  EXPECT_GT(s.compared, 100 * 80 * 30);
  RecordProperty("worst", std::to_string(s.worst));
}

#include "muscles/muscle_force.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "muscles/fiber_kinematics.hpp"

namespace weaklink {

double rigid_tendon_active_force(const MuscleParams& p, double path_length, double lengthening_speed,
                                 double activation) {
  switch (p.type) {
    case MuscleType::Thelen2003: return thelen_rigid_tendon_active_force(p, path_length, lengthening_speed, activation);
    case MuscleType::Millard2012Equilibrium:
      return millard_rigid_tendon_active_force(p, path_length, lengthening_speed, activation);
    case MuscleType::DeGrooteFregly2016:
      return degroote_rigid_tendon_active_force(p, path_length, lengthening_speed, activation);
  }
  return 0.0;
}

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
// SimTK::SignificantReal = eps^(7/8): OpenSim 4.5's threshold in the Thelen velocity sharing.
const double kSignificantReal = std::pow(kEps, 7.0 / 8.0);
// Our target |F_fiber,AT - F_T| / F0 (OpenSim stops at 1e-8; tighter costs a few iterations).
constexpr double kResidualTol = 1e-13;

enum class VelocityModel { Zero, OpenSimInitial };

// Everything the equilibrium residual needs about one muscle at one path length.
struct Problem {
  const MuscleParams& p;
  double path_length, path_speed, activation;
  VelocityModel velocity_model;
  FixedWidthPennation pen;  // Thelen/Millard
  double min_fiber_length;  // 0 for DeGroote (no minimum)
  double width;             // l0 sin(phi0)
};

Problem make_problem(const MuscleParams& p, double path_length, double path_speed, double activation,
                     VelocityModel vm) {
  Problem pr{p, path_length, path_speed, activation, vm, {}, 0.0, 0.0};
  pr.width = p.optimal_fiber_length * std::sin(p.pennation_angle_at_optimal);
  if (p.type != MuscleType::DeGrooteFregly2016) {
    pr.pen =
        make_fixed_width_pennation(p.optimal_fiber_length, p.pennation_angle_at_optimal, p.maximum_pennation_angle);
    pr.min_fiber_length =
        p.type == MuscleType::Millard2012Equilibrium ? millard_min_fiber_length(p) : pr.pen.min_fiber_length;
    // Thelen/Millard clamp activation into the activation model's range (OpenSim 4.5).
    pr.activation = std::clamp(activation, p.minimum_activation, 1.0);
  }
  return pr;
}

struct Multipliers {
  double fal, dfal, fpe, dfpe, ft, dft;  // values and d/d(normalized length)
};

Multipliers multipliers(const MuscleParams& p, double l_norm, double lt_norm) {
  switch (p.type) {
    case MuscleType::Thelen2003:
      return {thelen_active_force_length(p.thelen, l_norm),  thelen_active_force_length_derivative(p.thelen, l_norm),
              thelen_passive_force_length(p.thelen, l_norm), thelen_passive_force_length_derivative(p.thelen, l_norm),
              thelen_tendon_force(p.thelen, lt_norm),        thelen_tendon_force_derivative(p.thelen, lt_norm)};
    case MuscleType::Millard2012Equilibrium: {
      const MillardParams& m = p.millard;
      const CurveValue al = m.active_force_length.evaluate(l_norm), pe = m.fiber_force_length.evaluate(l_norm);
      const CurveValue t = m.tendon_force_length.evaluate(lt_norm);
      return {al.value, al.slope, pe.value, pe.slope, t.value, t.slope};
    }
    case MuscleType::DeGrooteFregly2016:
      return {degroote_active_force_length(p.degroote, l_norm),
              degroote_active_force_length_derivative(p.degroote, l_norm),
              degroote_passive_force_length(p.degroote, l_norm),
              degroote_passive_force_length_derivative(p.degroote, l_norm),
              degroote_tendon_force(p.degroote, lt_norm),
              degroote_tendon_force_derivative(p.degroote, lt_norm)};
  }
  return {};
}

double force_velocity(const MuscleParams& p, double activation, double v_norm) {
  switch (p.type) {
    case MuscleType::Thelen2003: return thelen_force_velocity_inverse(p.thelen, activation, v_norm);
    case MuscleType::Millard2012Equilibrium: return millard_force_velocity(p.millard, v_norm);
    case MuscleType::DeGrooteFregly2016: return degroote_force_velocity(v_norm);
  }
  return 1.0;
}

double damping(const MuscleParams& p) {
  switch (p.type) {
    case MuscleType::Thelen2003: return 0.0;
    case MuscleType::Millard2012Equilibrium: return p.millard.damping;
    case MuscleType::DeGrooteFregly2016: return p.degroote.fiber_damping;
  }
  return 0.0;
}

// Fibre length along the tendon at the minimum fibre length (the lower end of the search).
double min_length_along_tendon(const Problem& pr) {
  if (pr.p.type == MuscleType::DeGrooteFregly2016) {
    // OpenSim brackets DeGroote's normalized tendon force in [0, 5] (OpenSim 4.5).
    const double lt_max = pr.p.tendon_slack_length * degroote_tendon_length_from_force(pr.p.degroote, 5.0);
    return std::max(pr.path_length - lt_max, 1e-6 * pr.p.optimal_fiber_length);  // keep l_M > 0
  }
  return pr.min_fiber_length * std::cos(fixed_width_pennation_angle(pr.pen, pr.min_fiber_length));
}

// The fibre-tendon state for a fibre length along the tendon `l_at` (>= its minimum).
FiberState evaluate(const Problem& pr, double l_at, double& residual) {
  const MuscleParams& p = pr.p;
  FiberState s;
  double cos_phi = 1.0;
  if (p.type == MuscleType::DeGrooteFregly2016) {
    s.fiber_length = std::sqrt(l_at * l_at + pr.width * pr.width);
    cos_phi = l_at / s.fiber_length;
    s.pennation_angle = std::asin(pr.width / s.fiber_length);
  } else {
    s.fiber_length = std::max(std::sqrt(pr.pen.height * pr.pen.height + l_at * l_at), pr.min_fiber_length);
    s.pennation_angle = fixed_width_pennation_angle(pr.pen, s.fiber_length);
    cos_phi = std::cos(s.pennation_angle);
  }
  s.normalized_fiber_length = s.fiber_length / p.optimal_fiber_length;
  s.tendon_length = pr.path_length - s.fiber_length * cos_phi;
  s.normalized_tendon_length = s.tendon_length / p.tendon_slack_length;
  const Multipliers m = multipliers(p, s.normalized_fiber_length, s.normalized_tendon_length);
  const double a = pr.activation;
  const double vmax = p.max_contraction_velocity * p.optimal_fiber_length;  // [m/s]

  double fv = force_velocity(p, a, 0.0);
  double v_norm = 0.0;
  if (pr.velocity_model == VelocityModel::OpenSimInitial) {
    if (p.type == MuscleType::DeGrooteFregly2016) {
      // Tendon velocity 0: the fibre follows the path (OpenSim 4.5 computeInitialFiberEquilibrium).
      v_norm = pr.path_speed * cos_phi / vmax;
      fv = degroote_force_velocity(v_norm);
    } else if (p.type == MuscleType::Thelen2003) {
      // OpenSim 4.5 Thelen2003Muscle::initMuscleState: the tendon takes k_M/(k_M + k_T) of the
      // path speed (series springs), k_M = fibre stiffness along the tendon, which itself
      // depends on f_V; iterate that to a consistent fixed point.
      const double h2 = pr.pen.height * pr.pen.height;
      const double dcos_dl = h2 > 0 ? h2 / (s.fiber_length * s.fiber_length * l_at) : 0.0;  // d cos(phi)/d l_M
      const double k_t = m.dft / p.tendon_slack_length;                                     // [F0/m]
      fv = 1.0;
      for (int iter = 0; iter < 50; ++iter) {
        const double f_m = a * m.fal * fv + m.fpe;
        const double df_m = (a * fv * m.dfal + m.dfpe) / p.optimal_fiber_length;
        const double k_m = (df_m * cos_phi + f_m * dcos_dl) * cos_phi;
        const bool share =
            std::abs(k_m + k_t) * p.max_isometric_force > kSignificantReal && s.tendon_length > p.tendon_slack_length;
        const double tendon_speed = share ? k_m / (k_m + k_t) * pr.path_speed : pr.path_speed;
        v_norm = (pr.path_speed - tendon_speed) * cos_phi / vmax;
        const double next = thelen_force_velocity_inverse(p.thelen, a, v_norm);
        const bool done = std::abs(next - fv) <= 1e-15;
        fv = next;
        if (done) break;
      }
    }
  }
  s.normalized_fiber_velocity = v_norm;
  s.fiber_velocity = v_norm * vmax;
  s.active_force_length_multiplier = m.fal;
  s.passive_force_multiplier = m.fpe;
  s.force_velocity_multiplier = fv;
  const double f0 = p.max_isometric_force;
  s.active_fiber_force = a * m.fal * fv * f0;
  s.passive_fiber_force = (m.fpe + damping(p) * v_norm) * f0;
  s.fiber_force = s.active_fiber_force + s.passive_fiber_force;
  s.tendon_force = m.ft * f0;
  residual = (s.fiber_force * cos_phi - s.tendon_force) / f0;
  return s;
}

// Brent's method (Brent 1973, Algorithms for Minimization without Derivatives, ch. 4) on the
// normalized residual, which changes sign on [lo, hi] (fa < 0 < fb).
double brent_root(const Problem& pr, double lo, double hi, double f_lo, double f_hi) {
  double a = lo, b = hi, fa = f_lo, fb = f_hi;
  double c = a, fc = fa, d = b - a, e = d;
  for (int iter = 0; iter < 200; ++iter) {
    if ((fb > 0) == (fc > 0)) {  // keep the root between b and c
      c = a;
      fc = fa;
      d = e = b - a;
    }
    if (std::abs(fc) < std::abs(fb)) {  // b is the best estimate
      a = b, b = c, c = a;
      fa = fb, fb = fc, fc = fa;
    }
    const double tol = 2 * kEps * std::abs(b);
    const double xm = 0.5 * (c - b);
    if (std::abs(xm) <= tol || std::abs(fb) <= kResidualTol) return b;
    if (std::abs(e) >= tol && std::abs(fa) > std::abs(fb)) {
      // Inverse quadratic interpolation (secant if only two points), accepted if it stays well
      // inside the bracket and shrinks faster than bisection would.
      const double s = fb / fa;
      double pp, q;
      if (a == c) {
        pp = 2 * xm * s;
        q = 1 - s;
      } else {
        const double qa = fa / fc, r = fb / fc;
        pp = s * (2 * xm * qa * (qa - r) - (b - a) * (r - 1));
        q = (qa - 1) * (r - 1) * (s - 1);
      }
      if (pp > 0) q = -q;
      pp = std::abs(pp);
      if (2 * pp < std::min(3 * xm * q - std::abs(tol * q), std::abs(e * q))) {
        e = d;
        d = pp / q;
      } else {
        d = xm;
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    b += std::abs(d) > tol ? d : std::copysign(tol, xm);
    evaluate(pr, b, fb);
  }
  return b;
}

FiberState solve_equilibrium(const Problem& pr) {
  const double lo = min_length_along_tendon(pr);
  const double hi = pr.path_length - pr.p.tendon_slack_length;  // tendon at its slack length
  double g_lo = 0, g_hi = 0;
  FiberState at_lo = evaluate(pr, lo, g_lo);
  // Tendon slack even with the shortest fibre, or fibre force exceeding tendon force there:
  // no equilibrium; OpenSim leaves the fibre at its minimum length.
  if (hi <= lo || g_lo >= 0) {
    at_lo.converged = std::abs(g_lo) <= kResidualTol;
    return at_lo;
  }
  FiberState at_hi = evaluate(pr, hi, g_hi);
  if (g_hi <= 0) {  // no fibre force even with a slack tendon (e.g. a = 0, no passive force)
    at_hi.converged = std::abs(g_hi) <= kResidualTol;
    return at_hi;
  }
  double g = 0;
  FiberState s = evaluate(pr, brent_root(pr, lo, hi, g_lo, g_hi), g);
  s.converged = std::abs(g) <= 1e-9;  // Brent may stop on the bracket width first
  return s;
}

}  // namespace

FiberState static_equilibrium(const MuscleParams& p, double path_length, double activation) {
  return solve_equilibrium(make_problem(p, path_length, 0.0, activation, VelocityModel::Zero));
}

FiberState initial_fiber_equilibrium(const MuscleParams& p, double path_length, double lengthening_speed,
                                     double activation) {
  return solve_equilibrium(make_problem(p, path_length, lengthening_speed, activation, VelocityModel::OpenSimInitial));
}

FiberState rigid_tendon_state(const MuscleParams& p, double path_length, double activation) {
  const Problem pr = make_problem(p, path_length, 0.0, activation, VelocityModel::Zero);
  double l_at = path_length - p.tendon_slack_length;
  if (p.type != MuscleType::DeGrooteFregly2016) l_at = std::max(l_at, min_length_along_tendon(pr));
  double residual = 0;
  FiberState s = evaluate(pr, l_at, residual);
  // A rigid tendon transmits whatever the fibre pulls along it.
  s.tendon_force = s.fiber_force * std::cos(s.pennation_angle);
  s.converged = true;
  return s;
}

}  // namespace weaklink

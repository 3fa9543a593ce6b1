#pragma once
// Arithmetic expressions in OpenSim's (Lepton's) syntax, compiled once to a small stack program and
// evaluated without allocating: numbers, named variables, + − * / ^ (^ right-associative and binding
// tighter than unary minus), parentheses and the functions sqrt, exp, log, sin, cos, tan, sec, csc,
// cot, asin, acos, atan, sinh, cosh, tanh, erf, erfc, step, delta, square, cube, recip, abs, min,
// max (OpenSim's Lepton grammar). Sub-expression definitions (`;`) are not supported.
// Hand-written rather than muParser (Debian's libmuparser-dev): muParser evaluates through a
// mutable per-instance stack, so one compiled expression could not live in the immutable Model and
// be evaluated by several threads at once, and its grammar differs from Lepton's (^ binds tighter
// than unary minus and associates to the right here; step and delta are Lepton's own).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace weaklink {

class Expression {
 public:
  // The program, or nullopt with `error` saying what is not understood. Whitespace is ignored.
  static std::optional<Expression> compile(std::string_view text, const std::vector<std::string>& variables, std::string& error);

  // Value with variables[i] = values[i].
  double eval(const double* values) const;

  static constexpr int kMaxStack = 32;

 private:
  enum class Op : std::uint8_t { Number, Variable, Neg, Add, Sub, Mul, Div, Pow, Min, Max, Func };
  struct Instruction {
    Op op = Op::Number;
    std::uint8_t func = 0;  // Func: index into the function table
    int variable = 0;
    double number = 0;
  };
  std::vector<Instruction> code_;
  friend class ExpressionParser;
};

}  // namespace weaklink

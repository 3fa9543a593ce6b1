#include "core/expression.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <iterator>

namespace weaklink {

namespace {

using Fn = double (*)(double);
struct Function1 {
  const char* name;
  Fn fn;
};
const Function1 kFunctions[] = {
    {"sqrt", [](double x) { return std::sqrt(x); }},   {"exp", [](double x) { return std::exp(x); }},
    {"log", [](double x) { return std::log(x); }},     {"sin", [](double x) { return std::sin(x); }},
    {"cos", [](double x) { return std::cos(x); }},     {"tan", [](double x) { return std::tan(x); }},
    {"sec", [](double x) { return 1.0 / std::cos(x); }}, {"csc", [](double x) { return 1.0 / std::sin(x); }},
    {"cot", [](double x) { return 1.0 / std::tan(x); }}, {"asin", [](double x) { return std::asin(x); }},
    {"acos", [](double x) { return std::acos(x); }},   {"atan", [](double x) { return std::atan(x); }},
    {"sinh", [](double x) { return std::sinh(x); }},   {"cosh", [](double x) { return std::cosh(x); }},
    {"tanh", [](double x) { return std::tanh(x); }},   {"erf", [](double x) { return std::erf(x); }},
    {"erfc", [](double x) { return std::erfc(x); }},   {"step", [](double x) { return x >= 0 ? 1.0 : 0.0; }},
    {"delta", [](double x) { return x == 0 ? 1.0 : 0.0; }}, {"square", [](double x) { return x * x; }},
    {"cube", [](double x) { return x * x * x; }},      {"recip", [](double x) { return 1.0 / x; }},
    {"abs", [](double x) { return std::abs(x); }},
};

}  // namespace

// Recursive descent over the text without blanks; depth and program size are bounded.
class ExpressionParser {
 public:
  ExpressionParser(std::string text, const std::vector<std::string>& variables) : s_(std::move(text)), vars_(variables) {}

  bool run(Expression& out, std::string& error) {
    if (s_.empty()) return fail("empty expression", error);
    if (s_.size() > 4096) return fail("longer than 4096 characters", error);
    if (!expr(0) || pos_ != s_.size()) {
      if (error_.empty()) error_ = "unexpected '" + quote_input(std::string(1, pos_ < s_.size() ? s_[pos_] : ' ')) + "' at character " + std::to_string(pos_ + 1);
      error = error_;
      return false;
    }
    // Stack depth of the program.
    int depth = 0, most = 0;
    for (const auto& i : code_) {
      switch (i.op) {
        case Expression::Op::Number:
        case Expression::Op::Variable: ++depth; break;
        case Expression::Op::Neg:
        case Expression::Op::Func: break;
        default: --depth; break;
      }
      most = std::max(most, depth);
    }
    if (most > Expression::kMaxStack) return fail("nested too deeply", error);
    out.code_ = std::move(code_);
    return true;
  }

 private:
  using Op = Expression::Op;
  bool fail(const std::string& why, std::string& error) {
    error = why;
    return false;
  }
  bool set(const std::string& why) {
    if (error_.empty()) error_ = why;
    return false;
  }
  bool peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
  void emit(Op op, double number = 0, int variable = 0, int func = 0) {
    Expression::Instruction i;
    i.op = op;
    i.number = number;
    i.variable = variable;
    i.func = static_cast<std::uint8_t>(func);
    code_.push_back(i);
  }

  bool expr(int depth) {
    if (depth > 64) return set("nested too deeply");
    if (!term(depth)) return false;
    while (peek('+') || peek('-')) {
      const char c = s_[pos_++];
      if (!term(depth)) return false;
      emit(c == '+' ? Op::Add : Op::Sub);
    }
    return true;
  }
  bool term(int depth) {
    if (!unary(depth)) return false;
    while (peek('*') || peek('/')) {
      const char c = s_[pos_++];
      if (!unary(depth)) return false;
      emit(c == '*' ? Op::Mul : Op::Div);
    }
    return true;
  }
  bool unary(int depth) {
    if (depth > 64) return set("nested too deeply");
    if (peek('-')) {
      ++pos_;
      if (!unary(depth + 1)) return false;
      emit(Op::Neg);
      return true;
    }
    return power(depth);
  }
  bool power(int depth) {
    if (!primary(depth)) return false;
    if (peek('^')) {
      ++pos_;
      if (!unary(depth + 1)) return false;  // right-associative: x^y^z = x^(y^z)
      emit(Op::Pow);
    }
    return true;
  }
  bool primary(int depth) {
    if (pos_ >= s_.size()) return set("the expression ends too early");
    const char c = s_[pos_];
    if (c == '(') {
      ++pos_;
      if (!expr(depth + 1)) return false;
      if (!peek(')')) return set("missing ')'");
      ++pos_;
      return true;
    }
    if ((c >= '0' && c <= '9') || c == '.') {
      const char* begin = s_.c_str() + pos_;
      char* end = nullptr;
      const double v = std::strtod(begin, &end);
      if (end == begin) return set("bad number");
      pos_ += static_cast<std::size_t>(end - begin);
      emit(Op::Number, v);
      return true;
    }
    std::size_t e = pos_;
    while (e < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[e])) || s_[e] == '_')) ++e;
    if (e == pos_) return set("unexpected '" + quote_input(std::string(1, c)) + "' at character " + std::to_string(pos_ + 1));
    const std::string name = s_.substr(pos_, e - pos_);
    pos_ = e;
    if (peek('(')) {
      ++pos_;
      if (!expr(depth + 1)) return false;
      if (name == "min" || name == "max") {
        if (!peek(',')) return set(name + " needs two arguments");
        ++pos_;
        if (!expr(depth + 1)) return false;
        emit(name == "min" ? Op::Min : Op::Max);
      } else {
        int f = -1;
        for (int k = 0; k < static_cast<int>(std::size(kFunctions)); ++k)
          if (name == kFunctions[k].name) f = k;
        if (f < 0) return set("unknown function '" + name + "'");
        emit(Op::Func, 0, 0, f);
      }
      if (!peek(')')) return set("missing ')' after the arguments of " + name);
      ++pos_;
      return true;
    }
    for (int k = 0; k < static_cast<int>(vars_.size()); ++k)
      if (name == vars_[static_cast<std::size_t>(k)]) {
        emit(Op::Variable, 0, k);
        return true;
      }
    return set("unknown variable '" + name + "'");
  }

  std::string s_;
  const std::vector<std::string>& vars_;
  std::size_t pos_ = 0;
  std::vector<Expression::Instruction> code_;
  std::string error_;
};

std::optional<Expression> Expression::compile(std::string_view text, const std::vector<std::string>& variables, std::string& error) {
  std::string compact;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) compact += c;
  if (compact.find(';') != std::string::npos) {
    error = "sub-expression definitions (';') are not supported";
    return std::nullopt;
  }
  Expression e;
  ExpressionParser p(std::move(compact), variables);
  if (!p.run(e, error)) return std::nullopt;
  return e;
}

double Expression::eval(const double* values) const {
  std::array<double, kMaxStack> st;
  int n = 0;
  for (const Instruction& i : code_) {
    switch (i.op) {
      case Op::Number: st[n++] = i.number; break;
      case Op::Variable: st[n++] = values[i.variable]; break;
      case Op::Neg: st[n - 1] = -st[n - 1]; break;
      case Op::Func: st[n - 1] = kFunctions[i.func].fn(st[n - 1]); break;
      default: {
        const double b = st[--n], a = st[n - 1];
        double r = 0;
        switch (i.op) {
          case Op::Add: r = a + b; break;
          case Op::Sub: r = a - b; break;
          case Op::Mul: r = a * b; break;
          case Op::Div: r = a / b; break;
          case Op::Pow: r = std::pow(a, b); break;
          case Op::Min: r = std::min(a, b); break;
          case Op::Max: r = std::max(a, b); break;
          default: break;
        }
        st[n - 1] = r;
      }
    }
  }
  return n == 1 ? st[0] : 0.0;
}

}  // namespace weaklink

/* Colours in content streams through libqpdf's tokenizer (qpdf-content.h).
 *
 * A TokenFilter sees the stream token by token.  Operands are held from
 * one operator to the next; at `rg` or `RG` whose operands are exactly
 * three numbers (and the spaces between them), the numbers decide: the
 * registration stand-in or a neutral grey is replaced, anything else is
 * written as it came.
 *
 * Numbers are read as exact decimals, not through strtod(), which
 * follows the C library's locale and rounds: a grey is neutral only when
 * its three numbers are the same decimal, and its black ink in CMYK is
 * 1 − v computed exactly. */
#include "qpdf-content.h"

#include <qpdf/Pl_Buffer.hh>
#include <qpdf/Pl_QPDFTokenizer.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFTokenizer.hh>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "plugin.h"

namespace {

typedef QPDFTokenizer::Token Token;

/* Cairo writes a colour with 6 significant digits. */
bool near(double a, double b) { return std::fabs(a - b) < 1e-6; }

/* A PDF number as an exact decimal: `digits` / 10^`scale`, no trailing
 * zeros after the point, zero never negative. */
struct Decimal {
  bool negative = false;
  uint64_t digits = 0;
  int scale = 0;

  bool operator==(const Decimal &o) const {
    return negative == o.negative && digits == o.digits && scale == o.scale;
  }
  double value() const {
    double v = (double)digits;
    for (int i = 0; i < scale; i++) v /= 10;
    return negative ? -v : v;
  }
};

/* 10^18 fits in 64 bits with room for one more digit's carry. */
const int MAX_DIGITS = 18;

uint64_t power10(int n) {
  uint64_t p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

/* Reads `text`, a PDF number ([+-] digits [. digits], or [+-] . digits).
 * False for anything else and for more than MAX_DIGITS significant
 * digits, which no writer of colours needs. */
bool parse_decimal(const std::string &text, Decimal *out) {
  Decimal d;
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-'))
    d.negative = text[i++] == '-';
  bool point = false, any = false;
  int significant = 0;
  for (; i < text.size(); i++) {
    char c = text[i];
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (c < '0' || c > '9') return false;
    any = true;
    if (d.digits == 0 && c == '0') {
      if (point) d.scale++;
      continue;
    }
    if (++significant > MAX_DIGITS) return false;
    d.digits = d.digits * 10 + (uint64_t)(c - '0');
    if (point) d.scale++;
  }
  if (!any) return false;
  while (d.scale > 0 && d.digits % 10 == 0) {
    d.digits /= 10;
    d.scale--;
  }
  if (d.digits == 0) d = Decimal();
  *out = d;
  return true;
}

/* `d` held to the range of a colour component, 0 to 1, as PDF does. */
Decimal clamp_unit(const Decimal &d) {
  Decimal out = d;
  if (d.negative) {
    out = Decimal();
  } else if (d.digits >= power10(d.scale)) {
    out = Decimal();
    out.digits = 1;
  }
  return out;
}

/* 1 − `d`, `d` from 0 to 1. */
Decimal one_minus(const Decimal &d) {
  Decimal out;
  out.digits = power10(d.scale) - d.digits;
  out.scale = d.scale;
  while (out.scale > 0 && out.digits % 10 == 0) {
    out.digits /= 10;
    out.scale--;
  }
  return out;
}

/* `d` as PDF writes a number: "0.105882", "1", "0". */
std::string format_decimal(const Decimal &d) {
  std::string digits = std::to_string(d.digits);
  if (d.scale > 0) {
    if ((int)digits.size() <= d.scale)
      digits.insert(0, (size_t)(d.scale - (int)digits.size() + 1), '0');
    digits.insert(digits.size() - (size_t)d.scale, ".");
  }
  return (d.negative ? "-" : "") + digits;
}

class Recolour : public QPDFObjectHandle::TokenFilter {
 public:
  explicit Recolour(const dp_recolour &how) : how_(how) {}

  bool changed = false;
  bool registration = false;
  unsigned spaces = 0; /* DP_PDF_SPACE_* of the operators written */

  void handleToken(const Token &token) override {
    switch (token.getType()) {
      case QPDFTokenizer::tt_integer:
      case QPDFTokenizer::tt_real:
      case QPDFTokenizer::tt_space:
        operands_.push_back(token);
        return;
      case QPDFTokenizer::tt_word:
        if (token.getValue() == "rg" || token.getValue() == "RG") {
          colour(token);
          other_operand_ = false;
          return;
        }
        note_space(token.getValue());
        other_operand_ = false;
        break;
      case QPDFTokenizer::tt_comment:
        break;
      default:
        other_operand_ = true;
        break;
    }
    flush();
    writeToken(token);
  }

  void handleEOF() override { flush(); }

 private:
  const dp_recolour &how_;
  std::vector<Token> operands_; /* numbers and spaces since the last
                                   operator */
  bool other_operand_ = false;  /* an operand that is not a number since
                                   the last operator: not a colour */

  void note_space(const std::string &op) {
    if (op == "g" || op == "G") spaces |= DP_PDF_SPACE_GRAY;
    else if (op == "rg" || op == "RG") spaces |= DP_PDF_SPACE_RGB;
    else if (op == "k" || op == "K") spaces |= DP_PDF_SPACE_CMYK;
  }

  void flush() {
    for (const Token &t : operands_) writeToken(t);
    operands_.clear();
  }

  /* `op` (rg or RG) with the held operands. */
  void colour(const Token &op) {
    bool stroke = op.getValue() == "RG";
    Decimal v[3];
    int n = 0;
    bool numbers = !other_operand_; /* all exactly read */
    size_t first = operands_.size(); /* the first number */
    for (size_t i = 0; i < operands_.size(); i++) {
      if (operands_[i].getType() == QPDFTokenizer::tt_space) continue;
      if (n == 0) first = i;
      if (n < 3 && !parse_decimal(operands_[i].getValue(), &v[n]))
        numbers = false; /* past exact reading */
      n++;
    }
    std::string with;
    if (!numbers) n = 0;
    if (n == 3 && how_.registration && near(v[0].value(), DP_REGISTRATION_R) &&
        near(v[1].value(), DP_REGISTRATION_G) &&
        near(v[2].value(), DP_REGISTRATION_B)) {
      with = stroke ? "/DPRegistration CS 1 SCN" : "/DPRegistration cs 1 scn";
      registration = true;
    } else if (n == 3 && how_.pure_black && v[0] == v[1] && v[1] == v[2]) {
      /* A neutral grey: the same level of one ink. */
      Decimal level = clamp_unit(v[0]);
      if (how_.cmyk_black)
        with = "0 0 0 " + format_decimal(one_minus(level)) +
               (stroke ? " K" : " k");
      else
        with = format_decimal(level) + (stroke ? " G" : " g");
      spaces |= how_.cmyk_black ? DP_PDF_SPACE_CMYK : DP_PDF_SPACE_GRAY;
    }
    if (with.empty()) {
      flush();
      writeToken(op);
      note_space(op.getValue());
      return;
    }
    /* The spaces before the operands stay. */
    for (size_t i = 0; i < first; i++) writeToken(operands_[i]);
    operands_.clear();
    write(with);
    changed = true;
  }
};

} // namespace

bool dp_recolour_content(const unsigned char *data, size_t length,
                         const dp_recolour *how, unsigned char **out,
                         size_t *out_length, bool *used_registration,
                         unsigned *spaces) {
  *out = nullptr;
  *out_length = 0;
  *used_registration = false;
  *spaces = 0;
  try {
    Recolour filter(*how);
    Pl_Buffer buffer("recoloured");
    Pl_QPDFTokenizer tokenizer("content stream", &filter, &buffer);
    tokenizer.write(data, length);
    tokenizer.finish();
    *spaces = filter.spaces;
    if (!filter.changed) return false;
    unsigned char *bytes = nullptr;
    size_t size = 0;
    buffer.getMallocBuffer(&bytes, &size);
    *out = bytes;
    *out_length = size;
    *used_registration = filter.registration;
    return true;
  } catch (...) {
    /* A stream the tokenizer cannot read is left as it is. */
    return false;
  }
}

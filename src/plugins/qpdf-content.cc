/* Colours in content streams through libqpdf's tokenizer (qpdf-content.h).
 *
 * A TokenFilter sees the stream token by token.  Operands are held from
 * one operator to the next; at `rg` or `RG` whose operands are exactly
 * three numbers (and the spaces between them), the numbers decide: the
 * registration stand-in or pure black is replaced, anything else is
 * written as it came. */
#include "qpdf-content.h"

#include <qpdf/Pl_Buffer.hh>
#include <qpdf/Pl_QPDFTokenizer.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFTokenizer.hh>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "plugin.h"

namespace {

typedef QPDFTokenizer::Token Token;

/* Cairo writes a colour with 6 significant digits. */
bool near(double a, double b) { return std::fabs(a - b) < 1e-6; }

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
    double v[3];
    int n = 0;
    size_t first = operands_.size(); /* the first number */
    for (size_t i = 0; i < operands_.size(); i++) {
      if (operands_[i].getType() == QPDFTokenizer::tt_space) continue;
      if (n == 0) first = i;
      if (n < 3) v[n] = std::strtod(operands_[i].getValue().c_str(), nullptr);
      n++;
    }
    const char *with = nullptr;
    if (other_operand_) n = 0;
    if (n == 3 && how_.registration && near(v[0], DP_REGISTRATION_R) &&
        near(v[1], DP_REGISTRATION_G) && near(v[2], DP_REGISTRATION_B)) {
      with = stroke ? "/DPRegistration CS 1 SCN" : "/DPRegistration cs 1 scn";
      registration = true;
    } else if (n == 3 && how_.pure_black && v[0] == 0 && v[1] == 0 &&
               v[2] == 0) {
      with = how_.cmyk_black ? (stroke ? "0 0 0 1 K" : "0 0 0 1 k")
                             : (stroke ? "0 G" : "0 g");
      spaces |= how_.cmyk_black ? DP_PDF_SPACE_CMYK : DP_PDF_SPACE_GRAY;
    }
    if (!with) {
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

// utf8: job output is arbitrary bytes, the results file must stay valid UTF-8. repair_utf8 must
// leave valid text alone and replace each maximal invalid subpart with one U+FFFD (Unicode 15,
// section 3.9, "U+FFFD Substitution of Maximal Subparts").
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "utf8.hpp"

using gridctl::repair_utf8;

namespace {

const std::string R = "\xEF\xBF\xBD";  // U+FFFD

std::string rep(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += R;
  return s;
}

struct repair_case {
  std::string input;
  std::string expected;
};

/// A strict UTF-8 validator written independently of the code under test (RFC 3629).
bool is_valid_utf8(const std::string& s) {
  std::size_t i = 0;
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  auto cont = [&](std::size_t k) { return k < s.size() && (at(k) & 0xC0) == 0x80; };
  while (i < s.size()) {
    unsigned char c = at(i);
    std::uint32_t cp = 0;
    std::size_t n = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 2, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 3, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 4, cp = c & 0x07;
    } else {
      return false;
    }
    for (std::size_t k = 1; k < n; ++k) {
      if (!cont(i + k)) return false;
      cp = (cp << 6) | (at(i + k) & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return false;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

/// Deterministic pseudo-random bytes (no seed from the clock: failures must reproduce).
struct lcg {
  std::uint64_t state;
  unsigned char next() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<unsigned char>(state >> 56);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(utf8_repair)

BOOST_AUTO_TEST_CASE(valid_text_is_unchanged) {
  const std::vector<std::string> valid = {
      "",
      "hello, world",
      std::string("nul\0inside", 10),
      "\x7F",                          // U+007F, the last 1-byte character
      "\xC2\x80",                      // U+0080, the first 2-byte character
      "caf\xC3\xA9",                   // é
      "\xDF\xBF",                      // U+07FF, the last 2-byte character
      "\xE0\xA0\x80",                  // U+0800, the first 3-byte character
      "\xE2\x82\xAC 5",                // €
      "\xED\x9F\xBF",                  // U+D7FF, just below the surrogates
      "\xEE\x80\x80",                  // U+E000, just above the surrogates
      "\xEF\xBF\xBF",                  // U+FFFF
      "\xEF\xBF\xBD",                  // U+FFFD itself
      "\xF0\x90\x80\x80",              // U+10000, the first 4-byte character
      "\xF0\x9F\x98\x80 smile",        // 😀
      "\xF4\x8F\xBF\xBF",              // U+10FFFF, the last code point
      "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z",
  };
  for (const auto& s : valid) {
    BOOST_TEST_INFO("input of " << s.size() << " bytes");
    BOOST_TEST(repair_utf8(s) == s);
  }
}

BOOST_AUTO_TEST_CASE(invalid_bytes_become_one_replacement_per_maximal_subpart) {
  const std::vector<repair_case> cases = {
      {"\x80", R},                                  // lone continuation byte
      {"a\x80z", "a" + R + "z"},                    //
      {"\xBF\x80", rep(2)},                         // two lone continuation bytes
      {"\xFF", R},                                  // never valid
      {"\xFE\xFF", rep(2)},                         //
      {"\xC2", R},                                  // truncated 2-byte at the end
      {"\xC2z", R + "z"},                           // truncated 2-byte before ASCII
      {"a\xE2\x82", "a" + R},                       // truncated 3-byte at the end: ONE U+FFFD
      {"\xE2\x82z", R + "z"},                       // truncated 3-byte before ASCII
      {"\xE2\x82\xE2\x82\xAC", R + "\xE2\x82\xAC"}, // truncated 3-byte before a valid €
      {"\xF0\x9F\x98", R},                          // truncated 4-byte at the end: ONE U+FFFD
      {"\xF0\x9F\x98z", R + "z"},                   //
      {"\xC0\xAF", rep(2)},                         // overlong '/': C0 is never valid
      {"\xC1\xBF", rep(2)},                         // overlong: C1 is never valid
      {"\xE0\x80\xAF", rep(3)},                     // overlong 3-byte: E0 needs A0..BF next
      {"\xF0\x80\x80\xAF", rep(4)},                 // overlong 4-byte: F0 needs 90..BF next
      {"\xED\xA0\x80", rep(3)},                     // surrogate U+D800
      {"\xED\xBF\xBF", rep(3)},                     // surrogate U+DFFF
      {"\xF4\x90\x80\x80", rep(4)},                 // U+110000, above the last code point
      {"\xF5\x80\x80\x80", rep(4)},                 // F5 is never valid
      {"\xF8\x88\x80\x80\x80", rep(5)},             // old 5-byte form
      {"\xFC\x84\x80\x80\x80\x80", rep(6)},         // old 6-byte form
      // The Unicode standard's own example (Table 3-8): 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64.
      {"\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64", "a" + rep(3) + "b" + R + "c" + rep(2) + "d"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_INFO("input of " << c.input.size() << " bytes, first byte "
                                << static_cast<int>(static_cast<unsigned char>(c.input[0])));
    BOOST_TEST(repair_utf8(c.input) == c.expected);
  }
}

BOOST_AUTO_TEST_CASE(repair_of_random_bytes_is_valid_and_idempotent) {
  lcg rng{42};
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    std::size_t len = rng.next() % 24;
    for (std::size_t i = 0; i < len; ++i) {
      unsigned char b = rng.next();
      // Bias towards the interesting region (lead and continuation bytes).
      if (b < 0x60) b = static_cast<unsigned char>(0x80 + (b & 0x3F));
      s += static_cast<char>(b);
    }
    std::string fixed = repair_utf8(s);
    BOOST_TEST_INFO("round " << round);
    BOOST_TEST(is_valid_utf8(fixed));
    BOOST_TEST(repair_utf8(fixed) == fixed);
    if (is_valid_utf8(s)) BOOST_TEST(fixed == s);
  }
}

BOOST_AUTO_TEST_SUITE_END()

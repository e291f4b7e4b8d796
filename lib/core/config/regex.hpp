// regex: the one regular-expression engine gridctl uses, PCRE2 with its JIT (Debian's
// libpcre2-dev). Not std::regex: libstdc++'s matcher recurses once per character, so a `.*` over
// a 1 MiB stdout line overflows an 8 MiB stack (SIGSEGV), and a simple search of 1 MiB takes
// 12-21 ms where PCRE2 takes 0.1 ms (docs/results-file.md, "Regex engine"; bench/regex_engines.cpp).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "input_error.hpp"

namespace gridctl {

/// A compiled pattern. Copies share the compiled code; matching is safe from any thread.
class regex {
 public:
  /// One match: where it is, and where each capture group is (npos begin: the group did not take part).
  struct match {
    std::size_t begin = 0, end = 0;
    std::vector<std::pair<std::size_t, std::size_t>> groups;  ///< [begin, end) of group 1, 2, ...
  };

  /// A regex that matches nothing (until assigned a compiled one).
  regex() = default;
  /// Compiles `pattern` (Perl syntax, UTF-8 not required); the error names the offset and the reason.
  static parse_result<regex> compile(std::string_view pattern);

  /// Number of capture groups in the pattern.
  int capture_count() const;
  /// The first match at or after `from`, or nothing (also when the match limit is hit: a
  /// pathological pattern gives up instead of hanging the sweep).
  std::optional<match> find(std::string_view text, std::size_t from = 0) const;
  /// The text of group 1 in the last match in `text`, or nothing.
  std::optional<std::string_view> last_capture(std::string_view text) const;
  /// `text` with every match replaced by `replacement` (no group references).
  std::string replace_all(std::string_view text, std::string_view replacement) const;

 private:
  struct code;
  explicit regex(std::shared_ptr<const code> c) : code_(std::move(c)) {}
  std::shared_ptr<const code> code_;
};

}  // namespace gridctl

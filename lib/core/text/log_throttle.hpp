// log_throttle: keeps a flood of alike log lines from drowning the master's log. A peer that
// sends garbage in a loop, or a worker lost with 1,000 jobs, must cost a handful of lines, not
// one each. Lines are alike when they differ only in numbers and point ids; the first few of
// each kind are printed, the rest counted and summed up later as "... N more like this: LINE".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gridctl {

class log_throttle {
 public:
  /// `per_kind` lines of each kind pass; at most `max_kinds` kinds are told apart (the rest
  /// share one, so that a peer inventing new lines cannot grow this table without bound).
  explicit log_throttle(int per_kind = 3, std::size_t max_kinds = 1000) : per_kind_(per_kind), max_kinds_(max_kinds) {}

  /// Whether to print `line` now; when not, it is counted for summaries().
  bool admit(std::string_view line) { return admit(line, line); }
  /// The same, alike-ness judged on `kind_text` instead: e.g. the line without the point's
  /// parameters, so that one failure hitting many points is one kind.
  bool admit(std::string_view line, std::string_view kind_text);
  /// "... N more like this: LINE" for each kind that had lines held back since the last call.
  std::vector<std::string> summaries();

  /// The kind of a line: numbers and 16-digit hex ids masked to '#'.
  static std::string kind_of(std::string_view line);

 private:
  struct kind {
    int shown = 0;
    std::uint64_t held_back = 0;
    std::string example;  ///< the last line held back
  };
  int per_kind_;
  std::size_t max_kinds_;
  std::unordered_map<std::string, kind> kinds_;
};

}  // namespace gridctl

// regex: PCRE2 (8-bit code units) behind a small value type.
#include "regex.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace gridctl {

namespace {
/// Bounds on one match attempt: enough for any sane pattern on 1 MiB, and an end for
/// catastrophic backtracking such as (a+)+b.
constexpr std::uint32_t match_limit = 50'000'000;
constexpr std::size_t jit_stack_max = std::size_t{8} << 20;

std::string pcre2_message(int code) {
  PCRE2_UCHAR buf[256];
  int n = pcre2_get_error_message(code, buf, sizeof buf);
  return n < 0 ? "error " + std::to_string(code) : std::string(reinterpret_cast<const char*>(buf));
}
}  // namespace

struct regex::code {
  pcre2_code* re = nullptr;
  ~code() { pcre2_code_free(re); }
};

parse_result<regex> regex::compile(std::string_view pattern) {
  int err = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* re = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), 0, &err, &offset,
                                 nullptr);
  if (!re) return input_error{"", "bad regex at offset " + std::to_string(offset) + ": " + pcre2_message(err)};
  auto c = std::make_shared<code>();
  c->re = re;
  // Without the JIT (an unsupported CPU) the interpreter is used: slower, same results.
  pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
  return regex(std::move(c));
}

int regex::capture_count() const {
  std::uint32_t n = 0;
  if (!code_) return 0;
  pcre2_pattern_info(code_->re, PCRE2_INFO_CAPTURECOUNT, &n);
  return static_cast<int>(n);
}

namespace {
/// Match data, match context and JIT stack of one search, freed together.
struct match_state {
  pcre2_match_data* data;
  pcre2_match_context* context;
  pcre2_jit_stack* stack;
  explicit match_state(const pcre2_code* re)
      : data(pcre2_match_data_create_from_pattern(re, nullptr)),
        context(pcre2_match_context_create(nullptr)),
        stack(pcre2_jit_stack_create(32 * 1024, jit_stack_max, nullptr)) {
    if (!data || !context || !stack) throw std::bad_alloc();
    pcre2_set_match_limit(context, match_limit);
    pcre2_jit_stack_assign(context, nullptr, stack);
  }
  ~match_state() {
    pcre2_jit_stack_free(stack);
    pcre2_match_context_free(context);
    pcre2_match_data_free(data);
  }
  match_state(const match_state&) = delete;
  match_state& operator=(const match_state&) = delete;
};

std::optional<regex::match> find_with(const pcre2_code* re, match_state& st, std::string_view text,
                                      std::size_t from) {
  if (from > text.size()) return std::nullopt;
  int rc = pcre2_match(re, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), from, 0, st.data, st.context);
  if (rc < 0) return std::nullopt;  // no match, or a limit hit: both mean "not found"
  const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(st.data);
  std::uint32_t pairs = pcre2_get_ovector_count(st.data);
  regex::match m{ov[0], ov[1], {}};
  for (std::uint32_t g = 1; g < pairs; ++g)
    m.groups.emplace_back(ov[2 * g] == PCRE2_UNSET ? std::string_view::npos : ov[2 * g],
                          ov[2 * g + 1] == PCRE2_UNSET ? std::string_view::npos : ov[2 * g + 1]);
  return m;
}

/// Where the search after `m` starts: after it, or one further for an empty match.
std::size_t next_start(const regex::match& m) { return m.end > m.begin ? m.end : m.end + 1; }
}  // namespace

std::optional<regex::match> regex::find(std::string_view text, std::size_t from) const {
  if (!code_) return std::nullopt;
  match_state st(code_->re);
  return find_with(code_->re, st, text, from);
}

std::optional<std::string_view> regex::last_capture(std::string_view text) const {
  if (!code_) return std::nullopt;
  match_state st(code_->re);
  std::optional<std::string_view> last;
  std::size_t from = 0;
  while (auto m = find_with(code_->re, st, text, from)) {
    if (!m->groups.empty() && m->groups[0].first != std::string_view::npos)
      last = text.substr(m->groups[0].first, m->groups[0].second - m->groups[0].first);
    from = next_start(*m);
  }
  return last;
}

std::string regex::replace_all(std::string_view text, std::string_view replacement) const {
  if (!code_) return std::string(text);
  match_state st(code_->re);
  std::string out;
  std::size_t copied = 0;
  std::size_t from = 0;
  while (auto m = find_with(code_->re, st, text, from)) {
    out.append(text.substr(copied, m->begin - copied));
    out.append(replacement);
    copied = m->end;
    from = next_start(*m);
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace gridctl

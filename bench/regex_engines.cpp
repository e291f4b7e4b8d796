// regex_engines: std::regex against PCRE2 (interpreter and JIT) on 1 MiB of stdout, the numbers
// behind lib/core/regex.hpp (docs/results-file.md, "Regex engine").
//   build/bench/gridctl_regex_engines libsvm|many|longline std|pcre|jit   (longline std crashes: that is the point)
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <chrono>
#include <cstdio>
#include <regex>
#include <string>
#include <sys/resource.h>
using clk = std::chrono::steady_clock;
static double ms(clk::time_point a) { return std::chrono::duration<double, std::milli>(clk::now() - a).count(); }

std::string last_std(const std::string& pat, const std::string& text) {
  std::regex re(pat);
  std::string last;
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it) last = (*it)[1];
  return last;
}
std::string last_pcre(const std::string& pat, const std::string& text, bool jit) {
  int err; PCRE2_SIZE off;
  pcre2_code* re = pcre2_compile((PCRE2_SPTR)pat.data(), pat.size(), 0, &err, &off, nullptr);
  if (jit) pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(re, nullptr);
  std::string last; PCRE2_SIZE start = 0;
  while (start <= text.size()) {
    int rc = pcre2_match(re, (PCRE2_SPTR)text.data(), text.size(), start, 0, md, nullptr);
    if (rc < 0) break;
    PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    last.assign(text, ov[2], ov[3] - ov[2]);
    start = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
  }
  pcre2_match_data_free(md); pcre2_code_free(re);
  return last;
}
int main(int argc, char** argv) {
  std::string kind = argv[1], engine = argv[2];
  std::string text, pat;
  if (kind == "libsvm") {  // 1 MiB of iteration log, the accuracy line at the end
    while (text.size() < (1u << 20)) text += "optimization finished, #iter = 1234, nu = 0.456\n";
    text += "Cross Validation Accuracy = 83.7%\n";
    pat = "Cross Validation Accuracy = ([0-9.eE+-]+)%";
  } else if (kind == "many") {  // 1 MiB of lines that all match
    for (int i = 0; text.size() < (1u << 20); ++i) text += "loss = 0." + std::to_string(i) + "\n";
    pat = "loss = ([0-9.]+)";
  } else {  // one 1 MiB line and a greedy .*
    text.assign(1u << 20, 'x'); text += " acc=0.5\n";
    pat = "(.*) acc=";
  }
  auto t = clk::now();
  std::string r = engine == "std" ? last_std(pat, text) : last_pcre(pat, text, engine == "jit");
  std::printf("%s %s: %.1f ms -> '%.20s'\n", kind.c_str(), engine.c_str(), ms(t), r.c_str());
}

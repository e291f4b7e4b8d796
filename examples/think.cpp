// think: a stand-in for an expensive computation. `think P Q [SECONDS]` sleeps SECONDS (default
// 0), then prints {"p": P, "q": Q, "result": sin(P + 2Q)} as one JSON line.
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <thread>

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: think P Q [SECONDS]\n");
    return 2;
  }
  char* end = nullptr;
  double p = std::strtod(argv[1], &end);
  if (*end) return std::fprintf(stderr, "think: P is not a number: %s\n", argv[1]), 2;
  double q = std::strtod(argv[2], &end);
  if (*end) return std::fprintf(stderr, "think: Q is not a number: %s\n", argv[2]), 2;
  if (argc == 4) {
    double seconds = std::strtod(argv[3], &end);
    if (*end || seconds < 0) return std::fprintf(stderr, "think: bad SECONDS: %s\n", argv[3]), 2;
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  }
  // Shortest text that reads back as the same double, as the results file writes numbers.
  auto text = [](double x) {
    static char buf[3][32];
    static int next = 0;
    char* b = buf[next++ % 3];
    *std::to_chars(b, b + 31, x).ptr = '\0';
    return b;
  };
  std::printf("{\"p\": %s, \"q\": %s, \"result\": %s}\n", text(p), text(q), text(std::sin(p + 2 * q)));
  return 0;
}

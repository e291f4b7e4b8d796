// config_fuzz: libFuzzer target for the config parser (lib/core/config/config.hpp). Each input
// is written to a file (load_config reads files: it names FILE:LINE in errors) and loaded; a bad
// config must come back as an error, never a crash, a hang or a huge allocation.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "config.hpp"

namespace {

std::filesystem::path scratch_file() {
  static const std::filesystem::path file = [] {
    const char* tmp = std::getenv("TMPDIR");
    auto dir = std::filesystem::path(tmp && *tmp ? tmp : "/tmp") / ("gridctl-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir / "fuzz.ini";
  }();
  return file;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = scratch_file();
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto cfg = gridctl::load_config(file);
  if (!cfg && cfg.error().text().empty()) std::abort();  // an error says what is wrong
  if (cfg) (void)cfg->points.size();
  return 0;
}

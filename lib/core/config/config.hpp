// config: the sweep's INI file (README, "The config file"), read with Boost.Program_options'
// config-file parser. Every mistake is reported as FILE:LINE: message before anything runs.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "auth_mode.hpp"
#include "duration.hpp"
#include "grid.hpp"
#include "input_error.hpp"
#include "metrics.hpp"

namespace gridctl {

/// Everything a sweep needs to know, with defaults applied and paths made absolute.
struct sweep_config {
  std::filesystem::path file;       ///< the config file, absolute
  std::string name;                 ///< [sweep] name; default: the file's stem
  command_template command;         ///< [sweep] command, placeholders resolved
  int command_line = 0;             ///< line of `command` in the file, for warnings about it
  std::filesystem::path workdir;    ///< [sweep] workdir, absolute; default: the file's folder
  std::filesystem::path results;    ///< [sweep] results, absolute; default: <name>.jsonl beside the file
  std::optional<duration> timeout;  ///< [sweep] timeout per attempt; none by default
  int retries = 0;                  ///< [sweep] retries: extra attempts after failed/timeout
  std::size_t output_limit = std::size_t{1} << 20;  ///< [sweep] output_limit: bytes kept per stream
  duration kill_grace = std::chrono::seconds(5);    ///< [sweep] kill_grace: SIGTERM -> SIGKILL delay
  int cores_per_job = 1;            ///< [sweep] cores_per_job: a worker of S slots runs S / N jobs at once
  bool require_metrics = false;     ///< [sweep] require_metrics: exit 0 without every [metrics] metric is failed
  std::vector<metric_rule> metrics; ///< [metrics], in file order; not part of the sweep's identity
  grid points;                      ///< [params]
  std::string listen;               ///< [workers] listen; empty: local workers only
  std::optional<int> local;         ///< [workers] local; nullopt = auto
  duration heartbeat = std::chrono::seconds(1);  ///< [workers] heartbeat interval
  /// [workers] max_slots: the most slots one worker may claim; a hello above it is refused, so
  /// that one peer cannot take (and then lose) a whole sweep's jobs at once.
  int max_worker_slots = 1024;
  /// [workers] auth: CurveZMQ on `listen` (auth_mode.hpp); auto = curve unless loopback.
  auth_mode auth = auth_mode::automatic;

  /// Slots of the embedded worker: `local`, or for auto the CPU count without `listen`, else 0.
  int local_slots() const;
};

/// Reads and validates a config file. Errors carry "FILE:LINE" ("FILE" alone when the file
/// cannot be read; a whole-file problem points at its section's header, or line 1).
parse_result<sweep_config> load_config(const std::filesystem::path& file);

/// Largest number of points a sweep may have (ids and counters stay in 63 bits).
inline constexpr std::uint64_t max_points = std::uint64_t{1} << 62;
/// Bounds of `retries` and of a worker's slots, in the config and on command lines alike.
inline constexpr int max_retries = 1000;
inline constexpr int max_slots = 4096;

/// Whether `text` has the shape of a ZeroMQ endpoint (transport://address); libzmq judges the rest.
bool is_endpoint(std::string_view text);

}  // namespace gridctl

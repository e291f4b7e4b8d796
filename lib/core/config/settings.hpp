// settings: one table of the sweep's settings — config key, command-line option, parser,
// bounds, default and help text — read by the INI reader (config.cpp) and by `gridctl sweep`'s
// overrides (lib/cli) alike, so that a setting is defined once. Adding a key means one row
// here and its use. `command` ([sweep]) and the axes ([params]) are not rows: they depend on
// each other and are read by config.cpp itself.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gridctl {

struct sweep_config;

struct setting {
  std::string_view section;     ///< "sweep" or "workers"
  std::string_view key;         ///< the INI key; also the option `--KEY` when `option` is set
  bool option;                  ///< `gridctl sweep --KEY VALUE` overrides the config
  std::string_view value_name;  ///< what --help shows for the value: N, DURATION, ENDPOINT, FILE
  std::string_view help;        ///< one line, default included
  /// Parses `text` into `cfg`. Relative paths start at `base` (the config's folder for the
  /// file, the current directory for an option). Returns what is wrong, e.g. "must be a whole
  /// number from 0 to 1000, not 'x'", to be prefixed with the key or option.
  std::optional<std::string> (*apply)(std::string_view text, const std::filesystem::path& base, sweep_config& cfg);
};

/// Every setting, in the order they are applied (`name` before `results`, whose default uses it).
std::span<const setting> settings();
/// The row of `key` in `section`, or null.
const setting* find_setting(std::string_view section, std::string_view key);
/// The keys a section accepts (for "unknown key" messages), `command` included for [sweep].
std::vector<std::string> section_keys(std::string_view section);

}  // namespace gridctl

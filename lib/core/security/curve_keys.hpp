// curve_keys: the key files of CurveZMQ (README, "Security") as text, with no ZeroMQ: a key
// file holds `#` comment lines and one key, 40 characters of Z85 (32 bytes); authorized_workers
// holds one public key a line. A secret key file that others may read is refused, as ssh does.
// Making key pairs needs libzmq and lives in lib/runtime (key_store.hpp).
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "input_error.hpp"

namespace gridctl {

/// Characters of a CurveZMQ key in Z85 (RFC 32).
inline constexpr std::size_t z85_key_length = 40;

/// Whether `text` is 40 characters of the Z85 alphabet.
bool is_z85_key(std::string_view text);

/// The key in a key file's text: blank and `#` lines skipped, exactly one key line. Errors
/// name `file` and the line ("FILE:LINE: ...").
parse_result<std::string> parse_key_file(std::string_view text, const std::string& file);

/// A key file's text: the comment line, then the key.
std::string format_key_file(std::string_view key, std::string_view comment);

/// The public keys of an authorized_workers file: one a line, optionally followed by a space
/// and a note (e.g. the host it belongs to); blank and `#` lines skipped. Errors name FILE:LINE.
parse_result<std::set<std::string>> parse_authorized_workers(std::string_view text, const std::string& file);

/// What is wrong with the permissions of a secret key file (`mode` as st_mode), with the
/// command that fixes it; nothing when only its owner may read or write it.
std::optional<std::string> secret_mode_problem(const std::filesystem::path& file, unsigned mode);

/// Reads a key file; for a secret one (`secret`) its permissions are checked first.
parse_result<std::string> read_key_file(const std::filesystem::path& file, bool secret);

/// Where keys live: $GRIDCTL_KEYS, else $HOME/.config/gridctl (either may be null or empty);
/// empty when neither is set.
std::filesystem::path default_key_dir(const char* gridctl_keys, const char* home);

/// The files of a key directory (README, "Security").
struct key_files {
  std::filesystem::path dir;
  std::filesystem::path master_secret() const { return dir / "master.key"; }
  std::filesystem::path master_public() const { return dir / "master.pub"; }
  std::filesystem::path worker_secret() const { return dir / "worker.key"; }
  std::filesystem::path worker_public() const { return dir / "worker.pub"; }
  std::filesystem::path authorized() const { return dir / "authorized_workers"; }
};

}  // namespace gridctl

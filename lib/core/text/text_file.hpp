// text_file: reading a user's text file (the config, a lines(FILE) list) with bounds, so that a
// wrong path (/dev/zero, a directory, a huge log) fails fast with a reason instead of eating memory.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "input_error.hpp"

namespace gridctl {

/// Bounds of read_text_file; 0 means no bound on line length.
struct text_limits {
  std::size_t max_bytes = std::size_t{64} << 20;
  std::size_t max_line = 0;
};

/// The whole content of `file`, read in bounded chunks (st_size is not trusted: /dev/zero has 0),
/// without a leading UTF-8 byte-order mark. Errors have no `where` and say why, e.g. "cannot read
/// 'x.txt': No such file or directory", "cannot read '/': Is a directory", "line 3 of 'x' is longer than 128 KiB".
parse_result<std::string> read_text_file(const std::filesystem::path& file, const text_limits& limits);

/// "64 MiB", "128 KiB", "100 bytes": a limit as the messages print it.
std::string format_bytes(std::size_t n);

}  // namespace gridctl

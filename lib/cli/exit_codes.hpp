// exit_codes: the exit statuses of README, "gridctl sweep" (Exit status), used by every subcommand.
#pragma once

namespace gridctl::exit_code {
inline constexpr int ok = 0;           ///< every point ok
inline constexpr int some_failed = 1;  ///< some point failed
inline constexpr int usage = 2;        ///< usage or config error; nothing ran
inline constexpr int runtime = 3;      ///< cannot bind, cannot write results, ...
inline constexpr int interrupted = 130;  ///< SIGINT/SIGTERM; results intact, a rerun resumes
}  // namespace gridctl::exit_code

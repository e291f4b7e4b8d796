// command_line: what every command's option parsing shares — program_options with a
// did-you-mean for unknown options, COMMAND CONFIG.ini [options], optional values. Each
// command declares its own options beside it (lib/cli/*_command.cpp, `*_main`).
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gridctl {

namespace po = boost::program_options;

/// Thrown for a command line we cannot use; main prints it with the usage line.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Parses `args` against the `named` options (the ones --help shows) and `hidden` ones; an
/// unknown option is reported with the nearest named one.
po::variables_map parse_options(const std::vector<std::string>& args, const po::options_description& named,
                                const po::options_description& hidden,
                                const po::positional_options_description& positional);

/// Parses `COMMAND CONFIG.ini [options]`: the named options plus one positional config file.
/// Prints the help and returns nothing for --help; a missing CONFIG.ini is a usage error.
std::optional<po::variables_map> parse_with_config(const std::vector<std::string>& args,
                                                   const po::options_description& named, const char* command);

/// The value of an option that was given, or nothing.
template <class T>
std::optional<T> optional_value(const po::variables_map& vm, const char* name) {
  if (!vm.count(name)) return std::nullopt;
  return vm[name].as<T>();
}

}  // namespace gridctl

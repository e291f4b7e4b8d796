// command_line: shared option parsing.
#include "command_line.hpp"

#include <iostream>

#include "suggest.hpp"

namespace gridctl {

namespace {
/// The nearest option of `named` to a misspelt one, as a hint: " (did you mean '--retries'?)".
std::string nearest_option(const po::options_description& named, const std::string& given) {
  std::vector<std::string> names;
  for (const auto& o : named.options()) names.push_back("--" + o->long_name());
  auto near = nearest_word(given, names);
  return near ? " (did you mean '" + *near + "'?)" : std::string();
}
}  // namespace

po::variables_map parse_options(const std::vector<std::string>& args, const po::options_description& named,
                                const po::options_description& hidden,
                                const po::positional_options_description& positional) {
  po::options_description all;
  all.add(named).add(hidden);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
  } catch (const po::unknown_option& e) {
    throw po::error(e.what() + nearest_option(named, e.get_option_name()));
  }
  po::notify(vm);
  return vm;
}

std::optional<po::variables_map> parse_with_config(const std::vector<std::string>& args,
                                                   const po::options_description& named, const char* command) {
  po::options_description hidden;
  hidden.add_options()("config", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("config", 1);
  auto vm = parse_options(args, named, hidden, pos);
  if (vm.count("help")) {
    std::cout << named << "\n";
    return std::nullopt;
  }
  if (!vm.count("config")) throw usage_error(std::string(command) + ": missing CONFIG.ini");
  return vm;
}

}  // namespace gridctl

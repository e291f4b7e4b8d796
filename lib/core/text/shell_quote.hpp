// shell_quote: how a value is put into a /bin/sh command line (README, "The config file": placeholders).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gridctl {

/// `text` as is when every character is in [A-Za-z0-9_.,:/+=@%-] (and it is not empty),
/// else wrapped in single quotes with each ' written as '\'' — the one quoting in which
/// /bin/sh gives every byte its literal meaning ($, `, \, newlines included).
std::string shell_quote(std::string_view text);

/// shell_quote(text).size(), without building the text.
std::size_t shell_quoted_size(std::string_view text);

}  // namespace gridctl

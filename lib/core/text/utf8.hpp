// utf8: job output is arbitrary bytes; the results file is UTF-8 JSON. Repair before writing.
#pragma once

#include <string>
#include <string_view>

namespace gridctl {

/// `bytes` with every invalid UTF-8 sequence replaced by U+FFFD (one per maximal invalid
/// subpart, as the Unicode standard recommends). Valid input comes back unchanged.
std::string repair_utf8(std::string_view bytes);


}  // namespace gridctl

namespace gridctl {

/// `text` made safe for a terminal or a log: control characters (C0, DEL, C1) and invalid
/// UTF-8 bytes are written as \xNN, a backslash as \\. For every peer-supplied string (worker
/// names, reasons) before it is printed: a name must not be able to clear a screen.
std::string printable(std::string_view text);

}  // namespace gridctl

// results_reader: reading the journal back, line by line, in bounded chunks.
#include "results_reader.hpp"

#include <boost/json/parser.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace gridctl {

namespace {

/// Folds one record line into the history; false when it is not a record.
bool read_record(const boost::json::value& v, results_history& hist) {
  const auto* obj = v.if_object();
  if (!obj) return false;
  const auto* point = obj->if_contains("point");
  const auto* attempt = obj->if_contains("attempt");
  const auto* status = obj->if_contains("status");
  if (!point || !point->is_string() || !attempt || !attempt->is_int64() || !status || !status->is_string())
    return false;
  auto id = parse_point_id(point->get_string());
  auto st = parse_status(status->get_string());
  if (!id || !st) return false;
  point_history& p = hist.points[*id];
  int n = static_cast<int>(attempt->get_int64());
  if (n >= p.last_attempt) {
    p.last_attempt = n;
    p.last_status = *st;
  }
  if (*st == attempt_status::ok) p.ok = true;
  // A failure written with "uses_try": false (the command could not run; the sweep stopped)
  // leaves the point's budget as it was.
  const auto* uses_try = obj->if_contains("uses_try");
  bool counted = !(uses_try && uses_try->is_bool() && !uses_try->get_bool());
  if ((*st == attempt_status::failed || *st == attempt_status::timeout) && counted) ++p.failures;
  ++hist.records;
  return true;
}

}  // namespace

parse_result<results_history> read_results(const std::filesystem::path& file) {
  const std::string fname = file.string();
  std::ifstream in(file, std::ios::binary);
  if (!in) return input_error{fname, "cannot read the results file: " + std::string(std::strerror(errno))};

  results_history hist;
  boost::json::parser parser;
  std::string carry;  // a line that spans two reads
  std::vector<char> chunk(std::size_t{4} << 20);
  std::uint64_t offset = 0;  // file offset of carry's first byte
  std::uint64_t line_no = 0;
  bool have_header = false;
  bool line_ok = false;  // whether the last line handled was a usable header or record

  // Returns an error message for a fatal problem (bad header), else empty.
  auto handle_line = [&](std::string_view line, bool complete) -> std::string {
    ++line_no;
    line_ok = false;
    if (complete && have_header && line.find_first_not_of(" \t\r") == std::string_view::npos) {
      hist.valid_bytes = offset + line.size() + 1;  // a blank line: nothing to read, nothing wrong
      return {};
    }
    boost::system::error_code ec;
    parser.reset();
    parser.write(line.data(), line.size(), ec);
    if (!have_header) {
      if (ec && !complete) return {};  // a torn header: the file holds nothing yet
      if (ec) return "not a gridctl results file (line 1 is not JSON)";
      std::string problem = read_header(parser.release(), hist.header);
      if (!problem.empty()) return problem;
      have_header = true;
      line_ok = true;
    } else if (ec || !read_record(parser.release(), hist)) {
      std::string where = fname + ":" + std::to_string(line_no);
      hist.warnings.push_back(where + (complete ? ": skipping a malformed record"
                                                : ": ignoring a torn last line (the master stopped mid-write)"));
      if (!complete) return {};
    } else {
      line_ok = true;
    }
    if (complete) hist.valid_bytes = offset + line.size() + 1;
    return {};
  };

  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    std::size_t got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    std::string_view data(chunk.data(), got);
    std::size_t pos = 0;
    while (pos < data.size()) {
      std::size_t nl = data.find('\n', pos);
      if (nl == std::string_view::npos) {
        carry.append(data.substr(pos));
        break;
      }
      std::string problem;
      if (!carry.empty()) {
        carry.append(data.substr(pos, nl - pos));
        problem = handle_line(carry, true);
        offset += carry.size() + 1;
        carry.clear();
      } else {
        problem = handle_line(data.substr(pos, nl - pos), true);
        offset += nl - pos + 1;
      }
      if (!problem.empty()) return input_error{fname + ":1", problem};
      pos = nl + 1;
    }
  }
  if (!carry.empty()) {
    std::string problem = handle_line(carry, false);
    if (!problem.empty()) return input_error{fname + ":1", problem};
    // A complete JSON record that only lacks its newline is kept; writing resumes after it.
    if (line_ok) hist.valid_bytes = offset + carry.size();
  }
  if (!have_header) hist.valid_bytes = 0;
  return hist;
}

}  // namespace gridctl

// results journal: the JSON Lines file the sweep resumes from (docs/results-file.md; "Points, attempts,
// results"). Pinned here: the shape of the header and record lines, the `output` and `params`
// rules, that arbitrary bytes never break the file, and that reading back survives a torn last
// line, malformed lines and foreign files.
#include <boost/test/unit_test.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <csignal>
#include <sys/resource.h>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "results_reader.hpp"
#include "results_writer.hpp"
#include "utf8.hpp"
#include "resume.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace gridctl;

namespace {

struct temp_dir : gridctl::testing::temp_dir {
  temp_dir() : gridctl::testing::temp_dir("gridctl-results-tests") {}
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void spit(const fs::path& p, const std::string& bytes, bool append = false) {
  std::ofstream out(p, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  out << bytes;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::chrono::system_clock::time_point spec_started() {
  using namespace std::chrono;
  return sys_days{year{2026} / 11 / 29} + hours{16} + minutes{1} + seconds{2} + milliseconds{123};
}

results_header test_header() {
  results_header h;
  h.sweep = "think";
  h.command = "./think {p} {q}";
  h.axes = {"p", "q"};
  h.created = "2026-11-29T16:00:00.000Z";
  return h;
}

attempt_record make_record(point_id id, int attempt, attempt_status status) {
  attempt_record r;
  r.point = id;
  r.params = {{"p", "1e-06"}, {"q", "0.1"}};
  r.attempt = attempt;
  r.status = status;
  if (status == attempt_status::ok) r.exit_code = 0;
  else if (status == attempt_status::failed) r.exit_code = 1;
  r.worker = "node07";
  r.started = spec_started();
  r.duration_s = 1.5;
  r.stdout_text = "step 1\n";
  return r;
}

/// format_record(r) parsed back; fails the test when it is not one JSON object.
boost::json::object record_json(const attempt_record& r) {
  std::string line = format_record(r);
  BOOST_TEST_INFO("line " << line);
  BOOST_TEST(line.find('\n') == std::string::npos);
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(line, ec);
  BOOST_TEST_INFO("line " << line);
  BOOST_TEST_REQUIRE(!ec);
  BOOST_TEST_REQUIRE(v.is_object());
  return v.get_object();
}

struct dir_fixture {
  temp_dir dir;
  fs::path file = dir.path / "think.jsonl";
};

}  // namespace

BOOST_AUTO_TEST_SUITE(results_file)

// ---- formatting ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(header_has_the_spec_shape) {
  results_header h = test_header();
  h.created = "2026-11-29T16:01:02.123Z";
  std::string line = format_header(h);
  BOOST_TEST(line ==
             R"({"gridctl": 1, "sweep": "think", "command": "./think {p} {q}", "axes": ["p", "q"], "created": "2026-11-29T16:01:02.123Z"})");
  boost::json::value v = boost::json::parse(line);
  BOOST_TEST(v.at("gridctl").as_int64() == results_format_version);
}

BOOST_AUTO_TEST_CASE(header_escapes_its_strings) {
  results_header h = test_header();
  h.command = "echo \"{p}\"\t\\";
  h.axes = {"a\"b"};
  boost::json::value v = boost::json::parse(format_header(h));
  BOOST_TEST(v.at("command").as_string() == h.command);
  BOOST_TEST(v.at("axes").at(0).as_string() == "a\"b");
}

BOOST_AUTO_TEST_CASE(record_has_the_spec_shape) {
  attempt_record r = make_record(0x9f2c4e1a0b7d3c55ull, 1, attempt_status::ok);
  r.duration_s = 2.0041;
  r.stdout_text = "{ \"result\": 0.2 }\n";
  r.metrics = {{"result", 0.2}, {"a.b", 1e-06}};
  BOOST_TEST(format_record(r) ==
             R"({"point": "9f2c4e1a0b7d3c55", "params": {"p": 1e-06, "q": 0.1}, "attempt": 1, )"
             R"("status": "ok", "exit_code": 0, "signal": null, "worker": "node07", )"
             R"("started": "2026-11-29T16:01:02.123Z", "duration_s": 2.004, )"
             R"("stdout": "{ \"result\": 0.2 }\n", "stderr": "", "output": {"result": 0.2}, )"
             R"("metrics": {"a.b": 1e-06, "result": 0.2}})");
}

BOOST_AUTO_TEST_CASE(point_id_is_sixteen_hex_digits) {
  auto j = record_json(make_record(0x1f, 1, attempt_status::ok));
  BOOST_TEST(j.at("point").as_string() == "000000000000001f");
}

BOOST_AUTO_TEST_CASE(params_are_numbers_where_the_text_is_a_number) {
  attempt_record r = make_record(1, 1, attempt_status::ok);
  r.params = {{"eps", "1e-06"}, {"n", "-3"}, {"x", "0.5"}, {"big", "1E+16"},
              {"name", "a b"},  {"code", "007"}, {"half", ".5"}, {"dot", "1."},
              {"word", "nan"},  {"plus", "+5"}, {"quoted", "say \"x\""}};
  auto j = record_json(r);
  const auto& p = j.at("params").as_object();
  BOOST_TEST(p.size() == r.params.size());
  BOOST_TEST(p.at("eps").is_double());
  BOOST_TEST(p.at("eps").as_double() == 1e-06);
  BOOST_TEST(p.at("n").is_int64());
  BOOST_TEST(p.at("n").as_int64() == -3);
  BOOST_TEST(p.at("x").is_double());
  BOOST_TEST(p.at("big").is_double());
  BOOST_TEST(p.at("name").as_string() == "a b");
  BOOST_TEST(p.at("code").as_string() == "007");
  BOOST_TEST(p.at("half").as_string() == ".5");
  BOOST_TEST(p.at("dot").as_string() == "1.");
  BOOST_TEST(p.at("word").as_string() == "nan");
  BOOST_TEST(p.at("plus").as_string() == "+5");
  BOOST_TEST(p.at("quoted").as_string() == "say \"x\"");
  // Key order is the axis order.
  std::string line = format_record(r);
  BOOST_TEST(line.find("\"eps\": 1e-06") < line.find("\"name\": \"a b\""));
}

BOOST_AUTO_TEST_CASE(output_is_stdout_when_all_of_it_is_json) {
  attempt_record r = make_record(1, 1, attempt_status::ok);
  r.stdout_text = "{\n  \"loss\": 0.25,\n  \"acc\": [1, 2]\n}\n";
  auto j = record_json(r);
  BOOST_TEST_REQUIRE(j.contains("output"));
  BOOST_TEST(j.at("output").at("loss").as_double() == 0.25);
  BOOST_TEST(j.at("output").at("acc").as_array().size() == 2u);
  // The raw text is kept too.
  BOOST_TEST(j.at("stdout").as_string() == r.stdout_text);
}

BOOST_AUTO_TEST_CASE(output_is_the_last_non_empty_line_when_that_is_json) {
  attempt_record r = make_record(1, 1, attempt_status::ok);
  r.stdout_text = "epoch 1\nepoch 2\n{\"loss\": 0.5}\n\n  \n\n";
  auto j = record_json(r);
  BOOST_TEST_REQUIRE(j.contains("output"));
  BOOST_TEST(j.at("output").at("loss").as_double() == 0.5);

  r.stdout_text = "progress 50%\r\nprogress 100%\r\n0.125\r\n";
  j = record_json(r);
  BOOST_TEST_REQUIRE(j.contains("output"));
  BOOST_TEST(j.at("output").as_double() == 0.125);
}

BOOST_AUTO_TEST_CASE(no_output_when_stdout_is_not_json) {
  for (std::string out : {"", "\n\n", "hello world\n", "{\"a\": 1}\ndone\n", "result: {\"a\": 1}", "{\"a\": 1"}) {
    attempt_record r = make_record(1, 1, attempt_status::ok);
    r.stdout_text = out;
    auto j = record_json(r);
    BOOST_TEST_INFO("stdout " << out);
    BOOST_TEST(!j.contains("output"));
  }
}

BOOST_AUTO_TEST_CASE(output_keeps_doubles_readable) {
  attempt_record r = make_record(1, 1, attempt_status::ok);
  r.stdout_text = "{\"result\": 2E-1, \"eps\": 0.000001}";
  std::string line = format_record(r);
  BOOST_TEST(line.find("\"output\": {\"result\": 0.2, \"eps\": 1e-06}") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(truncated_stdout_looks_for_output_in_the_tail) {
  attempt_record r = make_record(1, 1, attempt_status::ok);
  r.stdout_text = "{\"head\": 1}";  // JSON by itself, but only the first bytes of stdout
  r.stdout_truncated = true;
  r.stdout_tail = "ogress 99%\n{\"final\": 3}\n";
  auto j = record_json(r);
  BOOST_TEST(j.at("stdout_truncated").as_bool() == true);
  BOOST_TEST(!j.contains("stderr_truncated"));
  BOOST_TEST_REQUIRE(j.contains("output"));
  BOOST_TEST(j.at("output").at("final").as_int64() == 3);
  BOOST_TEST(j.at("stdout").as_string() == "{\"head\": 1}");

  r.stdout_tail = "ogress 99%\nall done\n";  // the head parses, but it is not all of stdout
  j = record_json(r);
  BOOST_TEST(!j.contains("output"));
}

BOOST_AUTO_TEST_CASE(truncated_stdout_does_not_take_a_fragment_of_a_line_as_output) {
  // stdout was one long line "xxxx...xxxx 42" (not JSON): its last bytes "42" are only the end
  // of that line, so there is no JSON last line and no `output` (docs/results-file.md: "its last non-empty line").
  attempt_record r = make_record(1, 1, attempt_status::ok);
  r.stdout_text = std::string(64, 'x');
  r.stdout_truncated = true;
  r.stdout_tail = "42\n";
  auto j = record_json(r);
  BOOST_TEST(!j.contains("output"));
}

BOOST_AUTO_TEST_CASE(truncation_flags_and_error_appear_only_when_set) {
  attempt_record r = make_record(1, 1, attempt_status::ok);
  auto j = record_json(r);
  BOOST_TEST(!j.contains("stdout_truncated"));
  BOOST_TEST(!j.contains("stderr_truncated"));
  BOOST_TEST(!j.contains("error"));
  r.status = attempt_status::failed;
  r.stderr_truncated = true;
  r.error = "worker lost 3 times";
  j = record_json(r);
  BOOST_TEST(j.at("stderr_truncated").as_bool() == true);
  BOOST_TEST(j.at("error").as_string() == "worker lost 3 times");
}

BOOST_AUTO_TEST_CASE(status_exit_code_and_signal) {
  attempt_record r = make_record(1, 2, attempt_status::failed);
  r.exit_code.reset();
  r.signal = 9;
  auto j = record_json(r);
  BOOST_TEST(j.at("status").as_string() == "failed");
  BOOST_TEST(j.at("exit_code").is_null());
  BOOST_TEST(j.at("signal").as_string() == "SIGKILL");
  BOOST_TEST(j.at("attempt").as_int64() == 2);

  r.signal = 15;
  BOOST_TEST(record_json(r).at("signal").as_string() == "SIGTERM");
  r.signal.reset();
  r.exit_code = 3;
  j = record_json(r);
  BOOST_TEST(j.at("signal").is_null());
  BOOST_TEST(j.at("exit_code").as_int64() == 3);

  for (auto st : {attempt_status::ok, attempt_status::failed, attempt_status::timeout, attempt_status::lost,
                  attempt_status::canceled}) {
    r.status = st;
    BOOST_TEST(record_json(r).at("status").as_string() == to_string(st));
    BOOST_TEST((parse_status(to_string(st)) == st));
  }
  BOOST_TEST(to_string(attempt_status::canceled) == "canceled");
  BOOST_TEST(to_string(attempt_status::timeout) == "timeout");
  BOOST_TEST(!parse_status("OK").has_value());
  BOOST_TEST(!parse_status("").has_value());
}

BOOST_AUTO_TEST_CASE(signal_names) {
  BOOST_TEST(signal_name(9) == "SIGKILL");
  BOOST_TEST(signal_name(15) == "SIGTERM");
  BOOST_TEST(signal_name(2) == "SIGINT");
  BOOST_TEST(signal_name(11) == "SIGSEGV");
  BOOST_TEST(signal_name(200) == "SIG200");
}

BOOST_AUTO_TEST_CASE(binary_output_keeps_every_line_parseable) {
  std::string bytes;
  for (int b = 0; b < 256; ++b) bytes += static_cast<char>(b);
  bytes += "\xE2\x82";  // a character cut at the end
  attempt_record r = make_record(1, 1, attempt_status::failed);
  r.stdout_text = bytes;
  r.stderr_text = "\xFF\xFE" + bytes + "\n\n";
  r.worker = "node\xC3";
  auto j = record_json(r);
  BOOST_TEST(std::string(j.at("stdout").as_string()) == repair_utf8(r.stdout_text));
  BOOST_TEST(std::string(j.at("stderr").as_string()) == repair_utf8(r.stderr_text));
  BOOST_TEST(std::string(j.at("worker").as_string()) == "node\xEF\xBF\xBD");
}

BOOST_AUTO_TEST_CASE(started_is_iso8601_utc_with_milliseconds) {
  BOOST_TEST(format_utc(spec_started()) == "2026-11-29T16:01:02.123Z");
  BOOST_TEST(format_utc(std::chrono::system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
  BOOST_TEST(format_utc(std::chrono::system_clock::time_point{} + std::chrono::milliseconds{-1}) ==
             "1969-12-31T23:59:59.999Z");
  using namespace std::chrono;
  BOOST_TEST(format_utc(sys_days{year{2024} / 2 / 29} + hours{23} + minutes{59} + seconds{59} + milliseconds{7}) ==
             "2024-02-29T23:59:59.007Z");
  std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  BOOST_TEST(std::regex_match(format_utc(system_clock::now()), iso));
  BOOST_TEST(format_utc(system_clock::time_point::min()).starts_with("1677-09-21T"));  // the clock's ends
  BOOST_TEST(format_utc(system_clock::time_point::max()).starts_with("2262-04-11T"));
  auto j = record_json(make_record(1, 1, attempt_status::ok));
  BOOST_TEST(j.at("started").as_string() == "2026-11-29T16:01:02.123Z");
}

BOOST_AUTO_TEST_CASE(duration_is_rounded_to_milliseconds) {
  struct dcase {
    double in;
    const char* text;
  };
  for (auto c : {dcase{2.0041, "2.004"}, dcase{2.0046, "2.005"}, dcase{0.0004, "0"}, dcase{12.5, "12.5"},
                 dcase{3600.123456, "3600.123"}, dcase{0.001, "0.001"}, dcase{7, "7"}}) {
    attempt_record r = make_record(1, 1, attempt_status::ok);
    r.duration_s = c.in;
    std::string line = format_record(r);
    BOOST_TEST_INFO("duration " << c.in);
    BOOST_TEST(line.find(std::string("\"duration_s\": ") + c.text + ",") != std::string::npos);
  }
}

// ---- writing and reading back -------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(a_failure_that_used_no_try_leaves_the_point_runnable, dir_fixture) {
  // The sweep stopped because its command could not run: those failures must not make the
  // point "failed for good" for the next run (issue 6).
  const point_id a = 0xa;
  {
    auto w = results_writer::create(file, test_header());
    attempt_record r = make_record(a, 1, attempt_status::failed);
    r.exit_code = 127;
    r.uses_try = false;
    r.error = "the command could not run";
    w.append(r);
  }
  std::string text = slurp(file);
  BOOST_TEST(text.find("\"uses_try\": false") != std::string::npos);
  auto hist = read_results(file);
  BOOST_TEST_REQUIRE(hist.ok());
  const auto& pa = hist->points.at(a);
  BOOST_TEST(pa.failures == 0);
  BOOST_TEST(pa.last_attempt == 1);
  auto d = decide_resume(&pa, 0, false);
  BOOST_TEST((d.verdict == resume_decision::run));
  BOOST_TEST(d.next_attempt == 2);
}

BOOST_FIXTURE_TEST_CASE(round_trip_builds_the_per_point_history, dir_fixture) {
  const point_id a = 0xa, b = 0xb, c = 0xc, d = 0xd;
  {
    auto w = results_writer::create(file, test_header());
    BOOST_TEST(w.path() == file);
    w.append(make_record(a, 1, attempt_status::failed));
    w.append(make_record(b, 1, attempt_status::failed));
    w.append(make_record(a, 2, attempt_status::timeout));
    w.append(make_record(c, 1, attempt_status::lost));
    w.append(make_record(a, 3, attempt_status::ok));
    w.append(make_record(c, 2, attempt_status::canceled));
    w.append(make_record(d, 1, attempt_status::ok));
    w.sync();
  }
  std::string text = slurp(file);
  auto lines = lines_of(text);
  BOOST_TEST(lines.size() == 8u);
  BOOST_TEST(text.back() == '\n');
  for (const auto& l : lines) BOOST_TEST(boost::json::parse(l).is_object());

  auto hist = read_results(file);
  BOOST_TEST_REQUIRE(hist.ok(), (hist.ok() ? "" : hist.error().text()));
  BOOST_TEST(hist->records == 7u);
  BOOST_TEST(hist->warnings.empty());
  BOOST_TEST(hist->valid_bytes == text.size());
  BOOST_TEST(hist->header.version == 1);
  BOOST_TEST(hist->header.sweep == "think");
  BOOST_TEST(hist->header.command == "./think {p} {q}");
  BOOST_TEST((hist->header.axes == std::vector<std::string>{"p", "q"}));
  BOOST_TEST(hist->header.created == "2026-11-29T16:00:00.000Z");
  BOOST_TEST_REQUIRE(hist->points.size() == 4u);

  const auto& pa = hist->points.at(a);
  BOOST_TEST(pa.last_attempt == 3);
  BOOST_TEST(pa.failures == 2);  // failed + timeout
  BOOST_TEST(pa.ok);
  BOOST_TEST((pa.last_status == attempt_status::ok));

  const auto& pb = hist->points.at(b);
  BOOST_TEST(pb.last_attempt == 1);
  BOOST_TEST(pb.failures == 1);
  BOOST_TEST(!pb.ok);
  BOOST_TEST((pb.last_status == attempt_status::failed));

  const auto& pc = hist->points.at(c);
  BOOST_TEST(pc.last_attempt == 2);
  BOOST_TEST(pc.failures == 0);  // lost and canceled use no retry
  BOOST_TEST(!pc.ok);
  BOOST_TEST((pc.last_status == attempt_status::canceled));

  const auto& pd = hist->points.at(d);
  BOOST_TEST(pd.last_attempt == 1);
  BOOST_TEST(pd.ok);
}

BOOST_FIXTURE_TEST_CASE(create_replaces_what_was_there, dir_fixture) {
  spit(file, "{\"gridctl\": 1, \"swe");  // a torn header
  { auto w = results_writer::create(file, test_header()); }
  BOOST_TEST(slurp(file) == format_header(test_header()) + "\n");
}

BOOST_FIXTURE_TEST_CASE(writer_errors_are_system_errors, dir_fixture) {
  BOOST_CHECK_THROW(results_writer::create(dir.path / "no" / "such" / "dir.jsonl", test_header()), std::system_error);
  BOOST_CHECK_THROW(results_writer::append_to(dir.path / "missing.jsonl", 0), std::system_error);
}

BOOST_FIXTURE_TEST_CASE(missing_file_is_an_error, dir_fixture) {
  auto hist = read_results(dir.path / "missing.jsonl");
  BOOST_TEST(!hist.ok());
}

BOOST_FIXTURE_TEST_CASE(torn_last_line_is_skipped_and_cut_on_append, dir_fixture) {
  {
    auto w = results_writer::create(file, test_header());
    w.append(make_record(1, 1, attempt_status::ok));
    w.append(make_record(2, 1, attempt_status::failed));
  }
  const std::string intact = slurp(file);
  std::string torn = format_record(make_record(3, 1, attempt_status::ok));
  torn.resize(torn.size() / 2);  // the master died mid-write
  spit(file, torn, true);

  auto hist = read_results(file);
  BOOST_TEST_REQUIRE(hist.ok(), (hist.ok() ? "" : hist.error().text()));
  BOOST_TEST(hist->records == 2u);
  BOOST_TEST(hist->valid_bytes == intact.size());
  BOOST_TEST(hist->points.count(3) == 0u);
  BOOST_TEST_REQUIRE(hist->warnings.size() == 1u);
  BOOST_TEST(hist->warnings[0].find(file.string() + ":4") == 0u, hist->warnings[0]);

  {
    auto w = results_writer::append_to(file, hist->valid_bytes);
    w.append(make_record(4, 2, attempt_status::ok));
  }
  const std::string after = slurp(file);
  BOOST_TEST(after == intact + format_record(make_record(4, 2, attempt_status::ok)) + "\n");
  auto again = read_results(file);
  BOOST_TEST_REQUIRE(again.ok());
  BOOST_TEST(again->records == 3u);
  BOOST_TEST(again->warnings.empty());
  BOOST_TEST(again->points.count(3) == 0u);
  BOOST_TEST(again->points.at(4).last_attempt == 2);
  BOOST_TEST(again->valid_bytes == after.size());
}

BOOST_FIXTURE_TEST_CASE(complete_last_record_without_newline_is_kept, dir_fixture) {
  { auto w = results_writer::create(file, test_header()); }
  const std::string last = format_record(make_record(5, 1, attempt_status::ok));
  spit(file, last, true);  // died between the record and its newline (or a hand edit)
  const std::size_t size = slurp(file).size();

  auto hist = read_results(file);
  BOOST_TEST_REQUIRE(hist.ok());
  BOOST_TEST(hist->records == 1u);
  BOOST_TEST(hist->points.at(5).ok);
  BOOST_TEST(hist->valid_bytes == size);

  {
    auto w = results_writer::append_to(file, hist->valid_bytes);
    w.append(make_record(6, 1, attempt_status::failed));
  }
  const std::string text = slurp(file);
  BOOST_TEST(text == format_header(test_header()) + "\n" + last + "\n" +
                         format_record(make_record(6, 1, attempt_status::failed)) + "\n");
  auto again = read_results(file);
  BOOST_TEST_REQUIRE(again.ok());
  BOOST_TEST(again->records == 2u);
  BOOST_TEST(again->warnings.empty());
  BOOST_TEST(again->points.count(5) == 1u);
  BOOST_TEST(again->points.count(6) == 1u);
}

BOOST_FIXTURE_TEST_CASE(header_without_newline_is_kept, dir_fixture) {
  spit(file, format_header(test_header()));
  auto hist = read_results(file);
  BOOST_TEST_REQUIRE(hist.ok());
  BOOST_TEST(hist->header.sweep == "think");
  BOOST_TEST(hist->valid_bytes == format_header(test_header()).size());
  {
    auto w = results_writer::append_to(file, hist->valid_bytes);
    w.append(make_record(1, 1, attempt_status::ok));
  }
  BOOST_TEST(slurp(file) == format_header(test_header()) + "\n" + format_record(make_record(1, 1, attempt_status::ok)) + "\n");
}

BOOST_FIXTURE_TEST_CASE(torn_header_means_nothing_was_recorded, dir_fixture) {
  spit(file, "{\"gridctl\": 1, \"sweep\": \"th");
  auto hist = read_results(file);
  BOOST_TEST_REQUIRE(hist.ok(), (hist.ok() ? "" : hist.error().text()));
  BOOST_TEST(hist->valid_bytes == 0u);
  BOOST_TEST(hist->records == 0u);
}

BOOST_FIXTURE_TEST_CASE(malformed_lines_in_the_middle_are_skipped_with_a_warning, dir_fixture) {
  std::string text = format_header(test_header()) + "\n" + format_record(make_record(1, 1, attempt_status::ok)) +
                     "\n" + "this is not json\n" + "{\"point\": \"zz\", \"attempt\": 1, \"status\": \"ok\"}\n" +
                     "{\"point\": \"0000000000000009\", \"attempt\": 1, \"status\": \"exploded\"}\n" +
                     format_record(make_record(2, 1, attempt_status::failed)) + "\n";
  spit(file, text);
  auto hist = read_results(file);
  BOOST_TEST_REQUIRE(hist.ok(), (hist.ok() ? "" : hist.error().text()));
  BOOST_TEST(hist->records == 2u);
  BOOST_TEST(hist->points.count(1) == 1u);
  BOOST_TEST(hist->points.count(2) == 1u);
  BOOST_TEST(hist->points.count(9) == 0u);
  BOOST_TEST(hist->valid_bytes == text.size());
  BOOST_TEST_REQUIRE(hist->warnings.size() == 3u);
  BOOST_TEST(hist->warnings[0].find(file.string() + ":3") == 0u, hist->warnings[0]);
  BOOST_TEST(hist->warnings[1].find(file.string() + ":4") == 0u, hist->warnings[1]);
  BOOST_TEST(hist->warnings[2].find(file.string() + ":5") == 0u, hist->warnings[2]);
}

BOOST_FIXTURE_TEST_CASE(a_malformed_complete_last_line_is_kept_on_append, dir_fixture) {
  // Only a torn (unterminated) line is cut; a complete line, even one we cannot read, stays.
  const std::string text = format_header(test_header()) + "\n" +
                           format_record(make_record(1, 1, attempt_status::ok)) + "\n" + "{\"note\": \"hand edit\"}\n";
  spit(file, text);
  auto hist = read_results(file);
  BOOST_TEST_REQUIRE(hist.ok());
  BOOST_TEST(hist->records == 1u);
  BOOST_TEST(hist->warnings.size() == 1u);
  BOOST_TEST(hist->valid_bytes == text.size());
  {
    auto w = results_writer::append_to(file, hist->valid_bytes);
    w.append(make_record(2, 1, attempt_status::ok));
  }
  BOOST_TEST(slurp(file) == text + format_record(make_record(2, 1, attempt_status::ok)) + "\n");
}

BOOST_FIXTURE_TEST_CASE(the_highest_attempt_gives_the_last_status, dir_fixture) {
  // Lines of one point out of attempt order (a hand-merged file): attempt numbers decide, and
  // for the same attempt number the later line wins.
  {
    auto w = results_writer::create(file, test_header());
    w.append(make_record(1, 3, attempt_status::failed));
    w.append(make_record(1, 1, attempt_status::lost));
    w.append(make_record(2, 1, attempt_status::lost));
    w.append(make_record(2, 1, attempt_status::timeout));
  }
  auto hist = read_results(file);
  BOOST_TEST_REQUIRE(hist.ok());
  const auto& p1 = hist->points.at(1);
  BOOST_TEST(p1.last_attempt == 3);
  BOOST_TEST((p1.last_status == attempt_status::failed));
  BOOST_TEST(p1.failures == 1);
  const auto& p2 = hist->points.at(2);
  BOOST_TEST(p2.last_attempt == 1);
  BOOST_TEST((p2.last_status == attempt_status::timeout));
  BOOST_TEST(p2.failures == 1);
}

BOOST_FIXTURE_TEST_CASE(binary_output_round_trips_through_the_file, dir_fixture) {
  std::string bytes;
  for (int b = 0; b < 256; ++b) bytes += static_cast<char>(b);
  attempt_record r = make_record(1, 1, attempt_status::failed);
  r.stdout_text = bytes + "\n" + bytes;
  r.stderr_text = "\r\n\x1b[31mred\x1b[0m\xC3";
  {
    auto w = results_writer::create(file, test_header());
    w.append(r);
    w.append(make_record(2, 1, attempt_status::ok));
  }
  auto lines = lines_of(slurp(file));
  BOOST_TEST_REQUIRE(lines.size() == 3u);
  for (const auto& l : lines) {
    boost::system::error_code ec;
    boost::json::parse(l, ec);
    BOOST_TEST(!ec);
  }
  auto hist = read_results(file);
  BOOST_TEST_REQUIRE(hist.ok());
  BOOST_TEST(hist->records == 2u);
  BOOST_TEST(hist->warnings.empty());
}

BOOST_FIXTURE_TEST_CASE(lines_longer_than_the_read_chunk, dir_fixture) {
  // Control bytes are escaped to 6 characters: 1 MiB of them is a 6 MiB line, so lines span
  // the reader's buffer boundaries and a torn last line is longer than one read.
  attempt_record big = make_record(0, 1, attempt_status::ok);
  big.stdout_text = std::string(std::size_t{1} << 20, '\x01');
  {
    auto w = results_writer::create(file, test_header());
    for (point_id id = 1; id <= 3; ++id) {
      big.point = id;
      w.append(big);
    }
  }
  const std::size_t intact = fs::file_size(file);
  big.point = 4;
  std::string torn = format_record(big);
  torn.resize(torn.size() - 10);
  spit(file, torn, true);

  auto hist = read_results(file);
  BOOST_TEST_REQUIRE(hist.ok());
  BOOST_TEST(hist->records == 3u);
  BOOST_TEST(hist->points.count(3) == 1u);
  BOOST_TEST(hist->points.count(4) == 0u);
  BOOST_TEST(hist->valid_bytes == intact);
  BOOST_TEST_REQUIRE(hist->warnings.size() == 1u);
  BOOST_TEST(hist->warnings[0].find(file.string() + ":5") == 0u, hist->warnings[0]);
}

BOOST_FIXTURE_TEST_CASE(foreign_files_are_refused, dir_fixture) {
  const std::string record = format_record(make_record(1, 1, attempt_status::ok)) + "\n";
  for (std::string first : {"{\"foo\": 1}", "hello world", "[1, 2, 3]", "{\"gridctl\": \"1\"}", ""}) {
    spit(file, first + "\n" + record);
    auto hist = read_results(file);
    BOOST_TEST_INFO("line 1: " << first);
    BOOST_TEST_REQUIRE(!hist.ok());
    BOOST_TEST(hist.error().message.find("not a gridctl results file") != std::string::npos,
               hist.error().message);
    const std::string& where = hist.error().where;
    BOOST_TEST(where == file.string() + ":1");
  }
}

BOOST_FIXTURE_TEST_CASE(a_newer_format_is_refused, dir_fixture) {
  spit(file, "{\"gridctl\": 2, \"sweep\": \"think\", \"command\": \"x\", \"axes\": [], \"created\": \"\"}\n");
  auto hist = read_results(file);
  BOOST_TEST_REQUIRE(!hist.ok());
  BOOST_TEST(hist.error().message.find("newer") != std::string::npos, hist.error().message);
  BOOST_TEST(hist.error().where == file.string() + ":1");
}

BOOST_FIXTURE_TEST_CASE(backup_names_count_up, dir_fixture) {
  spit(file, "x");
  BOOST_TEST(backup_name(file) == fs::path(file.string() + ".1"));
  spit(file.string() + ".1", "x");
  BOOST_TEST(backup_name(file) == fs::path(file.string() + ".2"));
  spit(file.string() + ".2", "x");
  BOOST_TEST(backup_name(file) == fs::path(file.string() + ".3"));
  // A dangling symlink still takes the name: a rename onto it would replace the link.
  fs::create_symlink(dir.path / "nowhere", file.string() + ".3");
  BOOST_TEST(backup_name(file) == fs::path(file.string() + ".4"));
}

BOOST_AUTO_TEST_CASE(records_kept_for_a_flush_go_out_together_in_order) {
  temp_dir dir;
  fs::path file = dir.path / "r.jsonl";
  const point_id a = 0x0123456789abcdefull, b = 0xfedcba9876543210ull;
  auto w = results_writer::create(file, test_header());
  w.append_later(make_record(a, 1, attempt_status::ok));
  w.append_later(make_record(b, 1, attempt_status::failed));
  BOOST_TEST(w.holds_lines());
  BOOST_TEST(lines_of(slurp(file)).size() == 1u);  // the header only, until the flush
  w.append(make_record(b, 2, attempt_status::ok));  // an immediate one keeps the order
  BOOST_TEST(!w.holds_lines());
  auto lines = lines_of(slurp(file));
  BOOST_TEST_REQUIRE(lines.size() == 4u);
  BOOST_TEST(lines[1].find("\"attempt\": 1, \"status\": \"ok\"") != std::string::npos, lines[1]);
  BOOST_TEST(lines[2].find("\"failed\"") != std::string::npos, lines[2]);
  BOOST_TEST(lines[3].find("\"attempt\": 2") != std::string::npos, lines[3]);
}

BOOST_AUTO_TEST_CASE(a_write_that_fails_halfway_leaves_only_whole_lines) {
  // A full disk, played by RLIMIT_FSIZE: the write stops mid-batch. What went in of it is cut,
  // so the next record is not glued to a torn line.
  temp_dir dir;
  fs::path file = dir.path / "r.jsonl";
  auto w = results_writer::create(file, test_header());
  w.append(make_record(1, 1, attempt_status::ok));
  const auto whole = fs::file_size(file);
  struct rlimit old {};
  BOOST_TEST_REQUIRE(::getrlimit(RLIMIT_FSIZE, &old) == 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old;
  small.rlim_cur = static_cast<rlim_t>(whole + 100);  // room for part of the next record only
  BOOST_TEST_REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
  for (int i = 2; i < 6; ++i) w.append_later(make_record(static_cast<point_id>(i), 1, attempt_status::ok));
  bool threw = false;
  try {
    w.flush();
  } catch (const std::system_error&) {
    threw = true;
  }
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  BOOST_TEST(threw);
  BOOST_TEST(!w.holds_lines());  // dropped: they are told as an error, not retried
  BOOST_TEST(fs::file_size(file) == whole);
  w.append(make_record(7, 1, attempt_status::ok));  // the disk has room again
  auto lines = lines_of(slurp(file));
  BOOST_TEST_REQUIRE(lines.size() == 3u);
  for (const auto& l : lines) BOOST_TEST((!l.empty() && l.front() == '{' && l.back() == '}'), l);
}

BOOST_AUTO_TEST_CASE(a_results_file_is_locked_by_one_sweep_at_a_time) {
  // Two sweeps appending to one file would interleave their journals.
  temp_dir dir;
  fs::path file = dir.path / "r.jsonl";
  {
    results_lock first = results_lock::acquire(file);
    BOOST_TEST(fs::exists(file));  // created empty, for the lock
    BOOST_TEST(fs::file_size(file) == 0u);
    try {
      results_lock second = results_lock::acquire(file);
      BOOST_TEST(false, "a second lock was granted");
    } catch (const std::runtime_error& e) {
      BOOST_TEST(std::string(e.what()).find("in use") != std::string::npos, e.what());
    }
    results_lock moved = std::move(first);  // the lock moves with the object
    BOOST_CHECK_THROW(results_lock::acquire(file), std::runtime_error);
  }
  BOOST_CHECK_NO_THROW(results_lock::acquire(file));  // released with the last holder
  BOOST_CHECK_THROW(results_lock::acquire(dir.path / "no" / "dir.jsonl"), std::system_error);
}

BOOST_AUTO_TEST_SUITE_END()

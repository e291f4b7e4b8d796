// attempt_output: running attempts' buffers and their records (see attempt_output.hpp).
#include "attempt_output.hpp"

#include <algorithm>

namespace gridctl {

void attempt_outputs::dispatched(const task& t, worker_id worker, steady_time now,
                                 std::chrono::system_clock::time_point wall) {
  attempt_output& buf = by_attempt_[{t.id, t.attempt}];
  buf.dispatched = now;
  buf.dispatched_wall = wall;
  buf.index = t.index;
  buf.worker = worker;
}

void attempt_outputs::append(const protocol::output& o) {
  attempt_output& buf = by_attempt_[{o.point, o.attempt}];
  std::string& text = o.stream == 1 ? buf.out : buf.err;
  bool& cut = o.stream == 1 ? buf.out_cut : buf.err_cut;
  std::size_t room = limit_ > text.size() ? limit_ - text.size() : 0;
  if (o.bytes.size() > room) cut = true;
  text.append(o.bytes, 0, std::min(room, o.bytes.size()));
}

const attempt_output& attempt_outputs::ended(protocol::done&& d) {
  attempt_output& buf = by_attempt_[{d.point, d.attempt}];
  buf.done = std::move(d);
  return buf;
}

attempt_output attempt_outputs::take(point_id id, int attempt) {
  attempt_output buf;
  if (auto it = by_attempt_.find({id, attempt}); it != by_attempt_.end()) {
    buf = std::move(it->second);
    by_attempt_.erase(it);
  }
  return buf;
}

std::uint64_t attempt_outputs::running_on(worker_id w) const {
  std::uint64_t n = 0;
  for (const auto& [k, buf] : by_attempt_) n += buf.worker == w && !buf.done;
  return n;
}

std::vector<std::pair<std::string, std::string>> point_params(const grid& points, std::uint64_t index) {
  std::vector<std::string> values = points.values(index);
  std::vector<std::pair<std::string, std::string>> params;
  params.reserve(values.size());
  for (std::size_t k = 0; k < values.size(); ++k) params.emplace_back(points.axes()[k].name(), values[k]);
  return params;
}

metric_values metrics_so_far(const std::vector<metric_rule>& rules, const attempt_output& buf) {
  bool cut = buf.out_cut || (buf.done && buf.done->stdout_dropped > 0);
  std::string_view tail = buf.done ? std::string_view(buf.done->stdout_tail) : std::string_view();
  return compute_metrics(rules, buf.out, buf.err, job_output(buf.out, cut, tail));
}

attempt_record make_record(const action::ended& e, attempt_output buf, const grid& points,
                           const std::vector<metric_rule>& rules, std::string worker, steady_time now) {
  attempt_record r;
  r.point = e.t.id;
  r.params = point_params(points, e.t.index);
  r.attempt = e.t.attempt;
  r.status = e.status;
  r.started = buf.dispatched_wall;
  r.duration_s = std::chrono::duration<double>(now - buf.dispatched).count();
  r.stdout_truncated = buf.out_cut;
  r.stderr_truncated = buf.err_cut;
  if (buf.done) {  // lost and unconfirmed attempts have no end report
    protocol::done& d = *buf.done;
    r.exit_code = d.exit_code;
    r.signal = d.signal;
    r.started = std::chrono::system_clock::time_point(std::chrono::milliseconds(d.started_ms));
    r.duration_s = static_cast<double>(d.duration_us) / 1e6;
    r.stdout_truncated = r.stdout_truncated || d.stdout_dropped > 0;
    r.stderr_truncated = r.stderr_truncated || d.stderr_dropped > 0;
    r.stdout_tail = std::move(d.stdout_tail);
  }
  r.worker = std::move(worker);
  r.stdout_text = std::move(buf.out);
  r.stderr_text = std::move(buf.err);
  r.error = e.error;
  r.uses_try = e.uses_try;
  if (buf.done && !buf.done->error.empty())  // the worker's note on how the attempt ended
    r.error = r.error.empty() ? buf.done->error : r.error + "; " + buf.done->error;
  r.metrics = compute_metrics(rules, r.stdout_text, r.stderr_text, record_output(r));
  return r;
}

}  // namespace gridctl

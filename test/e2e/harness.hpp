// harness: what the end-to-end tests need to drive the real gridctl binary — a temporary
// directory per test, processes started with fork/exec in process groups of their own, bounded
// waits, real signals, the results file read back with Boost.JSON, and a free port on 127.0.0.1.
//
// The fixture makes the test process a child subreaper, so that anything a started process
// leaves behind (an embedded worker whose master was SIGKILLed, a job whose worker died) is
// re-parented to the test; the destructor SIGKILLs every process group it started and every
// descendant it can find, reaps them, and removes the directory — also when the test failed.
// When a test failed, the stderr of every process it started is printed. GRIDCTL_E2E_KEEP=1
// keeps the directories of failed tests, GRIDCTL_E2E_KEEP=all of every test.
#pragma once

#include <sys/types.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>
#include <zmq.hpp>

namespace e2e {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

/// Absolute paths of the binaries under test (from the build, see test/CMakeLists.txt).
std::string gridctl_path();
std::string think_path();
/// The binary's protocol version, for the raw peers that speak to it (from lib/core/dispatch/protocol.hpp).
inline const std::string protocol = GRIDCTL_E2E_PROTOCOL;

/// What the results file holds: the header, then one object per complete record line.
struct results {
  boost::json::object header;
  std::vector<boost::json::object> records;
  bool torn = false;       ///< the last line had no newline (skipped)
  std::size_t lines = 0;   ///< complete lines, header included
};

/// Reads and parses a results file; throws (failing the test) on a line that is not JSON.
/// A torn last line (no newline: the writer died mid-line) is skipped and flagged.
results read_results(const fs::path& file);
/// Number of complete record lines (the header excluded), 0 when the file does not exist yet.
std::size_t count_records(const fs::path& file);

/// The records of each point id, in file order.
std::map<std::string, std::vector<boost::json::object>> by_point(const std::vector<boost::json::object>& records);
/// How many of these records have this status.
std::size_t count_status(const std::vector<boost::json::object>& records, const std::string& status);
/// Checks that the records cover exactly `points` points and that each ended ok exactly once
/// (the property every fault test is about).
void check_each_point_ok_once(const std::vector<boost::json::object>& records, std::size_t points);

/// Convenience accessors into a record; they fail the test on a missing key or a wrong type.
std::string str(const boost::json::object& o, const char* key);
std::int64_t integer(const boost::json::object& o, const char* key);
double number(const boost::json::value& v);

/// A port on 127.0.0.1 that was free a moment ago (bound to :0 and read back).
int free_port();

/// A TCP socket listening on 127.0.0.1:port (closed when destroyed); port 0 picks one.
class listening_socket {
 public:
  explicit listening_socket(int port = 0);
  ~listening_socket();
  listening_socket(const listening_socket&) = delete;
  listening_socket& operator=(const listening_socket&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

/// Process ids whose command line (arguments joined by spaces) contains `needle`; never this
/// process, never a zombie.
std::vector<pid_t> pids_matching(const std::string& needle);
/// Process ids whose command line starts with `prefix` (e.g. "sleep 30.5" finds the sleep, not
/// the `sh -c '...; sleep 30.5'` that runs it); only descendants of `under` unless it is 0.
std::vector<pid_t> pids_starting_with(const std::string& prefix, pid_t under = 0);
/// Direct children of `parent` (from /proc/*/stat), zombies excluded.
std::vector<pid_t> children_of(pid_t parent);
/// All descendants of `root`, deepest last.
std::vector<pid_t> descendants_of(pid_t root);
/// True while the process exists and is not a zombie.
bool alive(pid_t pid);
/// CPU time (user + system) the process has used so far, in seconds; nullopt if it is gone.
std::optional<double> cpu_seconds(pid_t pid);

/// Polls `cond` every 20 ms until it holds or `limit` passes; returns whether it held.
bool wait_until(const std::function<bool()>& cond, clock_type::duration limit);
/// Waits until every thread of the process is asleep at two polls in a row (20 ms apart): it
/// has handled what woke it — e.g. a worker has sent on the output its jobs printed — so that a
/// test can kill it knowing what it had passed on. False after `limit`, or if it is gone.
bool wait_quiet(pid_t pid, clock_type::duration limit);

// ---- a ZeroMQ peer of the master, speaking (or abusing) lib/core/protocol.hpp ------------

/// GRIDCTL_E2E_AUTH=curve (README, "Security"): every `gridctl sweep` and `gridctl worker` a
/// sandbox starts gets `--auth curve` (unless the test gave --auth) and GRIDCTL_KEYS=SANDBOX/e2e_keys
/// (made by `gridctl keygen` when the sandbox is made), and dealer() / fake_master() speak
/// CurveZMQ with those keys — so that the whole suite runs once with CurveZMQ forced.
bool curve_forced();

/// The key in a key file written by gridctl keygen (its last line).
std::string curve_key(const fs::path& file);
/// Makes `s` a CurveZMQ client of the master whose public key file is `master_pub`, with the
/// key pair in `pub` / `secret`.
void make_curve_client(zmq::socket_t& s, const fs::path& master_pub, const fs::path& pub, const fs::path& secret);

/// A ZeroMQ message, frame by frame.
using frames = std::vector<std::string>;
/// A DEALER (what a worker uses) connected to `endpoint`; receives time out after 100 ms.
/// `linger` is how long a closed socket still sends what it queued (0: drop it).
zmq::socket_t dealer(zmq::context_t& ctx, const std::string& endpoint,
                     std::chrono::milliseconds linger = std::chrono::milliseconds(0));
/// A ROUTER standing in for a master (not yet bound); a CURVE server under curve_forced().
zmq::socket_t fake_master(zmq::context_t& ctx);
/// Sends one multipart message; fails the test when it cannot be queued.
void send_frames(zmq::socket_t& s, const frames& f);
/// The next message, or nullopt after `limit`.
std::optional<frames> receive(zmq::socket_t& s, std::chrono::milliseconds limit);
/// The next message whose first frame is `type`, dropping the others (heartbeats, ...), or
/// nullopt after `limit`.
std::optional<frames> receive_type(zmq::socket_t& s, const std::string& type, std::chrono::milliseconds limit);

/// The status a process ended with, shell-style: the exit code, or 128 + the signal number.
using exit_status = int;

struct process_info {
  std::string name;
  std::vector<std::string> argv;
  fs::path out, err;
  std::optional<exit_status> status;
};

/// One test's sandbox. Construct it first in a test (or use it as a Boost.Test fixture).
class sandbox {
 public:
  sandbox();
  ~sandbox();
  sandbox(const sandbox&) = delete;
  sandbox& operator=(const sandbox&) = delete;

  const fs::path& dir() const { return dir_; }
  fs::path path(const std::string& name) const { return dir_ / name; }

  /// Writes `text` to dir()/name and returns the path.
  fs::path write_file(const std::string& name, const std::string& text) const;
  std::string read_file(const fs::path& file) const;

  /// Starts argv[0] (a path) with these arguments and extra environment variables, stdout and
  /// stderr to dir()/NAME.out and dir()/NAME.err, stdin from /dev/null, in a new process group.
  pid_t start(const std::string& name, const std::vector<std::string>& argv,
              const std::vector<std::pair<std::string, std::string>>& env = {});
  /// start() of the gridctl binary with these arguments.
  pid_t gridctl(const std::string& name, const std::vector<std::string>& args);

  /// Waits up to `limit` for the process to end; its status, or nullopt if it still runs.
  std::optional<exit_status> wait(pid_t pid, clock_type::duration limit);
  /// start() + wait(); fails the test (and kills the process) when it does not end in time.
  exit_status run_gridctl(const std::string& name, const std::vector<std::string>& args,
                          clock_type::duration limit = 60s);

  /// Sends `sig` to the process, or to its whole process group.
  void signal(pid_t pid, int sig) const;
  void signal_group(pid_t pgid, int sig) const;
  /// SIGKILLs the process, its group, and every descendant and their groups.
  void kill_tree(pid_t pid) const;

  /// stdout / stderr a started process has written so far.
  std::string out_of(pid_t pid) const;
  std::string err_of(pid_t pid) const;

  /// Prints every process's stderr to the test log (used when a test fails).
  void dump_logs() const;

 private:
  pid_t start_as_given(const std::string& name, const std::vector<std::string>& argv,
                       const std::vector<std::pair<std::string, std::string>>& env);

  fs::path dir_;
  std::map<pid_t, process_info> procs_;
};

/// A small INI builder: sections in order, one `key = value` per line.
class ini {
 public:
  ini& section(const std::string& name);
  ini& set(const std::string& key, const std::string& value);
  std::string text() const { return text_; }

 private:
  std::string text_;
};

/// Children of `parent` that have exited and were not reaped (zombies).
std::vector<pid_t> zombie_children_of(pid_t parent);

// ---- a sweep served by remote workers ---------------------------------------------------

/// "tcp://127.0.0.1:PORT".
std::string endpoint_on(int port);

/// The master of a sweep without an embedded worker (--local 0), listening on `endpoint`; its
/// logs under "sweep".
pid_t start_master(sandbox& sb, const fs::path& config, const std::string& endpoint);
/// A gridctl worker named `name` with `slots` slots serving one sweep (--once) at `endpoint`;
/// its logs under `label` (default: the name).
pid_t start_worker(sandbox& sb, const std::string& endpoint, const std::string& name, int slots,
                   const std::string& label = {});

/// A master and its remote workers w1, w2, ...
struct remote_sweep {
  std::string endpoint;  ///< on a free port of 127.0.0.1
  pid_t master = -1;
  std::vector<pid_t> workers;  ///< w1 first
};
/// Workers first: their hellos wait until the master binds, so they join at about the same time.
enum class start_order { master_first, workers_first };
/// Starts a master and `workers` workers (w1, w2, ...) of `slots` slots each.
remote_sweep start_remote_sweep(sandbox& sb, const fs::path& config, int workers = 2, int slots = 2,
                                start_order order = start_order::master_first);

/// Waits up to `limit` until `n` processes whose command line starts with `marker` run under
/// `worker` (its jobs started); fails the test otherwise.
void require_jobs_running(pid_t worker, const std::string& marker, std::size_t n, clock_type::duration limit = 20s);
/// Waits up to `limit` for the master to exit with status 0; fails the test otherwise.
void check_sweep_ok(sandbox& sb, pid_t master, clock_type::duration limit = 60s);
/// Each of these --once workers exits with status 0 within 15 s (once the sweep has ended).
void check_workers_done(sandbox& sb, const std::vector<pid_t>& workers);

}  // namespace e2e

// transport_floor: the floor under case c of bench/run (the master's CPU per job). A ROUTER
// process that does nothing but what the master's transport must do: for each `done` it
// receives (14 frames, as protocol.cpp encodes them), it sends one `job` (8 frames) back, over
// ZeroMQ on loopback TCP, to WORKERS dealers in a child process that answer each job at once,
// BATCH dones per send at most (as a worker's held reports). No scheduler, no results file, no
// event loop: what it costs per job is what any master on ZeroMQ pays on this machine, and
// gridctl's own work comes on top of it. (Its dealers send a batch when BATCH ends are held or
// their queue is down to what they hold, without gridctl's 20 ms limit: the batch size is the
// variable here.)
//   gridctl_transport_floor [JOBS [WORKERS [QUEUE [BATCH [RATE]]]]]  (defaults 4000 4 8 4 2400)
// RATE: jobs ended per second, all dealers together (0: as fast as they can). The master's CPU
// per job depends on it: at a lower rate each wake finds fewer messages.
// Prints the router process's CPU (user+sys of all its threads, ZeroMQ's I/O thread included)
// per job, its voluntary context switches per job, and the wall time.
#include <zmq.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <thread>
#include <vector>

namespace {

std::vector<std::string> job_frames(int n) {
  std::string point = std::to_string(1000000000000000 + n);
  std::string env = "GRIDCTL_POINT=" + point + '\0' + "GRIDCTL_ATTEMPT=1" + '\0' + "GRIDCTL_P_x=" +
                    std::to_string(n) + '\0';
  return {"job", point, "1", "true", "/tmp/gridctl-bench.XXXXXX/c", env, "1048576", "5000"};
}

std::vector<std::string> done_frames(const std::string& point) {
  return {"done", point, "1", "0", "", "1764870000123", "812", "0", "0", "", "0", "", point, "1"};
}

void send_frames(zmq::socket_t& s, const std::vector<std::string>& frames) {
  for (std::size_t i = 0; i < frames.size(); ++i)
    s.send(zmq::buffer(frames[i]), i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
}

/// Receives one multipart message; frames[0] is the first frame after any routing id.
std::vector<std::string> recv_frames(zmq::socket_t& s, zmq::recv_flags flags = zmq::recv_flags::none) {
  std::vector<std::string> frames;
  zmq::message_t m;
  if (!s.recv(m, flags)) return frames;
  frames.emplace_back(m.to_string());
  while (m.more()) {
    (void)s.recv(m);
    frames.emplace_back(m.to_string());
  }
  return frames;
}

/// One dealer: hello, then ends one queued job every `interval` (none: as soon as it is
/// received) and sends the ends held back, BATCH at most per send, or sooner when its queue is
/// empty (as a worker's held reports), until "stop".
void dealer(zmq::context_t& ctx, const std::string& endpoint, int batch, std::chrono::microseconds interval) {
  zmq::socket_t s(ctx, zmq::socket_type::dealer);
  s.connect(endpoint);
  send_frames(s, {"hello"});
  std::deque<std::string> queue;
  std::vector<std::string> held;
  auto next_end = std::chrono::steady_clock::now();
  for (;;) {
    // Wait for a job only when none is queued; otherwise take what has arrived.
    for (auto flags = queue.empty() ? zmq::recv_flags::none : zmq::recv_flags::dontwait;;
         flags = zmq::recv_flags::dontwait) {
      std::vector<std::string> f = recv_frames(s, flags);
      if (f.empty()) break;
      if (f[0] == "stop") return;
      queue.push_back(f[1]);
    }
    if (interval.count() > 0) {
      next_end = std::max(next_end + interval, std::chrono::steady_clock::now());
      std::this_thread::sleep_until(next_end);
    }
    held.push_back(std::move(queue.front()));
    queue.pop_front();
    if (static_cast<int>(held.size()) >= batch || queue.size() <= held.size()) {
      for (const std::string& p : held) send_frames(s, done_frames(p));
      held.clear();
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int jobs = argc > 1 ? std::atoi(argv[1]) : 4000;
  const int workers = argc > 2 ? std::atoi(argv[2]) : 4;
  const int queue = argc > 3 ? std::atoi(argv[3]) : 8;
  const int batch = argc > 4 ? std::atoi(argv[4]) : 4;
  const int rate = argc > 5 ? std::atoi(argv[5]) : 2400;
  if (jobs < 1 || workers < 1 || queue < 1 || batch < 1 || rate < 0) {
    std::fprintf(stderr, "usage: gridctl_transport_floor [JOBS [WORKERS [QUEUE [BATCH [RATE]]]]]\n");
    return 2;
  }
  // The dealers' process is forked before any ZeroMQ context exists (a context does not
  // survive fork); it learns the router's port through a pipe.
  int port_pipe[2];
  if (::pipe(port_pipe) != 0) return 1;
  pid_t child = ::fork();
  if (child < 0) return 1;
  if (child == 0) {
    ::close(port_pipe[1]);
    char buf[128] = {};
    if (::read(port_pipe[0], buf, sizeof buf - 1) <= 0) _exit(1);
    const std::chrono::microseconds interval(rate > 0 ? 1000000LL * workers / rate : 0);
    zmq::context_t ctx;
    std::vector<std::thread> threads;
    for (int i = 0; i < workers; ++i) threads.emplace_back(dealer, std::ref(ctx), std::string(buf), batch, interval);
    for (auto& t : threads) t.join();
    _exit(0);
  }
  ::close(port_pipe[0]);

  zmq::context_t ctx;
  zmq::socket_t router(ctx, zmq::socket_type::router);
  router.bind("tcp://127.0.0.1:*");
  std::string endpoint = router.get(zmq::sockopt::last_endpoint);
  if (::write(port_pipe[1], endpoint.c_str(), endpoint.size()) != static_cast<ssize_t>(endpoint.size())) return 1;
  ::close(port_pipe[1]);

  rusage r0{};
  ::getrusage(RUSAGE_SELF, &r0);
  const auto t0 = std::chrono::steady_clock::now();
  int sent = 0, done = 0;
  std::vector<std::string> ids;
  auto send_job = [&](const std::string& id) {
    router.send(zmq::buffer(id), zmq::send_flags::sndmore);
    send_frames(router, job_frames(sent++));
  };
  while (done < jobs) {
    zmq::message_t id;
    (void)router.recv(id);
    std::vector<std::string> f = recv_frames(router);
    if (f[0] == "hello") {
      ids.push_back(id.to_string());
      for (int i = 0; i < queue && sent < jobs; ++i) send_job(ids.back());
    } else if (f[0] == "done") {
      ++done;
      if (sent < jobs) send_job(id.to_string());
    }
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rusage r1{};
  ::getrusage(RUSAGE_SELF, &r1);
  for (const std::string& id : ids) {
    router.send(zmq::buffer(id), zmq::send_flags::sndmore);
    send_frames(router, {"stop"});
  }
  int status = 0;
  ::waitpid(child, &status, 0);

  auto us = [](const timeval& a, const timeval& b) { return (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_usec - a.tv_usec); };
  const double cpu_us = us(r0.ru_utime, r1.ru_utime) + us(r0.ru_stime, r1.ru_stime);
  std::printf("transport floor: %d jobs, %d dealers, queue %d, batch %d, %d jobs/s asked (0: no limit)\n", jobs,
              workers, queue, batch, rate);
  std::printf("    wall: %.3f s  %.0f jobs/s\n", wall, jobs / wall);
  std::printf("    router CPU (user+sys, all threads): %.3f s = %.1f us per job\n", cpu_us / 1e6, cpu_us / jobs);
  std::printf("    router voluntary context switches: %.2f per job\n",
              static_cast<double>(r1.ru_nvcsw - r0.ru_nvcsw) / jobs);
  return 0;
}

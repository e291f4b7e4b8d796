// zap_handler: RFC 27 answers from authorized_workers; the master's CURVE options.
#include "zap_handler.hpp"

#include "curve_keys.hpp"
#include "text_file.hpp"

namespace gridctl {

namespace fs = std::filesystem;

zap_handler::zap_handler(boost::asio::io_context& io, zmq::context_t& ctx, fs::path authorized,
                         std::function<void(const std::string&)> log)
    : socket_(ctx, zmq::socket_type::rep),
      // A REP socket: each answer goes at once (the next request is readable only after it).
      watcher_(io, socket_, [this](frame_list&& f) { on_request(std::move(f)); }, {}, false),
      file_(std::move(authorized)),
      log_(std::move(log)) {
  socket_.set(zmq::sockopt::linger, 0);
}

void zap_handler::start() {
  socket_.bind("inproc://zeromq.zap.01");
  reload_if_changed();
  watcher_.start();
}

void zap_handler::on_request(frame_list&& f) {
  // version, request id, domain, address, routing id, mechanism, credentials... (RFC 27)
  std::string request_id = f.size() > 1 ? f[1] : std::string();
  bool ok = false;
  if (f.size() >= 7 && f[0] == "1.0" && f[5] == "CURVE") {
    std::string key = z85_of_binary_key(f[6]);
    ok = authorized(key);
    if (!ok && told_.insert(key).second)
      log_("refused a worker from " + f[3] + ": its key " + key.substr(0, 8) + "... is not in " + file_.string() +
           " (add that worker's worker.pub there to let it in)");
  }
  watcher_.send({"1.0", request_id, ok ? "200" : "400", ok ? "OK" : "not authorized", "", ""});
}

bool zap_handler::authorized(const std::string& z85_key) {
  reload_if_changed();
  return keys_.count(z85_key) > 0;
}

void zap_handler::reload_if_changed() {
  std::error_code ec;
  auto time = fs::last_write_time(file_, ec);
  auto size = ec ? 0 : fs::file_size(file_, ec);
  if (ec) {
    if (!told_missing_) log_("cannot read " + file_.string() + " (" + ec.message() + "): no worker is let in");
    told_missing_ = true;
    keys_.clear();
    seen_time_.reset();
    return;
  }
  told_missing_ = false;
  if (seen_time_ && *seen_time_ == time && seen_size_ == size) return;
  seen_time_ = time;
  seen_size_ = size;
  auto text = read_text_file(file_, text_limits{16 << 20, 0});
  auto keys = text ? parse_authorized_workers(*text, file_.string()) : parse_result<std::set<std::string>>(text.error());
  if (!keys) {
    log_(keys.error().text() + ": keeping the " + std::to_string(keys_.size()) + " keys read before");
    return;
  }
  keys_ = std::move(*keys);
}

master_security::master_security(boost::asio::io_context& io, zmq::context_t& ctx, auth_mode auth,
                                 std::function<void(const std::string&)> log)
    : io_(io), ctx_(ctx), auth_(auth), log_(std::move(log)) {}

void master_security::prepare_bind(zmq::socket_t& socket, const std::string& endpoint) {
  if (!uses_curve(auth_, endpoint)) {
    if (auto warning = plain_endpoint_warning(auth_, endpoint)) log_(*warning);
    prepare_private_bind(socket);
    return;
  }
  if (!keys_) {
    key_files files = default_key_files();
    if (!has_master_keys(files)) {
      write_new_keys(files, false);
      log_("made CurveZMQ keys in " + files.dir.string() +
           " (as gridctl keygen would): workers sharing this home directory need nothing more; on other machines "
           "copy master.pub, worker.key and worker.pub into ~/.config/gridctl");
    }
    keys_ = load_master_keys(files);
    // The ZAP handler must be there before the first CURVE bind, or libzmq lets everyone in.
    zap_.emplace(io_, ctx_, files.authorized(), log_);
    zap_->start();
    log_("CurveZMQ on; workers listed in " + files.authorized().string() + " are let in");
  }
  socket.set(zmq::sockopt::curve_server, 1);
  socket.set(zmq::sockopt::curve_secretkey, keys_->secret_key);
}

void master_security::prepare_private_bind(zmq::socket_t& socket) {
  socket.set(zmq::sockopt::curve_server, 0);  // zmq_setsockopt(3): 0 resets the socket to NULL security
}

}  // namespace gridctl

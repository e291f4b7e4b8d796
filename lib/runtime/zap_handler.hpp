// zap_handler: the master's CurveZMQ side (README, "Security"). A CURVE server without a ZAP
// handler lets in any client that knows the server's public key, so before the ROUTER binds a
// CURVE endpoint this binds a REP socket on inproc://zeromq.zap.01 (RFC 27) in the master's own
// Asio loop (socket_watcher; drained until ZMQ_EVENTS has no POLLIN, which inproc needs) and
// answers each handshake: 200 for a key listed in authorized_workers, 400 otherwise. libzmq then
// drops a refused peer before any message reaches the ROUTER: it receives nothing at all.
//
//   ROUTER bind (CURVE) --- handshake ---> libzmq session --ZAP request--> zap_handler (REP)
//                                                         <--200 / 400---- authorized_workers
#pragma once

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <zmq.hpp>

#include "auth_mode.hpp"
#include "key_store.hpp"
#include "socket_watcher.hpp"

namespace gridctl {

/// Answers ZAP requests from the keys of an authorized_workers file, re-read when its size or
/// modification time changes (checked on every request: handshakes are rare).
class zap_handler {
 public:
  zap_handler(boost::asio::io_context& io, zmq::context_t& ctx, std::filesystem::path authorized,
              std::function<void(const std::string&)> log);
  zap_handler(const zap_handler&) = delete;
  zap_handler& operator=(const zap_handler&) = delete;

  /// Binds inproc://zeromq.zap.01 and starts answering.
  void start();
  /// A heartbeat's safety net (socket_watcher::poll).
  void poll() { watcher_.poll(); }

 private:
  void on_request(frame_list&& frames);
  bool authorized(const std::string& z85_key);
  void reload_if_changed();

  zmq::socket_t socket_;
  socket_watcher watcher_;
  std::filesystem::path file_;
  std::function<void(const std::string&)> log_;
  std::set<std::string> keys_;
  std::optional<std::filesystem::file_time_type> seen_time_;
  std::uintmax_t seen_size_ = 0;
  bool told_missing_ = false;
  std::set<std::string> told_;  ///< refused keys already logged (once each)
};

/// The master's security for each endpoint it binds: CURVE server options and the ZAP handler
/// for the endpoints `auth` puts under CurveZMQ (keys made on first use, and said where), plain
/// ones otherwise (with the warning for `none` off loopback).
class master_security {
 public:
  master_security(boost::asio::io_context& io, zmq::context_t& ctx, auth_mode auth,
                  std::function<void(const std::string&)> log);

  /// Sets `socket`'s security options for binding `endpoint` next. Throws on missing or bad keys.
  void prepare_bind(zmq::socket_t& socket, const std::string& endpoint);
  /// The same for the embedded worker's private 127.0.0.1 endpoint: always plain (loopback, and
  /// the worker is our own child).
  static void prepare_private_bind(zmq::socket_t& socket);
  void poll() {
    if (zap_) zap_->poll();
  }

 private:
  boost::asio::io_context& io_;
  zmq::context_t& ctx_;
  auth_mode auth_;
  std::function<void(const std::string&)> log_;
  std::optional<curve_pair> keys_;
  std::optional<zap_handler> zap_;
};

}  // namespace gridctl

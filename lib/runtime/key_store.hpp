// key_store: CurveZMQ key pairs on disk (README, "Security"). `gridctl keygen` and a master that
// finds no keys make them here with zmq_curve_keypair; master and worker load theirs. The file
// formats and the permission rule are lib/core's (curve_keys.hpp).
#pragma once

#include <filesystem>
#include <string>

#include "curve_keys.hpp"

namespace gridctl {

/// A key pair, Z85 text (40 characters each).
struct curve_pair {
  std::string public_key;
  std::string secret_key;
};

/// What a worker needs: its own pair and the master's public key it pins.
struct worker_keys {
  curve_pair own;
  std::string master_public;
};

/// $GRIDCTL_KEYS, else ~/.config/gridctl. Throws when neither that nor HOME is set.
key_files default_key_files();

/// Writes master.key (0600), master.pub, worker.key (0600), worker.pub and authorized_workers
/// (listing worker.pub) into files.dir, made 0700 if missing. Without `force`, an existing key
/// file is left alone and this throws, naming it. Throws on any failure to write.
void write_new_keys(const key_files& files, bool force);

/// Whether the master's key pair is there (either file).
bool has_master_keys(const key_files& files);

/// Load the master's pair / a worker's keys. Throws std::runtime_error with a message that
/// names the file and what to do (e.g. which file to copy from the master, or the chmod).
curve_pair load_master_keys(const key_files& files);
worker_keys load_worker_keys(const key_files& files);

/// The Z85 text of a 32-byte binary key (as ZAP hands keys over).
std::string z85_of_binary_key(const std::string& binary);

}  // namespace gridctl

// GroupCommitter: runs requests' writes in shared transactions, so that one fsync serves
// many requests (SQLite with synchronous=FULL allows a few thousand commits a second; one
// commit of a batch of hundreds costs about the same).
//
// Each operation runs inside its own savepoint: when it fails, its writes are rolled back,
// `on_failure` may record the failure (an audit event), and the other operations of the batch
// go on. An operation whose only write is its last statement (a read and its audit event) may
// skip the savepoint. `done` runs after the batch's commit is durable, with the operation's own
// result, or with Unavailable when the commit (or its sync) failed; a request is acknowledged
// only then.
//
// Where the storage syncs separately (SQLite: one fdatasync of the WAL), the committer commits
// a batch and starts the next while a second thread ("kf-sync") syncs: the disk's latency then
// overlaps the next batch's work instead of adding to it, and one sync serves every batch
// committed before it. The `done` callbacks run on that thread (else on the committer's), in
// submission order across batches: they must only hand the result on (the subjects use case leaves
// decryption to the caller's thread for this reason).
//
// Every batch first makes sure the master key it wraps new keys under is the database's
// current one (Keyring::FollowEpoch), and holds that steady until it commits: a key rotation
// beside the server never sees a key wrapped under the old key after its start.
//
// Thread-safe: Submit from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include "app/audit_writer.h"

namespace konfid::app {

struct CommitterStats {
  uint64_t batches = 0;
  uint64_t operations = 0;
  uint64_t audit_events = 0;
  uint64_t syncs = 0;  // separate syncs (Storage::Sync); 0 where commits sync themselves
};

class GroupCommitter {
 public:
  using Work = std::function<Status(ports::Transaction&, AuditWriter&)>;
  using OnFailure = std::function<Status(ports::Transaction&, AuditWriter&, const Error&)>;
  using Done = std::function<void(Status)>;

  GroupCommitter(ports::Storage& storage, ports::Crypto& crypto, Keyring& keyring,
                 ports::Clock& clock, size_t max_batch = 512);
  // Finishes what was submitted, then stops.
  ~GroupCommitter();

  void Submit(Work work, OnFailure on_failure, Done done, bool savepoint = true);
  // Submits and waits: for the CLI and tests.
  Status Run(Work work, OnFailure on_failure = nullptr);

  CommitterStats stats() const;
  // Whether this process's master key is still the database's (Keyring::FollowEpoch, in a
  // transaction of its own): for /readyz. Every batch checks it too, before its work runs.
  Status CheckKeyEpoch();

 private:
  struct Op {
    Work work;
    OnFailure on_failure;
    Done done;
    bool savepoint = true;
  };
  struct Completion {
    Done done;
    Status status;
  };
  void Loop();
  void RunBatch(std::vector<Op>& batch);
  // Hands the batch's results on: at once, or to the sync thread when `committed` needs a sync.
  void Complete(std::vector<Completion> completions, bool committed);
  void SyncLoop();

  ports::Storage& storage_;
  ports::Crypto& crypto_;
  Keyring& keyring_;
  ports::Clock& clock_;
  const size_t max_batch_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Op> queue_;
  bool stopping_ = false;
  CommitterStats stats_;
  std::set<std::string> tenants_seen_;  // committer thread only: heads to lock at a batch's start
  // Batches waiting for the sync thread, in commit order; `true` when committed unsynced.
  const bool separate_sync_;
  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  std::deque<std::pair<std::vector<Completion>, bool>> unsynced_;
  bool sync_stopping_ = false;
  std::thread sync_thread_;
  std::thread thread_;
};

}  // namespace konfid::app

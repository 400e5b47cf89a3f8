// A storage that fails on demand, for tests of what the layers above do when the database
// does: commits that fail, syncs that fail or wait, acts of destruction that cannot be stored.
// Everything else forwards to the real storage it wraps (which must outlive it). The switches are
// atomics, so a test may flip them while other threads use the storage.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "forwarding_storage.h"

namespace konfid::fakes {

class FaultyStorage : public ForwardingStorage {
 public:
  explicit FaultyStorage(ports::Storage& inner) : ForwardingStorage(inner) {}

  // Commit and CommitUnsynced of every transaction fail (Unavailable) while set.
  std::atomic<bool> fail_commits{false};
  // InsertDestructionAct fails (Unavailable) while set: an act of destruction that cannot be
  // stored.
  std::atomic<bool> fail_acts{false};
  // Sync fails (Unavailable, as a failed fdatasync does) while set.
  std::atomic<bool> fail_syncs{false};
  // Sync waits while held: a disk that has not answered yet.
  void HoldSyncs(bool hold) {
    {
      std::lock_guard lock(sync_mu_);
      hold_syncs_ = hold;
    }
    sync_cv_.notify_all();
  }

  Result<std::unique_ptr<ports::Transaction>> Begin(bool write) override {
    KONFID_ASSIGN_OR_RETURN(auto t, inner().Begin(write));
    return std::unique_ptr<ports::Transaction>(
        new Transaction(std::move(t), fail_commits, fail_acts));
  }
  Status Sync() override {
    {
      std::unique_lock lock(sync_mu_);
      sync_cv_.wait(lock, [&] { return !hold_syncs_; });
    }
    if (fail_syncs) return Fail(ErrorCode::kUnavailable, "the change may not have been saved");
    return inner().Sync();
  }

 private:
  class Transaction : public ForwardingTransaction {
   public:
    Transaction(std::unique_ptr<ports::Transaction> t, std::atomic<bool>& fail,
                std::atomic<bool>& fail_acts)
        : ForwardingTransaction(std::move(t)), fail_(fail), fail_acts_(fail_acts) {}
    Status InsertDestructionAct(const ports::DestructionActRow& row) override {
      if (fail_acts_)
        return Fail(ErrorCode::kUnavailable, "the act could not be stored", "injected");
      return inner().InsertDestructionAct(row);
    }
    Status Commit() override {
      if (fail_)
        return Fail(ErrorCode::kUnavailable, "the change could not be committed", "injected");
      return inner().Commit();
    }
    Status CommitUnsynced() override {
      if (fail_)
        return Fail(ErrorCode::kUnavailable, "the change could not be committed", "injected");
      return inner().CommitUnsynced();
    }

   private:
    std::atomic<bool>& fail_;
    std::atomic<bool>& fail_acts_;
  };

  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  bool hold_syncs_ = false;
};

}  // namespace konfid::fakes

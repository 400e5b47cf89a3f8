#include "app/group_committer.h"

#include <pthread.h>

#include <exception>
#include <future>

namespace konfid::app {

GroupCommitter::GroupCommitter(ports::Storage& storage, ports::Crypto& crypto, Keyring& keyring,
                               ports::Clock& clock, size_t max_batch)
    : storage_(storage),
      crypto_(crypto),
      keyring_(keyring),
      clock_(clock),
      max_batch_(max_batch == 0 ? 1 : max_batch),
      separate_sync_(storage.syncs_separately()),
      thread_([this] { Loop(); }) {
  if (separate_sync_) sync_thread_ = std::thread([this] { SyncLoop(); });
}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  {
    std::lock_guard lock(sync_mu_);
    sync_stopping_ = true;
  }
  sync_cv_.notify_all();
  if (sync_thread_.joinable()) sync_thread_.join();
}

void GroupCommitter::Complete(std::vector<Completion> completions, bool committed) {
  if (!separate_sync_) {
    for (auto& c : completions) c.done(std::move(c.status));
    return;
  }
  {  // even a failed batch waits its turn, so that results keep their order
    std::lock_guard lock(sync_mu_);
    unsynced_.emplace_back(std::move(completions), committed);
  }
  sync_cv_.notify_one();
}

void GroupCommitter::SyncLoop() {
  pthread_setname_np(pthread_self(), "kf-sync");
  std::deque<std::pair<std::vector<Completion>, bool>> ready;
  while (true) {
    {
      std::unique_lock lock(sync_mu_);
      sync_cv_.wait(lock, [&] { return sync_stopping_ || !unsynced_.empty(); });
      if (unsynced_.empty()) return;  // stopping, and the committer has finished
      ready.swap(unsynced_);
    }
    bool any = false;
    for (const auto& batch : ready) any = any || batch.second;
    // One sync for every batch committed so far: those that arrived while the last one ran.
    Status synced = any ? storage_.Sync() : Ok();
    if (any) {
      std::lock_guard lock(mu_);
      ++stats_.syncs;
    }
    for (auto& [completions, committed] : ready) {
      for (auto& c : completions) {
        if (committed && !synced) c.status = Fail(synced.error());
        c.done(std::move(c.status));
      }
    }
    ready.clear();
  }
}

void GroupCommitter::Submit(Work work, OnFailure on_failure, Done done, bool savepoint) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(Op{std::move(work), std::move(on_failure), std::move(done), savepoint});
      cv_.notify_one();
      return;
    }
  }
  done(Fail(ErrorCode::kUnavailable, "the service is shutting down"));
}

Status GroupCommitter::Run(Work work, OnFailure on_failure) {
  std::promise<Status> promise;
  auto future = promise.get_future();
  Submit(std::move(work), std::move(on_failure),
         [&promise](Status st) { promise.set_value(std::move(st)); });
  return future.get();
}

Status GroupCommitter::CheckKeyEpoch() {
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
  return keyring_.FollowEpoch(*txn);
}

CommitterStats GroupCommitter::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void GroupCommitter::Loop() {
  pthread_setname_np(pthread_self(), "kf-committer");
  std::vector<Op> batch;
  while (true) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    RunBatch(batch);
    batch.clear();
  }
}

namespace {
Status Guarded(const std::function<Status()>& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kInternal, "internal error", std::string("exception: ") + e.what());
  }
}
}  // namespace

void GroupCommitter::RunBatch(std::vector<Op>& batch) {
  auto fail_all = [&](const Error& e) {
    std::vector<Completion> out;
    for (auto& op : batch) out.push_back({std::move(op.done), Fail(e)});
    Complete(std::move(out), false);
  };
  auto txn = storage_.Begin(true);
  if (!txn) return fail_all(txn.error());
  // Work wraps subject keys under the keyring's key: it must be the database's until commit.
  if (Status epoch = keyring_.FollowEpoch(**txn); !epoch) return fail_all(epoch.error());
  AuditWriter audit(crypto_, keyring_, clock_, **txn);
  for (const auto& tenant : tenants_seen_)  // sorted: every node locks heads in one order
    if (auto st = audit.LockHead(tenant); !st) return fail_all(st.error());
  std::vector<Status> results;
  results.reserve(batch.size());
  for (auto& op : batch) {
    ports::Transaction& t = **txn;
    if (!op.savepoint) {
      // Reads: nothing is written before the last statement, the audit append, so a failure
      // leaves nothing to undo. A storage failure leaves the transaction in an unknown state
      // (PostgreSQL aborts it): then the whole batch fails.
      Status result = Guarded([&] { return op.work(t, audit); });
      if (!result) {
        ErrorCode code = result.error().code();
        if (code == ErrorCode::kUnavailable || code == ErrorCode::kInternal)
          return fail_all(result.error());
        if (op.on_failure) {
          Status recorded = Guarded([&] { return op.on_failure(t, audit, result.error()); });
          if (!recorded) return fail_all(recorded.error());
        }
      }
      results.push_back(std::move(result));
      continue;
    }
    Status st = t.Savepoint();
    if (!st) return fail_all(st.error());
    audit.Mark();
    Status result = Guarded([&] { return op.work(t, audit); });
    if (result) {
      st = t.ReleaseSavepoint();
    } else {
      st = t.RollbackToSavepoint();
      audit.Restore();
      if (st && op.on_failure) {
        // Recording the failure gets a savepoint of its own: if it fails too, this request
        // reports its error and the rest of the batch still commits.
        st = t.Savepoint();
        audit.Mark();
        Status recorded =
            st ? Guarded([&] { return op.on_failure(t, audit, result.error()); }) : st;
        if (st) st = recorded ? t.ReleaseSavepoint() : t.RollbackToSavepoint();
        if (!recorded) audit.Restore();
      }
    }
    if (!st) return fail_all(st.error());
    results.push_back(std::move(result));
  }
  for (auto& tenant : audit.Tenants()) tenants_seen_.insert(std::move(tenant));
  Status st = audit.Flush();
  if (st) st = separate_sync_ ? (*txn)->CommitUnsynced() : (*txn)->Commit();
  if (!st) return fail_all(st.error());
  txn->reset();
  {
    std::lock_guard lock(mu_);
    ++stats_.batches;
    stats_.operations += batch.size();
    stats_.audit_events += audit.count();
  }
  std::vector<Completion> out;
  out.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i)
    out.push_back({std::move(batch[i].done), std::move(results[i])});
  Complete(std::move(out), true);
}

}  // namespace konfid::app

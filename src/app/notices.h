// The notice job: tells the subjects whose consent a material policy version outdated.
//
// Publishing a material version writes a notice run with it (app/policy_store.cc). Once the
// version is in force, the job walks the subjects of the consent ledger in id order, a batch
// per transaction, and Vault::QueueNotices queues a notice for each subject whose live
// consent the version outdated; the run's cursor moves in the same transaction, so a restart
// neither skips nor repeats anyone. The outbox job then sends the notices.
#pragma once

#include "app/policy_store.h"
#include "app/vault.h"
#include "core/periodic.h"
#include "ports/storage.h"

namespace konfid::app {

// The plan of one run: the versions before and at `version` from `active`'s history.
// NotFound when the version is not in force (or has no version before it).
Result<NoticePlan> PlanNotices(const ActivePolicy& active, const ports::NoticeRunRow& run);

class NoticeJob {
 public:
  NoticeJob(ports::Storage& storage, const PolicyStore& policies, Vault& vault, size_t batch = 100);
  ~NoticeJob() { thread_.Stop(); }

  // Every run of every tenant whose version is in force, to its end. Returns the notices
  // queued.
  Result<size_t> RunOnce();
  // RunOnce every `period` on a thread of its own until destruction.
  void RunEvery(std::chrono::milliseconds period);

 private:
  ports::Storage& storage_;
  const PolicyStore& policies_;
  Vault& vault_;
  size_t batch_;
  PeriodicThread thread_;  // last: stopped before the rest goes
};

}  // namespace konfid::app

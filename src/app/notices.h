// The notice job: tells the subjects whose consent a material policy version outdates.
//
// Publishing a material version writes a notice run with it (app/policy_store.cc), and, when
// the version takes effect later and the policy announces changes by email, an announcement
// run. The job walks the subjects of the consent ledger in id order, a batch per transaction,
// and PolicyNotices::Queue queues a message for each subject whose live consent the version
// outdates: the announcement at once (when and what changes), the notice once the version is
// in force (with a link to decide). The run's cursor moves in the same transaction, so a
// restart neither skips nor repeats anyone. The outbox job then sends the messages. An
// announcement whose version came into force before it was sent is dropped: the notice says
// it all.
#pragma once

#include "app/policy_notices.h"
#include "app/policy_store.h"
#include "ports/storage.h"

namespace konfid::app {

// The plan of one run: the versions before and at `run.version` from `history` (every
// version up to it). NotFound when the history lacks it (or a version before it).
Result<NoticePlan> PlanNotices(const PolicyHistory& history, const ports::NoticeRunRow& run);

class NoticeJob {
 public:
  NoticeJob(ports::Storage& storage, const PolicyStore& policies, PolicyNotices& notices,
            size_t batch = 100);

  // Every announcement run, and every notice run whose version is in force, to its end.
  // Returns the messages queued.
  Result<size_t> RunOnce();

 private:
  ports::Storage& storage_;
  const PolicyStore& policies_;
  PolicyNotices& notices_;
  size_t batch_;
};

}  // namespace konfid::app

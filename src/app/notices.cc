#include "app/notices.h"

#include "domain/consent.h"

namespace konfid::app {

Result<NoticePlan> PlanNotices(const PolicyHistory& history, const ports::NoticeRunRow& run) {
  size_t i = 0;
  while (i < history.size() && history[i].first != run.version) ++i;
  if (i == 0 || i == history.size())
    return Fail(ErrorCode::kNotFound,
                "policy version " + std::to_string(run.version) + " is not in the history");
  NoticePlan plan;
  plan.tenant = run.tenant;
  plan.version = run.version;
  plan.before = history[i - 1].second;
  plan.after = history[i].second;
  plan.epochs_before = EpochsUpTo(history, history[i - 1].first);
  plan.epochs_after = EpochsUpTo(history, run.version);
  plan.purposes =
      domain::OutdatedPurposes(*plan.before, *plan.after, plan.epochs_after, run.version);
  plan.after_subject = run.after_subject;
  plan.queued = run.queued;
  plan.kind = run.kind;
  return plan;
}

NoticeJob::NoticeJob(ports::Storage& storage, const PolicyStore& policies, PolicyNotices& notices,
                     size_t batch)
    : storage_(storage), policies_(policies), notices_(notices), batch_(batch) {}

Result<size_t> NoticeJob::RunOnce() {
  size_t queued = 0;
  for (const auto& tenant : policies_.Tenants()) {
    auto active = policies_.Current(tenant);
    if (!active) continue;
    std::vector<ports::NoticeRunRow> runs;
    {
      KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
      KONFID_ASSIGN_OR_RETURN(runs, txn->ListNoticeRuns(tenant));
    }
    for (auto run : runs) {
      bool announcement = run.kind == "announcement";
      if (!announcement && run.version > active->version) continue;  // told once in force
      PolicyHistory upcoming;
      if (announcement) {
        if (run.version <= active->version) {  // too late: the notice tells it all
          KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(true));
          ports::NoticeRunRow done = run;
          done.done = true;
          KONFID_TRY(txn->AdvanceNoticeRun(done, run.after_subject));
          KONFID_TRY(txn->Commit());
          continue;
        }
        KONFID_ASSIGN_OR_RETURN(upcoming, policies_.History(tenant, run.version));
      }
      KONFID_ASSIGN_OR_RETURN(NoticePlan plan,
                              PlanNotices(announcement ? upcoming : active->history, run));
      // The effective time is the version row's; the history keeps only the policies.
      {
        KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
        KONFID_ASSIGN_OR_RETURN(auto row, txn->FindPolicyVersion(tenant, run.version));
        if (row) plan.effective_at = row->effective_at;
      }
      while (true) {
        auto batch = notices_.Queue(plan, batch_);
        if (!batch && batch.error().code() == ErrorCode::kConflict) break;  // another node
        KONFID_TRY(batch);
        queued += batch->queued;
        plan.after_subject = batch->after_subject;
        plan.queued += int64_t(batch->queued);
        if (batch->done) break;
      }
    }
  }
  return queued;
}

}  // namespace konfid::app

#include "jobs/service_jobs.h"

namespace konfid::jobs {

namespace {

int64_t Signed(size_t n) { return static_cast<int64_t>(n); }

}  // namespace

Result<Report> PolicyJob::RunOnce(UnixMicros now) {
  KONFID_ASSIGN_OR_RETURN(size_t changed, policies_.Refresh(now));
  return Report().Count("activated", Signed(changed));
}

Result<Report> AuditCheckpointJob::RunOnce(UnixMicros now) {
  KONFID_ASSIGN_OR_RETURN(app::CheckpointReport r, checkpoints_.RunOnce(now));
  return Report()
      .Count("signed", Signed(r.signed_heads.size()))
      .Count("unchanged", Signed(r.unchanged));
}

Result<Report> NoticesJob::RunOnce(UnixMicros) {
  KONFID_ASSIGN_OR_RETURN(size_t queued, notices_.RunOnce());
  return Report().Count("queued", Signed(queued));
}

Result<Report> ConsentExpiryJob::RunOnce(UnixMicros now) {
  KONFID_ASSIGN_OR_RETURN(size_t expired, expiry_.RunOnce(now));
  return Report().Count("expired", Signed(expired));
}

Result<Report> RetentionJob::RunOnce(UnixMicros now) {
  KONFID_ASSIGN_OR_RETURN(app::RetentionReport r, retention_.RunOnce(now));
  return Report()
      .Count("subjects", Signed(r.subjects))
      .Count("fields_destroyed", Signed(r.fields_destroyed))
      .Count("subjects_erased", Signed(r.subjects_erased))
      .Count("kept_blocked", Signed(r.kept_blocked))
      .Count("kept_for_requests", Signed(r.kept_for_requests))
      .Count("failed", Signed(r.failed))
      .Count("acts_pruned", Signed(r.acts_pruned));
}

Result<Report> OutboxJob::RunOnce(UnixMicros now) {
  KONFID_ASSIGN_OR_RETURN(app::OutboxStats s, sender_.RunOnce(now));
  return Report()
      .Count("sent", Signed(s.sent))
      .Count("retried", Signed(s.retried))
      .Count("failed", Signed(s.failed));
}

Result<Report> RequestDigestJob::RunOnce(UnixMicros now) {
  KONFID_ASSIGN_OR_RETURN(app::DigestPass pass, digest_.RunOnce(now));
  return Report().Count("queued", Signed(pass.queued)).Count("terms", Signed(pass.terms));
}

Result<Report> CodePurgeJob::RunOnce(UnixMicros now) {
  KONFID_ASSIGN_OR_RETURN(uint64_t purged, identity_.PurgeCodes(now));
  return Report().Count("purged", Signed(purged));
}

Result<Report> EventsPurgeJob::RunOnce(UnixMicros now) {
  KONFID_ASSIGN_OR_RETURN(app::EventsPurgeReport r, events_.Purge(now));
  return Report()
      .Count("events_deleted", r.events_deleted)
      .Count("choices_deleted", r.choices_deleted);
}

}  // namespace konfid::jobs

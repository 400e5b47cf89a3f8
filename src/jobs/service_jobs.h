// The service's jobs, each a thin Job over the app use case that does the work (in its own
// transactions; see each app header for what a pass does and why):
//
//   name        app use case               report
//   policy      PolicyStore::Refresh       activated: tenants whose version in force changed
//   audit-ckpt  CheckpointJob::RunOnce     signed, unchanged: tenants checkpointed, skipped
//   notices     NoticeJob::RunOnce         queued: notices and announcements put in the outbox
//   expiry      ExpiryJob::RunOnce         expired: `expired` events appended
//   outbox      OutboxSender::RunOnce      sent, retried, failed
//   digest      RequestDigest::RunOnce     queued: daily digests of overdue requests
//   codes       SelfIdentity::PurgeCodes   purged: one-time codes past their day
//   events      TechnicalEvents::Purge     events_deleted, choices_deleted: past their terms
//
// A new job (retention, request deadlines) is one more class here over its use case, and one
// Scheduler::Add where `serve` wires the others. Each holds its use case by reference: the
// caller keeps it alive until the scheduler has stopped.
#pragma once

#include "app/checkpoints.h"
#include "app/expiry.h"
#include "app/notices.h"
#include "app/outbox.h"
#include "app/policy_store.h"
#include "app/request_digest.h"
#include "app/retention.h"
#include "app/self_identity.h"
#include "app/tech_events.h"
#include "jobs/job.h"

namespace konfid::jobs {

class PolicyJob : public Job {
 public:
  PolicyJob(app::PolicyStore& policies, std::chrono::milliseconds period)
      : Job("policy", period), policies_(policies) {}
  Result<Report> RunOnce(UnixMicros now) override;

 private:
  app::PolicyStore& policies_;
};

class AuditCheckpointJob : public Job {
 public:
  AuditCheckpointJob(app::CheckpointJob& checkpoints, std::chrono::milliseconds period)
      : Job("audit-ckpt", period), checkpoints_(checkpoints) {}
  Result<Report> RunOnce(UnixMicros now) override;

 private:
  app::CheckpointJob& checkpoints_;
};

// Reads no time of its own: which runs are due follows the policy in force (PolicyJob).
class NoticesJob : public Job {
 public:
  NoticesJob(app::NoticeJob& notices, std::chrono::milliseconds period)
      : Job("notices", period), notices_(notices) {}
  Result<Report> RunOnce(UnixMicros now) override;

 private:
  app::NoticeJob& notices_;
};

class ConsentExpiryJob : public Job {
 public:
  ConsentExpiryJob(app::ExpiryJob& expiry, std::chrono::milliseconds period)
      : Job("expiry", period), expiry_(expiry) {}
  Result<Report> RunOnce(UnixMicros now) override;

 private:
  app::ExpiryJob& expiry_;
};

// Destroys what no purpose holds any more (app::RetentionJob).
class RetentionJob : public Job {
 public:
  RetentionJob(app::RetentionJob& retention, std::chrono::milliseconds period)
      : Job("retention", period), retention_(retention) {}
  Result<Report> RunOnce(UnixMicros now) override;

 private:
  app::RetentionJob& retention_;
};

// Purges one-time codes past their retention (app::SelfIdentity::PurgeCodes).
class CodePurgeJob : public Job {
 public:
  CodePurgeJob(app::SelfIdentity& identity, std::chrono::milliseconds period)
      : Job("codes", period), identity_(identity) {}
  Result<Report> RunOnce(UnixMicros now) override;

 private:
  app::SelfIdentity& identity_;
};

// Deletes technical events and cookie choices past their terms (app::TechnicalEvents::Purge).
class EventsPurgeJob : public Job {
 public:
  EventsPurgeJob(app::TechnicalEvents& events, std::chrono::milliseconds period)
      : Job("events", period), events_(events) {}
  Result<Report> RunOnce(UnixMicros now) override;

 private:
  app::TechnicalEvents& events_;
};

class OutboxJob : public Job {
 public:
  OutboxJob(app::OutboxSender& sender, std::chrono::milliseconds period)
      : Job("outbox", period), sender_(sender) {}
  Result<Report> RunOnce(UnixMicros now) override;

 private:
  app::OutboxSender& sender_;
};

class RequestDigestJob : public Job {
 public:
  RequestDigestJob(app::RequestDigest& digest, std::chrono::milliseconds period)
      : Job("digest", period), digest_(digest) {}
  Result<Report> RunOnce(UnixMicros now) override;

 private:
  app::RequestDigest& digest_;
};

}  // namespace konfid::jobs

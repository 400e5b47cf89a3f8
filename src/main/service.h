// `konfid serve`'s object graph, wired in one place: the use cases over the storage and keys
// that the command line opened, the jobs and their scheduler, the HTTP API and its server.
// Members are declared in the order they are built, each after what it uses, so they are
// destroyed in reverse; Run() stops them in the one order a shutdown needs. Not thread-safe:
// one thread creates it and calls Run().
#pragma once

#include <functional>
#include <memory>

#include "app/access_reply.h"
#include "app/admin_log.h"
#include "app/api_keys.h"
#include "app/blocks.h"
#include "app/checkpoints.h"
#include "app/consent_expiry.h"
#include "app/consent_signer.h"
#include "app/consents.h"
#include "app/depersonalized_exports.h"
#include "app/destruction_acts.h"
#include "app/disclosures.h"
#include "app/expiry.h"
#include "app/group_committer.h"
#include "app/holds.h"
#include "app/kernel.h"
#include "app/mail_composer.h"
#include "app/marketing.h"
#include "app/notices.h"
#include "app/outbox.h"
#include "app/policy_admin.h"
#include "app/policy_notices.h"
#include "app/policy_store.h"
#include "app/registrations.h"
#include "app/request_digest.h"
#include "app/requests.h"
#include "app/retention.h"
#include "app/self_identity.h"
#include "app/self_service.h"
#include "app/subjects.h"
#include "cli/cli.h"
#include "core/event_log.h"
#include "domain/working_calendar.h"
#include "http/api.h"
#include "http/metrics.h"
#include "http/server.h"
#include "jobs/scheduler.h"
#include "ports/sms.h"
#include "ports/time_zone.h"

namespace konfid {

class Service {
 public:
  // The adapters main() made, which outlive the service.
  struct Adapters {
    ports::Crypto& crypto;
    ports::PhoneNormalizer& phones;
    ports::Clock& clock;
    // Every tenant's [tenant] time_zone must be one it knows, or the service does not start;
    // what counts days of legal terms takes its dates from it.
    const ports::TimeZones& time_zones;
    EventLog& events;
    const ports::PolicyReader& policy_reader;
    std::function<std::unique_ptr<ports::Mailer>(const ports::MailConfig&)> make_mailer;
    // The SMS gateway of [sms]; called only when gateway_url is set. Its error (a token file
    // that cannot be read) stops the start.
    std::function<Result<std::unique_ptr<ports::SmsSender>>(const ports::SmsConfig&)> make_sms;
  };

  // Builds everything and binds the listening socket. InvalidArgument for a bad listen address
  // or trusted proxy, or an SMS gateway that cannot be set up (make_sms's error); Unavailable
  // when the checkpoint file or the port cannot be opened; the policy store's errors when a
  // tenant's policy cannot be started; InvalidArgument (reason unknown_time_zone) for a
  // policy, configured or in force, whose time_zone `time_zones` does not know.
  static Result<std::unique_ptr<Service>> Create(cli::ServeInputs inputs, Adapters adapters);
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Starts the jobs, serves until SIGTERM or SIGINT, then stops: the server drains, the jobs
  // finish their passes, the committer finishes every operation, and the audit heads are
  // signed once more. Returns the process's exit code.
  int Run();

 private:
  Service(cli::ServeInputs inputs, Adapters adapters, app::CheckpointJob::Sink checkpoint_sink,
          std::unique_ptr<ports::SmsSender> sms, domain::WorkingCalendar calendar);
  Status StartPolicies();
  void ReportMailFailures();
  void ReportRetentionFailures();
  void AddJobs();
  Status CreateServer(const std::pair<std::string, unsigned short>& listen,
                      http::TrustedProxies proxies);

  cli::ServeInputs in_;
  Adapters a_;
  app::AdminLog admin_log_;
  app::CheckpointJob checkpoints_;
  app::PolicyStore policies_;
  std::unique_ptr<app::GroupCommitter> committer_;  // reset first at shutdown: it drains
  // Null without [sms] gateway_url. Built before the use cases, for the one-time codes'.
  std::unique_ptr<ports::SmsSender> sms_;
  const domain::WorkingCalendar calendar_;  // the Russian production calendar: shipped, installed
  // The use cases on personal data, over their shared kernel.
  app::Kernel kernel_;
  app::ConsentSigner signer_;
  app::MailComposer mail_;
  app::DestructionActs acts_;
  app::Subjects subjects_;
  app::Consents consents_;
  app::Registrations registrations_;
  app::Marketing marketing_;
  app::PolicyNotices policy_notices_;
  app::ConsentExpiry consent_expiry_;
  app::Retention retention_;
  app::Holds holds_;
  app::Requests requests_;
  app::Blocks blocks_;
  app::Disclosures disclosures_;
  app::AccessReplies access_replies_;
  app::SelfIdentity self_identity_;
  app::SelfService self_service_;
  app::TechnicalEvents tech_events_;
  app::Stats stats_;
  app::DepersonalizedExports exports_;
  app::CheckpointReader checkpoint_reader_;
  app::PolicyAdmin policy_admin_;
  app::NoticeJob notices_;
  app::ExpiryJob expiry_;
  app::RetentionJob retention_job_;
  app::RequestDigest digest_;
  std::unique_ptr<ports::Mailer> mailer_;      // null without [mail] smtp_url
  std::unique_ptr<app::OutboxSender> sender_;  // likewise
  app::ApiKeys keys_;
  jobs::Scheduler scheduler_;  // after what its jobs use: stopped before they go
  http::Metrics metrics_;
  http::ServerOptions server_options_;
  std::unique_ptr<http::Api> api_;
  std::unique_ptr<http::HttpServer> server_;
};

}  // namespace konfid

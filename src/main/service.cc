#include "main/service.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include "cli/checkpoint_file.h"
#include "http/client_address.h"
#include "jobs/service_jobs.h"

namespace konfid {

namespace {

app::MailSettings MailSettingsOf(const ports::MailConfig& mail) {
  return {mail.from,        mail.from_name,        mail.public_url,
          mail.token_hours, mail.unsubscribe_base, mail.notice_days};
}

// Where [audit] checkpoint_file sends each new checkpoint line; none without the setting.
// Refuses a file it cannot open, so a misconfigured service does not start.
Result<app::CheckpointJob::Sink> CheckpointSink(const ports::AuditConfig& audit) {
  if (audit.checkpoint_file.empty()) {
    std::cerr << "konfid: no [audit] checkpoint_file: checkpoints are kept in the database only\n";
    return app::CheckpointJob::Sink();
  }
  KONFID_ASSIGN_OR_RETURN(std::shared_ptr<cli::CheckpointFile> file,
                          cli::CheckpointFile::Open(audit.checkpoint_file));
  return app::CheckpointJob::Sink([file](std::string_view line) { return file->Append(line); });
}

// The SMS gateway of [sms]; none without gateway_url.
Result<std::unique_ptr<ports::SmsSender>> SmsSenderOf(const ports::SmsConfig& sms,
                                                      const Service::Adapters& adapters) {
  if (sms.gateway_url.empty()) {
    std::cerr << "konfid: no [sms] gateway_url: no text messages are sent\n";
    return std::unique_ptr<ports::SmsSender>();
  }
  return adapters.make_sms(sms);
}

// Refuses a policy whose zone the time-zone database does not know: the reader checks only
// the syntax, and a zone taken as UTC by mistake would move every term's first day.
Status CheckTimeZone(const domain::TenantPolicy& policy, const ports::TimeZones& zones) {
  if (zones.Known(policy.TimeZone())) return Ok();
  return Fail(Error(ErrorCode::kInvalidArgument, "policy " + policy.tenant +
                                                     ": unknown time_zone '" +
                                                     std::string(policy.TimeZone()) + "'")
                  .WithReason("unknown_time_zone"));
}

}  // namespace

Result<std::unique_ptr<Service>> Service::Create(cli::ServeInputs inputs, Adapters adapters) {
  KONFID_ASSIGN_OR_RETURN(auto listen, http::ParseListen(inputs.config.listen));
  KONFID_ASSIGN_OR_RETURN(auto proxies, http::ParseTrustedProxies(inputs.config.trusted_proxies));
  KONFID_ASSIGN_OR_RETURN(auto sink, CheckpointSink(inputs.config.audit));
  KONFID_ASSIGN_OR_RETURN(auto sms, SmsSenderOf(inputs.config.sms, adapters));
  KONFID_ASSIGN_OR_RETURN(auto calendar,
                          domain::WorkingCalendar::Shipped("ru", inputs.config.ru_calendar));
  std::unique_ptr<Service> service(new Service(inputs, std::move(adapters), std::move(sink),
                                               std::move(sms), std::move(calendar)));
  KONFID_TRY(service->StartPolicies());
  service->ReportMailFailures();
  service->ReportRetentionFailures();
  service->AddJobs();
  KONFID_TRY(service->CreateServer(listen, std::move(proxies)));
  return service;
}

Service::Service(cli::ServeInputs inputs, Adapters adapters,
                 app::CheckpointJob::Sink checkpoint_sink, std::unique_ptr<ports::SmsSender> sms,
                 domain::WorkingCalendar calendar)
    : in_(inputs),
      a_(std::move(adapters)),
      admin_log_(a_.crypto, in_.keyring, a_.clock),
      checkpoints_(in_.storage, a_.crypto, in_.keyring, std::move(checkpoint_sink)),
      policies_(in_.storage, a_.crypto, a_.clock, a_.policy_reader),
      committer_(
          std::make_unique<app::GroupCommitter>(in_.storage, a_.crypto, in_.keyring, a_.clock)),
      sms_(std::move(sms)),
      calendar_(std::move(calendar)),
      kernel_(policies_, in_.keyring, *committer_, a_.crypto, a_.phones, a_.clock),
      signer_(kernel_),
      mail_(kernel_, MailSettingsOf(in_.config.mail)),
      acts_(kernel_, a_.time_zones),
      subjects_(kernel_, mail_, acts_),
      consents_(kernel_, signer_),
      registrations_(kernel_, signer_, mail_),
      marketing_(kernel_, signer_, mail_),
      policy_notices_(kernel_, signer_, mail_),
      consent_expiry_(kernel_, signer_),
      retention_(kernel_, mail_, acts_),
      holds_(kernel_),
      requests_(kernel_, signer_, mail_, acts_, calendar_, a_.time_zones),
      blocks_(kernel_, mail_),
      disclosures_(kernel_),
      access_replies_(kernel_, requests_, disclosures_),
      self_identity_(kernel_, mail_, app::SelfSettings{.sms = sms_ != nullptr}),
      self_service_(kernel_, self_identity_, requests_, access_replies_),
      tech_events_(kernel_),
      stats_(kernel_, in_.storage, a_.time_zones),
      exports_(kernel_, in_.storage, a_.time_zones),
      checkpoint_reader_(in_.storage, policies_, in_.keyring),
      policy_admin_(policies_, in_.storage, a_.policy_reader, a_.clock),
      notices_(in_.storage, policies_, policy_notices_),  // queued with or without SMTP: they wait
      expiry_(in_.storage, policies_, consent_expiry_),
      retention_job_(in_.storage, policies_, retention_),
      digest_(in_.storage, *committer_, policies_, requests_, mail_, a_.crypto),
      keys_(in_.storage, a_.crypto, a_.clock, admin_log_),
      scheduler_(a_.events, a_.clock) {
  const ports::MailConfig& mail = in_.config.mail;
  if (mail.smtp_url.empty()) {
    std::cerr << "konfid: no [mail] smtp_url: messages wait in the outbox\n";
    return;
  }
  mailer_ = a_.make_mailer(mail);
  sender_ = std::make_unique<app::OutboxSender>(in_.storage, *committer_, in_.keyring, a_.crypto,
                                                *mailer_, a_.clock, policies_);
  sender_->UseSms(sms_.get());
}

Status Service::StartPolicies() {
  policies_.SetAdminLog(&admin_log_);
  // Before Start, which may publish a configured file as version 1.
  for (const auto& policy : in_.config.tenants) KONFID_TRY(CheckTimeZone(policy, a_.time_zones));
  KONFID_ASSIGN_OR_RETURN(auto notes, policies_.Start(in_.config.tenants));
  for (const auto& note : notes) std::cerr << "konfid: " << note << "\n";
  // The version in force may be another file than the configured one (`konfid policy
  // publish` has no time-zone database to ask).
  for (const auto& tenant : policies_.Tenants())
    if (auto policy = policies_.Policy(tenant)) KONFID_TRY(CheckTimeZone(*policy, a_.time_zones));
  return Ok();
}

// Every failed delivery attempt is logged (mail_failed: a warning while it will be retried,
// an error when it will not) and so counted in /metrics, as it happens.
void Service::ReportMailFailures() {
  if (!sender_) return;
  sender_->OnFailure([this](const app::MailFailure& f) {
    a_.events.Write(a_.clock.Now(), f.final ? LogLevel::kError : LogLevel::kWarn, "mail_failed",
                    {{"tenant", f.tenant},
                     {"message_id", f.message_id},
                     {"kind", f.kind},
                     {"attempts", f.attempts},
                     {"code", ErrorCodeName(f.error.code())},
                     {"message", f.error.message()},
                     {"detail", f.error.detail()}});
  });
}

// Every subject the retention job skips for an unreadable row is logged (retention_failed, an
// error, without the subject: its audit event names it) and so counted in /metrics.
void Service::ReportRetentionFailures() {
  retention_job_.OnFailure([this](const app::RetentionFailure& f) {
    a_.events.Write(a_.clock.Now(), LogLevel::kError, "retention_failed",
                    {{"tenant", f.tenant},
                     {"code", ErrorCodeName(f.error.code())},
                     {"message", f.error.message()},
                     {"detail", f.error.detail()}});
  });
}

// Every job with its configured period, in the order they start (and stop in reverse).
void Service::AddJobs() {
  using std::chrono::milliseconds;
  const ports::JobsConfig& j = in_.config.jobs;
  scheduler_.Add(std::make_unique<jobs::PolicyJob>(policies_, milliseconds(j.policy_period_ms)));
  scheduler_.Add(std::make_unique<jobs::AuditCheckpointJob>(
      checkpoints_, std::chrono::seconds(in_.config.audit.checkpoint_interval)));
  scheduler_.Add(std::make_unique<jobs::NoticesJob>(notices_, milliseconds(j.notices_period_ms)));
  scheduler_.Add(
      std::make_unique<jobs::ConsentExpiryJob>(expiry_, milliseconds(j.expiry_period_ms)));
  scheduler_.Add(
      std::make_unique<jobs::RetentionJob>(retention_job_, milliseconds(j.retention_period_ms)));
  scheduler_.Add(
      std::make_unique<jobs::RequestDigestJob>(digest_, milliseconds(j.digest_period_ms)));
  scheduler_.Add(
      std::make_unique<jobs::CodePurgeJob>(self_identity_, milliseconds(j.codes_period_ms)));
  scheduler_.Add(
      std::make_unique<jobs::EventsPurgeJob>(tech_events_, milliseconds(j.events_period_ms)));
  if (sender_)
    scheduler_.Add(std::make_unique<jobs::OutboxJob>(*sender_, milliseconds(j.outbox_period_ms)));
}

Status Service::CreateServer(const std::pair<std::string, unsigned short>& listen,
                             http::TrustedProxies proxies) {
  const ports::ServiceConfig& config = in_.config;
  http::ApiDeps deps{subjects_,     consents_,       registrations_,
                     marketing_,    policy_notices_, checkpoint_reader_,
                     policy_admin_, requests_,       blocks_,
                     retention_,    holds_,          disclosures_,
                     acts_,         access_replies_, self_identity_,
                     self_service_, tech_events_,    stats_,
                     exports_,      digest_,         config.mail.unsubscribe_base,
                     policies_,     keys_,           *committer_,
                     in_.storage,   a_.clock,        metrics_,
                     a_.events,     scheduler_,      std::move(proxies)};
  deps.events_per_minute = config.events_per_minute;
  api_ = std::make_unique<http::Api>(std::move(deps));
  http::ServerOptions& options = server_options_;
  options.host = listen.first;
  options.port = listen.second;
  options.threads =
      config.threads != 0 ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  options.body_limit = config.body_limit;
  options.max_connections = config.max_connections;
  options.header_timeout = std::chrono::seconds(config.header_timeout_seconds);
  options.idle_timeout = std::chrono::seconds(config.idle_timeout_seconds);
  KONFID_ASSIGN_OR_RETURN(server_, http::HttpServer::Create(options, *api_));
  return Ok();
}

int Service::Run() {
  scheduler_.Start();
  a_.events.Write(a_.clock.Now(), LogLevel::kInfo, "started",
                  {{"listen", server_options_.host + ":" + std::to_string(server_->port())},
                   {"backend", in_.storage.backend()},
                   {"tenants", static_cast<uint64_t>(in_.config.tenants.size())},
                   {"threads", static_cast<uint64_t>(server_options_.threads)},
                   {"max_connections", static_cast<uint64_t>(server_->max_connections())}});
  server_->Run();  // until SIGTERM or SIGINT, then drains the connections
  a_.events.Write(a_.clock.Now(), LogLevel::kInfo, "stopped", {});
  scheduler_.Stop();   // the jobs' last passes use the committer
  committer_.reset();  // finishes every submitted operation before the storage closes
  // Then the heads are final: sign them once more. A failure is logged and counted.
  (void)scheduler_.RunNow("audit-ckpt");
  return 0;
}

}  // namespace konfid

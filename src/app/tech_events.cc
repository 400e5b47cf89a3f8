#include "app/tech_events.h"

#include <algorithm>
#include <memory>

#include "domain/consent.h"
#include "domain/field.h"
#include "domain/policy.h"

namespace konfid::app {

namespace {

constexpr int64_t kMicrosPerDay = 86'400'000'000;
constexpr int64_t kMaxDurationMs = 86'400'000;  // a day on one page is the most that is believed
constexpr size_t kMaxUserAgentBytes = 256;

Error Invalid(std::string detail, std::string reason) {
  return Error(ErrorCode::kInvalidArgument, std::move(detail)).WithReason(std::move(reason));
}

// The header as kept: its first 256 printable ASCII characters, the rest dropped (a header is
// ASCII; anything else could be bytes that are no UTF-8, which a text column refuses).
std::string KeptUserAgent(const std::string& ua) {
  std::string out;
  for (char c : ua) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) out += c;
    if (out.size() == kMaxUserAgentBytes) break;
  }
  return out;
}

Error Refusal(domain::Admission a) {
  if (a == domain::Admission::kGpc)
    return Error(ErrorCode::kConsentRequired,
                 "the browser sends Global Privacy Control: analytics is refused")
        .WithReason("global_privacy_control");
  return Error(ErrorCode::kConsentRequired,
               a == domain::Admission::kNoChoice
                   ? "the visitor has made no cookie choice in its term: analytics needs consent"
                   : "the visitor's cookie choice does not allow analytics")
      .WithReason("consent_required");
}

}  // namespace

std::optional<UnixMicros> KeptSince(UnixMicros now, const std::string& retention) {
  auto term = domain::ParseRetention(retention);
  if (!term) return std::nullopt;
  if (auto months = term->Months()) return AddCalendarMonths(now, -*months);
  return now - int64_t{term->count} * kMicrosPerDay;
}

Result<Bytes> TechnicalEvents::VisitorHash(const std::string& tenant, const std::string& visitor) {
  if (!domain::IsValidVisitorId(visitor))
    return Fail(Invalid("'visitor' must be 16 to 64 of A-Z a-z 0-9 _ -", "invalid_visitor"));
  return k_.keyring().BlindIndex(tenant, "visitor", visitor);
}

Result<ports::TechEventRow> TechnicalEvents::PageEvent(const TechEventInput& in,
                                                       domain::TechKind kind, UnixMicros now) {
  auto category = domain::ParseEventCategory(in.category);
  if (!category) return Fail(Invalid("'category' must be necessary or analytics", "invalid_value"));
  // The beacon's query and the Referer header are not checked before: no UTF-8, no row.
  if (!domain::Utf8Length(in.page) || !domain::Utf8Length(in.referrer))
    return Fail(Invalid("'page' and 'referrer' must be UTF-8", "invalid_page"));
  auto page = domain::KeptPage(in.page);
  if (!page)
    return Fail(Invalid("'page' must be an http(s) address or a path of at most 2048 bytes",
                        "invalid_page"));
  auto referrer = domain::ReferrerOrigin(in.referrer);
  if (!referrer) return Fail(Invalid("'referrer' must be an http(s) address", "invalid_value"));
  if (in.duration_ms < 0 || in.duration_ms > kMaxDurationMs ||
      (kind != domain::TechKind::kPageLeave && in.duration_ms != 0))
    return Fail(Invalid("'duration_ms' is for page_leave only, 0 to 86400000", "invalid_value"));
  ports::TechEventRow row;
  row.tenant = in.tenant;
  row.id = k_.NewId(now);
  row.at = now;
  row.kind = std::string(domain::TechKindName(kind));
  row.category = std::string(domain::EventCategoryName(*category));
  // A necessary event serves the site's working, which needs no visitor to be told apart.
  if (*category == domain::EventCategory::kAnalytics) {
    KONFID_ASSIGN_OR_RETURN(row.visitor, VisitorHash(in.tenant, in.visitor));
  }
  row.page = std::move(*page);
  row.referrer = std::move(*referrer);
  row.user_agent = KeptUserAgent(in.user_agent);
  row.duration_ms = in.duration_ms;
  row.ip = domain::TruncateIp(in.ip).value_or("");
  return row;
}

void TechnicalEvents::Record(TechEventInput in, Callback<TechEventOutcome> done) {
  auto active = k_.Active(in.tenant);
  if (!active)
    return done(Fail(Error(ErrorCode::kNotFound, "tenant is not configured")
                         .WithReason("tenant_not_configured")));
  auto kind = domain::ParseTechKind(in.kind);
  if (!kind)
    return done(
        Fail(Invalid("'kind' must be page_view, page_leave or cookie_choice", "unknown_kind")));
  const UnixMicros now = k_.clock().Now();
  const domain::EventsPolicy& terms = active->policy->events;
  if (*kind == domain::TechKind::kCookieChoice)
    return RecordChoice(in, active->version, now, std::move(done));
  auto row = PageEvent(in, *kind, now);
  if (!row) return done(Fail(row.error()));
  auto since = KeptSince(now, terms.choice_retention);
  if (!since) return done(Fail(ErrorCode::kInternal, "the policy's choice_retention is no term"));
  RecordPage(std::move(*row), *since, in.gpc, std::move(done));
}

void TechnicalEvents::RecordPage(ports::TechEventRow row, UnixMicros choice_since, bool gpc,
                                 Callback<TechEventOutcome> done) {
  auto event = std::make_shared<ports::TechEventRow>(std::move(row));
  k_.committer().Submit(
      [event, choice_since, gpc](ports::Transaction& txn, AuditWriter&) -> Status {
        std::optional<domain::LatestChoice> latest;
        auto category = domain::ParseEventCategory(event->category);
        if (category == domain::EventCategory::kAnalytics && !gpc) {
          KONFID_ASSIGN_OR_RETURN(auto choice, txn.FindCookieChoice(event->tenant, event->visitor));
          if (choice)
            latest = domain::LatestChoice{
                domain::ParseCookieChoiceText(choice->granted).value_or(domain::CookieChoice{}),
                choice->at};
        }
        auto admission = domain::Admit(*category, latest, gpc, choice_since);
        if (admission != domain::Admission::kKept) return Fail(Refusal(admission));
        return txn.InsertTechEvent(*event);
      },
      nullptr,
      [event, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(TechEventOutcome{event->id, std::nullopt});
      },
      /*savepoint=*/false);
}

void TechnicalEvents::RecordChoice(const TechEventInput& in, int64_t policy_version, UnixMicros now,
                                   Callback<TechEventOutcome> done) {
  if (!in.choice) return done(Fail(Invalid("a cookie_choice needs 'categories'", "invalid_value")));
  auto visitor = VisitorHash(in.tenant, in.visitor);
  if (!visitor) return done(Fail(visitor.error()));
  auto row = std::make_shared<ports::CookieChoiceRow>();
  row->tenant = in.tenant;
  row->visitor = std::move(*visitor);
  row->id = k_.NewId(now);
  row->at = now;
  row->policy_version = policy_version;
  domain::CookieChoice granted = in.gpc ? domain::UnderGpc(*in.choice) : *in.choice;
  row->granted = domain::CookieChoiceText(granted);
  row->gpc = in.gpc;
  row->ip = domain::TruncateIp(in.ip).value_or("");
  k_.committer().Submit(
      [row](ports::Transaction& txn, AuditWriter&) { return txn.InsertCookieChoice(*row); },
      nullptr,
      [row, granted, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(TechEventOutcome{row->id, granted});
      },
      /*savepoint=*/false);
}

Result<EventsPurgeReport> TechnicalEvents::Purge(UnixMicros now, size_t batch) {
  std::vector<ports::TenantRow> tenants;
  KONFID_TRY(k_.committer().Run([&](ports::Transaction& txn, AuditWriter&) -> Status {
    KONFID_ASSIGN_OR_RETURN(tenants, txn.ListTenants());
    return Ok();
  }));
  EventsPurgeReport total;
  for (const auto& t : tenants) {
    if (!k_.Active(t.tenant)) continue;  // not served here: its terms are not known
    KONFID_ASSIGN_OR_RETURN(auto one, PurgeTenant(t.tenant, now, batch));
    total.events_deleted += one.events_deleted;
    total.choices_deleted += one.choices_deleted;
  }
  return total;
}

Result<EventsPurgeReport> TechnicalEvents::PurgeTenant(const std::string& tenant, UnixMicros now,
                                                       size_t batch) {
  auto active = k_.Active(tenant);
  if (!active) return EventsPurgeReport{};
  auto events_since = KeptSince(now, active->policy->events.retention);
  // A choice is the proof of the consent its events were kept under: its record stays as long
  // as the last of them, `retention` after its own term ends.
  auto choices_since = events_since
                           ? KeptSince(*events_since, active->policy->events.choice_retention)
                           : std::nullopt;
  if (!events_since || !choices_since)
    return Fail(ErrorCode::kInternal, "policy " + tenant + ": [events] terms are not terms");
  const std::string floor = Kernel::IdFloor(*events_since);
  EventsPurgeReport report;
  for (bool events : {true, false}) {
    while (true) {
      uint64_t deleted = 0;
      KONFID_TRY(k_.committer().Run([&](ports::Transaction& txn, AuditWriter&) -> Status {
        KONFID_ASSIGN_OR_RETURN(
            deleted, events ? txn.DeleteTechEventsBefore(tenant, floor, batch)
                            : txn.DeleteCookieChoicesBefore(tenant, *choices_since, batch));
        return Ok();
      }));
      (events ? report.events_deleted : report.choices_deleted) += static_cast<int64_t>(deleted);
      if (deleted < batch) break;
    }
  }
  return report;
}

}  // namespace konfid::app

// Fills a Konfid data directory with subjects for the load benchmarks, through the same
// use case (app::Subjects) and group committer the server uses (no HTTP), many creates in flight at
// once.
//   konfid-bench-seed --data DIR --config FILE [--db URL] --tenant demo --count 1000000
// Subject i gets the email s<i>@bench.example (bench/wrk/lookup.lua asks for those).
//
// With --requests N it then files N data-subject requests (app::Requests::FileIn, in
// transactions of the same committer) for subjects already seeded, --requests-per-subject to
// a subject (subjects spread evenly over the population), each subject also given one consent
// (newsletter) with a signed receipt. The requests were received over the last
// --request-days days, in id order (oldest first), so some are past their term; the kinds
// are access, rectification (birth_date), blocking (city), erasure and stop_processing in
// turn (objections and withdrawals close at once: none here), by letter, email or in person.
// A blocking request is done when filed, so N = 125,000 leaves 100,000 open. Every third
// request that is open is then moved to in_progress, and every
// fifth access or stop_processing request of the rest is extended. The blocked fields are
// ones the registration purpose does not read, so lookups (lookup.lua) still succeed.
// --ids FILE writes the ids of those with an access request, one a line
// (bench/wrk/access_reply.lua reads them: staff build a reply only to answer one).
// --age-days D seeds as if D days ago (the subjects' collection and their audit events): with
// D >= 30 each subject's birth_date, which waits 29 days for a statistics consent that never
// comes, is due, so the next retention pass destroys one field of every subject
// (bench/retention.sh, docs/benchmarks.md).
#include <CLI/CLI.hpp>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <vector>

#include "adapters/clock/system_clock.h"
#include "adapters/config/toml_config.h"
#include "adapters/crypto/sodium_crypto.h"
#include "adapters/phone/libphonenumber_normalizer.h"
#include "adapters/storage/postgres/pg_storage.h"
#include "adapters/storage/sqlite/sqlite_storage.h"
#include "adapters/tz/icu_time_zones.h"
#include "app/consent_signer.h"
#include "app/requests.h"
#include "app/subjects.h"
#include "cli/master_key.h"
#include "domain/working_calendar.h"

using namespace konfid;

namespace {

// The system clock set back by a fixed number of days (--age-days).
class AgedClock : public ports::Clock {
 public:
  AgedClock(ports::Clock& inner, int64_t days) : inner_(inner), by_(days * 86'400'000'000LL) {}
  UnixMicros Now() override { return inner_.Now() - by_; }
  int64_t MonotonicMicros() override { return inner_.MonotonicMicros(); }

 private:
  ports::Clock& inner_;
  int64_t by_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"konfid-bench-seed"};
  std::string data, config_path, db, tenant = "demo";
  uint64_t count = 1000000, start = 0;
  size_t window = 4096;
  app.add_option("--data", data)->required();
  app.add_option("--config", config_path)->required();
  app.add_option("--db", db);
  app.add_option("--tenant", tenant);
  app.add_option("--count", count);
  app.add_option("--start", start, "first index (to add to an existing set)");
  app.add_option("--window", window, "operations in flight");
  uint64_t lookups = 0, population = 0;
  app.add_option("--lookups", lookups, "then look up this many random seeded emails (no HTTP)");
  app.add_option("--population", population, "how many s<i> emails exist (default: start + count)");
  uint64_t requests_n = 0, per_subject = 2, request_days = 14;
  std::string ids_path;
  app.add_option("--requests", requests_n, "then file this many open requests for seeded subjects");
  app.add_option("--requests-per-subject", per_subject, "requests a subject gets (default 2)");
  app.add_option("--request-days", request_days,
                 "received over the last so many days (default 14)");
  app.add_option("--ids", ids_path, "write the ids of the subjects given requests to this file");
  int64_t age_days = 0;
  app.add_option("--age-days", age_days, "seed as if this many days ago (default 0)");
  CLI11_PARSE(app, argc, argv);

  auto fail = [](const Error& e) {
    fprintf(stderr, "seed: %s (%s)\n", e.message().c_str(), e.detail().c_str());
    return 2;
  };
  auto config = adapters::LoadServiceConfig(config_path);
  if (!config) return fail(config.error());
  auto crypto = adapters::SodiumCrypto::Create();
  if (!crypto) return fail(crypto.error());
  adapters::LibPhoneNumberNormalizer phones;
  adapters::SystemClock system_clock;
  AgedClock clock(system_clock, age_days);
  std::unique_ptr<ports::Storage> storage;
  if (db.empty()) {
    auto s = adapters::SqliteStorage::Open(
        {data + "/konfid.db", config->sqlite_synchronous_full, 5000, &clock});
    if (!s) return fail(s.error());
    storage = std::move(*s);
  } else {
    auto s = adapters::PgStorage::Open(db);
    if (!s) return fail(s.error());
    storage = std::move(*s);
  }
  auto master = cli::LoadMasterKey(data, std::nullopt, **crypto, *storage);
  if (!master) return fail(master.error());
  auto keyring = app::Keyring::Open(**crypto, *storage, std::move(master->current), false);
  if (!keyring) return fail(keyring.error());
  if (auto st = (*keyring)->EnsureTenant(tenant, clock.Now()); !st) return fail(st.error());
  app::GroupCommitter committer(*storage, **crypto, **keyring, clock, 2048);
  app::FixedPolicies policies(config->tenants);
  app::Kernel kernel(policies, **keyring, committer, **crypto, phones, clock);
  app::MailComposer mail(kernel, {});
  adapters::IcuTimeZones zones;
  app::DestructionActs acts(kernel, zones);
  app::Subjects subjects(kernel, mail, acts);
  app::Actor actor{tenant, "system:bench-seed", app::Role::kAdmin};

  std::mutex mu;
  std::condition_variable cv;
  size_t in_flight = 0;
  std::atomic<uint64_t> failed{0};
  int64_t t0 = clock.MonotonicMicros();
  for (uint64_t i = start; i < start + count; ++i) {
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return in_flight < window; });
      ++in_flight;
    }
    domain::FieldInput input = {{"surname", "Сидоров"},
                                {"name", "Пётр"},
                                {"email", "s" + std::to_string(i) + "@bench.example"},
                                {"birth_date", "1985-07-21"}};
    subjects.Create(actor, input, [&](Result<app::SubjectView> r) {
      if (!r) ++failed;
      std::lock_guard lock(mu);
      --in_flight;
      cv.notify_one();
    });
    if ((i - start + 1) % 100000 == 0) {
      double s = static_cast<double>(clock.MonotonicMicros() - t0) / 1e6;
      fprintf(stderr, "seed: %llu subjects, %.0f/s\n",
              static_cast<unsigned long long>(i - start + 1),
              static_cast<double>(i - start + 1) / s);
    }
  }
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return in_flight == 0; });
  }
  double s = static_cast<double>(clock.MonotonicMicros() - t0) / 1e6;
  if (count > 0)
    printf("seeded %llu subjects in %.1f s (%.0f/s), %llu failed\n",
           static_cast<unsigned long long>(count), s, static_cast<double>(count) / s,
           static_cast<unsigned long long>(failed.load()));
  if (population == 0) population = start + count;
  if (requests_n > 0) {
    auto calendar = domain::WorkingCalendar::Shipped("ru");
    if (!calendar) return fail(calendar.error());
    app::ConsentSigner signer(kernel);
    app::Requests requests(kernel, signer, mail, acts, *calendar, zones);
    auto active = kernel.Active(tenant);
    if (!active) return fail(Error(ErrorCode::kNotFound, "tenant is not configured"));
    const domain::FieldSpec* spec = active->policy->catalogue.Find("email");
    // The consents are given under the version `konfid init` (or a publication) stored last.
    int64_t version = 1;
    if (auto st = committer.Run([&](ports::Transaction& txn, app::AuditWriter&) -> Status {
          KONFID_ASSIGN_OR_RETURN(auto versions, txn.ListPolicyVersions(tenant));
          if (!versions.empty()) version = versions.back().version;
          return Ok();
        });
        !st)
      return fail(st.error());
    if (per_subject == 0) per_subject = 1;
    uint64_t groups = (requests_n + per_subject - 1) / per_subject;
    uint64_t stride = population / groups;
    if (stride == 0)
      return fail(Error(ErrorCode::kInvalidArgument, "more subjects asked than seeded"));
    const domain::RequestKind kinds[] = {
        domain::RequestKind::kAccess, domain::RequestKind::kRectification,
        domain::RequestKind::kBlocking, domain::RequestKind::kErasure,
        domain::RequestKind::kStopProcessing};
    const domain::RequestChannel channels[] = {domain::RequestChannel::kLetter,
                                               domain::RequestChannel::kEmail,
                                               domain::RequestChannel::kInPerson};
    std::vector<std::string> request_ids(requests_n), subject_ids(groups);
    std::vector<domain::RequestKind> request_kinds(requests_n);
    std::vector<char> asks_access(groups);  // staff answer only an open access request
    UnixMicros now0 = clock.Now();
    UnixMicros span = static_cast<UnixMicros>(request_days) * 86400 * 1000000;
    t0 = clock.MonotonicMicros();
    for (uint64_t j = 0; j < requests_n; ++j) {
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return in_flight < window; });
        ++in_flight;
      }
      uint64_t g = j % groups;
      auto normalized = kernel.Normalize(*active->policy, *spec,
                                         "s" + std::to_string(g * stride) + "@bench.example");
      if (!normalized) return fail(normalized.error());
      auto hash = (*keyring)->BlindIndex(tenant, "email", *normalized);
      if (!hash) return fail(hash.error());
      // Oldest first, so the ids (which sort by time) sort by the day received.
      UnixMicros at = now0 - span +
                      static_cast<UnixMicros>(static_cast<double>(span) * static_cast<double>(j) /
                                              static_cast<double>(requests_n));
      app::NewRequest req;
      req.kind = kinds[(j / 3 + j) % 5];  // not in step with the moves below (j % 3)
      request_kinds[j] = req.kind;
      if (req.kind == domain::RequestKind::kAccess) asks_access[g] = 1;
      req.channel = channels[j % 3];
      req.details.text = "Прошу сообщить, какие мои персональные данные вы обрабатываете.";
      req.details.document = "паспорт 45 00 123456, письмо вх. № " + std::to_string(j);
      if (req.kind == domain::RequestKind::kRectification) req.details.fields = {"birth_date"};
      if (req.kind == domain::RequestKind::kBlocking) req.details.fields = {"city"};
      if (auto st = app::Requests::Check(*active->policy, req); !st) return fail(st.error());
      bool first = j < groups;
      committer.Submit(
          [&, j, g, first, at, req, h = std::move(*hash)](ports::Transaction& txn,
                                                          app::AuditWriter& audit) -> Status {
            KONFID_ASSIGN_OR_RETURN(auto row, txn.FindSubjectByIndex(tenant, "email", h));
            if (!row) return Fail(ErrorCode::kNotFound, "a seeded subject is missing");
            if (first) {
              domain::ConsentEvent e;
              e.purpose = "newsletter";
              e.kind = domain::ConsentKind::kGiven;
              e.policy_version = version;
              e.method = "checkbox";
              e.source = "bench";
              e.time = at;
              e.id = kernel.NewId(at);
              e.ip = "198.51.100.0";
              KONFID_TRY(signer.Append(txn, audit, actor, domain::Operation::kConsentGiven,
                                       *active->policy, row->id, std::move(e), "ru"));
              subject_ids[g] = row->id;
            }
            KONFID_ASSIGN_OR_RETURN(auto view,
                                    requests.FileIn(txn, audit, actor, *active, *row, req, at));
            request_ids[j] = view.id;
            return Ok();
          },
          nullptr,
          [&](Status st) {
            if (!st) {
              if (failed++ == 0)
                fprintf(stderr, "seed: %s (%s)\n", st.error().message().c_str(),
                        st.error().detail().c_str());
            }
            std::lock_guard lock(mu);
            --in_flight;
            cv.notify_one();
          });
    }
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return in_flight == 0; });
    }
    s = static_cast<double>(clock.MonotonicMicros() - t0) / 1e6;
    printf("filed %llu requests for %llu subjects in %.1f s (%.0f/s), %llu failed\n",
           static_cast<unsigned long long>(requests_n), static_cast<unsigned long long>(groups), s,
           static_cast<double>(requests_n) / s, static_cast<unsigned long long>(failed.load()));
    uint64_t moved = 0, extended = 0;
    t0 = clock.MonotonicMicros();
    for (uint64_t j = 0; j < requests_n; ++j) {
      // A blocking request is done when filed (the block is the answer): nothing to move.
      if (request_kinds[j] == domain::RequestKind::kBlocking) continue;
      bool term_extends = request_kinds[j] == domain::RequestKind::kAccess ||
                          request_kinds[j] == domain::RequestKind::kStopProcessing;
      domain::RequestState to;
      std::string reason;
      if (j % 3 == 0) {
        to = domain::RequestState::kInProgress;
        ++moved;
      } else if (term_extends && j % 5 == 1) {
        to = domain::RequestState::kExtended;
        reason = "нужны сведения из архива";
        ++extended;
      } else {
        continue;
      }
      if (request_ids[j].empty()) continue;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return in_flight < window; });
        ++in_flight;
      }
      requests.Move(actor, request_ids[j], {to, reason}, [&](Result<app::RequestView> r) {
        if (!r) {
          if (failed++ == 0)
            fprintf(stderr, "seed: move: %s (%s)\n", r.error().message().c_str(),
                    r.error().detail().c_str());
        }
        std::lock_guard lock(mu);
        --in_flight;
        cv.notify_one();
      });
    }
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return in_flight == 0; });
    }
    s = static_cast<double>(clock.MonotonicMicros() - t0) / 1e6;
    printf("moved %llu requests to in_progress and extended %llu in %.1f s, %llu failed\n",
           static_cast<unsigned long long>(moved), static_cast<unsigned long long>(extended), s,
           static_cast<unsigned long long>(failed.load()));
    if (!ids_path.empty()) {
      std::ofstream ids(ids_path);
      for (uint64_t g = 0; g < groups; ++g)
        if (asks_access[g] && !subject_ids[g].empty()) ids << subject_ids[g] << '\n';
      if (!ids) return fail(Error(ErrorCode::kUnavailable, "cannot write " + ids_path));
    }
  }
  if (lookups > 0) {
    uint64_t x = 88172645463325252ull;  // xorshift: the choice of subject needs no crypto
    t0 = clock.MonotonicMicros();
    for (uint64_t i = 0; i < lookups; ++i) {
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return in_flight < window; });
        ++in_flight;
      }
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      subjects.Find(actor, "email", "s" + std::to_string(x % population) + "@bench.example",
                    "registration", [&](Result<app::SealedSubject> r) {
                      if (!r || !subjects.Open(*r)) ++failed;
                      std::lock_guard lock(mu);
                      --in_flight;
                      cv.notify_one();
                    });
    }
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return in_flight == 0; });
    s = static_cast<double>(clock.MonotonicMicros() - t0) / 1e6;
    printf("looked up %llu subjects in %.1f s (%.0f/s), %llu failed\n",
           static_cast<unsigned long long>(lookups), s, static_cast<double>(lookups) / s,
           static_cast<unsigned long long>(failed.load()));
  }
  return failed.load() == 0 ? 0 : 1;
}

// Fills a Konfid data directory with subjects for the load benchmarks, through the same
// use case (app::Subjects) and group committer the server uses (no HTTP), many creates in flight at
// once.
//   konfid-bench-seed --data DIR --config FILE [--db URL] --tenant demo --count 1000000
// Subject i gets the email s<i>@bench.example (bench/wrk/lookup.lua asks for those).
#include <CLI/CLI.hpp>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>

#include "adapters/clock/system_clock.h"
#include "adapters/config/toml_config.h"
#include "adapters/crypto/sodium_crypto.h"
#include "adapters/phone/libphonenumber_normalizer.h"
#include "adapters/storage/postgres/pg_storage.h"
#include "adapters/storage/sqlite/sqlite_storage.h"
#include "app/subjects.h"
#include "cli/master_key.h"

using namespace konfid;

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
  adapters::SystemClock clock;
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
  app::Subjects subjects(kernel, mail);
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
  if (lookups > 0) {
    if (population == 0) population = start + count;
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

#include "cli/cli.h"

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "app/admin_log.h"
#include "app/api_keys.h"
#include "app/key_rotation.h"
#include "app/maintenance.h"
#include "app/policy_store.h"
#include "cli/backup_files.h"
#include "cli/command_support.h"
#include "cli/exports.h"
#include "cli/master_key.h"
#include "cli/proofs.h"
#include "domain/policy_diff.h"
#include "text/policy_text.h"

namespace konfid::cli {

namespace {

using internal::ActVerify;
using internal::AuditVerify;
using internal::ChoiceFor;
using internal::Common;
using internal::Die;
using internal::kCliActor;
using internal::MaybeConfig;
using internal::OpenExisting;
using internal::OpenStorage;
using internal::ReceiptVerify;

int Init(Platform& p, const Common& c) {
  auto config = MaybeConfig(p, c);
  if (!config) return Die(config.error());
  std::error_code ec;
  std::filesystem::create_directories(c.data_dir, ec);
  if (ec)
    return Die(Error(ErrorCode::kUnavailable, "cannot create " + c.data_dir + ": " + ec.message()));
  ::chmod(c.data_dir.c_str(), 0700);
  std::string key_path = MasterKeyPath(c.data_dir);
  bool created_key = false;
  if (!p.env_master_key && !std::filesystem::exists(key_path)) {
    SecretBytes key = p.crypto.NewKey();
    if (auto st = WriteKeyFile(key_path, key); !st) return Die(st.error());
    created_key = true;
  }
  auto storage = OpenStorage(p, c, *config, true);
  if (!storage) return Die(storage.error());
  if (auto st = (*storage)->Migrate(); !st) return Die(st.error());
  auto master = LoadMasterKey(c.data_dir, p.env_master_key, p.crypto, **storage);
  if (!master) return Die(master.error());
  auto keyring = app::Keyring::Open(p.crypto, **storage, std::move(master->current), true);
  if (!keyring) return Die(keyring.error());
  if (*config)
    for (const auto& t : (*config)->tenants)
      if (auto st = (*keyring)->EnsureTenant(t.tenant, p.clock.Now()); !st) return Die(st.error());
  std::cout << "Initialized " << c.data_dir << " (" << (*storage)->backend() << ")\n";
  if (created_key)
    std::cout << "Created master key " << key_path
              << " (mode 0600): back it up apart from the data\n";
  return 0;
}

int Serve(Platform& p, Common& c, const std::string& listen, int threads) {
  if (c.config_path.empty())
    return Die(Error(ErrorCode::kInvalidArgument, "serve needs --config FILE"));
  auto opened = OpenExisting(p, c);
  if (!opened) return Die(opened.error());
  ports::ServiceConfig& config = *opened->config;
  if (!listen.empty()) config.listen = listen;
  if (threads >= 0) config.threads = static_cast<size_t>(threads);
  // A rotation run beside the server leaves its new key in the data directory; with
  // KONFID_MASTER_KEY the server has no file to find it in and must be restarted.
  app::Keyring& keyring = *opened->keyring;
  keyring.SetKeySource(p.env_master_key ? nullptr : KeyFileSource(c.data_dir, p.crypto),
                       [](const std::string& note) { std::cerr << "konfid: " << note << "\n"; });
  for (const auto& t : config.tenants)
    if (auto st = keyring.EnsureTenant(t.tenant, p.clock.Now()); !st) return Die(st.error());
  return p.serve({config, *opened->storage, keyring});
}

// A processor's key names a recipient the tenant's policy declares: the config's, or else
// the newest version published to the database.
Status CheckRecipient(Platform& p, ports::Storage& storage, const ports::ServiceConfig* config,
                      const std::string& tenant, const std::string& recipient) {
  if (recipient.empty()) return Ok();
  std::optional<domain::TenantPolicy> policy;
  if (config) {
    for (const auto& t : config->tenants)
      if (t.tenant == tenant) policy = t;
  } else {
    KONFID_ASSIGN_OR_RETURN(auto txn, storage.Begin(false));
    KONFID_ASSIGN_OR_RETURN(auto versions, txn->ListPolicyVersions(tenant));
    if (!versions.empty()) {
      KONFID_ASSIGN_OR_RETURN(auto newest, txn->FindPolicyVersion(tenant, versions.back().version));
      if (newest) {
        KONFID_ASSIGN_OR_RETURN(policy, p.policy_reader.Read(newest->source, tenant));
      }
    }
  }
  if (!policy || policy->FindRecipient(recipient)) return Ok();
  std::string known;
  for (const auto& r : policy->recipients) known += (known.empty() ? "" : ", ") + r.id;
  return Fail(Error(ErrorCode::kNotFound, "the policy of tenant '" + tenant +
                                              "' declares no recipient '" + recipient +
                                              "' (recipients: " + known + ")"));
}

int ApiKeyCreate(Platform& p, const Common& c, const std::string& tenant,
                 const std::string& role_name, const std::string& recipient) {
  auto role = app::ParseRole(role_name);
  if (!role)
    return Die(Error(ErrorCode::kInvalidArgument,
                     "unknown role '" + role_name +
                         "': admin, operator, support, marketing, analyst or processor"));
  if (!domain::IsValidTenantId(tenant))
    return Die(Error(ErrorCode::kInvalidArgument,
                     "tenant id must be a-z, 0-9 and '-', starting with a letter"));
  auto opened = OpenExisting(p, c);
  if (!opened) return Die(opened.error());
  if (opened->config) {  // a tenant of the config gets its keys here if it has none yet
    std::string known;
    for (const auto& t : opened->config->tenants) known += (known.empty() ? "" : ", ") + t.tenant;
    if (std::none_of(opened->config->tenants.begin(), opened->config->tenants.end(),
                     [&](const auto& t) { return t.tenant == tenant; }))
      return Die(Error(ErrorCode::kNotFound, "tenant '" + tenant + "' is not configured in " +
                                                 c.config_path + " (tenants: " + known + ")"));
    if (auto st = opened->keyring->EnsureTenant(tenant, p.clock.Now()); !st) return Die(st.error());
  }
  if (auto st = CheckRecipient(p, *opened->storage, opened->config ? &*opened->config : nullptr,
                               tenant, recipient);
      !st)
    return Die(st.error());
  if (auto st = opened->keyring->LoadAllTenants(); !st) return Die(st.error());
  app::AdminLog log(p.crypto, *opened->keyring, p.clock);
  app::ApiKeys keys(*opened->storage, p.crypto, p.clock, log);
  auto key = keys.Create(tenant, *role, kCliActor, recipient);
  if (!key) {
    if (key.error().reason() == "tenant_not_configured")
      return Die(Error(ErrorCode::kNotFound,
                       "tenant '" + tenant +
                           "' is not configured: run 'konfid init' with a config that lists it, "
                           "or give --config"));
    return Die(key.error());
  }
  std::cout << "API key " << key->key_id << " for tenant " << tenant << ", role " << role_name
            << (recipient.empty() ? "" : ", recipient " + recipient)
            << ". Shown once; only its hash is stored:\n"
            << key->token << "\n";
  return 0;
}

int ApiKeyList(Platform& p, const Common& c, const std::string& tenant) {
  auto opened = OpenExisting(p, c);
  if (!opened) return Die(opened.error());
  app::AdminLog log(p.crypto, *opened->keyring, p.clock);
  app::ApiKeys keys(*opened->storage, p.crypto, p.clock, log);
  std::vector<std::string> tenants{tenant};
  if (tenant.empty()) {
    auto txn = opened->storage->Begin(false);
    if (!txn) return Die(txn.error());
    auto rows = (*txn)->ListTenants();
    if (!rows) return Die(rows.error());
    tenants.clear();
    for (const auto& t : *rows) tenants.push_back(t.tenant);
  }
  std::cout << "key id            tenant  role       created               revoked  recipient\n";
  for (const auto& t : tenants) {
    auto list = keys.List(t);
    if (!list) return Die(list.error());
    for (const auto& k : *list)
      std::cout << k.key_id << "  " << k.tenant << "  " << k.role << "  "
                << FormatRfc3339(k.created_at) << "  "
                << (k.revoked_at ? FormatRfc3339(k.revoked_at) : "-") << "  "
                << (k.recipient.empty() ? "-" : k.recipient) << "\n";
  }
  return 0;
}

int ApiKeyRevoke(Platform& p, const Common& c, const std::string& tenant,
                 const std::string& key_id) {
  auto opened = OpenExisting(p, c);
  if (!opened) return Die(opened.error());
  if (auto st = opened->keyring->LoadAllTenants(); !st) return Die(st.error());
  app::AdminLog log(p.crypto, *opened->keyring, p.clock);
  app::ApiKeys keys(*opened->storage, p.crypto, p.clock, log);
  if (auto st = keys.Revoke(tenant, key_id, kCliActor); !st) return Die(st.error());
  std::cout << "Revoked API key " << key_id << " of tenant " << tenant
            << "; every node refuses it within a second\n";
  return 0;
}

int KeysRotate(Platform& p, const Common& c) {
  if (p.env_master_key)
    return Die(
        Error(ErrorCode::kInvalidArgument,
              "the master key comes from KONFID_MASTER_KEY: rotate with a key file, or unset it"));
  auto lock = RotationLock::Acquire(c.data_dir);
  if (!lock) return Die(lock.error());
  auto opened = OpenExisting(p, c, /*rotating=*/true);
  if (!opened) return Die(opened.error());
  auto status = app::ReadRotationStatus(*opened->storage);
  if (!status) return Die(status.error());
  std::string path = MasterKeyPath(c.data_dir), next = NextKeyPath(c.data_dir);
  std::unique_ptr<app::Keyring>& keyring = opened->keyring;
  if (status->rewrapping) {
    if (!keyring->previous())
      return Die(Error(ErrorCode::kNotFound, "a rotation is rewrapping, but " + next +
                                                 " or the old key in " + path + " is missing"));
    std::cout << "Resuming the rotation to key epoch " << status->epoch << "\n";
  } else {
    SecretBytes new_key = p.crypto.NewKey();
    std::filesystem::remove(next);  // a stale one: this process holds the rotation lock
    // Order matters: the new key is durable on disk before the database depends on it.
    if (auto st = WriteKeyFile(next, new_key); !st) return Die(st.error());
    if (auto st = app::BeginRotation(*opened->storage, p.crypto, *keyring, new_key); !st) {
      std::filesystem::remove(next);
      return Die(st.error());
    }
    SecretBytes old_key = keyring->master().Clone();
    auto reopened = app::Keyring::Open(p.crypto, *opened->storage, std::move(new_key), false);
    if (!reopened) return Die(reopened.error());
    keyring = std::move(*reopened);
    keyring->AddPreviousKey(std::move(old_key));
  }
  auto count =
      app::RewrapSubjectKeys(*opened->storage, p.crypto, *keyring->previous(), keyring->master());
  if (!count) return Die(count.error());
  if (auto st = keyring->LoadAllTenants(); !st) return Die(st.error());
  if (auto st = app::FinishRotation(*opened->storage, p.crypto, *keyring, p.clock, kCliActor); !st)
    return Die(st.error());
  if (std::rename(next.c_str(), path.c_str()) != 0)
    return Die(Error(ErrorCode::kUnavailable,
                     "rotated, but could not rename " + next + "; the next start finishes it"));
  std::cout << "Rotated the master key: " << *count
            << " subject keys and every tenant's keys rewrapped\n";
  return 0;
}

int Backup(Platform& p, const Common& c, const std::string& to, const std::string& keys_to,
           int keep_days) {
  if (keep_days < 0)
    return Die(Error(ErrorCode::kInvalidArgument, "--keep-key-backups-days must be 0 or more"));
  auto config = MaybeConfig(p, c);
  if (!config) return Die(config.error());
  auto choice = ChoiceFor(c, *config);
  if (!choice) return Die(choice.error());
  for (const auto* dir : {&to, &keys_to}) {
    std::error_code ec;
    std::filesystem::create_directories(*dir, ec);
    if (ec) return Die(Error(ErrorCode::kUnavailable, "cannot create " + *dir, ec.message()));
  }
  UnixMicros now = p.clock.Now();
  std::string stamp = BackupStamp(now);
  bool postgres = !choice->db.empty();
  std::string data_out = to + "/" + DataBackupName(stamp, postgres);
  std::string keys_out = keys_to + "/" + KeyBackupName(stamp, postgres);
  if (auto st = p.backup(*choice, data_out, keys_out); !st) return Die(st.error());
  std::cout << "Data backup: " << data_out << "\nKey-store backup: " << keys_out << "\n";
  auto pruned = RemoveKeyBackupsPastTerm(keys_to, now, keep_days, [&](const std::string& path) {
    std::cout << "Removed key-store backup " << path << " (older than " << keep_days << " days)\n";
  });
  if (!pruned) return Die(pruned.error());
  return 0;
}

int Restore(Platform& p, const Common& c, const std::string& from, const std::string& keys_from) {
  auto config = MaybeConfig(p, c);
  if (!config) return Die(config.error());
  auto choice = ChoiceFor(c, *config);
  if (!choice) return Die(choice.error());
  auto without_keys = p.restore(*choice, from, keys_from);
  if (!without_keys) return Die(without_keys.error());
  std::cout << "Restored " << from << (keys_from.empty() ? "" : " and " + keys_from) << " into "
            << (choice->db.empty() ? c.data_dir : std::string("the database")) << "\n";
  if (!without_keys->empty()) {
    std::cout << without_keys->size()
              << " subject(s) of the restored data have no key in the key store: erased after "
                 "the backup was taken, they stay unreadable ('erased'). DELETE each to remove "
                 "what is left of them:\n";
    for (const auto& id : *without_keys) std::cout << "  " << id << "\n";
  }
  return 0;
}

int PolicyCheck(Platform& p, const std::string& file) {
  auto policy = p.parse_policy_file(file);
  if (!policy) {
    std::cout << policy.error().message() << "\n";
    return 1;
  }
  int errors = 0, warnings = 0;
  for (const auto& f : domain::CheckPolicy(*policy)) {
    std::cout << domain::FormatFinding(file, f) << "\n";
    (f.severity == domain::PolicyFinding::Severity::kError ? errors : warnings)++;
  }
  std::cout << file << ": " << errors << (errors == 1 ? " error, " : " errors, ") << warnings
            << (warnings == 1 ? " warning" : " warnings") << "\n";
  return errors ? 1 : 0;
}

// A policy file that passes its checks (for render and publish).
Result<domain::TenantPolicy> CheckedPolicy(Platform& p, const std::string& file) {
  KONFID_ASSIGN_OR_RETURN(auto policy, p.parse_policy_file(file));
  for (const auto& f : domain::CheckPolicy(policy))
    if (f.severity == domain::PolicyFinding::Severity::kError)
      return Fail(ErrorCode::kInvalidArgument,
                  domain::FormatFinding(file, f) + " (run konfid policy check " + file + ")");
  return policy;
}

int PolicyRender(Platform& p, const std::string& file, const std::string& lang_name,
                 const std::string& format_name, const std::string& document) {
  auto lang = text::ParseLang(lang_name);
  if (!lang) return Die(Error(ErrorCode::kInvalidArgument, "--lang must be ru or en"));
  auto format = text::ParseFormat(format_name);
  if (!format) return Die(Error(ErrorCode::kInvalidArgument, "--format must be html or md"));
  auto policy = CheckedPolicy(p, file);
  if (!policy) return Die(policy.error());
  auto out = text::RenderDocument(*policy, document, *lang, *format);
  if (!out) {
    std::string known;
    for (const auto& d : text::DocumentNames(*policy)) known += " " + d;
    return Die(Error(ErrorCode::kNotFound, out.error().message() + "; documents:" + known));
  }
  std::cout << *out;
  return 0;
}

int PolicyDiff(Platform& p, const std::string& a, const std::string& b) {
  auto before = p.parse_policy_file(a);
  if (!before) return Die(before.error());
  auto after = p.parse_policy_file(b);
  if (!after) return Die(after.error());
  auto changes = domain::DiffPolicies(*before, *after);
  for (const auto& c : changes) std::cout << domain::FormatChange(c) << "\n";
  if (changes.empty()) {
    std::cout << "no changes\n";
    return 0;
  }
  std::cout << changes.size() << (changes.size() == 1 ? " change" : " changes") << "; "
            << (domain::AnyMaterial(changes)
                    ? "material: subjects must be notified, and new uses need fresh consent"
                    : "not material")
            << "\n";
  return 1;
}

int PolicyPublish(Platform& p, const Common& c, const std::string& file,
                  const std::string& effective, bool short_notice) {
  auto policy = CheckedPolicy(p, file);
  if (!policy) return Die(policy.error());
  UnixMicros now = p.clock.Now(), at = now;
  if (!effective.empty()) {
    auto t = ParseRfc3339(effective);
    if (!t)
      return Die(Error(ErrorCode::kInvalidArgument,
                       "--effective must be a date or an RFC 3339 time, e.g. 2026-12-01"));
    at = *t;
  }
  // The version's audit event goes into the tenant's chain: that needs its audit key.
  auto opened = OpenExisting(p, c);
  if (!opened) return Die(opened.error());
  if (auto st = opened->keyring->LoadAllTenants(); !st) return Die(st.error());
  if (!opened->keyring->Tenant(policy->tenant))
    return Die(Error(ErrorCode::kNotFound, "tenant '" + policy->tenant +
                                               "' is not configured: run 'konfid init' with a "
                                               "config that lists its policy first"));
  app::AdminLog log(p.crypto, *opened->keyring, p.clock);
  auto row = app::PublishPolicy(*opened->storage, p.crypto, p.policy_reader, *policy, now, at,
                                short_notice, &log, kCliActor);
  if (!row) return Die(row.error());
  std::cout << "Published version " << row->version << " of tenant " << policy->tenant
            << ", effective " << FormatRfc3339(row->effective_at) << ", text hash "
            << row->text_hash << (row->material ? " (material change)" : "") << "\n"
            << row->changes;
  return 0;
}

// Every option's value, as CLI11 fills them.
struct Options {
  Common c;
  std::string listen;
  int threads = -1;
  std::string tenant, role, recipient, key_id, checkpoint_file;
  std::string policy_file, policy_other, lang = "ru", format = "md", document = "policy";
  std::string effective;
  bool short_notice = false;
  std::string receipt_file, receipt_key, act_file;
  std::string backup_to, key_backup_to, restore_from, key_restore_from;
  std::string purpose, out;
  int keep_key_backup_days = kDefaultKeyBackupDays;
};

// The command that was parsed, run once CLI11 has read every argument.
using Action = std::function<int()>;

void AddCommon(CLI::App* cmd, Options& o) {
  cmd->add_option("--data", o.c.data_dir, "data directory (master key, SQLite file)")->required();
  cmd->add_option("--db", o.c.db, "postgres://... to use PostgreSQL instead of the SQLite file");
  cmd->add_option("--config", o.c.config_path,
                  "service configuration (TOML; its [storage] db applies)");
}

// init, serve, keys rotate.
void AddServiceCommands(CLI::App& app, Platform& p, Options& o, Action& run) {
  auto* init = app.add_subcommand("init", "create the data directory, master key and database");
  AddCommon(init, o);
  init->callback([&] { run = [&] { return Init(p, o.c); }; });
  auto* serve = app.add_subcommand("serve", "serve the HTTP API");
  AddCommon(serve, o);
  serve->add_option("--listen", o.listen, "HOST:PORT (overrides the config)");
  serve->add_option("--threads", o.threads, "HTTP threads (0: one per core)");
  serve->callback([&] { run = [&] { return Serve(p, o.c, o.listen, o.threads); }; });
  auto* keys = app.add_subcommand("keys", "keys");
  keys->require_subcommand(1);
  auto* rotate = keys->add_subcommand("rotate", "rewrap every data key under a new master key");
  AddCommon(rotate, o);
  rotate->callback([&] { run = [&] { return KeysRotate(p, o.c); }; });
}

// backup, restore.
void AddBackupCommands(CLI::App& app, Platform& p, Options& o, Action& run) {
  auto* backup = app.add_subcommand(
      "backup", "copy the data and, apart, the key store, while the server runs");
  AddCommon(backup, o);
  backup->add_option("--to", o.backup_to, "directory for the data backup")->required();
  backup
      ->add_option("--keys-to", o.key_backup_to,
                   "directory for the key-store backup; its key-store backups past the term "
                   "are removed")
      ->required();
  backup
      ->add_option("--keep-key-backups-days", o.keep_key_backup_days,
                   "how long a key-store backup is kept: the erasure term")
      ->capture_default_str();
  backup->callback([&] {
    run = [&] { return Backup(p, o.c, o.backup_to, o.key_backup_to, o.keep_key_backup_days); };
  });
  auto* restore = app.add_subcommand(
      "restore", "put a data backup (and a key-store backup) back; every konfid stopped");
  AddCommon(restore, o);
  restore->add_option("--from", o.restore_from, "the data backup (konfid-data-*.db or .dump)")
      ->required();
  restore->add_option("--keys-from", o.key_restore_from,
                      "a key-store backup (konfid-keys-*.db or .dump); without it the current key "
                      "store stays");
  restore->callback(
      [&] { run = [&] { return Restore(p, o.c, o.restore_from, o.key_restore_from); }; });
}

// apikey create, list, revoke.
void AddApiKeyCommands(CLI::App& app, Platform& p, Options& o, Action& run) {
  auto* apikey = app.add_subcommand("apikey", "API keys");
  apikey->require_subcommand(1);
  auto* create = apikey->add_subcommand("create", "create an API key; prints it last");
  AddCommon(create, o);
  create->add_option("--tenant", o.tenant, "tenant id")->required();
  create->add_option("--role", o.role, "admin, operator, support, marketing, analyst, processor")
      ->required();
  create->add_option("--recipient", o.recipient,
                     "a processor's key: the policy's recipient whose projection it reads");
  create->callback(
      [&] { run = [&] { return ApiKeyCreate(p, o.c, o.tenant, o.role, o.recipient); }; });
  auto* list = apikey->add_subcommand("list", "list API keys: id, tenant, role, times");
  AddCommon(list, o);
  list->add_option("--tenant", o.tenant, "only this tenant's keys");
  list->callback([&] { run = [&] { return ApiKeyList(p, o.c, o.tenant); }; });
  auto* revoke =
      apikey->add_subcommand("revoke", "revoke an API key; every node refuses it within a second");
  AddCommon(revoke, o);
  revoke->add_option("KEY_ID", o.key_id, "the key's id (16 hex characters)")->required();
  revoke->add_option("--tenant", o.tenant, "the key's tenant")->required();
  revoke->callback([&] { run = [&] { return ApiKeyRevoke(p, o.c, o.tenant, o.key_id); }; });
}

// audit verify, receipt verify, act verify: the proofs.
void AddProofCommands(CLI::App& app, Platform& p, Options& o, Action& run) {
  auto* audit = app.add_subcommand("audit", "the audit log");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand("verify", "verify every tenant's hash chain");
  AddCommon(verify, o);
  verify->add_option("--checkpoint", o.checkpoint_file,
                     "a file of signed checkpoints ([audit] checkpoint_file, or a copy): "
                     "every chain must still hold each checkpointed event");
  verify->callback([&] { run = [&] { return AuditVerify(p, o.c, o.checkpoint_file); }; });
  auto* receipt = app.add_subcommand("receipt", "consent receipts");
  receipt->require_subcommand(1);
  auto* check =
      receipt->add_subcommand("verify", "check a receipt (compact JWS) offline; exit 1 if not");
  check
      ->add_option("FILE", o.receipt_file,
                   "the receipt, as GET /v1/receipts/{id} returns it for Accept: application/jose")
      ->required();
  check
      ->add_option("--public-key", o.receipt_key,
                   "the tenant's Ed25519 public key, base64url (GET /v1/keys/receipt)")
      ->required();
  check->callback([&] { run = [&] { return ReceiptVerify(p, o.receipt_file, o.receipt_key); }; });
  auto* act = app.add_subcommand("act", "acts of destruction");
  act->require_subcommand(1);
  auto* act_verify = act->add_subcommand(
      "verify", "check an act of destruction (compact JWS) and its audit extract; exit 1 if not");
  act_verify
      ->add_option("FILE", o.act_file,
                   "the act, as GET /v1/destruction-acts/{id}?format=jws returns it")
      ->required();
  act_verify
      ->add_option("--public-key", o.receipt_key,
                   "the tenant's Ed25519 public key, base64url (GET /v1/keys/receipt)")
      ->required();
  act_verify->add_option("--data", o.c.data_dir,
                         "also hold the extract to this data directory's audit log");
  act_verify->add_option("--db", o.c.db,
                         "postgres://...: hold the extract to this database's audit log instead");
  act_verify->add_option("--config", o.c.config_path, "service configuration (TOML)");
  act_verify->callback([&] { run = [&] { return ActVerify(p, o.c, o.act_file, o.receipt_key); }; });
}

// export depersonalized.
void AddExportCommands(CLI::App& app, Platform& p, Options& o, Action& run) {
  auto* exp = app.add_subcommand("export", "datasets that leave the vault");
  exp->require_subcommand(1);
  auto* dep = exp->add_subcommand(
      "depersonalized", "a purpose's subjects, pseudonymized, generalized and k-anonymous, as CSV");
  AddCommon(dep, o);
  dep->add_option("--tenant", o.tenant, "tenant id")->required();
  dep->add_option("--purpose", o.purpose, "a purpose that lists the action depersonalize")
      ->required();
  dep->add_option("--out", o.out, "the CSV file to write (must not exist)")->required();
  dep->callback(
      [&] { run = [&] { return ExportDepersonalized(p, o.c, o.tenant, o.purpose, o.out); }; });
}

// policy check, render, diff, publish.
void AddPolicyCommands(CLI::App& app, Platform& p, Options& o, Action& run) {
  auto* policy =
      app.add_subcommand("policy", "the tenant's policy file and its published versions");
  policy->require_subcommand(1);
  auto* check =
      policy->add_subcommand("check", "check a policy file; errors and warnings name the line");
  check->add_option("FILE", o.policy_file, "policy file (TOML)")->required();
  check->callback([&] { run = [&] { return PolicyCheck(p, o.policy_file); }; });
  auto* render = policy->add_subcommand("render", "print a text generated from the file");
  render->add_option("FILE", o.policy_file, "policy file (TOML)")->required();
  render->add_option("--lang", o.lang, "ru or en")->capture_default_str();
  render->add_option("--format", o.format, "md or html")->capture_default_str();
  render
      ->add_option("--document", o.document,
                   "policy, consent/<purpose> or public-consent/<purpose>")
      ->capture_default_str();
  render->callback(
      [&] { run = [&] { return PolicyRender(p, o.policy_file, o.lang, o.format, o.document); }; });
  auto* diff =
      policy->add_subcommand("diff", "what changes from file A to file B; exit 1 when any");
  diff->add_option("A", o.policy_file, "the earlier policy file")->required();
  diff->add_option("B", o.policy_other, "the later policy file")->required();
  diff->callback([&] { run = [&] { return PolicyDiff(p, o.policy_file, o.policy_other); }; });
  auto* publish =
      policy->add_subcommand("publish", "store the file as the tenant's next policy version");
  AddCommon(publish, o);
  publish->add_option("FILE", o.policy_file, "policy file (TOML)")->required();
  publish->add_option("--effective", o.effective,
                      "when it takes effect (RFC 3339 or YYYY-MM-DD; default: now)");
  publish->add_flag("--short-notice", o.short_notice,
                    "let a material change take effect sooner than the notice_days the policy "
                    "in force promises (recorded with the version)");
  publish->callback([&] {
    run = [&] { return PolicyPublish(p, o.c, o.policy_file, o.effective, o.short_notice); };
  });
}

}  // namespace

int Run(int argc, char** argv, Platform& p) {
  CLI::App app{"Konfid: personal-data vault and consent service"};
  app.require_subcommand(1);
  Options o;
  Action run;
  AddServiceCommands(app, p, o, run);
  AddApiKeyCommands(app, p, o, run);
  AddBackupCommands(app, p, o, run);
  AddProofCommands(app, p, o, run);
  AddPolicyCommands(app, p, o, run);
  AddExportCommands(app, p, o, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return run ? run() : 2;
}

}  // namespace konfid::cli

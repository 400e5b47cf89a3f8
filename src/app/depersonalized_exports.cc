#include "app/depersonalized_exports.h"

#include <algorithm>

#include "app/checks.h"
#include "app/quasi_population.h"
#include "core/encoding.h"
#include "domain/depersonalize.h"

namespace konfid::app {

using domain::Operation;
using namespace internal;

namespace {

constexpr size_t kPseudonymBytes = 16;

// What the sealed mapping is bound to: one export of one tenant.
std::string MappingAd(const std::string& tenant, const std::string& id) {
  std::string ad = "konfid-export-map-v1";
  for (const std::string* part : {&tenant, &id}) ad += '\0' + *part;
  return ad;
}

std::string Pseudonym(ports::Crypto& crypto, const SecretBytes& key, const std::string& subject) {
  Bytes mac = crypto.Mac(key, AsBytes(subject));
  return HexEncode(std::span<const uint8_t>(mac.data(), kPseudonymBytes));
}

}  // namespace

std::string DepersonalizedDataset::Summary() const {
  std::string cols;
  for (const auto& c : columns)
    cols += (cols.empty() ? "" : ",") + c.field + ":" + c.generalization;
  return "purpose=" + purpose + " k=" + std::to_string(k) + " columns=" + cols +
         " population=" + std::to_string(population) + " released=" + std::to_string(rows.size()) +
         " suppressed=" + std::to_string(suppressed) +
         " smallest_class=" + std::to_string(smallest_class);
}

Status DepersonalizedExports::Audited(const Actor& actor, Operation op, const std::string& subject,
                                      std::vector<std::string> fields, const Error& error,
                                      const std::string& purpose) {
  auto event = MakeEvent(actor, op, subject, std::move(fields), OutcomeOf(error), ReasonOf(error));
  event.purpose = purpose.substr(0, 64);
  KONFID_TRY(k_.committer().Run(
      [&](ports::Transaction&, AuditWriter& audit) { return audit.Append(event); }));
  return Fail(error);
}

void DepersonalizedExports::Shuffle(std::vector<DepersonalizedDataset::Row>& rows) {
  for (size_t i = rows.size(); i > 1; --i) {  // Fisher-Yates
    uint64_t r = 0;
    k_.crypto().RandomBytes(std::span<uint8_t>(reinterpret_cast<uint8_t*>(&r), sizeof r));
    std::swap(rows[i - 1], rows[r % i]);
  }
}

Result<DepersonalizedDataset> DepersonalizedExports::Export(const Actor& actor,
                                                            const std::string& purpose_id,
                                                            size_t max_rows) {
  auto refuse = [&](const Error& e) -> Result<DepersonalizedDataset> {
    return Fail(Audited(actor, Operation::kDepersonalize, "", {}, e, purpose_id).error());
  };
  if (auto st = Kernel::Permit(actor, Permission::kExportDepersonalized); !st)
    return refuse(st.error());
  auto active = k_.Active(actor.tenant);
  if (!active) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  const domain::TenantPolicy& policy = *active->policy;
  auto columns = QuasiColumnsOf(policy, purpose_id);
  if (!columns) return refuse(columns.error());
  DepersonalizedDataset out;
  out.time = k_.clock().Now();
  out.purpose = purpose_id;
  out.k = policy.statistics.k;
  auto today = zones_.LocalDate(policy.TimeZone(), out.time);
  if (!today) return refuse(today.error());
  auto population = ReadQuasiPopulation(k_, storage_, *active, *columns, out.time, max_rows);
  if (!population) return refuse(population.error());
  const auto& table = population->table;
  out.population = static_cast<int64_t>(table.rows.size());
  domain::Anonymized released =
      domain::Anonymize(table, out.k, out.population * kMaxSuppressedPercent / 100, *today);
  out.suppressed = released.suppressed;
  out.smallest_class = released.smallest_class;
  for (size_t c = 0; c < columns->fields.size(); ++c)
    out.columns.push_back(
        {columns->fields[c]->name, released.levels[c],
         domain::GeneralizationName(table.types[c], released.levels[c], table.RegionsOf(c))});

  out.id = k_.NewId(out.time);
  auto mapping = Pseudonymize(actor.tenant, population->subjects, released, out);
  if (!mapping) return refuse(mapping.error());
  KONFID_TRY(Record(actor, out, std::move(*mapping)));
  return out;
}

Result<Bytes> DepersonalizedExports::Pseudonymize(const std::string& tenant,
                                                  const std::vector<std::string>& subjects,
                                                  domain::Anonymized& released,
                                                  DepersonalizedDataset& out) {
  KONFID_ASSIGN_OR_RETURN(SecretBytes key, k_.keyring().ExportKey(tenant, out.id, "pseudonym"));
  KONFID_ASSIGN_OR_RETURN(SecretBytes seal, k_.keyring().ExportKey(tenant, out.id, "mapping"));
  std::map<std::string, std::string> mapping;  // by pseudonym, so that its order says nothing
  for (size_t i = 0; i < released.kept.size(); ++i) {
    const std::string& subject = subjects[released.kept[i]];
    std::string pseudonym = Pseudonym(k_.crypto(), key, subject);
    mapping.emplace(pseudonym, subject);
    out.rows.push_back({std::move(pseudonym), std::move(released.values[i])});
  }
  Shuffle(out.rows);
  std::string lines;
  for (const auto& [pseudonym, subject] : mapping) lines += pseudonym + " " + subject + "\n";
  Bytes sealed = k_.crypto().Seal(seal, AsBytes(lines), MappingAd(tenant, out.id));
  SecureWipe(lines.data(), lines.size());
  return sealed;
}

Status DepersonalizedExports::Record(const Actor& actor, const DepersonalizedDataset& out,
                                     Bytes mapping) {
  std::vector<std::string> fields;
  for (const auto& c : out.columns) fields.push_back(c.field);
  ports::DepersonalizedExportRow row{actor.tenant, out.id,        out.time,          actor.id,
                                     out.purpose,  out.Summary(), std::move(mapping)};
  auto event = MakeEvent(actor, Operation::kDepersonalize, "", fields, domain::Outcome::kOk,
                         "export=" + out.id + " " + row.summary);
  event.purpose = out.purpose;
  return k_.committer().Run(
      [&](ports::Transaction& txn, AuditWriter& audit) -> Status {
        KONFID_TRY(txn.InsertDepersonalizedExport(row));
        return audit.Append(event);
      },
      [&](ports::Transaction&, AuditWriter& audit, const Error& e) {
        domain::AuditEvent failed = event;
        failed.outcome = std::string(domain::OutcomeName(domain::Outcome::kFailed));
        failed.reason = ReasonOf(e);
        return audit.Append(failed);
      });
}

Result<std::map<std::string, std::string>> DepersonalizedExports::OpenMapping(
    const ports::DepersonalizedExportRow& row) {
  KONFID_ASSIGN_OR_RETURN(SecretBytes key, k_.keyring().ExportKey(row.tenant, row.id, "mapping"));
  KONFID_ASSIGN_OR_RETURN(std::string lines,
                          k_.crypto().Open(key, row.mapping, MappingAd(row.tenant, row.id)));
  std::map<std::string, std::string> out;
  for (size_t at = 0; at < lines.size();) {
    size_t space = lines.find(' ', at), end = lines.find('\n', at);
    if (space == std::string::npos || end == std::string::npos || space > end)
      return Fail(ErrorCode::kDataLoss, "the mapping of export " + row.id + " is malformed");
    out.emplace(lines.substr(at, space - at), lines.substr(space + 1, end - space - 1));
    at = end + 1;
  }
  SecureWipe(lines.data(), lines.size());
  return out;
}

Result<std::string> DepersonalizedExports::SubjectOf(const Actor& actor,
                                                     const std::string& export_id,
                                                     const std::string& pseudonym) {
  auto refuse = [&](const Error& e) -> Result<std::string> {
    return Fail(Audited(actor, Operation::kExtract, "", {"pseudonym"}, e).error());
  };
  if (auto st = Kernel::Permit(actor, Permission::kExportReidentify); !st)
    return refuse(st.error());
  Error unknown = Error(ErrorCode::kNotFound, "no such export, or no such pseudonym in it")
                      .WithReason("not_found");
  if (!Kernel::IsValidId(export_id)) return refuse(unknown);
  auto found = [&]() -> Result<std::optional<ports::DepersonalizedExportRow>> {
    KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
    return txn->FindDepersonalizedExport(actor.tenant, export_id);
  }();
  if (!found) return refuse(found.error());
  if (!*found) return refuse(unknown);
  auto mapping = OpenMapping(**found);
  if (!mapping) return refuse(mapping.error());
  auto it = mapping->find(pseudonym);
  if (it == mapping->end()) return refuse(unknown);
  auto event = MakeEvent(actor, Operation::kExtract, it->second, {"pseudonym"},
                         domain::Outcome::kOk, "reidentify:export=" + export_id);
  KONFID_TRY(k_.committer().Run(
      [&](ports::Transaction&, AuditWriter& audit) { return audit.Append(event); }));
  return it->second;
}

}  // namespace konfid::app

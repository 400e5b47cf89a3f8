// Depersonalized exports: a dataset of a purpose's subjects for research or a partner, made by
// the methods of 152-FZ Art. 3(9) and Roskomnadzor's Order 996 (docs/stats.md, "Depersonalized
// export"):
// - identifiers replaced: each subject is a pseudonym, a keyed hash of its id under the
//   export's own key (Keyring::ExportKey), fresh for each export, so that two exports cannot be
//   joined; the mapping back to subjects is kept in the vault, sealed under that key, apart
//   from the dataset that leaves;
// - composition changed: only the policy's `[statistics] quasi_identifiers` that the purpose
//   holds are kept (every name, contact and number that identifies a person directly is left
//   out: the policy may not declare one), and each is generalized (domain/depersonalize.h);
// - k-anonymity checked: levels rise until at most kMaxSuppressedPercent of the rows sit in
//   classes of fewer than the policy's k, and those rows are suppressed;
// - shuffled: the rows leave in a random order, not in the order of sign-up.
//
// The population is every subject of the tenant whose data `purpose` may use now
// (app/quasi_population.h): its ground live, the purpose not stopped by an objection, the
// subject not erased and none of the exported fields blocked. A subject that holds none of
// them is not a row.
//
// Each export is a row (ports::DepersonalizedExportRow: parameters and counts, the sealed
// mapping) and an audit event (operation depersonalize, the fields, the summary as its reason)
// in one transaction; a refusal is audited too.
//
// The read runs on the caller's thread, a page of subjects at a time; the write waits for the
// group committer. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "app/kernel.h"
#include "domain/depersonalize.h"
#include "ports/storage.h"
#include "ports/time_zone.h"

namespace konfid::app {

struct DepersonalizedColumn {
  std::string field;
  int level = 0;               // domain::Generalize's
  std::string generalization;  // domain::GeneralizationName
};

struct DepersonalizedDataset {
  struct Row {
    std::string pseudonym;            // 32 hex characters
    std::vector<std::string> values;  // generalized, one per column
  };
  std::string id;  // the export's, as its audit event and row name it
  std::string purpose;
  UnixMicros time = 0;
  int64_t k = 0;
  std::vector<DepersonalizedColumn> columns;
  std::vector<Row> rows;       // in a random order
  int64_t population = 0;      // subjects whose data the purpose may use, with a column held
  int64_t suppressed = 0;      // of them, left out to reach k
  int64_t smallest_class = 0;  // rows of the smallest class released; 0: none released

  // The parameters and counts, field names only: "purpose=… k=… columns=birth_date:age_band_10,
  // city:value population=… released=… suppressed=… smallest_class=…".
  std::string Summary() const;
};

class DepersonalizedExports {
 public:
  // A share of the population suppression may take before a column is generalized further.
  static constexpr int64_t kMaxSuppressedPercent = 5;

  // Each reference outlives the use case.
  DepersonalizedExports(Kernel& kernel, ports::Storage& storage, const ports::TimeZones& zones)
      : k_(kernel), storage_(storage), zones_(zones) {}

  // Permission kExportDepersonalized. NotFound for a tenant not configured; InvalidArgument,
  // unknown_purpose, or no_quasi_identifiers when the purpose holds none of the policy's
  // quasi-identifiers; PermissionDenied, depersonalize_not_declared, when the purpose does not
  // list the action `depersonalize`; DataLoss when a subject's values do not open (nothing is
  // exported then); InvalidArgument, export_too_large, when the population has more than
  // `max_rows` subjects (nothing is exported then). Every refusal is audited.
  Result<DepersonalizedDataset> Export(const Actor& actor, const std::string& purpose,
                                       size_t max_rows = SIZE_MAX);

  // The subject a pseudonym of export `export_id` stands for, from its sealed mapping: how the
  // operator answers a partner about one row. Permission kExportReidentify (admin only: not
  // the analyst who received the dataset); audited as an extract naming the subject. NotFound
  // for an unknown export or pseudonym.
  Result<std::string> SubjectOf(const Actor& actor, const std::string& export_id,
                                const std::string& pseudonym);

 private:
  // Gives the rows `released` keeps their pseudonyms, under the key of export `out.id`, in a
  // random order; returns the mapping back to `subjects`, sealed under that key.
  Result<Bytes> Pseudonymize(const std::string& tenant, const std::vector<std::string>& subjects,
                             domain::Anonymized& released, DepersonalizedDataset& out);
  // The export's row and audit event, in one transaction (a failure is audited as such).
  Status Record(const Actor& actor, const DepersonalizedDataset& out, Bytes mapping);
  Result<std::map<std::string, std::string>> OpenMapping(const ports::DepersonalizedExportRow& row);
  // Audits a refusal; returns it (or the audit write's error).
  Status Audited(const Actor& actor, domain::Operation op, const std::string& subject,
                 std::vector<std::string> fields, const Error& error,
                 const std::string& purpose = {});
  void Shuffle(std::vector<DepersonalizedDataset::Row>& rows);

  Kernel& k_;
  ports::Storage& storage_;
  const ports::TimeZones& zones_;
};

}  // namespace konfid::app

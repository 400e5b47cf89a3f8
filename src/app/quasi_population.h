// The quasi-identifiers of the subjects a purpose may use, opened for depersonalization:
// what a depersonalized export (app/depersonalized_exports.h) and the statistics by age band
// and city (app/stats.h) are computed over. Not for use outside app/.
//
// The population is every subject of the tenant whose data the purpose may use now: its ground
// live (a consent given and not withdrawn or expired), the purpose not stopped by an
// objection, the subject not erased and none of the columns blocked. A subject that holds none
// of the columns is left out.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "app/kernel.h"
#include "domain/depersonalize.h"
#include "ports/storage.h"

namespace konfid::app::internal {

// The columns a purpose gives depersonalized data: the policy's `[statistics]
// quasi_identifiers` that the purpose holds, in the policy's order. InvalidArgument,
// purpose_required, unknown_purpose, or no_quasi_identifiers; PermissionDenied,
// depersonalize_not_declared, when the purpose does not list the action `depersonalize`.
struct QuasiColumns {
  const domain::Purpose* purpose = nullptr;
  std::vector<const domain::FieldSpec*> fields;
  std::vector<std::string> names() const;
};
Result<QuasiColumns> QuasiColumnsOf(const domain::TenantPolicy& policy, const std::string& purpose);

struct QuasiPopulation {
  std::vector<std::string> subjects;  // of each row of `table`
  domain::QuasiTable table;           // the raw values, "" for a field not held
};

// Reads the population a page of `page` subjects at a time, each page its own read
// transaction. InvalidArgument, export_too_large, past `max_rows` subjects; DataLoss when a
// subject's values do not open; the storage's errors.
Result<QuasiPopulation> ReadQuasiPopulation(const Kernel& kernel, ports::Storage& storage,
                                            const ActivePolicy& active, const QuasiColumns& columns,
                                            UnixMicros now, size_t max_rows, size_t page = 500);

}  // namespace konfid::app::internal

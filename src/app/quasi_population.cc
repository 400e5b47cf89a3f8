#include "app/quasi_population.h"

#include <algorithm>

#include "app/checks.h"

namespace konfid::app::internal {

namespace {

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

std::vector<std::string> QuasiColumns::names() const {
  std::vector<std::string> out;
  for (const auto* f : fields) out.push_back(f->name);
  return out;
}

Result<QuasiColumns> QuasiColumnsOf(const domain::TenantPolicy& policy,
                                    const std::string& purpose) {
  if (purpose.empty())
    return Fail(Error(ErrorCode::kInvalidArgument,
                      "name the purpose whose subjects' depersonalized data is wanted")
                    .WithReason("purpose_required"));
  QuasiColumns out;
  KONFID_ASSIGN_OR_RETURN(out.purpose, ReadPurpose(policy, purpose));
  if (!Contains(out.purpose->actions, "depersonalize"))
    return Fail(Error(ErrorCode::kPermissionDenied,
                      "purpose '" + purpose + "' does not list the action 'depersonalize'")
                    .WithReason("depersonalize_not_declared"));
  for (const auto& name : policy.statistics.quasi_identifiers)
    if (const domain::FieldSpec* spec = policy.catalogue.Find(name);
        spec && Contains(out.purpose->fields, name))
      out.fields.push_back(spec);
  if (out.fields.empty())
    return Fail(
        Error(ErrorCode::kInvalidArgument,
              "purpose '" + purpose + "' holds none of the policy's [statistics] quasi_identifiers")
            .WithReason("no_quasi_identifiers"));
  return out;
}

Result<QuasiPopulation> ReadQuasiPopulation(const Kernel& kernel, ports::Storage& storage,
                                            const ActivePolicy& active, const QuasiColumns& columns,
                                            UnixMicros now, size_t max_rows, size_t page) {
  const std::string& tenant = active.policy->tenant;
  const std::vector<std::string> names = columns.names();
  QuasiPopulation out;
  for (const auto* f : columns.fields) {
    out.table.types.push_back(f->type);
    auto it = active.policy->statistics.regions.find(f->name);
    out.table.regions.push_back(it == active.policy->statistics.regions.end() ? nullptr
                                                                              : &it->second);
  }
  const Actor reader{tenant, "system:depersonalize", Role::kAnalyst, {}};
  std::string after;
  for (bool end = false; !end;) {
    KONFID_ASSIGN_OR_RETURN(auto txn, storage.Begin(false));
    KONFID_ASSIGN_OR_RETURN(auto keys, txn->ListSubjectKeys(tenant, after, page));
    end = keys.size() < page;
    for (const auto& key : keys) {
      if (key.tenant != tenant) {
        end = true;
        break;
      }
      after = key.id;
      KONFID_ASSIGN_OR_RETURN(auto row, txn->FindSubject(tenant, key.id));
      if (!row || Erased(*row) || !CheckPurposeOpen(*row, *columns.purpose, reader) ||
          !CheckNotBlocked(*row, names))
        continue;
      KONFID_ASSIGN_OR_RETURN(auto stored, SealedFieldNames(row->fields));
      std::vector<std::string> held;
      for (const auto& n : names)
        if (Contains(stored, n)) held.push_back(n);
      if (held.empty()) continue;
      if (auto ground = CheckGround(*txn, active, *columns.purpose, tenant, key.id, now); !ground) {
        if (ground.error().code() == ErrorCode::kConsentRequired) continue;
        return Fail(ground.error());
      }
      if (out.subjects.size() == max_rows)
        return Fail(Error(ErrorCode::kInvalidArgument,
                          "the population has more than " + std::to_string(max_rows) +
                              " subjects; `konfid export depersonalized` writes any number to a "
                              "file")
                        .WithReason("export_too_large"));
      KONFID_ASSIGN_OR_RETURN(domain::FieldValues values, kernel.OpenFields(*row, &held));
      std::vector<std::string> cells;
      for (const auto& n : names) cells.push_back(values.contains(n) ? values.at(n) : "");
      out.subjects.push_back(key.id);
      out.table.rows.push_back(std::move(cells));
    }
  }
  return out;
}

}  // namespace konfid::app::internal

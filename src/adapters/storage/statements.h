// The statements both SQL backends run word for word: written once, in statements.cc, with
// PostgreSQL's numbered placeholders ($1, $2, ...), and handed to SQLite with the same numbers
// in its own spelling (?1, ?2, ...), rewritten once per process. The number says which
// argument binds where, so each backend binds the same arguments in the same order.
// Statements that differ between the dialects (locks, paging, transaction control, schema
// bookkeeping) stay in their backend, each with a comment saying why.
//
// Thread-safety: the tables are built on first use and never change afterwards; any thread
// may read them. The texts live as long as the process: the backends' statement caches key
// by their address.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace konfid::adapters {

enum class Stmt {
  // subjects
  kInsertSubject,
  kFindSubject,
  kSetEmailVerified,
  kUpdateSubjectFields,
  kDeleteSubject,
  kListSubjectKeys,
  kUpdateSubjectKey,  // the key store's
  kRewrapSubjectKey,
  kInsertSubjectKey,
  kDeleteSubjectKey,
  kEraseSubjectFields,
  kCountSubjects,
  kSetSubjectBlocked,
  // the blind index
  kInsertIndex,
  kLookupIndex,
  kFindSubjectByIndex,
  kDeleteSubjectIndex,
  kDeleteIndexField,
  // tenants and their audit heads
  kInsertTenant,
  kInsertAuditHead,
  kFindTenant,
  kListTenants,
  kUpdateTenantKeys,
  kReadAuditHead,
  kSetAuditHead,
  kAppendAudit,
  kInsertAuditCheckpoint,
  kListAuditCheckpoints,
  // API keys and meta
  kInsertApiKey,
  kFindApiKey,
  kListApiKeys,
  kRevokeApiKey,
  kGetMeta,
  kSetMeta,
  // policy versions and the consent ledger
  kInsertPolicyVersion,
  kInsertPolicyText,
  kListPolicyVersions,
  kFindPolicyVersion,
  kFindPolicyText,
  kInsertConsentEvent,
  kListConsentEvents,
  kFindConsentEvent,
  kListConsentSubjects,
  // notice runs, the outbox, tokens
  kInsertNoticeRun,
  kListNoticeRuns,
  kAdvanceNoticeRun,
  kInsertOutbox,
  kDueOutbox,
  kClaimOutbox,
  kUpdateOutbox,
  kListSubjectOutbox,
  kFindOutbox,
  kInsertToken,
  kFindToken,
  kMarkTokenUsed,
  // data-subject requests and one-time codes
  kInsertRequest,
  kFindRequest,
  kUpdateRequest,
  kListRequests,
  kListSubjectRequests,
  kCountOverdueRequests,
  kCountRequestsWithoutTerm,
  // disclosures
  kInsertDisclosure,
  kListDisclosures,
  kListSubjectDisclosures,
  kListRecipientDisclosures,
  kUpdateDisclosureDocument,
  kInsertOtpCode,
  kFindOtpCode,
  kCountOtpCodes,
  kAddOtpTry,
  kMarkOtpUsed,
  kDeleteOtpCodesBefore,
  // contracts' ends (retention)
  kSetContractEnd,
  kClearContractEnd,
  kListContractEnds,
  // legal holds
  kInsertHold,
  kListSubjectHolds,
  kLiftHold,
  kDeleteSubjectHolds,
  kUpdateHoldDocument,
  // acts of destruction
  kInsertDestructionAct,
  kListDestructionActs,
  kListSubjectDestructionActs,
  kFindDestructionAct,
  kDeleteDestructionActsBefore,
  // depersonalized exports
  kInsertDepersonalizedExport,
  kFindDepersonalizedExport,
  // technical events and cookie choices
  kInsertTechEvent,
  kListTechEvents,
  kDeleteTechEventsBefore,
  kInsertCookieChoice,
  kFindCookieChoice,
  kDeleteCookieChoicesBefore,
  kCountTechEvents,  // the four groupings of GET /v1/stats?of=events: none, day, page, both
  kCountTechEventsByDay,
  kCountTechEventsByPage,
  kCountTechEventsByDayAndPage,
  kCountSubjectsByDay,
  kCountConsentStates,
  kCount  // not a statement: the size of the table
};

inline constexpr size_t kStatementCount = static_cast<size_t>(Stmt::kCount);

// The kCountTechEvents statement of a grouping.
constexpr Stmt TechEventCountStatement(bool by_day, bool by_page) {
  if (by_day) return by_page ? Stmt::kCountTechEventsByDayAndPage : Stmt::kCountTechEventsByDay;
  return by_page ? Stmt::kCountTechEventsByPage : Stmt::kCountTechEvents;
}

// One backend's texts of the shared statements, indexed by Stmt.
class StatementTexts {
 public:
  explicit constexpr StatementTexts(const std::array<const char*, kStatementCount>& texts)
      : texts_(texts) {}
  const char* operator[](Stmt s) const { return texts_[static_cast<size_t>(s)]; }

 private:
  std::array<const char*, kStatementCount> texts_;
};

// The texts as written: PostgreSQL's style.
const StatementTexts& PostgresStatements();

// The texts with every $N rewritten to ?N (SQLite's numbered parameters, same numbers).
const StatementTexts& SqliteStatements();

// The rewrite SqliteStatements() applies; exposed for its test. The shared texts hold no
// string literal or identifier with a '$' in it, so every '$' followed by a digit is a
// placeholder.
std::string ToSqlitePlaceholders(std::string_view postgres_text);

}  // namespace konfid::adapters

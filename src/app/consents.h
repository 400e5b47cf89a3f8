// Consents: the consent ledger's use cases — recording a consent given, withdrawn or refused,
// reading a subject's ledger, and the signed receipt of one event. Each runs with its audit
// event in one transaction of the group committer; every attempt is audited.
//
// Thread-safe. Callbacks run on the group committer's thread and must not block.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "app/consent_signer.h"
#include "app/kernel.h"

namespace konfid::app {

// A consent event as a caller states it.
struct ConsentInput {
  std::string purpose;
  domain::ConsentKind kind = domain::ConsentKind::kGiven;  // given, withdrawn or refused
  int64_t policy_version = 0;  // the version whose text was shown; 0: the one in force
  std::string lang = "ru";     // the language of the text shown
  std::string method = "api";  // form, cabinet, api, unsubscribe_link, gpc
  std::string source;          // form id or page, at most 256 bytes
  std::string ip;              // the visitor's address; stored truncated (/24, /48)
  std::string user_agent;      // stored cut to 256 bytes
};

struct ConsentLedger {
  std::map<std::string, domain::ConsentState> states;  // per consent-based purpose
  std::vector<domain::ConsentEvent> events;            // oldest first
};

class Consents {
 public:
  // Each reference outlives the use case.
  Consents(Kernel& kernel, ConsentSigner& signer) : k_(kernel), signer_(signer) {}

  // Appends a consent event for a subject, with its audit event, in one transaction. The
  // text hash is the SHA-256 of the consent text of that policy version and language.
  // InvalidArgument for a purpose that is not consent-based or a version without that text;
  // NotFound for an unknown subject. Permission kConsentsRecord. Each event carries its signed
  // receipt (app/receipts.h).
  void Record(const Actor& actor, const std::string& subject, const ConsentInput& input,
              Callback<ports::ConsentEventRow> done);
  // The subject's consent states and events (audited as an extract of the ledger).
  // Permission kConsentsRead.
  void Ledger(const Actor& actor, const std::string& subject, Callback<ConsentLedger> done);
  // One consent event with its receipt, by event id (audited). Permission kReceiptsRead.
  void Receipt(const Actor& actor, const std::string& event_id,
               Callback<ports::ConsentEventRow> done);
  // The tenant's receipt key: id and Ed25519 public key. NotFound (tenant_not_configured) for
  // a tenant not configured on this server; NotFound for one without a receipt key yet.
  Result<std::pair<std::string, Bytes>> ReceiptKey(const std::string& tenant) const;

 private:
  // Record's event as the caller states it, stamped now. InvalidArgument for an ip that is
  // not one.
  Result<domain::ConsentEvent> NewEvent(const ConsentInput& input, int64_t version);

  Kernel& k_;
  ConsentSigner& signer_;
};

}  // namespace konfid::app

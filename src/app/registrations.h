// Registrations: a site's form with double opt-in. Register records the subject (or finds the
// one the email belongs to), the refused consents and a single-use confirmation link; Confirm
// uses the link, so the given consents take effect only once the address's owner confirms.
// Each runs with its audit events and its outbox message in one transaction.
//
// Thread-safe. Callbacks run on the group committer's thread and must not block.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/consent_signer.h"
#include "app/kernel.h"
#include "app/mail_composer.h"

namespace konfid::app {

// A form's submission (POST /v1/registrations).
struct RegistrationInput {
  domain::FieldInput fields;
  std::map<std::string, bool> choices;  // every consent-based purpose: ticked or not
  int64_t policy_version = 0;           // the version the form showed; 0: in force
  std::string lang = "ru";
  std::string form;  // form id and page (without query), stored as the consent events' source
  std::string ip;
  std::string user_agent;
};

struct RegistrationResult {
  std::string subject;
  bool created = false;                       // false: the email belonged to a subject already
  std::vector<domain::ConsentEvent> refused;  // recorded now; given ones wait for confirmation
  std::string message;                        // the outbox message id of the confirmation email
};

class Registrations {
 public:
  // Each reference outlives the use case.
  Registrations(Kernel& kernel, ConsentSigner& signer, MailComposer& mail)
      : k_(kernel), signer_(signer), mail_(mail) {}

  // In one transaction: the subject (or the one that already has this email, left
  // unchanged), refused consents with receipts, a single-use token (stored hashed) holding the
  // given consents, and the confirmation email in the outbox. InvalidArgument
  // (consent_choice_missing) unless every consent-based purpose has a choice; (required_field)
  // without an email address. Permission kRegister.
  void Register(const Actor& actor, const RegistrationInput& input,
                Callback<RegistrationResult> done);
  // Uses a confirmation token: records the consents it holds (with receipts) and the
  // confirmation itself. InvalidArgument (invalid_token) for an unknown, used or expired
  // token, or one sent to an address the subject no longer has, without saying which.
  void Confirm(const std::string& tenant, const std::string& token,
               Callback<std::vector<domain::ConsentEvent>> done);

 private:
  // The steps of Register: the checks, in the order their errors are reported; the rows
  // prepared on the caller's thread; the committer's operation.
  struct Plan;
  struct Rows;
  Result<Plan> Check(const Actor& actor, const RegistrationInput& input);
  // Normalizes, seals and blind-indexes the new subject's fields.
  Status SealRegistrant(const Actor& actor, Plan& plan, UnixMicros now, Rows& rows);
  // The confirmation token (its secret only in the email) and the email, before sealing.
  void PrepareConfirmation(const Actor& actor, const RegistrationInput& input, const Plan& plan,
                           UnixMicros now, Rows& rows);
  // The refused consents' events, signed for the new subject where no storage is needed.
  void PresignRefusals(const Actor& actor, const RegistrationInput& input, const Plan& plan,
                       UnixMicros now, Rows& rows);
  Status Commit(ports::Transaction& txn, AuditWriter& audit, Rows& rows);
  // The subject that has the email already, or the new one inserted; returns its key.
  Result<SecretBytes> RegistrationSubject(ports::Transaction& txn, AuditWriter& audit, Rows& rows);
  Status RecordRefusals(ports::Transaction& txn, AuditWriter& audit, Rows& rows);
  // Inside Confirm's transaction: the consents the token holds, recorded with receipts.
  Status RecordGiven(ports::Transaction& txn, AuditWriter& audit, const Actor& link,
                     const domain::TenantPolicy& policy, const ports::TokenRow& token,
                     std::map<std::string, std::string>& pending, UnixMicros now,
                     std::vector<domain::ConsentEvent>& out);

  Kernel& k_;
  ConsentSigner& signer_;
  MailComposer& mail_;
};

}  // namespace konfid::app

// The use cases on personal data over one kernel, wired as main/service.cc wires them, for the
// tests that drive them directly (no HTTP). Not thread-safe to build; the use cases are.
#pragma once

#include "app/consent_expiry.h"
#include "app/consent_signer.h"
#include "app/consents.h"
#include "app/kernel.h"
#include "app/mail_composer.h"
#include "app/marketing.h"
#include "app/policy_notices.h"
#include "app/registrations.h"
#include "app/subjects.h"

namespace konfid::fakes {

struct UseCases {
  // Each reference outlives the use cases.
  UseCases(const app::PolicySource& policies, app::Keyring& keyring, app::GroupCommitter& committer,
           ports::Crypto& crypto, ports::PhoneNormalizer& phones, ports::Clock& clock,
           app::MailSettings mail_settings = {})
      : kernel(policies, keyring, committer, crypto, phones, clock),
        signer(kernel),
        mail(kernel, std::move(mail_settings)),
        subjects(kernel, mail),
        consents(kernel, signer),
        registrations(kernel, signer, mail),
        marketing(kernel, signer, mail),
        notices(kernel, signer, mail),
        expiry(kernel, signer) {}

  app::Kernel kernel;
  app::ConsentSigner signer;
  app::MailComposer mail;
  app::Subjects subjects;
  app::Consents consents;
  app::Registrations registrations;
  app::Marketing marketing;
  app::PolicyNotices notices;
  app::ConsentExpiry expiry;
};

}  // namespace konfid::fakes

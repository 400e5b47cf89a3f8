// The use cases on personal data over one kernel, wired as main/service.cc wires them, for the
// tests that drive them directly (no HTTP). Not thread-safe to build; the use cases are.
#pragma once

#include "app/access_reply.h"
#include "app/blocks.h"
#include "app/consent_expiry.h"
#include "app/consent_signer.h"
#include "app/consents.h"
#include "app/destruction_acts.h"
#include "app/disclosures.h"
#include "app/holds.h"
#include "app/kernel.h"
#include "app/mail_composer.h"
#include "app/marketing.h"
#include "app/policy_notices.h"
#include "app/registrations.h"
#include "app/requests.h"
#include "app/retention.h"
#include "app/self_identity.h"
#include "app/self_service.h"
#include "app/subjects.h"
#include "app/tech_events.h"
#include "fixed_time_zones.h"

namespace konfid::fakes {

struct UseCases {
  // Each reference outlives the use cases.
  UseCases(const app::PolicySource& policies, app::Keyring& keyring, app::GroupCommitter& committer,
           ports::Crypto& crypto, ports::PhoneNormalizer& phones, ports::Clock& clock,
           app::MailSettings mail_settings = {}, app::SelfSettings self_settings = {})
      : kernel(policies, keyring, committer, crypto, phones, clock),
        signer(kernel),
        mail(kernel, std::move(mail_settings)),
        acts(kernel, zones),
        subjects(kernel, mail, acts),
        consents(kernel, signer),
        registrations(kernel, signer, mail),
        marketing(kernel, signer, mail),
        notices(kernel, signer, mail),
        expiry(kernel, signer),
        retention(kernel, mail, acts),
        holds(kernel),
        requests(kernel, signer, mail, acts, calendar, zones),
        blocks(kernel, mail),
        disclosures(kernel),
        replies(kernel, requests, disclosures),
        identity(kernel, mail, self_settings),
        self(kernel, identity, requests, replies),
        events(kernel) {}

  app::Kernel kernel;
  app::ConsentSigner signer;
  app::MailComposer mail;
  FixedTimeZones zones;
  app::DestructionActs acts;
  app::Subjects subjects;
  app::Consents consents;
  app::Registrations registrations;
  app::Marketing marketing;
  app::PolicyNotices notices;
  app::ConsentExpiry expiry;
  app::Retention retention;
  app::Holds holds;
  domain::WorkingCalendar calendar = *domain::WorkingCalendar::Shipped("ru");
  app::Requests requests;
  app::Blocks blocks;
  app::Disclosures disclosures;
  app::AccessReplies replies;
  app::SelfIdentity identity;
  app::SelfService self;
  app::TechnicalEvents events;
};

}  // namespace konfid::fakes

#include "app/roles.h"

#include <gtest/gtest.h>

namespace konfid::app {
namespace {

using enum Role;
constexpr Role kAll[] = {kAdmin, kOperator, kSupport, kMarketing, kAnalyst, kProcessor};

std::vector<Role> Holders(Permission p) {
  std::vector<Role> out;
  for (Role r : kAll)
    if (RoleMay(r, p)) out.push_back(r);
  return out;
}

// The lists the use cases and the admin routes held before the table: least privilege
// (analysts work on depersonalized data only and get no subject operations).
TEST(PermissionTable, HoldsTheRolesEachOperationAllowed) {
  using P = Permission;
  EXPECT_EQ(Holders(P::kNone), std::vector<Role>(std::begin(kAll), std::end(kAll)));
  EXPECT_EQ(Holders(P::kSubjectsCreate), (std::vector{kAdmin, kOperator}));
  EXPECT_EQ(Holders(P::kSubjectsRead), (std::vector{kAdmin, kOperator, kSupport, kProcessor}));
  EXPECT_EQ(Holders(P::kSubjectsUpdate), (std::vector{kAdmin, kOperator, kSupport}));
  EXPECT_EQ(Holders(P::kSubjectsDelete), (std::vector{kAdmin, kOperator}));
  EXPECT_EQ(Holders(P::kRegister), (std::vector{kAdmin, kOperator}));
  EXPECT_EQ(Holders(P::kConsentsRecord), (std::vector{kAdmin, kOperator}));
  EXPECT_EQ(Holders(P::kConsentsRead), (std::vector{kAdmin, kOperator, kSupport, kMarketing}));
  EXPECT_EQ(Holders(P::kReceiptsRead), (std::vector{kAdmin, kOperator, kSupport, kMarketing}));
  EXPECT_EQ(Holders(P::kMarketingSend), (std::vector{kAdmin, kOperator, kMarketing}));
  EXPECT_EQ(Holders(P::kPolicyPublish), (std::vector{kAdmin}));
  EXPECT_EQ(Holders(P::kApiKeysManage), (std::vector{kAdmin}));
  EXPECT_EQ(Holders(P::kJobsRun), (std::vector{kAdmin}));
  // Requests are answered by the staff who answer subjects; blocking is a decision of those
  // who may also delete.
  EXPECT_EQ(Holders(P::kRequestsRead), (std::vector{kAdmin, kOperator, kSupport}));
  EXPECT_EQ(Holders(P::kRequestsManage), (std::vector{kAdmin, kOperator, kSupport}));
  EXPECT_EQ(Holders(P::kSubjectsBlock), (std::vector{kAdmin, kOperator}));
  // Data leaves the vault by the decision of those who may also delete it; support staff
  // answer subjects' questions about where it went.
  EXPECT_EQ(Holders(P::kDisclosuresMake), (std::vector{kAdmin, kOperator}));
  EXPECT_EQ(Holders(P::kDisclosuresRead), (std::vector{kAdmin, kOperator, kSupport}));
  // What an erasure kept for a legal obligation is read by those who may also delete.
  EXPECT_EQ(Holders(P::kSubjectsReadKept), (std::vector{kAdmin, kOperator}));
  EXPECT_EQ(Holders(P::kSubjectsHold), (std::vector{kAdmin, kOperator}));
  // The acts of destruction are the operator's evidence, read by those who may also delete.
  EXPECT_EQ(Holders(P::kActsRead), (std::vector{kAdmin, kOperator}));
  // Statistics hold no one's data: analysts read them, not support or marketing.
  EXPECT_EQ(Holders(P::kStatsRead), (std::vector{kAdmin, kOperator, kAnalyst}));
  EXPECT_FALSE(CheckedByUseCase(Permission::kStatsRead));
  EXPECT_EQ(Holders(P::kExportDepersonalized), (std::vector{kAdmin, kAnalyst}));
  EXPECT_TRUE(CheckedByUseCase(Permission::kExportDepersonalized));
  // Who receives a dataset is not who may undo its pseudonyms.
  EXPECT_EQ(Holders(P::kExportReidentify), (std::vector{kAdmin}));
}

TEST(PermissionTable, PersonalDataRefusalsAreLeftToTheAuditingUseCase) {
  EXPECT_TRUE(CheckedByUseCase(Permission::kSubjectsRead));
  EXPECT_TRUE(CheckedByUseCase(Permission::kConsentsRecord));
  EXPECT_FALSE(CheckedByUseCase(Permission::kPolicyPublish));
  EXPECT_FALSE(CheckedByUseCase(Permission::kApiKeysManage));
  EXPECT_EQ(RefusalMessage(Permission::kApiKeysManage), "only an admin key may manage API keys");
}

}  // namespace
}  // namespace konfid::app

#include "text/destruction_act.h"

#include <gtest/gtest.h>

namespace konfid::text {
namespace {

domain::DestructionAct Act(domain::DestructionMethod method, domain::DestructionReason reason) {
  domain::DestructionAct act;
  act.id = "0123456789abcdef0123456789abcdef";
  act.tenant = "demo";
  act.destroyed_at = 1'800'000'000'000'000;  // 2027-01-15T08:00:00Z
  act.op = {"", {"ООО «Пример»", "Example LLC"}, {"Москва", "Moscow"}, "7701234567", "", ""};
  act.subject = "fedcba9876543210fedcba9876543210";
  act.destroyed.push_back({"email", "contact", {"Эл. почта", "Email"}, {"Контакты", "Contacts"}});
  act.information_system = "Konfid <demo>";
  act.method = method;
  act.reason = reason;
  act.actor = "system:retention";
  domain::AuditEvent e;
  e.seq = 12;
  e.time = act.destroyed_at;
  e.operation = "destroy";
  e.hash = Bytes(32, 0xcd);
  act.audit.push_back(e);
  return act;
}

TEST(DestructionActText, SaysEachItemTheOrderAsksInBothLanguages) {
  auto act = Act(domain::DestructionMethod::kCryptoShredding,
                 domain::DestructionReason::kConsentWithdrawn);
  act.reason_detail = "statistics";
  std::string ru = RenderDestructionAct(act, Lang::kRu);
  std::string hash;
  for (int i = 0; i < 32; ++i) hash += "cd";
  for (const char* part :
       {"<title>Акт об уничтожении персональных данных</title>", "15.01.2027 08:00 UTC",
        "ООО «Пример», ИНН 7701234567; адрес: Москва",
        "Политика оператора не предусматривает поручения",
        "<code>fedcba9876543210fedcba9876543210</code>", "<li>Эл. почта (Контакты)</li>",
        "Konfid &lt;demo&gt;", "Криптографическое уничтожение",
        "Подпись лица, уничтожившего данные, ставится ниже", "Отзыв субъектом согласия",
        "Цели обработки, для которых хранились уничтоженные данные: statistics.",
        "Задание информационной системы", hash.c_str(), "три года"})
    EXPECT_NE(ru.find(part), std::string::npos) << part;
  EXPECT_EQ(ru.find("Удаление значений"), std::string::npos);
  EXPECT_EQ(ru.find("Данные, которые не уничтожены"), std::string::npos);
  std::string en = RenderDestructionAct(act, Lang::kEn);
  for (const char* part : {"<title>Act of destruction of personal data</title>",
                           "Example LLC, INN 7701234567; address: Moscow",
                           "<li>Email (Contacts)</li>", "Cryptographic erasure",
                           "withdrew consent to the processing of personal data. Purposes the "
                           "destroyed data was kept for: statistics."})
    EXPECT_NE(en.find(part), std::string::npos) << part;
}

// A retention act names its purposes as the policy does; one the policy did not name, by id.
TEST(DestructionActText, ARetentionActNamesItsPurposes) {
  auto act =
      Act(domain::DestructionMethod::kDeletion, domain::DestructionReason::kRetentionExpired);
  act.reason_detail = "statistics,reviews";
  act.purposes = {{"statistics", {"Статистика", "Statistics"}}, {"reviews", {}}};
  EXPECT_NE(RenderDestructionAct(act, Lang::kRu)
                .find("хранились уничтоженные данные: «Статистика», reviews."),
            std::string::npos);
  EXPECT_NE(RenderDestructionAct(act, Lang::kEn)
                .find("the destroyed data was kept for: «Statistics», reviews."),
            std::string::npos);
}

// A partial deletion says that the former key is destroyed with the values, and what is kept.
TEST(DestructionActText, ADeletionSaysTheFormerKeyIsDestroyedAndWhatIsKept) {
  auto act = Act(domain::DestructionMethod::kDeletion, domain::DestructionReason::kSubjectRequest);
  act.reason_detail = "00000000000000000000000000000001";
  act.actor = "apikey:k1";
  act.actor_role = "operator";
  act.kept.push_back(
      {"inn", "tax_certificates", "2031-12-02", {"ИНН", "INN"}, {"Справки для вычета", "Tax"}});
  act.kept.push_back({"name", "contract", ""});  // no label: the names themselves
  std::string ru = RenderDestructionAct(act, Lang::kRu);
  for (const char* part :
       {"зашифрованы заново новым ключом, а прежний ключ уничтожен",
        "Копии удалённых значений, в том числе в резервных копиях базы данных, больше не могут",
        "запрос № <code>00000000000000000000000000000001</code>",
        "ключу доступа <code>apikey:k1</code> (роль: сотрудник, ведущий обработку данных)",
        "Данные, которые не уничтожены", "ИНН: цель «Справки для вычета», до 02.12.2031",
        "name: цель «contract», срок ещё не начал течь"})
    EXPECT_NE(ru.find(part), std::string::npos) << part;
  EXPECT_EQ(ru.find("Криптографическое уничтожение:"), std::string::npos);
  EXPECT_NE(RenderDestructionAct(act, Lang::kEn).find("the former key was destroyed"),
            std::string::npos);
}

}  // namespace
}  // namespace konfid::text

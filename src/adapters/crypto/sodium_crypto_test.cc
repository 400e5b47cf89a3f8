#include "adapters/crypto/sodium_crypto.h"

#include <gtest/gtest.h>

namespace konfid::adapters {
namespace {

using namespace std::string_view_literals;

class SodiumCryptoTest : public ::testing::Test {
 protected:
  void SetUp() override { crypto_ = std::move(*SodiumCrypto::Create()); }
  std::unique_ptr<SodiumCrypto> crypto_;
};

TEST_F(SodiumCryptoTest, SealOpensOnlyWithTheSameKeyAndAssociatedData) {
  SecretBytes key = crypto_->NewKey(), other = crypto_->NewKey();
  Bytes sealed = crypto_->Seal(key, AsBytes("Иванов"), "demo\0s1\0surname"sv);
  EXPECT_EQ(*crypto_->Open(key, sealed, "demo\0s1\0surname"sv), "Иванов");
  EXPECT_EQ(crypto_->Open(other, sealed, "demo\0s1\0surname"sv).error().code(),
            ErrorCode::kDataLoss);
  EXPECT_FALSE(crypto_->Open(key, sealed, "demo\0s2\0surname"sv));
  sealed[30] ^= 1;
  EXPECT_FALSE(crypto_->Open(key, sealed, "demo\0s1\0surname"sv));
  EXPECT_FALSE(crypto_->Open(key, Bytes(10), "x"));
}

TEST_F(SodiumCryptoTest, SealIsRandomizedAndHidesThePlaintext) {
  SecretBytes key = crypto_->NewKey();
  Bytes a = crypto_->Seal(key, AsBytes("ivan@example.com"), "ad");
  Bytes b = crypto_->Seal(key, AsBytes("ivan@example.com"), "ad");
  EXPECT_NE(a, b);
  std::string as(a.begin(), a.end());
  EXPECT_EQ(as.find("ivan"), std::string::npos);
}

TEST_F(SodiumCryptoTest, Sha256MatchesTheStandardVector) {
  // FIPS 180-2, appendix B.1: SHA-256("abc").
  EXPECT_EQ(HexEncode(crypto_->Sha256(AsBytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(SodiumCryptoTest, Ed25519SignaturesVerifyOnlyUnchanged) {
  auto key = crypto_->NewSigningKey();
  EXPECT_EQ(key.public_key.size(), 32u);
  Bytes sig = crypto_->Sign(key.secret_key, AsBytes("receipt"));
  ASSERT_EQ(sig.size(), 64u);
  EXPECT_TRUE(crypto_->VerifySignature(key.public_key, AsBytes("receipt"), sig));
  EXPECT_FALSE(crypto_->VerifySignature(key.public_key, AsBytes("receipT"), sig));
  sig[0] ^= 1;
  EXPECT_FALSE(crypto_->VerifySignature(key.public_key, AsBytes("receipt"), sig));
  auto other = crypto_->NewSigningKey();
  sig[0] ^= 1;
  EXPECT_FALSE(crypto_->VerifySignature(other.public_key, AsBytes("receipt"), sig));
  EXPECT_FALSE(crypto_->VerifySignature(Bytes(5), AsBytes("receipt"), sig));
}

TEST_F(SodiumCryptoTest, KeysWrapAndUnwrap) {
  SecretBytes master = crypto_->NewKey(), key = crypto_->NewKey();
  Bytes wrapped = crypto_->Seal(master, key.span(), "k");
  auto back = crypto_->OpenKey(master, wrapped, "k");
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->Equals(key));
}

TEST_F(SodiumCryptoTest, MacIsKeyedAndDeterministic) {
  SecretBytes k1 = crypto_->NewKey(), k2 = crypto_->NewKey();
  EXPECT_EQ(crypto_->Mac(k1, AsBytes("x")), crypto_->Mac(k1, AsBytes("x")));
  EXPECT_NE(crypto_->Mac(k1, AsBytes("x")), crypto_->Mac(k2, AsBytes("x")));
  EXPECT_EQ(crypto_->Mac(k1, AsBytes("x")).size(), 32u);
  EXPECT_TRUE(crypto_->Equal(Bytes{1, 2}, Bytes{1, 2}));
  EXPECT_FALSE(crypto_->Equal(Bytes{1, 2}, Bytes{1, 3}));
  EXPECT_FALSE(crypto_->Equal(Bytes{1, 2}, Bytes{1}));
}

}  // namespace
}  // namespace konfid::adapters

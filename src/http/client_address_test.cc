#include "http/client_address.h"

#include <gtest/gtest.h>

namespace konfid::http {
namespace {

TrustedProxies Proxies(std::vector<std::string> entries) {
  auto r = ParseTrustedProxies(entries);
  EXPECT_TRUE(r) << r.error().message();
  return r ? *r : TrustedProxies{};
}

TEST(ClientAddress, AnUntrustedPeerIsTheClientWhateverItSays) {
  auto trusted = Proxies({"10.0.0.0/8"});
  EXPECT_EQ(ClientAddress("203.0.113.9", "198.51.100.1", trusted), "203.0.113.9");
  EXPECT_EQ(ClientAddress("203.0.113.9", "", trusted), "203.0.113.9");
  EXPECT_EQ(ClientAddress("127.0.0.1", "198.51.100.1", {}), "127.0.0.1");
}

TEST(ClientAddress, BehindTrustedProxiesTheRightmostUntrustedAddressIsTheClient) {
  auto trusted = Proxies({"127.0.0.1", "10.0.0.0/8"});
  EXPECT_EQ(ClientAddress("127.0.0.1", "198.51.100.1", trusted), "198.51.100.1");
  // The client wrote a fake first entry; the proxies appended what they saw.
  EXPECT_EQ(ClientAddress("127.0.0.1", "1.2.3.4, 198.51.100.1, 10.1.2.3", trusted), "198.51.100.1");
  EXPECT_EQ(ClientAddress("10.9.9.9", " 203.0.113.7 ,10.0.0.2", trusted), "203.0.113.7");
  // Every hop trusted: the farthest one is all we know.
  EXPECT_EQ(ClientAddress("127.0.0.1", "10.0.0.1,10.0.0.2", trusted), "10.0.0.1");
  // No header: the proxy itself.
  EXPECT_EQ(ClientAddress("127.0.0.1", "", trusted), "127.0.0.1");
}

TEST(ClientAddress, AMalformedEntryStopsAtTheLastBelievableHop) {
  auto trusted = Proxies({"127.0.0.1", "10.0.0.0/8"});
  EXPECT_EQ(ClientAddress("127.0.0.1", "198.51.100.1, garbage", trusted), "127.0.0.1");
  EXPECT_EQ(ClientAddress("127.0.0.1", "garbage, 10.0.0.5", trusted), "10.0.0.5");
  EXPECT_EQ(ClientAddress("127.0.0.1", "198.51.100.1:5555", trusted), "127.0.0.1");
}

TEST(ClientAddress, IPv6AndMappedAddressesHaveOneSpelling) {
  auto trusted = Proxies({"::1", "fd00::/8", "127.0.0.0/8"});
  EXPECT_EQ(ClientAddress("::1", "2001:DB8:0::1", trusted), "2001:db8::1");
  EXPECT_EQ(ClientAddress("fd12::5", "2001:db8::2, fd00::7", trusted), "2001:db8::2");
  EXPECT_EQ(ClientAddress("::ffff:127.0.0.1", "::ffff:198.51.100.3", trusted), "198.51.100.3");
}

TEST(ParseTrustedProxies, RefusesWhatIsNotAnAddressOrBlock) {
  for (std::string bad : {"10.0.0.0/33", "localhost", "10.0.0.0/", "::1/129", "1.2.3.4/8x", ""})
    EXPECT_FALSE(ParseTrustedProxies({bad})) << bad;
  auto ok = ParseTrustedProxies({"0.0.0.0/0", "::/0", "192.168.1.0/24"});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->size(), 3u);
  // 192.168.1.0/24 covers .200 but not 192.168.2.1.
  EXPECT_EQ(ClientAddress("192.168.1.200", "198.51.100.4", {(*ok)[2]}), "198.51.100.4");
  EXPECT_EQ(ClientAddress("192.168.2.1", "198.51.100.4", {(*ok)[2]}), "192.168.2.1");
}

}  // namespace
}  // namespace konfid::http

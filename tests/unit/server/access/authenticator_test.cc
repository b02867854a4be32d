#include "server/access/authenticator.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace ingest::server {
namespace {

constexpr char kShop[] = "shop-token-0123456789";
constexpr char kAdmin[] = "admin-token-0123456789";

class AuthenticatorTest : public testing::Test {
 protected:
  void Write(const std::string& text) { std::ofstream(path_, std::ios::trunc) << text; }
  Metadata With(const std::string& value) {
    header_ = value;
    Metadata m;
    m.emplace("authorization", grpc::string_ref(header_));
    return m;
  }
  std::string path_ = testing::TempDir() + "/tokens-" + std::to_string(::getpid()) + ".txt";
  std::string header_;
};

TEST_F(AuthenticatorTest, GrantsWhatTheTokensLineAllows) {
  Write(std::string(kShop) + " shop-\n" + kAdmin + " * admin\n");
  auto auth = Authenticator::Load(path_);
  ASSERT_TRUE(auth.ok()) << auth.status();
  auto shop = (*auth)->Authenticate(With(std::string("Bearer ") + kShop));
  ASSERT_TRUE(shop.ok()) << shop.status();
  EXPECT_TRUE((*shop)->Allows("shop-7"));
  EXPECT_FALSE((*shop)->Allows("other-7"));
  EXPECT_EQ((*shop)->Check("producer_id", "other-7").message(),
            "producer_id 'other-7' is outside this token's producer prefix 'shop-'");
  EXPECT_EQ((*shop)->Check("producer_id", "other-7").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE((*auth)->Authenticate(With(std::string("bearer ") + kAdmin)).ok())
      << "the scheme is case-blind";
  EXPECT_EQ((*auth)->AuthenticateAdmin(With(std::string("Bearer ") + kShop)).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE((*auth)->AuthenticateAdmin(With(std::string("Bearer ") + kAdmin)).ok());
}

TEST_F(AuthenticatorTest, MissingMalformedOrUnknownTokensAreUnauthenticated) {
  Write(std::string(kShop) + " shop-\n");
  auto auth = Authenticator::Load(path_);
  ASSERT_TRUE(auth.ok());
  auto none = (*auth)->Authenticate(Metadata{});
  EXPECT_EQ(none.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(none.status().message().find("pass --token-file FILE"), std::string::npos);
  EXPECT_EQ((*auth)->Authenticate(With(kShop)).status().code(), absl::StatusCode::kUnauthenticated);
  auto unknown = (*auth)->Authenticate(With("Bearer shop-token-0123456780"));
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(unknown.status().message().find("shop-token"), std::string::npos) << "the token is never echoed";
}

TEST_F(AuthenticatorTest, ReloadRevokesDroppedAndChangedTokensAndKeepsTheOthers) {
  Write(std::string(kShop) + " shop-\n" + kAdmin + " * admin\n");
  auto auth = Authenticator::Load(path_);
  ASSERT_TRUE(auth.ok());
  auto shop = (*auth)->Check(kShop);
  auto admin = (*auth)->Check(kAdmin);
  ASSERT_TRUE(shop.ok() && admin.ok());
  Write(std::string(kAdmin) + " * admin\n");
  auto count = (*auth)->Reload();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 1u);
  EXPECT_TRUE((*shop)->revoked());
  EXPECT_FALSE((*admin)->revoked());
  EXPECT_EQ((*auth)->Check(kShop).status().code(), absl::StatusCode::kUnauthenticated);

  Write(std::string(kAdmin) + " shop-\n");  // the same token, allowed less: its calls end too
  ASSERT_TRUE((*auth)->Reload().ok());
  EXPECT_TRUE((*admin)->revoked());
  EXPECT_FALSE((*(*auth)->Check(kAdmin))->admin());
}

TEST_F(AuthenticatorTest, ABadReloadKeepsTheTokensInForce) {
  Write(std::string(kShop) + " shop-\n");
  auto auth = Authenticator::Load(path_);
  ASSERT_TRUE(auth.ok());
  Write("too-short shop-\n");
  auto reloaded = (*auth)->Reload();
  EXPECT_FALSE(reloaded.ok());
  EXPECT_NE(reloaded.status().message().find(":1: the token has 9 characters"), std::string::npos);
  EXPECT_TRUE((*auth)->Check(kShop).ok());
}

TEST_F(AuthenticatorTest, AFileWithoutTokensIsRefusedAtStart) {
  Write("# nothing\n");
  auto auth = Authenticator::Load(path_);
  ASSERT_FALSE(auth.ok());
  EXPECT_NE(auth.status().message().find("lists no token"), std::string::npos);
}

TEST_F(AuthenticatorTest, CallsAuthenticateWhileSighupReloads) {
  // gRPC's threads authenticate calls while the signal thread re-reads the file: each call sees
  // the tokens before or after a re-read, never a mix (and ThreadSanitizer sees no race).
  Write(std::string(kShop) + " shop-\n" + kAdmin + " * admin\n");
  auto auth = Authenticator::Load(path_);
  ASSERT_TRUE(auth.ok());
  const std::string admin_header = std::string("Bearer ") + kAdmin;
  std::vector<std::thread> callers;
  std::vector<int> admin_ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&, t] {
      Metadata m;
      m.emplace("authorization", grpc::string_ref(admin_header));
      for (int i = 0; i < 2000; ++i) {
        auto grant = (*auth)->Authenticate(m);
        if (grant.ok() && (*grant)->admin()) ++admin_ok[t];
        (void)(*auth)->Check(kShop);
      }
    });
  }
  for (int i = 0; i < 50; ++i) {
    Write(i % 2 == 0 ? std::string(kAdmin) + " * admin\n"
                     : std::string(kShop) + " shop-\n" + kAdmin + " * admin\n");
    ASSERT_TRUE((*auth)->Reload().ok());
  }
  for (auto& c : callers) c.join();
  for (int t = 0; t < 4; ++t)
    EXPECT_EQ(admin_ok[t], 2000) << "the admin token stays in force through every re-read";
  EXPECT_TRUE((*auth)->Check(kShop).ok()) << "the last re-read lists the shop token";
}

TEST_F(AuthenticatorTest, EachTokenIsItsOwnClientAndKeepsItThroughARereadThatKeepsIt) {
  Write(std::string(kShop) + " shop-\n" + kAdmin + " * admin\n");
  auto auth = Authenticator::Load(path_);
  ASSERT_TRUE(auth.ok());
  const std::string shop = (*(*auth)->Check(kShop))->client();
  const std::string admin = (*(*auth)->Check(kAdmin))->client();
  EXPECT_NE(shop, admin);
  EXPECT_EQ(shop.rfind("token:", 0), 0u);
  EXPECT_EQ(shop.find(kShop), std::string::npos) << "never the token itself";
  EXPECT_TRUE(Grant::Open()->client().empty()) << "calls without tokens count by their address";
  Write(std::string(kShop) + " shop-\n");
  ASSERT_TRUE((*auth)->Reload().ok());
  EXPECT_EQ((*(*auth)->Check(kShop))->client(), shop);
}

}  // namespace
}  // namespace ingest::server

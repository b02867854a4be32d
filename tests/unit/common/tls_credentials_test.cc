// The TLS flags' rules and the reading of PEM files (the handshakes themselves: e2e_tls).
#include "common/tls_credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace ingest {
namespace {

using ::testing::HasSubstr;

std::string WriteTemp(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

TEST(TlsCredentialsTest, OnlyLoopbackAndUnixSocketsAreLocal) {
  for (const char* local : {"127.0.0.1:50051", "127.0.0.1:0", "127.1.2.3:9", "localhost:50051", "[::1]:50051",
                            "unix:/run/ingest/admin.sock", "unix-abstract:ingest"}) {
    EXPECT_TRUE(IsLocalOnly(local)) << local;
  }
  for (const char* remote : {"0.0.0.0:50051", "[::]:50051", "10.0.0.5:50051", "ingest.example:50051",
                             "128.0.0.1:1", "localhost.example.com:1"}) {
    EXPECT_FALSE(IsLocalOnly(remote)) << remote;
  }
}

TEST(TlsCredentialsTest, ACertificateNeedsItsKeyAndTheClientCaNeedsTls) {
  EXPECT_THAT(CheckTlsFlags(TlsFiles{"", "c.pem", ""}, "server").message(),
              HasSubstr("--tls-cert and --tls-key go together"));
  EXPECT_THAT(CheckTlsFlags(TlsFiles{"", "", "k.pem"}, "client").message(),
              HasSubstr("--tls-cert and --tls-key go together"));
  EXPECT_THAT(CheckTlsFlags(TlsFiles{"ca.pem", "", ""}, "server").message(),
              HasSubstr("--tls-client-ca needs --tls-cert and --tls-key"));
  EXPECT_TRUE(CheckTlsFlags(TlsFiles{"ca.pem", "", ""}, "client").ok()) << "a client may trust a CA only";
  EXPECT_TRUE(CheckTlsFlags(TlsFiles{}, "server").ok());
}

TEST(TlsCredentialsTest, FilesThatCannotBeReadOrAreNotPemAreNamedWithTheirFlag) {
  const std::string not_pem = WriteTemp("not.pem", "hello\n");
  auto missing = ServerCredentials(TlsFiles{"", "/nonexistent/server.pem", not_pem});
  EXPECT_EQ(missing.status().message(), "--tls-cert /nonexistent/server.pem: cannot be read");
  auto client = ClientCredentials(TlsFiles{not_pem, "", ""});
  EXPECT_EQ(client.status().message(), "--tls-ca " + not_pem + ": not a PEM file");
}

TEST(TlsCredentialsTest, NoFilesMeansPlaintextAndACaMeansTls) {
  auto plain = ClientCredentials(TlsFiles{});
  ASSERT_TRUE(plain.ok());
  EXPECT_NE(*plain, nullptr);
  const std::string ca =
      WriteTemp("ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  auto tls = ClientCredentials(TlsFiles{ca, "", ""});
  ASSERT_TRUE(tls.ok()) << tls.status();
  EXPECT_NE(*tls, nullptr);
}

TEST(TlsCredentialsTest, AClosedSocketGetsAHintFittingTheClientsTlsFlags) {
  const std::string closed = "failed to connect to all addresses; last error: UNAVAILABLE: Socket closed";
  EXPECT_THAT(TlsHint(TlsFiles{}, closed), HasSubstr("if the server uses TLS, pass --tls-ca FILE"));
  EXPECT_THAT(TlsHint(TlsFiles{"ca.pem", "", ""}, closed), HasSubstr("pass --tls-cert and --tls-key"));
  EXPECT_THAT(TlsHint(TlsFiles{"ca.pem", "c.pem", "k.pem"}, closed), HasSubstr("check that --tls-ca signed"));
  EXPECT_EQ(TlsHint(TlsFiles{}, "connection refused"), "") << "a server that is not there: no TLS hint";
}

}  // namespace
}  // namespace ingest

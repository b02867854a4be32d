#include "common/client_access.h"

#include <grpcpp/support/client_interceptor.h>

#include <fstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace ingest {
namespace {

// Adds the authorization metadata to each call before its headers are sent.
class BearerToken final : public grpc::experimental::Interceptor {
 public:
  explicit BearerToken(const std::string* header) : header_(header) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->insert({"authorization", *header_});
    }
    methods->Proceed();
  }

 private:
  const std::string* header_;
};

class BearerTokenFactory final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerTokenFactory(const std::string& token) : header_(absl::StrCat("Bearer ", token)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(grpc::experimental::ClientRpcInfo*) override {
    return new BearerToken(&header_);
  }

 private:
  const std::string header_;  // lives as long as the channel, which owns the factory
};

}  // namespace

absl::StatusOr<std::string> ReadBearerToken(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return absl::InvalidArgumentError(absl::StrCat("--token-file ", path, ": cannot read the file"));
  }
  std::string token(absl::StripAsciiWhitespace(line));
  if (token.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--token-file ", path, ": the first line is empty; it must hold the token"));
  }
  return token;
}

absl::StatusOr<ClientAccess> LoadClientAccess(const TlsFiles& tls, const std::string& token_file) {
  ClientAccess access;
  auto credentials = ClientCredentials(tls);  // checks the combination of flags first
  if (!credentials.ok()) return credentials.status();
  access.credentials = std::move(*credentials);
  if (!token_file.empty()) {
    auto token = ReadBearerToken(token_file);
    if (!token.ok()) return token.status();
    access.token = std::move(*token);
  }
  return access;
}

std::shared_ptr<grpc::Channel> MakeClientChannel(const std::string& target, const ClientAccess& access,
                                                 const grpc::ChannelArguments& args) {
  auto credentials = access.credentials ? access.credentials : grpc::InsecureChannelCredentials();
  if (access.token.empty()) return grpc::CreateCustomChannel(target, credentials, args);
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<BearerTokenFactory>(access.token));
  return grpc::experimental::CreateCustomChannelWithInterceptors(target, credentials, args,
                                                                 std::move(interceptors));
}

}  // namespace ingest

#include "server/listeners.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ingest::server {
namespace {

// "host:port" with the port actually bound; an address without a port stays as it is.
std::string WithPort(const std::string& address, int port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) return address;
  return absl::StrCat(address.substr(0, colon), ":", port);
}

}  // namespace

absl::StatusOr<GrpcListener> ListenGrpc(const std::string& role, const std::string& address,
                                        grpc::Service* service, const std::string& flag,
                                        std::shared_ptr<grpc::ServerCredentials> credentials) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(address, std::move(credentials), &port);
  builder.RegisterService(service);
  builder.SetMaxReceiveMessageSize(64 << 20);
  GrpcListener listener;
  listener.server = builder.BuildAndStart();
  if (!listener.server) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", address, " for ", role, " (in use? pass ", flag, " HOST:PORT)"));
  }
  listener.address = absl::StartsWith(address, "unix:") ? address : WithPort(address, port);
  return listener;
}

absl::StatusOr<MetricsListener> ListenMetrics(
    const std::string& address, const std::vector<std::shared_ptr<prometheus::Collectable>>& sources) {
  MetricsListener listener;
  try {
    listener.exposer = std::make_unique<prometheus::Exposer>(address, 1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", address, " for metrics (", e.what(),
                     "; in use? pass --metrics-listen HOST:PORT, or \"\" for none)"));
  }
  for (const auto& source : sources) listener.exposer->RegisterCollectable(source);
  const std::vector<int> ports = listener.exposer->GetListeningPorts();
  listener.address = ports.empty() ? address : WithPort(address, ports.front());
  return listener;
}

}  // namespace ingest::server

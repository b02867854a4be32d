#include "server/listeners.h"

#include <grpcpp/resource_quota.h>

#include <algorithm>

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
                                        const ListenerSettings& settings) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(address, settings.credentials, &port);
  builder.RegisterService(service);
  builder.SetMaxReceiveMessageSize(
      static_cast<int>(std::min<uint64_t>(settings.max_message_bytes, INT32_MAX)));
  grpc::ResourceQuota quota(absl::StrCat("ingest-server ", role));
  quota.Resize(settings.max_memory);
  builder.SetResourceQuota(quota);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20 * 1000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10 * 1000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                             static_cast<int>(std::min<int64_t>(
                                 absl::ToInt64Milliseconds(settings.max_connection_idle), INT32_MAX)));
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

#include "server/access/call_limits.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/units.h"

namespace ingest::server {

std::string PeerHost(const std::string& peer) {
  if (absl::StartsWith(peer, "unix:")) return "unix";
  absl::string_view rest = peer;
  if (const size_t colon = rest.find(':'); colon != absl::string_view::npos && !absl::StartsWith(rest, "["))
    rest.remove_prefix(colon + 1);  // "ipv4:" / "ipv6:"
  if (const size_t port = rest.rfind(':'); port != absl::string_view::npos) rest = rest.substr(0, port);
  return std::string(rest);
}

CallLimits::StreamTicket::~StreamTicket() { limits_->Close(this); }

CallLimits::UploadTicket::~UploadTicket() { limits_->uploads_.fetch_sub(1); }

absl::StatusOr<std::unique_ptr<CallLimits::StreamTicket>> CallLimits::OpenStream(const std::string& peer,
                                                                                 absl::Time now, EndIdle end,
                                                                                 const std::string& client) {
  std::string host = PeerHost(peer);
  absl::MutexLock lock(&mu_);
  if (open_.size() >= config_.max_streams) {
    return absl::ResourceExhaustedError(absl::StrCat("the server has ", open_.size(),
                                                     " open streams, its limit (--max-streams ",
                                                     config_.max_streams, "); retry later"));
  }
  size_t& from_host = per_host_[host];
  if (from_host >= config_.max_streams_per_peer) {
    const size_t open = from_host;
    if (open == 0) per_host_.erase(host);
    return absl::ResourceExhaustedError(absl::StrCat(open, " streams are open from ", host,
                                                     ", the limit per peer (--max-streams-per-peer ",
                                                     config_.max_streams_per_peer, "); retry later"));
  }
  ++from_host;
  std::string who = client.empty() ? host : client;
  std::unique_ptr<StreamTicket> ticket(new StreamTicket(this, std::move(host), who, std::move(end)));
  if (config_.max_batches_per_second > 0) {
    std::weak_ptr<RateBudget>& shared = rates_[who];
    ticket->rate_ = shared.lock();
    if (!ticket->rate_) {
      ticket->rate_ = std::make_shared<RateBudget>(config_.max_batches_per_second);
      shared = ticket->rate_;
    }
  }
  ticket->Waiting(now);
  open_.emplace(ticket.get(), false);
  return ticket;
}

absl::StatusOr<std::unique_ptr<CallLimits::UploadTicket>> CallLimits::OpenUpload() {
  size_t open = uploads_.fetch_add(1);
  if (open >= config_.max_uploads) {
    uploads_.fetch_sub(1);
    return absl::ResourceExhaustedError(absl::StrCat(
        open, " uploads are in progress, the limit (--max-uploads ", config_.max_uploads, "); retry later"));
  }
  return std::make_unique<UploadTicket>(this);
}

void CallLimits::Close(StreamTicket* ticket) {
  absl::MutexLock lock(&mu_);
  open_.erase(ticket);
  auto it = per_host_.find(ticket->host_);
  if (it != per_host_.end() && --it->second == 0) per_host_.erase(it);
  if (ticket->rate_) {
    ticket->rate_.reset();
    auto rate = rates_.find(ticket->client_);
    if (rate != rates_.end() && rate->second.expired()) rates_.erase(rate);  // its client's last stream
  }
}

size_t CallLimits::EndIdleStreams(absl::Time now) {
  const int64_t deadline = absl::ToUnixNanos(now - config_.stream_idle_timeout);
  const std::string message = absl::StrCat(
      "no message for ", DurationText(config_.stream_idle_timeout),
      " (--stream-idle-timeout): the server closed the idle stream; open a new one to send more");
  std::vector<EndIdle> ending;
  {
    absl::MutexLock lock(&mu_);
    for (auto& [ticket, ended] : open_) {
      if (ended || ticket->since_ns_.load(std::memory_order_relaxed) > deadline) continue;
      ended = true;
      ending.push_back(ticket->end_);
    }
  }
  for (const EndIdle& end : ending) end(message);  // outside the lock: it takes the stream's
  return ending.size();
}

size_t CallLimits::streams() const {
  absl::MutexLock lock(&mu_);
  return open_.size();
}

}  // namespace ingest::server

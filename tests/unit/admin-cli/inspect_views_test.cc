// The producers, rejections, files and where renderings, the terminal width, and the --watch
// helpers: what a person sees, and that tables fit the width they are given.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "absl/strings/str_split.h"
#include "admin-cli/files_view.h"
#include "admin-cli/human_format.h"
#include "admin-cli/producers_view.h"
#include "admin-cli/rejections_view.h"
#include "admin-cli/text_table.h"
#include "admin-cli/watch.h"
#include "admin-cli/where_view.h"

namespace ingest::admin {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kT = 1795428062;  // 2026-11-23 10:01:02 UTC
const absl::Time kNow = absl::FromUnixSeconds(kT + 65);

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

void ExpectFits(const std::string& table, size_t width) {
  for (const std::string& line : Lines(table)) EXPECT_LE(DisplayWidth(line), width) << line;
}

v1::ListRejectionsResponse Rejections() {
  v1::ListRejectionsResponse response;
  v1::RejectionInfo* r = response.add_rejections();
  r->set_origin("gen-7f3a9c01-1");
  r->set_index(3);
  r->set_event_id("gen-7f3a9c01-1-12-3");
  r->set_code("out_of_range");
  r->set_reason("quantity is 0; it must be from 1 to 10000");
  r->set_source("stream");
  r->set_batch_id(42);
  r->mutable_received_at()->set_seconds(kT);
  r = response.add_rejections();
  r->set_origin("events_batch_0002.csv");
  r->set_index(17);
  r->set_code("missing_field");
  r->set_reason("user_id is missing");
  r->set_source("file");
  r->set_batch_id(41);
  return response;
}

TEST(RejectionsViewTest, OneRowPerRejectionWithCodeAndReason) {
  std::string out = RenderRejections(Rejections(), 0, "");
  EXPECT_THAT(Lines(out),
              ElementsAre("RECEIVED AT           SOURCE  ORIGIN                 POS  EVENT ID             "
                          "CODE           BATCH  REASON",
                          "2026-11-23 10:01:02Z  stream  gen-7f3a9c01-1           3  gen-7f3a9c01-1-12-3  "
                          "out_of_range      42  quantity is 0; it must be from 1 to 10000",
                          "-                     file    events_batch_0002.csv   17  -                    "
                          "missing_field     41  user_id is missing"));
}

TEST(RejectionsViewTest, ANarrowTerminalCutsTheWidestTextFirst) {
  std::string out = RenderRejections(Rejections(), 130, "");
  ExpectFits(out, 130);
  EXPECT_THAT(out, HasSubstr("  quantity is 0; it must be fr\u2026\n"));
  EXPECT_THAT(out, HasSubstr("events_batch_0002.csv"))
      << "narrower columns stay whole while the reason can give";
  // Narrower, the cut columns level out; below their headers nothing is cut.
  out = RenderRejections(Rejections(), 90, "");
  ExpectFits(out, 90);
  EXPECT_THAT(out, HasSubstr("  quantity\u2026\n"));
  EXPECT_EQ(Lines(RenderRejections(Rejections(), 40, ""))[0],
            "RECEIVED AT           SOURCE  ORIGIN  POS  EVENT ID  CODE           BATCH  REASON");
}

TEST(RejectionsViewTest, AnEmptyAnswerSaysSo) {
  EXPECT_EQ(RenderRejections({}, 80, ""), "no rejected events\n");
  EXPECT_EQ(RenderRejections({}, 80, "bad_utf8"), "no rejected events with code bad_utf8\n");
}

TEST(ProducersViewTest, ConnectedForHowLongAndLastSeen) {
  v1::ListProducersResponse response;
  v1::ProducerInfo* p = response.add_producers();
  p->set_producer_id("gen-1");
  p->set_peer("ipv4:127.0.0.1:51234");
  p->set_connected(true);
  p->mutable_connected_since()->set_seconds(kT - 120);
  p->mutable_last_seen()->set_seconds(kT + 60);
  p->set_last_received_sequence(12);
  p->set_last_durable_sequence(12);
  p->set_last_committed_sequence(10);
  p->set_events(1200);
  p = response.add_producers();
  p->set_producer_id("gen-old");
  p->mutable_last_seen()->set_seconds(kT - 3600);
  p->set_last_committed_sequence(5);
  p->set_last_durable_sequence(5);
  EXPECT_THAT(
      Lines(RenderProducers(response, 0, kNow)),
      ElementsAre(
          "PRODUCER  PEER                  CONNECTED  LAST SEEN  RECEIVED  DURABLE  COMMITTED  EVENTS",
          "gen-1     ipv4:127.0.0.1:51234  for 3m05s  5s ago           12       12         10    1200",
          "gen-old   -                     -          1h01m ago         -        5          5       0"));
  EXPECT_EQ(RenderProducers({}, 0, kNow), "no producers known yet\n");
}

TEST(FilesViewTest, SizesAreReadableAndTheShaIsCutOnANarrowTerminal) {
  v1::ListFilesResponse response;
  v1::FileInfo* f = response.add_files();
  f->set_file_name("events_batch_0001.csv");
  f->set_sha256(std::string(64, 'a'));
  f->set_size_bytes(2048);
  f->set_accepted(38);
  f->set_rejected(2);
  f->set_batch_id(7);
  f->mutable_ingested_at()->set_seconds(kT);
  std::string wide = RenderFiles(response, 0);
  EXPECT_THAT(Lines(wide)[1], HasSubstr("events_batch_0001.csv  2.0 KiB        38         2      7  aaaa"));
  std::string narrow = RenderFiles(response, 110);
  ExpectFits(narrow, 110);
  EXPECT_THAT(narrow, HasSubstr("events_batch_0001.csv")) << "the widest column, the sha256, gives first";
  EXPECT_THAT(narrow, HasSubstr("a\u2026"));
  EXPECT_EQ(RenderFiles({}, 0), "no files ingested yet\n");
}

TEST(WhereViewTest, ACommittedEventShowsItsBatchAndFields) {
  v1::WhereIsEventResponse where;
  where.set_state("committed");
  where.set_batch_id(42);
  where.set_server_id("srv-a");
  where.mutable_committed_at()->set_seconds(kT);
  where.set_detail("committed in batch 42 of server srv-a at 2026-11-23T10:01:02.000000Z");
  v1::Event* e = where.mutable_event();
  e->set_user_id("user_0042");
  e->set_event_type(v1::EVENT_TYPE_PURCHASE);
  e->set_product_id("prod_07");
  e->set_product_name("Mug");
  e->set_price_cents(1299);
  e->set_quantity(2);
  e->mutable_event_time()->set_seconds(kT - 10);
  e->set_device_type(v1::DEVICE_TYPE_MOBILE);
  std::string out = RenderWhere("ev-1", where, kNow);
  EXPECT_THAT(out, HasSubstr("state         committed\n"));
  EXPECT_THAT(out, HasSubstr("batch         42\n"));
  EXPECT_THAT(out, HasSubstr("committed at  2026-11-23 10:01:02Z (1m05s ago)\n"));
  EXPECT_THAT(out, HasSubstr("product       prod_07 (Mug)\n"));
  EXPECT_THAT(out, HasSubstr("price         12.99 x 2\n"));
  EXPECT_THAT(out, HasSubstr("device        mobile\n"));
  EXPECT_THAT(out, Not(HasSubstr("code")));
}

TEST(WhereViewTest, ARejectedEventShowsCodeReasonAndLine) {
  v1::WhereIsEventResponse where;
  where.set_state("rejected");
  where.set_source("file");
  where.set_origin("events.csv");
  where.set_index(17);
  where.set_code("bad_number");
  where.set_reason("product_price 'abc' is not a number");
  std::string out = RenderWhere("ev-2", where, kNow);
  EXPECT_THAT(out, HasSubstr("line      17\n"));
  EXPECT_THAT(out, HasSubstr("code      bad_number\n"));
  EXPECT_THAT(out, HasSubstr("reason    product_price 'abc' is not a number\n"));
  EXPECT_THAT(out, Not(HasSubstr("batch")));
}

TEST(TerminalWidthTest, APipeIsNotCutUnlessColumnsIsSet) {
  ASSERT_FALSE(StdoutIsTerminal()) << "run the unit tests with stdout not a terminal";
  unsetenv("COLUMNS");
  EXPECT_EQ(TerminalWidth(), 0u);
  setenv("COLUMNS", "77", 1);
  EXPECT_EQ(TerminalWidth(), 77u);
  unsetenv("COLUMNS");
}

TEST(WatchTest, WatchWithoutAValueTakesTheDefault) {
  using V = std::vector<std::string>;
  EXPECT_EQ(WithWatchDefault(V{"--watch", "status"}), (V{"--watch=2s", "status"}));
  EXPECT_EQ(WithWatchDefault(V{"status", "--watch"}), (V{"status", "--watch=2s"}));
  EXPECT_EQ(WithWatchDefault(V{"--watch", "--json", "status"}), (V{"--watch=2s", "--json", "status"}));
  EXPECT_EQ(WithWatchDefault(V{"--watch", "5", "status"}), (V{"--watch", "5", "status"}));
  EXPECT_EQ(WithWatchDefault(V{"--watch", "500ms", "batches"}), (V{"--watch", "500ms", "batches"}));
  EXPECT_EQ(WithWatchDefault(V{"--watch=1", "where", "e"}), (V{"--watch=1", "where", "e"}));
  EXPECT_EQ(WithWatchDefault(V{"where", "--", "--watch"}), (V{"where", "--", "--watch"}));
}

TEST(WatchTest, RedrawsUntilStoppedClearingOnlyATerminal) {
  for (bool terminal : {true, false}) {
    std::ostringstream out, err;
    int frames = 0;
    std::vector<absl::Duration> waits;
    int code = Watch(
        WatchFrame{absl::Seconds(3), terminal, "every 3s: ingest-admin status"},
        [&](std::ostream& o, std::ostream& e) {
          o << "frame " << ++frames << "\n";
          if (frames == 2) e << "ingest-admin: a failure\n";
          return frames == 3 ? 1 : 0;
        },
        out, err,
        [&](absl::Duration d) {
          waits.push_back(d);
          return waits.size() == 3;
        });
    EXPECT_EQ(frames, 3);
    EXPECT_EQ(code, 1) << "the last frame's exit code";
    EXPECT_EQ(waits, std::vector<absl::Duration>(3, absl::Seconds(3)));
    EXPECT_EQ(err.str(), "ingest-admin: a failure\n");
    const std::string text = out.str();
    size_t clears = 0;
    for (size_t at = text.find("\x1b[2J"); at != std::string::npos; at = text.find("\x1b[2J", at + 1))
      ++clears;
    EXPECT_EQ(clears, terminal ? 3u : 0u);
    EXPECT_THAT(text, HasSubstr("every 3s: ingest-admin status  20"));
    EXPECT_THAT(text, HasSubstr("frame 3\n"));
  }
}

}  // namespace
}  // namespace ingest::admin

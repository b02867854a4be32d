#include "common/validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/event_row.h"
#include "common/time_text.h"

namespace ingest {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2025, 6, 1, 12, 0, 0), absl::UTCTimeZone());

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

v1::Event ValidEvent() {
  v1::Event e;
  e.set_event_id("evt-1");
  e.set_user_id("user-42");
  e.set_event_type(v1::EVENT_TYPE_PURCHASE);
  e.set_product_id("prod-7");
  e.set_product_name("Kaffeemühle");
  e.set_product_category("Küche");
  e.set_price_cents(1999);
  e.set_quantity(2);
  *e.mutable_event_time() = ToProtoTime(kNow - absl::Hours(1));
  e.set_session_id("sess-9");
  e.set_device_type(v1::DEVICE_TYPE_MOBILE);
  return e;
}

void SetText(v1::Event* e, const std::string& field, const std::string& value) {
  const auto* desc = e->GetDescriptor()->FindFieldByName(field);
  ASSERT_NE(desc, nullptr) << field;
  e->GetReflection()->SetString(e, desc, value);
}

// Checks that `event` is rejected with `code` and a reason that starts with `field` and, when
// given, mentions `value`.
void ExpectProblem(const v1::Event& event, const std::string& code, const std::string& field,
                   const std::string& value = "") {
  auto p = ValidateEvent(event, kNow);
  ASSERT_TRUE(p.has_value()) << "expected " << code << " for " << field << ", got a valid event";
  EXPECT_EQ(p->code, code) << p->reason;
  EXPECT_THAT(p->reason, StartsWith(field));
  if (!value.empty()) {
    EXPECT_THAT(p->reason, HasSubstr(value));
  }
}

void ExpectValid(const v1::Event& event) {
  auto p = ValidateEvent(event, kNow);
  EXPECT_FALSE(p.has_value()) << p->code << ": " << p->reason;
}

TEST(ValidateEventTest, AFullyPopulatedEventIsValid) { ExpectValid(ValidEvent()); }

TEST(ValidateEventTest, AnEventWithOnlyTheRequiredFieldsIsValid) {
  v1::Event e;
  e.set_event_id("e");
  e.set_user_id("u");
  e.set_event_type(v1::EVENT_TYPE_VIEW);
  e.set_product_id("p");
  *e.mutable_event_time() = ToProtoTime(kNow);
  ExpectValid(e);
}

// event_id, user_id and product_id: required, 1..50 bytes of UTF-8.
class RequiredIdTest : public ::testing::TestWithParam<std::string> {
 protected:
  v1::Event With(const std::string& value) {
    v1::Event e = ValidEvent();
    SetText(&e, GetParam(), value);
    return e;
  }
};

TEST_P(RequiredIdTest, EmptyIsMissingField) { ExpectProblem(With(""), code::kMissingField, GetParam()); }

TEST_P(RequiredIdTest, FiftyBytesAreAccepted) { ExpectValid(With(std::string(50, 'x'))); }

TEST_P(RequiredIdTest, FiftyOneBytesAreTooLong) {
  ExpectProblem(With(std::string(51, 'x')), code::kTooLong, GetParam(), "51 bytes");
}

TEST_P(RequiredIdTest, InvalidUtf8IsBadUtf8) {
  for (std::string bad : {"\xff", "a\xc0\xaf", "\xed\xa0\x80", "ab\xe2\x82"}) {
    SCOPED_TRACE(testing::PrintToString(bad));
    ExpectProblem(With(bad), code::kBadUtf8, GetParam());
  }
}

TEST_P(RequiredIdTest, ANulCharacterIsBadUtf8NamingItsByte) {
  ExpectProblem(With(std::string("ab\0c", 4)), code::kBadUtf8, GetParam(),
                "holds a NUL character (byte 3), which PostgreSQL text cannot store");
}

TEST_P(RequiredIdTest, MultiByteTextIsCountedInBytes) {
  ExpectValid(With(Repeat("é", 25)));  // 50 bytes
  ExpectProblem(With(Repeat("é", 26)), code::kTooLong, GetParam(), "52 bytes");
}

INSTANTIATE_TEST_SUITE_P(Ids, RequiredIdTest, ::testing::Values("event_id", "user_id", "product_id"),
                         [](const auto& info) { return info.param; });

// product_name, product_category and session_id: optional, at most `limit` bytes of UTF-8.
struct OptionalText {
  std::string field;
  size_t limit;
};

class OptionalTextTest : public ::testing::TestWithParam<OptionalText> {
 protected:
  v1::Event With(const std::string& value) {
    v1::Event e = ValidEvent();
    SetText(&e, GetParam().field, value);
    return e;
  }
};

TEST_P(OptionalTextTest, EmptyIsAccepted) { ExpectValid(With("")); }

TEST_P(OptionalTextTest, TheLimitIsAccepted) { ExpectValid(With(std::string(GetParam().limit, 'x'))); }

TEST_P(OptionalTextTest, OneByteOverTheLimitIsTooLong) {
  const size_t over = GetParam().limit + 1;
  ExpectProblem(With(std::string(over, 'x')), code::kTooLong, GetParam().field,
                std::to_string(over) + " bytes");
}

TEST_P(OptionalTextTest, InvalidUtf8IsBadUtf8) {
  ExpectProblem(With("caf\xe9"), code::kBadUtf8, GetParam().field);
}

TEST_P(OptionalTextTest, ANulCharacterIsBadUtf8) {
  // Valid UTF-8, but PostgreSQL would refuse the row after the ack said it was accepted.
  ExpectProblem(With(std::string("\0", 1)), code::kBadUtf8, GetParam().field, "NUL character (byte 1)");
}

INSTANTIATE_TEST_SUITE_P(Texts, OptionalTextTest,
                         ::testing::Values(OptionalText{"product_name", 255},
                                           OptionalText{"product_category", 100},
                                           OptionalText{"session_id", 50}),
                         [](const auto& info) { return info.param.field; });

TEST(ValidateEventTest, EventTypeUnspecifiedIsBadEnum) {
  v1::Event e = ValidEvent();
  e.set_event_type(v1::EVENT_TYPE_UNSPECIFIED);
  ExpectProblem(e, code::kBadEnum, "event_type", "unspecified");
}

TEST(ValidateEventTest, EventTypeOutOfRangeIsBadEnumNamingTheValue) {
  v1::Event e = ValidEvent();
  e.set_event_type(static_cast<v1::EventType>(99));
  ExpectProblem(e, code::kBadEnum, "event_type", "99");
  e.set_event_type(static_cast<v1::EventType>(-1));
  ExpectProblem(e, code::kBadEnum, "event_type", "-1");
}

TEST(ValidateEventTest, EveryEventTypeIsAccepted) {
  const auto* desc = v1::EventType_descriptor();
  ASSERT_EQ(desc->value_count(), 7);
  for (int i = 1; i < desc->value_count(); ++i) {
    v1::Event e = ValidEvent();
    e.set_event_type(static_cast<v1::EventType>(desc->value(i)->number()));
    SCOPED_TRACE(desc->value(i)->name());
    ExpectValid(e);
  }
}

TEST(ValidateEventTest, PriceMustBeZeroOrMoreAndBelowTenToTheTen) {
  v1::Event e = ValidEvent();
  e.set_price_cents(0);
  ExpectValid(e);
  e.set_price_cents(9999999999);
  ExpectValid(e);
  e.set_price_cents(10000000000);
  ExpectProblem(e, code::kOutOfRange, "price_cents", "10000000000");
  e.set_price_cents(-1);
  ExpectProblem(e, code::kOutOfRange, "price_cents", "-1");
}

TEST(ValidateEventTest, AbsentQuantityIsAcceptedAndStoredAsOne) {
  v1::Event e = ValidEvent();
  e.clear_quantity();
  ExpectValid(e);
  EXPECT_EQ(ToEventRow(e).quantity, 1);
}

TEST(ValidateEventTest, QuantityMustBeOneToTenThousand) {
  v1::Event e = ValidEvent();
  for (int ok : {1, 10000}) {
    e.set_quantity(ok);
    SCOPED_TRACE(ok);
    ExpectValid(e);
  }
  for (int bad : {0, -1, 10001}) {
    e.set_quantity(bad);
    SCOPED_TRACE(bad);
    ExpectProblem(e, code::kOutOfRange, "quantity", "quantity is " + std::to_string(bad));
  }
}

TEST(ValidateEventTest, MissingEventTimeIsMissingField) {
  v1::Event e = ValidEvent();
  e.clear_event_time();
  ExpectProblem(e, code::kMissingField, "event_time");
}

TEST(ValidateEventTest, EventTimeStartsAt2000) {
  v1::Event e = ValidEvent();
  *e.mutable_event_time() = ToProtoTime(MinEventTime());
  EXPECT_EQ(e.event_time().seconds(), 946684800);
  ExpectValid(e);
  *e.mutable_event_time() = ToProtoTime(MinEventTime() - absl::Microseconds(1));
  ExpectProblem(e, code::kOutOfRange, "event_time", "1999-12-31T23:59:59.999999Z");
}

TEST(ValidateEventTest, EventTimeMayBeUpToFiveMinutesPastTheServerClock) {
  v1::Event e = ValidEvent();
  *e.mutable_event_time() = ToProtoTime(kNow + absl::Minutes(4) + absl::Seconds(59));
  ExpectValid(e);
  *e.mutable_event_time() = ToProtoTime(kNow + absl::Minutes(5));
  ExpectValid(e);
  *e.mutable_event_time() = ToProtoTime(kNow + absl::Minutes(5) + absl::Seconds(1));
  ExpectProblem(e, code::kFutureTimestamp, "event_time", "2025-06-01T12:05:01");
}

TEST(ValidateEventTest, NanosOutside0To999999999AreBadTimestamp) {
  v1::Event e = ValidEvent();
  e.mutable_event_time()->set_nanos(999999999);
  ExpectValid(e);
  e.mutable_event_time()->set_nanos(1000000000);
  ExpectProblem(e, code::kBadTimestamp, "event_time", "1000000000");
  e.mutable_event_time()->set_nanos(-1);
  ExpectProblem(e, code::kBadTimestamp, "event_time", "-1");
}

TEST(ValidateEventTest, DeviceTypeMayBeUnspecifiedAndIsThenStoredAsNull) {
  v1::Event e = ValidEvent();
  e.set_device_type(v1::DEVICE_TYPE_UNSPECIFIED);
  ExpectValid(e);
  EXPECT_EQ(ToEventRow(e).device_type, "");
  for (auto d : {v1::DEVICE_TYPE_MOBILE, v1::DEVICE_TYPE_DESKTOP, v1::DEVICE_TYPE_TABLET}) {
    e.set_device_type(d);
    ExpectValid(e);
  }
}

TEST(ValidateEventTest, UnknownDeviceTypeIsBadEnumNamingTheValue) {
  v1::Event e = ValidEvent();
  e.set_device_type(static_cast<v1::DeviceType>(7));
  ExpectProblem(e, code::kBadEnum, "device_type", "7");
}

// An event wrong in every field reports the first problem in field order; fixing it reveals
// the next one.
TEST(ValidateEventTest, TheFirstProblemInFieldOrderIsReported) {
  v1::Event e;
  e.set_user_id(std::string(51, 'u'));
  e.set_product_id("\xff");
  e.set_product_name(std::string(256, 'n'));
  e.set_product_category(std::string(101, 'c'));
  e.set_price_cents(-5);
  e.set_quantity(0);
  e.set_session_id(std::string(51, 's'));
  e.set_device_type(static_cast<v1::DeviceType>(9));

  ExpectProblem(e, code::kMissingField, "event_id");
  e.set_event_id("e");
  ExpectProblem(e, code::kTooLong, "user_id");
  e.set_user_id("u");
  ExpectProblem(e, code::kBadEnum, "event_type");
  e.set_event_type(v1::EVENT_TYPE_CLICK);
  ExpectProblem(e, code::kBadUtf8, "product_id");
  e.set_product_id("p");
  ExpectProblem(e, code::kTooLong, "product_name");
  e.clear_product_name();
  ExpectProblem(e, code::kTooLong, "product_category");
  e.clear_product_category();
  ExpectProblem(e, code::kOutOfRange, "price_cents");
  e.set_price_cents(5);
  ExpectProblem(e, code::kOutOfRange, "quantity");
  e.clear_quantity();
  ExpectProblem(e, code::kMissingField, "event_time");
  *e.mutable_event_time() = ToProtoTime(kNow);
  ExpectProblem(e, code::kTooLong, "session_id");
  e.clear_session_id();
  ExpectProblem(e, code::kBadEnum, "device_type", "9");
  e.clear_device_type();
  ExpectValid(e);
}

}  // namespace
}  // namespace ingest

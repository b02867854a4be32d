#include "common/event_text.h"

#include <gtest/gtest.h>

namespace ingest {
namespace {

TEST(EventTextTest, EventTypeTextNamesEveryType) {
  EXPECT_EQ(EventTypeText(v1::EVENT_TYPE_VIEW), "view");
  EXPECT_EQ(EventTypeText(v1::EVENT_TYPE_ADD_TO_CART), "add_to_cart");
  EXPECT_EQ(EventTypeText(v1::EVENT_TYPE_REMOVE_FROM_CART), "remove_from_cart");
  EXPECT_EQ(EventTypeText(v1::EVENT_TYPE_PURCHASE), "purchase");
  EXPECT_EQ(EventTypeText(v1::EVENT_TYPE_WISHLIST), "wishlist");
  EXPECT_EQ(EventTypeText(v1::EVENT_TYPE_CLICK), "click");
}

TEST(EventTextTest, EventTypeTextIsEmptyForUnspecifiedOrUnknown) {
  EXPECT_EQ(EventTypeText(v1::EVENT_TYPE_UNSPECIFIED), "");
  EXPECT_EQ(EventTypeText(static_cast<v1::EventType>(7)), "");
  EXPECT_EQ(EventTypeText(static_cast<v1::EventType>(99)), "");
  EXPECT_EQ(EventTypeText(static_cast<v1::EventType>(-1)), "");
}

TEST(EventTextTest, DeviceTypeTextNamesEveryDevice) {
  EXPECT_EQ(DeviceTypeText(v1::DEVICE_TYPE_MOBILE), "mobile");
  EXPECT_EQ(DeviceTypeText(v1::DEVICE_TYPE_DESKTOP), "desktop");
  EXPECT_EQ(DeviceTypeText(v1::DEVICE_TYPE_TABLET), "tablet");
  EXPECT_EQ(DeviceTypeText(v1::DEVICE_TYPE_UNSPECIFIED), "");
  EXPECT_EQ(DeviceTypeText(static_cast<v1::DeviceType>(4)), "");
  EXPECT_EQ(DeviceTypeText(static_cast<v1::DeviceType>(-1)), "");
}

TEST(EventTextTest, ParseEventTypeReadsEveryTextBack) {
  for (int i = 1; i <= 6; ++i) {
    auto type = static_cast<v1::EventType>(i);
    EXPECT_EQ(ParseEventType(EventTypeText(type)), type) << EventTypeText(type);
  }
}

TEST(EventTextTest, ParseEventTypeIgnoresCase) {
  EXPECT_EQ(ParseEventType("VIEW"), v1::EVENT_TYPE_VIEW);
  EXPECT_EQ(ParseEventType("Add_To_Cart"), v1::EVENT_TYPE_ADD_TO_CART);
  EXPECT_EQ(ParseEventType("Remove_From_CART"), v1::EVENT_TYPE_REMOVE_FROM_CART);
}

TEST(EventTextTest, BuyMeansPurchase) {
  EXPECT_EQ(ParseEventType("buy"), v1::EVENT_TYPE_PURCHASE);
  EXPECT_EQ(ParseEventType("BUY"), v1::EVENT_TYPE_PURCHASE);
}

TEST(EventTextTest, ParseEventTypeRejectsUnknownText) {
  EXPECT_EQ(ParseEventType(""), std::nullopt);
  EXPECT_EQ(ParseEventType("unspecified"), std::nullopt);
  EXPECT_EQ(ParseEventType("purchased"), std::nullopt);
  EXPECT_EQ(ParseEventType("add-to-cart"), std::nullopt);
  EXPECT_EQ(ParseEventType("4"), std::nullopt);
}

TEST(EventTextTest, ParseDeviceTypeIgnoresCase) {
  EXPECT_EQ(ParseDeviceType("mobile"), v1::DEVICE_TYPE_MOBILE);
  EXPECT_EQ(ParseDeviceType("DESKTOP"), v1::DEVICE_TYPE_DESKTOP);
  EXPECT_EQ(ParseDeviceType("Tablet"), v1::DEVICE_TYPE_TABLET);
}

TEST(EventTextTest, ParseDeviceTypeRejectsUnknownText) {
  EXPECT_EQ(ParseDeviceType(""), std::nullopt);
  EXPECT_EQ(ParseDeviceType("phone"), std::nullopt);
  EXPECT_EQ(ParseDeviceType("buy"), std::nullopt);
  EXPECT_EQ(ParseDeviceType("1"), std::nullopt);
}

}  // namespace
}  // namespace ingest

#include "generator-client/catalog.h"

#include "absl/strings/str_format.h"

namespace ingest::generator {
namespace {

struct CatalogEntry {
  const char* category;
  const char* name;
  int64_t price_cents;
};

// Five products per category; prices in cents.
constexpr CatalogEntry kEntries[] = {
    {"Electronics", "Wireless Noise-Cancelling Headphones", 19999},
    {"Electronics", "Smartphone 128GB", 69900},
    {"Electronics", "55\" 4K Ultra HD Smart TV", 54999},
    {"Electronics", "Bluetooth Speaker", 4999},
    {"Electronics", "USB-C Fast Charger 65W", 2999},
    {"Clothing", "Men's Slim Fit Jeans", 4999},
    {"Clothing", "Women's Running Jacket", 8999},
    {"Clothing", "Cotton Crew-Neck T-Shirt", 1499},
    {"Clothing", "Wool Winter Scarf", 2499},
    {"Clothing", "Leather Ankle Boots", 12999},
    {"Home & Kitchen", "Stainless Steel Cookware Set", 14999},
    {"Home & Kitchen", "Espresso Machine", 29999},
    {"Home & Kitchen", "Non-Stick Frying Pan 28cm", 3499},
    {"Home & Kitchen", "Memory Foam Pillow", 3999},
    {"Home & Kitchen", "Robot Vacuum Cleaner", 24999},
    {"Books", "The Pragmatic Programmer", 4299},
    {"Books", "Dune", 1099},
    {"Books", "Sapiens: A Brief History of Humankind", 1899},
    {"Books", "The Very Hungry Caterpillar", 799},
    {"Books", "Atomic Habits", 1599},
    {"Sports", "Yoga Mat 6mm", 2999},
    {"Sports", "Adjustable Dumbbells 24kg", 19999},
    {"Sports", "Road Bike Helmet", 6999},
    {"Sports", "Trail Running Shoes", 11999},
    {"Sports", "Insulated Water Bottle 1L", 2499},
};

}  // namespace

const Catalog& Catalog::Default() {
  static const Catalog* catalog = new Catalog();
  return *catalog;
}

Catalog::Catalog() {
  int n = 0;
  for (const CatalogEntry& e : kEntries) {
    products_.push_back(Product{absl::StrFormat("prod_%03d", ++n), e.name, e.category, e.price_cents});
    if (categories_.empty() || categories_.back() != e.category) categories_.push_back(e.category);
  }
  for (int u = 1; u <= kUsers; ++u) users_.push_back(absl::StrFormat("user_%04d", u));
}

}  // namespace ingest::generator

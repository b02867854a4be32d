#include "generator-client/catalog.h"

#include <map>
#include <set>

#include "gtest/gtest.h"

namespace ingest::generator {
namespace {

TEST(CatalogTest, Has25ProductsFivePerCategory) {
  const Catalog& c = Catalog::Default();
  ASSERT_EQ(c.products().size(), 25u);
  EXPECT_EQ(c.categories(),
            (std::vector<std::string>{"Electronics", "Clothing", "Home & Kitchen", "Books", "Sports"}));
  std::map<std::string, int> per_category;
  std::set<std::string> ids;
  for (const Product& p : c.products()) {
    ++per_category[p.category];
    ids.insert(p.id);
    EXPECT_FALSE(p.name.empty());
    EXPECT_GT(p.price_cents, 0) << p.name;
    EXPECT_LT(p.price_cents, 100000000) << p.name;
  }
  EXPECT_EQ(ids.size(), 25u);
  for (const auto& [category, n] : per_category) EXPECT_EQ(n, 5) << category;
  EXPECT_EQ(c.products().front().id, "prod_001");
}

TEST(CatalogTest, Has1000DistinctUsers) {
  const Catalog& c = Catalog::Default();
  ASSERT_EQ(c.users().size(), 1000u);
  EXPECT_EQ(c.users().front(), "user_0001");
  EXPECT_EQ(c.users().back(), "user_1000");
  EXPECT_EQ(std::set<std::string>(c.users().begin(), c.users().end()).size(), 1000u);
}

}  // namespace
}  // namespace ingest::generator

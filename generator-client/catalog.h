// The fixed shop the generator simulates: 1000 users and 25 products in 5 categories, the same in
// every run so generated events can be checked against it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ingest::generator {

struct Product {
  std::string id;        // "prod_001".."prod_025"
  std::string name;      // e.g. "Bluetooth Speaker"
  std::string category;  // one of Catalog::Categories()
  int64_t price_cents = 0;
};

class Catalog {
 public:
  static constexpr int kUsers = 1000;

  // The one catalog every run uses.
  static const Catalog& Default();

  const std::vector<Product>& products() const { return products_; }
  // "user_0001".."user_1000".
  const std::vector<std::string>& users() const { return users_; }
  // "Electronics", "Clothing", "Home & Kitchen", "Books", "Sports".
  const std::vector<std::string>& categories() const { return categories_; }

 private:
  Catalog();

  std::vector<Product> products_;
  std::vector<std::string> users_;
  std::vector<std::string> categories_;
};

}  // namespace ingest::generator

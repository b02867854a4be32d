// What a fuzz target does when an invariant does not hold: says which, then aborts, so that
// libFuzzer keeps the input as a crash (and the corpus replay test fails).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace ingest::fuzz {

inline void Require(bool ok, const std::string& what) {
  if (ok) return;
  std::fprintf(stderr, "broken invariant: %s\n", what.c_str());
  std::abort();
}

}  // namespace ingest::fuzz

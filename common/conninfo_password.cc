#include "common/conninfo_password.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace ingest {
namespace {

constexpr std::string_view kMask = "***";

bool IsKeyChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// libpq's password keywords: password, and sslpassword (of the client key), in any case.
bool IsPasswordKey(std::string_view key) {
  constexpr std::string_view kSuffix = "password";
  if (key.size() < kSuffix.size()) return false;
  std::string_view tail = key.substr(key.size() - kSuffix.size());
  return std::equal(tail.begin(), tail.end(), kSuffix.begin(),
                    [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

// Where the value starting at `pos` ends: a quoted value at its closing quote (backslash escapes),
// else at whitespace, and in a URI's query also at '&' or '#'.
size_t ValueEnd(std::string_view text, size_t pos, bool uri) {
  if (pos < text.size() && text[pos] == '\'') {
    for (size_t i = pos + 1; i < text.size(); ++i) {
      if (text[i] == '\\') {
        ++i;
      } else if (text[i] == '\'') {
        return i + 1;
      }
    }
    return text.size();
  }
  size_t end = pos;
  while (end < text.size() && !IsSpace(text[end]) && !(uri && (text[end] == '&' || text[end] == '#'))) ++end;
  return end;
}

// In a URI, the `:password` of `scheme://user:password@host`: the range to mask, or npos.
std::pair<size_t, size_t> UriUserPassword(std::string_view text) {
  size_t start = text.find("://");
  if (start == std::string_view::npos) return {std::string_view::npos, 0};
  start += 3;
  size_t end = start;
  while (end < text.size() && text[end] != '/' && text[end] != '?' && text[end] != '#' &&
         !IsSpace(text[end])) {
    ++end;
  }
  std::string_view authority = text.substr(start, end - start);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return {std::string_view::npos, 0};
  size_t colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos) return {std::string_view::npos, 0};
  return {start + colon + 1, start + at};
}

}  // namespace

std::string MaskConninfoPasswords(std::string_view text) {
  const bool uri = text.find("://") != std::string_view::npos;
  std::string out;
  size_t copied = 0;
  auto [user_pw_begin, user_pw_end] = UriUserPassword(text);
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == user_pw_begin) {
      out.append(text.substr(copied, i - copied)).append(kMask);
      copied = i = user_pw_end;
      continue;
    }
    if (!IsKeyChar(text[i]) || (i > 0 && IsKeyChar(text[i - 1]))) continue;
    size_t key_end = i;
    while (key_end < text.size() && IsKeyChar(text[key_end])) ++key_end;
    size_t eq = key_end;
    while (eq < text.size() && IsSpace(text[eq])) ++eq;
    if (eq >= text.size() || text[eq] != '=' || !IsPasswordKey(text.substr(i, key_end - i))) {
      i = key_end - 1;
      continue;
    }
    size_t value = eq + 1;
    while (value < text.size() && IsSpace(text[value])) ++value;
    size_t value_end = ValueEnd(text, value, uri);
    if (value_end == value) continue;  // an empty password: nothing to hide
    out.append(text.substr(copied, value - copied)).append(kMask);
    copied = value_end;
    i = std::max(value_end, i + 1) - 1;
  }
  out.append(text.substr(std::min(copied, text.size())));
  return out;
}

int HidePasswordsInArgv(int argc, char** argv) {
  int changed = 0;
  for (int i = 1; i < argc; ++i) {
    const size_t length = std::strlen(argv[i]);
    const std::string masked = MaskConninfoPasswords(std::string_view(argv[i], length));
    if (masked == std::string_view(argv[i], length)) continue;
    const size_t n = std::min(masked.size(), length);
    std::memcpy(argv[i], masked.data(), n);
    std::memset(argv[i] + n, ' ', length - n);
    ++changed;
  }
  return changed;
}

}  // namespace ingest

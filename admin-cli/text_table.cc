#include "admin-cli/text_table.h"

#include <algorithm>
#include <utility>

namespace ingest::admin {
namespace {

constexpr size_t kGap = 2;
constexpr char kEllipsis[] = "\u2026";  // …
constexpr size_t kEllipsisWidth = 1;

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Byte offset of the code point number `n` in `text` (text.size() when there are fewer).
size_t OffsetOfCodePoint(const std::string& text, size_t n) {
  size_t seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (IsContinuationByte(text[i])) continue;
    if (seen == n) return i;
    ++seen;
  }
  return text.size();
}

}  // namespace

size_t DisplayWidth(const std::string& text) {
  return std::count_if(text.begin(), text.end(), [](char c) { return !IsContinuationByte(c); });
}

std::string Shorten(const std::string& text, size_t width) {
  if (DisplayWidth(text) <= width) return text;
  if (width < kEllipsisWidth + 1) return text.substr(0, OffsetOfCodePoint(text, width));
  return text.substr(0, OffsetOfCodePoint(text, width - kEllipsisWidth)) + kEllipsis;
}

TextTable::TextTable(std::vector<Column> columns, bool show_header)
    : columns_(std::move(columns)), show_header_(show_header) {}

void TextTable::AddRow(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

std::vector<size_t> TextTable::FitWidths(size_t max_width) const {
  std::vector<size_t> widths(columns_.size(), 0);
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (show_header_) widths[c] = DisplayWidth(columns_[c].header);
    for (const auto& row : rows_) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  size_t total = 0;
  for (size_t w : widths) total += w;
  if (!widths.empty()) total += kGap * (widths.size() - 1);
  if (max_width == 0 || total <= max_width) return widths;

  std::vector<size_t> floors(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) {
    floors[c] = std::max(show_header_ ? DisplayWidth(columns_[c].header) : 0, kEllipsisWidth + 1);
  }
  // One column at a time, always the widest that can still give: wide text (a reason, a list
  // of sources) is cut before narrow text is touched.
  for (size_t excess = total - max_width; excess > 0; --excess) {
    size_t widest = columns_.size();
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (!columns_[c].shrinkable || widths[c] <= floors[c]) continue;
      if (widest == columns_.size() || widths[c] >= widths[widest]) widest = c;
    }
    if (widest == columns_.size()) break;
    --widths[widest];
  }
  return widths;
}

void TextTable::RenderLine(const std::vector<std::string>& cells, const std::vector<size_t>& widths,
                           std::string* out) const {
  std::string line;
  for (size_t c = 0; c < columns_.size(); ++c) {
    std::string cell = Shorten(cells[c], widths[c]);
    std::string pad(widths[c] - DisplayWidth(cell), ' ');
    if (c > 0) line.append(kGap, ' ');
    if (columns_[c].align == Align::kRight) {
      line += pad + cell;
    } else {
      line += cell + pad;
    }
  }
  line.erase(line.find_last_not_of(' ') + 1);
  *out += line;
  *out += '\n';
}

std::string TextTable::Render(size_t max_width) const {
  std::vector<size_t> widths = FitWidths(max_width);
  std::string out;
  if (show_header_) {
    std::vector<std::string> headers;
    for (const auto& column : columns_) headers.push_back(column.header);
    RenderLine(headers, widths, &out);
  }
  for (const auto& row : rows_) RenderLine(row, widths, &out);
  return out;
}

}  // namespace ingest::admin

// A plain-text table for ingest-admin's views (batches, producers, rejections, files): columns
// sized to their content, numbers right-aligned, and the columns marked shrinkable cut, ending in
// "…", so that each line fits the terminal.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ingest::admin {

class TextTable {
 public:
  enum class Align { kLeft, kRight };

  struct Column {
    std::string header;
    Align align = Align::kLeft;
    // May be cut, ending in "…", when the table is wider than the width it is rendered to.
    bool shrinkable = false;
  };

  // Columns are separated by two spaces; `show_header` false renders the rows only.
  explicit TextTable(std::vector<Column> columns, bool show_header = true);

  // Cells beyond the column count are ignored; missing cells are empty.
  void AddRow(std::vector<std::string> cells);
  size_t row_count() const { return rows_.size(); }

  // Every line ends in '\n' and has no trailing spaces. When the table is wider than
  // `max_width` (0: no limit), shrinkable columns are narrowed, always the widest one (the
  // rightmost of equals), down to their header's width (at least 2); columns that are not
  // shrinkable are never cut, so a line may stay wider than `max_width`.
  std::string Render(size_t max_width) const;

 private:
  std::vector<size_t> FitWidths(size_t max_width) const;
  void RenderLine(const std::vector<std::string>& cells, const std::vector<size_t>& widths,
                  std::string* out) const;

  std::vector<Column> columns_;
  bool show_header_;
  std::vector<std::vector<std::string>> rows_;
};

// Display width of UTF-8 text, counted in code points.
size_t DisplayWidth(const std::string& text);

// `text` cut to `width` code points, the last one replaced by "…" when it was cut.
std::string Shorten(const std::string& text, size_t width);

}  // namespace ingest::admin

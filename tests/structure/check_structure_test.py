#!/usr/bin/env python3
"""Unit tests of check_structure.py: each rule fails on a small tree that breaks it, naming the
file and line, and passes on one that keeps it."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_structure  # noqa: E402


class StructureTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.repo = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, rel, text):
        path = os.path.join(self.repo, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    def problems(self):
        return check_structure.check(self.repo)

    def test_a_downward_include_passes(self):
        self.write("server/batching/window.h", '#include "server/model/sealed_batch.h"\n#include "common/clock.h"\n')
        self.write("server/model/sealed_batch.h", '#include <vector>\n#include "ingest/v1/ingest.pb.h"\n')
        self.assertEqual(self.problems(), [])

    def test_an_upward_include_fails_naming_the_file_and_line(self):
        self.write("server/durability/durable_log.cc",
                   '#include "server/durability/durable_log.h"\n\n#include "server/batching/window.h"\n')
        problems = self.problems()
        self.assertEqual(len(problems), 1)
        self.assertTrue(problems[0].startswith("server/durability/durable_log.cc:3: includes server/batching/window.h"),
                        problems[0])
        self.assertIn("durability may include only model, common", problems[0])

    def test_the_model_may_not_include_a_stage(self):
        self.write("server/model/window_item.h", '#include "server/durability/wal/wal_format.h"\n')
        self.assertEqual(len(self.problems()), 1)

    def test_a_stage_may_not_include_the_wiring(self):
        self.write("server/admin/admin_service.cc", '#include "server/server.h"\n')
        self.assertIn("server/admin/admin_service.cc:1:", self.problems()[0])

    def test_a_client_may_not_include_the_server(self):
        self.write("file-bridge/file_uploader.cc", '#include "common/sha256.h"\n#include "server/intake/upload_spool.h"\n')
        problems = self.problems()
        self.assertEqual(len(problems), 1)
        self.assertTrue(problems[0].startswith("file-bridge/file_uploader.cc:2: includes server/intake/upload_spool.h"))

    def test_a_client_may_not_include_another_client(self):
        self.write("admin-cli/cli.cc", '#include "generator-client/summary.h"\n')
        self.assertEqual(len(self.problems()), 1)

    def test_common_may_include_neither_server_nor_database_headers(self):
        self.write("common/event_row.cc", '#include "server/model/window_item.h"\n#include <pqxx/pqxx>\n')
        problems = self.problems()
        self.assertEqual([p.split(": ")[0] for p in problems], ["common/event_row.cc:1", "common/event_row.cc:2"])

    def test_only_the_sink_includes_libpqxx(self):
        self.write("server/sink/pg_connection.h", "#include <pqxx/connection>\n")
        self.write("server/admin/reader.cc", "#include <pqxx/pqxx>\n")
        problems = self.problems()
        self.assertEqual(len(problems), 1)
        self.assertIn("server/admin/reader.cc:1:", problems[0])
        self.assertIn("only server/sink/ talks to PostgreSQL", problems[0])

    def test_a_sink_header_included_elsewhere_may_not_bring_in_libpqxx(self):
        self.write("server/sink/pg_connection.h", "#include <pqxx/connection>\n")
        self.write("server/sink/postgres_reader.h", '#include "server/sink/pg_connection.h"\n')
        self.write("server/sink/postgres_reader.cc", '#include "server/sink/pg_connection.h"\n')
        self.write("server/sink/stored_event.h", "#include <string>\n")
        self.write("server/admin/where_is_event.h", '#include "server/sink/stored_event.h"\n')
        self.write("server/admin/admin_service.h", '#include "common/clock.h"\n#include "server/sink/postgres_reader.h"\n')
        problems = self.problems()
        self.assertEqual(len(problems), 1, problems)
        self.assertTrue(problems[0].startswith(
            "server/admin/admin_service.h:2: includes server/sink/postgres_reader.h, which brings in pqxx/connection "
            "(server/sink/postgres_reader.h -> server/sink/pg_connection.h -> pqxx/connection)"), problems[0])

    def test_product_code_may_not_include_tests(self):
        self.write("server/intake/producers.cc", '#include "tests/testing/memory_sink.h"\n')
        self.assertIn("test-only code", self.problems()[0])

    def test_a_folder_missing_from_the_table_fails(self):
        self.write("server/cache/cache.h", "#pragma once\n")
        self.assertIn("server/cache/ is not a stage", self.problems()[0])

    def test_a_long_file_under_server_fails(self):
        self.write("server/intake/big.cc", "int x;\n" * (check_structure.MAX_FILE_LINES + 1))
        self.write("common/big.cc", "int x;\n" * (check_structure.MAX_FILE_LINES + 1))
        problems = self.problems()
        self.assertEqual(len(problems), 1)
        self.assertTrue(problems[0].startswith("server/intake/big.cc:301: 301 lines"))

    def test_a_long_function_fails_and_a_type_or_namespace_does_not(self):
        body = "  x++;\n" * check_structure.MAX_FUNCTION_LINES
        self.write("server/batching/window.cc",
                   "namespace ingest {\n\nstruct Big {\n" + "  int a;\n" * 80 + "};\n\n"
                   "int Short(int x) {\n  return x;\n}\n\n"
                   "absl::StatusOr<int> Window::Long(int x,\n                                 int y) const {\n"
                   + body + "  return x;\n}\n\n}  // namespace ingest\n")
        problems = self.problems()
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("window.cc:90: a function of 64 lines", problems[0])

    def test_braces_in_strings_do_not_count(self):
        self.write("server/sink/array.cc",
                   'std::string Literal() {\n  std::string out = "{";\n  out += \'}\';\n  return out + "}";\n}\n')
        with open(os.path.join(self.repo, "server/sink/array.cc"), encoding="utf-8") as f:
            self.assertEqual(check_structure.function_spans(f.read().splitlines()), [(1, 5)])

    def test_the_docs_table_must_match(self):
        rows = "".join(f"| `{name}` | x | {', '.join('`%s`' % d for d in deps) or 'nothing'} |\n"
                       for name, deps in check_structure.DEPENDENCIES.items())
        self.write("docs/architecture.md", "<!-- dependency-table -->\n" + rows + "<!-- dependency-table -->\n")
        self.assertEqual(self.problems(), [])
        self.write("docs/architecture.md",
                   "<!-- dependency-table -->\n" + rows.replace("| `model` | x | `common` |", "| `model` | x | nothing |")
                   + "<!-- dependency-table -->\n")
        problems = self.problems()
        self.assertEqual(len(problems), 1)
        self.assertIn("the dependency table says model -> []", problems[0])


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/env python3
"""The source tree's shape, checked: which folder may include which, and how large files get.

Rules (each violation is printed as FILE:LINE: message, and the exit status is 1):
  - includes: a server stage includes only the stages below it (DEPENDENCIES); the clients
    (generator-client/, file-bridge/, admin-cli/) include common/ and themselves, never server/;
    common/ includes no server or database header; only server/sink/ includes libpqxx or libpq,
    and the sink's headers that other folders include do not bring it in, even through another
    sink header; no source file includes tests/.
  - sizes: a source file under server/ has at most MAX_FILE_LINES lines, a function at most
    MAX_FUNCTION_LINES (from its first line to its closing brace).
  - docs: docs/architecture.md shows the same table as DEPENDENCIES.

Usage: check_structure.py [REPO]   (default: the checkout this file is in)
"""

import os
import re
import sys

# Each component and what it may include, besides itself, the generated protos and system and
# third-party headers. The server's stages, bottom to top: nothing includes a stage above it.
DEPENDENCIES = {
    "common": [],
    "model": ["common"],
    "sink": ["model", "common", "database"],
    "durability": ["model", "common"],
    "observability": ["model", "common"],
    "batching": ["durability", "observability", "model", "common"],
    "access": ["common"],
    "intake": ["access", "batching", "durability", "observability", "model", "common"],
    "admin": ["intake", "access", "batching", "durability", "sink", "observability", "model", "common"],
    "server": ["admin", "intake", "access", "batching", "durability", "sink", "observability", "model",
               "common"],
    "generator-client": ["common"],
    "file-bridge": ["common"],
    "admin-cli": ["common"],
}
STAGES = ["model", "sink", "durability", "observability", "batching", "access", "intake", "admin"]
CLIENTS = ["generator-client", "file-bridge", "admin-cli"]
SOURCE_SUFFIXES = (".h", ".cc", ".hpp", ".cpp")
MAX_FILE_LINES = 300
MAX_FUNCTION_LINES = 60

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
DOC_ROW_RE = re.compile(r"^\|\s*`([a-z-]+)`\s*\|[^|]*\|\s*(.*?)\s*\|\s*$")


def component_of_file(rel):
    """The component a source file belongs to, or None for files outside the checked tree."""
    parts = rel.split("/")
    if parts[0] == "common":
        return "common"
    if parts[0] in CLIENTS:
        return parts[0]
    if parts[0] == "server":
        if len(parts) == 2:
            return "server"
        return parts[1]  # a stage, or a folder the table does not know
    return None


def component_of_include(header):
    """The component an included header belongs to; None for protos, system and other headers."""
    if header.startswith("pqxx/") or header in ("libpq-fe.h", "migrations_data.h"):
        return "database"
    parts = header.split("/")
    if parts[0] == "server":
        return "server" if len(parts) == 2 else parts[1]
    if parts[0] in ("common", "tests") or parts[0] in CLIENTS:
        return parts[0]
    return None


def check_includes(rel, lines):
    problems = []
    component = component_of_file(rel)
    if component is None:
        return problems
    if component not in DEPENDENCIES:
        return [f"{rel}:1: server/{component}/ is not a stage of the dependency table "
                f"({', '.join(STAGES)}); add it to tests/structure/check_structure.py and "
                f"docs/architecture.md"]
    allowed = set(DEPENDENCIES[component]) | {component}
    for number, line in enumerate(lines, 1):
        match = INCLUDE_RE.match(line)
        if not match:
            continue
        header = match.group(2)
        target = component_of_include(header)
        if target is None or target in allowed:
            continue
        if target == "tests":
            why = "test-only code is never part of a product library"
        elif target == "database":
            why = "only server/sink/ talks to PostgreSQL"
        elif component in CLIENTS and target in DEPENDENCIES and target not in CLIENTS:
            why = f"a client may include only {', '.join(sorted(allowed))}"
        else:
            why = f"{component} may include only {', '.join(DEPENDENCIES[component]) or 'itself'}"
        problems.append(f"{rel}:{number}: includes {header} ({target}): {why}")
    return problems


def code_of(line):
    """The line without string and character literals and // comments, for counting braces."""
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(\\.|[^'\\])*'", "''", line)
    return line.split("//")[0]


def function_spans(lines):
    """(first line, last line) of each function defined at namespace scope in a .cc file: a
    block at brace depth 0 whose declaration is not a namespace, a type or an initializer."""
    spans = []
    depth = 0
    decl_start = None  # first line of the declaration being read at depth 0
    block = None  # (first line, is a function) of the open block
    for number, line in enumerate(lines, 1):
        code = code_of(line).strip()
        if depth == 0:
            if not code or code.startswith(("#", "/*", "*")):
                continue
            if re.match(r"^(namespace\b|extern\s+\"C\")", code) or code.startswith("}"):
                decl_start = None
                continue
            if decl_start is None:
                decl_start = number
        opens, closes = code.count("{"), code.count("}")
        if depth == 0 and opens > closes:
            head = " ".join(code_of(l).strip() for l in lines[decl_start - 1:number]).split("(")[0]
            is_type = re.match(r"^(template\s*<.*>\s*)?(struct|class|enum|union)\b", head) is not None
            block = (decl_start, not is_type and "=" not in head)
        depth += opens - closes
        if depth == 0:
            if block is not None and block[1]:
                spans.append((block[0], number))
            block = None
            if code.endswith((";", "}", "{")):
                decl_start = None
    return spans


def check_sizes(rel, lines):
    problems = []
    if not rel.startswith("server/"):
        return problems
    if len(lines) > MAX_FILE_LINES:
        problems.append(f"{rel}:{len(lines)}: {len(lines)} lines, over {MAX_FILE_LINES}: split it by what "
                        f"its parts are for")
    if rel.endswith((".cc", ".cpp")):
        for first, last in function_spans(lines):
            length = last - first + 1
            if length > MAX_FUNCTION_LINES:
                problems.append(f"{rel}:{first}: a function of {length} lines, over {MAX_FUNCTION_LINES}: "
                                f"name its steps")
    return problems


def doc_table(repo):
    """The dependency table of docs/architecture.md as {component: [components]}, or None."""
    path = os.path.join(repo, "docs", "architecture.md")
    if not os.path.exists(path):
        return None
    table = {}
    inside = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if "<!-- dependency-table -->" in line:
                inside = not inside
                continue
            match = DOC_ROW_RE.match(line) if inside else None
            if match:
                names = re.findall(r"`([a-z-]+)`", match.group(2))
                table[match.group(1)] = names
    return table


def check_docs(repo):
    table = doc_table(repo)
    if table is None:
        return []
    expected = {name: sorted(deps) for name, deps in DEPENDENCIES.items()}
    shown = {name: sorted(deps) for name, deps in table.items()}
    if shown == expected:
        return []
    problems = []
    for name in sorted(set(expected) | set(shown)):
        if expected.get(name) != shown.get(name):
            problems.append(f"docs/architecture.md:1: the dependency table says {name} -> {shown.get(name)}, "
                            f"the structure test says {expected.get(name)}")
    return problems


def includes_of(lines):
    """(line number, header) of each #include."""
    for number, line in enumerate(lines, 1):
        match = INCLUDE_RE.match(line)
        if match:
            yield number, match.group(2)


def database_path(header, files, seen=()):
    """The chain of sink headers through which `header` brings in a database header, or None."""
    lines = files.get(header)
    if lines is None or header in seen:
        return None
    for _, included in includes_of(lines):
        if component_of_include(included) == "database":
            return [header, included]
        if included.startswith("server/sink/"):
            rest = database_path(included, files, seen + (header,))
            if rest:
                return [header] + rest
    return None


def check_sink_headers(rel, lines, files):
    """Outside the sink, no included sink header may bring libpqxx in."""
    component = component_of_file(rel)
    if component in (None, "sink") or component not in DEPENDENCIES:
        return []
    problems = []
    for number, header in includes_of(lines):
        if not header.startswith("server/sink/"):
            continue
        chain = database_path(header, files)
        if chain:
            problems.append(f"{rel}:{number}: includes {header}, which brings in {chain[-1]} "
                            f"({' -> '.join(chain)}): keep libpqxx out of the sink's public headers")
    return problems


def source_files(repo):
    roots = ["common", "server"] + CLIENTS
    for root in roots:
        for folder, dirs, files in os.walk(os.path.join(repo, root)):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(SOURCE_SUFFIXES):
                    path = os.path.join(folder, name)
                    yield os.path.relpath(path, repo).replace(os.sep, "/"), path


def check(repo):
    files = {}
    for rel, path in source_files(repo):
        with open(path, encoding="utf-8", errors="replace") as f:
            files[rel] = f.read().splitlines()
    problems = []
    for rel, lines in files.items():
        problems += check_includes(rel, lines)
        problems += check_sink_headers(rel, lines, files)
        problems += check_sizes(rel, lines)
    problems += check_docs(repo)
    return problems


def main(argv):
    repo = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    problems = check(os.path.abspath(repo))
    for p in problems:
        print(p)
    if problems:
        print(f"structure: {len(problems)} problem(s); the rules are at the top of tests/structure/check_structure.py")
        return 1
    print("structure: every include goes downward, every server file and function is within its size")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

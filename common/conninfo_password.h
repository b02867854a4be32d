// Passwords written into a libpq connection string, found and masked: a `password=` (or
// `sslpassword=`) keyword of key=value conninfo or of a URI's query, and the `user:password@` of a
// URI. ingest-server hides them from its own command line (/proc/PID/cmdline) once parsed.
#pragma once

#include <string>
#include <string_view>

namespace ingest {

// `text` with the value of each password replaced by "***"; the rest unchanged.
std::string MaskConninfoPasswords(std::string_view text);

// Overwrites in place each argv element that holds a password with its masked form (padded with
// spaces, or cut, to its length), so the process list no longer shows it. Returns how many
// elements it changed. Call after the command line is parsed: parsers copy what they keep.
int HidePasswordsInArgv(int argc, char** argv);

}  // namespace ingest

#!/usr/bin/env bash
# The progress line of event-generator (streaming) and file-bridge --once: absent when stderr is
# a file (stderr and stdout as before), and under a pseudo-terminal (util-linux `script`) one line
# redrawn in place that ends on the run's own acked counts, with the logs on lines of their own.
# INGEST_PROGRESS=always|never overrides the terminal check.
source "$(dirname "$0")/lib.sh"
[[ -x "${INGEST_BRIDGE:-}" ]] || e2e_fail "INGEST_BRIDGE='${INGEST_BRIDGE:-}' is not an executable; run through ctest"
command -v script >/dev/null || e2e_fail "script not found (package util-linux); run scripts/setup-deps.sh"
unset INGEST_PROGRESS

e2e_create_db
e2e_start_server

# 1234567 -> 1,234,567, as the progress line writes counts.
commas() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }
# The summary value of NAME in a table (aligned "name  value" lines), without the tty's \r.
summary_value() { tr -d '\r' <"$1" | sed -n "s/^$2  *\([0-9]*\).*/\1/p"; }
# in_tty FILE COLUMNS COMMAND...: runs COMMAND on a pseudo-terminal COLUMNS wide; what it shows
# goes to FILE, and FILE.screen is the screen it leaves (\r, \n and erase-to-end applied).
in_tty() {
  local out="$1" columns="$2"
  shift 2
  timeout -k 5 120 script -qfec "stty cols $columns rows 24; $(printf '%q ' "$@")" /dev/null \
    </dev/null >"$out" || e2e_fail "under a pseudo-terminal, $(basename "$1") exited $? (output: $out)"
  "$E2E_PYTHON" - "$out" <<'EOF' >"$out.screen"
import re, sys
lines, col = [""], 0
for token in re.findall(r"\x1b\[K|\x1b\[[0-9;]*[A-Za-z]|.", open(sys.argv[1], "rb").read().decode(), re.S):
    line = lines[-1]
    if token == "\r": col = 0
    elif token == "\n": lines.append(""); col = 0
    elif token == "\x1b[K": lines[-1] = line[:col]
    elif token.startswith("\x1b["): pass  # colours of the log level
    else: lines[-1] = line[:col].ljust(col) + token + line[col + 1:]; col += 1
print("\n".join(lines))
EOF
}
# no_progress FILE WHAT: FILE holds no progress line and no carriage return.
no_progress() {
  if grep -q $'\r' "$1" || grep -qE '^(events .* acked \(|files [0-9]+/[0-9]+ )' "$1"; then
    e2e_fail "$2 holds a progress line: $(head -c 300 "$1" | cat -v)"
  fi
}

GEN=("$INGEST_GENERATOR" --target "$E2E_INGEST_ADDR" --events 100 --interval 0.1 --producers 2
  --invalid-ratio 0.05)

# 1. event-generator, stderr into a file: no progress, the usual logs and summary.
timeout -k 5 120 "${GEN[@]}" --batches 15 >"$E2E_TMP/gen-file.out" 2>"$E2E_TMP/gen-file.err" ||
  e2e_fail "event-generator exited $? (stderr: $(tail -n 3 "$E2E_TMP/gen-file.err"))"
no_progress "$E2E_TMP/gen-file.err" "the generator's stderr in a file"
no_progress "$E2E_TMP/gen-file.out" "the generator's stdout in a file"
e2e_assert_eq 2 "$(grep -c '\[generator\] producer .* connected to' "$E2E_TMP/gen-file.err")" "connect logs on stderr"
e2e_assert_eq 3000 "$(summary_value "$E2E_TMP/gen-file.out" 'events sent')" "events sent in the summary"

# 2. event-generator on a terminal (80 columns): one line, ending on this run's counts.
in_tty "$E2E_TMP/gen-tty" 80 "${GEN[@]}" --batches 15
screen="$E2E_TMP/gen-tty.screen"
accepted="$(summary_value "$E2E_TMP/gen-tty" 'events accepted')"
rejected="$(summary_value "$E2E_TMP/gen-tty" 'events rejected')"
e2e_assert_eq 3000 "$((accepted + rejected))" "events accepted + rejected in the summary on the terminal"
e2e_assert_eq 1 "$(grep -c '^events .* acked (' "$screen")" "progress lines left on the screen"
line="$(grep '^events .* acked (' "$screen")"
e2e_log "generator progress line: $line"
[[ "$line" == "events 3,000 sent · 3,000 acked ("*"/s) · $(commas "$rejected") rejected · 0 reconnects · "* ]] ||
  e2e_fail "the last progress line does not give this run's counts: '$line'"
chars="$(printf '%s' "$line" | LC_ALL=C.UTF-8 wc -m)"
((chars <= 79)) || e2e_fail "the progress line is $chars characters on an 80-column terminal"
grep -q $'\x1b\[K' "$E2E_TMP/gen-tty" || e2e_fail "the progress line is not redrawn in place (no erase-to-end)"
e2e_assert_eq 2 "$(grep -c '^[0-9-]*T[0-9:.]* info  \[generator\] producer .* connected to' "$screen")" \
  "connect logs on lines of their own beside the progress line"
grep -q '^events accepted' "$screen" || e2e_fail "the summary is not on the screen: $(cat "$screen")"

# 3. INGEST_PROGRESS overrides the check both ways.
INGEST_PROGRESS=always timeout -k 5 60 "${GEN[@]}" --batches 1 >/dev/null 2>"$E2E_TMP/always.err" ||
  e2e_fail "event-generator with INGEST_PROGRESS=always exited $?"
grep -q 'acked (' "$E2E_TMP/always.err" || e2e_fail "INGEST_PROGRESS=always drew nothing into a file"
in_tty "$E2E_TMP/never-tty" 80 env INGEST_PROGRESS=never "${GEN[@]}" --batches 1
if grep -q 'acked (' "$E2E_TMP/never-tty"; then e2e_fail "INGEST_PROGRESS=never drew a progress line"; fi
e2e_log "ok: INGEST_PROGRESS=always draws into a file, never draws nothing on a terminal"

# 4. file-bridge --once over seed-style files, stderr into a file, then on a terminal.
IN="$E2E_TMP/in" AR="$E2E_TMP/archive" FL="$E2E_TMP/failed"
BRIDGE=("$INGEST_BRIDGE" --target "$E2E_INGEST_ADDR" --watch "$IN" --archive "$AR" --failed "$FL" --settle 0 --once)
write_files() {
  "$INGEST_GENERATOR" --csv-out "$IN" --catalog-out "" --events 500 --batches 4 --interval 0 \
    --invalid-ratio 0.02 >/dev/null 2>>"$E2E_TMP/csv-out.err" || e2e_fail "event-generator --csv-out exited $?"
}
write_files
timeout -k 5 120 "${BRIDGE[@]}" >"$E2E_TMP/bridge-file.out" 2>"$E2E_TMP/bridge-file.err" ||
  e2e_fail "file-bridge --once exited $? (stderr: $(tail -n 3 "$E2E_TMP/bridge-file.err"))"
no_progress "$E2E_TMP/bridge-file.err" "file-bridge's stderr in a file"
no_progress "$E2E_TMP/bridge-file.out" "file-bridge's stdout in a file"
e2e_assert_eq 4 "$(summary_value "$E2E_TMP/bridge-file.out" 'files archived')" "files archived in the summary"
e2e_assert_eq 4 "$(grep -c '\[bridge\] archived ' "$E2E_TMP/bridge-file.err")" "archive logs on stderr"

write_files
in_tty "$E2E_TMP/bridge-tty" 120 "${BRIDGE[@]}"
screen="$E2E_TMP/bridge-tty.screen"
e2e_assert_eq 4 "$(summary_value "$E2E_TMP/bridge-tty" 'files archived')" "files archived on the terminal"
rows="$(summary_value "$E2E_TMP/bridge-tty" 'rows accepted')"
rows_rejected="$(summary_value "$E2E_TMP/bridge-tty" 'rows rejected')"
e2e_assert_eq 2000 "$((rows + rows_rejected))" "rows accepted + rejected on the terminal"
e2e_assert_eq 1 "$(grep -c '^files [0-9]*/[0-9]* · ' "$screen")" "bridge progress lines left on the screen"
line="$(grep '^files [0-9]*/[0-9]* · ' "$screen")"
e2e_log "bridge progress line: $line"
[[ "$line" == "files 4/4 · rows $(commas "$rows") accepted ("*"/s) · $(commas "$rows_rejected") rejected · 0 failed · 0 duplicates · "*s ]] ||
  e2e_fail "the last bridge progress line does not give this run's counts: '$line'"
e2e_assert_eq 4 "$(grep -c '^[0-9-]*T[0-9:.]* info  \[bridge\] archived ' "$screen")" \
  "archive logs on lines of their own beside the progress line"
grep -q '^rows accepted' "$screen" || e2e_fail "the bridge summary is not on the screen: $(cat "$screen")"
e2e_log "PASS"

#!/usr/bin/env bash
# tx_size: how much the number of rows per transaction matters when loading user_events (its
# indexes on) the way the server writes a micro-batch — COPY into a staging table, then
# INSERT ... SELECT DISTINCT ON (event_id) ... ON CONFLICT (event_id) DO UPDATE, one transaction
# per chunk (bench_raw_sink: one psql session). I.e. whether a backlog written one micro-batch per
# transaction would drain faster with several consecutive micro-batches grouped in one, and what
# the fixed cost of a transaction is.
#
#   bench/tx_size.sh [EVENTS (400000)]
#
# EVENTS events of event-generator's file mode (seed 7) are generated once, as one CSV; the same
# CSV is then loaded into a fresh database with the schema for each size of 2000, 5000, 20000,
# 50000 (raw_sink's default) and 200000 rows per transaction, in 2 rounds: ascending, then
# descending, so that drift of the shared machine spreads over the sizes. Each database is dropped
# right after its load (and at exit by bench_cleanup). Checks that every load leaves the same
# number of rows (exit 1 if not). Prints the seconds of both rounds and rows/s of their median per
# size, and a least-squares fit of median seconds = C + F × transactions over the sizes (F: the
# fixed cost of a transaction; C: what does not depend on the size, the rows themselves). Writes
# no results file.
# Needs a built tree (INGEST_BUILD_DIR, default build) and the local cluster (scripts/pg.sh
# start). Last line:
# "tx_size: rows/s at 2000/5000/20000/50000/200000 rows per transaction = A/B/C/D/E x the 50000 figure"
source "$(dirname "$0")/lib.sh"
EVENTS="${1:-400000}"
SIZES=(2000 5000 20000 50000 200000)
REF=50000
ROUNDS=2

bench_csv_events "$EVENTS" 7 "$BENCH_WORK/events.csv"
rows="$(wc -l <"$BENCH_WORK/events.csv")"
((rows > 0)) || { echo "bench: no events generated" >&2; exit 1; }
echo "$rows events (seed 7), loaded $ROUNDS times per size of ${SIZES[*]} rows per transaction"

declare -A SECS=()
expect=""
for ((round = 1; round <= ROUNDS; round++)); do
  order=("${SIZES[@]}")
  ((round % 2 == 0)) && mapfile -t order < <(printf '%s\n' "${SIZES[@]}" | sort -rn)
  for size in "${order[@]}"; do
    dsn="$(bench_db "tx${size}_r${round}" schema)"
    secs="$(bench_raw_sink "$dsn" "$BENCH_WORK/events.csv" "$size")"
    count="$(psql -X -tA -d "$dsn" -c "SELECT count(*) FROM user_events")"
    # Dropped now, not at exit, to keep the disk free; retried as in scale.sh (an autovacuum
    # worker busy in it can make the drop fail), and at exit by bench_cleanup.
    for ((i = 0; i < 5; i++)); do
      psql -X -q -d "$BENCH_DSN" -c "DROP DATABASE IF EXISTS ${dsn##*dbname=} WITH (FORCE)" 2>/dev/null && break
      sleep 1
    done
    [[ -z "$expect" ]] && expect="$count"
    [[ "$count" == "$expect" ]] ||
      { echo "bench: $size rows per transaction left $count rows in user_events, not $expect" >&2; exit 1; }
    SECS[$size]="${SECS[$size]:-}${SECS[$size]:+ }$secs"
    printf '  round %d: %6d rows per transaction: %s s\n' "$round" "$size" "$secs"
  done
done
echo "user_events holds $expect rows after each load"

# Per size: transactions, both rounds' seconds, the median, rows/s of the median, ratio to REF;
# then the fit. One python call over "size secs secs ..." lines.
for size in "${SIZES[@]}"; do echo "$size ${SECS[$size]}"; done >"$BENCH_WORK/secs"
"$PY" - "$rows" "$REF" "$BENCH_WORK/secs" <<'PYEOF'
import statistics, sys
rows, ref = int(sys.argv[1]), int(sys.argv[2])
data = {}
for line in open(sys.argv[3]):
    size, *secs = line.split()
    data[int(size)] = [float(s) for s in secs]
med = {s: statistics.median(v) for s, v in data.items()}
tx = {s: -(-rows // s) for s in data}
for s in data:
    print(f"{s:7d} rows/tx: {tx[s]:4d} transactions, {' / '.join(f'{v:.2f}' for v in data[s])} s, "
          f"median {med[s]:.2f} s = {rows / med[s]:.0f} rows/s = {med[ref] / med[s]:.2f} x the {ref} figure")
xs, ys = [tx[s] for s in data], [med[s] for s in data]
mx, my = statistics.fmean(xs), statistics.fmean(ys)
f = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
c = my - f * mx
res = [y - (c + f * x) for x, y in zip(xs, ys)]
se = (sum(r * r for r in res) / (len(xs) - 2) / sum((x - mx) ** 2 for x in xs)) ** 0.5
print(f"fit: median seconds = {c:.2f} s {'+' if f >= 0 else '-'} {abs(f) * 1000:.2f} ms (standard error "
      f"{se * 1000:.2f} ms) x transactions, largest residual {max(abs(r) for r in res):.2f} s; the rest: "
      f"{rows / c:.0f} rows/s, {c / rows * 1e6:.1f} us a row")
ratios = "/".join(f"{med[ref] / med[s]:.2f}" for s in data)
print(f"tx_size: rows/s at {'/'.join(str(s) for s in data)} rows per transaction = {ratios} x the {ref} figure")
PYEOF

#!/usr/bin/env bash
# refused: the write time of a micro-batch in which PostgreSQL refuses 1% of the rows, as a ratio
# to the same batch with none refused, both written by ingest-server in the same run.
#
#   bench/refused.sh [BATCHES (10)] [EVENTS per batch (5000)] [ROUNDS (3)] [SERVER OPTION...]
#
# Each round starts two servers one after the other (their order alternates between rounds), each
# on a fresh database with the schema: "clean" as is, "refused" with a CHECK constraint the bench
# owns, bench_refuse CHECK (event_id NOT LIKE '%77'). One producer streams the same events to
# both (fixed --producer-id and --seed): ids are <producer>-<sequence>-<index>, so the rows with
# index % 100 = 77 (1% when EVENTS is a multiple of 100) pass validation and PostgreSQL refuses
# them. The server runs with --max-batch-events EVENTS and --ack committed, and the producer with
# --window 1, so each generator batch is one micro-batch, written alone (no queue in front of it).
#
# Two times per micro-batch, read from ingest_batches and summed over the batches and rounds:
# - write_ms: what the server records as the batch's write time;
# - seal->commit: committed_at - window_end, from the seal of the micro-batch to its commit: the
#   whole write, with the log fsync wait and the offsets checkpoint both kinds of batch pay. It
#   always holds the refused bulk attempt made before the batch is written in halves; write_ms
#   holds it only from the --writers change on (622cd15: the clock starts before the first
#   attempt; before it, write_ms timed only the transaction that commits).
# Checks, exiting 1 on a mismatch: the clean databases hold every event and no reject; the refused
# ones hold every other event (the same ids as the clean one, by an md5 of the sorted ids), and
# exactly the refused rows in rejected_events, code db_refused.
#
# Needs a built tree (INGEST_BUILD_DIR, default build) and the local cluster (scripts/pg.sh
# start). Appends a line to bench/results/refused.csv. Last line:
# "refused: 1% refused rows (N of M) = X × the clean batch's write time (C ms → R ms a batch; seal->commit Y ×)"
source "$(dirname "$0")/lib.sh"
BATCHES="${1:-10}"
EVENTS="${2:-5000}"
ROUNDS="${3:-3}"
shift $(($# < 3 ? $# : 3))
SERVER_OPTIONS=("$@")
total=$((BATCHES * EVENTS))
refuse_pattern='%77'

declare -A write_ms seal_ms dsn
write_ms[clean]=0 write_ms[refused]=0 seal_ms[clean]=0 seal_ms[refused]=0

# run KIND ROUND: one server on a fresh database, BATCHES batches streamed, the batches' times
# added to write_ms[KIND] and seal_ms[KIND]; checks its rows. Sets RUN_DSN.
run() {
  local kind="$1" round="$2" dsn gen="$BENCH_WORK/gen-$1-$2.json" times
  dsn="$(bench_db "refused_${kind}_$round" schema)"
  if [[ $kind == refused ]]; then
    psql -X -q -v ON_ERROR_STOP=1 -d "$dsn" \
      -c "ALTER TABLE user_events ADD CONSTRAINT bench_refuse CHECK (event_id NOT LIKE '$refuse_pattern')"
  fi
  bench_start_server "$dsn" --max-batch-events "$EVENTS" --ack committed "${SERVER_OPTIONS[@]}"
  "$BUILD/generator-client/event-generator" --target "$BENCH_INGEST" --producers 1 --producer-id bench-refused \
    --seed 11 --events "$EVENTS" --batches "$BATCHES" --interval 0 --window 1 --json --log-level warn >"$gen" ||
    { cat "$gen" >&2; echo "bench: the generator failed ($kind, round $round)" >&2; exit 1; }
  "$BUILD/admin-cli/ingest-admin" --target "$BENCH_ADMIN" flush --timeout 120s >/dev/null
  bench_stop_server
  # micro-batches, sum of write_ms, sum of seal->commit in ms, batches holding another number of events
  times="$(psql -X -tA -F ' ' -d "$dsn" -c "SELECT count(*), sum(write_ms),
      round(sum(extract(epoch FROM committed_at - window_end)) * 1000), count(*) FILTER (WHERE events <> $EVENTS)
      FROM ingest_batches")"
  read -r n w s odd <<<"$times"
  [[ $n -eq $BATCHES && $odd -eq 0 ]] ||
    { echo "bench: $kind round $round: $n micro-batches ($odd not of $EVENTS events), expected $BATCHES" >&2; exit 1; }
  write_ms[$kind]=$((write_ms[$kind] + w))
  seal_ms[$kind]=$((seal_ms[$kind] + s))
  echo "round $round $kind: $n batches of $EVENTS events, write_ms $w, seal->commit $s ms"
  RUN_DSN="$dsn"
}

q() { psql -X -tA -d "$1" -c "$2"; }

echo "$ROUNDS rounds; each: $BATCHES batches of $EVENTS events, clean and with rows matching '$refuse_pattern' refused"
refused_rows=0
for ((round = 1; round <= ROUNDS; round++)); do
  if ((round % 2)); then order=(clean refused); else order=(refused clean); fi
  for kind in "${order[@]}"; do
    run "$kind" "$round"
    dsn[$kind]="$RUN_DSN"
  done
  # The clean database: every event, no reject; how many rows the constraint refuses.
  stored="$(q "${dsn[clean]}" "SELECT count(*) FROM user_events")"
  rejects="$(q "${dsn[clean]}" "SELECT count(*) FROM rejected_events")"
  expected="$(q "${dsn[clean]}" "SELECT count(*) FROM user_events WHERE event_id LIKE '$refuse_pattern'")"
  [[ $stored -eq $total && $rejects -eq 0 ]] ||
    { echo "bench: clean round $round: $stored rows and $rejects rejects, expected $total and 0" >&2; exit 1; }
  # The refused database: the same ids but the refused ones, and those as db_refused rejects.
  stored="$(q "${dsn[refused]}" "SELECT count(*) FROM user_events")"
  refused="$(q "${dsn[refused]}" "SELECT count(*) FROM rejected_events WHERE code = 'db_refused' AND event_id LIKE '$refuse_pattern'")"
  other="$(q "${dsn[refused]}" "SELECT count(*) FROM rejected_events WHERE code <> 'db_refused' OR event_id NOT LIKE '$refuse_pattern'")"
  ids_sql="SELECT md5(string_agg(event_id, ',' ORDER BY event_id)) FROM user_events WHERE event_id NOT LIKE '$refuse_pattern'"
  [[ $refused -eq $expected && $other -eq 0 && $((stored + refused)) -eq $total &&
    "$(q "${dsn[clean]}" "$ids_sql")" == "$(q "${dsn[refused]}" "$ids_sql")" ]] ||
    { echo "bench: refused round $round: $stored rows, $refused db_refused rejects (expected $expected), $other other rejects" >&2; exit 1; }
  echo "round $round checked: clean $total rows; refused $stored rows + $refused db_refused rejects (the same ids)"
  refused_rows="$expected"
done

batches=$((ROUNDS * BATCHES))
clean_ms="$(bench_div "${write_ms[clean]}" "$batches" 1)"
refused_ms="$(bench_div "${write_ms[refused]}" "$batches" 1)"
ratio="$(bench_div "${write_ms[refused]}" "${write_ms[clean]}" 2)"
clean_seal="$(bench_div "${seal_ms[clean]}" "$batches" 1)"
refused_seal="$(bench_div "${seal_ms[refused]}" "$batches" 1)"
seal_ratio="$(bench_div "${seal_ms[refused]}" "${seal_ms[clean]}" 2)"
pct="$(bench_div "$((refused_rows * 100))" "$total" 2)"
echo "write_ms a batch: clean $clean_ms, refused $refused_ms; seal->commit a batch: clean $clean_seal ms, refused $refused_seal ms"
mkdir -p bench/results
csv=bench/results/refused.csv
[[ -s $csv ]] || echo "date,rounds,batches,events_per_batch,server_options,refused_per_run,clean_write_ms,refused_write_ms,ratio,clean_seal_to_commit_ms,refused_seal_to_commit_ms,seal_to_commit_ratio" >"$csv"
echo "$(date -u +%FT%TZ),$ROUNDS,$BATCHES,$EVENTS,\"$*\",$refused_rows,${write_ms[clean]},${write_ms[refused]},$ratio,${seal_ms[clean]},${seal_ms[refused]},$seal_ratio" >>"$csv"
echo "refused: ${pct}% refused rows ($refused_rows of $total) = $ratio × the clean batch's write time ($clean_ms ms → $refused_ms ms a batch; seal->commit $seal_ratio ×)"

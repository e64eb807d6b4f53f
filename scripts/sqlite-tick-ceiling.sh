#!/usr/bin/env bash
# SQLite's own ceiling for the `ticks` table on this machine, with no RealAlgo code in the loop:
# the sqlite3 shell inserts generated rows (781 instruments round-robin, rising timestamps) in
# 50,000-row transactions, exactly the hub's flush size, into the table as migration 0007 defines
# it, with each index layout in turn. Compare its figures with `realalgo bench feed` to see how
# much of the hub's "until committed" rate is SQLite and how much is ours.
#
#   scripts/sqlite-tick-ceiling.sh [rows]      (default 2,000,000; needs the sqlite3 shell)
set -euo pipefail
rows=${1:-2000000}
batch=50000
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The ticks table exactly as the migration creates it (statement up to its closing ") STRICT;").
ticks_table=$(awk '/^CREATE TABLE ticks/,/\) STRICT;/' "$here/migrations/0007_create_market_data.sql")

measure() { # label, extra DDL, ORDER BY for each batch
    local database="$work/ticks.db"
    rm -f "$database"*
    {
        echo "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;"
        echo "CREATE TABLE instruments (id INTEGER PRIMARY KEY);"
        echo "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 781) INSERT INTO instruments SELECT x FROM n;"
        echo "$ticks_table"
        echo "$2"
        echo "PRAGMA foreign_keys = ON;"
        echo ".timer on"
        for ((first = 0; first < rows; first += batch)); do
            echo "BEGIN; WITH RECURSIVE n(x) AS (SELECT $first UNION ALL SELECT x + 1 FROM n WHERE x < $((first + batch - 1)))
                  INSERT INTO ticks SELECT x % 781 + 1, 1700000000000000000 + x * 1000, 100.0 + (x % 100) * 0.05, 1,
                                           99.95, 100.05, 10, 20, x, 0 FROM n $3; COMMIT;"
        done
    } | sqlite3 "$database" | awk -v label="$1" -v rows="$rows" \
        '/^Run Time/ { seconds += $4 } END { printf "  %-52s %9.0f rows/s\n", label, rows / seconds }'
}

echo "SQLite $(sqlite3 --version | cut -d' ' -f1): $rows tick rows in $batch-row transactions, WAL, synchronous=NORMAL, 64 MiB cache"
measure "no index" "" ""
measure "ticks_by_instrument" "CREATE INDEX ticks_by_instrument ON ticks (instrument_id, ts_ns);" ""
measure "ticks_by_instrument + ticks_by_time (as shipped)" \
    "CREATE INDEX ticks_by_instrument ON ticks (instrument_id, ts_ns); CREATE INDEX ticks_by_time ON ticks (ts_ns);" ""
measure "as shipped, each batch sorted by instrument" \
    "CREATE INDEX ticks_by_instrument ON ticks (instrument_id, ts_ns); CREATE INDEX ticks_by_time ON ticks (ts_ns);" \
    "ORDER BY x % 781, x"

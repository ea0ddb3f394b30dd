#!/usr/bin/env bash
# Whole-process figures, with hyperfine:
#  1. `apikey list`, `show KEY` and `verify KEY` against the sqlite3 command-line
#     program running the statements apikey runs for that command, on the same
#     store file (target: apikey at most 1.3 times sqlite3);
#  2. the same apikey commands on a store of 10^6 keys in 10^5 accounts against
#     a store of 10 keys (target: at most 1.2 times);
#  3. `apikey apply` of a 10,000-account, 100,000-key manifest on an empty
#     store: time and peak memory (target: under 10 s and 200 MB).
# Stores are built with `apikey apply` of generated manifests and cached in
# target/bench-stores/cli/. Results: target/bench-results/cli.json and a
# Markdown summary on stdout.
#
#   bash benches/cli.sh            (needs hyperfine and sqlite3: apt install hyperfine sqlite3)
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in hyperfine sqlite3 python3; do
    command -v "$tool" >/dev/null || { echo "benches/cli.sh needs $tool" >&2; exit 2; }
done

cargo build --release --quiet
BIN=$PWD/target/release/apikey
CACHE=$PWD/target/bench-stores/cli
RESULTS=$PWD/target/bench-results
mkdir -p "$CACHE" "$RESULTS"
HOMEDIR=$(mktemp -d)
trap 'rm -rf "$HOMEDIR"' EXIT
# apikey as a user would run it: no config file, no colour, the store by env.
export HOME=$HOMEDIR NO_COLOR=1
unset APIKEY_CONFIG APIKEY_ACCOUNT XDG_CONFIG_HOME XDG_DATA_HOME

# manifest ACCOUNTS FIRST: accounts acct<FIRST>.. with 10 keys each.
manifest() {
    python3 - "$1" "$2" <<'PY'
import sys
n, first = int(sys.argv[1]), int(sys.argv[2])
out = []
for a in range(first, first + n):
    out.append(f'[[account]]\nname = "acct{a}"\n')
    for k in range(10):
        out.append(f'[[account.key]]\nname = "key{k}"\n')
sys.stdout.write("".join(out))
PY
}

# build SIZE: a store of SIZE keys, plus acct0's secrets (topped up).
build() {
    local size=$1
    local db=$CACHE/keys-$size.db
    [ -f "$db" ] && [ -f "$CACHE/keys-$size.secrets" ] && return 0
    rm -f "$db"*
    local accounts=$(( size / 10 ))
    local first=0
    while [ $first -lt $accounts ]; do
        local n=$(( accounts - first < 10000 ? accounts - first : 10000 ))
        manifest $n $first > "$CACHE/m.toml"
        APIKEY_DB=$db "$BIN" apply "$CACHE/m.toml" --json > "$CACHE/applied-$first.json"
        first=$(( first + n ))
    done
    python3 - "$CACHE/applied-0.json" > "$CACHE/keys-$size.secrets" <<'PY'
import json, sys
for c in json.load(open(sys.argv[1]))["created"]:
    if c["account"] == "acct0":
        print(c["key"])
PY
    rm -f "$CACHE"/applied-*.json "$CACHE/m.toml"
    while read -r secret; do
        # A secret names a key of the selected account only.
        APIKEY_DB=$db "$BIN" -a acct0 topup "$secret" 1000000000 --quiet > /dev/null
    done < "$CACHE/keys-$size.secrets"
}

echo "building stores (cached after the first run)..." >&2
build 10
build 1000000

# 3. apply of 10,000 accounts / 100,000 keys on an empty store.
manifest 10000 0 > "$CACHE/big.toml"
rm -f "$CACHE/apply.db"*
/usr/bin/time -f '%e %M' -o "$CACHE/apply.time" \
    env APIKEY_DB="$CACHE/apply.db" "$BIN" apply "$CACHE/big.toml" --json > "$CACHE/apply.json"
read -r APPLY_SECONDS APPLY_KB < "$CACHE/apply.time"
rm -f "$CACHE/apply.db"* "$CACHE/big.toml" "$CACHE/apply.json"

# The statements apikey runs for each command, for sqlite3 to run: opening
# (pragmas, what the file is, journal mode, schema version), the chores a
# command that writes starts with (the expiry sweep and the sweep for lapsed
# batches; read-only commands have none), then the command's own transaction. The check whether today's IP
# redaction ran is inside each write transaction (a process per verify
# makes it in every spend; a long-lived library handle once a day).
IDENTIFY="SELECT (SELECT user_version FROM pragma_user_version), (SELECT application_id FROM pragma_application_id), (SELECT COUNT(*) FROM sqlite_schema), (SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('accounts', 'keys', 'secrets', 'ledger', 'audit'));"
OPEN="PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; $IDENTIFY PRAGMA journal_mode; PRAGMA user_version; PRAGMA journal_size_limit = 33554432;"
READ_OPEN="PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA query_only = ON; $IDENTIFY"
COLS="k.id, k.public_id, (SELECT a.name FROM accounts a WHERE a.id = k.account_id), k.name, k.hint, k.balance, k.created_at, k.expires_at, k.revoked_at, k.last_used_at, k.allowed_urls, k.allowed_ips, k.scopes, k.daily_limit, k.monthly_limit, k.ip_daily_limit, k.redact_days, k.notify_emails, k.low_balance, k.day, k.day_count, k.month, k.month_count, k.warned_day, k.limit_day, k.limit_month, k.expiry_noticed, k.account_id, k.suspended_at, k.rate_limits, k.rate_seq, k.rate_recent, k.batches, k.auto_topup, k.auto_topup_day, k.auto_topup_count"
sweep() { echo "BEGIN DEFERRED; SELECT $COLS FROM keys k WHERE k.expiry_noticed = 0 AND k.revoked_at IS NULL AND k.expires_at IS NOT NULL AND k.expires_at <= $(( $(date +%s) + 604800 )); ROLLBACK;"; }
ACCOUNT="SELECT a.id, a.name, a.created_at, (SELECT COUNT(*) FROM keys k WHERE k.account_id = a.id AND k.revoked_at IS NULL), (SELECT COUNT(*) FROM keys k WHERE k.account_id = a.id), (SELECT COALESCE(SUM(k.balance), 0) FROM keys k WHERE k.account_id = a.id AND k.revoked_at IS NULL) FROM accounts a WHERE a.name = 'acct0';"
lapses() { echo "BEGIN DEFERRED; SELECT $COLS FROM keys k WHERE k.batches_due_at IS NOT NULL AND k.batches_due_at <= $(date +%s) ORDER BY k.id; ROLLBACK;"; }
chores() { sweep; lapses; }
list_sql() { echo "$READ_OPEN BEGIN DEFERRED; $ACCOUNT SELECT $COLS FROM keys k WHERE k.account_id = $1 AND (0 OR k.revoked_at IS NULL) ORDER BY k.id; ROLLBACK;"; }
show_sql() { echo "$READ_OPEN BEGIN DEFERRED; $ACCOUNT SELECT $COLS FROM keys k WHERE k.account_id = $1 AND k.name = 'key1' ORDER BY k.revoked_at IS NOT NULL, k.revoked_at DESC LIMIT 1; ROLLBACK;"; }
verify_sql() {
    local digest=$1 now day
    now=$(date +%s); day=$(( now / 86400 ))
    echo "$OPEN $(chores) BEGIN IMMEDIATE; SELECT $COLS, (SELECT s.retires_at FROM secrets s WHERE s.digest = X'$digest') FROM keys k WHERE k.id = (SELECT s.key_id FROM secrets s WHERE s.digest = X'$digest'); SELECT day FROM housekeeping WHERE chore = 'redact_ips'; UPDATE keys SET balance = balance - 1, day = $day, day_count = day_count + 1, month = 0, month_count = month_count + 1, last_used_at = MAX(COALESCE(last_used_at, $now), $now), warned_day = -1, limit_day = -1, limit_month = -1, expiry_noticed = 0 WHERE id = (SELECT s.key_id FROM secrets s WHERE s.digest = X'$digest') RETURNING balance; INSERT INTO ledger (key_id, at, delta, reason, day, spends) VALUES ((SELECT s.key_id FROM secrets s WHERE s.digest = X'$digest'), $now, -1, 'spend', $day, 1) ON CONFLICT (key_id, day) DO UPDATE SET delta = delta + excluded.delta, spends = spends + excluded.spends, at = MAX(at, excluded.at); INSERT INTO usage (key_id, day, ip, count) VALUES ((SELECT s.key_id FROM secrets s WHERE s.digest = X'$digest'), $day, '', 1) ON CONFLICT (key_id, day, ip) DO UPDATE SET count = count + excluded.count; COMMIT;"
}

# Both stores side by side, every command in every round: drift on a shared
# machine then reaches all twelve alike. Each round runs each command 25
# times (after 3 warm-ups); medians are over all rounds.
commands=()
for size in 10 1000000; do
    work=$CACHE/work-$size.db
    rm -f "$work"*
    cp "$CACHE/keys-$size.db" "$work"
    secret=$(sed -n 2p "$CACHE/keys-$size.secrets")
    digest=$(printf '%s' "$secret" | sha256sum | cut -d' ' -f1)
    account=$(sqlite3 "$work" "SELECT id FROM accounts WHERE name = 'acct0'")
    list_sql "$account" > "$CACHE/list-$size.sql"
    show_sql "$account" > "$CACHE/show-$size.sql"
    verify_sql "$digest" > "$CACHE/verify-$size.sql"
    # Prime: the key's first spend of the day (a once-a-day redaction).
    APIKEY_DB=$work "$BIN" verify "$secret" --quiet > /dev/null
    sq="sqlite3 -bail -cmd '.timeout 10000' $work"
    commands+=(
        -n "$size apikey list" "$BIN --db $work -a acct0 list"
        -n "$size sqlite3 list" "$sq '.read $CACHE/list-$size.sql'"
        -n "$size apikey show" "$BIN --db $work -a acct0 show key1"
        -n "$size sqlite3 show" "$sq '.read $CACHE/show-$size.sql'"
        -n "$size apikey verify" "$BIN --db $work verify $secret"
        -n "$size sqlite3 verify" "$sq '.read $CACHE/verify-$size.sql'"
    )
done
# Let the copies' writeback finish before anything is timed.
sync; sleep 2
rm -f "$RESULTS"/cli-round-*.json
for round in $(seq 12); do
    hyperfine -N --warmup 3 --runs 25 --style none --export-json "$RESULTS/cli-round-$round.json" \
        "${commands[@]}" > /dev/null
done
rm -f "$CACHE"/work-* "$CACHE"/*.sql

python3 - "$RESULTS" "$APPLY_SECONDS" "$APPLY_KB" <<'PY'
import json, sys
results, apply_s, apply_kb = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
import glob, statistics
times = {}
for path in sorted(glob.glob(f"{results}/cli-round-*.json")):
    for r in json.load(open(path))["results"]:
        times.setdefault(r["command"], []).extend(r["times"])
med = {}
for name, ts in times.items():
    size, cmd = name.split(" ", 1)
    med[(size, cmd)] = statistics.median(ts) * 1000
runs = len(times[next(iter(times))])
print(f"medians of {runs} runs per command, in 12 interleaved rounds\n")
print("| store | command | apikey ms | sqlite3 ms | ratio |\n|---|---|---|---|---|")
for size in ("10", "1000000"):
    for cmd in ("list", "show", "verify"):
        a, s = med[(size, f"apikey {cmd}")], med[(size, f"sqlite3 {cmd}")]
        print(f"| {size} keys | {cmd} | {a:.2f} | {s:.2f} | {a / s:.2f} |")
print("\n| command | 10 keys ms | 10^6 keys ms | ratio |\n|---|---|---|---|")
for cmd in ("list", "show", "verify"):
    small, big = med[("10", f"apikey {cmd}")], med[("1000000", f"apikey {cmd}")]
    print(f"| {cmd} | {small:.2f} | {big:.2f} | {big / small:.2f} |")
print(f"\napply of 10,000 accounts / 100,000 keys: {apply_s:.1f} s, peak RSS {apply_kb / 1024:.0f} MiB")
json.dump({"median_ms": {f"{k[0]} {k[1]}": v for k, v in med.items()},
           "apply_seconds": apply_s, "apply_peak_kib": apply_kb},
          open(f"{results}/cli.json", "w"), indent=2)
PY

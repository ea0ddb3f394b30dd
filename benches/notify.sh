#!/usr/bin/env bash
# `apikey notify send` of a backlog, timed and with its peak memory:
#  1. 2,000 events against aiosmtpd on loopback (tests/smtp_server.py);
#  2. 500 events against a server that takes 2 ms over every reply
#     (tests/smtp_misbehaving.py --delay 0.002), as a relay across a network
#     would.
# Each run sends a fresh copy of the same store. With OLD_BIN=path/to/apikey
# (an older build), the same runs are made with it, side by side, each
# configuration alternating between the two builds; the store is then made
# by the older build, and upgraded by this one before it is timed.
#
#   bash benches/notify.sh                    (needs python3 with aiosmtpd)
#   OLD_BIN=/tmp/old/apikey bash benches/notify.sh
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import aiosmtpd' 2>/dev/null || { echo "benches/notify.sh needs python3 with aiosmtpd" >&2; exit 2; }
cargo build --release --quiet
BIN=$PWD/target/release/apikey
MAKER=${OLD_BIN:-$BIN}
WORK=$(mktemp -d)
SERVERS=()
cleanup() {
    for fd in "${SERVERS[@]}"; do exec {fd}>&-; done
    rm -rf "$WORK"
}
trap cleanup EXIT
export HOME=$WORK NO_COLOR=1
unset APIKEY_CONFIG APIKEY_ACCOUNT XDG_CONFIG_HOME XDG_DATA_HOME

# A server on a free port; it stops when its stdin (a pipe we hold) closes.
start() { # script out args...
    local script=$1 out=$2; shift 2
    local fifo=$WORK/fifo.$RANDOM
    mkfifo "$fifo"
    python3 "$script" --out "$out" "$@" < "$fifo" > "$out.port" &
    local fd
    exec {fd}>"$fifo"
    SERVERS+=("$fd")
    until grep -q PORT "$out.port" 2>/dev/null; do sleep 0.05; done
    sed -n 's/^PORT //p' "$out.port"
}

backlog() { # events -> store path
    local store=$WORK/backlog-$1.db
    APIKEY_DB=$store "$MAKER" create --name web --notify ops@example.com -q >/dev/null
    for _ in $(seq "$1"); do APIKEY_DB=$store "$MAKER" topup web 1 -q >/dev/null; done
    echo "$store"
}

run() { # label bin store port -> "seconds peak-KiB sent"
    local bin=$2 store=$WORK/run.db port=$4
    rm -f "$store" "$store-wal" "$store-shm"
    cp "$3" "$store"
    APIKEY_DB=$store "$bin" store upgrade -q >/dev/null 2>&1 || true
    printf '[smtp]\nhost = "127.0.0.1"\nport = %s\nfrom = "apikey@example.com"\ntls = "none"\ntimeout_secs = 30\n' "$port" > "$WORK/config.toml"
    local start end
    start=$(date +%s.%N)
    APIKEY_DB=$store APIKEY_CONFIG=$WORK/config.toml /usr/bin/time -f '%M' -o "$WORK/mem" \
        "$bin" notify send -q > "$WORK/sent" || true
    end=$(date +%s.%N)
    printf '%s %.2f s, %s MiB peak, %s sent\n' "$1" "$(echo "$end - $start" | bc)" \
        "$(( $(cat "$WORK/mem") / 1024 ))" "$(cat "$WORK/sent")"
}

echo "store of 2,000 events (made by $MAKER)..." >&2
BIG=$(backlog 2000)
echo "store of 500 events..." >&2
SMALL=$(backlog 500)
FAST=$(start tests/smtp_server.py "$WORK/fast.jsonl")
SLOW=$(start tests/smtp_misbehaving.py "$WORK/slow.jsonl" --delay 0.002)

for round in 1 2 3; do
    run "aiosmtpd, 2,000 events, this build: " "$BIN" "$BIG" "$FAST"
    [ -n "${OLD_BIN:-}" ] && run "aiosmtpd, 2,000 events, OLD_BIN:    " "$OLD_BIN" "$BIG" "$FAST"
done
for round in 1 2 3; do
    run "2 ms a reply, 500 events, this build: " "$BIN" "$SMALL" "$SLOW"
    [ -n "${OLD_BIN:-}" ] && run "2 ms a reply, 500 events, OLD_BIN:    " "$OLD_BIN" "$SMALL" "$SLOW"
done
echo "connections to the slow server: $(wc -l < "$WORK/slow.jsonl.conns")" >&2

#!/usr/bin/env bash
# `apikey notify send` of a backlog, timed and with its peak memory:
#  1. 2,000 events against aiosmtpd on loopback (tests/smtp_server.py);
#  2. 500 events against a server that takes 2 ms over every reply
#     (tests/smtp_misbehaving.py --delay 0.002), as a relay across a network
#     would.
# Each run sends a fresh copy of the same store; the misbehaving server
# counts its connections (aiosmtpd does not: shown as 0). With OLD_BIN=path/to/apikey
# (an older build), the same runs are made with it, side by side, each
# configuration alternating between the two builds; the store is then made
# by the older build, and upgraded by this one before it is timed.
#
#   bash benches/notify.sh                    (needs python3 with aiosmtpd)
#   OLD_BIN=/tmp/old/apikey bash benches/notify.sh
set -euo pipefail
shopt -s inherit_errexit
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

# A server on a free port, in $PORT; it stops when its stdin (a pipe this
# shell holds open) closes, so it runs in this shell, not a subshell.
start() { # script out args...
    local script=$1 out=$2; shift 2
    local fifo=$WORK/fifo.$RANDOM
    mkfifo "$fifo"
    python3 "$script" --out "$out" "$@" < "$fifo" > "$out.port" &
    local fd
    exec {fd}>"$fifo"
    SERVERS+=("$fd")
    until grep -q PORT "$out.port" 2>/dev/null; do sleep 0.05; done
    PORT=$(sed -n 's/^PORT //p' "$out.port")
}

backlog() { # events -> store path
    local store=$WORK/backlog-$1.db
    APIKEY_DB=$store "$MAKER" create --name web --notify ops@example.com -q > "$WORK/secret"
    for _ in $(seq "$1"); do APIKEY_DB=$store "$MAKER" topup web 1 -q >/dev/null; done
    echo "$store"
}

conns() { # server out -> connections it has accepted so far
    if [ -f "$1.conns" ]; then grep -c connection "$1.conns"; else echo 0; fi
}

run() { # label bin store port server-out -> "seconds, peak memory, sent, connections"
    local bin=$2 store=$WORK/run.db port=$4 before
    before=$(conns "$5")
    rm -f "$store" "$store-wal" "$store-shm"
    cp "$3" "$store"
    APIKEY_DB=$store "$bin" store upgrade -q >/dev/null 2>&1 || true
    printf '[smtp]\nhost = "127.0.0.1"\nport = %s\nfrom = "apikey@example.com"\ntls = "none"\ntimeout_secs = 30\n' "$port" > "$WORK/config.toml"
    local start end
    start=$(date +%s.%N)
    APIKEY_DB=$store APIKEY_CONFIG=$WORK/config.toml /usr/bin/time -f '%M' -o "$WORK/mem" \
        "$bin" notify send -q > "$WORK/sent" || true
    end=$(date +%s.%N)
    printf '%s %.2f s, %s MiB peak, %s sent over %s connections\n' "$1" \
        "$(echo "$end - $start" | bc)" "$(( $(tail -1 "$WORK/mem") / 1024 ))" \
        "$(cat "$WORK/sent")" "$(( $(conns "$5") - before ))"
}

echo "store of 2,000 events (made by $MAKER)..." >&2
BIG=$(backlog 2000)
echo "store of 500 events..." >&2
SMALL=$(backlog 500)
start tests/smtp_server.py "$WORK/fast.jsonl"
FAST=$PORT
start tests/smtp_misbehaving.py "$WORK/slow.jsonl" --delay 0.002
SLOW=$PORT

for _ in 1 2 3; do
    run "aiosmtpd, 2,000 events, this build: " "$BIN" "$BIG" "$FAST" "$WORK/fast.jsonl"
    if [ -n "${OLD_BIN:-}" ]; then
        run "aiosmtpd, 2,000 events, OLD_BIN:    " "$OLD_BIN" "$BIG" "$FAST" "$WORK/fast.jsonl"
    fi
done
for _ in 1 2 3; do
    run "2 ms a reply, 500 events, this build: " "$BIN" "$SMALL" "$SLOW" "$WORK/slow.jsonl"
    if [ -n "${OLD_BIN:-}" ]; then
        run "2 ms a reply, 500 events, OLD_BIN:    " "$OLD_BIN" "$SMALL" "$SLOW" "$WORK/slow.jsonl"
    fi
done

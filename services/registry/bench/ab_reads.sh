#!/usr/bin/env bash
# Read rates of two registry builds on the same loaded database, as in
# docs/BENCHMARKS.md ("Registry reads at every level"): for each round and
# build, the build serves the database alone, and h2load drives its health
# check and then each read (the gap of the nation, a province and a
# district; the nation's provinces and a province's districts listed);
# calls/s and the share of the health rate are printed. Needs h2load
# (Debian nghttp2-client) and port 50061 free.
#
#   ab_reads.sh DATABASE_URL /path/to/admin.token OLD_BINARY NEW_BINARY [rounds]
set -euo pipefail
database=$1
token_file=$2
old=$3
new=$4
rounds=${5:-3}
token=$(cat "$token_file")
url=http://127.0.0.1:50061
bodies=$(mktemp -d)
trap 'rm -rf "$bodies"' EXIT

# One gRPC frame: 0x00, the length (4 bytes, big-endian), the message.
frame() { printf '\x00\x00\x00\x00'"\\x$(printf %02x "$(printf '%s' "$1" | wc -c)")"'%s' "$1"; }
# Field 1 (tag 0x0a), a string; field 2 (0x10) page_size 50; field 5
# (0x28) level 1, districts.
field1() { printf '\x0a'"\\x$(printf %02x ${#1})"'%s' "$1"; }
printf '\x00\x00\x00\x00\x00' >"$bodies/health.bin"
frame "$(field1 regions/ID)" >"$bodies/gap-nation.bin"
frame "$(field1 regions/17)" >"$bodies/gap-province.bin"
frame "$(field1 regions/17.02)" >"$bodies/gap-district.bin"
frame "$(field1 regions/ID)"$'\x10\x32' >"$bodies/list-nation.bin"
frame "$(field1 regions/17)"$'\x10\x32\x28\x01' >"$bodies/list-province.bin"

rate() {
    h2load -n "$3" -c 16 -m 8 -t 1 --data="$bodies/$2" \
        -H 'content-type: application/grpc' -H 'te: trailers' \
        -H "authorization: Bearer $token" "$url/$1" |
        awk '/finished in/ {print $4}'
}

echo "round build read health read share"
for round in $(seq 1 "$rounds"); do
    for build in new old; do
        binary=$([ "$build" = new ] && echo "$new" || echo "$old")
        "$binary" --listen 127.0.0.1:50061 --database-url "$database" \
            --admin-token-file "$token_file" \
            --max-calls-in-flight-per-token 100000 \
            --max-calls-per-second-per-token 1000000000 >/dev/null 2>&1 &
        pid=$!
        sleep 2
        for read in gap-nation gap-province gap-district list-nation list-province; do
            case $read in
            gap-*) method=GetEnrollmentGap calls=100000 ;;
            *) method=ListEnrollmentGaps calls=5000 ;;
            esac
            health=$(rate grpc.health.v1.Health/Check health.bin 100000)
            got=$(rate "jemput.registry.v1.RegistryService/$method" "$read.bin" "$calls")
            echo "$round $build $read $health $got $(awk -v g="$got" -v h="$health" 'BEGIN {printf "%.0f%%", 100 * g / h}')"
        done
        kill "$pid"
        wait "$pid" 2>/dev/null || true
        sleep 1
    done
done

#!/usr/bin/env bash
# Read rates of a running registry against its own health check, as in
# docs/BENCHMARKS.md ("Registry reads at every level"): for each round and
# each of the nation, a province and a district, h2load drives the health
# check and then GetEnrollmentGap on the same server, and the share is
# printed. Needs h2load (Debian nghttp2-client).
#
#   read_rates.sh http://127.0.0.1:50061 /path/to/admin.token [rounds]
set -euo pipefail
url=$1
token=$(cat "$2")
rounds=${3:-3}
bodies=$(mktemp -d)
trap 'rm -rf "$bodies"' EXIT

# One gRPC frame: 0x00, the length (4 bytes, big-endian), the message; the
# message here is field 1 (tag 0x0a), a string of the region's name.
frame() {
    local name=$1 length=${#1}
    printf '\x00\x00\x00\x00'"\\x$(printf %02x $((length + 2)))"'\x0a'"\\x$(printf %02x "$length")"'%s' "$name"
}
printf '\x00\x00\x00\x00\x00' >"$bodies/health.bin"
frame regions/ID >"$bodies/nation.bin"
frame regions/17 >"$bodies/province.bin"
frame regions/17.02 >"$bodies/district.bin"

rate() {
    h2load -n 100000 -c 16 -m 8 -t 1 --data="$bodies/$2" \
        -H 'content-type: application/grpc' -H 'te: trailers' \
        -H "authorization: Bearer $token" "$url/$1" |
        awk '/finished in/ {print $4}'
}

echo "round read health read share"
for round in $(seq 1 "$rounds"); do
    for read in nation province district; do
        health=$(rate grpc.health.v1.Health/Check health.bin)
        gap=$(rate jemput.registry.v1.RegistryService/GetEnrollmentGap "$read.bin")
        echo "$round $read $health $gap $(awk -v g="$gap" -v h="$health" 'BEGIN {printf "%.0f%%", 100 * g / h}')"
    done
done

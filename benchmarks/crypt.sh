#!/usr/bin/env bash
# Encryption throughput on this machine: CamShare's rclone-crypt streams vs `rclone copy` into a crypt remote vs a
# plain copy, on one file (256 MiB by default; SIZE_MIB=... to change). Prints a table; asserts nothing.
# Every row times a whole process (start-up included). Each run writes to a fresh file in one scratch folder on the same disk; the page cache holds the source.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MIB=${SIZE_MIB:-256}
RUNS=${RUNS:-3}
work=$(mktemp -d /tmp/camshare-crypt-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
dotnet build benchmarks/CryptBench -c Release -v q -nologo >/dev/null
bench="dotnet benchmarks/CryptBench/bin/Release/net10.0/CryptBench.dll"
head -c $((SIZE_MIB * 1024 * 1024)) /dev/urandom >"$work/input.mp4"
bytes=$(stat -c %s "$work/input.mp4")
export CRYPTBENCH_PASSWORD="benchmark password"
export RCLONE_CONFIG_BENCH_TYPE=crypt RCLONE_CONFIG_BENCH_REMOTE="$work/rclone-crypt"
RCLONE_CONFIG_BENCH_PASSWORD=$(rclone obscure "$CRYPTBENCH_PASSWORD")
export RCLONE_CONFIG_BENCH_PASSWORD
: >"$work/rclone.conf"

seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N); echo "$end - $start" | bc -l; }
best() { sort -g | head -1; }

declare -A result
for run in $(seq "$RUNS"); do
  rm -rf "$work/out" "$work/rclone-crypt" "$work/plain"; mkdir -p "$work/out" "$work/plain"
  # Whole processes, like rclone's and cp's rows (start-up and scrypt included).
  result[camshare-encrypt]+="$(seconds $bench encrypt "$work/input.mp4" "$work/out/enc.bin")"$'\n'
  result[camshare-decrypt]+="$(seconds $bench decrypt "$work/out/enc.bin" "$work/out/dec.mp4")"$'\n'
  cmp -s "$work/input.mp4" "$work/out/dec.mp4" || { echo "decrypted bytes differ" >&2; exit 1; }
  result[rclone-crypt]+="$(seconds rclone copy --config "$work/rclone.conf" "$work/input.mp4" bench:)"$'\n'
  result[rclone-plain]+="$(seconds rclone copy --config "$work/rclone.conf" "$work/input.mp4" "$work/plain/")"$'\n'
  rm -f "$work/plain/input.mp4"
  result[cp]+="$(seconds cp "$work/input.mp4" "$work/plain/copy.mp4")"$'\n'
done

printf '\n%s MiB file, best of %s runs, %s cores (%s)\n\n' "$SIZE_MIB" "$RUNS" "$(nproc)" "$(rclone version | head -1)"
printf '| %-44s | %9s | %8s |\n' "what" "seconds" "MB/s"
printf '|%s|%s|%s|\n' "----------------------------------------------" "-----------" "----------"
for key in camshare-encrypt rclone-crypt camshare-decrypt rclone-plain cp; do
  label=$(case $key in
    camshare-encrypt) echo "CamShare encrypt (RcloneEncryptingStream)";;
    camshare-decrypt) echo "CamShare decrypt (RcloneDecryptingStream)";;
    rclone-crypt) echo "rclone copy into a crypt remote (local)";;
    rclone-plain) echo "rclone copy, plain (local)";;
    cp) echo "cp, plain";;
  esac)
  s=$(printf '%s' "${result[$key]}" | best)
  printf '| %-44s | %9.3f | %8.1f |\n' "$label" "$s" "$(echo "$bytes / $s / 1000000" | bc -l)"
done

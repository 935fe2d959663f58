#!/usr/bin/env bash
# Re-creates the committed seed corpora tests/fuzz/corpus/<target>/ from the shipped traces and
# tests/data/trace. Each seed is a few KB at most. Needs zstd and awk.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=tests/fuzz/corpus
data=tests/data/trace
rm -rf "$out"
mkdir -p "$out"/{text,csv,oracle_general,twitter,zstd,detect,trace_model,cli}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Plain heads of the shipped traces. head closes the pipe early: zstd's SIGPIPE is expected.
unzstd() { zstd -dcq "$1" 2>/dev/null || true; }
head -n 600 traces/zipf.txt > "$tmp/zipf.txt"
unzstd traces/cloudPhysicsIO.txt.zst | head -n 300 > "$tmp/cp.txt"
unzstd traces/cloudPhysicsIO.csv.zst | head -n 100 > "$tmp/cp_original.csv"
unzstd traces/cloudPhysicsIO.oracleGeneral.bin.zst | head -c $((24 * 160)) > "$tmp/cp.oracleGeneral.bin"
# The csv head with a header the default mapping reads (key, timestamp, size; the SCSI op unread).
sed '1s/.*/version,timestamp,opcode,size,key/' "$tmp/cp_original.csv" > "$tmp/cp.csv"
# Every csv field, with decimals, TTLs and all three ops.
awk 'BEGIN { print "timestamp,key,size,op,ttl"; split("get set delete", ops, " ") }
     NR <= 150 { printf "%d.%03d,%s,%d,%s,%s\n", NR / 7, NR * 37 % 1000, $1, NR * 13 % 5000, ops[NR % 3 + 1], (NR % 4 ? "0" : "2.5") }' \
  "$tmp/zipf.txt" > "$tmp/all_fields.csv"
# Twitter's 7 fields, from the cloudPhysics csv: SCSI writes (2a) become sets, reads gets.
awk -F, 'NR > 1 { printf "%d,blk:%s,8,%s,%d,%s,%d\n", $2 - 5633898, $5, $4, NR % 3, ($3 == "2a" ? "set" : "get"), (NR % 5 ? 0 : 3600) }' \
  "$tmp/cp_original.csv" > "$tmp/cp.twitter"
printf '\xEF\xBB\xBF# keys, CRLF, padding\r\n  007 \r\n7\r\n\t\r\nuser:17\r\n#x\r\nlast' > "$tmp/crlf.txt"

cp "$tmp/zipf.txt" "$tmp/cp.txt" "$tmp/crlf.txt" $data/tiny.txt "$out/text/"
cp "$tmp/cp.csv" "$tmp/all_fields.csv" $data/tiny.csv $data/csv_many_bad_rows.csv "$out/csv/"
head -n 8 "$tmp/cp_original.csv" > "$out/csv/unmapped_header.csv"
cp "$tmp/cp.oracleGeneral.bin" $data/tiny.oracleGeneral.bin $data/oracle_truncated.oracleGeneral.bin \
  "$out/oracle_general/"
cp "$tmp/cp.twitter" $data/tiny_twitter.csv "$out/twitter/"
cat $data/twitter_*.twitter > "$out/twitter/bad_rows.twitter"

# zstd: small frames of each format, two frames back to back, a line longer than the 1 MiB buffer.
zstd -19 -qc $data/tiny.txt > "$out/zstd/tiny.txt.zst"
head -n 200 "$tmp/zipf.txt" | zstd -19 -qc > "$out/zstd/zipf.txt.zst"
zstd -19 -qc "$tmp/cp.csv" > "$out/zstd/cp.csv.zst"
head -c $((24 * 40)) "$tmp/cp.oracleGeneral.bin" | zstd -19 -qc > "$out/zstd/cp.oracleGeneral.bin.zst"
{ zstd -qc $data/tiny.txt; head -n 50 "$tmp/zipf.txt" | zstd -qc; } > "$out/zstd/two_frames.txt.zst"
{ head -c 1100000 /dev/zero | tr '\0' 'k'; printf '\n42\n'; } | zstd -19 -qc > "$out/zstd/long_line.txt.zst"
cp $data/truncated.csv.zst $data/corrupt.txt.zst "$out/zstd/"

# detect: one file per detection rule (names do not matter: the target names every input "input").
head -n 200 "$tmp/zipf.txt" > "$out/detect/text"
cp $data/tiny.csv "$out/detect/csv"
head -n 40 "$tmp/cp.twitter" > "$out/detect/twitter"
head -c $((24 * 20)) "$tmp/cp.oracleGeneral.bin" > "$out/detect/oracle_general"
cp $data/detect/* "$out/detect/"
printf '# comment first\n\n1,2,3,4,5,6,7\n' > "$out/detect/comment_then_twitter"

# trace_model: the first byte picks the format (0 text, 1 csv, 2 oracleGeneral, 3 twitter).
model() { { printf "\\x0$1"; cat "$2"; } > "$out/trace_model/$3"; }
head -n 150 "$tmp/zipf.txt" > "$tmp/model.txt"
model 0 "$tmp/model.txt" zipf.text
model 0 "$tmp/crlf.txt" crlf.text
head -n 60 "$tmp/all_fields.csv" > "$tmp/model.csv"
model 1 "$tmp/model.csv" all_fields.csv
model 1 $data/csv_many_bad_rows.csv bad_rows.csv
model 1 $data/tiny.csv tiny.csv
head -c $((24 * 60)) "$tmp/cp.oracleGeneral.bin" > "$tmp/model.bin"
model 2 "$tmp/model.bin" cp.oracleGeneral
model 2 $data/tiny.oracleGeneral.bin tiny.oracleGeneral
model 2 $data/oracle_truncated.oracleGeneral.bin truncated.oracleGeneral
head -n 40 "$tmp/cp.twitter" > "$tmp/model.twitter"
model 3 "$tmp/model.twitter" cp.twitter
model 3 "$out/twitter/bad_rows.twitter" bad_rows.twitter

# cli: argument lists, one argument per line; traces by file name (tests/fuzz/cli_fuzz.hpp).
cli() { local name=$1; shift; printf '%s\n' "$@" > "$out/cli/$name"; }
cli lru --policy lru --trace tiny.txt
cli lfu_percent --policy lfu --capacity 50% --trace tiny.csv
cli lru_ttl_twitter -p lru-ttl --ttl 60 --capacity 2 --trace tiny_twitter.csv --format twitter
cli ttl_rate --policy ttl --ttl 0.5 --rate 10 --trace tiny.txt --jsonl -o report.json
cli csv_columns --trace tiny_mapped.csv --csv-columns key=lbn,timestamp=time,size=size --format csv
cli oracle_warmup --trace tiny.oracleGeneral.bin --warmup 2 --no-fill --lock-sample 1 --no-progress
cli corrupt_zstd --trace corrupt.txt.zst
cli skip_errors --trace csv_many_bad_rows.csv --on-error skip --capacity 1
cli zstd_text --trace tiny.txt.zst --format=text --capacity=3
cli truncated_zstd --trace truncated.csv.zst --on-error skip
cli bad_twitter --trace twitter_unknown_op.twitter
cli empty --trace empty.txt
cli missing --policy lru --trace missing.txt
cli stdin --trace - --format text
cli gen_zipf gen zipf --keys 100 --requests 1000 --alpha 0.9 --seed 1 -o z.txt
cli gen_mix gen mix --keys 10 --requests 50 --seed 3 --format oracle-general --output=z.bin
cli help --help
cli version --version
printf -- '--policy\x00lfu\x00--trace\x00tiny.oracleGeneral.bin\x00--capacity\x000' > "$out/cli/nul_separated"

echo "$(find "$out" -type f | wc -l) seeds, $(find "$out" -type f -exec cat {} + | wc -c) bytes"

#!/usr/bin/env bash
# The training benchmark against the plain-PyTorch anchor, method by method and round by round: for each method, our
# process then PyTorch's, ROUNDS times over, so both see the same load on a shared machine. ../shared/bench/side-by-side.sh
# runs all of ours and then all of PyTorch's, and a load that comes or goes between the halves moves every ratio;
# interleaving makes the per-round ratios comparable and their median robust to it.
#   MODEL=resnet|vit (default resnet), ROUNDS (default 3), METHODS (default: every method both sides have),
#   ANCHOR_DIR (default ../shared/bench). Run from the repository root after ../shared/bench/setup-pytorch.sh.
# Prints one JSON line per process, then per method the medians of ours and PyTorch's ms per step and peak memory and the
# median of the per-round time ratios with its range.
set -euo pipefail
model=${MODEL:-resnet}
rounds=${ROUNDS:-3}
anchors=${ANCHOR_DIR:-../shared/bench}
out=${OUT:-/tmp/interleaved-side-by-side.jsonl}
if [ "$model" = resnet ]; then
  ours_args=(--model resnet); anchor="$anchors/anchor_resnet_cpu.py"
  methods=${METHODS:-"inference_forward full_finetune linear_probe lora_conv restuning_adapter bypass bypass_cached"}
else
  ours_args=(); anchor="$anchors/anchor_cpu.py"
  methods=${METHODS:-"inference_forward full_finetune linear_probe lora restuning_parallel bypass bypass_cached multitask_separate multitask_shared"}
fi
[ -f "$anchor" ] || { echo "No anchor at $anchor: set ANCHOR_DIR (see ../shared/bench/setup-pytorch.sh)." >&2; exit 2; }
python=${PYTHON:-/usr/bin/python3.13}
command -v "$python" > /dev/null || { echo "No $python: run ../shared/bench/setup-pytorch.sh first." >&2; exit 2; }

dotnet build -c Release tests/ResTuning.Benchmarks -v q -nologo > /dev/null
: > "$out"
for method in $methods; do
  for round in $(seq 1 "$rounds"); do
    dotnet tests/ResTuning.Benchmarks/bin/Release/net10.0/ResTuning.Benchmarks.dll training "${ours_args[@]}" --method "$method" --json 2>/dev/null \
      | grep '^{' | sed "s/^{/{\"framework\":\"restuning\",\"round\":$round,/" | tee -a "$out"
    # The anchor's environment as side-by-side.sh sets it: OpenBLAS and OpenMP at 2 threads, passive wait (its fastest here).
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE \
      "$python" "$anchor" "$method" | sed "s/^{/{\"round\":$round,/" | tee -a "$out"
  done
done

METHODS="$methods" "$python" - "$out" <<'PY'
import json, os, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def pick(framework, method):
    return {r["round"]: r for r in rows if r["framework"] == framework and r["method"] == method}
print(f'{"method":20} {"ours ms":>9} {"torch ms":>9} {"ratio (median, range)":>24} {"ours MiB":>9} {"torch MiB":>9} {"mem ratio":>9}')
for m in os.environ["METHODS"].split():
    ours, torch = pick("restuning", m), pick("pytorch", m)
    both = sorted(set(ours) & set(torch))
    if not both:
        print(f"{m:20} missing"); continue
    ratios = [ours[k]["ms_per_step"] / torch[k]["ms_per_step"] for k in both]
    o_ms = statistics.median(ours[k]["ms_per_step"] for k in both)
    t_ms = statistics.median(torch[k]["ms_per_step"] for k in both)
    o_mb = statistics.median(ours[k]["peak_bytes"] for k in both) / 2**20
    t_mb = statistics.median(torch[k]["peak_bytes"] for k in both) / 2**20
    span = f'{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})'
    print(f'{m:20} {o_ms:9.1f} {t_ms:9.1f} {span:>24} {o_mb:9.0f} {t_mb:9.0f} {o_mb / t_mb:9.2f}')
print(f"{len(rows)} processes, rounds per method: {max(r['round'] for r in rows)}")
PY

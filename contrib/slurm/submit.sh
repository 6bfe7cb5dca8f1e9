#!/usr/bin/env bash
# Checks a delivery on a Slurm cluster: N array tasks each check one shard (`check --shard K/N`),
# then a merge job, which starts only when every task succeeded, joins their reports.
#
#   contrib/slurm/submit.sh N SPEC OUTDIR PATH...
#
# SPEC, OUTDIR and every PATH must be visible at the same place on every node (shared storage);
# give all tasks the same PATHs: a file's shard is a hash of its path below the PATH it is under.
# Extra sbatch options (partition, account, time) go in SBATCH_* variables or a cluster default.
# DAILIES_QC names the binary when it is not on the nodes' PATH. Prints the merge job's id; the
# merged report is OUTDIR/report.json.
set -euo pipefail
if [ $# -lt 4 ]; then
    echo "usage: $0 SHARDS SPEC OUTDIR PATH..." >&2
    exit 2
fi
shards=$1 spec=$2 outdir=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
array=$(sbatch --parsable --job-name=dailies-qc --array="1-$shards" \
    --output="$outdir/shard-%a.log" \
    "$here/shard.sbatch" "$shards" "$spec" "$outdir" "$@")
array=${array%%;*} # "id;cluster" on federated clusters
sbatch --parsable --job-name=dailies-qc-merge --dependency="afterok:$array" \
    --output="$outdir/merge.log" \
    "$here/merge.sbatch" "$shards" "$outdir"

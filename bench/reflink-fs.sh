#!/usr/bin/env bash
# Makes a file system that can clone files (XFS with reflink, in a sparse
# loop-mounted image) for the benchmark, so that `bench/run.sh` can show what
# a fast-forward costs where the disk shares blocks (Btrfs, XFS; APFS on a
# Mac behaves the same way). Root only; installs xfsprogs when missing.
#
#   bench/reflink-fs.sh mount DIR [SIZE]   image DIR.img (default 16G), mounted at DIR
#   bench/reflink-fs.sh umount DIR         unmounts it and deletes the image
#
# Then: BENCH_DIR=DIR/bench bench/run.sh --workload W1 --scenarios S3,S4
set -euo pipefail
die() {
  printf 'reflink-fs: %s\n' "$*" >&2
  exit 2
}
[[ $# -ge 2 ]] || die "usage: bench/reflink-fs.sh mount|umount DIR [SIZE]"
action="$1" dir="${2%/}" size="${3:-16G}"
[[ "$(id -u)" == 0 ]] || die "a loop mount needs root; run it as root or point BENCH_DIR at a Btrfs/XFS folder yourself"
case "$action" in
  mount)
    if ! command -v mkfs.xfs >/dev/null; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q xfsprogs >/dev/null ||
        die "cannot install xfsprogs (mkfs.xfs); install it and run again"
    fi
    mountpoint -q "$dir" && die "$dir is already a mount point"
    mkdir -p "$dir"
    truncate -s "$size" "$dir.img"
    mkfs.xfs -q -f -m reflink=1 "$dir.img"
    mount -o loop "$dir.img" "$dir" || die "cannot loop-mount $dir.img (no loop devices in this container?)"
    printf '%s\n' "$dir"
    ;;
  umount)
    mountpoint -q "$dir" && umount "$dir"
    rm -f "$dir.img"
    rmdir "$dir" 2>/dev/null || true
    ;;
  *) die "unknown action $action: mount or umount" ;;
esac

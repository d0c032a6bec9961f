#!/bin/bash
# Runs inside the pmem-conform guest for the durability campaign
# (campaign.ts and trials.ts beside this file), chrooted into the host's /
# like guest-run.sh. One boot of a power-cut chain; the job comes from
# /mnt/results/job.env:
#   PROJECT     the project root (build/durability/pmc-durable lives there)
#   DUR_FRESH   1: a fresh NVDIMM backing file: write labels, create the
#               fsdax (256M) and sector/BTT (128M) namespaces, mkfs.ext4 both
#   DUR_VERIFY  "VARIANT FS FILE SIZE SEED UPTO": the previous trial (cut by a
#               kill -9 of QEMU) to check: mount (journal replay), umount,
#               e2fsck -fn, mount, pmc-durable verify > verify.txt, rm FILE
#   DUR_LIBDIR  where the builds under test are (libpmem2.so.1, libpmemset.so.1),
#               when --impl named builds by path: the writer runs with it
#               as LD_LIBRARY_PATH and prints which library it loaded
#   DUR_WRITE   "VARIANT FS FILE SIZE SEED PACE_US": the next trial: mount FS, run
#               pmc-durable write with its stdout on the serial console
#               (PMCD ack N lines); the host kills QEMU at a random moment
# FS is dax (ext4 -o dax=always on the fsdax namespace) or btt (ext4 on the
# sector namespace, no DAX: the page cache is in the way).
# Without DUR_WRITE the guest syncs, unmounts and powers off.
# shellcheck source=../../../scripts/guest/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/guest/common.sh" || { echo "PMC FAIL no scripts/guest/common.sh in the project of $0"; exit 1; }
W="$PROJECT/build/durability/pmc-durable"
[ -x "$W" ] || fail "no $W (make -C native/durability)"

blockdev_of() { # mode -> the namespace's block device name
  ndctl list -N -m "$1" 2>/dev/null | tr -d ' \n' | sed -n 's/.*"blockdev":"\([^"]*\)".*/\1/p'
}

wait_for /sys/bus/nd/devices/region0 10 || fail "no NVDIMM region ($(ls /sys/bus/nd/devices 2>&1 | tr '\n' ' '))"
if [ "${DUR_FRESH:-0}" = 1 ]; then
  { ndctl disable-region all && ndctl init-labels -f all && ndctl enable-region all; } > "$R/ndctl.log" 2>&1 || fail "ndctl init-labels: $(tail -2 "$R/ndctl.log" | tr '\n' ' ')"
  ndctl create-namespace -r region0 -m fsdax -s 256M -a 2M >> "$R/ndctl.log" 2>&1 || fail "ndctl create-namespace fsdax: $(tail -2 "$R/ndctl.log" | tr '\n' ' ')"
  ndctl create-namespace -r region0 -m sector -s 128M >> "$R/ndctl.log" 2>&1 || fail "ndctl create-namespace sector: $(tail -2 "$R/ndctl.log" | tr '\n' ' ')"
fi
dax=$(blockdev_of fsdax)
btt=$(blockdev_of sector)
[ -n "$dax" ] && [ -n "$btt" ] || fail "namespaces missing: fsdax '$dax' sector '$btt' ($(ndctl list -N 2>&1 | tr -d ' \n'))"
wait_for "/dev/$dax" 10 || fail "no /dev/$dax"
wait_for "/dev/$btt" 10 || fail "no /dev/$btt"
if [ "${DUR_FRESH:-0}" = 1 ]; then
  for d in "$dax" "$btt"; do
    mkfs.ext4 -q -F -b 4096 "/dev/$d" > "$R/mkfs.log" 2>&1 || fail "mkfs.ext4 -b 4096 /dev/$d: $(tail -1 "$R/mkfs.log")"
  done
fi
echo "dax=$dax btt=$btt" > "$R/devices"
event ready

dev_of() { if [ "$1" = dax ]; then echo "/dev/$dax"; else echo "/dev/$btt"; fi; }
opts_of() { if [ "$1" = dax ]; then echo "dax=always"; else echo "defaults"; fi; }
mounted() { grep -q " /mnt/$1 " /proc/mounts; }
mount_fs() { # fs
  mounted "$1" && return 0
  mkdir -p "/mnt/$1"
  mount -o "$(opts_of "$1")" "$(dev_of "$1")" "/mnt/$1" 2> "$R/mount.log" || fail "mount -o $(opts_of "$1") $(dev_of "$1"): $(cat "$R/mount.log") $(dmesg | tail -3 | tr '\n' ' ')"
}

if [ -n "${DUR_VERIFY:-}" ]; then
  read -r variant fs file size seed upto <<< "$DUR_VERIFY"
  dev=$(dev_of "$fs")
  # the first mount replays the journal the power cut left; fsck then checks the result
  mount_fs "$fs"
  umount "/mnt/$fs" || fail "umount /mnt/$fs"
  e2fsck -fn "$dev" > "$R/fsck.txt" 2>&1
  echo $? > "$R/fsck-rc"
  event "fsck rc=$(cat "$R/fsck-rc")"
  mount_fs "$fs"
  "$W" verify "/mnt/$fs/$file" "$size" "$seed" "$upto" > "$R/verify.tmp" 2>&1
  echo $? >> "$R/verify.tmp"
  mv "$R/verify.tmp" "$R/verify.txt"
  rm -f "/mnt/$fs/$file"
  event "verified $(grep -c ' ok$' "$R/verify.txt") ok"
fi

if [ -n "${DUR_WRITE:-}" ]; then
  read -r variant fs file size seed pace <<< "$DUR_WRITE"
  mount_fs "$fs"
  # everything before the trial is durable: the cut tests the trial alone
  sync
  event "write $variant"
  # the builds under test, when --impl named some: the host copied them into the results share
  LD_LIBRARY_PATH="${DUR_LIBDIR:-}" "$W" write "$variant" "/mnt/$fs/$file" "$size" "$seed" "${pace:-0}"
  event "writer exited rc=$?"
  # the host cuts the power; wait for it
  sleep 600
  exit 0
fi
sync
for fs in dax btt; do mounted "$fs" && umount "/mnt/$fs"; done
exit 0

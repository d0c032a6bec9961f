#!/bin/bash
# Runs inside the pmem-conform guest for the durability campaign
# (campaign.ts and trials.ts beside this file), chrooted into the host's /
# like guest-run.sh. One boot of a power-cut chain; the job comes from
# /mnt/results/job.env:
#   PROJECT     the project root (build/durability/pmc-durable lives there)
#   DUR_FRESH   1: a fresh NVDIMM backing file: write labels, create the
#               fsdax (256M) and sector/BTT (128M) namespaces, mkfs.ext4 both
#   DUR_VERIFY_N  "VARIANT FS FILE SIZE SEED UPTO" (N = 1, 2): a trial of the
#               previous boot (cut by a kill -9 of QEMU) to check: mount (journal
#               replay), umount, e2fsck -fn, mount, pmc-durable verify >
#               verify-N.txt, rm FILE; fsck-N.txt, fsck-rc-N
#   DUR_LIBPMEM2, DUR_LIBPMEMSET  the builds under test (--impl named them by
#               path; the host copied them into the results share): the writer
#               dlopens these paths (PMC_LIBPMEM2, PMC_LIBPMEMSET) and prints
#               which files it loaded
#   DUR_WRITE_N "VARIANT FS FILE SIZE SEED PACE_US" (N = 1, 2, each on its own
#               FS): the next trials, started together: mount FS, run
#               pmc-durable write with PMC_TAG=N and its stdout on the serial
#               console ("PMCD@N ack K" lines); the host kills QEMU once each
#               writer has reached the acknowledgement it drew
# FS is dax (ext4 -o dax=always on the fsdax namespace) or btt (ext4 on the
# sector namespace, no DAX: the page cache is in the way).
# Without DUR_WRITE the guest syncs, unmounts and powers off.
# shellcheck source=../../../scripts/guest/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/guest/common.sh" || { echo "PMC FAIL no scripts/guest/common.sh in the project of $0"; exit 1; }
W="$PROJECT/build/durability/pmc-durable"
[ -x "$W" ] || fail "no $W (make -C native/durability)"

# the namespaces' block devices from sysfs, not ndctl (no binary to load over 9p on every boot):
# the fsdax one is pmemN (or pmemN.M), the sector (BTT) one ends in "s"
blockdevs() {
  dax="" btt=""
  for b in /sys/block/pmem*; do
    [ -e "$b" ] || continue
    case "${b##*/}" in
      *s) btt="${b##*/}" ;;
      *) dax="${b##*/}" ;;
    esac
  done
}

wait_for /sys/bus/nd/devices/region0 10 || fail "no NVDIMM region ($(ls /sys/bus/nd/devices 2>&1 | tr '\n' ' '))"
if [ "${DUR_FRESH:-0}" = 1 ]; then
  { ndctl disable-region all && ndctl init-labels -f all && ndctl enable-region all; } > "$R/ndctl.log" 2>&1 || fail "ndctl init-labels: $(tail -2 "$R/ndctl.log" | tr '\n' ' ')"
  ndctl create-namespace -r region0 -m fsdax -s 256M -a 2M >> "$R/ndctl.log" 2>&1 || fail "ndctl create-namespace fsdax: $(tail -2 "$R/ndctl.log" | tr '\n' ' ')"
  ndctl create-namespace -r region0 -m sector -s 128M >> "$R/ndctl.log" 2>&1 || fail "ndctl create-namespace sector: $(tail -2 "$R/ndctl.log" | tr '\n' ' ')"
fi
i=0
blockdevs
while { [ -z "$dax" ] || [ -z "$btt" ]; } && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); blockdevs; done
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
  mount -o "$(opts_of "$1")" "$(dev_of "$1")" "/mnt/$1" 2> "$R/mount-$1.log" || fail "mount -o $(opts_of "$1") $(dev_of "$1"): $(cat "$R/mount-$1.log") $(dmesg | tail -3 | tr '\n' ' ')"
}

verify() { # N "VARIANT FS FILE SIZE SEED UPTO"
  local n="$1" variant fs file size seed upto dev
  read -r variant fs file size seed upto <<< "$2"
  dev=$(dev_of "$fs")
  # the first mount replays the journal the power cut left; fsck then checks the result
  mount_fs "$fs"
  umount "/mnt/$fs" || fail "umount /mnt/$fs"
  e2fsck -fn "$dev" > "$R/fsck-$n.txt" 2>&1
  echo $? > "$R/fsck-rc-$n"
  event "fsck $n rc=$(cat "$R/fsck-rc-$n")"
  mount_fs "$fs"
  "$W" verify "/mnt/$fs/$file" "$size" "$seed" "$upto" > "$R/verify-$n.tmp" 2>&1
  echo $? >> "$R/verify-$n.tmp"
  mv "$R/verify-$n.tmp" "$R/verify-$n.txt"
  rm -f "/mnt/$fs/$file"
  event "checked $n $(grep -c ' ok$' "$R/verify-$n.txt") ok"
}
# the two trials live on different filesystems: both are checked at once (the guest has two vCPUs)
for n in 1 2; do
  v="DUR_VERIFY_$n"
  [ -n "${!v:-}" ] && verify "$n" "${!v}" &
done
wait
for n in 1 2; do
  v="DUR_VERIFY_$n"
  [ -z "${!v:-}" ] || [ -f "$R/verify-$n.txt" ] || fail "verification $n did not finish: $(tail -2 "$R/events" | tr '\n' ' ')"
done
event verified

writers=0
for n in 1 2; do
  w="DUR_WRITE_$n"
  [ -n "${!w:-}" ] || continue
  read -r variant fs file size seed pace <<< "${!w}"
  mount_fs "$fs"
  writers=$((writers + 1))
done
if [ "$writers" -gt 0 ]; then
  # everything before the trials is durable: the cut tests the trials alone
  sync
  for n in 1 2; do
    w="DUR_WRITE_$n"
    [ -n "${!w:-}" ] || continue
    read -r variant fs file size seed pace <<< "${!w}"
    event "write $n $variant"
    PMC_TAG=$n PMC_LIBPMEM2="${DUR_LIBPMEM2:-}" PMC_LIBPMEMSET="${DUR_LIBPMEMSET:-}" \
      "$W" write "$variant" "/mnt/$fs/$file" "$size" "$seed" "${pace:-0}" &
  done
  wait
  event "writers exited"
  # the host cuts the power; wait for it
  sleep 600
  exit 0
fi
sync
for fs in dax btt; do mounted "$fs" && umount "/mnt/$fs"; done
exit 0

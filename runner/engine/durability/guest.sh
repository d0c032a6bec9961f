#!/bin/bash
# Runs inside the pmem-conform guest for the durability campaign
# (campaign.ts and trials.ts beside this file), chrooted into the host's /
# like guest-run.sh. One boot of a power-cut chain; the job comes from
# /mnt/results/job.env:
#   PROJECT     the project root (build/durability/pmc-durable lives there)
#   DUR_FRESH   1: a fresh NVDIMM backing file: write labels, create the
#               fsdax (256M) and sector/BTT (128M) namespaces, mkfs.ext4 both;
#               0: the previous boot's backing file, or a copy of the one an
#               earlier chain prepared (the host keeps it, keyed on this script)
#   DUR_SNAPSHOT  1 (with DUR_FRESH): once prepared, sync, print "PMC prepared"
#               and wait for the host to keep the image and write prepared-ack
#   DUR_VERIFY_N  "VARIANT FS FILE SIZE SEED UPTO" (N = 1, 2): a trial of the
#               previous boot (cut by a kill -9 of QEMU) to check: mount -o ro
#               (journal replay), e2fsck -fn, pmc-durable verify > verify-N.txt,
#               remount rw, rm FILE; fsck-N.txt, fsck-rc-N
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
# Without DUR_WRITE the host kills QEMU once it printed "PMC verified" (run by
# hand, the guest syncs, unmounts and powers off).
# shellcheck source=../../../scripts/guest/common.sh
. "${BASH_SOURCE[0]%/*}/../../../scripts/guest/common.sh" || { echo "PMC FAIL no scripts/guest/common.sh in the project of $0"; exit 1; }
W="$PROJECT/build/durability/pmc-durable"
[ -x "$W" ] || fail "no $W (make -C native/durability)"
# mount, rm, mkdir and sync from the initramfs's static busybox: the host's mount loads five libraries over
# 9p and takes ~330 ms of TCG per exec (libselinux, pcre2), busybox ~20 ms, and a boot runs six of them
B=/proc/1/root/bin/busybox
[ -x "$B" ] || fail "no busybox in the initramfs ($B)"

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
  if [ "${DUR_SNAPSHOT:-0}" = 1 ]; then
    # the host keeps this state of the pmem for the next chains' first boots: it copies the image while we wait
    "$B" sync
    event prepared
    wait_for "$R/prepared-ack" 120 || fail "the host did not take the prepared image"
  fi
fi
echo "dax=$dax btt=$btt" > "$R/devices"
event ready

# by name, not by a function's output: each $(...) forks
declare -A DEV=([dax]="/dev/$dax" [btt]="/dev/$btt") OPTS=([dax]=dax=always [btt]=defaults)
# which filesystems are mounted, kept here rather than read from /proc/mounts with grep (an exec each time)
declare -A MOUNTED=()
"$B" mkdir -p /mnt/dax /mnt/btt
mount_fs() { # fs [extra options]
  [ -n "${MOUNTED[$1]:-}" ] && return 0
  local o
  o="${OPTS[$1]}${2:+,$2}"
  "$B" mount -t ext4 -o "$o" "${DEV[$1]}" "/mnt/$1" 2> "$R/mount-$1.log" || fail "mount -o $o ${DEV[$1]}: $(cat "$R/mount-$1.log") $(dmesg | tail -3 | tr '\n' ' ')"
  MOUNTED[$1]=1
}

verify() { # N "VARIANT FS FILE SIZE SEED UPTO"
  local n="$1" variant fs file size seed upto rc
  read -r variant fs file size seed upto <<< "$2"
  # the first mount replays the journal the power cut left, read-only: ext4 replays it even then (only
  # "ro,noload" would not; Documentation/admin-guide/ext4.rst) and marks the recovery complete, so the
  # device holds a clean filesystem that nothing writes while e2fsck -fn checks it (it warns that the
  # device is mounted, and checks) and the verifier reads the file: one mount instead of mount, umount, mount
  mount_fs "$fs" ro
  event "mounted $n"
  e2fsck -fn "${DEV[$fs]}" > "$R/fsck-$n.txt" 2>&1
  rc=$?
  echo "$rc" > "$R/fsck-rc-$n"
  event "fsck $n rc=$rc"
  # PMCV end marks a complete verification; the exit code follows it
  "$W" verify "/mnt/$fs/$file" "$size" "$seed" "$upto" > "$R/verify-$n.txt" 2>&1
  echo $? >> "$R/verify-$n.txt"
  event "checked $n"
  # writable again for the next trial, whose file replaces this one
  "$B" mount -o remount,rw "/mnt/$fs" 2> "$R/mount-$fs.log" || fail "mount -o remount,rw /mnt/$fs: $(cat "$R/mount-$fs.log")"
  "$B" rm -f "/mnt/$fs/$file"
  event "removed $n"
}
# the two trials live on different filesystems: both are checked at once (while one waits on 9p or the
# device, the other runs)
for n in 1 2; do
  v="DUR_VERIFY_$n"
  [ -n "${!v:-}" ] && verify "$n" "${!v}" &
done
wait
for n in 1 2; do
  v="DUR_VERIFY_$n"
  [ -z "${!v:-}" ] && continue
  [ -f "$R/verify-$n.txt" ] || fail "verification $n did not finish: $(tail -2 "$R/events" | tr '\n' ' ')"
  # the subshell mounted it: this shell has to know
  read -r variant fs _ <<< "${!v}"
  MOUNTED[$fs]=1
done
event verified

writers=()
for n in 1 2; do
  w="DUR_WRITE_$n"
  [ -n "${!w:-}" ] || continue
  read -r variant fs file size seed pace <<< "${!w}"
  mount_fs "$fs"
  writers+=("$n")
done
if [ ${#writers[@]} -gt 0 ]; then
  # everything before the trials is durable: the cut tests the trials alone
  "$B" sync
  # both writers start before anything else runs: the cut waits for the slower one
  for n in "${writers[@]}"; do
    w="DUR_WRITE_$n"
    read -r variant fs file size seed pace <<< "${!w}"
    PMC_TAG=$n PMC_LIBPMEM2="${DUR_LIBPMEM2:-}" PMC_LIBPMEMSET="${DUR_LIBPMEMSET:-}" \
      "$W" write "$variant" "/mnt/$fs/$file" "$size" "$seed" "${pace:-0}" &
  done
  for n in "${writers[@]}"; do
    w="DUR_WRITE_$n"
    read -r variant _ <<< "${!w}"
    event "write $n $variant"
  done
  wait
  event "writers exited"
  # the host cuts the power; wait for it
  sleep 600
  exit 0
fi
"$B" sync
for fs in dax btt; do [ -n "${MOUNTED[$fs]:-}" ] && "$B" umount "/mnt/$fs"; done
exit 0

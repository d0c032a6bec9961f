#!/bin/bash
# Runs inside the pmem-conform guest, chrooted into the host's / (read-only;
# /tmp, /run, /mnt are the guest's tmpfs). Reads the job the host wrote to
# /mnt/results/job.env (MODE, PROJECT, CLI_ARGS; FORMATTED=1: the host made the
# ext4 on the virtio-pmem backing file; RUNTIME=1: run the CLI from the copy in
# the initramfs (common.sh); PREPARED=1: the NVDIMM image
# already holds the labels, namespaces and filesystem an earlier run prepared;
# SNAPSHOT=1: prepare them, then sync, print "PMC prepared" and wait for the
# host to keep the image and write prepared-ack), prepares the emulated pmem
# of MODE (nvdimm: fsdax, devdax and a sector namespace, the BTT one with ext4
# mounted without DAX: a page cache that writes back to the pmem, the fixture
# on which a persist is seen to clean dirty pages; nvdimm-eadr: fsdax and
# devdax), and runs the project's own CLI once over all its fixtures, writing
# /mnt/results/out-1.json, log-1.txt and the fixture specs (space-separated)
# to spec-1.
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" || { echo "PMC FAIL no common.sh beside $0"; exit 1; }
fsdax_on() { # device -> /mnt/fsdax
  mkfs.ext4 -q -F -b 4096 "$1" > "$R/mkfs.log" 2>&1 || fail "mkfs.ext4 -b 4096 $1: $(tail -1 "$R/mkfs.log")"
  mkdir -p /mnt/fsdax
  mount -o dax=always "$1" /mnt/fsdax 2> "$R/mount.log" || fail "mount -o dax=always $1: $(cat "$R/mount.log") $(dmesg | tail -3 | tr '\n' ' ')"
}

fixtures=()
case "$MODE" in
  memmap|virtio-pmem)
    wait_for /dev/pmem0 10 || fail "no /dev/pmem0 ($MODE): $(ls /dev | tr '\n' ' ')"
    if [ "${FORMATTED:-0}" = 1 ]; then
      # virtio-pmem: the host ran the same mkfs.ext4 on the backing file before the boot (milliseconds there)
      mkdir -p /mnt/fsdax
      mount -o dax=always /dev/pmem0 /mnt/fsdax 2> "$R/mount.log" || fail "mount -o dax=always /dev/pmem0 (formatted by the host): $(cat "$R/mount.log") $(dmesg | tail -3 | tr '\n' ' ')"
    else
      fsdax_on /dev/pmem0
    fi
    fixtures+=("fsdax:/mnt/fsdax")
    ;;
  nvdimm|nvdimm-eadr)
    wait_for /sys/bus/nd/devices/region0 10 || fail "no NVDIMM region ($(ls /sys/bus/nd/devices 2>&1 | tr '\n' ' '))"
    # the write-back control: only the nvdimm guest carries it (the page cache does not depend on eADR)
    sector=0
    [ "$MODE" = nvdimm ] && sector=1
    if [ "${PREPARED:-0}" = 1 ]; then
      # the host started this guest on an image prepared by an earlier run (below): labels, namespaces, ext4.
      # The block devices from sysfs: the fsdax one is pmemN (or pmemN.M), the sector (BTT) one ends in "s"
      blockdev="" bttdev="" chardev="" i=0
      while { [ -z "$blockdev" ] || [ -z "$chardev" ] || { [ "$sector" = 1 ] && [ -z "$bttdev" ]; }; } && [ $i -lt 100 ]; do
        for b in /sys/block/pmem*; do
          [ -e "$b" ] || continue
          case "${b##*/}" in
            *s) bttdev="${b##*/}" ;;
            *) blockdev="${b##*/}" ;;
          esac
        done
        for c in /sys/bus/dax/devices/dax*; do [ -e "$c" ] && chardev="${c##*/}"; done
        { [ -n "$blockdev" ] && [ -n "$chardev" ] && { [ "$sector" = 0 ] || [ -n "$bttdev" ]; }; } || sleep 0.1
        i=$((i + 1))
      done
      [ -n "$blockdev" ] || fail "prepared image: no pmem block device ($(ls /sys/block | tr '\n' ' '))"
      [ -n "$chardev" ] || fail "prepared image: no device DAX ($(ls /sys/bus/dax/devices 2>&1 | tr '\n' ' '))"
      [ "$sector" = 0 ] || [ -n "$bttdev" ] || fail "prepared image: no sector (BTT) block device ($(ls /sys/block | tr '\n' ' '))"
    else
      # a fresh label area is label-less and cannot be divided until labels exist
      { ndctl disable-region all && ndctl init-labels -f all && ndctl enable-region all; } > "$R/ndctl.log" 2>&1 || fail "ndctl init-labels: $(tail -2 "$R/ndctl.log" | tr '\n' ' ')"
      ndctl create-namespace -r region0 -m fsdax -s 256M -a 2M > "$R/ns-fsdax.json" 2>> "$R/ndctl.log" || fail "ndctl create-namespace fsdax: $(tail -2 "$R/ndctl.log" | tr '\n' ' ')"
      ndctl create-namespace -r region0 -m devdax -s 256M -a 2M > "$R/ns-devdax.json" 2>> "$R/ndctl.log" || fail "ndctl create-namespace devdax: $(tail -2 "$R/ndctl.log" | tr '\n' ' ')"
      blockdev=$(tr -d ' \n' < "$R/ns-fsdax.json" | sed -n 's/.*"blockdev":"\([^"]*\)".*/\1/p')
      chardev=$(tr -d ' \n' < "$R/ns-devdax.json" | sed -n 's/.*"chardev":"\([^"]*\)".*/\1/p')
      [ -n "$blockdev" ] || fail "no blockdev in $(tr -d '\n' < "$R/ns-fsdax.json")"
      [ -n "$chardev" ] || fail "no chardev in $(tr -d '\n' < "$R/ns-devdax.json")"
      wait_for "/dev/$blockdev" 10 || fail "no /dev/$blockdev"
      mkfs.ext4 -q -F -b 4096 "/dev/$blockdev" > "$R/mkfs.log" 2>&1 || fail "mkfs.ext4 -b 4096 /dev/$blockdev: $(tail -1 "$R/mkfs.log")"
      if [ "$sector" = 1 ]; then
        # BTT, as fixtures/namespace.ts makes its sector control on real hardware: no DAX, so the page cache
        ndctl create-namespace -r region0 -m sector -s 128M > "$R/ns-sector.json" 2>> "$R/ndctl.log" || fail "ndctl create-namespace sector: $(tail -2 "$R/ndctl.log" | tr '\n' ' ')"
        bttdev=$(tr -d ' \n' < "$R/ns-sector.json" | sed -n 's/.*"blockdev":"\([^"]*\)".*/\1/p')
        [ -n "$bttdev" ] || fail "no blockdev in $(tr -d '\n' < "$R/ns-sector.json")"
        wait_for "/dev/$bttdev" 10 || fail "no /dev/$bttdev"
        mkfs.ext4 -q -F -b 4096 "/dev/$bttdev" > "$R/mkfs.log" 2>&1 || fail "mkfs.ext4 -b 4096 /dev/$bttdev: $(tail -1 "$R/mkfs.log")"
      fi
      if [ "${SNAPSHOT:-0}" = 1 ]; then
        # the host keeps this state of the pmem for the next runs (PREPARED=1): it copies the image while we wait
        sync
        event prepared
        wait_for "$R/prepared-ack" 120 || fail "the host did not take the prepared image"
      fi
    fi
    wait_for "/dev/$blockdev" 10 || fail "no /dev/$blockdev"
    wait_for "/dev/$chardev" 10 || fail "no /dev/$chardev"
    mkdir -p /mnt/fsdax
    mount -o dax=always "/dev/$blockdev" /mnt/fsdax 2> "$R/mount.log" || fail "mount -o dax=always /dev/$blockdev: $(cat "$R/mount.log") $(dmesg | tail -3 | tr '\n' ' ')"
    fixtures+=("fsdax:/mnt/fsdax" "devdax:/dev/$chardev")
    if [ "$sector" = 1 ]; then
      wait_for "/dev/$bttdev" 10 || fail "no /dev/$bttdev"
      # a BTT device has no DAX; dax=never says so to a reader and keeps ext4 from trying
      mkdir -p /mnt/sector
      mount -o dax=never "/dev/$bttdev" /mnt/sector 2> "$R/mount.log" || fail "mount -o dax=never /dev/$bttdev: $(cat "$R/mount.log") $(dmesg | tail -3 | tr '\n' ' ')"
      fixtures+=("dir:/mnt/sector")
    fi
    ;;
  *) fail "unknown mode '$MODE'" ;;
esac
event ready

# the devdax fixture needs the destructive-use opt-in: the flag when this CLI has it, the variable anyway
flag=()
grep -q 'allow-destroy-devdax' "$CLI_ROOT/dist/runner/cli/options.js" 2>/dev/null && flag=(--allow-destroy-devdax)
read -r -a args <<< "${CLI_ARGS:-}"
# one CLI run for all the guest's fixtures: node starts once (it is about 20 times slower here than on the host)
fargs=()
extra=()
for f in "${fixtures[@]}"; do
  fargs+=(--fixture "$f")
  case "$f" in devdax:*) extra=("${flag[@]}") ;; esac
done
echo "${fixtures[*]}" > "$R/spec-1"
event "run 1 ${fixtures[*]}"
PMEM_CONFORM_ALLOW_DESTROY_DEVDAX=1 node "$CLI_ROOT/runner/bin.cjs" run "${fargs[@]}" "${extra[@]}" --json "$R/out-1.json" --out /tmp/reports --quiet "${args[@]}" > "$R/log-1.txt" 2>&1
rc=$?
echo "$rc" > "$R/rc-1"
event "ran 1 rc=$rc"
sync
exit 0

#!/bin/bash
# Runs inside the pmem-conform guest, chrooted into the host's / (read-only;
# /tmp, /run, /mnt are the guest's tmpfs). Reads the job the host wrote to
# /mnt/results/job.env (MODE, PROJECT, CLI_ARGS), prepares the emulated pmem
# of MODE, and runs the project's own CLI once per fixture, writing
# /mnt/results/out-N.json, log-N.txt and the fixture spec to spec-N.
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
    fsdax_on /dev/pmem0
    fixtures+=("fsdax:/mnt/fsdax")
    ;;
  nvdimm|nvdimm-eadr)
    wait_for /sys/bus/nd/devices/region0 10 || fail "no NVDIMM region ($(ls /sys/bus/nd/devices 2>&1 | tr '\n' ' '))"
    # a fresh label area is label-less and cannot be divided until labels exist
    { ndctl disable-region all && ndctl init-labels -f all && ndctl enable-region all; } > "$R/ndctl.log" 2>&1 || fail "ndctl init-labels: $(tail -2 "$R/ndctl.log" | tr '\n' ' ')"
    ndctl create-namespace -r region0 -m fsdax -s 256M -a 2M > "$R/ns-fsdax.json" 2>> "$R/ndctl.log" || fail "ndctl create-namespace fsdax: $(tail -2 "$R/ndctl.log" | tr '\n' ' ')"
    ndctl create-namespace -r region0 -m devdax -s 256M -a 2M > "$R/ns-devdax.json" 2>> "$R/ndctl.log" || fail "ndctl create-namespace devdax: $(tail -2 "$R/ndctl.log" | tr '\n' ' ')"
    blockdev=$(tr -d ' \n' < "$R/ns-fsdax.json" | sed -n 's/.*"blockdev":"\([^"]*\)".*/\1/p')
    chardev=$(tr -d ' \n' < "$R/ns-devdax.json" | sed -n 's/.*"chardev":"\([^"]*\)".*/\1/p')
    [ -n "$blockdev" ] || fail "no blockdev in $(tr -d '\n' < "$R/ns-fsdax.json")"
    [ -n "$chardev" ] || fail "no chardev in $(tr -d '\n' < "$R/ns-devdax.json")"
    wait_for "/dev/$blockdev" 10 || fail "no /dev/$blockdev"
    wait_for "/dev/$chardev" 10 || fail "no /dev/$chardev"
    fsdax_on "/dev/$blockdev"
    fixtures+=("fsdax:/mnt/fsdax" "devdax:/dev/$chardev")
    ndctl list -RNu > "$R/ndctl-list.json" 2>/dev/null
    ;;
  *) fail "unknown mode '$MODE'" ;;
esac
event ready

# the devdax fixture needs the destructive-use opt-in: the flag when this CLI has it, the variable anyway
flag=()
grep -q 'allow-destroy-devdax' "$PROJECT/dist/runner/cli/options.js" 2>/dev/null && flag=(--allow-destroy-devdax)
read -r -a args <<< "${CLI_ARGS:-}"
i=0
for f in "${fixtures[@]}"; do
  i=$((i + 1))
  echo "$f" > "$R/spec-$i"
  extra=()
  case "$f" in devdax:*) extra=("${flag[@]}") ;; esac
  event "run $i $f"
  PMEM_CONFORM_ALLOW_DESTROY_DEVDAX=1 node "$PROJECT/runner/bin.cjs" run --fixture "$f" "${extra[@]}" --json "$R/out-$i.json" --out /tmp/reports --quiet "${args[@]}" > "$R/log-$i.txt" 2>&1
  rc=$?
  echo "$rc" > "$R/rc-$i"
  event "ran $i rc=$rc"
done
sync
exit 0

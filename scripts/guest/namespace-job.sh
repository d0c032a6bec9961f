#!/bin/bash
# Runs inside the pmem-conform guest (nvdimm mode; fixtures/namespace.test.ts):
# the namespace fixture against the guest's labelled NVDIMM namespace.
#   1. labels, one fsdax namespace (namespace0.0, 512M, named), its listing -> before.json
#   2. run --fixture namespace:namespace0.0 --allow-destroy-pmem        -> out-1.json, after-1.json
#   3. a run of its sector mode, killed with SIGKILL (its whole process group)
#      once the namespace is in sector mode with ext4 mounted         -> killed.json
#   4. one more run (its devdax mode), which restores first           -> log-3.txt, after-3.json
#   0. first, with the namespace mounted: refused                    -> log-0.txt, rc-0
# CLI_ARGS (job.env) narrows the runs (--grep ...).
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" || { echo "PMC FAIL no common.sh beside $0"; exit 1; }
# the host's /var/lib is read-only in here: the markers go to the guest's /run
export PMEM_CONFORM_NAMESPACE_STATE=/run/pmem-conform/namespaces
wait_for /sys/bus/nd/devices/region0 10 || fail "no NVDIMM region"
# xfs is not in the initramfs, and the kernel's own module loading runs the initramfs's modprobe,
# which cannot find it: load it here, in the chroot, from the host's /lib/modules
modprobe xfs 2>> "$R/ndctl.log" || fail "modprobe xfs: $(tail -1 "$R/ndctl.log")"
{ ndctl disable-region all && ndctl init-labels -f all && ndctl enable-region all; } > "$R/ndctl.log" 2>&1 || fail "ndctl init-labels: $(tail -2 "$R/ndctl.log" | tr '\n' ' ')"
ndctl create-namespace -r region0 -m fsdax -s 512M -a 2M -n pmc-test >> "$R/ndctl.log" 2>&1 || fail "create-namespace: $(tail -2 "$R/ndctl.log" | tr '\n' ' ')"
ndctl list -N -v > "$R/before.json"
event ready
read -r -a args <<< "${CLI_ARGS:-}"
cli() { node "$CLI_ROOT/runner/bin.cjs" run --allow-destroy-pmem "$@" "${args[@]}"; }

# 0. in use (mounted): refused in one line, exit 2, nothing changed
mkdir -p /mnt/busy
mkfs.ext4 -q -F -b 4096 /dev/pmem0 && mount /dev/pmem0 /mnt/busy || fail "cannot mount /dev/pmem0 for the in-use check"
event "run 0"
cli --fixture namespace:namespace0.0 --out /tmp/r0 > "$R/log-0.txt" 2>&1
echo $? > "$R/rc-0"
umount /mnt/busy
ndctl list -N -v > "$R/after-0.json"

event "run 1"
cli --fixture namespace:namespace0.0 --json "$R/out-1.json" --out /tmp/r1 > "$R/log-1.txt" 2>&1
echo $? > "$R/rc-1"
ndctl list -N -v > "$R/after-1.json"

event "run 2"
setsid bash -c 'exec "$@"' cli node "$CLI_ROOT/runner/bin.cjs" run --fixture namespace:namespace0.0:sector --allow-destroy-pmem \
  --json "$R/out-2.json" --out /tmp/r2 "${args[@]}" > "$R/log-2.txt" 2>&1 &
pid=$!
i=0
until grep -q '^/dev/pmem0s ' /proc/mounts; do
  sleep 0.2
  i=$((i + 1))
  kill -0 "$pid" 2>/dev/null || break
  [ $i -lt 6000 ] || break
done
grep '^/dev/pmem0s ' /proc/mounts > "$R/killed-mounts"
kill -9 -- "-$pid"
wait "$pid" 2>/dev/null
event "killed 2"
ndctl list -N -v > "$R/killed.json"
ls /run/pmem-conform/namespaces > "$R/killed-markers" 2>&1

event "run 3"
cli --fixture namespace:namespace0.0:devdax --json "$R/out-3.json" --out /tmp/r3 > "$R/log-3.txt" 2>&1
echo $? > "$R/rc-3"
ndctl list -N -v > "$R/after-3.json"
ls /run/pmem-conform/namespaces > "$R/after-markers" 2>&1
grep '^/dev/pmem' /proc/mounts > "$R/after-mounts"
event "done"
sync
exit 0

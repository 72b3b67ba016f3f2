#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Prepares the real-kernel test bed on a Debian bookworm host (as root):
#   - the newest bookworm-backports kernel (Debian's image and modules),
#   - vringh, vdpa_sim, vdpa_sim_net and vdpa_sim_blk built out of tree from
#     Debian's linux-source of the same version (Debian does not ship them),
#   - a busybox initramfs whose /init serves jobs (see init),
#   - iproute2's vdpa from bookworm-backports, the reference peer.
# Everything lands in $VDPA_VM_CACHE/<kernel version>/; $VDPA_VM_CACHE/current
# points at the newest. Idempotent: a prepared version is reused.
# The system's apt sources are untouched: backports is read through a
# private apt view under $VDPA_VM_CACHE/apt.
#
# Exit status: 0 ready, 77 cannot prepare here (not root, not Debian), 1 failed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${VDPA_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vdpa-vm}
# Microseconds since the epoch, in bash alone (log runs before any package
# is installed; the decimal point of EPOCHREALTIME follows the locale).
now_us() { echo "${EPOCHREALTIME//[!0-9]/}"; }
T0=$(now_us)
log() {
  local tenths=$((($(now_us) - T0) / 100000))
  printf 'prepare: [%3d.%ds] %s\n' $((tenths / 10)) $((tenths % 10)) "$*" >&2
}
skip() { echo "prepare: $*" >&2; exit 77; }

[ "$(id -u)" = 0 ] || skip "needs root to install packages (apt-get) and build the VM image"
command -v apt-get >/dev/null || skip "needs a Debian host (apt-get)"

# Host tools: QEMU, the initramfs pieces, and a compiler for the modules.
need=()
for pair in qemu-system-x86:qemu-system-x86_64 busybox-static:/bin/busybox cpio:cpio \
            kmod:depmod xz-utils:xz gcc-12:gcc-12 make:make bc:bc libc6-dev:/usr/include/stdio.h; do
  pkg=${pair%%:*}; probe=${pair#*:}
  command -v "$probe" >/dev/null 2>&1 || [ -e "$probe" ] || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# A private apt view of bookworm-backports, using the system's own mirror.
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 ~ /^bookworm/ {print $2; exit}' \
                               /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
APT=$CACHE/apt
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/debs"
echo "deb $mirror bookworm-backports main" > "$APT/sources.list"
APT_OPTS=(-o "Dir::Etc::sourcelist=$APT/sources.list" -o Dir::Etc::sourceparts=-
          -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache"
          -o APT::Get::List-Cleanup=0 -o APT::Sandbox::User=root)
apt-get "${APT_OPTS[@]}" update -qq
backports_version() {
  apt-cache "${APT_OPTS[@]}" madison "$1" | awk -F'|' '/bookworm-backports/ {gsub(/ /, "", $2); print $2; exit}'
}

# Backports keeps only its newest kernel: discover it, never hard-code it.
meta_version=$(backports_version linux-image-amd64)
[ -n "$meta_version" ] || { echo "prepare: no linux-image-amd64 in bookworm-backports" >&2; exit 1; }
kernel=$(apt-cache "${APT_OPTS[@]}" depends "linux-image-amd64=$meta_version" |
         awk '/Depends: linux-image-[0-9]/ {sub(/.*linux-image-/, ""); print; exit}')
kbuild=${kernel%-amd64}
source_pkg=linux-source-$(echo "$kernel" | cut -d. -f1,2)
iproute2_version=$(backports_version iproute2)
[ -n "$kernel" ] && [ -n "$iproute2_version" ] ||
  { echo "prepare: cannot resolve the backports kernel and iproute2 versions" >&2; exit 1; }
stamp="kernel $kernel ($meta_version) iproute2 $iproute2_version init $(sha256sum "$HERE/init" | cut -c1-16)"

OUT=$CACHE/$kernel
if [ -f "$OUT/stamp" ] && [ "$(cat "$OUT/stamp")" = "$stamp" ]; then
  ln -sfn "$kernel" "$CACHE/current"
  log "ready: $stamp"
  exit 0
fi
log "building for $stamp"

rm -rf "$OUT" && mkdir -p "$OUT/work"
W=$OUT/work
(cd "$APT/debs" && rm -f ./*.deb && chown _apt . 2>/dev/null || true
 apt-get "${APT_OPTS[@]}" download -qq \
   "linux-image-$kernel=$meta_version" "linux-headers-$kernel=$meta_version" \
   "linux-headers-$kbuild-common=$meta_version" "linux-kbuild-$kbuild=$meta_version" \
   "$source_pkg=$meta_version" "iproute2=$iproute2_version")
log "downloaded $(du -sh "$APT/debs" | cut -f1)"

# Unpack without installing anything on the host.
for deb in "$APT"/debs/linux-image-*.deb "$APT"/debs/linux-headers-*.deb "$APT"/debs/linux-kbuild-*.deb; do
  dpkg-deb -x "$deb" "$W/root"
done
dpkg-deb -x "$APT"/debs/"$source_pkg"_*.deb "$W/source"
tar -xJf "$W/source/usr/src/$source_pkg.tar.xz" -C "$W/source" \
  "$source_pkg/drivers/vdpa/vdpa_sim" "$source_pkg/drivers/vhost/vringh.c"
dpkg-deb -x "$APT"/debs/iproute2_*.deb "$W/iproute2"
mkdir -p "$OUT/iproute2/sbin" && cp "$W/iproute2/usr/sbin/vdpa" "$OUT/iproute2/sbin/vdpa" 2>/dev/null ||
  cp "$W/iproute2/sbin/vdpa" "$OUT/iproute2/sbin/vdpa"
log "unpacked"

# The headers' Makefile includes the common headers by absolute /usr/src
# path; point it at our unpacked copy.
headers=$W/root/usr/src/linux-headers-$kernel
sed -i "s#^include /usr/src/#include $W/root/usr/src/#" "$headers/Makefile"

# Debian builds neither the simulators nor vringh (CONFIG_VHOST_RING is off),
# and the simulators need vringh's symbols. No pahole here: skip BTF.
mkdir -p "$W/modules"
cp "$W/source/$source_pkg"/drivers/vdpa/vdpa_sim/*.[ch] "$W/source/$source_pkg/drivers/vhost/vringh.c" "$W/modules/"
echo 'obj-m += vringh.o vdpa_sim.o vdpa_sim_net.o vdpa_sim_blk.o' > "$W/modules/Kbuild"
make -s -C "$headers" M="$W/modules" CC=gcc-12 CONFIG_DEBUG_INFO_BTF_MODULES= -j"$(nproc)" modules
log "built $(cd "$W/modules" && echo ./*.ko)"

# The initramfs: busybox, the modules (decompressed: busybox insmod reads
# plain .ko), and our /init.
I=$W/initramfs
mkdir -p "$I"/{bin,dev,proc,sys,host,lower,rw,lib/modules}
cp /bin/busybox "$I/bin/busybox"
for applet in sh mount umount insmod lsmod chroot poweroff cat echo mkdir mv rm ls sleep sync \
              uname date grep sed cut mountpoint stat; do
  ln -s busybox "$I/bin/$applet"
done
modules_dir=$W/root/lib/modules/$kernel/kernel
for module in fs/netfs/netfs net/9p/9pnet net/9p/9pnet_virtio fs/9p/9p fs/overlayfs/overlay \
              drivers/vdpa/vdpa drivers/vhost/vhost_iotlb drivers/vdpa/vdpa_user/vduse \
              drivers/virtio/virtio_vdpa virt/lib/irqbypass drivers/vhost/vhost \
              drivers/vhost/vhost_vdpa net/core/failover drivers/net/net_failover \
              drivers/net/virtio_net drivers/block/virtio_blk; do
  xz -dc "$modules_dir/$module.ko.xz" > "$I/lib/modules/$(basename "$module").ko"
done
for module in vringh vdpa_sim vdpa_sim_net vdpa_sim_blk; do
  strip --strip-debug -o "$I/lib/modules/$module.ko" "$W/modules/$module.ko"
done
install -m 0755 "$HERE/init" "$I/init"
(cd "$I" && find . | cpio -o -H newc --quiet | gzip -1 > "$OUT/initrd.gz")
cp "$W/root/boot/vmlinuz-$kernel" "$OUT/vmlinuz"
(cd "$I/lib/modules" && ls ./*.ko | sed 's#^\./##; s#\.ko$##' > "$OUT/modules.txt")
rm -rf "$W"
echo "$stamp" > "$OUT/stamp"
ln -sfn "$kernel" "$CACHE/current"
log "ready: $stamp (initrd $(du -h "$OUT/initrd.gz" | cut -f1))"

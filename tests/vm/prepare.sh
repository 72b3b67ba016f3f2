#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Prepares one kernel of the real-kernel test bed on a Debian bookworm host
# (as root). Which kernel: $1, else $VDPA_VM_KERNEL, else sim:
#
#   sim       the newest bookworm-backports kernel (6.12), Debian's modules
#             plus vringh, vdpa_sim, vdpa_sim_net and vdpa_sim_blk built out
#             of tree from Debian's linux-source of the same version (Debian
#             does not ship them): the full vm suite's kernel
#   newest    the newest linux-image-amd64 of trixie-backports, its stock
#             modules only (vdpa, vduse, virtio_vdpa, vhost_vdpa, ...)
#   bookworm  bookworm's own stock kernel (6.1), built without CONFIG_VDPA
#
# Versions are discovered from the archive's metadata, never hard-coded.
# Each kernel gets a busybox initramfs whose /init serves jobs (see init),
# and iproute2's vdpa from bookworm-backports, the reference peer on every
# kernel (trixie's needs a newer glibc than bookworm's).
#
# Layout, under $VDPA_VM_CACHE (default ~/.cache/vdpa-vm):
#   kernels/<release>/        vmlinuz, modules/*.ko, boot.order (modules the
#                             host root over 9p needs), default.order (the
#                             set a VM boots with), kmeta/ (the kernel's
#                             modules.dep and modules.builtin), iproute2/,
#                             stamp; and initrd-<hash of init>.gz, one per
#                             /init, so checkouts with another /init share
#                             the kernel without rebuilding it for each other
#   kernel-<name>             link to the kernels/<release> of that name
#   apt-<name>/               its private apt view
# The system's apt sources are untouched; the mirror is the system's own,
# or $VDPA_VM_MIRROR.
#
# Exit status: 0 ready; 77 cannot prepare here (not root, not Debian, or the
# kernel's packages cannot be fetched: the last line on stderr says why);
# 1 failed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${VDPA_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vdpa-vm}
NAME=${1:-${VDPA_VM_KERNEL:-sim}}
# Bumped when what a kernel directory holds changes (vmctl compares it).
LAYOUT=1
# Microseconds since the epoch, in bash alone (log runs before any package
# is installed; the decimal point of EPOCHREALTIME follows the locale).
now_us() { echo "${EPOCHREALTIME//[!0-9]/}"; }
T0=$(now_us)
log() {
  local tenths=$((($(now_us) - T0) / 100000))
  printf 'prepare: [%3d.%ds] %s: %s\n' $((tenths / 10)) $((tenths % 10)) "$NAME" "$*" >&2
}
skip() { echo "prepare: $*" >&2; exit 77; }
fail() { echo "prepare: $*" >&2; exit 1; }

case "$NAME" in
  sim) SUITE=bookworm-backports ;;
  newest) SUITE=trixie-backports ;;
  bookworm) SUITE=bookworm ;;
  *) fail "unknown kernel \"$NAME\": expected sim, newest or bookworm" ;;
esac
# What a VM boots with unless a test asks for another set (init loads
# them in this order; driver binding follows it: virtio_vdpa first).
case "$NAME" in
  sim) DEFAULT_MODULES="vdpa vhost_iotlb vringh vdpa_sim vdpa_sim_net vdpa_sim_blk vduse virtio_vdpa irqbypass vhost vhost_vdpa failover net_failover virtio_net virtio_blk" ;;
  newest) DEFAULT_MODULES="vdpa vduse virtio_vdpa vhost_vdpa virtio_net virtio_blk tun veth" ;;
  bookworm) DEFAULT_MODULES="tun veth" ;;
esac
# What mounting the host root over 9p needs (on 6.1 the virtio PCI
# transport is a module too); built-in ones are skipped.
BOOT_MODULES="virtio_pci 9pnet_virtio 9p overlay"
BUILT_MODULES="vringh vdpa_sim vdpa_sim_net vdpa_sim_blk"

[ "$(id -u)" = 0 ] || skip "needs root to install packages (apt-get) and build the VM image"
command -v apt-get >/dev/null || skip "needs a Debian host (apt-get)"

# Host tools: QEMU, the initramfs pieces, and a compiler for the modules.
need=()
for pair in qemu-system-x86:qemu-system-x86_64 busybox-static:/bin/busybox cpio:cpio \
            kmod:depmod xz-utils:xz zstd:zstd gcc-12:gcc-12 make:make bc:bc libc6-dev:/usr/include/stdio.h; do
  pkg=${pair%%:*}; probe=${pair#*:}
  command -v "$probe" >/dev/null 2>&1 || [ -e "$probe" ] || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# A private apt view of the kernel's suite and of bookworm-backports (for
# iproute2), using the system's own mirror.
mirror=${VDPA_VM_MIRROR:-}
[ -n "$mirror" ] || mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 ~ /^bookworm/ {print $2; exit}' \
                               /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
APT=$CACHE/apt-$NAME
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/debs"
printf 'deb %s %s main\n' "$mirror" "$SUITE" "$mirror" bookworm-backports | sort -u > "$APT/sources.list"
APT_OPTS=(-o "Dir::Etc::sourcelist=$APT/sources.list" -o Dir::Etc::sourceparts=-
          -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache"
          -o APT::Get::List-Cleanup=0 -o APT::Sandbox::User=root -o Acquire::Retries=1)
# A mirror that cannot be reached is a reason to give, not a crash: apt
# reports it as a warning and exits 0, so its messages decide.
cannot_fetch() {
  skip "cannot fetch the $NAME kernel's packages ($SUITE from $mirror): $*"
}
update_errors=$(apt-get "${APT_OPTS[@]}" update -qq 2>&1 >/dev/null) || cannot_fetch "$(echo "$update_errors" | tail -n 1)"
if grep -qE '^(W|E): (Failed to fetch|Some index files failed)' <<<"$update_errors"; then
  cannot_fetch "$(grep -m1 -E '^(W|E): Failed to fetch' <<<"$update_errors" || echo "$update_errors" | tail -n 1)"
fi
suite_version() {  # PACKAGE SUITE: its version there
  apt-cache "${APT_OPTS[@]}" madison "$1" |
    awk -F'|' -v suite=" $2/" 'index($3, suite) {gsub(/ /, "", $2); print $2; exit}'
}

# Backports keeps only its newest kernel: discover it, never hard-code it.
meta_version=$(suite_version linux-image-amd64 "$SUITE")
[ -n "$meta_version" ] || cannot_fetch "no linux-image-amd64 in $SUITE"
kernel=$(apt-cache "${APT_OPTS[@]}" depends "linux-image-amd64=$meta_version" |
         awk '/Depends: linux-image-[0-9]/ {sub(/.*linux-image-/, ""); print; exit}')
iproute2_version=$(suite_version iproute2 bookworm-backports)
[ -n "$kernel" ] && [ -n "$iproute2_version" ] ||
  cannot_fetch "cannot resolve the kernel and iproute2 versions"
init_hash=$(sha256sum "$HERE/init" | cut -c1-16)
stamp="$NAME kernel $kernel ($meta_version) iproute2 $iproute2_version layout $LAYOUT"

OUT=$CACHE/kernels/$kernel
INITRD=$OUT/initrd-$init_hash.gz

# The initramfs: busybox, the modules (decompressed: busybox insmod reads
# plain .ko), the kernel's module index, and our /init.
build_initrd() {
  local I; I=$(mktemp -d "$OUT/initramfs.XXXXXX")
  mkdir -p "$I"/{bin,dev,proc,sys,host,lower,rw,lib}
  cp /bin/busybox "$I/bin/busybox"
  for applet in sh mount umount insmod lsmod chroot poweroff cat echo mkdir mv rm ls sleep sync \
                uname date grep sed cut mountpoint stat cp; do
    ln -s busybox "$I/bin/$applet"
  done
  cp -r "$OUT/modules" "$I/lib/modules"
  cp "$OUT/boot.order" "$OUT/default.order" "$I/lib/modules/"
  cp -r "$OUT/kmeta" "$I/kmeta"
  install -m 0755 "$HERE/init" "$I/init"
  (cd "$I" && find . | cpio -o -H newc --quiet | gzip -1 > "$INITRD.tmp") && mv "$INITRD.tmp" "$INITRD"
  rm -rf "$I"
}

if [ -f "$OUT/stamp" ] && [ "$(cat "$OUT/stamp")" = "$stamp" ]; then
  [ -f "$INITRD" ] || { build_initrd; log "initramfs for this /init built"; }
  ln -sfn "kernels/$kernel" "$CACHE/kernel-$NAME"
  log "ready: $stamp"
  exit 0
fi
log "building for $stamp"

rm -rf "$OUT" && mkdir -p "$OUT/work"
W=$OUT/work
ROOT=$W/root
# The image package, and what it is split into on newer kernels
# (linux-binary-K holds vmlinuz, linux-modules-K the modules).
packages=("linux-image-$kernel=$meta_version")
for part in $(apt-cache "${APT_OPTS[@]}" depends "linux-image-$kernel=$meta_version" |
              awk -v k="$kernel" '$1 == "Depends:" && ($2 == "linux-binary-" k || $2 == "linux-modules-" k) {print $2}'); do
  packages+=("$part=$meta_version")
done
if [ "$NAME" = sim ]; then
  kbuild=${kernel%-amd64}
  source_pkg=linux-source-$(echo "$kernel" | cut -d. -f1,2)
  packages+=("linux-headers-$kernel=$meta_version" "linux-headers-$kbuild-common=$meta_version"
             "linux-kbuild-$kbuild=$meta_version" "$source_pkg=$meta_version")
fi
packages+=("iproute2=$iproute2_version")
(cd "$APT/debs" && rm -f ./*.deb && { chown _apt . 2>/dev/null || true; } &&
 apt-get "${APT_OPTS[@]}" download -qq "${packages[@]}") ||
  cannot_fetch "apt-get download ${packages[*]} failed"
log "downloaded $(du -sh "$APT/debs" | cut -f1): ${packages[*]}"

# Unpack without installing anything on the host.
for deb in "$APT"/debs/linux-image-*.deb "$APT"/debs/linux-binary-*.deb "$APT"/debs/linux-modules-*.deb \
           "$APT"/debs/linux-headers-*.deb "$APT"/debs/linux-kbuild-*.deb; do
  [ -e "$deb" ] && dpkg-deb -x "$deb" "$ROOT"
done
dpkg-deb -x "$APT"/debs/iproute2_*.deb "$W/iproute2"
mkdir -p "$OUT/iproute2/sbin" && cp "$W/iproute2/usr/sbin/vdpa" "$OUT/iproute2/sbin/vdpa" 2>/dev/null ||
  cp "$W/iproute2/sbin/vdpa" "$OUT/iproute2/sbin/vdpa"
# Merged /usr (trixie): the modules are under usr/lib/modules, and what
# another package put under lib/ belongs there too.
if [ -d "$ROOT/usr/lib/modules" ] && [ -d "$ROOT/lib" ] && [ ! -L "$ROOT/lib" ]; then
  cp -al "$ROOT/lib/." "$ROOT/usr/lib/" && rm -rf "$ROOT/lib"
fi
[ -e "$ROOT/lib" ] || ln -s usr/lib "$ROOT/lib"
[ -d "$ROOT/lib/modules/$kernel/kernel" ] || fail "no modules directory for $kernel in ${packages[*]}"
vmlinuz=$(find "$ROOT/boot" "$ROOT/lib/modules/$kernel/" -maxdepth 1 -name 'vmlinuz*' 2>/dev/null | head -n 1 || true)
[ -n "$vmlinuz" ] || fail "no vmlinuz for $kernel in ${packages[*]}"
cp "$vmlinuz" "$OUT/vmlinuz"
# Debian ships no modules.dep (the package's postinst makes it).
depmod -b "$ROOT" "$kernel" 2>&1 | grep -v "^depmod: WARNING: could not open modules\.\(order\|builtin\)" >&2 || true
mkdir -p "$OUT/kmeta"
# What exists for this kernel, as a module or built in (trixie's split
# packages ship no modules.builtin: then only modules.dep tells).
cp "$ROOT/lib/modules/$kernel/modules.dep" "$OUT/kmeta/"
[ ! -f "$ROOT/lib/modules/$kernel/modules.builtin" ] || cp "$ROOT/lib/modules/$kernel/modules.builtin" "$OUT/kmeta/"
log "unpacked"

if [ "$NAME" = sim ]; then
  dpkg-deb -x "$APT"/debs/"$source_pkg"_*.deb "$W/source"
  tar -xJf "$W/source/usr/src/$source_pkg.tar.xz" -C "$W/source" \
    "$source_pkg/drivers/vdpa/vdpa_sim" "$source_pkg/drivers/vhost/vringh.c"
  # The headers' Makefile includes the common headers by absolute /usr/src
  # path; point it at our unpacked copy.
  headers=$ROOT/usr/src/linux-headers-$kernel
  sed -i "s#^include /usr/src/#include $ROOT/usr/src/#" "$headers/Makefile"
  # Debian builds neither the simulators nor vringh (CONFIG_VHOST_RING is
  # off), and the simulators need vringh's symbols. No pahole here: skip BTF.
  mkdir -p "$W/modules"
  cp "$W/source/$source_pkg"/drivers/vdpa/vdpa_sim/*.[ch] "$W/source/$source_pkg/drivers/vhost/vringh.c" "$W/modules/"
  echo 'obj-m += vringh.o vdpa_sim.o vdpa_sim_net.o vdpa_sim_blk.o' > "$W/modules/Kbuild"
  make -s -C "$headers" M="$W/modules" CC=gcc-12 CONFIG_DEBUG_INFO_BTF_MODULES= -j"$(nproc)" modules
  log "built $(cd "$W/modules" && echo ./*.ko)"
fi

# Each module with what it needs before it, in load order, once; what is
# built in is left out.
resolve() {
  local name
  for name in "$@"; do
    case " $BUILT_MODULES " in *" $name "*) [ "$NAME" = sim ] && { echo "built $name"; continue; } ;; esac
    # Without modules.builtin (trixie's packages) modprobe cannot tell a
    # built-in boot module from a missing one: booting will tell.
    modprobe --show-depends -d "$ROOT" -S "$kernel" "$name" 2>/dev/null ||
      [ -n "${OPTIONAL:-}" ] || fail "$kernel has no module $name"
  done | awk '$1 == "insmod" {print $2} $1 == "built" {print "built:" $2}' | awk '!seen[$0]++'
}
mkdir -p "$OUT/modules"
order_of() {  # MODULE...: writes their files to modules/, prints the load order
  local paths path name
  paths=$(resolve "$@")
  for path in $paths; do
    case "$path" in
      built:*) name=${path#built:}
               strip --strip-debug -o "$OUT/modules/$name.ko" "$W/modules/$name.ko" ;;
      *) name=$(basename "$path"); name=${name%%.ko*}
         case "$path" in
           *.ko.xz) xz -dc "$path" ;;
           *.ko.zst) zstd -qdc "$path" ;;
           *.ko.gz) gzip -dc "$path" ;;
           *) cat "$path" ;;
         esac > "$OUT/modules/$name.ko" ;;
    esac
    echo "$name"
  done
}
OPTIONAL=yes order_of $BOOT_MODULES > "$OUT/boot.order"
# Another order than the simulators' bed always had would change which
# driver binds first: keep theirs as written, only check it is complete.
order_of $DEFAULT_MODULES > "$OUT/default.order"
if [ "$NAME" = sim ]; then
  for name in $(cat "$OUT/default.order"); do
    case " $DEFAULT_MODULES " in *" $name "*) ;; *) fail "$name is needed but not in the default set" ;; esac
  done
  tr ' ' '\n' <<<"$DEFAULT_MODULES" > "$OUT/default.order"
fi
rm -rf "$W"
build_initrd
echo "$stamp" > "$OUT/stamp"
ln -sfn "kernels/$kernel" "$CACHE/kernel-$NAME"
log "ready: $stamp (boot: $(tr '\n' ' ' < "$OUT/boot.order"); default: $(tr '\n' ' ' < "$OUT/default.order"); initrd $(du -h "$INITRD" | cut -f1))"

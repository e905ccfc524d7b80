#!/usr/bin/env bash
# host-ns.sh HOSTDIR NAME SOCKET — runs inside a fresh mount + UTS namespace (lab.sh starts
# it with unshare). Makes this namespace look like host NAME: its hostname, its own
# /etc/postfix, /etc/resolv.conf and /etc/hosts, and a private /dev whose /dev/log is the
# central rsyslog's socket for NAME. Then starts this host's Postfix.
set -euo pipefail
hostdir=$1 name=$2 sock=$3

hostname "$name"
mount --bind "$hostdir/conf" /etc/postfix
mount --bind "$hostdir/etc/resolv.conf" /etc/resolv.conf
mount --bind "$hostdir/etc/hosts" /etc/hosts

# Private /dev: keep the real one reachable for a moment to bind the few nodes needed.
realdev=$hostdir/realdev
mkdir -p "$realdev"
mount --rbind /dev "$realdev"
mount -t tmpfs -o mode=755 labdev /dev
for node in null zero full random urandom tty; do
	touch "/dev/$node"
	mount --bind "$realdev/$node" "/dev/$node"
done
umount -l "$realdev"
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
mkdir /dev/shm /dev/pts
mount -t tmpfs -o mode=1777 labshm /dev/shm
ln -s "$sock" /dev/log

postfix start

#!/usr/bin/env bash
# lab.sh — build and run the Mailpath multi-host Postfix lab. See lab/README.md.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() { printf 'lab: ERROR: %s\n' "$*" >&2; exit 1; }
log() { printf 'lab: %s\n' "$*" >&2; }

cmd_install() {
	[[ $(id -u) -eq 0 ]] || die "install must run as root"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
	apt-get install -y --no-install-recommends \
		postfix rsyslog dovecot-core dovecot-lmtpd dovecot-sieve swaks dnsmasq-base \
		iproute2 util-linux procps openssl python3 ca-certificates
}

main() {
	local cmd=${1:-}
	case $cmd in
	install) cmd_install ;;
	run)
		[[ $# -eq 2 ]] || die "usage: lab.sh run OUTDIR"
		# shellcheck source=SCRIPTDIR/run.sh
		source "$LAB_DIR/run.sh"
		cmd_run "$2"
		;;
	*) die "usage: lab.sh install | lab.sh run OUTDIR" ;;
	esac
}

main "$@"

# shellcheck shell=bash
# run.sh — the "run" command of lab.sh (sourced by it; uses its die/log and LAB_DIR).
# Builds every config under the work dir, starts the daemons, lets lab.py send the
# scenarios, settle the queues and write the key, then stops every daemon it started.

readonly LAB_ZONE=lab.mailpath.test
readonly STORE_DOMAIN=store.$LAB_ZONE
readonly EXT_DOMAIN=ext.example
readonly DNS_ADDR=127.0.10.53 CLIENT_ADDR=127.0.10.100 DEAD_ADDR=127.0.10.99
readonly STORE_USERS=(alice bob dave erin skip wrong drop)
readonly EXT_USERS=(carol frank)
readonly ALIAS_LINE="team@$STORE_DOMAIN bob@$STORE_DOMAIN, carol@$EXT_DOMAIN"
readonly NOBODY_UID=65534 NOBODY_GID=65534

declare -a HOSTS=()
declare -A ADDR=() ROLE=() LOGGED=() SUBST=()
declare -a ADDED_ADDRS=()
WORK='' OUT='' CHILD=''

read_hosts() {
	local name addr role logged
	while read -r name addr role logged; do
		[[ -z $name || $name == \#* ]] && continue
		HOSTS+=("$name")
		ADDR[$name]=$addr ROLE[$name]=$role LOGGED[$name]=$logged
	done <"$LAB_DIR/hosts.tsv"
	((${#HOSTS[@]} > 0)) || die "no hosts in $LAB_DIR/hosts.tsv"
}

# render TEMPLATE: print TEMPLATE with every @KEY@ replaced by ${SUBST[KEY]}.
render() {
	local text key
	text=$(<"$1")
	for key in "${!SUBST[@]}"; do
		text=${text//"@$key@"/"${SUBST[$key]}"}
	done
	printf '%s\n' "$text"
}

# wait_for DESCRIPTION SECONDS COMMAND...: poll COMMAND every 0.2 s, die after SECONDS.
wait_for() {
	local what=$1 tries=$(($2 * 5))
	shift 2
	until "$@" 2>/dev/null; do
		((--tries > 0)) || die "timed out waiting for $what"
		sleep 0.2
	done
}

# safe_path PATH: PATH is absolute, not /, and safe to put into daemon configs.
safe_path() { [[ $1 =~ ^/[A-Za-z0-9._/-]+$ && $1 != *..* ]]; }

pid_alive() { [[ -s $1 ]] && kill -0 "$(tr -d ' ' <"$1")" 2>/dev/null; }
pid_of() { tr -d ' \n' <"$1"; }

# listening ADDR: something listens on ADDR port 25 (checked without connecting).
listening() { [[ -n $(ss -Hltn "src = $1:25") ]]; }

# in_host NAME COMMAND...: run COMMAND in host NAME's namespaces (those of its master).
in_host() {
	local name=$1
	shift
	nsenter -t "$(pid_of "$WORK/hosts/$name/queue/pid/master.pid")" -m -u -- "$@"
}

add_addresses() {
	local addr
	for addr in "${ADDR[@]}" "$DNS_ADDR" "$CLIENT_ADDR"; do
		ip -4 addr show dev lo | grep -qF " $addr/32 " && continue
		ip addr add "$addr/32" dev lo || die "cannot add $addr to lo"
		ADDED_ADDRS+=("$addr")
	done
}

start_dns() {
	local name records=""
	mkdir -p "$WORK/dns"
	for name in "${HOSTS[@]}"; do
		records+="host-record=$name.$LAB_ZONE,${ADDR[$name]}"$'\n'
	done
	SUBST[HOSTRECORDS]=$records
	render "$LAB_DIR/dnsmasq.conf.in" >"$WORK/dns/dnsmasq.conf"
	dnsmasq --keep-in-foreground --conf-file="$WORK/dns/dnsmasq.conf" \
		>"$WORK/dns/stdout" 2>&1 &
	echo $! >"$WORK/pids/dnsmasq"
	sleep 0.3
	pid_alive "$WORK/pids/dnsmasq" ||
		die "dnsmasq failed to start: $(cat "$WORK/dns/stdout" "$WORK/dns/dnsmasq.log" 2>&1)"
}

start_rsyslog() {
	local name inputs="" ruleset
	mkdir -p "$WORK/rsyslog" "$WORK/sock"
	for name in "${HOSTS[@]}"; do
		ruleset=lab
		[[ ${LOGGED[$name]} == yes ]] || ruleset=ext
		inputs+="input(type=\"imuxsock\" Socket=\"$WORK/sock/$name.sock\" HostName=\"$name\""
		inputs+=" RateLimit.Interval=\"0\" UseSysTimeStamp=\"on\" Ruleset=\"$ruleset\")"$'\n'
	done
	SUBST[INPUTS]=$inputs
	render "$LAB_DIR/rsyslog.conf.in" >"$WORK/rsyslog/rsyslog.conf"
	rsyslogd -N1 -f "$WORK/rsyslog/rsyslog.conf" >"$WORK/rsyslog/check" 2>&1 ||
		die "rsyslog config invalid: $(cat "$WORK/rsyslog/check")"
	rsyslogd -n -f "$WORK/rsyslog/rsyslog.conf" -i "$WORK/rsyslog/rsyslogd.pid" \
		>"$WORK/rsyslog/stdout" 2>&1 &
	echo $! >"$WORK/pids/rsyslogd"
	for name in "${HOSTS[@]}"; do
		wait_for "rsyslog socket for $name" 10 test -S "$WORK/sock/$name.sock"
	done
	pid_alive "$WORK/pids/rsyslogd" || die "rsyslogd died: $(cat "$WORK/rsyslog/stdout")"
}

# write_host_files NAME CONF: the lookup tables of host NAME.
write_host_files() {
	local name=$1 conf=$2 user
	case ${ROLE[$name]} in
	mx)
		cp "$LAB_DIR/postfix/header_checks" "$conf/header_checks"
		cp "$LAB_DIR/postfix/transport-mx" "$conf/transport"
		for user in "${STORE_USERS[@]}" team; do
			echo "$user@$STORE_DOMAIN OK"
		done >"$conf/relay_recipients"
		;;
	filter) cp "$LAB_DIR/postfix/transport-filter" "$conf/transport" ;;
	store)
		for user in "${STORE_USERS[@]}"; do
			echo "$user@$STORE_DOMAIN OK"
		done >"$conf/mailboxes"
		echo "$ALIAS_LINE" >"$conf/aliases"
		cp "$LAB_DIR/postfix/body_checks-store" "$conf/body_checks"
		;;
	ext)
		for user in "${EXT_USERS[@]}"; do
			echo "$user@$EXT_DOMAIN $user/"
		done >"$conf/mailboxes"
		mkdir -p "$WORK/hosts/$name/mail"
		chown "$NOBODY_UID:$NOBODY_GID" "$WORK/hosts/$name/mail"
		;;
	esac
	# A host's own transport entries go after those of its role.
	if [[ -f $LAB_DIR/postfix/transport-$name ]]; then
		cat "$LAB_DIR/postfix/transport-$name" >>"$conf/transport"
	fi
}

# apply_settings CONF FILE: apply the name = value lines of FILE (rendered) to CONF/main.cf.
apply_settings() {
	local conf=$1 file=$2 line
	local -a settings=()
	[[ -f $file ]] || return 0
	while IFS= read -r line; do
		[[ -z $line || $line == \#* ]] && continue
		settings+=("${line%% = *}=${line#* = }")
	done < <(render "$file")
	postconf -c "$conf" -e "${settings[@]}"
}

build_postfix() {
	local name=$1 hostdir=$WORK/hosts/$1
	local conf=$hostdir/conf
	mkdir -p "$conf" "$hostdir/queue" "$hostdir/data" "$hostdir/etc"
	chown postfix: "$hostdir/data"
	cp -a /etc/postfix/. "$conf/"
	rm -f "$conf/main.cf"
	SUBST[NAME]=$name SUBST[ADDR]=${ADDR[$name]} SUBST[HOSTDIR]=$hostdir SUBST[CONF]=$conf
	render "$LAB_DIR/postfix/main.cf.in" >"$conf/main.cf"
	apply_settings "$conf" "$LAB_DIR/postfix/main-${ROLE[$name]}.cf"
	apply_settings "$conf" "$LAB_DIR/postfix/main-$name.cf"
	# shellcheck disable=SC2016 # Postfix expressions, not shell ones
	postconf -c "$conf" -P \
		'relay/unix/syslog_name=${multi_instance_name?{$multi_instance_name}:{postfix}}/$service_name'
	postconf -c "$conf" -F '*/*/chroot = n'
	write_host_files "$name" "$conf"
	printf 'nameserver %s\noptions timeout:2 attempts:2\n' "$DNS_ADDR" >"$hostdir/etc/resolv.conf"
	printf '127.0.0.1 localhost\n%s %s.%s %s\n' "${ADDR[$name]}" "$name" "$LAB_ZONE" "$name" \
		>"$hostdir/etc/hosts"
}

start_postfix() {
	local name=$1 hostdir=$WORK/hosts/$1
	unshare -m -u --propagation private -- \
		"$LAB_DIR/host-ns.sh" "$hostdir" "$name" "$WORK/sock/$name.sock" \
		>"$hostdir/start.log" 2>&1 ||
		die "postfix failed to start on $name: $(cat "$hostdir/start.log")"
	wait_for "master.pid of $name" 10 pid_alive "$hostdir/queue/pid/master.pid"
	cp "$hostdir/queue/pid/master.pid" "$WORK/pids/postfix-$name"
	wait_for "SMTP listener of $name (${ADDR[$name]})" 15 listening "${ADDR[$name]}"
}

build_dovecot() {
	local dir=$WORK/hosts/store/dovecot user
	mkdir -p "$dir/state" "$dir/run" "$WORK/hosts/store/home"
	SUBST[DIR]=$dir
	render "$LAB_DIR/dovecot/dovecot.conf.in" >"$dir/dovecot.conf"
	cp "$LAB_DIR/dovecot/before.sieve" "$dir/before.sieve"
	sievec "$dir/before.sieve" || die "sievec failed"
	for user in "${STORE_USERS[@]}"; do
		mkdir -p "$WORK/hosts/store/home/$user"
		printf '%s:{PLAIN}lab:%s:%s::%s::\n' "$user" "$NOBODY_UID" "$NOBODY_GID" \
			"$WORK/hosts/store/home/$user"
	done >"$dir/users"
	chown -R "$NOBODY_UID:$NOBODY_GID" "$WORK/hosts/store/home"
	doveconf -c "$dir/dovecot.conf" >/dev/null 2>"$dir/check.log" ||
		die "dovecot config invalid: $(cat "$dir/check.log")"
}

start_dovecot() {
	local dir=$WORK/hosts/store/dovecot
	in_host store dovecot -c "$dir/dovecot.conf" >"$dir/start.log" 2>&1 ||
		die "dovecot failed to start: $(cat "$dir/start.log")"
	wait_for "dovecot master.pid" 10 pid_alive "$dir/run/master.pid"
	cp "$dir/run/master.pid" "$WORK/pids/dovecot"
	wait_for "dovecot LMTP socket" 10 test -S "$dir/run/lmtp"
}

# wait_gone FILE WHAT: wait up to 10 s for the process in FILE to end, then TERM it.
wait_gone() {
	local file=$1 tries=50
	while pid_alive "$file" && ((--tries > 0)); do sleep 0.2; done
	if pid_alive "$file"; then
		log "$2 did not stop; sending TERM"
		kill "$(pid_of "$file")" 2>/dev/null || true
	fi
}

# Stop everything this run started, in reverse order; safe to call more than once.
lab_stop() {
	local name file addr
	[[ -n $WORK && -d $WORK/pids ]] || return 0
	if pid_alive "$WORK/pids/dovecot"; then
		in_host store dovecot -c "$WORK/hosts/store/dovecot/dovecot.conf" stop ||
			kill "$(pid_of "$WORK/pids/dovecot")" || true
		wait_gone "$WORK/pids/dovecot" dovecot
	fi
	for name in "${HOSTS[@]}"; do
		file=$WORK/pids/postfix-$name
		pid_alive "$file" || continue
		in_host "$name" postfix stop >/dev/null 2>&1 || kill "$(pid_of "$file")" || true
	done
	for name in "${HOSTS[@]}"; do
		wait_gone "$WORK/pids/postfix-$name" "postfix on $name"
	done
	sleep 0.5 # let the last log lines reach rsyslog
	for name in rsyslogd dnsmasq; do
		file=$WORK/pids/$name
		pid_alive "$file" || continue
		kill "$(pid_of "$file")" 2>/dev/null || true
		wait_gone "$file" "$name"
	done
	for addr in "${ADDED_ADDRS[@]}"; do
		ip addr del "$addr/32" dev lo 2>/dev/null || true
	done
	ADDED_ADDRS=()
	rm -f "$WORK/pids/"*
}

# run_step COMMAND...: run COMMAND as a child that a signal to this script also ends.
run_step() {
	"$@" &
	CHILD=$!
	wait "$CHILD"
	CHILD=''
}

on_signal() {
	[[ -n $CHILD ]] && kill "$CHILD" 2>/dev/null
	exit 130
}

on_exit() {
	local rc=$?
	trap - EXIT
	lab_stop
	if ((rc != 0)); then
		log "run FAILED (exit $rc); work dir kept in $WORK"
	fi
	exit "$rc"
}

cmd_run() {
	local start=$SECONDS name
	[[ $(id -u) -eq 0 ]] || die "run must run as root"
	local cmd
	for cmd in postfix postconf rsyslogd dovecot sievec dnsmasq swaks unshare nsenter ip \
		python3; do
		command -v "$cmd" >/dev/null || die "$cmd not found; run: lab.sh install"
	done
	WORK=${LAB_WORK:-/tmp/mailpath-lab}
	safe_path "$WORK" || die "LAB_WORK must be an absolute path of [A-Za-z0-9._/-], not /"
	mkdir -p "$1"
	OUT=$(cd "$1" && pwd)
	safe_path "$OUT" || die "OUTDIR must be a path of [A-Za-z0-9._/-] (it goes into configs)"
	read_hosts
	SUBST=([WORK]=$WORK [OUT]=$OUT [DNS]=$DNS_ADDR [CLIENT]=$CLIENT_ADDR [DEAD]=$DEAD_ADDR)

	# A previous run that was killed hard may have left its daemons: stop those first.
	[[ -d $WORK/pids ]] && lab_stop
	rm -rf "$WORK"
	mkdir -p "$WORK/pids" "$WORK/state"
	rm -f "$OUT"/mail-rfc3164.log "$OUT"/mail-rfc5424.log "$OUT"/mail-iso8601.log \
		"$OUT/ext.log" "$OUT/key.json" "$OUT/deviations.json"
	trap on_exit EXIT
	trap on_signal INT TERM

	add_addresses
	start_dns
	start_rsyslog
	for name in "${HOSTS[@]}"; do build_postfix "$name"; done
	build_dovecot
	for name in "${HOSTS[@]}"; do start_postfix "$name"; done
	start_dovecot
	log "all daemons up after $((SECONDS - start)) s; sending scenarios"

	run_step python3 "$LAB_DIR/lab.py" send "$WORK" "$LAB_DIR/hosts.tsv"
	run_step python3 "$LAB_DIR/lab.py" settle "$WORK" "$LAB_DIR/hosts.tsv"
	run_step python3 "$LAB_DIR/lab.py" key "$WORK" "$LAB_DIR/hosts.tsv" "$OUT/key.json"
	lab_stop
	local file
	for file in mail-rfc3164.log mail-rfc5424.log mail-iso8601.log ext.log; do
		[[ -s $OUT/$file ]] || die "rsyslog wrote nothing to $OUT/$file"
	done
	log "done in $((SECONDS - start)) s: $OUT/{mail-rfc3164,mail-rfc5424,mail-iso8601,ext}.log" \
		"and $OUT/{key,deviations}.json"
}

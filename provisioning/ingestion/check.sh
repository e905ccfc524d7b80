#!/usr/bin/env bash
# Checks the ingestion configs in this directory. Exits non-zero on the first failure.
#
#   check.sh           static checks, then a live run of the two rsyslog hops
#   check.sh --static  static checks only
#
# Static: rsyslogd -N1 on both rsyslog files (placeholder replaced), the promtail YAML
# parsed and its keys checked, the Alloy file checked by test/check_alloy.py (no alloy
# binary is needed), and the settings that must agree across hops compared.
# Live: a mail-server rsyslogd (local socket in, mail-server.conf out) and a central
# rsyslogd (central.conf) on loopback ports, with test/octet_sink.py standing in for
# Alloy. Lines are sent with logger and must arrive as octet-counted RFC 5424 with zone,
# fraction, the whole APP-NAME, the PID and no extra space; a long line must arrive whole;
# lines sent while the central rsyslogd is down must arrive after it is back.
# Installs rsyslog and python3-yaml with apt-get when missing and run as root.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
mode=${1:-all}
case $mode in all|--static) ;; *) echo "usage: $0 [--static]" >&2; exit 2 ;; esac

fail() { echo "check.sh: FAIL: $*" >&2; exit 1; }
ok() { echo "check.sh: ok: $*"; }

need_packages() {
    local missing=()
    command -v rsyslogd >/dev/null || missing+=(rsyslog)
    command -v logger >/dev/null || missing+=(bsdutils)
    python3 -c 'import yaml' 2>/dev/null || missing+=(python3-yaml)
    [ ${#missing[@]} -eq 0 ] && return
    [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null ||
        fail "missing ${missing[*]} and cannot install them (not root, or no apt-get)"
    echo "check.sh: installing ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}
need_packages

work=$(mktemp -d)
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

ms=$here/rsyslog/mail-server.conf
central=$here/rsyslog/central.conf
alloy=$here/alloy/config.alloy
promtail=$here/promtail/promtail.yaml

# --- static ---------------------------------------------------------------------------

grep -q '@CENTRAL_SYSLOG_HOST@' "$ms" || fail "mail-server.conf lost its @CENTRAL_SYSLOG_HOST@ placeholder"
sed 's/@CENTRAL_SYSLOG_HOST@/central.example.net/' "$ms" >"$work/mail-server.conf"
rsyslogd -N1 -f "$work/mail-server.conf" >"$work/n1.log" 2>&1 || { cat "$work/n1.log" >&2; fail "rsyslogd -N1 mail-server.conf"; }
ok "rsyslogd -N1 mail-server.conf"
rsyslogd -N1 -f "$central" >"$work/n1.log" 2>&1 || { cat "$work/n1.log" >&2; fail "rsyslogd -N1 central.conf"; }
ok "rsyslogd -N1 central.conf"

python3 "$here/test/check_alloy.py" "$alloy" || fail "config.alloy"

# The promtail file, and the settings that must be the same on every hop.
python3 - "$ms" "$central" "$alloy" "$promtail" <<'PY' || fail "cross-hop consistency"
import re, sys, yaml
ms, central, alloy, promtail = (open(p, encoding="utf-8").read() for p in sys.argv[1:])

def die(msg):
    print("check.sh: " + msg, file=sys.stderr); sys.exit(1)

def size(v):
    m = re.fullmatch(r"(\d+)([kKmM]?)", v)
    return int(m.group(1)) * {"": 1, "k": 1024, "K": 1024, "m": 1 << 20, "M": 1 << 20}[m.group(2)]

def one(pattern, text, what):
    found = re.findall(pattern, text)
    if len(found) != 1:
        die(f"expected one {what}, found {found}")
    return found[0]

def dur(v):
    m = re.fullmatch(r"(\d+)(s|m|h)", v)
    return int(m.group(1)) * {"s": 1, "m": 60, "h": 3600}[m.group(2)]

# Strip comments so that settings only mentioned in prose do not count.
ms_c = "\n".join(l for l in ms.splitlines() if not l.lstrip().startswith("#"))
ce_c = "\n".join(l for l in central.splitlines() if not l.lstrip().startswith("#"))
al_c = re.sub(r"//[^\n]*", "", alloy)

# promtail: parses, has one syslog scrape, uses only documented keys.
doc = yaml.safe_load(promtail)
(sc,) = doc["scrape_configs"]
sy = sc["syslog"]
known = {"listen_address", "listen_protocol", "idle_timeout", "label_structured_data",
         "labels", "use_incoming_timestamp", "use_rfc5424_message", "syslog_format",
         "max_message_length", "tls_config"}
if set(sy) - known:
    die(f"promtail syslog keys not in GRAFANA-LOKI.md: {sorted(set(sy) - known)}")
relabel = {r["target_label"]: r["source_labels"] for r in sc["relabel_configs"]}
stages = sc["pipeline_stages"]
if {"structured_metadata": {"pid": None}} not in stages or {"labeldrop": ["pid"]} not in stages:
    die("promtail pipeline must move pid into structured metadata and drop the label")

# Both forwarding actions are octet-counted TCP with an unlimited-retry disk-assisted queue.
for name, text in (("mail-server.conf", ms_c), ("central.conf", ce_c)):
    fwd = re.findall(r'type="omfwd".*?\)', text, re.S)
    if len(fwd) != 1:
        die(f"{name}: expected one omfwd action")
    for want in ('protocol="tcp"', 'TCP_Framing="octet-counted"', 'queue.type="LinkedList"',
                 'queue.filename=', 'queue.saveOnShutdown="on"', 'action.resumeRetryCount="-1"'):
        if want not in fwd[0]:
            die(f"{name}: omfwd lacks {want}")
    # Its template: RFC 5424 with RFC 3339 time, one space before MSG, no LF in the frame.
    tname = one(r'template="([^"]+)"', fwd[0], f"template in {name}'s omfwd")
    tstr = one(r'template\(name="' + re.escape(tname) + r'"\s+type="string"\s+string="([^"]*)"\)',
               text, f"definition of template {tname} in {name}")
    if not tstr.startswith("<%PRI%>1 %TIMESTAMP:::date-rfc3339% ") or \
            "%msg:::sp-if-no-1st-sp%%msg%" not in tstr or tstr.endswith("\\n"):
        die(f"{name}: forwarding template {tname} is not RFC 5424 with one space and no LF")
if 'parser.permitSlashInProgramName="on"' not in ms_c or 'parser.permitSlashInProgramName="on"' not in ce_c:
    die("permitSlashInProgramName must be on at both rsyslog hops")
if 'preserveFQDN="on"' not in ce_c:
    die("central.conf must preserve FQDNs")

# Ports line up: mail server -> central, central -> listener.
ms_port = one(r'port="(\d+)"', ms_c, "port in mail-server.conf")
in_port = one(r'type="imtcp" port="(\d+)"', ce_c, "imtcp port")
fwd_port = one(r'target="127\.0\.0\.1"\s+port="(\d+)"', ce_c, "forward port")
al_port = one(r'address\s*=\s*"127\.0\.0\.1:(\d+)"', al_c, "Alloy listen address")
pt_port = sy["listen_address"].rsplit(":", 1)[1]
if ms_port != in_port:
    die(f"mail servers send to {ms_port}, central listens on {in_port}")
if not fwd_port == al_port == pt_port:
    die(f"central forwards to {fwd_port}, Alloy listens on {al_port}, promtail on {pt_port}")

# Sizes grow along the path: central keeps maxMessageSize, frames up to MaxFrameSize;
# the listeners take at least maxMessageSize plus a header; Loki's default is 256 KB.
max_msg = size(one(r'maxMessageSize="([^"]+)"', ce_c, "maxMessageSize"))
max_frame = int(one(r'MaxFrameSize="(\d+)"', ce_c, "MaxFrameSize"))
al_len = int(one(r"max_message_length\s*=\s*(\d+)", al_c, "Alloy max_message_length"))
pt_len = int(sy["max_message_length"])
if not (max_msg + 1024 <= max_frame and max_msg + 1024 <= al_len == pt_len <= 256000):
    die(f"sizes out of order: maxMessageSize {max_msg}, MaxFrameSize {max_frame}, "
        f"Alloy {al_len}, promtail {pt_len}, Loki 256000")
if 'DiscardTruncatedMsg="on"' not in ce_c:
    die("central.conf: DiscardTruncatedMsg should be on")

# Idle timeouts raised, and the same on both listeners.
al_idle = one(r'idle_timeout\s*=\s*"([^"]+)"', al_c, "Alloy idle_timeout")
if al_idle != sy["idle_timeout"] or dur(al_idle) < 3600:
    die(f"idle timeouts: Alloy {al_idle}, promtail {sy['idle_timeout']} (want equal, >= 1h)")

# Same formats, timestamps and labels on both listeners.
checks = {
    "protocol": (one(r'protocol\s*=\s*"(\w+)"', al_c, "protocol"), sy["listen_protocol"], "tcp"),
    "syslog_format": (one(r'syslog_format\s*=\s*"(\w+)"', al_c, "syslog_format"), sy["syslog_format"], "rfc5424"),
    "use_incoming_timestamp": (one(r"use_incoming_timestamp\s*=\s*(\w+)", al_c, "use_incoming_timestamp"), str(sy["use_incoming_timestamp"]).lower(), "true"),
    "use_rfc5424_message": (one(r"use_rfc5424_message\s*=\s*(\w+)", al_c, "use_rfc5424_message"), str(sy["use_rfc5424_message"]).lower(), "false"),
    "job": (one(r'labels\s*=\s*\{\s*job\s*=\s*"([^"]+)"\s*\}', al_c, "job label"), sy["labels"]["job"], None),
}
for key, (a, p, want) in checks.items():
    if a != p or (want is not None and a != want):
        die(f"{key}: Alloy {a!r}, promtail {p!r}" + (f", want {want!r}" if want else ""))
al_rules = dict((t, s) for s, t in re.findall(
    r'source_labels\s*=\s*\["([^"]+)"\]\s*target_label\s*=\s*"([^"]+)"', al_c))
pt_rules = {t: s[0] for t, s in relabel.items()}
want_rules = {"host": "__syslog_message_hostname", "app": "__syslog_message_app_name",
              "pid": "__syslog_message_proc_id"}
if al_rules != want_rules or pt_rules != want_rules:
    die(f"relabel rules differ: Alloy {al_rules}, promtail {pt_rules}")
if not re.search(r'stage\.structured_metadata\s*\{\s*values\s*=\s*\{\s*pid\s*=\s*""\s*\}', al_c) \
        or not re.search(r'stage\.label_drop\s*\{\s*values\s*=\s*\["pid"\]', al_c):
    die("Alloy must move pid into structured metadata and drop the label")
for var in ("LOKI_TENANT", "LOKI_USERNAME", "LOKI_PASSWORD"):
    if f'sys.env("{var}")' not in al_c or "${" + var + "}" not in promtail:
        die(f"{var} not read by both Alloy and promtail")
print("check.sh: ok: promtail.yaml parses; ports, sizes, timeouts, labels and pid handling agree across hops")
PY

[ "$mode" = --static ] && { echo "check.sh: static checks passed"; exit 0; }

# --- live: mail server -> central -> sink ---------------------------------------------

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
p_central=$(free_port)
p_sink=$(free_port)
mkdir -p "$work/ms-spool" "$work/c-spool" "$work/local"

# The mail server: its own local socket stands in for /dev/log, HostName as the fleet's
# host name, a local mail file to show local logging stays, and maxMessageSize raised
# (as a site with long lines would, in the main rsyslog.conf) to test a long line.
sed -e 's/@CENTRAL_SYSLOG_HOST@/127.0.0.1/' -e "s/port=\"514\"/port=\"$p_central\"/" \
    -e "s#/var/spool/rsyslog#$work/ms-spool#" "$ms" >"$work/ms-snippet.conf"
cat >"$work/ms.conf" <<EOC
global(maxMessageSize="64k")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$work/dev-log" HostName="mx1.example.net" RateLimit.Interval="0")
mail.* action(type="omfile" file="$work/local/mail.log")
include(file="$work/ms-snippet.conf")
EOC
sed -e "s/port=\"514\"/port=\"$p_central\"/" -e "s/port=\"1514\"/port=\"$p_sink\"/" \
    -e "s#/var/spool/rsyslog#$work/c-spool#" -e "s#/var/log/mailpath#$work/agg#" \
    "$central" >"$work/central.conf"
rsyslogd -N1 -f "$work/ms.conf" >/dev/null 2>&1 || fail "rsyslogd -N1 on the live mail-server wrapper"

python3 "$here/test/octet_sink.py" "$p_sink" "$work/sink.jsonl" & pids+=($!)
start_central() {
    rsyslogd -n -f "$work/central.conf" -i "$work/central.pid" >>"$work/central.out" 2>&1 &
    central_pid=$!
    pids+=("$central_pid")
}
start_central
# The mail server runs in a zone with a non-zero offset, to see the zone travel.
TZ=Europe/Berlin rsyslogd -n -f "$work/ms.conf" -i "$work/ms.pid" >"$work/ms.out" 2>&1 & pids+=($!)
for _ in $(seq 50); do [ -S "$work/dev-log" ] && break; sleep 0.1; done
[ -S "$work/dev-log" ] || fail "mail-server rsyslogd did not open its socket: $(cat "$work/ms.out")"

send() { logger -u "$work/dev-log" --size 70000 -p "$1" -t "$2" --id="$3" -- "$4"; }
# wait_for N: until the sink holds N frames (or 60 s pass).
wait_for() {
    local i
    for i in $(seq 600); do
        [ "$(wc -l <"$work/sink.jsonl" 2>/dev/null || echo 0)" -ge "$1" ] && return 0
        sleep 0.1
    done
    return 1
}

long=$(python3 -c 'print("LONG " + "x" * 50000)')
sleep 1
send mail.info postfix-mx1/smtpd 4242 '4F2A1C0123: client=c.example[192.0.2.9]'
send mail.info postfix-mx1/cleanup 4243 '4F2A1C0123: message-id=<check@example.org>'
send user.info notmail 1 'not mail: must not be forwarded'
send mail.info postfix-mx1/cleanup 4243 "$long"
send mail.info postfix-mx1/qmgr 4244 '4F2A1C0123: from=<a@example.org>, size=312, nrcpt=1 (queue active)'
wait_for 4 || fail "only $(wc -l <"$work/sink.jsonl" 2>/dev/null || echo 0) of 4 lines reached the sink; central: $(cat "$work/central.out")"

# Central outage: stop the central rsyslogd, log, start it again.
kill "$central_pid"; wait "$central_pid" 2>/dev/null || true
sleep 1
for n in 1 2 3; do send mail.info postfix-mx1/smtp 5000 "4F2A1C0123: outage line $n"; done
sleep 2
start_central
wait_for 7 || fail "lines logged during the central outage did not all arrive: $(wc -l <"$work/sink.jsonl") of 7"
sleep 1

python3 - "$work/sink.jsonl" "$work/agg/mail.log" "$work/local/mail.log" <<'PY' || fail "frames at the sink"
import json, re, sys
frames = [json.loads(l) for l in open(sys.argv[1])]
def die(msg):
    print("check.sh: " + msg, file=sys.stderr)
    for f in frames: print("  " + repr(f[:160]), file=sys.stderr)
    sys.exit(1)
if any(isinstance(f, dict) for f in frames):
    die("a frame was not octet-counted")
hdr = re.compile(r"<(\d+)>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|\[.*?\]) (.*)\Z", re.S)
got = []
for f in frames:
    m = hdr.match(f)
    if not m:
        die(f"not RFC 5424: {f[:120]!r}")
    pri, ts, host, app, pid, msgid, sd, msg = m.groups()
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d", ts):
        die(f"timestamp {ts} lacks microseconds or a numeric zone")
    if ts.endswith("+00:00"):
        die(f"timestamp {ts}: the sender's zone (Europe/Berlin) was lost")
    if host != "mx1.example.net":
        die(f"host {host!r}")
    if msg.startswith(" ") or msg.endswith("\n"):
        die(f"MSG has a leading space or a trailing LF: {msg[:40]!r}...{msg[-5:]!r}")
    if int(pri) // 8 != 2:
        die(f"facility {int(pri) // 8} is not mail")
    got.append((app, pid, msg))
apps = [a for a, _, _ in got]
if "notmail" in apps:
    die("a non-mail line was forwarded")
if apps[:2] != ["postfix-mx1/smtpd", "postfix-mx1/cleanup"] or got[0][1] != "4242":
    die(f"APP-NAME or PROCID lost: {got[:2]}")
longs = [m for _, _, m in got if m.startswith("LONG ")]
if len(longs) != 1 or len(longs[0]) != 50005:
    die(f"the long line did not arrive whole: {[len(m) for m in longs]}")
outage = sorted(m for _, _, m in got if "outage line" in m)
if outage != [f"4F2A1C0123: outage line {n}" for n in (1, 2, 3)]:
    die(f"outage lines: {outage}")
if len(got) != 7:
    die(f"{len(got)} frames, want 7 (duplicates?)")
agg = open(sys.argv[2]).read().splitlines()
if len(agg) != 7 or not all(hdr.match(l) for l in agg):
    die(f"aggregated file has {len(agg)} RFC 5424 lines, want 7")
local = open(sys.argv[3]).read()
if "message-id=<check@example.org>" not in local:
    die("the mail server's local mail log lost its line")
print("check.sh: ok: live chain: 7 octet-counted RFC 5424 frames with zone, microseconds, "
      "whole APP-NAME and PID; 50000-char line whole; outage lines delivered; "
      "aggregated file and local log written")
PY
echo "check.sh: all checks passed"

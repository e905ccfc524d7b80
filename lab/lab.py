#!/usr/bin/env python3
"""lab.py - the scenario side of the Mailpath lab (called by lab.sh run).

  lab.py send   WORK HOSTS.tsv           send every scenario with swaks, record the replies
  lab.py settle WORK HOSTS.tsv           wait until the lab is quiet, flush once, dump queues
  lab.py key    WORK HOSTS.tsv KEY.json  write the answer key

The key is derived only from what the lab sees itself: the SMTP replies swaks got, the
delivered Maildir files (store and ext), the DSNs in the sender's mailbox and the queues.
It never reads the syslog output. Anything unexplained, or any scenario whose expected
outcome did not happen, fails the run.
"""

import fnmatch
import json
import os
import re
import secrets
import subprocess
import sys
import time
from collections import Counter
from email.parser import BytesParser

ZONE = "lab.mailpath.test"
STORE = "store." + ZONE
EXT = "ext.example"
CLIENT_ADDR = "127.0.10.100"
CLIENT_NAME = "client." + ZONE
SENDER = "alice@" + STORE
SETTLE_TIMEOUT = 90  # seconds for the first settling
RESETTLE_TIMEOUT = 30  # seconds after the flush
BULK = 20

# What the settled lab holds in its queues, by disposition: (host, queue name).
QUEUED = {"in_flight": "hold", "deferred": "deferred"}
# Dispositions that leave a file in a Maildir.
FILED = ("delivered", "relayed")
# Dispositions whose reason the lab observes (SMTP reply, queue or DSN).
OBSERVED_REASON = ("rejected", "deferred", "bounced", "expired")


class LabError(Exception):
    """A scenario did not behave, or the lab holds something no scenario explains."""


def expect(address, disposition, folder="", relay_host="", reason="", orig_to="", at="",
           path=None, deviation=""):
    """One expected final recipient. at: the host that holds or bounces it, by design.
    path: the lab hosts it must pass (ENTRY is the entry MX): checked against the observed
    path, or, for a discarded recipient, its path by design. deviation: this recipient's
    own deviation, in a "mixed" scenario whose recipients deviate differently."""
    return {"address": address, "orig_to": orig_to, "disposition": disposition,
            "folder": folder, "relay_host": relay_host, "reason_contains": reason, "at": at,
            "path": path, "deviation": deviation}


def store(user, folder="INBOX", orig_to=""):
    return expect(f"{user}@{STORE}", "delivered", folder=folder, orig_to=orig_to)


def ext(user, orig_to=""):
    return expect(f"{user}@{EXT}", "relayed", relay_host="ext", orig_to=orig_to)


def scenario(name, to, expected, tag="", entry="", dsn=False, deviation="", min_age=0):
    """deviation: what the lab does on purpose against provisioning/routes/lab.yaml, for
    every recipient, or "mixed" when each expectation names its own (maybe none).
    min_age: seconds the message must have been in the lab before the queues are dumped."""
    subject = f"{tag} {name} scenario".strip()
    return {"name": name, "to": to, "expect": expected, "subject": subject,
            "entry": entry, "dsn": dsn, "deviation": deviation, "min_age": min_age}


def scenarios():
    """Every scenario, with the outcome it must have."""
    nx = "nobody@nowhere.example"
    team = f"team@{STORE}"
    dead = "someone@unreachable.example"
    gone = "gone@expired.example"
    unknown = f"nobody@{STORE}"
    out = [
        scenario("plain", [f"bob@{STORE}"], [store("bob")]),
        scenario("multi", [f"dave@{STORE}", f"carol@{EXT}", nx],
                 [store("dave"), ext("carol"),
                  expect(nx, "bounced", reason="Host or domain name not found", at="out")],
                 dsn=True),
        scenario("alias", [team], [store("bob", orig_to=team), ext("carol", orig_to=team)]),
        scenario("spam", [f"erin@{STORE}"], [store("erin", folder="Junk")], tag="[SPAM]"),
        scenario("reject", [unknown],
                 [expect(unknown, "rejected", reason="Recipient address rejected")]),
        scenario("deferred", [dead],
                 [expect(dead, "deferred", reason="Connection refused", at="out")]),
        scenario("hold", [f"bob@{STORE}"],
                 [expect(f"bob@{STORE}", "in_flight", reason="lab hold rule")], tag="[HOLD]"),
        scenario("discard", [f"dave@{STORE}"],
                 [expect(f"dave@{STORE}", "discarded", reason="lab discard rule")],
                 tag="[DISCARD]"),
        # mx1 has the tiny queue lifetime and the route of expired.example to a dead address.
        scenario("expired", [gone],
                 [expect(gone, "expired", reason="Connection refused", at="mx1")],
                 entry="mx1", dsn=True),
    ]
    targets = [store("bob"), store("dave"), store("erin"), ext("carol"), ext("frank")]
    for i in range(1, BULK + 1):
        target = targets[i % len(targets)]
        out.append(scenario(f"bulk-{i:02d}", [target["address"]], [target]))
    # Deviations from the routes of provisioning/routes/lab.yaml, on purpose (see README).
    stuck = "stuck@unreachable.example"
    out += [
        # The MX transport sends skip@ straight to store: no filter stage.
        scenario("skip-filter", [f"skip@{STORE}"],
                 [expect(f"skip@{STORE}", "delivered", folder="INBOX",
                         path=["ENTRY", "store"])], deviation="skip-filter"),
        # The MX transport sends wrong@ through filter3, which no route names.
        scenario("wrong-host", [f"wrong@{STORE}"],
                 [expect(f"wrong@{STORE}", "delivered", folder="INBOX",
                         path=["ENTRY", "filter3", "store"])], deviation="wrong-host"),
        # The MX transport pins drop@ to filter1; store's body_checks discard its body.
        scenario("dropped-inside", [f"drop@{STORE}"],
                 [expect(f"drop@{STORE}", "discarded", reason="lab drop rule",
                         path=["ENTRY", "filter1", "store"])],
                 deviation="dropped-inside"),
        # Deferred at out like "deferred", but its route (lab.yaml: stuck) allows out 5 s.
        scenario("stuck", [stuck],
                 [expect(stuck, "deferred", reason="Connection refused", at="out",
                         path=["ENTRY", "filter[12]", "out"])],
                 deviation="stuck", min_age=12),
        # One message for all of the above at once, so that one trace shows every state of
        # a path: taken, a stage skipped, a wrong host and stuck. The MX splits it by
        # transport; stuck@ needs the same wait as "stuck".
        scenario("mixed-deviation", [f"bob@{STORE}", f"skip@{STORE}", f"wrong@{STORE}", stuck],
                 [expect(f"bob@{STORE}", "delivered", folder="INBOX",
                         path=["ENTRY", "filter[12]", "store"]),
                  expect(f"skip@{STORE}", "delivered", folder="INBOX",
                         path=["ENTRY", "store"], deviation="skip-filter"),
                  expect(f"wrong@{STORE}", "delivered", folder="INBOX",
                         path=["ENTRY", "filter3", "store"], deviation="wrong-host"),
                  expect(stuck, "deferred", reason="Connection refused", at="out",
                         path=["ENTRY", "filter[12]", "out"], deviation="stuck")],
                 deviation="mixed", min_age=12),
    ]
    mxs = ["mx1", "mx2"]
    for i, sc in enumerate(out):
        sc["entry"] = sc["entry"] or mxs[i % len(mxs)]
    return out


def load_hosts(path):
    hosts = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = line.split()
            if not fields or fields[0].startswith("#"):
                continue
            name, addr, role, logged = fields
            hosts.append({"name": name, "fqdn": f"{name}.{ZONE}", "addr": addr, "role": role,
                          "logged": logged == "yes"})
    return hosts


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write_json(path, data):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


# ---- send ---------------------------------------------------------------------------------

def parse_swaks(transcript):
    """Return (replies to RCPT TO by address, final reply after the data, all replies)."""
    command, rcpt, final, replies = "", {}, "", []
    for line in transcript.splitlines():
        if line.startswith(" -> "):
            command = line[4:]
        elif line.startswith(("<- ", "<**", "<~ ")):
            reply = line[3:].strip()
            replies.append(reply)
            m = re.match(r"RCPT TO:<([^>]*)>", command)
            if m:
                rcpt[m.group(1)] = reply
            elif command == ".":
                final = reply
    return rcpt, final, replies


def send_one(sc, addrs, state):
    mid = f"<{sc['name']}.{secrets.token_hex(3)}@{CLIENT_NAME}>"
    cmd = ["swaks", "--server", addrs[sc["entry"]], "--port", "25",
           "--local-interface", CLIENT_ADDR, "--helo", CLIENT_NAME,
           "--from", SENDER, "--to", ",".join(sc["to"]),
           "--header", f"Subject: {sc['subject']}", "--header", f"Message-Id: {mid}",
           "--body", f"Mailpath lab scenario {sc['name']}.", "--timeout", "30"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    transcript = proc.stdout + proc.stderr
    with open(os.path.join(state, f"swaks-{sc['name']}.txt"), "w", encoding="utf-8") as f:
        f.write(transcript)
    rcpt, final, replies = parse_swaks(transcript)
    want_accept = any(e["disposition"] != "rejected" for e in sc["expect"])
    m = re.search(r"queued as (\S+)", final)
    accepted = final.startswith("250") and m is not None
    if accepted != want_accept or (want_accept and proc.returncode != 0):
        raise LabError(f"scenario {sc['name']}: swaks exit {proc.returncode}, "
                       f"accepted={accepted}, expected accepted={want_accept}; "
                       f"last replies: {replies[-3:]}")
    if accepted:
        reply = final
    else:
        reply = next((r for r in rcpt.values() if r[:1] in "45"), replies[-1] if replies else "")
    return {"name": sc["name"], "message_id": mid, "entry_host": sc["entry"],
            "smtp": {"accepted": accepted, "reply": reply,
                     "queue_id": m.group(1) if accepted else ""},
            "rcpt_replies": rcpt, "sent_at": time.time()}


def cmd_send(work, hosts):
    addrs = {h["name"]: h["addr"] for h in hosts}
    state = os.path.join(work, "state")
    sent = [send_one(sc, addrs, state) for sc in scenarios()]
    write_json(os.path.join(state, "sent.json"), sent)
    print(f"lab.py: sent {len(sent)} scenarios", file=sys.stderr)


# ---- settle -------------------------------------------------------------------------------

def in_host(work, host, *cmd):
    with open(os.path.join(work, "hosts", host, "queue", "pid", "master.pid"),
              encoding="ascii") as f:
        pid = f.read().strip()
    proc = subprocess.run(["nsenter", "-t", pid, "-m", "-u", "--", *cmd],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise LabError(f"{host}: {' '.join(cmd)} failed: {proc.stderr.strip()}")
    return proc.stdout


def queue(work, host):
    return [json.loads(line) for line in in_host(work, host, "postqueue", "-j").splitlines()
            if line.strip()]


def maildir_files(work):
    """Every delivered file: (owner host, user, folder, path)."""
    roots = [("store", os.path.join(work, "hosts", "store", "home"), "Maildir"),
             ("ext", os.path.join(work, "hosts", "ext", "mail"), "")]
    found = []
    for host, root, sub in roots:
        if not os.path.isdir(root):
            continue
        for user in sorted(os.listdir(root)):
            base = os.path.join(root, user, sub)
            for dirpath, _, files in os.walk(base):
                if os.path.basename(dirpath) not in ("new", "cur"):
                    continue
                rel = os.path.relpath(os.path.dirname(dirpath), base)
                folder = "INBOX" if rel == "." else rel.lstrip(".")
                found += [(host, user, folder, os.path.join(dirpath, n)) for n in sorted(files)]
    return found


def expected_state(sent_by_name):
    files, queued = 0, Counter()
    for sc in scenarios():
        files += sum(e["disposition"] in FILED for e in sc["expect"]) + int(sc["dsn"])
        for e in sc["expect"]:
            if e["disposition"] in QUEUED:
                host = e["at"] or sent_by_name[sc["name"]]["entry_host"]
                queued[(host, QUEUED[e["disposition"]])] += 1
    return files, queued


def observed_state(work, hosts):
    queued, waiting = Counter(), 0
    for h in hosts:
        for entry in queue(work, h["name"]):
            queued[(h["name"], entry["queue_name"])] += 1
            if entry["queue_name"] == "deferred":
                waiting += sum(not r.get("delay_reason") for r in entry["recipients"])
    return len(maildir_files(work)), queued, waiting


def wait_quiet(work, hosts, want, timeout):
    deadline, stable, seen = time.monotonic() + timeout, 0, None
    while True:
        files, queued, waiting = observed_state(work, hosts)
        seen = (files, dict(queued))
        stable = stable + 1 if (files, queued) == want and not waiting else 0
        if stable >= 2:
            return
        if time.monotonic() > deadline:
            raise LabError(f"lab did not settle in {timeout} s: have files/queues {seen}, "
                           f"want {(want[0], dict(want[1]))}")
        time.sleep(1)


def cmd_settle(work, hosts):
    state = os.path.join(work, "state")
    sent = {s["name"]: s for s in read_json(os.path.join(state, "sent.json"))}
    want = expected_state(sent)
    start = time.monotonic()
    wait_quiet(work, hosts, want, SETTLE_TIMEOUT)
    for sc in scenarios():
        left = sent[sc["name"]]["sent_at"] + sc["min_age"] - time.time()
        if left > 0:
            print(f"lab.py: waiting {left:.0f} s more for {sc['name']}", file=sys.stderr)
            time.sleep(left)
    for h in hosts:
        in_host(work, h["name"], "postqueue", "-f")
    time.sleep(2)
    wait_quiet(work, hosts, want, RESETTLE_TIMEOUT)
    dump = {}
    for h in hosts:
        entries = queue(work, h["name"])
        for entry in entries:
            entry["headers"] = in_host(work, h["name"], "postcat", "-hq", entry["queue_id"])
        dump[h["name"]] = entries
    write_json(os.path.join(state, "queues.json"), dump)
    print(f"lab.py: settled after {time.monotonic() - start:.0f} s", file=sys.stderr)


# ---- key ----------------------------------------------------------------------------------

RECEIVED_BY = re.compile(r"\bby (\S+) \(Postfix\)(?: with \S+)? id ([0-9A-Za-z]+)")


def chain(msg, lab):
    """The (short host, queue ID) pairs of msg's Postfix Received headers, oldest first."""
    hops = []
    for value in reversed(msg.get_all("Received") or []):
        m = RECEIVED_BY.search(" ".join(str(value).split()))
        if m and m.group(1).endswith("." + ZONE):
            host = m.group(1)[: -len(ZONE) - 1]
            if host in lab:
                hops.append((host, m.group(2)))
    return hops


def unfold(value):
    return " ".join(str(value or "").split())


def parse_dsn(msg):
    """Return (reporting host, original message, [(recipient, status, reason)]) or None."""
    if msg.get_content_type() != "multipart/report":
        return None
    reporter, original, failed = "", None, []
    for part in msg.get_payload():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            blocks = part.get_payload()
            reporter = unfold(blocks[0].get("Reporting-MTA")).split(";")[-1].strip()
            for block in blocks[1:]:
                if unfold(block.get("Action")).lower() != "failed":
                    continue
                rcpt = unfold(block.get("Final-Recipient")).split(";")[-1].strip()
                reason = unfold(block.get("Diagnostic-Code")).split(";", 1)[-1].strip()
                failed.append((rcpt, unfold(block.get("Status")), reason))
        elif ctype == "message/rfc822":
            original = part.get_payload()[0]
        elif ctype == "text/rfc822-headers":
            original = BytesParser().parsebytes(part.get_payload(decode=True), headersonly=True)
    if original is None or not failed:
        raise LabError("DSN without original message or failed recipients")
    return reporter.split(".")[0], original, failed


class Observations:
    """What the lab saw for each scenario, by Message-ID."""

    def __init__(self, hosts, sent):
        self.lab = {h["name"] for h in hosts}
        self.logged = {h["name"] for h in hosts if h["logged"]}
        self.by_mid = {s["message_id"]: s for s in sent}
        self.obs = {s["name"]: [] for s in sent}
        self.dsn = {}

    def scenario_of(self, msg, where):
        mid = unfold(msg.get("Message-ID"))
        if mid not in self.by_mid:
            raise LabError(f"unexplained message {mid or '(no Message-ID)'} in {where}")
        return self.by_mid[mid]

    def add(self, sent, hops, **fields):
        """Record one recipient outcome; hops must start at the entry MX with its queue ID."""
        entry = (sent["entry_host"], sent["smtp"]["queue_id"])
        if hops and hops[0] != entry:
            raise LabError(f"scenario {sent['name']}: first hop {hops[0]}, expected {entry}")
        hops = [(h, q) for h, q in hops if h in self.logged]
        fields.setdefault("folder", "")
        fields.setdefault("relay_host", "")
        fields.setdefault("reason", "")
        fields["path"] = [h for h, _ in hops]
        fields["queue_ids"] = dict(hops)
        self.obs[sent["name"]].append(fields)

    def file(self, host, user, folder, path):
        with open(path, "rb") as f:
            msg = BytesParser().parse(f)
        hops = chain(msg, self.lab)
        dsn = parse_dsn(msg) if host == "store" else None
        if dsn:
            self.returned(user, folder, path, msg, dsn)
            return
        sent = self.scenario_of(msg, path)
        if host == "store":
            self.add(sent, hops, address=f"{user}@{STORE}", disposition="delivered",
                     folder=folder)
            self.check_last(sent, hops, "store")
        else:
            self.add(sent, hops, address=f"{user}@{EXT}", disposition="relayed",
                     relay_host=host)
            self.check_last(sent, [(h, q) for h, q in hops if h != host], "out")

    def check_last(self, sent, hops, host):
        if not hops or hops[-1][0] != host:
            raise LabError(f"scenario {sent['name']}: path {hops} does not end at {host}")

    def returned(self, user, folder, path, msg, dsn):
        reporter, original, failed = dsn
        sent = self.scenario_of(original, f"the DSN {path}")
        if f"{user}@{STORE}" != SENDER or folder != "INBOX":
            raise LabError(f"DSN for {sent['name']} in the wrong mailbox: {path}")
        if sent["name"] in self.dsn:
            raise LabError(f"second DSN for {sent['name']}: {path}")
        self.dsn[sent["name"]] = {"delivered_to": SENDER,
                                  "message_id": unfold(msg.get("Message-ID"))}
        hops = chain(original, self.lab)
        self.check_last(sent, hops, reporter)
        for rcpt, status, reason in failed:
            disposition = "expired" if status.startswith("4") else "bounced"
            self.add(sent, hops, address=rcpt, disposition=disposition,
                     reason=reason or status)

    def queued(self, host, entry):
        msg = BytesParser().parsebytes(
            "\n".join(line for line in entry["headers"].splitlines()
                      if not line.startswith("*** ")).encode(), headersonly=True)
        sent = self.scenario_of(msg, f"the {entry['queue_name']} queue of {host}")
        hops = chain(msg, self.lab)
        if not hops or hops[-1] != (host, entry["queue_id"]):
            raise LabError(f"queued {entry['queue_id']} on {host}: Received chain {hops}")
        for r in entry["recipients"]:
            if entry["queue_name"] == "hold":
                self.add(sent, hops, address=r["address"], disposition="in_flight")
            elif entry["queue_name"] == "deferred":
                self.add(sent, hops, address=r["address"], disposition="deferred",
                         reason=r.get("delay_reason", ""))
            else:
                raise LabError(f"{host} still has {entry['queue_id']} in {entry['queue_name']}")

    def smtp(self, sent):
        for rcpt, reply in sent["rcpt_replies"].items():
            if reply[:1] in "45":
                self.add(sent, [], address=rcpt, disposition="rejected", reason=reply,
                         path_override=[sent["entry_host"]])


def path_fits(want, entry, path):
    """Whether path is want, with ENTRY the entry MX and globs such as filter[12]."""
    want = [entry if h == "ENTRY" else h for h in want]
    return len(want) == len(path) and all(fnmatch.fnmatchcase(p, w) for w, p in zip(want, path))


def match(sc, sent, observed):
    """Pair the expected recipients of sc with observed outcomes; return key recipients."""
    entry, qid = sent["entry_host"], sent["smtp"]["queue_id"]
    left = list(observed)
    recipients = []
    for e in sc["expect"]:
        if e["disposition"] == "discarded":
            if observed:
                raise LabError(f"scenario {sc['name']}: discarded, yet seen {observed}")
            design = [entry if h == "ENTRY" else h for h in e["path"] or [entry]]
            o = {"folder": "", "relay_host": "", "reason": e["reason_contains"],
                 "path": design, "queue_ids": {entry: qid}}
        else:
            o = next((o for o in left if o["address"] == e["address"]
                      and o["disposition"] == e["disposition"]), None)
            if o is None:
                raise LabError(f"scenario {sc['name']}: expected {e['disposition']} for "
                               f"{e['address']}, seen {observed}")
            left.remove(o)
        if (o["folder"], o["relay_host"]) != (e["folder"], e["relay_host"]):
            raise LabError(f"scenario {sc['name']}: {e['address']} in folder "
                           f"{o['folder']!r} / relay {o['relay_host']!r}, expected "
                           f"{e['folder']!r} / {e['relay_host']!r}")
        if e["disposition"] in OBSERVED_REASON and e["reason_contains"] not in o["reason"]:
            raise LabError(f"scenario {sc['name']}: reason {o['reason']!r} lacks "
                           f"{e['reason_contains']!r}")
        path = o.pop("path_override", None) or o["path"]
        if e["at"] and path[-1] != e["at"]:
            raise LabError(f"scenario {sc['name']}: path {path} does not end at {e['at']}")
        if e["path"] and not path_fits(e["path"], entry, path):
            raise LabError(f"scenario {sc['name']}: path {path}, expected {e['path']}")
        recipients.append({"address": e["address"], "orig_to": e["orig_to"],
                           "disposition": e["disposition"], "folder": e["folder"],
                           "path": path, "queue_ids": o["queue_ids"],
                           "relay_host": e["relay_host"],
                           "reason_contains": e["reason_contains"]})
    if left:
        raise LabError(f"scenario {sc['name']}: unexplained outcomes {left}")
    return recipients


def recipient_deviation(sc, e):
    """What the lab did to recipient e of sc on purpose; "" when it keeps to its route."""
    return e["deviation"] if sc["deviation"] == "mixed" else sc["deviation"]


def cmd_key(work, hosts, key_path):
    state = os.path.join(work, "state")
    sent = read_json(os.path.join(state, "sent.json"))
    queues = read_json(os.path.join(state, "queues.json"))
    seen = Observations(hosts, sent)
    for s in sent:
        seen.smtp(s)
    for found in maildir_files(work):
        seen.file(*found)
    for host, entries in queues.items():
        for entry in entries:
            seen.queued(host, entry)
    by_name = {s["name"]: s for s in sent}
    out = []
    for sc in scenarios():
        s = by_name[sc["name"]]
        item = {"name": sc["name"], "message_id": s["message_id"], "sender": SENDER,
                "subject": sc["subject"], "entry_host": s["entry_host"], "smtp": s["smtp"],
                "recipients": match(sc, s, seen.obs[sc["name"]])}
        if sc["dsn"] != (sc["name"] in seen.dsn):
            raise LabError(f"scenario {sc['name']}: DSN expected={sc['dsn']}, "
                           f"received={sc['name'] in seen.dsn}")
        if sc["dsn"]:
            item["dsn"] = seen.dsn[sc["name"]]
        out.append(item)
    key = {"hosts": hosts, "scenarios": out}
    write_json(key_path, key)
    # pkg/labkey rejects unknown fields, so the deviations are written beside the key.
    # Per recipient too, since a "mixed" scenario's recipients deviate differently.
    deviations = []
    for sc in scenarios():
        if sc["deviation"]:
            rcpts = [{"address": e["address"], "deviation": recipient_deviation(sc, e)}
                     for e in sc["expect"]]
            deviations.append({"name": sc["name"],
                               "message_id": by_name[sc["name"]]["message_id"],
                               "deviation": sc["deviation"], "recipients": rcpts})
    write_json(os.path.join(os.path.dirname(key_path), "deviations.json"),
               {"scenarios": deviations})
    print(f"lab.py: wrote {key_path} ({len(out)} scenarios)", file=sys.stderr)


def main(argv):
    try:
        if len(argv) == 4 and argv[1] == "send":
            cmd_send(argv[2], load_hosts(argv[3]))
        elif len(argv) == 4 and argv[1] == "settle":
            cmd_settle(argv[2], load_hosts(argv[3]))
        elif len(argv) == 5 and argv[1] == "key":
            cmd_key(argv[2], load_hosts(argv[3]), argv[4])
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except LabError as err:
        print(f"lab.py: ERROR: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

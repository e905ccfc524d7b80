#!/usr/bin/env python3
"""Static checks of an Alloy config, for machines without an alloy binary.

Not a parser: it strips comments and strings, then checks that braces, brackets and
parentheses balance, that every component referenced (loki.X.NAME.EXPORT) is defined
with an export that kind has, that every defined component is used (sources aside),
and that the loki.source.syslog listener uses only arguments GRAFANA-LOKI.md lists.

usage: check_alloy.py FILE
"""
import re
import sys

# The exports each component kind has (Alloy v1.18 reference).
EXPORTS = {
    "loki.source.syslog": set(),
    "loki.relabel": {"receiver", "rules"},
    "loki.process": {"receiver"},
    "loki.write": {"receiver"},
}
# listener arguments and blocks as GRAFANA-LOKI.md section 7 lists them.
LISTENER_KEYS = {
    "address", "protocol", "idle_timeout", "label_structured_data", "labels",
    "max_message_length", "syslog_format", "use_incoming_timestamp",
    "use_rfc5424_message", "rfc3164_default_to_current_year", "rfc5424_allow_empty_msg",
    "udp_queue_size", "udp_host_cache_size", "tls_config", "raw_format_options",
    "rfc3164_cisco_components",
}


def strip(text):
    """Blank out comments and string contents, keeping line structure."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                fail("unterminated block comment")
            out.append("\n" * text.count("\n", i, j))
            i = j + 2
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                if text[j] == "\n":
                    fail(f"string broken by a newline at line {text.count(chr(10), 0, j) + 1}")
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                fail("unterminated string")
            out.append('""')
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def fail(msg):
    print(f"check_alloy: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    path = sys.argv[1]
    raw = open(path, encoding="utf-8").read()
    code = strip(raw)

    pairs, stack = {"}": "{", "]": "[", ")": "("}, []
    for lineno, line in enumerate(code.split("\n"), 1):
        for c in line:
            if c in "{[(":
                stack.append((c, lineno))
            elif c in pairs:
                if not stack or stack[-1][0] != pairs[c]:
                    fail(f"{path}:{lineno}: unbalanced {c!r}")
                stack.pop()
    if stack:
        fail(f"{path}:{stack[-1][1]}: {stack[-1][0]!r} never closed")

    # Component definitions: kind "label" { at depth 0. Labels are in strings, so take
    # them from the raw text at the same positions.
    defined = {}
    for m in re.finditer(r'^(loki(?:\.[a-z_]+)+)\s+"([A-Za-z_][A-Za-z0-9_]*)"\s*\{', raw, re.M):
        kind, name = m.group(1), m.group(2)
        if kind not in EXPORTS:
            fail(f"unknown component kind {kind} (extend EXPORTS if it is real)")
        if (kind, name) in defined:
            fail(f"{kind} \"{name}\" defined twice")
        defined[(kind, name)] = 0
    if not defined:
        fail("no components found")

    for m in re.finditer(r"\b(loki(?:\.[a-z_]+)+)\.([A-Za-z_][A-Za-z0-9_]*)\.([a-z_]+)\b", code):
        kind, name, export = m.groups()
        if kind not in EXPORTS:
            continue
        if (kind, name) not in defined:
            fail(f"reference to undefined component {kind}.{name}")
        if export not in EXPORTS[kind]:
            fail(f"{kind} has no export {export!r}")
        defined[(kind, name)] += 1
    for (kind, name), uses in defined.items():
        if uses == 0 and not kind.startswith("loki.source."):
            fail(f"{kind} \"{name}\" is defined but never used")

    for m in re.finditer(r"\blistener\s*\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}", code):
        for key in re.findall(r"^\s*([a-z_]+)\s*(?:=|\{)", m.group(1), re.M):
            if key not in LISTENER_KEYS:
                fail(f"listener argument {key!r} is not one GRAFANA-LOKI.md lists")
    print(f"check_alloy: {path}: {len(defined)} components, references resolve, braces balance")


if __name__ == "__main__":
    main()

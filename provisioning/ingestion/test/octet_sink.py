#!/usr/bin/env python3
"""Stand-in for Alloy's syslog listener in check.sh's live test.

Accepts TCP connections, reads RFC 6587 octet-counted frames ("LEN SP FRAME"), and
appends each frame to OUT as one JSON string per line. It refuses anything that is not
octet-counted, so the test fails if a hop falls back to LF framing.

usage: octet_sink.py PORT OUT
"""
import json
import socket
import sys
import threading


def serve(conn, out, lock):
    buf = b""
    with conn:
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                return
            buf += chunk
            while buf:
                sp = buf.find(b" ")
                if sp < 0:
                    break
                head = buf[:sp]
                if not head.isdigit():
                    with lock, open(out, "a") as f:
                        f.write(json.dumps({"error": "not octet-counted", "data": buf[:80].decode("utf-8", "replace")}) + "\n")
                    return
                n = int(head)
                if len(buf) < sp + 1 + n:
                    break
                frame = buf[sp + 1:sp + 1 + n]
                buf = buf[sp + 1 + n:]
                with lock, open(out, "a") as f:
                    f.write(json.dumps(frame.decode("utf-8", "replace")) + "\n")


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    lock = threading.Lock()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(16)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn, out, lock), daemon=True).start()


if __name__ == "__main__":
    main()

"""The imaplib side of the list benchmark: the same EXAMINE and FETCH as `mail list` with no criteria.

Usage: imaplib_list.py HOST PORT USER PASSWORD_FILE CAFILE FOLDER REPS
Prints one JSON line: {"times_ms": [...], "cpu_ms": [...], "count": N}.
"""
import email.header
import email.utils
import imaplib
import json
import ssl
import sys
import time

FIELDS = b"DATE FROM TO CC SUBJECT MESSAGE-ID"


def decode(value):
    return str(email.header.make_header(email.header.decode_header(value))) if value else ""


def parse_headers(block):
    """Unfold, split and decode like src/envelope.ts does (first occurrence wins)."""
    text = block.decode("utf-8", "replace").replace("\r\n ", " ").replace("\r\n\t", " ")
    fields = {}
    for line in text.split("\r\n"):
        name, sep, value = line.partition(":")
        if sep and name.lower() not in fields:
            fields[name.lower()] = value.strip()
    return {
        "subject": decode(fields.get("subject")),
        "from": [(decode(n), a) for n, a in email.utils.getaddresses([fields.get("from", "")])],
        "to": [(decode(n), a) for n, a in email.utils.getaddresses([fields.get("to", "")])],
        "date": fields.get("date"),
        "message_id": fields.get("message-id"),
    }


def list_once(imap, folder):
    typ, data = imap.select(folder, readonly=True)  # EXAMINE; data[0] is EXISTS
    exists = int(data[0])
    # Every message: sequence numbers 1..EXISTS, no SEARCH needed (as `mail list` does).
    typ, data = imap.fetch(f"1:{exists}", f"(UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS ({FIELDS.decode()})])")
    envelopes = [parse_headers(item[1]) for item in data if isinstance(item, tuple)]
    return exists, len(envelopes)


def main():
    host, port, user, password_file, cafile, folder, reps = sys.argv[1:8]
    password = open(password_file).read().strip()
    imap = imaplib.IMAP4_SSL(host, int(port), ssl_context=ssl.create_default_context(cafile=cafile))
    imap.login(user, password)
    times = []
    cpu = []
    count = 0
    for _ in range(int(reps)):
        start, start_cpu = time.perf_counter(), time.process_time()
        count, parsed = list_once(imap, folder)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert parsed == count, (parsed, count)
    imap.logout()
    print(json.dumps({"times_ms": times, "cpu_ms": cpu, "count": count}))


main()

"""The user-visible case in Python: start, connect, log in, list the newest 50 envelopes, print them, log out.

Usage: imaplib_newest.py HOST PORT USER PASSWORD_FILE CAFILE FOLDER LIMIT
Prints one line per envelope (UID, date, from, subject), like `mail list` does. The bench times
the whole process, interpreter start included, as it times `mail list`.
"""
import email.header
import email.utils
import imaplib
import ssl
import sys

FIELDS = "DATE FROM TO CC SUBJECT MESSAGE-ID"


def decode(value):
    return str(email.header.make_header(email.header.decode_header(value))) if value else ""


def main():
    host, port, user, password_file, cafile, folder, limit = sys.argv[1:8]
    password = open(password_file).read().strip()
    imap = imaplib.IMAP4_SSL(host, int(port), ssl_context=ssl.create_default_context(cafile=cafile))
    imap.login(user, password)
    typ, data = imap.select(folder, readonly=True)  # EXAMINE; data[0] is EXISTS
    # The newest are the highest sequence numbers (they run in UID order), as `mail list` fetches them.
    exists = int(data[0])
    low = max(1, exists - int(limit) + 1)
    typ, data = imap.fetch(f"{low}:{exists}", f"(UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS ({FIELDS})])")
    lines = []
    for item in data:
        if not isinstance(item, tuple):
            continue
        uid = int(item[0].split(b"UID ")[1].split()[0])
        text = item[1].decode("utf-8", "replace").replace("\r\n ", " ").replace("\r\n\t", " ")
        fields = {}
        for line in text.split("\r\n"):
            name, sep, value = line.partition(":")
            if sep and name.lower() not in fields:
                fields[name.lower()] = value.strip()
        sender = email.utils.getaddresses([fields.get("from", "")])
        name = decode(sender[0][0]) or sender[0][1] if sender else ""
        lines.append((uid, f"{uid} {fields.get('date', '')}  {name}  {decode(fields.get('subject'))}"))
    imap.logout()
    assert len(lines) == exists - low + 1, (len(lines), exists - low + 1)
    print("\n".join(line for _, line in sorted(lines, reverse=True)))


main()

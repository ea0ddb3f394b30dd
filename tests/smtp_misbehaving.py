#!/usr/bin/env python3
"""A deliberately misbehaving SMTP server on loopback for apikey's tests.

A hand-written threaded socket server (no aiosmtpd), so it can misbehave at the
byte level. It listens on 127.0.0.1 on a free port, prints "PORT <n>" once it
accepts connections, and serves each connection in its own thread. It stops
when stdin closes, so it never outlives the test that started it.

Every message whose DATA ends with CRLF.CRLF is appended to --out as one JSON
line: {"conn", "from", "to", "message_id", "subject", "answered"}, where "conn"
is the 1-based connection number (in accept order), "to" lists only the
recipients answered 250, and "answered" says whether the end of data got its
250. Each accepted connection also appends {"connection": n} to <--out>.conns.

  python3 tests/smtp_misbehaving.py --out mail.jsonl [--delay SECS]
      [--reject ADDR]... [--tempfail ADDR]... [--auth USER:PASS | --auth-echo]
      [--trickle SECS] [--hang-after-data | --drop-after-data]
      [--lock-db PATH --lock-secs SECS] [--hang-at-mail N]
      [--reject-sender] [--close-at-rcpt ADDR] [--tempfail-data]
      [--echo-login-at-mail]

  --delay SECS       sleep before every reply, the greeting included
  --reject ADDR      RCPT TO:<ADDR> gets 550 (case-insensitive; repeatable)
  --tempfail ADDR    RCPT TO:<ADDR> gets 450 (case-insensitive; repeatable)
  --auth USER:PASS   advertise AUTH PLAIN LOGIN and check these credentials
  --auth-echo        advertise AUTH and answer any AUTH with a 535 that echoes
                     the client's AUTH line (a server that leaks credentials)
  --trickle SECS     send the greeting one byte at a time, SECS between bytes
  --hang-after-data  never answer the end of data; keep the connection open
  --drop-after-data  close the connection instead of answering the end of data
  --lock-db PATH     after the first message's data (across all connections),
  --lock-secs SECS   hold BEGIN EXCLUSIVE on the SQLite file PATH, answer 250,
                     sleep SECS, then ROLLBACK
  --hang-at-mail N   never answer the N-th MAIL FROM (counted across all
                     connections); appends {"hung": N} to <--out>.conns first
  --reject-sender    MAIL FROM gets 550 (the sender is not allowed)
  --close-at-rcpt ADDR  RCPT TO:<ADDR> gets 421 and the connection is closed
  --tempfail-data    the end of data gets 451 (nothing is recorded)
  --echo-login-at-mail  after an AUTH (with --auth), MAIL FROM gets a 550 that
                     echoes the AUTH line's argument (credentials and all)
"""

import argparse
import base64
import email
import email.policy
import json
import socket
import sqlite3
import sys
import threading
import time

HOST = "test.local"
LOCK = threading.Lock()
STATE = {"conns": 0, "messages": 0, "mails": 0, "locked_once": False}


def append_json(path, record):
    with LOCK, open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")


def address(arg):
    """The address in 'FROM:<a> SIZE=1' / 'TO: <b>' (None if there is no colon)."""
    if ":" not in arg:
        return None
    rest = arg.split(":", 1)[1].strip()
    if rest.startswith("<"):
        return rest[1:].split(">", 1)[0]
    return rest.split(" ", 1)[0]


class Session:
    def __init__(self, args, sock, conn):
        self.args, self.sock, self.conn = args, sock, conn
        self.rfile = sock.makefile("rb")
        self.mail_from, self.rcpts = None, []

    def reply(self, *lines, trickle=0.0):
        if self.args.delay:
            time.sleep(self.args.delay)
        data = "".join(
            f"{line[:3]}{'-' if i < len(lines) - 1 else ' '}{line[4:]}\r\n"
            for i, line in enumerate(lines)
        ).encode()
        if not trickle:
            self.sock.sendall(data)
            return
        for i in range(len(data)):
            if i:
                time.sleep(trickle)
            self.sock.sendall(data[i:i + 1])

    def readline(self):
        line = self.rfile.readline()
        if not line:
            raise EOFError
        return line.rstrip(b"\n").rstrip(b"\r")

    def run(self):
        self.reply(f"220 {HOST} ESMTP misbehaving", trickle=self.args.trickle)
        while True:
            line = self.readline().decode("utf-8", "replace")
            verb, _, arg = line.partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                auth = ["250 AUTH PLAIN LOGIN"] if self.args.auth or self.args.auth_echo else []
                self.reply(f"250 {HOST}", "250 8BITMIME", *auth, "250 SIZE 1000000")
            elif verb == "HELO":
                self.reply(f"250 {HOST}")
            elif verb == "MAIL":
                with LOCK:
                    STATE["mails"] += 1
                    nth = STATE["mails"]
                if nth == self.args.hang_at_mail:
                    append_json(self.args.out + ".conns", {"hung": nth})
                    while self.rfile.readline():  # hang: read and ignore until the client closes
                        pass
                    return
                if self.args.echo_login_at_mail and getattr(self, "auth_line", None):
                    self.reply(f"550 5.7.1 not after AUTH {self.auth_line}")
                    continue
                if self.args.reject_sender:
                    self.reply("550 5.7.1 sender not allowed to send here")
                    continue
                self.mail_from = address(arg)
                self.rcpts = []
                self.reply("250 2.1.0 ok" if self.mail_from is not None else "501 5.5.4 syntax: MAIL FROM:<address>")
            elif verb == "RCPT":
                if (address(arg) or "").lower() == (self.args.close_at_rcpt or "").lower():
                    self.reply("421 4.3.2 service shutting down")
                    return
                self.rcpt(address(arg))
            elif verb == "DATA":
                if not self.rcpts:
                    self.reply("554 5.5.1 no valid recipients")
                elif not self.data():
                    return
            elif verb == "RSET":
                self.mail_from, self.rcpts = None, []
                self.reply("250 2.0.0 ok")
            elif verb == "NOOP":
                self.reply("250 2.0.0 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            elif verb == "AUTH" and self.args.auth_echo:
                self.reply(f"535 5.7.8 authentication failed for {arg}")
            elif verb == "AUTH" and self.args.auth:
                self.auth_line = arg
                self.authenticate(arg)
            else:
                self.reply("500 5.5.2 unrecognized")

    def rcpt(self, to):
        if self.mail_from is None:
            self.reply("503 5.5.1 need MAIL first")
        elif not to:
            self.reply("501 5.5.4 syntax: RCPT TO:<address>")
        elif to.lower() in self.args.reject:
            self.reply(f"550 5.1.1 <{to}>: Recipient address rejected")
        elif to.lower() in self.args.tempfail:
            self.reply(f"450 4.2.0 <{to}>: try again later")
        else:
            self.rcpts.append(to)
            self.reply("250 2.1.5 ok")

    def data(self):
        """Read one message; False when the connection should end."""
        self.reply("354 go ahead")
        lines = []
        while (line := self.readline()) != b".":
            lines.append(line[1:] if line.startswith(b"..") else line)
        message = email.message_from_bytes(b"\r\n".join(lines) + b"\r\n", policy=email.policy.default)
        if self.args.tempfail_data:
            self.mail_from, self.rcpts = None, []
            self.reply("451 4.3.0 try again later")
            return True
        with LOCK:
            STATE["messages"] += 1
            number = STATE["messages"]
            lock_now = bool(self.args.lock_db) and not STATE["locked_once"]
            STATE["locked_once"] = STATE["locked_once"] or lock_now
        answered = not (self.args.hang_after_data or self.args.drop_after_data)
        record = {
            "conn": self.conn,
            "from": self.mail_from,
            "to": self.rcpts,
            "message_id": None if message["message-id"] is None else str(message["message-id"]),
            "subject": None if message["subject"] is None else str(message["subject"]),
            "answered": answered,
        }
        self.mail_from, self.rcpts = None, []
        if not answered:
            append_json(self.args.out, record)
            if self.args.drop_after_data:
                return False
            while self.rfile.readline():  # hang: read and ignore until the client closes
                pass
            return False
        db = None
        if lock_now:
            db = sqlite3.connect(self.args.lock_db, timeout=30, isolation_level=None)
            db.execute("BEGIN EXCLUSIVE")
        append_json(self.args.out, record)
        self.reply(f"250 2.0.0 queued as {number}")
        if db is not None:
            time.sleep(self.args.lock_secs)
            db.execute("ROLLBACK")
            db.close()
        return True

    def authenticate(self, arg):
        mechanism, _, initial = arg.partition(" ")
        mechanism = mechanism.upper()
        try:
            if mechanism == "PLAIN":
                if not initial:
                    self.reply("334 ")
                    initial = self.readline().decode()
                _, user, password = base64.b64decode(initial).decode().split("\0")
            elif mechanism == "LOGIN":
                if not initial:
                    self.reply("334 VXNlcm5hbWU6")
                    initial = self.readline().decode()
                user = base64.b64decode(initial).decode()
                self.reply("334 UGFzc3dvcmQ6")
                password = base64.b64decode(self.readline()).decode()
            else:
                self.reply("504 5.5.4 unrecognized authentication type")
                return
        except EOFError:
            raise
        except Exception:
            user = password = None
        ok = f"{user}:{password}" == self.args.auth
        self.reply("235 2.7.0 ok" if ok else "535 5.7.8 authentication failed")


def serve(args, sock, conn):
    session = None
    try:
        session = Session(args, sock, conn)
        session.run()
    except Exception:  # EOF, reset, broken pipe, garbage: this connection ends, the server lives
        pass
    finally:
        try:
            if session is not None:
                session.rfile.close()
            sock.close()
        except OSError:
            pass


def accept_loop(args, listener):
    while True:
        sock, _ = listener.accept()
        with LOCK:
            STATE["conns"] += 1
            conn = STATE["conns"]
        append_json(args.out + ".conns", {"connection": conn})
        threading.Thread(target=serve, args=(args, sock, conn), daemon=True).start()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--delay", type=float, default=0.0)
    p.add_argument("--reject", action="append", default=[])
    p.add_argument("--tempfail", action="append", default=[])
    p.add_argument("--auth", metavar="USER:PASS")
    p.add_argument("--auth-echo", action="store_true")
    p.add_argument("--trickle", type=float, default=0.0)
    p.add_argument("--hang-after-data", action="store_true")
    p.add_argument("--drop-after-data", action="store_true")
    p.add_argument("--lock-db")
    p.add_argument("--lock-secs", type=float, default=0.0)
    p.add_argument("--hang-at-mail", type=int, default=0)
    p.add_argument("--reject-sender", action="store_true")
    p.add_argument("--close-at-rcpt")
    p.add_argument("--tempfail-data", action="store_true")
    p.add_argument("--echo-login-at-mail", action="store_true")
    args = p.parse_args()
    args.reject = {a.lower() for a in args.reject}
    args.tempfail = {a.lower() for a in args.tempfail}

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    threading.Thread(target=accept_loop, args=(args, listener), daemon=True).start()
    print(f"PORT {listener.getsockname()[1]}", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()

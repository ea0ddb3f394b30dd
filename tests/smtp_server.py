#!/usr/bin/env python3
"""A real SMTP server on loopback for apikey's tests.

Runs aiosmtpd on 127.0.0.1, prints "PORT <n>" once it accepts connections,
and appends every message it accepts to --out as one JSON line:
{"from", "to", "subject", "message_id", "body", "tls", "user"}, decoded. It stops when stdin closes, so it
never outlives the test that started it.

  python3 tests/smtp_server.py --out mail.jsonl [--tls none|starttls|tls]
      [--cert C --key K] [--user U --password P]
"""

import argparse
import email
import email.policy
import json
import os
import socket
import ssl
import sys
import warnings

warnings.simplefilter("ignore", DeprecationWarning)

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Recorder:
    def __init__(self, path):
        self.path = path

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "subject": str(message["subject"]),
            "message_id": str(message["message-id"]),
            "body": message.get_content(),
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "user": session.auth_data.login.decode() if session.auth_data else None,
        }
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--tls", choices=["none", "starttls", "tls"], default="none")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--user")
    p.add_argument("--password")
    args = p.parse_args()

    kwargs = {}
    if args.tls != "none":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        if args.tls == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        else:
            kwargs.update(ssl_context=context)
    if args.user:
        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and (
                auth_data.login.decode() == args.user
                and auth_data.password.decode() == args.password
            )
            return AuthResult(success=ok, auth_data=auth_data if ok else None)

        kwargs.update(
            authenticator=authenticate,
            auth_required=True,
            auth_require_tls=args.tls != "none",
        )

    port = int(os.environ.get("SMTP_TEST_PORT") or free_port())
    controller = Controller(
        Recorder(args.out), hostname="127.0.0.1", port=port, server_hostname="localhost", **kwargs
    )
    controller.start()
    print(f"PORT {port}", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()

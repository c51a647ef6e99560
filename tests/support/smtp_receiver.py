#!/usr/bin/python3
"""A real SMTP server for the notification tests (aiosmtpd): STARTTLS required, AUTH PLAIN/LOGIN with one user.

    smtp_receiver.py PORT CERT KEY USER PASSWORD OUTDIR

Each accepted message is written to OUTDIR as <n>.json: {"mail_from", "rcpt_tos", "authenticated", "tls", "data"}.
Prints "ready" once it listens; runs until killed.
"""
import json
import os
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, cert, key, user, password, outdir = sys.argv[1:7]
os.makedirs(outdir, exist_ok=True)


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
    return AuthResult(success=ok, handled=False)


class Keep:
    count = 0

    async def handle_DATA(self, server, session, envelope):
        Keep.count += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "authenticated": bool(session.authenticated),
            "tls": session.ssl is not None,
            "data": envelope.content.decode("utf-8", "replace"),
        }
        path = os.path.join(outdir, "%d.json" % Keep.count)
        with open(path + ".part", "w") as f:
            json.dump(record, f)
        os.rename(path + ".part", path)
        return "250 2.0.0 queued as fleetdeck-test-%d" % Keep.count


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
controller = Controller(Keep(), hostname="127.0.0.1", port=int(port), tls_context=context, require_starttls=True,
                        authenticator=authenticate, auth_required=True, auth_require_tls=True)
controller.start()
print("ready", flush=True)
threading.Event().wait()

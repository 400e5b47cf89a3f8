#!/usr/bin/env python3
"""The demo's stand-in for the visitors' mailboxes (`make run`): an SMTP server on loopback
(Debian's python3-aiosmtpd) that appends every message it is sent, decoded, to one text file,
so that a walkthrough can read a confirmation link or a one-time code from it.

    tools/mail-catcher.py HOST PORT FILE

Only for the demo: a real installation sends through its own mail server ([mail] smtp_url)."""
import asyncio
import email
import email.policy
import os
import sys

from aiosmtpd.controller import Controller


class Append:
    def __init__(self, path):
        self.path = path

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body else ""
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as out:
            out.write(f"To: {message['To']}\nSubject: {message['Subject']}\n\n{text}\n---\n")
        return "250 OK"


def main():
    host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    controller = Controller(Append(path), hostname=host, port=port)
    controller.start()
    try:
        asyncio.get_event_loop().run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()

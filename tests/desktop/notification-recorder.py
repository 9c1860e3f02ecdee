#!/usr/bin/python3
"""A tiny desktop notification server for the desktop tests: owns org.freedesktop.Notifications
on the session bus (the private one `./dev test` runs the suite in), answers like a real one, and
appends every Notify call to a file as one JSON line (app_name, summary, body, actions, id).

    notification-recorder.py RECORD_FILE [--invoke ACTION]

Prints "ready" once it owns the name. With --invoke ACTION, a second after each notification it
sends ActionInvoked(id, ACTION), as a desktop does when the person chooses the notification.
Ends on SIGTERM or SIGINT. Needs python3-dbus and python3-gi (Debian packages), so it runs with /usr/bin/python3.
"""

import json
import signal
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"


class Recorder(dbus.service.Object):
    def __init__(self, bus, record_file, invoke):
        super().__init__(bus, PATH)
        self.record_file = record_file
        self.invoke = invoke
        self.next_id = 1

    @dbus.service.method(NAME, in_signature="", out_signature="as")
    def GetCapabilities(self):
        # No "body-markup": the body is shown as plain text.
        return ["actions", "body"]

    @dbus.service.method(NAME, in_signature="", out_signature="ssss")
    def GetServerInformation(self):
        return ("pwb-notification-recorder", "partner-workbench tests", "1.0", "1.2")

    @dbus.service.method(NAME, in_signature="susssasa{sv}i", out_signature="u")
    def Notify(self, app_name, replaces_id, app_icon, summary, body, actions, hints, timeout):
        notification_id = int(replaces_id) or self.next_id
        self.next_id += 1
        record = {
            "id": notification_id,
            "app_name": str(app_name),
            "summary": str(summary),
            "body": str(body),
            "actions": [str(a) for a in actions],
        }
        with open(self.record_file, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        if self.invoke:
            GLib.timeout_add(1000, self._invoke, notification_id)
        return dbus.UInt32(notification_id)

    def _invoke(self, notification_id):
        self.ActionInvoked(dbus.UInt32(notification_id), self.invoke)
        return False

    @dbus.service.method(NAME, in_signature="u", out_signature="")
    def CloseNotification(self, notification_id):
        self.NotificationClosed(notification_id, dbus.UInt32(3))

    @dbus.service.signal(NAME, signature="us")
    def ActionInvoked(self, notification_id, action_key):
        pass

    @dbus.service.signal(NAME, signature="uu")
    def NotificationClosed(self, notification_id, reason):
        pass


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit("usage: notification-recorder.py RECORD_FILE [--invoke ACTION]")
    record_file = args[0]
    invoke = None
    if len(args) == 3 and args[1] == "--invoke":
        invoke = args[2]
    elif len(args) != 1:
        sys.exit("usage: notification-recorder.py RECORD_FILE [--invoke ACTION]")
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    name = dbus.service.BusName(NAME, bus, do_not_queue=True)
    recorder = Recorder(bus, record_file, invoke)
    loop = GLib.MainLoop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
    print("ready", flush=True)
    loop.run()
    del name, recorder


if __name__ == "__main__":
    main()

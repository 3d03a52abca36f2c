"""Domain lifecycle events as the python binding receives them, for the tests: libvirt's
default event loop in a thread, and a callback that records what comes."""
import threading

import libvirt

EVENT_WAIT = 15  # seconds for an expected event to arrive

_loop_lock = threading.Lock()
_loop_started = False


def start_event_loop():
    """libvirt's default event loop, run by a daemon thread for the rest of the process (the
    implementation can be registered only once, and must be before connections open)."""
    global _loop_started
    with _loop_lock:
        if _loop_started:
            return
        libvirt.virEventRegisterDefaultImpl()

        def run():
            while True:
                libvirt.virEventRunDefaultImpl()

        threading.Thread(target=run, name="libvirt-events", daemon=True).start()
        _loop_started = True


class Recorder:
    """Collects (domain name, event, detail) from a lifecycle callback."""

    def __init__(self):
        self.cond = threading.Condition()
        self.events = []

    def __call__(self, conn, dom, event, detail, opaque):
        with self.cond:
            self.events.append((dom.name(), event, detail))
            self.cond.notify_all()

    def wait_for(self, count, timeout=EVENT_WAIT):
        """The events once there are `count` of them (or what came within the deadline)."""
        with self.cond:
            self.cond.wait_for(lambda: len(self.events) >= count, timeout=timeout)
            return list(self.events)

"""A TCP relay in front of Redis that a test can cut and restore, to drop one
instance's wake-up channel while the other instance carries on."""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Any
from urllib.parse import urlsplit, urlunsplit


class CuttableProxy:
    """Forwards connections to Redis; ``cut()`` closes them all and refuses new ones
    (accepted, then closed at once) until ``restore()``."""

    def __init__(self, redis_url: str) -> None:
        parts = urlsplit(redis_url)
        self._upstream = (parts.hostname or "127.0.0.1", parts.port or 6379)
        self._listener = socket.create_server(("127.0.0.1", 0))
        port = self._listener.getsockname()[1]
        self.url = urlunsplit(parts._replace(netloc=f"127.0.0.1:{port}"))
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._cut = False
        self._closing = False
        self.refused = 0  # connections refused while cut
        self.accepted = 0  # connections relayed to Redis
        threading.Thread(target=self._accept, name="redis-proxy", daemon=True).start()

    def __enter__(self) -> CuttableProxy:
        return self

    def __exit__(self, *exc: Any) -> None:
        self._closing = True
        self._listener.close()
        self.cut()

    def cut(self) -> None:
        with self._lock:
            self._cut = True
            doomed, self._open = self._open, set()
        for sock in doomed:
            _close(sock)

    def restore(self) -> None:
        with self._lock:
            self._cut = False

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                if self._cut:
                    self.refused += 1
                    _close(client)
                    continue
                upstream = socket.create_connection(self._upstream)
                self.accepted += 1
                self._open.update((client, upstream))
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        _close(source)
        _close(target)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()

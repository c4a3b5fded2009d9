"""Send each of the server's websocket messages at once (TCP_NODELAY), instead of ~40 ms late.

Streamlit 1.67 binds its listening socket as socket.socket(family) (protocol 0), and asyncio only
turns Nagle's algorithm off for sockets whose protocol reads IPPROTO_TCP; so every connection the
server accepts keeps Nagle on. A script run sends several small messages in a row: the second
waits for the browser's delayed acknowledgement of the first, about 40 ms on Linux, on every run
that draws anything (measured with benchmarks/bench_server.py: 48 ms -> 7 ms for a two-line page).
"""

import asyncio.base_events
import os
import socket


def _set_nodelay(sock: socket.socket) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def enable() -> None:
    """Nagle off for connections accepted from now on, and for the process's open TCP sockets
    (the connection whose session runs the entrypoint first was accepted before this import)."""
    if getattr(asyncio.base_events, "_set_nodelay", _set_nodelay) is _set_nodelay:
        return  # done already in this process (the entrypoint runs on every rerun), or another Python
    asyncio.base_events._set_nodelay = _set_nodelay
    try:
        descriptors = [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:  # not Linux: new connections only
        return
    for fd in descriptors:
        try:
            copy = os.dup(fd)
        except OSError:
            continue  # closed meanwhile
        try:
            sock = socket.socket(fileno=copy)
        except OSError:
            os.close(copy)
            continue  # not a socket
        with sock:  # closes the copy only; options belong to the socket both descriptors share
            try:
                _set_nodelay(sock)
            except OSError:
                pass

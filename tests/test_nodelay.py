"""dashboard.nodelay: the server's connections send each small message at once."""

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor

from dashboard.web import nodelay


def accepted_nodelay() -> int:
    """TCP_NODELAY of a connection accepted on a socket bound the way Streamlit 1.67 binds it."""

    async def main() -> int:
        listener = socket.socket(socket.AF_INET)  # protocol 0, as Streamlit creates it
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        accepted = asyncio.get_running_loop().create_future()
        server = await asyncio.start_server(lambda _r, w: accepted.set_result(w), sock=listener)
        _, client = await asyncio.open_connection(*listener.getsockname())
        connection = await accepted
        flag = connection.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        for writer in (client, connection):
            writer.close()
        server.close()
        await server.wait_closed()
        return flag

    # A thread of its own: Playwright's sync API (the browser tests' session fixture) keeps an
    # event loop running in the main thread, where asyncio.run() refuses to start another.
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, main()).result()


def test_connections_accepted_after_enable_have_nagle_off():
    nodelay.enable()
    assert accepted_nodelay()

"""dashboard.nodelay: the server's connections send each small message at once."""
import asyncio
import socket

from dashboard import nodelay


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

    return asyncio.run(main())


def test_connections_accepted_after_enable_have_nagle_off():
    nodelay.enable()
    assert accepted_nodelay()


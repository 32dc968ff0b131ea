"""A server, or a client that churns connections to it: for the owners test.

server PORT: accepts on 127.0.0.1:PORT, reads each connection to its end, then closes (the client
closes first, so the TIME_WAIT sockets are the client's).
client PORT COUNT: holds one connection open, opens and closes COUNT more, prints "done", then
keeps the open one until stdin closes.
"""
import socket
import sys
import threading


def serve(port):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(512)
    print("listening", flush=True)

    def drain(conn):
        with conn:
            while conn.recv(4096):
                pass

    while True:
        conn, _ = listener.accept()
        threading.Thread(target=drain, args=(conn,), daemon=True).start()


def churn(port, count):
    kept = socket.create_connection(("127.0.0.1", port))
    for _ in range(count):
        conn = socket.create_connection(("127.0.0.1", port))
        conn.sendall(b"x")
        conn.close()
    print("done", flush=True)
    sys.stdin.readline()
    kept.close()


if __name__ == "__main__":
    if sys.argv[1] == "server":
        serve(int(sys.argv[2]))
    else:
        churn(int(sys.argv[2]), int(sys.argv[3]))

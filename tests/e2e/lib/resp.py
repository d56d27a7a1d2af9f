"""A tiny Redis client for the tests (RESP2 over TCP or a unix socket), and a
redis-server of the test's own.

    from resp import Redis, start_server
    srv = start_server(tmpdir)            # redis-server on a free loopback port
    r = Redis(port=srv.port)
    r.call("XADD", "s", "*", "event", "{}")
    r.pipeline([("XADD", "s", "*", "event", line) for line in lines])
    srv.stop()

No dependency beyond the standard library: the point is to test the agent
against a real server, not a client library's view of it.
"""
import os, socket, subprocess, time


class RedisError(Exception):
    pass


class Redis:
    def __init__(self, port=None, host="127.0.0.1", unix=None, password=None, timeout=30):
        if unix:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.connect(unix)
        else:
            self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.settimeout(timeout)
        self.buf = b""
        if password:
            self.call("AUTH", password)

    def close(self):
        self.sock.close()

    @staticmethod
    def _encode(args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            if isinstance(a, str):
                a = a.encode()
            elif isinstance(a, int):
                a = str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def _reply(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            return RedisError(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n).decode("utf-8", "replace")
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self._reply() for _ in range(n)]
        raise ConnectionError("bad reply %r" % line)

    def call(self, *args):
        self.sock.sendall(self._encode(args))
        r = self._reply()
        if isinstance(r, RedisError):
            raise r
        return r

    def pipeline(self, commands, chunk=5000):
        """Sends commands in chunks, returns every reply (errors as RedisError values)."""
        out = []
        for i in range(0, len(commands), chunk):
            part = commands[i:i + chunk]
            self.sock.sendall(b"".join(self._encode(c) for c in part))
            out.extend(self._reply() for _ in part)
        return out

    def xrange_all(self, key, count=10000):
        """Every entry of a stream as (id, {field: value})."""
        out, start = [], "-"
        while True:
            part = self.call("XRANGE", key, start, "+", "COUNT", count)
            if start != "-" and part and part[0][0] == start:
                part = part[1:]
            if not part:
                return out
            for eid, fv in part:
                out.append((eid, dict(zip(fv[0::2], fv[1::2]))))
            start = part[-1][0]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, proc, port, unix, dir):
        self.proc, self.port, self.unix, self.dir = proc, port, unix, dir

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_server(dir, port=None, extra=(), unix=True):
    """redis-server on loopback (a free port unless given), and a unix
    socket in dir; no persistence, no other redis touched."""
    os.makedirs(dir, exist_ok=True)
    for attempt in range(5):
        p = port or free_port()
        sock = os.path.join(dir, "redis.sock") if unix else None
        args = ["redis-server", "--port", str(p), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", dir, "--protected-mode", "no", "--daemonize", "no", "--loglevel", "warning",
                "--logfile", os.path.join(dir, "redis.log")]
        if sock:
            args += ["--unixsocket", sock, "--unixsocketperm", "700"]
        args += list(extra)
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if proc.poll() is not None:
                break
            try:
                r = Redis(port=p, timeout=2)
                r.call("PING")
                r.close()
                return Server(proc, p, sock, dir)
            except RedisError:
                return Server(proc, p, sock, dir)   # NOAUTH: it is up
            except OSError:
                time.sleep(0.05)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if port:
            break
    raise RuntimeError("redis-server did not start (see %s)" % os.path.join(dir, "redis.log"))

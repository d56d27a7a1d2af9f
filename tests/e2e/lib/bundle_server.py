"""A static file server for the bundle tests, as nginx or S3 serve one:
GET of a file in a directory, a strong ETag (a hash of the bytes), 304 for
a matching If-None-Match, and a log of every request (what was asked, the
status, the body bytes sent) for the tests to read.

    srv = BundleServer(directory, log_path)   # on a free loopback port
    srv.url("policy.palb")
    srv.requests()   # [{"path", "status", "bytes", "if_none_match"}, ...]
    srv.stop(); srv.start()                   # down and up again, same port
    srv.etags = False     # no ETag, If-None-Match ignored (python3 -m http.server)
    BundleServer(directory, log_path, tls=(CERT, KEY))   # https://localhost:PORT

(python3 -m http.server has no ETags, so it cannot show that a 304 costs
no download.)
"""
import hashlib, http.server, json, os, socket, ssl, threading


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        srv = self.server.owner
        path = os.path.join(srv.dir, self.path.lstrip("/").split("?")[0])
        inm = self.headers.get("If-None-Match")
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            srv._log(self.path, 404, 0, inm)
            return
        etag = '"%s"' % hashlib.sha256(data).hexdigest()[:20] if srv.etags else None
        if etag and inm == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            srv._log(self.path, 304, 0, inm)
            return
        self.send_response(200)
        if etag:
            self.send_header("ETag", etag)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        srv._log(self.path, 200, len(data), inm)


class BundleServer:
    def __init__(self, directory, log_path, port=0, tls=None):
        self.dir, self.log_path = directory, log_path
        self.etags = True
        self.tls = tls
        self.lock = threading.Lock()
        self.httpd = None
        self.port = port or _free_port()
        self.start()

    def start(self):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), _Handler)
        self.httpd.owner = self
        if self.tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*self.tls)
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    def url(self, name):
        if self.tls:
            return "https://localhost:%d/%s" % (self.port, name)
        return "http://127.0.0.1:%d/%s" % (self.port, name)

    def _log(self, path, status, nbytes, inm):
        with self.lock, open(self.log_path, "a") as f:
            f.write(json.dumps({"path": path, "status": status, "bytes": nbytes, "if_none_match": inm}) + "\n")

    def requests(self):
        with self.lock:
            try:
                return [json.loads(l) for l in open(self.log_path)]
            except OSError:
                return []


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p

"""A stand-in Docker API on a unix socket, only for training the start-up
archive (scripts/appcds): it answers ping, version, info and image inspect
with fixed data so that docker-java's request path runs once at build time.
Never used by tests or at run time."""
import json
import os
import socketserver
import sys
from http.server import BaseHTTPRequestHandler

IMAGE = {"Id": "sha256:" + "0" * 64, "RepoTags": ["nss-example:latest"], "RepoDigests": [], "Os": "linux",
         "Architecture": "amd64", "Size": 1, "Config": {"User": "1000:1000", "Env": ["A=b"], "Cmd": ["--help"],
                                                       "Entrypoint": ["/usr/bin/tini"], "Labels": {"a": "b"}}}
ANSWERS = {"/_ping": "OK", "/version": {"Version": "0", "ApiVersion": "1.45", "Os": "linux", "Arch": "amd64"},
           "/info": {"DriverStatus": [["driver-type", "io.containerd.snapshotter.v1"]], "Runtimes": {"runc": {}},
                     "DockerRootDir": "/nonexistent"}}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.split("?")[0]
        path = "/" + path.split("/", 2)[2] if path.startswith("/v1.") else path
        body = IMAGE if path.startswith("/images/") else ANSWERS.get(path)
        data = (body if isinstance(body, str) else json.dumps(body)).encode() if body is not None else b'{"message":"no"}'
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "text/plain" if isinstance(body, str) else "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_HEAD = do_GET

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self):
        request, _ = super().get_request()
        return request, ("local", 0)


if __name__ == "__main__":
    sock = sys.argv[1]
    if os.path.exists(sock):
        os.unlink(sock)
    with Server(sock, Handler) as srv:
        srv.serve_forever()

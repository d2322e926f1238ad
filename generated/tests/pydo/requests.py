"""What DigitalOcean's own Python client, pydo, sends for the six database-user operations,
with the arguments the Rust parity test uses too. pydo's transport is replaced by one that
records each request and answers it, so nothing leaves the machine. Prints a JSON list of
{operation, method, path, query, authorization, content_type, body}."""

import json
import sys
from urllib.parse import urlsplit

from azure.core.pipeline.transport import HttpTransport
from azure.core.rest import HttpResponse
from pydo import Client

CLUSTER = "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30"
USER = "we/ird user?x=1#f%2F"
ANSWERS = {
    "GET": (200, {"users": [{"name": "app-01"}], "user": {"name": "app-01"}}),
    "POST": (201, {"user": {"name": "app-01"}}),
    "PUT": (201, {"user": {"name": "app-01"}}),
    "DELETE": (204, None),
}


class Answer(HttpResponse):
    """An answer for pydo, made in place."""

    def __init__(self, request, status, body):
        self._request = request
        self._status = status
        self._body = b"" if body is None else json.dumps(body).encode()

    request = property(lambda self: self._request)
    status_code = property(lambda self: self._status)
    headers = property(lambda self: {"content-type": "application/json"} if self._body else {})
    reason = property(lambda self: "OK")
    content_type = property(lambda self: "application/json")
    is_closed = property(lambda self: True)
    is_stream_consumed = property(lambda self: True)
    encoding = property(lambda self: "utf-8")
    url = property(lambda self: self._request.url)
    content = property(lambda self: self._body)

    def text(self, encoding=None):
        return self._body.decode()

    def json(self):
        return json.loads(self._body) if self._body else None

    def raise_for_status(self):
        pass

    def read(self):
        return self._body

    def iter_raw(self, **kwargs):
        yield self._body

    def iter_bytes(self, **kwargs):
        yield self._body

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *args):
        pass


class Recorder(HttpTransport):
    """A transport that keeps every request and answers it without a network."""

    def __init__(self):
        self.requests = []

    def send(self, request, **kwargs):
        url = urlsplit(request.url)
        body = request.content if hasattr(request, "content") else request.body
        if isinstance(body, bytes):
            body = body.decode()
        self.requests.append(
            {
                "method": request.method,
                "path": url.path,
                "query": url.query or None,
                "authorization": request.headers.get("Authorization"),
                "content_type": request.headers.get("Content-Type"),
                "body": json.loads(body) if body else None,
            }
        )
        status, answer = ANSWERS[request.method]
        if url.path.endswith("/reset_auth"):
            status = 200
        return Answer(request, status, answer)

    def open(self):
        pass

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *args):
        pass


def main():
    recorder = Recorder()
    client = Client(token="dop_v1_parity", transport=recorder)
    databases = client.databases
    calls = [
        ("databases_list_users", lambda: databases.list_users(database_cluster_uuid=CLUSTER)),
        ("databases_add_user", lambda: databases.add_user(database_cluster_uuid=CLUSTER, body={"name": "app-02", "mysql_settings": {"auth_plugin": "mysql_native_password"}})),
        ("databases_get_user", lambda: databases.get_user(database_cluster_uuid=CLUSTER, username=USER)),
        ("databases_update_user", lambda: databases.update_user(database_cluster_uuid=CLUSTER, username=USER, body={"settings": {"pg_allow_replication": True}})),
        ("databases_delete_user", lambda: databases.delete_user(database_cluster_uuid=CLUSTER, username=USER)),
        ("databases_reset_auth", lambda: databases.reset_auth(database_cluster_uuid=CLUSTER, username=USER, body={"mysql_settings": {"auth_plugin": "caching_sha2_password"}})),
    ]
    recorded = []
    for operation, call in calls:
        before = len(recorder.requests)
        call()
        (request,) = recorder.requests[before:]
        recorded.append({"operation": operation, **request})
    json.dump(recorded, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()

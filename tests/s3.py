"""A real S3 server for tests: moto in server mode on a free loopback port (no mock of boto3)."""
from __future__ import annotations

import logging
import socket
import uuid
from dataclasses import dataclass

import boto3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class S3Server:
    """A running moto server and the settings that point Rounds at one bucket of it."""

    endpoint: str
    bucket: str
    server: object = None

    def settings(self, prefix: str = "") -> dict[str, str]:
        """Configuration (as environment variables or app config) for the S3 backend on this server."""
        return {"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": self.endpoint, "S3_BUCKET": self.bucket,
                "S3_REGION": "us-east-1", "S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing",
                "S3_ADDRESSING_STYLE": "path", "S3_PREFIX": prefix}

    def client(self):
        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1", aws_access_key_id="testing",
                            aws_secret_access_key="testing")

    def new_bucket(self) -> str:
        """A fresh, empty bucket; the server's own bucket stays as it is."""
        name = f"rounds-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str | None = None) -> list[str]:
        found = self.client().list_objects_v2(Bucket=bucket or self.bucket).get("Contents", [])
        return sorted(item["Key"] for item in found)

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


def start() -> S3Server:
    """Start moto's S3 server in a thread of this process, with one empty bucket."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's server logs every request otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    s3 = S3Server(f"http://127.0.0.1:{port}", "rounds-test", server)
    s3.client().create_bucket(Bucket=s3.bucket)
    return s3

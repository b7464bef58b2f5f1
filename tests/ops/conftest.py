"""Fixtures for the operations tests: a real local S3 server, Redis servers of their own,\nthrowaway databases."""

import copy
import json
import logging
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
import redis

from config.media import media_settings

S3_KEYS = {"S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture(scope="session")
def s3_server():
    """Start moto's S3-compatible server on 127.0.0.1 (a free port); return its endpoint URL."""
    from moto.server import ThreadedMotoServer

    # moto logs every request at INFO through werkzeug; keep test output readable.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_client(s3_server):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def s3_media(settings, s3_server, s3_client):
    """Point media at a fresh bucket, exactly as S3_* environment variables would."""
    bucket = f"closer-media-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(Bucket=bucket)
    # Readers fetch media anonymously, as from a public bucket or the CDN in front of it.
    s3_client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_read_policy(bucket)))
    media = media_settings({"S3_BUCKET": bucket, "S3_ENDPOINT_URL": s3_server, **S3_KEYS})
    settings.STORAGES = {**settings.STORAGES, "default": media.storage}
    settings.MEDIA_URL = media.media_url
    csp = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    for directive in ("img-src", "media-src"):
        csp["DIRECTIVES"][directive] = [*csp["DIRECTIVES"][directive], *media.origins]
    settings.CONTENT_SECURITY_POLICY = csp
    return SimpleNamespace(bucket=bucket, endpoint=s3_server, base_url=media.media_url)


def public_read_policy(bucket: str) -> dict:
    """Return the bucket policy the README asks operators to set: anyone may read objects."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }


class RedisServer:
    """A redis-server of the test's own on a free port, with no persistence, in a temp folder.

    stop() and start() again on the same port stand for an outage and the recovery.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed; Redis tests skipped.")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        client = self.client()
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                return
            except redis.RedisError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    pytest.fail(f"redis-server did not start on port {self.port}")
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=2)


@pytest.fixture(scope="session")
def redis_process(tmp_path_factory):
    """One Redis of the suite's own for the tests that only use it."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_outage_server(tmp_path):
    """A Redis for one test that may stop it (an outage) and start it again."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_server(redis_process):
    """Return a client for the suite's own Redis."""
    return redis_process.client()

"""Fixtures for the operations tests: a real local S3 server, Redis, throwaway databases."""

import copy
import json
import logging
import uuid
from types import SimpleNamespace

import pytest

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


REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_server():
    """Return a client for the test Redis database, or skip saying Redis is not reachable."""
    import redis

    url = REDIS_URL
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {url} ({error}); Redis tests skipped.")
    return client

"""Grab a still from a video file (.mp4/.webm/.ogv) on the server with ffmpeg, when installed.

Optional: without ffmpeg on PATH the admin says so and the editor uploads the frame instead.
The frame ffmpeg writes is a file like any upload: it joins the library through the same checks
and re-encoding (``blog.images``), so nothing ffmpeg produces is trusted as it is.
"""

import ipaddress
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile

GRAB_TIMEOUT_SECONDS = 30
NOT_INSTALLED = (
    "Grabbing a frame needs ffmpeg, which is not installed on this server. Take the still "
    "yourself (a screenshot of the paused video) and upload it as the image instead, or ask "
    "whoever runs the site to install ffmpeg (Debian: apt-get install ffmpeg)."
)


class GrabError(Exception):
    """A frame that could not be grabbed; the message says why, fit for an editor."""


def ffmpeg_path() -> str | None:
    return shutil.which("ffmpeg")


def can_grab(video) -> bool:
    """Return whether a frame of video can be taken on the server (a file video)."""
    return video.provider == "file" and bool(video.ref.source_url)


def _resolves_publicly(host: str) -> bool:
    """Return whether host resolves, and only to public addresses (no fetch of our network)."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM)}
    except (OSError, UnicodeError):
        return False
    return bool(addresses) and all(ipaddress.ip_address(a).is_global for a in addresses)


def command(ffmpeg: str, *, source_url: str, at_seconds: int, output: Path) -> list[str]:
    """Return the ffmpeg command line writing the frame at at_seconds of source_url to output."""
    return [
        ffmpeg,
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        # Only https for the input: no local files, no other protocols a playlist could name.
        "-protocol_whitelist",
        "https,tls,tcp",
        # Before -i: seek in the input (by byte ranges), not by decoding every frame up to it.
        "-ss",
        str(at_seconds),
        "-i",
        source_url,
        "-frames:v",
        "1",
        "-f",
        "image2",
        "-c:v",
        "png",
        "-y",
        str(output),
    ]


def still_grab_frame(*, video, at_seconds: int) -> SimpleUploadedFile:
    """Return the frame at at_seconds of a file video as an upload (PNG); raise GrabError."""
    ffmpeg = ffmpeg_path()
    if ffmpeg is None:
        raise GrabError(NOT_INSTALLED)
    if not can_grab(video):
        raise GrabError(
            f"Frames can only be grabbed from video files (.mp4, .webm, .ogv); this is a "
            f"{video.provider_label} video: upload the still as the image instead."
        )
    if video.duration_seconds and at_seconds > video.duration_seconds:
        raise GrabError(f"The video is only {video.duration_display} long.")
    source_url = video.ref.source_url
    if not _resolves_publicly(urlsplit(source_url).hostname or ""):
        raise GrabError("The video file's site cannot be reached from here (or is not public).")
    with tempfile.TemporaryDirectory(prefix="closer-still-") as folder:
        output = Path(folder) / "frame.png"
        try:
            done = subprocess.run(
                command(ffmpeg, source_url=source_url, at_seconds=at_seconds, output=output),
                capture_output=True,
                timeout=GRAB_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise GrabError(
                f"ffmpeg took longer than {GRAB_TIMEOUT_SECONDS} s to fetch the frame; try again "
                "later, or upload the still instead."
            ) from None
        except OSError as error:
            raise GrabError(f"ffmpeg could not be started ({error.strerror}).") from None
        if done.returncode != 0 or not output.is_file() or not output.stat().st_size:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise GrabError(
                "ffmpeg could not take a frame at that time"
                + (f" ({detail[0][:200]})" if detail[0] else "")
                + ". Check the time is within the video, or upload the still instead."
            )
        return SimpleUploadedFile(f"still-{video.video_id}-{at_seconds}.png", output.read_bytes())

"""Request bodies with files: ``multipart/form-data`` with ``payload_json`` and ``files[n]``, and their size limits.

From discord/discord-api-docs, developers/reference.mdx, "Uploading Files": a body with files is
``multipart/form-data``; the JSON body travels in ``payload_json`` (or as plain form fields), each file in a
part named ``files[n]`` with a ``filename``, and ``n`` is the id an ``attachments`` entry uses for it. The
upload limit applies to each file: 10 MiB by default (the interaction's ``attachment_size_limit`` is the
limit that applies there). developers/resources/message.mdx, Create Message, "Limitations": a request is at
most 25 MiB. Too large is answered 413 with JSON code 40005 "Request entity too large"
(topics/opcodes-and-status-codes.mdx; the 413 status is what discord.py reports for it in practice).
"""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import BodyPartReader, web

from localdiscord.limits import Finding
from localdiscord.world import StoredFile

Json = dict[str, Any]

MIB = 1024 * 1024
#: The default per-file upload limit ("Uploading Files").
FILE_SIZE_LIMIT = 10 * MIB
#: The largest request a message create may be (Create Message, "Limitations").
REQUEST_SIZE_LIMIT = 25 * MIB

TOO_LARGE: Json = {"code": 40005, "message": "Request entity too large"}

_FILE_PART = re.compile(r"^files\[(\d+)\]$")


class BadBody(Exception):
    """The request body could not be read as JSON or multipart."""


async def read_body(request: web.Request) -> tuple[Any, list[StoredFile], int]:
    """The JSON body, the uploaded files (not stored yet) and the request's size in bytes."""
    if request.content_type == "multipart/form-data":
        return await _read_multipart(request)
    raw = await request.read()
    if not raw:
        return {}, [], 0
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise BadBody from exc
    return body, [], len(raw)


async def _read_multipart(request: web.Request) -> tuple[Json, list[StoredFile], int]:
    body: Json = {}
    files: list[StoredFile] = []
    size = 0
    reader = await request.multipart()
    async for part in reader:
        if not isinstance(part, BodyPartReader):
            continue
        data = await part.read()
        size += len(data)
        if part.name == "payload_json":
            try:
                body.update(json.loads(data))
            except ValueError as exc:
                raise BadBody from exc
        elif part.filename:
            match = _FILE_PART.match(part.name or "")
            files.append(
                StoredFile(
                    filename=part.filename,
                    data=bytes(data),
                    content_type=part.headers.get("Content-Type", "application/octet-stream"),
                    index=int(match.group(1)) if match else None,
                )
            )
        elif part.name:
            body[part.name] = data.decode()  # the docs' example without payload_json: plain form fields
    return body, files, size


def check_sizes(files: list[StoredFile], request_size: int, *, file_limit: int) -> list[Finding]:
    """Every file over ``file_limit`` bytes, and the whole request if it is over 25 MiB."""
    findings: list[Finding] = []
    for position, file in enumerate(files):
        if file.size > file_limit:
            name = f"files[{file.index if file.index is not None else position}]"
            findings.append(
                Finding(name, f"{file.filename}: {file.size:,} bytes > {file_limit:,}", "REQUEST_ENTITY_TOO_LARGE")
            )
    if request_size > REQUEST_SIZE_LIMIT:
        findings.append(
            Finding("files", f"request of {request_size:,} bytes > {REQUEST_SIZE_LIMIT:,}", "REQUEST_ENTITY_TOO_LARGE")
        )
    return findings

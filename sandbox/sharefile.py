"""POST /v1/tools/sharefile: host a file and hand back a link; the control API serves the bytes."""

import datetime
import email.parser
import email.policy
import re

from common import iso, media_type, new_id, now
from errors import ApiError

LIFETIME = datetime.timedelta(days=7)
_PRINTABLE = re.compile(r"[\x20-\x7e]+")


def _media_part(req):
    """(content type, bytes) of the one `media` field of a multipart/form-data body."""
    if "boundary" not in media_type(req)[1]:
        raise ApiError(400, "REQ-001", "multipart/form-data needs a boundary parameter")
    head = b"Content-Type: " + req.headers["Content-Type"].encode("latin-1") + b"\r\n\r\n"
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + req.body)
    if not message.is_multipart() or message.defects:
        raise ApiError(400, "REQ-001", "Malformed multipart/form-data body")
    parts = [p for p in message.iter_parts()
             if p.get_content_disposition() == "form-data" and p.get_param("name", header="content-disposition") == "media"]
    if len(parts) != 1:
        raise ApiError(400, "REQ-003", "media is required: send exactly one form field named media"
                       if not parts else "media is given more than once")
    part = parts[0]
    content_type = str(part.get("Content-Type", "application/octet-stream")).strip()
    if not _PRINTABLE.fullmatch(content_type):
        content_type = part.get_content_type()
    return content_type, part.get_payload(decode=True) or b""


def _share(ctx):
    mime, _ = media_type(ctx.req)
    if mime == "application/octet-stream":
        content_type, data = ctx.req.headers["Content-Type"].strip(), ctx.req.body
    elif mime == "multipart/form-data":
        content_type, data = _media_part(ctx.req)
    else:
        raise ApiError(400, "REQ-001", "Content-Type must be application/octet-stream or multipart/form-data")
    if not data:
        raise ApiError(400, "REQ-003", "media is required: the file is empty")
    file_id = new_id()
    ctx.state.files[file_id] = (content_type, data)
    return 200, {"success": True, "data": {"link": f"{ctx.req.base}/_sandbox/files/{file_id}",
                                           "expires": iso(now() + LIFETIME)}}


ROUTES = [("/v1/tools/sharefile", {"POST": _share})]

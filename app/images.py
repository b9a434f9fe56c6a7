"""Images the users bring in (scanned sign-in sheets, notice-board photos, drawn signatures):
checked before anything keeps them, because a file's name and first bytes can lie.

- Only JPEG and PNG, recognised by their content, not by the file name.
- Bounded file size and pixel count, checked before decoding the pixels (Pillow's own
  decompression-bomb guard is a warning by default; here a too-large image is refused).
- Decoded in full (a truncated or corrupt file is refused), then re-encoded: metadata (EXIF with
  GPS, comments) is dropped, the orientation applied, the long side bounded. The original is
  returned too, for callers that must keep it as received.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from app.errors import ValidationError

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}
MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 50_000_000
MAX_SIDE = 10_000
KEEP_SIDE = 2480           # A4 at 300 dpi: enough to read a signature on a scanned sheet
SIGNATURE_MAX_BYTES = 512 * 1024
SIGNATURE_MAX_SIDE = 2000


@dataclass(frozen=True)
class CheckedImage:
    file_name: str
    mime: str                 # of the original
    width: int                # of the re-encoded image
    height: int
    sha256: str               # of the original bytes
    original: bytes
    image: bytes              # re-encoded: JPEG for photos and scans, PNG when it has alpha

    @property
    def image_mime(self) -> str:
        return "image/png" if self.image[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"


def _sniff(data: bytes) -> str | None:
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    return None


def check_image(data: bytes, file_name: str = "", *, what: str = "图片",
                max_bytes: int = MAX_BYTES, keep_side: int = KEEP_SIDE) -> CheckedImage:
    """Check ``data`` and return it with a clean re-encoded copy; ValidationError otherwise."""
    name = Path(file_name).name or what
    if not data:
        raise ValidationError(f"{what}“{name}”是空文件", "image")
    if len(data) > max_bytes:
        raise ValidationError(f"{what}“{name}”有 {len(data) / 1048576:.1f} MB，超过上限 "
                              f"{max_bytes / 1048576:.0f} MB，请压缩后再添加", "image")
    kind = _sniff(data)
    if kind is None:
        raise ValidationError(f"{what}“{name}”不是 JPEG 或 PNG 图片（只接受这两种格式）",
                              "image")
    try:
        with Image.open(io.BytesIO(data), formats=[kind]) as probe:
            width, height = probe.size
            if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                raise ValidationError(
                    f"{what}“{name}”有 {width}×{height} 像素，超过上限（单边 {MAX_SIDE}、"
                    f"共 {MAX_PIXELS // 1_000_000} 百万像素）", "image")
            probe.load()
            picture = ImageOps.exif_transpose(probe)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError) as exc:
        raise ValidationError(f"{what}“{name}”已损坏或不完整，无法读取（{type(exc).__name__}）",
                              "image") from exc
    image = _reencode(picture, keep_side)
    with Image.open(io.BytesIO(image)) as clean:
        out_width, out_height = clean.size
    return CheckedImage(name, FORMATS[kind], out_width, out_height,
                        hashlib.sha256(data).hexdigest(), data, image)


def _reencode(picture: Image.Image, keep_side: int) -> bytes:
    if max(picture.size) > keep_side:
        picture = picture.copy()
        picture.thumbnail((keep_side, keep_side), Image.Resampling.LANCZOS)
    has_alpha = picture.mode in ("RGBA", "LA") or (picture.mode == "P"
                                                   and "transparency" in picture.info)
    out = io.BytesIO()
    if has_alpha:
        picture.convert("RGBA").save(out, "PNG", optimize=True)
    else:
        picture.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    return out.getvalue()


def check_signature(data: bytes) -> bytes:
    """A signature drawn on screen: a PNG of bounded size, with some ink on it."""
    try:
        checked = check_image(data, "签名.png", what="签名", max_bytes=SIGNATURE_MAX_BYTES,
                              keep_side=SIGNATURE_MAX_SIDE)
    except ValidationError as err:
        raise ValidationError(err.message, "signature") from err
    if checked.mime != "image/png":
        raise ValidationError("签名应为 PNG 图像", "signature")
    with Image.open(io.BytesIO(checked.image)) as picture:
        alpha = picture.convert("RGBA").getchannel("A")
        ink = picture.convert("L").point(lambda v: 255 if v < 160 else 0)
        if alpha.getbbox() is None or (ink.getbbox() is None and alpha.getextrema()[0] == 255):
            raise ValidationError("签名是空白的，请重新签名", "signature")
    return checked.image

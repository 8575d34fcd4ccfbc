"""Hostile and odd files, made on the spot with Pillow, pillow_heif and zlib.

Each builder returns the bytes a photographer's camera, a phone or an
attacker could hand us.
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw

GPS_IFD = 0x8825
EXIF_IFD = 0x8769


def photo(
    size: tuple[int, int] = (640, 480), colour: tuple[int, int, int] = (40, 120, 200), seed: int = 0
) -> Image.Image:
    """A picture with structure (so hashes and crops mean something)."""
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle([width // 8, height // 8, width // 2, height // 2], fill=(250, 220, 40))
    draw.ellipse([width // 2 + seed % 50, height // 3, width - 20, height - 20], fill=(200, 30, 60))
    draw.line([(0, height - 1), (width, 0)], fill=(255, 255, 255), width=max(2, width // 100))
    return image


def jpeg(image: Image.Image | None = None, *, exif: Image.Exif | None = None, quality: int = 90, **kwargs) -> bytes:
    image = image or photo()
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, exif=exif if exif is not None else b"", **kwargs)
    return buffer.getvalue()


def png(image: Image.Image | None = None) -> bytes:
    buffer = io.BytesIO()
    (image or photo()).save(buffer, "PNG")
    return buffer.getvalue()


def camera_exif(*, gps: bool = True, orientation: int | None = None) -> Image.Exif:
    """EXIF as a phone writes it: camera, date, serial number and GPS position."""
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "Canon EOS R6"
    exif[0x013B] = "Nguyễn Văn A"  # Artist
    if orientation:
        exif[0x0112] = orientation
    sub = exif.get_ifd(EXIF_IFD)
    sub[0x9003] = "2025:09:14 07:30:15"  # DateTimeOriginal
    sub[0xA431] = "SERIAL-0042"  # BodySerialNumber
    if gps:
        gps_ifd = exif.get_ifd(GPS_IFD)
        gps_ifd[1] = "N"
        gps_ifd[2] = (22.0, 20.0, 10.5)  # Sa Pa
        gps_ifd[3] = "E"
        gps_ifd[4] = (103.0, 50.0, 40.2)
    return exif


def text_renamed_jpg() -> bytes:
    return "Đây không phải là ảnh, chỉ là một tệp văn bản.\n".encode() * 20


def truncated_jpeg() -> bytes:
    data = jpeg(photo((800, 600)))
    return data[: len(data) // 2]


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" + b"\x00" * 3 * 16, 9)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def cmyk_jpeg() -> bytes:
    """Pure red in CMYK (0% cyan, 100% magenta, 100% yellow, 0% black)."""
    image = Image.new("CMYK", (320, 200), (0, 255, 255, 0))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def png_16bit() -> bytes:
    """A 16-bit greyscale gradient, from black to white."""
    image = Image.new("I;16", (256, 64))
    image.putdata([x * 257 for _y in range(64) for x in range(256)])
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def animated_gif(frames: int = 4) -> bytes:
    images = [photo((480, 360), colour=(40 * i, 100, 200 - 40 * i), seed=i * 10).convert("P") for i in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:], duration=120, loop=0,
                   comment=b"shot by phone IMEI 356938035643809")
    return buffer.getvalue()


def heic(image: Image.Image | None = None, *, exif: Image.Exif | None = None) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    (image or photo()).save(buffer, "HEIF", quality=90, exif=exif.tobytes() if exif is not None else None)
    return buffer.getvalue()


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
        b'<script>fetch("/admin/").then(r => r.text()).then(alert)</script>'
        b'<circle cx="50" cy="50" r="40" fill="red" onload="alert(1)"/></svg>'
    )


def mp4_header(brand: bytes = b"isom") -> bytes:
    """The start of an MP4 file (ftyp box) followed by an empty mdat box."""
    ftyp = struct.pack(">I", 24) + b"ftyp" + brand + b"\x00\x00\x02\x00" + brand + b"mp41"
    return ftyp + struct.pack(">I", 16) + b"mdat" + b"\x00" * 8


def pdf(text: str = "Lào Cai", *, open_action: dict | None = None, object_streams: bool = False) -> bytes:
    """A one-page PDF written by qpdf (pikepdf); ``open_action`` is run by
    readers when it opens; ``object_streams`` hides objects in compressed streams."""
    import pikepdf

    document = pikepdf.new()
    document.add_blank_page()
    document.docinfo["/Title"] = text
    if open_action is not None:  # "/Name" strings are PDF names
        document.Root.OpenAction = pikepdf.Dictionary({
            key: pikepdf.Name(value) if isinstance(value, str) and value.startswith("/") else value
            for key, value in open_action.items()
        })
    buffer = io.BytesIO()
    mode = pikepdf.ObjectStreamMode.generate if object_streams else pikepdf.ObjectStreamMode.disable
    document.save(buffer, static_id=True, object_stream_mode=mode, compress_streams=object_streams)
    return buffer.getvalue()


def pdf_with_hex_escaped_javascript() -> bytes:
    """``/S /Java#53cript``: the same name as /JavaScript to every reader, not to a byte search."""
    import pikepdf

    placeholder = "/JavaScriptXY"  # as long as the escaped spelling, so the offsets stay right
    data = pdf(open_action={"/S": placeholder, "/JS": pikepdf.String("app.alert(1)")})
    escaped = data.replace(placeholder.encode(), b"/Java#53cript").replace(b"/JS ", b"/J#53 ")
    assert b"/JavaScript" not in escaped and b"/JS" not in escaped
    return escaped

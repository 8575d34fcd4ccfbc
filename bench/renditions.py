"""Rendition benchmark: the media pipeline against a raw Pillow baseline.

    .venv/bin/python bench/renditions.py --images 4

Makes N photo-like 24-megapixel (6000 × 4000) JPEGs, ingests them through the
pipeline into a throw-away SQLite database and media folder, then for every
image and preset times, in the same run and interleaved:

* baseline: raw Pillow — draft-mode decode, ``reduce``, centre crop, LANCZOS
  resize, plain JPEG save to memory;
* pipeline: ``media_pipeline.renditions.render()`` — a Wagtail rendition with
  focal point handling, the brand frame on social presets, a progressive
  optimised JPEG written to storage and its row to the database (the cache is
  emptied first, so every call really renders).

Prints median, p95 and items/s for both, and the throughput ratio
(target: pipeline ≥ 2/3 of the baseline).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time

from common import p95  # also puts the repository on the import path


def setup_django(workdir: str) -> None:
    os.environ["STORYBANK_VAR_DIR"] = workdir
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("S3_BUCKET", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "storybank.settings.dev"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = os.path.join(workdir, "media")
    call_command("migrate", verbosity=0)


def photo_like_jpeg(seed: int, size: tuple[int, int] = (6000, 4000)) -> bytes:
    """A 24 MP JPEG with gradients, shapes and sensor-like noise (so it
    compresses like a photograph, about 3.5 MB, not like a flat test card)."""
    from PIL import Image, ImageDraw, ImageFilter

    width, height = size
    small = Image.new("RGB", (width // 8, height // 8))
    draw = ImageDraw.Draw(small)
    for y in range(small.height):
        t = y / small.height
        draw.line([(0, y), (small.width, y)], fill=(int(90 + 120 * t), int(140 + 60 * t), int(210 - 90 * t)))
    for index in range(40):
        x, y = (seed * 97 + index * 131) % small.width, (seed * 53 + index * 71) % small.height
        radius = 10 + (index * 37) % 90
        draw.ellipse([x - radius, y - radius, x + radius, y + radius],
                     fill=((index * 40) % 256, (index * 90 + seed) % 256, (index * 20) % 256))
    picture = small.resize(size, Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    noise = Image.effect_noise(size, 24).convert("RGB")
    picture = Image.blend(picture, noise, 0.12)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def baseline(data: bytes, spec: str) -> int:
    """Raw Pillow: what a hand-written script would do for one preset."""
    from PIL import Image

    operation, dimensions = spec.split("-", 1)
    target_w, target_h = (int(value) for value in dimensions.split("x"))
    picture = Image.open(io.BytesIO(data))
    width, height = picture.size
    if operation == "fill":
        scale = max(target_w / width, target_h / height)
    else:
        scale = min(target_w / width, target_h / height, 1.0)
    picture.draft("RGB", (int(width * scale), int(height * scale)))
    factor = int(min(picture.width / max(width * scale, 1), picture.height / max(height * scale, 1)))
    if factor >= 2:
        picture = picture.reduce(factor)
    width, height = picture.size
    if operation == "fill":
        ratio = target_w / target_h
        crop_w, crop_h = (height * ratio, height) if width / height > ratio else (width, width / ratio)
        left, top = (width - crop_w) / 2, (height - crop_h) / 2
        picture = picture.crop((round(left), round(top), round(left + crop_w), round(top + crop_h)))
        output_size = (target_w, target_h)
    else:
        fit = min(target_w / width, target_h / height, 1.0)
        output_size = (round(width * fit), round(height * fit))
    picture = picture.resize(output_size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=82)
    return len(buffer.getvalue())


def forget_renditions(image) -> None:
    """Not timed: make the next render() really render."""
    from django.core.cache import cache

    image.renditions.all().delete()
    cache.clear()


def pipeline(image, preset: str) -> int:
    from media_pipeline.renditions import PRESETS, render

    rendition = render(image, preset, "jpeg", branded=PRESETS[preset].social)
    return rendition.file.size


def summary(name: str, timings: list[float]) -> tuple[str, float]:
    rate = len(timings) / sum(timings)
    return (f"{name:<24} {statistics.median(timings) * 1000:>9.1f} ms {p95(timings) * 1000:>9.1f} ms {rate:>9.2f}",
            rate)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=4, help="number of 24 MP test images (default 4)")
    parser.add_argument("--rounds", type=int, default=1, help="times each image × preset is measured")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="laocai-bench-") as workdir:
        setup_django(workdir)
        from media_pipeline.ingest import ingest_image
        from media_pipeline.renditions import PRESETS

        print(f"Making {arguments.images} photo-like 6000×4000 JPEGs…", flush=True)
        sources, images = [], []
        for number in range(arguments.images):
            data = photo_like_jpeg(number)
            started = time.perf_counter()
            image = ingest_image(data, filename=f"bench-{number}.jpg", credit="Ảnh: Benchmark", licence="cc-by-4.0")
            print(f"  image {number}: {len(data) / 1e6:.1f} MB, ingested in {time.perf_counter() - started:.2f} s")
            with image.asset.open_file() as handle:
                sources.append(handle.read())  # the baseline starts from the same master
            images.append(image.asset)

        base_times: list[float] = []
        pipe_times: list[float] = []
        for _round in range(arguments.rounds):
            for data, image in zip(sources, images, strict=True):
                for preset in PRESETS.values():
                    started = time.perf_counter()
                    baseline(data, preset.spec)
                    base_times.append(time.perf_counter() - started)
                    forget_renditions(image)
                    started = time.perf_counter()
                    pipeline(image, preset.name)
                    pipe_times.append(time.perf_counter() - started)

        print(f"\n{len(base_times)} renditions each ({arguments.images} images × {len(PRESETS)} presets"
              f" × {arguments.rounds} round(s)), JPEG\n")
        print(f"{'':<24} {'median':>12} {'p95':>12} {'items/s':>9}")
        base_line, base_rate = summary("baseline (raw Pillow)", base_times)
        pipe_line, pipe_rate = summary("pipeline (render())", pipe_times)
        print(base_line)
        print(pipe_line)
        ratio = pipe_rate / base_rate
        verdict = "meets" if ratio >= 2 / 3 else "MISSES"
        print(f"\npipeline / baseline throughput: {ratio:.2f} ({verdict} the target of 0.67)")


if __name__ == "__main__":
    main()

"""Bulk import: a folder with a CSV (or XLSX) of good and bad rows."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils.timezone import localtime

from storybank.assets.models import LaoCaiImage, MediaAsset

from . import files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]  # messages read in English

HEADER = ["filename", "title", "credit", "licence", "caption", "alt_text", "alt_en", "caption_zh-hans", "place",
          "ethnic_groups", "consent", "rights_expire_on", "captured_at"]

ROWS = [
    # row 2: good photo with everything
    ["photos/y-ty.jpg", "Ruộng bậc thang Y Tý", "Ảnh: Nguyễn Văn A", "CC BY", "Mùa nước đổ",
     "Ruộng bậc thang ngập nước", "Flooded terraces", "梯田", "sa-pa", "hmong; dao", "yes", "2031-12-31", ""],
    # row 3: unknown licence
    ["photos/b.jpg", "B", "Ảnh: B", "all rights reserved", "", "", "", "", "", "", "", "", ""],
    # row 4: missing credit
    ["photos/c.jpg", "C", "", "cc-by-4.0", "", "", "", "", "", "", "", "", ""],
    # row 5: unreadable file (text renamed .jpg)
    ["photos/fake.jpg", "Fake", "Ảnh: D", "cc0", "", "", "", "", "", "", "", "", ""],
    # row 6: good document
    ["docs/bao-cao.pdf", "Báo cáo du lịch 2025", "Sở VHTTDL", "gov", "", "", "", "", "", "", "", "", ""],
    # row 7: file missing
    ["photos/missing.jpg", "Missing", "Ảnh: E", "cc-by-4.0", "", "", "", "", "", "", "", "", ""],
    # row 8: good photo, date given in the sheet wins over EXIF
    ["photos/cho-phien.jpg", "Chợ phiên Bắc Hà", "Ảnh: F", "press", "", "", "", "", "", "", "no", "",
     "2024-03-10 06:45"],
    # row 9: path escaping the folder
    ["../secret.jpg", "Escape", "Ảnh: G", "cc-by-4.0", "", "", "", "", "", "", "", "", ""],
    # row 10: unknown place
    ["photos/d.jpg", "D", "Ảnh: H", "cc-by-4.0", "", "", "", "", "nowhere", "", "", "", ""],
]


@pytest.fixture
def folder(tmp_path, unit, taxonomy):
    photos, docs = tmp_path / "photos", tmp_path / "docs"
    photos.mkdir()
    docs.mkdir()
    (photos / "y-ty.jpg").write_bytes(files.jpeg(files.photo((1200, 800), seed=1), exif=files.camera_exif()))
    (photos / "b.jpg").write_bytes(files.jpeg(files.photo((800, 600), colour=(10, 200, 10))))
    (photos / "c.jpg").write_bytes(files.jpeg(files.photo((800, 600), colour=(200, 10, 10))))
    (photos / "d.jpg").write_bytes(files.jpeg(files.photo((800, 600), colour=(90, 90, 10))))
    (photos / "fake.jpg").write_bytes(files.text_renamed_jpg())
    (photos / "cho-phien.jpg").write_bytes(files.jpeg(files.photo((900, 900), colour=(240, 240, 240), seed=40),
                                                      exif=files.camera_exif()))
    (docs / "bao-cao.pdf").write_bytes(files.pdf())
    (tmp_path.parent / "secret.jpg").write_bytes(files.jpeg())
    sheet = tmp_path / "metadata.csv"
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    return tmp_path


def run_import(folder, metadata, unit="Báo Lào Cai"):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_assets", str(folder), "--metadata", str(metadata), "--unit", unit, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_gives_exactly_the_expected_assets_and_error_report(folder, unit, taxonomy):
    out, err = run_import(folder, folder / "metadata.csv")

    assert sorted(LaoCaiImage.objects.values_list("title", flat=True)) == ["Chợ phiên Bắc Hà", "Ruộng bậc thang Y Tý"]
    assert list(MediaAsset.objects.values_list("title", flat=True)) == ["Báo cáo du lịch 2025"]

    errors = [line for line in err.splitlines() if line.startswith("row ")]
    assert [line.split(":")[0] for line in errors] == ["row 3", "row 4", "row 5", "row 7", "row 9", "row 10"]
    report = "\n".join(errors)
    assert "unknown licence “all rights reserved”" in report
    assert "row 4: credit is missing" in report
    assert "row 5: photos/fake.jpg: The content of this file is not a picture" in report
    assert "row 7: file “photos/missing.jpg” not found" in report
    assert "row 9: “../secret.jpg” is outside the folder" in report
    assert "row 10: unknown place “nowhere”" in report
    assert "9 rows: 3 imported, 0 already in the bank, 6 refused" in out

    terraces = LaoCaiImage.objects.get(title="Ruộng bậc thang Y Tý")
    assert terraces.credit == "Ảnh: Nguyễn Văn A" and terraces.licence == "cc-by-4.0"
    assert terraces.source_unit == unit and terraces.place == taxonomy["place"]
    assert set(terraces.ethnic_groups.values_list("slug", flat=True)) == {"hmong", "dao"}
    assert terraces.consent_status == "obtained" and str(terraces.rights_expire_on) == "2031-12-31"
    assert terraces.description == "Ruộng bậc thang ngập nước" and terraces.caption == "Mùa nước đổ"
    assert terraces.localized_text == {"en": {"alt": "Flooded terraces"}, "zh-hans": {"caption": "梯田"}}
    assert localtime(terraces.captured_at).isoformat() == "2025-09-14T07:30:15+07:00"  # from EXIF
    market = LaoCaiImage.objects.get(title="Chợ phiên Bắc Hà")
    assert localtime(market.captured_at).isoformat() == "2024-03-10T06:45:00+07:00"  # the sheet wins
    assert market.licence == "press-only" and market.consent_status == "missing"
    assert MediaAsset.objects.get().licence == "gov-reuse"


def test_second_run_adds_nothing(folder, unit, taxonomy):
    run_import(folder, folder / "metadata.csv")
    counts = (LaoCaiImage.objects.count(), MediaAsset.objects.count())
    out, err = run_import(folder, folder / "metadata.csv")
    assert (LaoCaiImage.objects.count(), MediaAsset.objects.count()) == counts
    assert "9 rows: 0 imported, 3 already in the bank, 6 refused" in out


def test_fixing_a_bad_row_imports_only_that_row(folder, unit, taxonomy):
    run_import(folder, folder / "metadata.csv")
    fixed = [row[:] for row in ROWS]
    fixed[1][3] = "cc-by-4.0"  # row 3 gets a real licence
    with (folder / "metadata.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *fixed])
    out, _err = run_import(folder, folder / "metadata.csv")
    assert "9 rows: 1 imported, 3 already in the bank, 5 refused" in out
    assert LaoCaiImage.objects.filter(title="B").exists()


def test_xlsx_metadata(folder, unit, taxonomy):
    import datetime

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["photos/y-ty.jpg", "Y Tý", "Ảnh: A", "cc-by-4.0", "", "", "", "", "", "", "",
                  datetime.datetime(2030, 6, 30), datetime.datetime(2023, 1, 2, 8, 0)])
    sheet.append(["photos/b.jpg", "B", "", "cc-by-4.0"])
    workbook.save(folder / "metadata.xlsx")
    out, err = run_import(folder, folder / "metadata.xlsx", unit="bao-lao-cai")
    assert "2 rows: 1 imported, 0 already in the bank, 1 refused" in out
    assert "row 3: credit is missing" in err
    image = LaoCaiImage.objects.get()
    assert str(image.rights_expire_on) == "2030-06-30" and image.captured_at.year == 2023


def test_unknown_unit_and_missing_folder_stop_before_importing(folder, unit):
    with pytest.raises(CommandError, match="unknown contributing unit"):
        run_import(folder, folder / "metadata.csv", unit="Sở Không Tồn Tại")
    with pytest.raises(CommandError, match="is not a folder"):
        run_import(folder / "nope", folder / "metadata.csv")
    assert LaoCaiImage.objects.count() == 0

"""Demo photos drawn with Pillow: mountains, terraces, the border city,
brocade patterns and product still lifes. Nothing is downloaded; the same
spec always draws the same picture."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1600, 1067


@dataclass(frozen=True)
class ImageSpec:
    title: str
    scene: str  # mountains | terraces | city | brocade | product
    alt: str
    alt_en: str
    credit: str
    licence: str
    place: str
    groups: tuple[str, ...] = ()


CREDIT_PRESS = "Báo và Phát thanh, Truyền hình Lào Cai"
CREDIT_CULTURE = "Sở Văn hóa, Thể thao và Du lịch Lào Cai"
CREDIT_TRADE = "Sở Công Thương Lào Cai"

IMAGE_SPECS: list[ImageSpec] = [
    ImageSpec("Đỉnh Fansipan trong mây", "mountains", "Đỉnh Fansipan nhô lên trên biển mây", "Fansipan peak above a sea of clouds", CREDIT_CULTURE, "cc-by-4.0", "fansipan"),
    ImageSpec("Cáp treo Fansipan", "mountains", "Cabin cáp treo vượt thung lũng Mường Hoa", "Cable car cabin crossing the Muong Hoa valley", CREDIT_PRESS, "gov-reuse", "sa-pa"),
    ImageSpec("Rừng đỗ quyên Hoàng Liên", "mountains", "Hoa đỗ quyên đỏ trên sườn núi Hoàng Liên", "Red rhododendrons on the Hoang Lien slopes", CREDIT_CULTURE, "cc-by-sa-4.0", "fansipan"),
    ImageSpec("Ruộng bậc thang Y Tý mùa nước đổ", "terraces", "Ruộng bậc thang Y Tý ngập nước phản chiếu bầu trời", "Flooded terraces in Y Ty reflecting the sky", CREDIT_PRESS, "cc-by-4.0", "y-ty", ("ha-nhi",)),
    ImageSpec("Bản Tả Van", "terraces", "Nhà sàn bản Tả Van bên ruộng lúa", "Stilt houses of Ta Van by the rice fields", CREDIT_CULTURE, "cc-by-4.0", "ta-van", ("giay",)),
    ImageSpec("Băng tuyết Sa Pa", "mountains", "Cây phủ băng trắng trên đèo Ô Quy Hồ", "Frost-covered trees on the O Quy Ho pass", CREDIT_PRESS, "press-only", "sa-pa"),
    ImageSpec("Cửa khẩu quốc tế Kim Thành", "city", "Xe container chờ thông quan tại cửa khẩu Kim Thành", "Container lorries waiting at Kim Thanh border gate", CREDIT_TRADE, "gov-reuse", "kim-thanh"),
    ImageSpec("Cầu Kim Thành", "city", "Cầu đường bộ qua sông Hồng nối Lào Cai và Hà Khẩu", "Road bridge over the Red River between Lao Cai and Hekou", CREDIT_TRADE, "gov-reuse", "kim-thanh"),
    ImageSpec("Ga Lào Cai", "city", "Đoàn tàu dừng ở ga Lào Cai", "A train at Lao Cai station", CREDIT_PRESS, "cc-by-4.0", "lao-cai"),
    ImageSpec("Chợ phiên Bắc Hà", "brocade", "Người H'Mông mặc trang phục sặc sỡ ở chợ Bắc Hà", "Hmong people in colourful dress at Bac Ha market", CREDIT_PRESS, "cc-by-4.0", "bac-ha", ("hmong",)),
    ImageSpec("Quầy rượu ngô chợ Bắc Hà", "product", "Can rượu ngô bày bán ở chợ Bắc Hà", "Corn wine for sale at Bac Ha market", CREDIT_PRESS, "cc-by-4.0", "bac-ha", ("hmong",)),
    ImageSpec("Dứa Mường Khương", "terraces", "Đồi dứa Mường Khương", "Pineapple hills of Muong Khuong", CREDIT_TRADE, "cc-by-4.0", "muong-khuong"),
    ImageSpec("Cây nêu lễ hội Gầu Tào", "brocade", "Cây nêu giữa sân lễ hội Gầu Tào", "The pole at the centre of the Gau Tao festival", CREDIT_CULTURE, "cc-by-sa-4.0", "muong-khuong", ("hmong",)),
    ImageSpec("Thêu thổ cẩm Dao đỏ", "brocade", "Bàn tay phụ nữ Dao đỏ thêu hoa văn", "A Red Dao woman's hands embroidering a pattern", CREDIT_CULTURE, "cc-by-4.0", "sa-pa", ("dao",)),
    ImageSpec("Hoa văn thổ cẩm", "brocade", "Cận cảnh hoa văn thổ cẩm nhiều màu", "Close-up of a multicoloured brocade pattern", CREDIT_CULTURE, "cc0-1.0", "sa-pa", ("dao", "hmong")),
    ImageSpec("Đàn tính và hát Then", "brocade", "Nghệ nhân Tày ôm đàn tính", "A Tay artist holding a tinh lute", CREDIT_PRESS, "cc-by-4.0", "van-ban", ("tay",)),
    ImageSpec("Mù Cang Chải mùa vàng", "terraces", "Ruộng bậc thang vàng óng ở Mù Cang Chải", "Golden terraces of Mu Cang Chai", CREDIT_PRESS, "cc-by-4.0", "mu-cang-chai", ("hmong",)),
    ImageSpec("Rượu ngô Bản Phố", "product", "Chai rượu ngô Bản Phố", "A bottle of Ban Pho corn wine", CREDIT_TRADE, "cc-by-4.0", "bac-ha"),
    ImageSpec("Gạo Séng Cù", "product", "Túi gạo Séng Cù Bát Xát", "A bag of Seng Cu rice from Bat Xat", CREDIT_TRADE, "cc-by-4.0", "bat-xat"),
    ImageSpec("Thuốc tắm Dao đỏ", "product", "Gói lá thuốc tắm Dao đỏ", "A pack of Red Dao bath herbs", CREDIT_TRADE, "cc-by-4.0", "sa-pa", ("dao",)),
    ImageSpec("Cá hồi Sa Pa", "product", "Cá hồi tươi Sa Pa", "Fresh Sa Pa salmon", CREDIT_TRADE, "gov-reuse", "sa-pa"),
    ImageSpec("Quế Văn Bàn", "product", "Bó vỏ quế Văn Bàn", "Bundles of Van Ban cinnamon bark", CREDIT_TRADE, "cc-by-4.0", "van-ban"),
    ImageSpec("Chè Shan tuyết Y Tý", "terraces", "Cây chè Shan tuyết cổ thụ ở Y Tý", "Ancient Shan tuyet tea trees in Y Ty", CREDIT_TRADE, "cc-by-4.0", "y-ty", ("ha-nhi",)),
    ImageSpec("Táo mèo sấy", "product", "Táo mèo thái lát phơi khô", "Sliced dried Docynia fruit", CREDIT_TRADE, "cc-by-4.0", "mu-cang-chai"),
    ImageSpec("Thổ cẩm H'Mông hoa", "brocade", "Vải thổ cẩm H'Mông hoa Si Ma Cai", "Flower Hmong brocade from Si Ma Cai", CREDIT_TRADE, "cc-by-4.0", "si-ma-cai", ("hmong",)),
    ImageSpec("Lễ cấp sắc", "brocade", "Thầy cúng Dao trong lễ cấp sắc", "A Dao master of ceremonies at a coming-of-age rite", CREDIT_CULTURE, "press-only", "van-ban", ("dao",)),
    ImageSpec("Lễ hội Roóng Poọc", "terraces", "Ném còn trong lễ hội Roóng Poọc", "Throwing the con ball at the Roong Pooc festival", CREDIT_CULTURE, "cc-by-4.0", "ta-van", ("giay",)),
    ImageSpec("Múa khèn H'Mông", "mountains", "Nghệ nhân H'Mông múa khèn", "A Hmong master dancing with the khen", CREDIT_PRESS, "cc-by-4.0", "bac-ha", ("hmong",)),
    ImageSpec("Nhà trình tường Hà Nhì", "mountains", "Nhà trình tường mái cỏ ở Y Tý", "Rammed-earth houses with thatched roofs in Y Ty", CREDIT_CULTURE, "cc-by-4.0", "y-ty", ("ha-nhi",)),
    ImageSpec("Thắng cố chợ phiên", "product", "Chảo thắng cố nghi ngút khói", "A steaming pan of thang co stew", CREDIT_PRESS, "cc-by-4.0", "bac-ha", ("hmong",)),
]

PALETTES = {
    "mountains": [(120, 170, 220), (60, 90, 120), (40, 70, 60)],
    "terraces": [(150, 200, 230), (90, 150, 60), (200, 170, 60)],
    "city": [(200, 210, 220), (110, 110, 120), (180, 60, 40)],
    "brocade": [(30, 30, 80), (200, 30, 60), (240, 200, 40)],
    "product": [(235, 225, 205), (120, 70, 40), (60, 120, 70)],
}


def _vertical_gradient(draw: ImageDraw.ImageDraw, top: tuple, bottom: tuple, height: int) -> None:
    for y in range(height):
        t = y / max(height - 1, 1)
        color = tuple(int(top[i] * (1 - t) + bottom[i] * t) for i in range(3))
        draw.line([(0, y), (WIDTH, y)], fill=color)


def draw_image(spec: ImageSpec, seed: int) -> bytes:
    """Draw the picture for ``spec`` and return JPEG bytes."""
    rng = random.Random(seed)
    sky, mid, accent = PALETTES[spec.scene]
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    _vertical_gradient(draw, sky, tuple(min(255, c + 60) for c in sky), HEIGHT)

    if spec.scene in ("mountains", "terraces"):
        for layer in range(4):
            base = 380 + layer * 140
            shade = tuple(max(0, c - layer * 18) for c in mid)
            points = [(0, HEIGHT)]
            for x in range(0, WIDTH + 80, 80):
                points.append((x, base - rng.randint(0, 220 - layer * 40)))
            points.append((WIDTH, HEIGHT))
            draw.polygon(points, fill=shade)
        if spec.scene == "terraces":
            for y in range(560, HEIGHT, 38):
                draw.arc([-200, y - 120, WIDTH + 200, y + 160], 190, 350, fill=accent, width=6)
        draw.ellipse([1250, 120, 1370, 240], fill=(255, 236, 170))
    elif spec.scene == "city":
        draw.rectangle([0, 760, WIDTH, HEIGHT], fill=(90, 120, 150))  # river
        for x in range(40, WIDTH, 130):
            h = rng.randint(180, 420)
            draw.rectangle([x, 760 - h, x + 100, 760], fill=tuple(c - rng.randint(0, 40) for c in mid))
        draw.rectangle([0, 700, WIDTH, 730], fill=accent)  # bridge deck
        for x in range(0, WIDTH, 200):
            draw.line([(x, 700), (x + 100, 600), (x + 200, 700)], fill=accent, width=8)
    elif spec.scene == "brocade":
        size = 120
        for row, y in enumerate(range(0, HEIGHT, size)):
            for col, x in enumerate(range(0, WIDTH, size)):
                color = [sky, mid, accent][(row + col + seed) % 3]
                draw.rectangle([x, y, x + size, y + size], fill=color)
                draw.polygon([(x + size / 2, y + 10), (x + size - 10, y + size / 2),
                              (x + size / 2, y + size - 10), (x + 10, y + size / 2)], fill=accent if color != accent else mid)
                draw.ellipse([x + 48, y + 48, x + 72, y + 72], fill=(250, 250, 240))
    else:  # product still life
        draw.rectangle([0, 700, WIDTH, HEIGHT], fill=mid)
        for i in range(3):
            x = 380 + i * 360 + rng.randint(-30, 30)
            h = rng.randint(260, 420)
            draw.rounded_rectangle([x, 700 - h, x + 220, 720], radius=40, fill=accent if i % 2 else mid)
            draw.rectangle([x + 40, 700 - h + 120, x + 180, 700 - h + 220], fill=(245, 240, 225))

    image = image.filter(ImageFilter.GaussianBlur(1.2))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, optimize=True)
    return buffer.getvalue()

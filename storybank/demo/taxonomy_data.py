"""Demo taxonomy: real communes and wards of Lào Cai, its ethnic groups,
topics and contributing units. Coordinates are approximate centres."""

ETHNIC_GROUPS = [
    # slug, Vietnamese name, autonym, {locale: translated name}
    ("hmong", "H'Mông", "Hmoob", {"en": "Hmong", "zh-hans": "赫蒙族", "hmn": "Hmoob", "fr": "Hmong"}),
    ("dao", "Dao", "Kìm Miền", {"en": "Dao", "zh-hans": "瑶族", "hmn": "Dao", "fr": "Dao"}),
    ("tay", "Tày", "Tày", {"en": "Tay", "zh-hans": "岱依族", "fr": "Tày"}),
    ("giay", "Giáy", "Dẩng", {"en": "Giay", "zh-hans": "热依族", "fr": "Giáy"}),
    ("ha-nhi", "Hà Nhì", "Haqniq", {"en": "Ha Nhi", "zh-hans": "哈尼族", "fr": "Hà Nhì"}),
    ("phu-la", "Phù Lá", "Xá Phó", {"en": "Phu La", "zh-hans": "普拉族", "fr": "Phù Lá"}),
    ("nung", "Nùng", "Nùng", {"en": "Nung", "zh-hans": "侬族", "fr": "Nùng"}),
    ("thai", "Thái", "Tay", {"en": "Thai", "zh-hans": "泰族", "fr": "Thaï"}),
    ("bo-y", "Bố Y", "Pu Dí", {"en": "Bo Y", "zh-hans": "布依族", "fr": "Bố Y"}),
    ("la-chi", "La Chí", "Cù Tê", {"en": "La Chi", "zh-hans": "拉基族", "fr": "La Chí"}),
]

PLACES = [
    # slug, Vietnamese name, kind, latitude, longitude, {locale: name}
    ("sa-pa", "Sa Pa", "ward", "22.336400", "103.843800", {"en": "Sa Pa", "zh-hans": "沙坝", "hmn": "Sa Pa"}),
    ("bac-ha", "Bắc Hà", "commune", "22.539400", "104.289700", {"en": "Bac Ha", "zh-hans": "北河"}),
    ("y-ty", "Y Tý", "commune", "22.633300", "103.616700", {"en": "Y Ty", "zh-hans": "伊蒂"}),
    ("bat-xat", "Bát Xát", "commune", "22.537800", "103.887800", {"en": "Bat Xat", "zh-hans": "八刹"}),
    ("lao-cai", "Lào Cai", "ward", "22.485600", "103.970700", {"en": "Lao Cai", "zh-hans": "老街"}),
    ("cam-duong", "Cam Đường", "ward", "22.421900", "104.005300", {"en": "Cam Duong", "zh-hans": "甘塘"}),
    ("muong-khuong", "Mường Khương", "commune", "22.766700", "104.116700", {"en": "Muong Khuong", "zh-hans": "孟康"}),
    ("si-ma-cai", "Si Ma Cai", "commune", "22.694400", "104.283300", {"en": "Si Ma Cai", "zh-hans": "西马街"}),
    ("ta-van", "Tả Van", "commune", "22.308600", "103.890000", {"en": "Ta Van", "zh-hans": "达文"}),
    ("mu-cang-chai", "Mù Cang Chải", "commune", "21.850000", "104.083300", {"en": "Mu Cang Chai", "zh-hans": "木江界"}),
    ("nghia-lo", "Nghĩa Lộ", "ward", "21.600000", "104.516700", {"en": "Nghia Lo", "zh-hans": "义路"}),
    ("van-ban", "Văn Bàn", "commune", "22.066700", "104.233300", {"en": "Van Ban", "zh-hans": "文盘"}),
    ("kim-thanh", "Cửa khẩu Kim Thành", "landmark", "22.506400", "103.961100",
     {"en": "Kim Thanh border gate", "zh-hans": "金城口岸"}),
    ("fansipan", "Fansipan", "landmark", "22.303300", "103.775000", {"en": "Fansipan", "zh-hans": "番西邦峰"}),
]

TOPICS = [
    ("tourism", "Du lịch", {"en": "Tourism", "zh-hans": "旅游"}),
    ("trade", "Thương mại – cửa khẩu", {"en": "Trade and border gates", "zh-hans": "贸易与口岸"}),
    ("festivals", "Lễ hội", {"en": "Festivals", "zh-hans": "节庆"}),
    ("agriculture", "Nông nghiệp", {"en": "Agriculture", "zh-hans": "农业"}),
    ("crafts", "Nghề thủ công", {"en": "Crafts", "zh-hans": "手工艺"}),
    ("cuisine", "Ẩm thực", {"en": "Cuisine", "zh-hans": "美食"}),
    ("nature", "Thiên nhiên", {"en": "Nature", "zh-hans": "自然"}),
]

UNITS = [
    # slug, name, kind, place slug
    ("so-vhttdl", "Sở Văn hóa, Thể thao và Du lịch tỉnh Lào Cai", "department", "lao-cai"),
    ("so-cong-thuong", "Sở Công Thương tỉnh Lào Cai", "department", "lao-cai"),
    ("so-nong-nghiep", "Sở Nông nghiệp và Môi trường tỉnh Lào Cai", "department", "lao-cai"),
    ("bao-lao-cai", "Báo và Phát thanh, Truyền hình Lào Cai", "press", "lao-cai"),
    ("phuong-sa-pa", "UBND phường Sa Pa", "ward", "sa-pa"),
    ("xa-bac-ha", "UBND xã Bắc Hà", "commune", "bac-ha"),
    ("xa-y-ty", "UBND xã Y Tý", "commune", "y-ty"),
    ("xa-mu-cang-chai", "UBND xã Mù Cang Chải", "commune", "mu-cang-chai"),
]

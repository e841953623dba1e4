"""The provincial e-government structure of Article 6, as data.

Names are exactly those of the seed document (the Gilan governorate's page), with the
zero-width non-joiners it lacked restored. ``{province}`` and ``{capital}`` are filled in
by ``load_structure`` so that any province can load the same structure.
"""

from __future__ import annotations

LEGAL_PARAGRAPH = (
    "به استناد ماده ۶ «ضوابط فنی و اجرایی توسعه دولت الکترونیک» مصوب ششمین جلسه شورای عالی "
    "فناوری اطلاعات کشور در تاریخ ۱۳۹۲/۱۲/۲۰ ابلاغی به شماره ۱۴۵/۲۰۰ مورخ ۱۳۹۳/۰۶/۱۱، "
    "استانداری‌های کشور مکلف شدند «کارگروه توسعه دولت الکترونیک استان» را به‌منظور توسعه "
    "یکپارچه خدمات الکترونیکی، ایجاد استان الکترونیکی و هوشمند تشکیل دهند. مصوبات کارگروه در "
    "چارچوب مصوبات شورا و کمیسیون برای کلیه دستگاه‌های اجرایی استان الزامی است."
)

ARTICLE_6 = {
    "key": "article6",
    "title": "ضوابط فنی و اجرایی توسعه دولت الکترونیک",
    "article": "ماده ۶",
    "kind": "regulation",
    "approving_authority": "شورای عالی فناوری اطلاعات کشور",
    "approval_session": "ششمین جلسه",
    "approval_date": (1392, 12, 20),
    "letter_number": "145/200",
    "letter_date": (1393, 6, 11),
    "text": LEGAL_PARAGRAPH,
}

FOUNDING_RESOLUTIONS = [
    {
        "key": "resolution_alef",
        "title": "مصوبه «الف» صورتجلسه کارگروه توسعه دولت الکترونیک استان",
        "article": "بند الف",
        "kind": "resolution",
        "approving_authority": "کارگروه توسعه دولت الکترونیک استان",
        "approval_session": "جلسه مورخ ۱۳۹۴/۰۲/۰۷",
        "approval_date": (1394, 2, 7),
        "text": (
            "به‌منظور نگاه تخصصی به مباحث دولت الکترونیک، «کمیته راهبری دولت الکترونیک استان» "
            "ایجاد شد که مدیران فناوری اطلاعات عضو آن می‌باشند."
        ),
    },
    {
        "key": "resolution_jim",
        "title": "مصوبه «ج» صورتجلسه کارگروه توسعه دولت الکترونیک استان",
        "article": "بند ج",
        "kind": "resolution",
        "approving_authority": "کارگروه توسعه دولت الکترونیک استان",
        "approval_session": "جلسه مورخ ۱۳۹۴/۰۲/۰۷",
        "approval_date": (1394, 2, 7),
        "text": (
            "زیرکمیته‌های فنی چهارگانه با عناوین «کمیته خدمات الکترونیک»، «کمیته شبکه و "
            "زیرساخت»، «کمیته امنیت» و «کمیته آموزش» به‌منظور دنبال کردن دستور کار ارجاعی از "
            "کمیته راهبری توسعه دولت الکترونیک استان ایجاد شدند. انتخاب اعضای این زیرکمیته‌ها که "
            "از کارشناسان فناوری اطلاعات می‌باشند به کمیته راهبری واگذار شده است؛ اکثریت اعضا از "
            "بخش دولتی انتخاب شده و با توجه به تعداد اعضای هر کمیته یک یا دو عضو از بخش خصوصی "
            "تعیین می‌شوند."
        ),
    },
]

# Agencies named in the seed: (key, name, short name, kind, sector, parent key).
AGENCIES = [
    ("governorate", "استانداری {province}", "استانداری", "governorate", "public", None),
    (
        "governorate_it",
        "اداره کل فناوری اطلاعات استانداری",
        "فناوری اطلاعات استانداری",
        "directorate",
        "public",
        "governorate",
    ),
    (
        "ict",
        "اداره کل ارتباطات و فناوری اطلاعات",
        "ارتباطات و فناوری اطلاعات",
        "directorate",
        "public",
        None,
    ),
    (
        "finance",
        "اداره کل امور اقتصادی و دارایی",
        "امور اقتصادی و دارایی",
        "directorate",
        "public",
        None,
    ),
    ("municipality", "شهرداری {capital}", "شهرداری", "municipality", "public", None),
    ("banks", "شورای هماهنگی بانک‌های استان", "شورای هماهنگی بانک‌ها", "council", "public", None),
    ("telecom", "شرکت مخابرات", "مخابرات", "company", "private", None),
    ("afta", "افتا", "افتا", "other", "public", None),
    ("budget", "سازمان برنامه‌وبودجه", "برنامه‌وبودجه", "organization", "public", None),
    ("computer_guild", "سازمان نظام صنفی رایانه‌ای", "نظام صنفی رایانه‌ای", "guild", "private", None),
    ("science_park", "پارک علم و فناوری", "پارک علم و فناوری", "university", "public", None),
    (
        "futures_centre",
        "مرکز آموزش و پژوهش‌های توسعه و آینده‌نگری",
        "مرکز آینده‌نگری",
        "university",
        "public",
        None,
    ),
]

# How letters address each agency's head (Agency.salutation), by agency key; loaded only
# where an agency has none, so an administrator's edit stays. Afta is left to the fallback.
AGENCY_SALUTATIONS = {
    "governorate": "استاندار محترم {province}",
    "governorate_it": "مدیرکل محترم دفتر فناوری اطلاعات استانداری {province}",
    "ict": "مدیرکل محترم ارتباطات و فناوری اطلاعات استان {province}",
    "finance": "مدیرکل محترم امور اقتصادی و دارایی استان {province}",
    "municipality": "شهردار محترم {capital}",
    "banks": "رئیس محترم شورای هماهنگی بانک‌های استان {province}",
    "telecom": "مدیرعامل محترم شرکت مخابرات استان {province}",
    "budget": "رئیس محترم سازمان مدیریت و برنامه‌ریزی استان {province}",
    "computer_guild": "رئیس محترم سازمان نظام صنفی رایانه‌ای استان {province}",
    "science_park": "رئیس محترم پارک علم و فناوری {province}",
    "futures_centre": "رئیس محترم مرکز آموزش و پژوهش‌های توسعه و آینده‌نگری",
}

# Posts named in the seed: (key, agency key, title).
POSITIONS = [
    ("governor", "governorate", "استاندار"),
    ("deputy_economic", "governorate", "معاون هماهنگی امور اقتصادی و توسعه منابع"),
    ("dg_ict", "ict", "مدیرکل فناوری اطلاعات و ارتباطات استان"),
    ("dg_finance", "finance", "مدیرکل امور اقتصادی و دارایی استان"),
    ("mayor", "municipality", "شهردار مرکز استان"),
    ("banks_head", "banks", "رئیس شورای هماهنگی بانک‌های استان"),
    ("dg_governorate_it", "governorate_it", "مدیرکل دفتر فناوری اطلاعات استانداری"),
    ("telecom_ceo", "telecom", "مدیرعامل شرکت مخابرات استان"),
]

NATIONAL_BODIES = [
    {
        "key": "council",
        "name": "شورای عالی فناوری اطلاعات",
        "short_name": "شورای عالی",
        "kind": "national",
        "mandate": "مرجع ملی سیاست‌گذاری فناوری اطلاعات و تصویب ضوابط توسعه دولت الکترونیک.",
    },
    {
        "key": "commission",
        "name": "کمیسیون توسعه دولت الکترونیکی",
        "short_name": "کمیسیون",
        "kind": "national",
        "parent": "council",
        "mandate": "مرجع ملی مصوبات چارچوب توسعه دولت الکترونیک ذیل شورای عالی.",
    },
]

WORKING_GROUP = {
    "key": "working_group",
    "name": "کارگروه توسعه دولت الکترونیک استان",
    "short_name": "کارگروه",
    "kind": "working_group",
    "parent": "commission",
    "legal_basis": "article6",
    "established_date": (1393, 6, 11),
    "mandate": (
        "توسعه یکپارچه خدمات الکترونیکی، ایجاد استان الکترونیکی و هوشمند؛ مصوبات کارگروه در "
        "چارچوب مصوبات شورا و کمیسیون برای کلیه دستگاه‌های اجرایی استان الزامی است."
    ),
    "composition_text": "اعضای کارگروه را مدیران ارشد دستگاه‌ها تشکیل می‌دهند.",
    "letter_prefix": "ک‌د",
}

# (order, title, role, kind, post key / agency key, persons, proposed by, approved by, sector)
WORKING_GROUP_SEATS = [
    (1, "استاندار", "chair", "by_post", "governor", 1, None, None, ""),
    (
        2,
        "معاون هماهنگی امور اقتصادی و توسعه منابع",
        "vice_chair",
        "by_post",
        "deputy_economic",
        1,
        None,
        None,
        "",
    ),
    (
        3,
        "مدیرکل فناوری اطلاعات و ارتباطات استان",
        "secretary",
        "by_post",
        "dg_ict",
        1,
        None,
        None,
        "",
    ),
    (4, "مدیرکل امور اقتصادی و دارایی استان", "member", "by_post", "dg_finance", 1, None, None, ""),
    (5, "شهردار مرکز استان", "member", "by_post", "mayor", 1, None, None, ""),
    (6, "رئیس شورای هماهنگی بانک‌های استان", "member", "by_post", "banks_head", 1, None, None, ""),
    (
        7,
        "دو نفر از مدیران فناوری اطلاعات دستگاه‌های استانی به پیشنهاد استاندار",
        "member",
        "nominated",
        None,
        2,
        "governor",
        None,
        "public",
    ),
    (
        8,
        "مدیرکل دفتر فناوری اطلاعات استانداری یا عناوین مشابه",
        "member",
        "by_post",
        "dg_governorate_it",
        1,
        None,
        None,
        "",
    ),
    (9, "مدیرعامل شرکت مخابرات استان", "member", "by_post", "telecom_ceo", 1, None, None, ""),
    (
        10,
        "یک نفر صاحب‌نظر از دانشگاه یا دستگاه‌های اجرایی به پیشنهاد دبیر و تأیید رئیس کارگروه",
        "member",
        "nominated",
        None,
        1,
        "dg_ict",
        "governor",
        "",
    ),
    (
        11,
        "یک نفر نماینده صنف مربوطه به پیشنهاد دبیر و تأیید رئیس کارگروه",
        "member",
        "nominated",
        None,
        1,
        "dg_ict",
        "governor",
        "private",
    ),
]

STEERING_COMMITTEE = {
    "key": "steering",
    "name": "کمیته راهبری دولت الکترونیک استان",
    "short_name": "کمیته راهبری",
    "kind": "steering_committee",
    "parent": "working_group",
    "legal_basis": "resolution_alef",
    "established_date": (1394, 2, 7),
    "mandate": (
        "نگاه تخصصی به مباحث دولت الکترونیک؛ بررسی عام مباحث فنی و ترسیم نقشه راه، و ارجاع "
        "دستور کار به زیرکمیته‌های فنی."
    ),
    "composition_text": "مدیران فناوری اطلاعات دستگاه‌ها عضو کمیته راهبری می‌باشند.",
    "letter_prefix": "ک‌ر",
}

STEERING_SEATS = [
    (1, "معاون هماهنگی امور اقتصادی و توسعه منابع", "chair", "by_post", "deputy_economic"),
    (2, "اداره کل فناوری اطلاعات استانداری", "vice_chair_secretary", "by_agency", "governorate_it"),
    (3, "اداره کل ارتباطات و فناوری اطلاعات", "member", "by_agency", "ict"),
    (4, "اداره کل امور اقتصادی و دارایی", "member", "by_agency", "finance"),
    (5, "افتا", "member", "by_agency", "afta"),
    (6, "سازمان برنامه‌وبودجه", "member", "by_agency", "budget"),
    (7, "سازمان نظام صنفی رایانه‌ای", "member", "by_agency", "computer_guild"),
    (8, "پارک علم و فناوری", "member", "by_agency", "science_park"),
    (9, "شرکت مخابرات", "member", "by_agency", "telecom"),
    (10, "شهرداری {capital}", "member", "by_agency", "municipality"),
    (11, "مرکز آموزش و پژوهش‌های توسعه و آینده‌نگری", "member", "by_agency", "futures_centre"),
]

SUBCOMMITTEE_RULE = (
    "اعضا از کارشناسان فناوری اطلاعات و به انتخاب کمیته راهبری؛ اکثریت اعضا از بخش دولتی و با "
    "توجه به تعداد اعضای هر کمیته یک یا دو عضو از بخش خصوصی."
)

# The seed fixes no size for a subcommittee; five places is a default the
# administrator can change in the admin.
SUBCOMMITTEE_SEAT_TITLE = "کارشناسان فناوری اطلاعات"
SUBCOMMITTEE_SEAT_COUNT = 5

SUBCOMMITTEES = [
    ("sub_services", "کمیته خدمات الکترونیک", "ک‌خ"),
    ("sub_network", "کمیته شبکه و زیرساخت", "ک‌ش"),
    ("sub_security", "کمیته امنیت", "ک‌ا"),
    ("sub_training", "کمیته آموزش", "ک‌آ"),
]

"""A made-up discretion standard for tests (the real tables are local regulations, kept as data)."""

RULES = [
    {"category": "09006", "level": "slight", "fine_min": "0", "fine_max": "50", "measures": "警告，责令改正"},
    {"category": "09006", "level": "general", "fine_min": "50", "fine_max": "200", "measures": "责令改正，罚款"},
    {"category": "09006", "level": "serious", "fine_min": "200", "fine_max": "1000", "measures": "罚款，暂扣物品"},
    {"category": "09006", "level": "severe", "fine_min": "1000", "fine_max": "5000", "measures": "罚款，没收物品"},
    {"category": "06010", "level": "general", "fine_min": "100", "fine_max": "500", "measures": "责令清理，罚款"},
]
FIRST_OFFENCE = [{"category": "09006", "conditions": "首次违法、危害后果轻微并及时改正"}]


def make_standard(user, **changes):
    from enforcement.services.penalties import discretion_standard_save_version

    kwargs = {"acting_user": user, "name": "区城管局行政处罚自由裁量基准", "rules": RULES,
              "first_offence": FIRST_OFFENCE, "legal_review_threshold": "3000", **changes}
    return discretion_standard_save_version(**kwargs)

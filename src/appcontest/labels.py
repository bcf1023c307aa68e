"""Reader-facing labels for the codes used in the data (one place, so charts and prose agree)."""

from __future__ import annotations

INSTRUMENT = {
    "executive_order": "Executive order",
    "statute": "Statute",
    "regulation": "Regulation",
    "export_control": "Export control",
    "entity_listing": "Entity listing",
    "court_ruling": "Court ruling",
    "investment_review": "Investment review",
    "app_store_removal": "App-store removal",
    "app_ban": "Nationwide app ban",
    "device_ban": "Government-device ban",
    "network_exclusion": "5G/network exclusion",
    "settlement": "Settlement",
    "agreement": "Agreement or deal approval",
}
# Seven families, so that colour can carry them within the eight-colour safe palette;
# the instrument itself is in every tooltip and filter.
FAMILY_OF_INSTRUMENT = {
    "executive_order": "Executive orders",
    "statute": "Statutes",
    "regulation": "Rules & export controls",
    "export_control": "Rules & export controls",
    "entity_listing": "Rules & export controls",
    "court_ruling": "Court rulings",
    "investment_review": "Reviews & deals",
    "settlement": "Reviews & deals",
    "agreement": "Reviews & deals",
    "app_store_removal": "App & device bans",
    "app_ban": "App & device bans",
    "device_ban": "App & device bans",
    "network_exclusion": "Network exclusions",
}
FAMILIES = list(dict.fromkeys(FAMILY_OF_INSTRUMENT.values()))

RESTRICTION = {
    "tiktok_nationwide_ban": "TikTok banned nationwide",
    "tiktok_government_devices": "TikTok banned on government devices",
    "huawei_5g_exclusion": "Huawei excluded from 5G",
}
STATUS = {
    "in_force": "In force",
    "completed": "Completed",
    "enjoined": "Enjoined by a court",
    "revoked": "Revoked",
    "superseded": "Superseded",
    "expired": "Expired",
    "not_enforced": "Not enforced",
    "lifted": "Lifted",
    "partial": "Partial",
}
RESOLUTION = {
    "extended": "Extended",
    "superseded": "Superseded",
    "enjoined": "Enjoined",
    "met": "Met",
    "lapsed": "Lapsed",
    "revoked": "Revoked",
}


def short_setter(set_by: str) -> str:
    """A few words for who set a deadline (the ``set_by`` column), short enough for a chart axis:
    ``Executive Order 13942`` -> ``EO 13942``, a CFIUS order or extension -> ``CFIUS``,
    a Commerce act -> ``Commerce``, a statute -> ``Congress``; anything else unchanged."""
    import re

    order = re.match(r"Executive Order (\d+)", set_by)
    if "CFIUS" in set_by:
        return "CFIUS"
    if order:
        return f"EO {order.group(1)}"
    if "Commerce" in set_by:
        return "Commerce"
    if set_by.endswith(" Act"):
        return "Congress"
    return set_by


# A parenthesised cross-reference to dataset rows, "(M034)" or "(M034, M035)": it means
# something in the CSV, nothing in a tooltip.
_ROW_REFERENCE = r"(?:MM|[MDRN])\d{2,3}"


def without_ids(text: str) -> str:
    """Dataset text for a reader: ``"... in June 2021 (M034), though ..."`` -> ``"... in June 2021, though ..."``."""
    import re

    return re.sub(rf"\s*\({_ROW_REFERENCE}(?:[,;]\s*{_ROW_REFERENCE})*\)", "", text)

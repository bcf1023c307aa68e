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
_ROW_REFERENCE = r"(?:MM|SC|[CDEFMNOPRSW])\d{2,3}"  # any dataset's row id (see the data package)


def without_ids(text: str) -> str:
    """Dataset text for a reader: ``"... in June 2021 (M034), though ..."`` -> ``"... in June 2021, though ..."``."""
    import re

    return re.sub(rf"\s*\({_ROW_REFERENCE}(?:[,;]\s*{_ROW_REFERENCE})*\)", "", text)


# migration_metrics.metric: what kind of figure a row is.
METRIC = {
    "daily_active_users": "Daily active users",
    "monthly_active_users": "Monthly active users",
    "us_users": "US users (company or official count)",
    "new_users": "New users",
    "downloads": "Downloads",
    "app_store_rank": "App-store rank",
    "hashtag_posts": "Hashtag posts",
    "hashtag_views": "Hashtag views",
}
MEASURER_KIND = {
    "company": "Company figure",
    "analytics_firm": "Analytics-firm estimate",
    "media_report": "Media report",
    "government": "Government or court",
}
# events.event_kind, as a few words on a chart.
EVENT_KIND = {
    "court_argument": "Court hears argument",
    "court_ruling": "Court ruling",
    "government_statement": "Government statement",
    "legislator_statement": "Legislators' statement",
    "company_statement": "Company statement",
    "in_app_message": "In-app message",
    "outage_start": "Goes dark",
    "service_restored": "Service restored",
    "app_store_removal": "Removed from app stores",
    "app_store_return": "Back in app stores",
    "executive_order": "Executive order",
    "feature_launch": "New feature",
    "terms_change": "Terms changed",
    "hiring": "Hiring",
    "regulatory_action": "Regulatory action",
    "business_report": "Business report",
    "business_change": "Business change",
}
# events.actor_kind: who acted.
ACTOR_KIND = {
    "court": "Court",
    "government": "Government",
    "president_elect": "President-elect",
    "legislator": "Legislators",
    "company": "Company",
    "app_store": "App stores",
}

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


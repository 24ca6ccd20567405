from django.conf import settings

from gongjiang.accounts import menu, permissions


def navigation(request):
    """What the sidebar offers: only what the user may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"site_title": settings.SITE_TITLE}
    can = {p: permissions.has_perm(user, p) for p in permissions.registered_perms()}
    return {
        "site_title": settings.SITE_TITLE,
        "can": can,
        "self_scoped": permissions.is_self_scoped(user),
        "nav_section": getattr(request, "nav_section", ""),
        "menu_groups": menu.entries_for(user, can),
    }

"""The scores menu (key "scores"); live, unpublished figures only for those who may see them."""

from django.utils.translation import gettext_lazy as _

from core.navigation import Entry, Group, register
from scoring.access import can_see_live_scores

register(
    Group("scores", _("Scores"), "bi-trophy", order=70),
    Entry(_("Scores"), "scoring:period_list", "bi-trophy", group="scores", order=10),
    Entry(_("Rankings"), "scoring:rankings", "bi-bar-chart", group="scores", order=20),
    Entry(_("Lost points"), "scoring:lost_points", "bi-graph-down-arrow", group="scores", order=30),
    Entry(
        _("What-if"), "scoring:what_if", "bi-lightning", group="scores", order=40, visible=can_see_live_scores
    ),
)

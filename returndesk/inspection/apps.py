from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionConfig(AppConfig):
    name = "returndesk.inspection"
    label = "inspection"
    verbose_name = "收货验收 / Receipt and inspection"


# Labels of the fields this app's work adds to the cases app (CaseLine.quantity_accepted,
# CaseCause.batch_lot): marked here so this app's own catalog translates them (BRIEF: each app
# keeps its own translations; the project catalog is not ours to edit).
CASES_FIELD_LABELS = (_("quantity accepted"), _("batch / lot"))

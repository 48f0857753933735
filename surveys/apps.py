from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        # Models exist only once the app registry is ready: they cannot be imported at the top.
        from surveys.models import Question, Questionnaire, Quota, SurveyRun

        for model in (Questionnaire, Question, SurveyRun, Quota):
            auditlog.register(model)

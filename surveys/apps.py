from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from surveys.models import Question, Questionnaire, Quota, SurveyRun

        for model in (Questionnaire, Question, SurveyRun, Quota):
            auditlog.register(model)

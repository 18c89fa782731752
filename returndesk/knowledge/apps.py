from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "returndesk.knowledge"
    label = "knowledge"
    verbose_name = "知识库 / Knowledge base"

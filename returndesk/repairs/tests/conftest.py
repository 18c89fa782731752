from returndesk.cases.tests.conftest import consumer, consumer_user, make_line, reference_data  # noqa: F401

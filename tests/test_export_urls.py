"""Where a story lives on the published site, for the feeds and the site alike."""

import datetime as dt

from newscli.article import Article
from newscli.export.urls import article_path


def test_article_path_uses_the_dates_own_local_month() -> None:
    late = dt.datetime(2022, 1, 31, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    article = Article(id="x", title="Sent", slug="sent-i-januari", date=late)
    assert article_path(article) == "2022/01/sent-i-januari/"

"""An English reader gets the errors of the services, the importers and the API in English."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from linli.workorders import hotline
from linli.workorders import services as s


def test_a_service_error_is_english_in_english(desk):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        s.workorder_create(channel="phone", text=" ", actor=desk.users["street_admin"],
                           place=s.resolve_place(estate=desk.estate_a))
    assert caught.value.message_dict == {"text": ["Please describe the problem"]}


def test_an_import_error_is_english_in_english():
    with translation.override("en"), pytest.raises(hotline.FileError) as caught:
        hotline.read_rows(b"x", "orders.doc")
    assert str(caught.value) == "Only .csv, .xlsx and .json files are supported"
    with translation.override("zh-hans"), pytest.raises(hotline.FileError) as caught:
        hotline.read_rows(b"x", "orders.doc")
    assert str(caught.value) == "只支持 .csv、.xlsx 和 .json 文件"


@pytest.mark.parametrize(("language", "detail"), [("en", "Invalid or disabled API key"),
                                                  ("zh-hans", "API 密钥无效或已停用")])
def test_an_api_error_is_in_the_readers_language(db, language, detail):
    response = Client().get("/api/v1/workorders/", HTTP_AUTHORIZATION="Token not-a-key",
                            HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 401
    assert response.json()["message"] == detail

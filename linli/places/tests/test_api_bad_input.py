"""The registry API's schema says what a create needs, and the answer without it is unchanged (issue 12, finding 15)."""

from linli.core.testing import error_messages, post
from linli.places.models import Division


def test_a_division_without_a_parent_is_a_400_naming_the_parent_and_creates_nothing(world, client_for):
    before = Division.objects.count()
    response = post(client_for("street_admin"), "/api/v1/divisions/", {"name": "新社区", "code": "500104001099",
                                                                       "level": "community"})
    assert response.status_code == 400
    assert error_messages(response) == {"parent": ["请指定上级区划（区/县只能在管理后台创建）"]}
    assert Division.objects.count() == before


def test_the_schema_says_a_division_needs_its_parent(world, client_for):
    schema = client_for("street_admin").get("/api/schema/?format=json").json()
    assert "parent" in schema["components"]["schemas"]["DivisionRequest"]["required"]


def test_a_list_filtered_by_a_cluster_that_is_no_key_is_a_400_naming_it(world, client_for):
    response = client_for("street_admin").get("/api/v1/estates/?cluster=1.5")
    assert response.status_code == 400
    assert list(error_messages(response)) == ["cluster"]

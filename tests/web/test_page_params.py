"""Page routes never answer 5xx for odd query or path values (issue: 500 on ?trang=abc, huge ids …)."""

import pytest


ODD = ["abc", "1e3", "99999999999999999999", "-1", "0", "%0A", "1%0D2", "９"]


@pytest.mark.parametrize("value", ODD)
def test_portal_list_page_parameter(his, client, value):
    client.post("/portal/login", data={"username": his.username, "password": his.password})
    response = client.get(f"/portal/?trang={value}")
    assert response.status_code == 200, response.text[:300]


@pytest.mark.parametrize("path", ["/vneid/so-suc-khoe/99999999999999999999999", "/vneid/so-suc-khoe/0",
                                  "/vneid/so-suc-khoe?nam=99999999999999999999", "/vneid/so-suc-khoe?nam=abc",
                                  "/vneid/so-suc-khoe/99999999999999999999999/pdf"])
def test_vneid_pages_with_odd_values(client, path):
    assert client.get(path).status_code < 500


@pytest.mark.parametrize("path", ["/vneid/api/health-book/visits/99999999999999999999999",
                                  "/vneid/api/health-book/visits?nam=99999999999999999999",
                                  "/vneid/api/health-book/visits/99999999999999999999999/pdf"])
def test_vneid_api_with_odd_values(client, path):
    response = client.get(path, headers={"X-VNeID-Session": "x"})
    assert response.status_code < 500 and response.headers["content-type"].startswith("application/json")

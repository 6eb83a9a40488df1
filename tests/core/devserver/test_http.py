"""The response helpers: rest-json errors and Agent text errors."""

from __future__ import annotations

import json

from appconfig_core.devserver._http import rest_json_error, text_error


class TestRestJsonError:
    def test_type_in_header_members_in_body(self) -> None:
        """The error type travels in x-amzn-ErrorType; Message and members in the JSON body."""
        response = rest_json_error(
            404, "ResourceNotFoundException", "gone", ResourceType="Application"
        )
        assert response.status == 404
        assert response.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
        assert json.loads(response.body) == {"Message": "gone", "ResourceType": "Application"}


class TestTextError:
    def test_plain_text_body(self) -> None:
        """Agent errors are plain text."""
        response = text_error(502, "BadGatewayException")
        assert (response.status, response.body) == (502, b"BadGatewayException")
        assert response.headers["Content-Type"].startswith("text/plain")

"""A model server that answers 200 with something other than a chat completion is a 502, never a 500."""

import json

import pytest

from assistant.tests.conftest import completion

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/assistant/chat"

BROKEN_REPLIES = {
    "html page": (b"<html><body>Bad gateway</body></html>", "text/html"),
    "plain text": (b"upstream overloaded", "text/plain"),
    "truncated json": (b'{"id": "chatcmpl-1", "choices": [', "application/json"),
    "not json at all": (b"\x00\xff garbage", "application/json"),
    "empty body": (b"", "application/json"),
    "json null": (b"null", "application/json"),
    "json list": (b"[1, 2, 3]", "application/json"),
    "json string": (b'"hello"', "application/json"),
    "object without choices": (b'{"id": "x"}', "application/json"),
    "choices not a list": (b'{"id": "x", "choices": "yes"}', "application/json"),
    "choice without message": (b'{"id": "x", "choices": [{"index": 0}]}', "application/json"),
    "message not an object": (b'{"id": "x", "choices": [{"index": 0, "message": "hi"}]}', "application/json"),
    "content not text": (
        b'{"id": "x", "choices": [{"index": 0, "message": {"role": "assistant", "content": {"a": 1}}}]}',
        "application/json",
    ),
}


@pytest.mark.parametrize("body, content_type", BROKEN_REPLIES.values(), ids=BROKEN_REPLIES.keys())
def test_a_reply_that_is_not_a_chat_completion_is_a_502(api_client, fake_openai, body, content_type):
    api_client.raise_request_exception = False
    fake_openai.reply(body, content_type=content_type)

    response = api_client.post(URL, {"prompt": "hello"}, format="json")

    assert response.status_code == 502
    assert response.json() == {
        "error": "The assistant's model sent an answer that is not a chat completion.",
        "code": "upstream_error",
    }
    assert len(fake_openai.requests) == 1


def test_a_completion_labelled_as_text_is_still_read(api_client, fake_openai):
    # Some compatible servers label their JSON wrongly; the official client reads it anyway.
    fake_openai.reply(json.dumps(completion("Labelled oddly.")).encode(), content_type="text/plain")

    response = api_client.post(URL, {"prompt": "hello"}, format="json")

    assert response.status_code == 200
    assert response.json()["message"] == {"role": "assistant", "content": "Labelled oddly."}


def test_a_completion_whose_message_has_no_role_is_still_read(api_client, fake_openai):
    reply = completion("No role given.")
    del reply["choices"][0]["message"]["role"]
    fake_openai.reply(reply)

    response = api_client.post(URL, {"prompt": "hello"}, format="json")

    assert response.status_code == 200
    assert response.json()["message"] == {"role": "assistant", "content": "No role given."}

"""The shopping assistant: the shopper's conversation, a server-written system prompt, one model call.

The model is reached through the official `openai` client (any compatible server via
OPENAI_BASE_URL), with a timeout and no retries: a slow or failing model costs the
shopper one timeout, never a storm of repeated calls. Nothing here runs in a transaction.
"""

import functools
import json
import logging
from dataclasses import dataclass

import openai
import pydantic
from django.conf import settings
from openai.types.chat import ChatCompletionMessage

from assistant.prompt import system_prompt_build
from assistant.selectors import catalog_facts, product_facts, search_terms
from shop.error_codes import AssistantErrorCode
from shop.errors import NotConfigured, UpstreamUnavailable

logger = logging.getLogger(__name__)

# Rounds in which the model may call `search_products` before it must answer.
MAX_TOOL_ROUNDS = 2
MAX_TOOL_CALLS_PER_ROUND = 3
TOOL_RESULT_PRODUCTS = 5

SEARCH_PRODUCTS_TOOL = {
    "type": "function",
    "function": {
        "name": "search_products",
        "description": (
            "Search the shop's live catalog by keywords (product name, description or SKU). "
            "Returns up to 5 products with price, current discount, final price and stock."
        ),
        "parameters": {
            "type": "object",
            "properties": {"query": {"type": "string", "description": "A few keywords, e.g. 'oak table'."}},
            "required": ["query"],
            "additionalProperties": False,
        },
    },
}


@dataclass(frozen=True)
class ChatMessage:
    role: str  # "user" or "assistant"; the system message is always the server's
    content: str


@dataclass(frozen=True)
class AssistantReply:
    content: str
    raw: dict


class AssistantTimeout(UpstreamUnavailable):
    code = AssistantErrorCode.UPSTREAM_TIMEOUT
    default_message = "The assistant's model did not answer in time."


class NotACompletion(UpstreamUnavailable):
    default_message = "The assistant's model sent an answer that is not a chat completion."


@functools.lru_cache(maxsize=4)
def _client(api_key: str, base_url: str | None, timeout: float) -> openai.OpenAI:
    # One client (and its connection pool) per configuration, shared by requests.
    return openai.OpenAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0)


def _complete(client: openai.OpenAI, **request):
    try:
        return client.chat.completions.create(model=settings.OPENAI_MODEL, **request)
    except openai.APITimeoutError:
        logger.warning("The assistant's model timed out after %ss", settings.OPENAI_TIMEOUT_SECONDS)
        raise AssistantTimeout() from None
    except openai.APIStatusError as failed:
        logger.warning("The assistant's model answered %s: %s", failed.status_code, failed.message)
        raise UpstreamUnavailable(f"The assistant's model failed (HTTP {failed.status_code}).") from None
    except openai.OpenAIError as failed:
        logger.warning("The assistant's model could not be reached: %s", failed)
        raise UpstreamUnavailable("The assistant's model could not be reached.") from None
    except ValueError:
        # The client decodes a JSON-labelled body without catching its errors.
        logger.warning("The assistant's model sent a body that is not JSON")
        raise NotACompletion() from None


def _first_message(completion) -> ChatCompletionMessage:
    """The message of the completion's first choice, validated.

    The client builds its models without validating them and hands back the raw text of
    a body that is not JSON, so a broken or foreign server answering 200 would otherwise
    surface as attribute errors deep in this module.
    """
    choices = getattr(completion, "choices", None)
    if choices == []:
        raise UpstreamUnavailable("The assistant's model returned no answer.")
    if not isinstance(choices, list):
        logger.warning("The assistant's model sent something other than a completion: %.200r", completion)
        raise NotACompletion()
    message = getattr(choices[0], "message", None)
    if isinstance(message, pydantic.BaseModel):
        # Some compatible servers leave out the role, the one value a reply cannot have otherwise.
        message = {"role": "assistant", **message.model_dump(warnings=False, exclude_unset=True)}
    try:
        return ChatCompletionMessage.model_validate(message)
    except pydantic.ValidationError as invalid:
        logger.warning("The assistant's model sent a malformed message: %s", invalid)
        raise NotACompletion() from None


def _search_products_run(arguments: str) -> str:
    """Run one `search_products` call of the model; the answer is JSON for the model to read."""
    try:
        query = json.loads(arguments).get("query", "")
    except (ValueError, AttributeError):
        return json.dumps({"error": "arguments must be a JSON object with a 'query' string"})
    if not isinstance(query, str):
        return json.dumps({"error": "'query' must be a string"})
    terms = search_terms(query)
    products = product_facts(query=terms, limit=TOOL_RESULT_PRODUCTS) if terms else []
    return json.dumps(
        [
            {
                "name": product.name[:120],
                "slug": product.slug,
                "currency": product.currency,
                "price": str(product.price),
                "discount_percentage": str(product.discount_percentage) if product.discount_percentage else None,
                "final_price": str(product.final_price),
                "in_stock": product.quantity > 0,
                "quantity": product.quantity,
            }
            for product in products
        ]
    )


def _tool_results(tool_calls) -> list[dict]:
    """An answer for every call the model made (the API requires one each), running only the first few."""
    results = []
    for index, call in enumerate(tool_calls):
        if index >= MAX_TOOL_CALLS_PER_ROUND:
            content = json.dumps({"error": "too many searches at once; answer with what you have"})
        elif call.type != "function" or call.function.name != SEARCH_PRODUCTS_TOOL["function"]["name"]:
            content = json.dumps({"error": "unknown tool"})
        else:
            content = _search_products_run(call.function.arguments)
        results.append({"role": "tool", "tool_call_id": call.id, "content": content})
    return results


def assistant_reply(*, messages: list[ChatMessage], temperature: float, max_tokens: int) -> AssistantReply:
    """Answer the shopper's conversation with the model, grounded in the live catalog.

    The system prompt is built here from the catalog (store name and currency, active
    categories, offers running now, products relevant to the latest user message); the
    client's messages only ever carry the roles user and assistant. When ASSISTANT_TOOLS
    is on, the model may also call `search_products`, for at most MAX_TOOL_ROUNDS rounds.

    Raises NotConfigured (501) without OPENAI_API_KEY, AssistantTimeout or
    UpstreamUnavailable (502) when the model's API times out, fails, answers nothing or
    answers something that is not a chat completion.
    """
    if not settings.OPENAI_API_KEY:
        raise NotConfigured("The assistant is not configured: OPENAI_API_KEY is empty.")
    latest_question = next((message.content for message in reversed(messages) if message.role == "user"), "")
    system_prompt = system_prompt_build(catalog_facts(question=latest_question))
    conversation = [
        {"role": "system", "content": system_prompt},
        *({"role": message.role, "content": message.content} for message in messages),
    ]
    client = _client(settings.OPENAI_API_KEY, settings.OPENAI_BASE_URL, settings.OPENAI_TIMEOUT_SECONDS)

    for round_number in range(MAX_TOOL_ROUNDS + 1):
        tools = {}
        if settings.ASSISTANT_TOOLS:
            # In the last round the model must answer with what it has.
            last_round = round_number == MAX_TOOL_ROUNDS
            tools = {"tools": [SEARCH_PRODUCTS_TOOL], "tool_choice": "none" if last_round else "auto"}
        completion = _complete(client, messages=conversation, temperature=temperature, max_tokens=max_tokens, **tools)
        message = _first_message(completion)
        if not (tools and message.tool_calls) or round_number == MAX_TOOL_ROUNDS:
            break
        conversation.append(message.model_dump(mode="json", exclude_none=True))
        conversation.extend(_tool_results(message.tool_calls))

    return AssistantReply(content=message.content or "", raw=completion.model_dump(mode="json"))

"""Agent and HTTP access without subprocesses: state tokens, the request guard, the agent service, the
FastAPI app (through its ASGI interface) and the MCP server through the SDK's in-process client.
Real parts throughout (shipped data, the real engine); servers over sockets are in test_agent_servers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from mcp.client import Client

from assistant.answers.chat import Assistant, Engine
from assistant.service.agent_catalog import PROMPTS, RESOURCES
from assistant.service.agent_service import MAX_RESULT_CHARS, AgentCallError, AgentService, cap_result
from assistant.service.http_api import create_app
from assistant.service.http_guard import GuardSettings, TokenBuckets, matches
from assistant.service.mcp_server import build_server
from assistant.service.state_token import StateTokenError, decode_state, encode_state
from assistant.tools.plan import ConversationState, ToolCall
from assistant.tools.tool_specs import ToolSpec, register_tool, tool_specs, unregister_tool
from tests.test_tool_specs import CountMunicipalitiesArgs, count_municipalities


@pytest.fixture(scope="module")
def engine() -> Engine:
    built = Engine()
    built.warm()
    return built


@pytest.fixture(scope="module")
def service(engine: Engine) -> AgentService:
    return AgentService(engine)


@pytest.fixture
def api(engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine, GuardSettings()), base_url="http://127.0.0.1:8787") as client:
        yield client


# --- state tokens ------------------------------------------------------------------------------------
def test_state_token_round_trips_and_refuses_tampering() -> None:
    state = ConversationState(
        intent="value", municipalities=("05914000",), metric="fibre_households", language="de",
        last_tool_calls=(ToolCall("get_metric", {"municipalities": ["Hagen"], "metric": "fibre_households"}),),
        last_query=None, project="luft-hub", turns=1)
    token = encode_state(state, b"k" * 32)
    assert decode_state(token, b"k" * 32) == state
    version, _payload, signature = token.split(".")
    forged = encode_state(ConversationState(metric="mobile_5g"), b"other").split(".")[1]
    with pytest.raises(StateTokenError, match="ASSISTANT_STATE_SECRET"):
        decode_state(f"{version}.{forged}.{signature}", b"k" * 32)
    with pytest.raises(StateTokenError, match="ASSISTANT_STATE_SECRET"):
        decode_state(token, b"another secret")
    with pytest.raises(StateTokenError, match="malformed"):
        decode_state("not-a-token", b"k" * 32)


def test_the_token_carries_every_field_of_the_conversation_state() -> None:
    import dataclasses

    from assistant.service.state_token import state_to_dict

    # a field added to ConversationState must be added to the token, or follow-ups would lose it
    assert set(state_to_dict(ConversationState())) == {f.name for f in dataclasses.fields(ConversationState)}


def test_a_signed_state_with_bad_fields_is_still_refused() -> None:
    import base64
    import hashlib
    import hmac

    payload = base64.urlsafe_b64encode(json.dumps({"intent": "drop_tables", "language": "de"}).encode()).decode()
    payload = payload.rstrip("=")
    signature = base64.urlsafe_b64encode(hmac.new(b"s", f"v1.{payload}".encode(), hashlib.sha256).digest())
    with pytest.raises(StateTokenError, match="unknown intent"):
        decode_state(f"v1.{payload}.{signature.decode().rstrip('=')}", b"s")


# --- guard pieces ------------------------------------------------------------------------------------
def test_host_patterns_allow_any_port_only_where_asked() -> None:
    patterns = ("127.0.0.1:*", "api.example.org")
    assert matches("127.0.0.1:8787", patterns)
    assert matches("127.0.0.1", patterns)
    assert matches("api.example.org", patterns)
    assert not matches("api.example.org:81", patterns)
    assert not matches("127.0.0.1.evil.example:80", patterns)
    assert not matches("evil.example", patterns)


def test_token_bucket_allows_a_burst_then_says_how_long_to_wait() -> None:
    buckets = TokenBuckets(rate=2.0, burst=3)
    assert [buckets.take("a", now=10.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a", now=10.0) == pytest.approx(0.5)
    assert buckets.take("b", now=10.0) == 0.0  # another client has its own bucket
    assert buckets.take("a", now=10.6) == 0.0  # refilled


# --- the service: derived tools, errors with suggestions, the cap ----------------------------------------
def test_every_toolbox_tool_is_offered_with_its_own_schema_and_the_cap(service: AgentService) -> None:
    tools = {t.name: t for t in service.tools}
    assert list(tools) == [*(s.name for s in tool_specs()), "ask", "verify"]
    for spec in tool_specs():
        assert tools[spec.name].input_schema == spec.args.model_json_schema()
        assert tools[spec.name].description.startswith(spec.description)
        assert f"{MAX_RESULT_CHARS:,}" in tools[spec.name].description


def test_a_tool_added_to_the_spec_list_is_served_over_mcp(engine: Engine) -> None:
    spec = register_tool(ToolSpec("count_municipalities", CountMunicipalitiesArgs, count_municipalities, ("help",)))
    try:
        fresh = AgentService(Engine(engine.settings, index=engine.index))

        async def session() -> tuple[list[Any], Any]:
            async with Client(build_server(fresh)) as client:
                return (await client.list_tools()).tools, await client.call_tool(spec.name, {"minimum": 100_000})

        tools, result = anyio.run(session)
    finally:
        unregister_tool(spec.name)
    listed = next(t for t in tools if t.name == spec.name)
    assert listed.input_schema == CountMunicipalitiesArgs.model_json_schema()
    big = sum(1 for m in engine.index.registry.municipalities if m.population >= 100_000)
    assert [f["value"] for f in result.structured_content["facts"] if f["key"] == "count"] == [big]
    assert spec.name not in AgentService(Engine(engine.settings, index=engine.index)).tool_names


def test_unknown_tool_and_bad_arguments_say_what_to_do(service: AgentService) -> None:
    with pytest.raises(AgentCallError) as caught:
        service.call("compare_municipalitis", {})
    assert caught.value.status == 404
    assert caught.value.suggestions[0] == "compare_municipalities"
    metric = service.call("get_metric", {"municipalities": ["Hagen"], "metric": "Glasfasr"})
    assert not metric["ok"]
    assert "fibre_households" in metric["error"]["suggestions"]
    place = service.call("get_profile", {"municipality": "Bochm"})
    assert place["ok"]  # a small typo is read as Bochum
    unknown = service.call("get_profile", {"municipality": "Atlantis"})
    assert unknown["error"]["kind"] == "unknown_municipality"


def test_results_carry_the_scoring_figures_and_the_pages_chart(service: AgentService, engine: Engine) -> None:
    result = service.call("compare_municipalities", {"municipalities": ["Hagen", "Bochum"],
                                                     "metric": "fibre_households"})
    direct = engine.toolbox.execute(ToolCall("compare_municipalities", {"municipalities": ["Hagen", "Bochum"],
                                                                        "metric": "fibre_households"}))
    assert result["figures"] == direct.figures
    chart = result["chart"]
    assert chart["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    bars = next(iter(chart["datasets"].values()))
    assert {row["label"] for row in bars} == {"Hagen", "Bochum"}
    assert service.call("describe_method", {})["chart"] is None  # no figures, no chart


def test_an_oversized_result_is_cut_and_says_so() -> None:
    payload = {"tool": "x", "ok": True, "figures": [{"n": i, "pad": "x" * 100} for i in range(400)],
               "data": {"rows": list(range(50))}, "chart": {"big": "y" * 1000}}
    capped = cap_result(payload)
    assert len(json.dumps(capped)) <= MAX_RESULT_CHARS
    assert capped["chart"] is None
    assert capped["truncated"]["removed"]["figures"] > 0
    assert capped["figures"] == payload["figures"][: len(capped["figures"])]  # the first items are kept
    assert cap_result({"tool": "x", "ok": True}) == {"tool": "x", "ok": True}


def test_verify_accepts_the_answers_own_claims_and_rejects_tampering(service: AgentService) -> None:
    answer = service.call("ask", {"question": "Vergleiche Hagen und Bochum bei Glasfaser"})
    claims = {"figures": answer["figures"], "facts": answer["facts"], "language": "de"}
    assert all(f["claim_id"] for f in answer["figures"])
    honest = service.call("verify", {"text": answer["answer"], **claims})
    assert (honest["ok"], honest["unverified"], honest["rejected_claims"]) == (True, 0, [])
    hagen = next(f for f in answer["figures"] if f["municipality"] == "Hagen")
    shown = f"{hagen['value']:.1f}".replace(".", ",")
    assert shown in answer["answer"]
    tampered_text = answer["answer"].replace(shown, "29,9")
    changed = service.call("verify", {"text": tampered_text, **claims})
    assert not changed["ok"]
    assert [n["text"] for n in changed["numbers"] if n["status"] == "unverified"] == ["29,9"]
    edited = [dict(f, value=29.9) if f is hagen else f for f in answer["figures"]]
    forged = service.call("verify", {"text": tampered_text, **claims, "figures": edited})
    assert [c["claim_id"] for c in forged["rejected_claims"]] == [hagen["claim_id"]]  # the edit is caught too
    assert not forged["ok"]


def test_verify_accepts_what_if_figures_by_recomputing_their_scenario(service: AgentService) -> None:
    answer = service.call("ask", {"question": "Was wäre, wenn Infrastruktur doppelt zählt, für Bochum?"})
    assert answer["intent"] == "what_if"
    assert all("scenario" in f for f in answer["figures"])
    report = service.call("verify", {"text": answer["answer"], "figures": answer["figures"],
                                     "facts": answer["facts"], "language": "de"})
    assert report["rejected_claims"] == []
    assert report["ok"], [n for n in report["numbers"] if n["status"] == "unverified"]


def test_verify_accepts_a_value_what_if_and_catches_an_edited_scenario(service: AgentService) -> None:
    answer = service.call("ask", {"question": "What if Marl tripled its digital startups?"})
    assert [f["metric"] for f in answer["figures"]] == ["digital_startups", "overall"]
    assert all("scenario" in f for f in answer["figures"])
    report = service.call("verify", {"text": answer["answer"], "figures": answer["figures"],
                                     "facts": answer["facts"], "language": "en"})
    assert report["ok"], [n for n in report["numbers"] if n["status"] == "unverified"]
    edited = [dict(f) for f in answer["figures"]]
    edited[1]["scenario"] = {"values": {edited[1]["ags"]: {"digital_startups": 0.0}}}  # claims another scenario
    forged = service.call("verify", {"text": answer["answer"], "figures": edited, "facts": answer["facts"],
                                     "language": "en"})
    assert edited[1]["claim_id"] in [c["claim_id"] for c in forged["rejected_claims"]]


def test_tool_results_carry_claim_ids_on_figures_and_facts(service: AgentService) -> None:
    result = service.call("get_metric", {"municipalities": ["Hagen"], "metric": "fibre_households"})
    assert result["figures"]
    assert all(len(f["claim_id"]) == 12 for f in result["figures"])
    assert result["facts"]
    assert all(f["claim_id"] for f in result["facts"])


def test_ask_continues_a_conversation_from_its_token_alone(service: AgentService, engine: Engine) -> None:
    first, _ = service.ask("Wie schneidet Hagen bei Glasfaser ab?")
    follow, _ = service.ask("und Bochum?", state=first["state"])
    local = Assistant(engine)
    local.ask("Wie schneidet Hagen bei Glasfaser ab?")
    expected = local.ask("und Bochum?").to_dict()
    assert {k: follow[k] for k in expected} == expected
    with pytest.raises(AgentCallError) as caught:
        service.ask("und Bochum?", state=first["state"][:-2] + "xx")
    assert caught.value.status == 400


# --- HTTP API ----------------------------------------------------------------------------------------
def test_http_endpoints(api: TestClient) -> None:
    assert api.get("/healthz").json()["status"] == "ok"
    answer = api.post("/v1/ask", json={"question": "How does Hagen compare on fibre?"}).json()
    assert answer["language"] == "en"
    assert answer["state"].startswith("v1.")
    assert "chart" not in answer  # opt-in: the chart costs time the page does not need
    tool = api.post("/v1/tools/compare_municipalitis", json={})
    assert tool.status_code == 404
    assert tool.json()["error"]["suggestions"][0] == "compare_municipalities"
    assert api.post("/v1/tools/rank_municipalities", json={"n": 500}).status_code == 422
    assert api.post("/v1/tools/get_profile", json={"municipality": "Atlantis"}).status_code == 422
    spec = api.get("/v1/openapi.json").json()
    assert {"/v1/ask", "/v1/tools/{name}", "/healthz"} <= set(spec["paths"])


def test_http_guard_refuses_big_bodies_foreign_hosts_and_floods(engine: Engine) -> None:
    limits = GuardSettings(max_body_bytes=1024, rate_per_second=0.01, burst=4)
    with TestClient(create_app(engine, limits), base_url="http://127.0.0.1:8787") as client:
        big = client.post("/v1/ask", json={"question": "x" * 2000})
        assert big.status_code == 413
        assert "1024 bytes" in big.json()["error"]["message"]
        assert client.post("/v1/ask", json={"question": "Hagen"}, headers={"host": "evil.example"}).status_code == 421
        assert client.post("/v1/ask", json={"question": "Hagen"},
                           headers={"origin": "https://evil.example"}).status_code == 403
        statuses = [client.post("/v1/tools/describe_method", json={}).status_code for _ in range(4)]
        assert statuses[-1] == 429
        assert client.get("/healthz").status_code == 200  # probes are never limited


# --- MCP, in process ------------------------------------------------------------------------------------
def test_mcp_lists_and_serves_tools_resources_and_prompts(service: AgentService) -> None:
    async def session() -> dict[str, Any]:
        async with Client(build_server(service)) as client:
            tools = await client.list_tools()
            resources = await client.list_resources()
            prompts = await client.list_prompts()
            indicators = await client.read_resource("ruhr://indicators")
            prompt = await client.get_prompt("reusable_projects_for_weak_indicators",
                                             {"municipality": "Herne", "language": "en"})
            wrong = await client.call_tool("get_profile", {"municipality": "Atlantis"})
            return {"tools": tools.tools, "resources": resources.resources, "prompts": prompts.prompts,
                    "indicators": indicators.contents[0], "prompt": prompt.messages[0], "wrong": wrong}

    seen = anyio.run(session)
    assert [t.name for t in seen["tools"]] == [*(s.name for s in tool_specs()), "ask", "verify"]
    assert all(t.annotations.read_only_hint for t in seen["tools"])
    assert [str(r.uri) for r in seen["resources"]] == [r.uri for r in RESOURCES]
    assert [p.name for p in seen["prompts"]] == [p.name for p in PROMPTS]
    indicators = json.loads(seen["indicators"].text)["indicators"]
    assert len(indicators) == 12
    assert all(i["unit"] and i["sources"] for i in indicators)
    assert "suggest_reusable_projects" in seen["prompt"].content.text
    assert seen["wrong"].is_error
    assert seen["wrong"].structured_content["error"]["kind"] == "unknown_municipality"


def test_deployment_doc_states_the_real_limits_and_names() -> None:
    from assistant.core.settings import PROJECT_ROOT

    doc = (PROJECT_ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    limits = GuardSettings()
    assert f"{MAX_RESULT_CHARS:,} characters" in doc
    assert f"`{limits.max_body_bytes}`" in doc
    assert f"`{limits.rate_per_second:g}`, `{limits.burst}`" in doc
    assert ",".join(limits.allowed_hosts) in doc
    assert all(r.uri in doc for r in RESOURCES)
    assert all(p.name in doc for p in PROMPTS)

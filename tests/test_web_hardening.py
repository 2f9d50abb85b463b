"""A public dashboard meets hostile URLs: friendly pages, right status codes, no traceback,
no file outside the app, security headers, and callbacks that never answer 500."""

from __future__ import annotations

import json

import pytest
from dash._utils import stringify_id
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder, run_wsgi_app

pytestmark = pytest.mark.integration
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def app_client(app):
    return app, app.server.test_client()


@pytest.mark.parametrize(
    "url, status",
    [
        ("/", 200),
        ("/state/IN", 200),
        ("/state/in", 200),
        ("/compare?states=IN,OH", 200),
        ("/methodology", 200),
        ("/?metric=automation&wave=2025-08", 200),
        ("/state/ZZ", 404),
        ("/state/Indiana", 404),
        ("/no/such/page", 404),
        ("/?metric=bogus", 400),
        ("/?wave=1999-01", 400),
        ("/state/IN?wave=2099-01", 400),
        ("/state/IN?level=weird", 400),
        ("/state/IN?where=lq&occupation=15-1252", 200),
        ("/state/IN?where=bogus", 400),
        ("/state/IN?where=lq&occupation=99-9999", 400),
        ("/compare?states=IN,OH,MI,WI,IL", 400),
        ("/compare?states=IN,ZZ", 404),
        ("/?metric=cluster&cluster=nope", 400),
        ("/?metric=%3Cscript%3Ealert(1)%3C/script%3E", 400),
        ("/?" + "x=1&" * 600, 414),
        ("/?" + "x=1&" * 200, 400),
        ("/occupations", 200),
        ("/occupations?q=nurse&group=29&state=IN&sort=lq&order=asc&page=1", 200),
        ("/occupations?group=99", 400),
        ("/occupations?sort=lq", 400),  # a location quotient needs a state
        ("/occupations?page=0", 400),
        ("/occupations?state=ZZ", 400),
        ("/occupation/29-1141", 200),
        ("/occupation/29-1141?measure=employment", 200),
        ("/occupation/99-9999", 404),
        ("/occupation/29-1141?measure=bogus", 400),
        ("/?metric=occupation&occupation=29-1141&measure=lq", 200),
        ("/?metric=occupation&occupation=99-9999", 400),
    ],
)
def test_page_urls_get_the_right_status_and_a_friendly_page(app_client, url, status):
    _, client = app_client
    response = client.get(url)
    assert response.status_code == status
    body = response.data.decode()
    assert "Traceback" not in body and "<script>alert" not in body
    if status != 200:
        assert "Back to the map" in body


@pytest.mark.parametrize(
    "url",
    [
        "/assets/../etc/passwd",
        "/assets/%2e%2e/%2e%2e/etc/passwd",
        "/assets/../pyproject.toml",
        "/download/mart/..%2f..%2fetc%2fpasswd.csv",
        "/download/mart/../../pyproject.toml.csv",
        "/_dash-component-suites/../../../etc/passwd",
        "/_dash-component-suites/dash/../../x.js",
        "/static/../dashboard/app.py",
        "/briefing/..%2f..%2fetc.pdf",
    ],
)
def test_no_request_reaches_a_file_outside_the_app(app_client, url):
    _, client = app_client
    response = client.get(url)
    assert response.status_code == 404
    assert b"root:" not in response.data and b"[project]" not in response.data
    assert b"Traceback" not in response.data


def test_security_headers(app_client):
    _, client = app_client
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'self'" in policy
    assert "'unsafe-eval'" not in policy and "script-src 'self' 'sha256-" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/download/data_dictionary.csv").headers["X-Content-Type-Options"]


def test_frame_ancestors_is_configurable(app_client, monkeypatch):
    from dashboard.security import content_security_policy

    app, _ = app_client
    monkeypatch.setenv("AIEI_FRAME_ANCESTORS", "'self' https://legislature.example.gov")
    assert "frame-ancestors 'self' https://legislature.example.gov" in content_security_policy(app)


def test_debug_is_off_in_production(app_client):
    app, client = app_client
    assert not app.server.debug
    response = client.get("/_dash-debug-menu")  # not a route without debug: no page there
    assert response.status_code == 404
    assert b"Traceback" not in response.data


def _dependency(app_client, output_fragment: str) -> dict:
    _, client = app_client
    for dependency in client.get("/_dash-dependencies").json:
        if output_fragment in dependency["output"]:
            return dependency
    raise AssertionError(output_fragment)


def _id(text: str) -> str | dict:
    """An output's id as the renderer sends it: a dict id as the dict its JSON names."""
    return json.loads(text) if text.startswith("{") else text


def _payload(dependency: dict, values: list, changed: int) -> str:
    """A callback request as Dash's renderer sends it (a dict id named in JSON)."""
    outputs = [  # an output several callbacks set keeps its @hash, as the renderer sends it
        {"id": _id(o.rsplit(".", 1)[0]), "property": o.rsplit(".", 1)[1]}
        for o in dependency["output"].strip(".").split("...")
    ]
    if not dependency["output"].startswith(".."):  # a single output is sent as an object
        outputs = outputs[0]
    inputs = [
        {"id": i["id"], "property": i["property"], "value": v}
        for i, v in zip(dependency["inputs"], values, strict=False)
    ]
    state = [{"id": s["id"], "property": s["property"], "value": "IN"} for s in dependency["state"]]
    changed_id = inputs[changed % len(inputs)]
    return json.dumps(
        {
            "output": dependency["output"],
            "outputs": outputs,
            "inputs": inputs,
            "state": state,
            "changedPropIds": [f"{stringify_id(changed_id['id'])}.{changed_id['property']}"],
        }
    )


ANY_VALUE = st.one_of(
    st.none(),
    st.text(max_size=80),
    st.integers(),
    st.booleans(),
    st.lists(st.text(max_size=5), max_size=6),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
)


@pytest.mark.parametrize(
    "output",
    [
        "map.figure",
        "state-body.children",
        "compare-body.children",
        "page.children",
        "ranking-sort.data",
        "url.pathname@",  # outputs several callbacks set, named with a hash
        "index-body.children",
        "occupation-map.figure",
        "exposed-body.children",
    ],
)
@FUZZ
# as many values as the callback with the most inputs (the occupation index) has
@given(values=st.lists(ANY_VALUE, min_size=14, max_size=14), changed=st.integers(0, 13))
def test_fuzzed_callback_inputs_never_give_500(app_client, output, values, changed):
    _, client = app_client
    payload = _payload(_dependency(app_client, output), values, changed)
    response = client.post(
        "/_dash-update-component", data=payload, headers={"Content-Type": "application/json"}
    )
    assert response.status_code in (200, 204), response.data[:300]


@FUZZ
@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        st.dictionaries(st.text(max_size=8), ANY_VALUE, max_size=4).map(
            lambda d: json.dumps(d).encode()
        ),
    )
)
def test_malformed_callback_requests_are_400_not_500(app_client, body):
    _, client = app_client
    response = client.post(
        "/_dash-update-component", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code in (400, 413)


@FUZZ
@given(
    query=st.text(max_size=120),
    path=st.sampled_from(
        ["/", "/state/IN", "/compare", "/methodology", "/occupations", "/occupation/29-1141"]
    ),
)
def test_fuzzed_query_strings_never_give_500(app_client, query, path):
    _, client = app_client
    response = client.get(
        path, query_string=query.encode("utf-8", "surrogatepass").decode("utf-8", "ignore")
    )
    assert response.status_code in (200, 400, 404, 414)
    assert b"Traceback" not in response.data


def test_oversized_callback_request_is_refused(app_client):
    _, client = app_client
    response = client.post(
        "/_dash-update-component",
        data=b"{" + b" " * 70_000 + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413


class EndlessBody:
    """A request body without end, counting what the server reads of it."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        size = 65_536 if size is None or size < 0 else size
        self.read_bytes += size
        return b" " * size


def test_a_chunked_body_over_the_limit_is_refused_unread(app_client):
    """No Content-Length (Transfer-Encoding: chunked): the body is read up to the limit
    only. (gunicorn, as the production server, sets wsgi.input_terminated;
    tests/test_production_server.py sends the same through it.)"""
    from dashboard.security import MAX_BODY_BYTES

    app, _ = app_client
    body = EndlessBody()
    environ = EnvironBuilder(
        path="/_dash-update-component",
        method="POST",
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
    ).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ.update({"wsgi.input": body, "wsgi.input_terminated": True})
    _, status, _ = run_wsgi_app(app.server, environ, buffered=True)
    assert status.startswith("413")
    assert body.read_bytes <= 2 * MAX_BODY_BYTES


def _valid_callback(app_client) -> dict:
    """A request for the state profile's callback, as the renderer sends it."""
    return json.loads(_payload(_dependency(app_client, "state-body.children"), ["", "", ""], 0))


def _with(payload: dict, **changes: object) -> bytes:
    return json.dumps({**payload, **changes}).encode()


def test_outputs_several_callbacks_set_are_accepted_with_or_without_their_hash(app_client):
    """The renderer names them `property@<hash>`; Dash's own clients without the hash."""
    _, client = app_client
    payload = json.loads(_payload(_dependency(app_client, "url.pathname@"), [None], 0))
    assert all("@" in output["property"] for output in payload["outputs"])
    plain = [{**o, "property": o["property"].split("@")[0]} for o in payload["outputs"]]
    for outputs in (payload["outputs"], plain):
        response = client.post(
            "/_dash-update-component",
            data=json.dumps({**payload, "outputs": outputs}),
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code in (200, 204), response.data[:200]


# Each gave a 500 from Dash's dispatcher before requests were checked against the callback.
MALFORMED = {
    "nested past the recursion limit": lambda p: b"[" * 30_000 + b"]" * 30_000,
    "a lone surrogate in a string": lambda p: _with(p).replace(b'"IN"', b'"\\ud800"', 1),
    "outputs of another length": lambda p: _with(p, outputs=p["outputs"][:1]),
    "outputs naming other components": lambda p: _with(
        p, outputs=[{"id": "zz", "property": "children"}] * len(p["outputs"])
    ),
    "an output without its property": lambda p: _with(p, outputs=[{"id": "state-url"}]),
    "outputs that are not objects": lambda p: _with(p, outputs=["a"] * len(p["outputs"])),
    # and the plainer kinds
    "not JSON": lambda p: b"{output: x}",
    "not UTF-8": lambda p: b'{"output": "\xff"}',
    "JSON that is not an object": lambda p: b"[1, 2]",
    "an input id of the wrong type": lambda p: _with(
        p, inputs=[{**i, "id": 5} for i in p["inputs"]]
    ),
    "an input property of the wrong type": lambda p: _with(
        p, inputs=[{**i, "property": ["search"]} for i in p["inputs"]]
    ),
    "inputs of another callback": lambda p: _with(p, inputs=p["inputs"][::-1]),
    "changed ids that are not inputs": lambda p: _with(p, changedPropIds=["state-code.data"]),
    "a build id that is not one": lambda p: _with(p, build="../../etc"),
}


@pytest.mark.parametrize("kind", MALFORMED)
def test_malformed_callback_requests_get_400_with_the_reason(app_client, kind):
    _, client = app_client
    body = MALFORMED[kind](_valid_callback(app_client))
    assert len(body) < 64 * 1024
    response = client.post(
        "/_dash-update-component", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400, (kind, response.data[:200])
    reason = response.data.decode()
    assert reason.startswith("malformed callback request: ") and reason.count("\n") == 1


def _replace(tree: object, path: list[int], value: object) -> object:
    """`tree` with the node that `path` picks (indices into its items, wrapping) replaced."""
    if not path or not isinstance(tree, dict | list) or not tree:
        return value
    items = list(tree.items()) if isinstance(tree, dict) else list(enumerate(tree))
    key, child = items[path[0] % len(items)]
    changed = _replace(child, path[1:], value)
    if isinstance(tree, dict):
        return {**tree, key: changed}
    return [changed if index == key else item for index, item in enumerate(tree)]


@FUZZ
@given(
    output=st.sampled_from(["state-body.children", "map.figure", "ranking-sort.data"]),
    path=st.lists(st.integers(0, 10), max_size=4),
    value=st.recursive(
        ANY_VALUE | st.floats() | st.text(st.characters(codec="utf-8"), max_size=10),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.text(max_size=5), children, max_size=3)
        ),
        max_leaves=6,
    ),
)
def test_callback_requests_with_any_part_replaced_never_give_500(app_client, output, path, value):
    _, client = app_client
    dependency = _dependency(app_client, output)
    payload = json.loads(_payload(dependency, [""] * len(dependency["inputs"]), 0))
    response = client.post(
        "/_dash-update-component",
        data=json.dumps(_replace(payload, path, value)),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code in (200, 204, 400), response.data[:300]

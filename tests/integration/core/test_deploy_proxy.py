"""The example reverse-proxy configuration in docs/deploy/ against the real services.

``nginx -t`` accepts docs/deploy/nginx.conf (with throwaway certificates in
place of the example paths), and every route the handoff and knowledge apps
really have reaches the right upstream through it: each websocket route
through a location that passes the upgrade, the internal bot route and
``/metrics`` nowhere. A route added to either service without a way through
the proxy fails here.
"""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from starlette.routing import Mount, Route, WebSocketRoute

from frontdoor.settings import project_root

DEPLOY = project_root() / "docs" / "deploy"
WWW, CHAT = "www.example.gov.uk", "chat.example.gov.uk"
BLOCKED = ("/metrics", "/api/v1/bot/")  # never through the proxy


@dataclass
class Location:
    modifier: str  # "" (prefix) or "=" (exact)
    path: str
    body: str

    def matches(self, path: str) -> bool:
        return path == self.path if self.modifier == "=" else path.startswith(self.path)


@dataclass
class Server:
    names: list[str]
    body: str
    locations: list[Location] = field(default_factory=list)

    def location_for(self, path: str) -> Location:
        exact = [loc for loc in self.locations if loc.modifier == "=" and loc.matches(path)]
        if exact:
            return exact[0]
        prefixes = [loc for loc in self.locations if loc.modifier == "" and loc.matches(path)]
        assert prefixes, f"no location for {path} on {self.names}"
        return max(prefixes, key=lambda loc: len(loc.path))


def blocks(text: str, keyword: str) -> list[tuple[str, str]]:
    """(header, body) of each ``keyword ... { body }`` at any depth, braces balanced."""
    found = []
    for match in re.finditer(rf"(?m)^\s*{keyword}\b([^{{;]*)\{{", text):
        depth, start = 1, match.end()
        index = start
        while depth:
            depth += {"{": 1, "}": -1}.get(text[index], 0)
            index += 1
        found.append((match.group(1).strip(), text[start : index - 1]))
    return found


def servers(text: str) -> dict[str, Server]:
    text = re.sub(r"#[^\n]*", "", text)
    by_name: dict[str, Server] = {}
    for _header, body in blocks(text, "server"):
        names = re.search(r"server_name\s+([^;]+);", body)
        assert names, body
        server = Server(names.group(1).split(), body)
        for header, inner in blocks(body, "location"):
            parts = header.split()
            modifier, path = (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])
            server.locations.append(Location(modifier, path, inner))
        if "443" in body:
            for name in server.names:
                by_name[name] = server
    return by_name


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def route_paths(app) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    """(http paths, websocket paths) of an app, mounts by their prefix."""
    http: list[str] = []
    sockets: list[str] = []

    def walk(routes, prefix: str) -> None:  # type: ignore[no-untyped-def]
        for route in routes:
            included = getattr(route, "original_router", None)  # FastAPI's included router
            if included is not None:
                walk(included.routes, prefix + route.include_context.prefix)
            elif isinstance(route, WebSocketRoute):
                sockets.append(concrete(prefix + route.path))
            elif isinstance(route, Mount):
                http.append(prefix + route.path + "/x")
            elif isinstance(route, Route):
                http.append(concrete(prefix + route.path))

    walk(app.routes, "")
    # sockets served ahead of the middleware stack (handoff.ws.WebsocketRoutes)
    for middleware in app.user_middleware:
        sockets.extend(middleware.kwargs.get("routes", {}))
    return http, sockets


def handoff_app(database):  # type: ignore[no-untyped-def]
    from backoffice import fake_backoffice
    from handoff.app import create_app
    from handoff.bot import FakeBot
    from handoff.search import FakeKnowledgeSearch
    from tests.integration.handoff.conftest import settings_for

    return create_app(
        settings_for(database.url),
        bot=FakeBot(),
        backoffice=fake_backoffice(),
        search=FakeKnowledgeSearch([]),
        engine=database.engine,
    )


def knowledge_app(database, tmp_path):  # type: ignore[no-untyped-def]
    from knowledge.app import create_app
    from tests.integration.knowledge.conftest import CLOCK, hashing_engine, make_settings

    settings = make_settings(database, tmp_path)
    return create_app(settings, search_engine=hashing_engine(), engine=database.engine, clock=CLOCK)


def proxied_to(location: Location) -> str:
    target = re.search(r"proxy_pass\s+http://([a-z_]+)\s*;", location.body)
    return target.group(1) if target else ""


def test_every_route_of_both_services_reaches_its_upstream_and_websockets_upgrade(
    sqlite_database, tmp_path
):
    config = servers((DEPLOY / "nginx.conf").read_text())
    www, chat = config[WWW], config[CHAT]

    http, sockets = route_paths(handoff_app(sqlite_database))
    assert sockets == ["/ws/resident", "/ws/advisor"]
    for path in sockets:
        location = chat.location_for(path)
        assert proxied_to(location) == "frontdoor_handoff", path
        assert re.search(r"proxy_set_header\s+Upgrade\s+\$http_upgrade;", location.body), path
        assert re.search(r"proxy_set_header\s+Connection\s+\$connection_upgrade;", location.body)
        assert re.search(r"proxy_http_version\s+1\.1;", location.body)
        timeout = re.search(r"proxy_read_timeout\s+(\d+)(h|m|s);", location.body)
        assert (
            timeout and int(timeout.group(1)) * {"h": 3600, "m": 60, "s": 1}[timeout.group(2)] > 25
        )
    for path in http:
        location = chat.location_for(path)
        if path.startswith(BLOCKED):
            assert "return 404" in location.body and not proxied_to(location), path
        else:
            assert proxied_to(location) == "frontdoor_handoff", path
    assert "/api/v1/bot/availability" in http  # the internal route exists and is blocked above

    http, sockets = route_paths(knowledge_app(sqlite_database, tmp_path))
    assert sockets == []
    for path in http:
        location = www.location_for(path)
        if path.startswith(BLOCKED):
            assert "return 404" in location.body and not proxied_to(location), path
        else:
            assert proxied_to(location) == "frontdoor_knowledge", path
    assert "/metrics" in http


def self_signed(folder: Path, name: str) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)  # nginx -t does not check dates
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    crt, pem = folder / f"{name}.crt", folder / f"{name}.key"
    crt.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return crt, pem


def test_nginx_accepts_the_example_configuration(tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is needed: scripts/bootstrap.sh --test installs it"
    site = (DEPLOY / "nginx.conf").read_text()
    for name in (WWW, CHAT):
        crt, key = self_signed(tmp_path, name)
        site = site.replace(f"/etc/ssl/frontdoor/{name}.crt", str(crt))
        site = site.replace(f"/etc/ssl/frontdoor/{name}.key", str(key))
    assert "/etc/ssl/" not in site
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp_path}/body;\n"
        f"  proxy_temp_path {tmp_path}/proxy;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    checked = subprocess.run(
        [nginx, "-t", "-q", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
         "-c", str(tmp_path / "nginx.conf")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    # the Caddy example serves the same two names and blocks the same paths
    caddy = (DEPLOY / "Caddyfile").read_text()
    assert f"{WWW} {{" in caddy and f"{CHAT} {{" in caddy
    assert "respond /metrics 404" in caddy and "respond /api/v1/bot/* 404" in caddy

"""A real OpenID Connect provider for the tests, built from authlib's server components.

authlib's ``AuthorizationServer`` with its ``AuthorizationCodeGrant``, the
``CodeChallenge`` (PKCE) and ``OpenIDCode`` extensions serve the authorization
and token endpoints; discovery and JWKS are the documents a real issuer
publishes. It runs under uvicorn on a free loopback port, so Frontdoor's client
talks HTTP to it exactly as it would to Entra ID or Google.

The signed-in "directory user" is ``provider.user`` (claims); tests bend the
provider with ``audience`` (who the ID token is for) and ``issued_at`` (the
clock it signs with), never by touching Frontdoor's client.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    ClientMixin,
    JsonRequest,
    OAuth2Payload,
    OAuth2Request,
)
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import OpenIDCode, UserInfo
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from frontdoor.localserver import ThreadedServer, free_port

CLIENT_ID = "frontdoor-test-client"
CLIENT_SECRET = secrets.token_urlsafe(32)


@dataclass
class Client(ClientMixin):  # type: ignore[misc]
    client_id: str
    client_secret: str
    redirect_uris: list[str] = field(default_factory=list)

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return scope

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "client_secret_basic"

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    user: dict[str, Any]
    auth_time: int

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class _Payload(OAuth2Payload):  # type: ignore[misc]
    def __init__(self, data: dict[str, str]) -> None:
        self._data = data

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> dict[str, list[str]]:
        return {key: [value] for key, value in self._data.items()}


class _Request(OAuth2Request):  # type: ignore[misc]
    def __init__(
        self, method: str, uri: str, headers: Any, args: dict[str, str], form: dict[str, str]
    ):
        super().__init__(method=method, uri=uri, headers=headers)
        self._args = args
        self._form = form
        self.payload = _Payload({**args, **form})

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class Provider:
    """The issuer: its state, its authlib server and its HTTP app."""

    def __init__(self, now: Callable[[], int]) -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.now = now
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-1", "use": "sig"})
        self.client = Client(CLIENT_ID, CLIENT_SECRET)
        self.user: dict[str, Any] = {}
        self.audience: str | None = None  # None: the client's own id
        self.lifetime = 300
        self.codes: dict[str, Code] = {}
        self.server = self._authorization_server()
        self.app = Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self.discovery),
                Route("/jwks", self.jwks),
                Route("/authorize", self.authorize),
                Route("/token", self.token, methods=["POST"]),
            ]
        )

    # -- authlib wiring ------------------------------------------------------------

    def _authorization_server(self) -> AuthorizationServer:
        provider = self

        class Grant(AuthorizationCodeGrant):  # type: ignore[misc]
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]

            def save_authorization_code(self, code: str, request: Any) -> None:
                data = request.payload.data
                provider.codes[code] = Code(
                    code=code, client_id=request.client.client_id,
                    redirect_uri=data.get("redirect_uri", ""), scope=request.scope,
                    nonce=data.get("nonce"), code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                    user=dict(request.user), auth_time=provider.now(),
                )  # fmt: skip

            def query_authorization_code(self, code: str, client: Client) -> Code | None:
                found = provider.codes.get(code)
                return found if found and found.client_id == client.client_id else None

            def delete_authorization_code(self, authorization_code: Code) -> None:
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code: Code) -> dict[str, Any]:
                return authorization_code.user

        class OpenID(OpenIDCode):  # type: ignore[misc]
            def resolve_client_private_key(self, client: Client) -> RSAKey:
                return provider.key

            def get_client_algorithm(self, client: Client) -> str:
                return "RS256"

            def get_compatible_claims(self, request: Any) -> dict[str, Any]:
                now = provider.now()
                return {
                    "iss": provider.issuer,
                    "aud": [provider.audience or request.client.client_id],
                    "iat": now,
                    "exp": now + provider.lifetime,
                }

            def exists_nonce(self, nonce: str, request: Any) -> bool:
                return any(code.nonce == nonce for code in provider.codes.values())

            def generate_user_info(self, user: dict[str, Any], scope: str) -> UserInfo:
                return UserInfo(user)

        class Server(AuthorizationServer):  # type: ignore[misc]
            def query_client(self, client_id: str) -> Client | None:
                return provider.client if client_id == provider.client.client_id else None

            def save_token(self, token: dict[str, Any], request: Any) -> None:
                pass

            def create_oauth2_request(self, request: _Request) -> _Request:
                return request

            def create_json_request(self, request: _Request) -> JsonRequest:
                return JsonRequest(request.method, request.uri, request.headers)

            def handle_response(self, status: int, body: Any, headers: Any) -> Response:
                if isinstance(body, dict):
                    return JSONResponse(body, status_code=status, headers=dict(headers))
                return Response(body or "", status_code=status, headers=dict(headers))

            def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
                pass

        server = Server(scopes_supported=["openid", "email", "profile"])
        server.register_token_generator(
            "default", BearerTokenGenerator(lambda *args, **kwargs: secrets.token_urlsafe(32))
        )
        server.register_grant(Grant, [CodeChallenge(required=True), OpenID(require_nonce=True)])
        return server

    @staticmethod
    async def _request(request: Request) -> _Request:
        form = dict(parse_qsl((await request.body()).decode())) if request.method == "POST" else {}
        return _Request(
            request.method, str(request.url), request.headers, dict(request.query_params), form
        )

    # -- endpoints -----------------------------------------------------------------

    async def discovery(self, request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
            }
        )

    async def jwks(self, request: Request) -> Response:
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})

    async def authorize(self, request: Request) -> Response:
        """The directory user has already signed in here and consents at once."""
        oauth_request = await self._request(request)
        response: Response = self.server.create_authorization_response(
            oauth_request, grant_user=self.user
        )
        return response

    async def token(self, request: Request) -> Response:
        response: Response = self.server.create_token_response(await self._request(request))
        return response


class Running(ThreadedServer):
    """The provider served by uvicorn in a thread until ``stop``."""

    def __init__(self, provider: Provider) -> None:
        super().__init__(provider.app, name="the test OpenID provider", port=provider.port)
        self.start()

"""Just enough of a browser to use Amends over HTTP: cookies, forms and their CSRF token.

Shared by the CI smoke journey (.ci/smoke.py), the crash test and the load test
(benchmarks/load.py), which talk to a real server process rather than the test client.
"""

from __future__ import annotations

import http.client
import re
from html import unescape
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

Response = tuple[int, dict[str, str], str]


class Browser:
    """One visitor's cookies, sent to the server on 127.0.0.1:`port`.

    `tls_proxy` sends the header a TLS-terminating proxy adds, for a server with DEBUG off
    (its cookies are __Host- and Secure).
    """

    def __init__(
        self, port: int, *, tls_proxy: bool = False, cookies: dict[str, str] | None = None
    ) -> None:
        self.port = port
        self.tls_proxy = tls_proxy
        self.cookies: dict[str, str] = dict(cookies or {})

    @property
    def origin(self) -> str:
        return f"{'https' if self.tls_proxy else 'http'}://127.0.0.1:{self.port}"

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, timeout: float = 60
    ) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.tls_proxy:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = f"{self.origin}{path}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, str]) -> Response:
        return self.request("POST", path, form)

    def form_of(self, path: str, action: str | None = None) -> dict[str, str]:
        """What a browser would send, unchanged, from the form on `path` posting to `action`
        (default: the page itself): hidden fields, typed values, checked choices."""
        status, _, page = self.get(path)
        if status != 200:
            raise AssertionError(f"{path} answered {status}")
        return form_values(page, action or path)

    def sign_in(self, email: str, password: str, code: object) -> None:
        """Password, then the authenticator code: `code()` gives the current one."""
        status, headers, _ = self.post(
            "/accounts/login/",
            {**self.form_of("/accounts/login/"), "login": email, "password": password},
        )
        if status != 302:
            raise AssertionError(f"the password for {email} was not accepted ({status})")
        second = urlsplit(headers["location"]).path
        status, _, _ = self.post(second, {**self.form_of(second), "code": code()})  # type: ignore[operator]
        if status != 302:
            raise AssertionError(f"the authenticator code for {email} was not accepted")


def form_values(page: str, action: str) -> dict[str, str]:
    forms = re.findall(r"<form[^>]*>.*?</form>", page, flags=re.S)
    form = next(
        (f for f in forms if f'action="{action}"' in f.split(">", 1)[0]),
        next((f for f in forms if "action=" not in f.split(">", 1)[0]), None),
    )
    if form is None:
        raise AssertionError(f"no form posts to {action}")
    values: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        if kind and kind.group(1) in {"radio", "checkbox"} and " checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        values[name.group(1)] = unescape(value.group(1)) if value else ""
    for tag, options in re.findall(r"<select([^>]*)>(.*?)</select>", form, flags=re.S):
        name = re.search(r'name="([^"]+)"', tag)
        chosen = re.search(r'<option[^>]*value="([^"]*)"[^>]*\sselected', options)
        if name and chosen:
            values[name.group(1)] = unescape(chosen.group(1))
    for tag, content in re.findall(r"<textarea([^>]*)>(.*?)</textarea>", form, flags=re.S):
        name = re.search(r'name="([^"]+)"', tag)
        if name:
            values[name.group(1)] = unescape(content).removeprefix("\n")
    return values

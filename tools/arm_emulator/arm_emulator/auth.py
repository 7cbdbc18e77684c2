"""Entra ID style tokens (RS256 JWTs) and ARM role-based access checks."""

import base64
import re
import time
import uuid

import jwt

EMULATOR_AUDIENCE = "https://management.armemulator.local/"


def _b64url_uint(value):
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class TokenAuthority:
    """Mints and verifies access tokens with the emulator's signing key."""

    def __init__(self, private_key, kid, base_url):
        self.private_key = private_key
        self.public_key = private_key.public_key()
        self.kid = kid
        self.base_url = base_url.rstrip("/")

    def audiences(self):
        """Audiences accepted by ARM routes (the metadata list)."""
        return [self.base_url + "/", EMULATOR_AUDIENCE]

    def issuer(self, tenant):
        """The v2.0 issuer for a tenant."""
        return "%s/%s/v2.0" % (self.base_url, tenant)

    def jwks(self):
        """The JSON Web Key Set."""
        numbers = self.public_key.public_numbers()
        return {"keys": [{"kty": "RSA", "use": "sig", "kid": self.kid, "x5t": self.kid, "alg": "RS256",
                          "n": _b64url_uint(numbers.n), "e": _b64url_uint(numbers.e), "issuer": self.issuer("{tenantid}")}]}

    def mint(self, principal, audience, expires_in=3600):
        """Sign an access token for a principal."""
        now = int(time.time())
        claims = {
            "aud": audience, "iss": self.issuer(principal["tenant"]), "iat": now, "nbf": now - 5 if expires_in > 0 else now + expires_in - 60,
            "exp": now + int(expires_in), "tid": principal["tenant"], "oid": principal["object_id"], "sub": principal["object_id"],
            "appid": principal["client_id"], "azp": principal["client_id"], "idtyp": "app", "ver": "2.0",
            "uti": uuid.uuid4().hex[:22], "roles": [], "xms_emulator_principal": principal["name"],
        }
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid, "x5t": self.kid})

    def verify(self, token):
        """Return (claims, None) or (None, (code, description))."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            return None, ("InvalidAuthenticationToken", "The access token is invalid.")
        if header.get("alg") != "RS256":
            return None, ("InvalidAuthenticationToken", "The access token has an unsupported signing algorithm.")
        try:
            claims = jwt.decode(token, self.public_key, algorithms=["RS256"],
                                options={"verify_aud": False, "verify_exp": False, "verify_nbf": False})
        except jwt.InvalidSignatureError:
            return None, ("InvalidAuthenticationToken", "The access token has an invalid signature.")
        except jwt.PyJWTError:
            return None, ("InvalidAuthenticationToken", "The access token is invalid.")
        if not isinstance(claims.get("exp"), int) or claims["exp"] < time.time():
            return None, ("ExpiredAuthenticationToken",
                          "The access token expiry UTC time '%s' is earlier than current UTC time '%s'." % (
                              _stamp(claims.get("exp", 0)), _stamp(time.time())))
        accepted = set()
        for audience in self.audiences():
            accepted.update({audience.lower(), audience.rstrip("/").lower()})
        if str(claims.get("aud", "")).lower() not in accepted:
            return None, ("InvalidAuthenticationTokenAudience",
                          "The access token has been obtained for wrong audience or resource '%s'. It should exactly match "
                          "with one of the allowed audiences '%s'." % (claims.get("aud"), "','".join(self.audiences())))
        return claims, None


def _stamp(epoch):
    return time.strftime("%m/%d/%Y %H:%M:%S", time.gmtime(epoch))


def action_allowed(actions, action):
    """Whether an action (case-insensitive) matches any of the principal's action patterns (``*`` wildcards)."""
    for pattern in actions:
        regex = "^" + ".*".join(re.escape(piece) for piece in pattern.split("*")) + "$"
        if re.match(regex, action, re.IGNORECASE):
            return True
    return False

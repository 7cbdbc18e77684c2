"""Key material: a local CA, a server certificate for 127.0.0.1 and the JWT signing key."""

import datetime
import hashlib
import ipaddress
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_CERT = "ca.pem"
CA_KEY = "ca-key.pem"
SERVER_CERT = "server.pem"
SERVER_KEY = "server-key.pem"
JWT_KEY = "jwt-signing-key.pem"


def _write_private(path, data):
    """Write bytes readable by the owner only, atomically."""
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def _load_key(path):
    with open(path, "rb") as handle:
        return serialization.load_pem_private_key(handle.read(), password=None)


def _make_ca(state_dir):
    key = _new_key()
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "arm-emulator"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "arm-emulator local CA")])
    now = datetime.datetime.now(datetime.timezone.utc)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(ski, critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False)
            .sign(key, hashes.SHA256()))
    _write_private(os.path.join(state_dir, CA_KEY), _key_pem(key))
    _write_private(os.path.join(state_dir, CA_CERT), cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def _make_server(state_dir, ca_cert, ca_key):
    key = _new_key()
    now = datetime.datetime.now(datetime.timezone.utc)
    san = x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                       x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                       x509.IPAddress(ipaddress.ip_address("::1"))])
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=825))
            .add_extension(san, critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
            .sign(ca_key, hashes.SHA256()))
    _write_private(os.path.join(state_dir, SERVER_KEY), _key_pem(key))
    _write_private(os.path.join(state_dir, SERVER_CERT), cert.public_bytes(serialization.Encoding.PEM))


def ensure_material(state_dir):
    """Create (first run) or reuse the CA, server certificate and JWT key; return their paths and the JWT key."""
    paths = {name: os.path.join(state_dir, name) for name in (CA_CERT, CA_KEY, SERVER_CERT, SERVER_KEY, JWT_KEY)}
    if not (os.path.exists(paths[CA_CERT]) and os.path.exists(paths[CA_KEY])):
        ca_cert, ca_key = _make_ca(state_dir)
        for stale in (SERVER_CERT, SERVER_KEY):
            if os.path.exists(paths[stale]):
                os.remove(paths[stale])
    else:
        with open(paths[CA_CERT], "rb") as handle:
            ca_cert = x509.load_pem_x509_certificate(handle.read())
        ca_key = _load_key(paths[CA_KEY])
    if not (os.path.exists(paths[SERVER_CERT]) and os.path.exists(paths[SERVER_KEY])):
        _make_server(state_dir, ca_cert, ca_key)
    if not os.path.exists(paths[JWT_KEY]):
        _write_private(paths[JWT_KEY], _key_pem(_new_key()))
    jwt_key = _load_key(paths[JWT_KEY])
    return {
        "ca": paths[CA_CERT],
        "cert": paths[SERVER_CERT],
        "key": paths[SERVER_KEY],
        "jwt_key": jwt_key,
        "kid": key_id(jwt_key),
    }


def key_id(private_key):
    """A stable key id (base64url-free hex of the public key digest)."""
    der = private_key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()[:27]

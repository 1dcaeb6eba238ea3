"""Check a minisign signature (Ed25519), as the published station catalogue carries one.

minisign (https://jedisct1.github.io/minisign/) writes a detached `FILE.minisig`:

    untrusted comment: <anything>
    base64(algorithm[2] || key id[8] || signature[64])
    trusted comment: <one line>
    base64(global signature[64])

`algorithm` is `ED` for the current, prehashed format (the signature covers the BLAKE2b-512
hash of the file) or `Ed` for the legacy one (it covers the file itself). The global signature
covers `signature || trusted comment`, so the trusted comment (the catalogue's date, say)
cannot be changed either. A public key is `base64("Ed" || key id[8] || key[32])`, alone on a
line or below an `untrusted comment:` line as `minisign -G` writes it.

Only the verifying half lives here; signing is the maintainer's job with the minisign tool
(docs/catalogue.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

MAX_SIGNATURE_BYTES = 4096  # a .minisig is ~300 bytes; the trusted comment is one line


class SignatureError(ValueError):
    """The signature does not prove the file, worded in French for the user."""


@dataclass(frozen=True)
class PublicKey:
    key_id: bytes  # 8 bytes
    key: bytes  # 32 bytes, Ed25519

    @property
    def key_id_hex(self) -> str:
        """The id as minisign prints it (`minisign public key 1A2B...`)."""
        return self.key_id[::-1].hex().upper()


@dataclass(frozen=True)
class Verified:
    key_id_hex: str
    trusted_comment: str
    prehashed: bool


def _b64(text: str, size: int, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureError(f"{what} illisible (base64 attendu)") from exc
    if len(raw) != size:
        raise SignatureError(f"{what} illisible ({len(raw)} octets au lieu de {size})")
    return raw


def parse_public_key(text: str) -> PublicKey:
    """A key as `minisign -G` writes it (comment line, key line) or its key line alone."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    lines = [ln for ln in lines if not ln.lower().startswith("untrusted comment:")]
    if len(lines) != 1:
        raise SignatureError("clé publique minisign illisible")
    raw = _b64(lines[0], 42, "clé publique minisign")
    if raw[:2] != b"Ed":
        raise SignatureError("clé publique minisign : algorithme inconnu")
    return PublicKey(key_id=raw[2:10], key=raw[10:])


def verify(data: bytes, signature: bytes | str, key: PublicKey) -> Verified:
    """Check that `signature` (a .minisig file's content) was made for `data` with `key`.

    Returns the trusted comment; raises SignatureError otherwise."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if isinstance(signature, bytes):
        if len(signature) > MAX_SIGNATURE_BYTES:
            raise SignatureError("fichier de signature trop long")
        try:
            signature = signature.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SignatureError("fichier de signature illisible (pas du texte)") from exc
    lines = signature.replace("\r\n", "\n").split("\n")
    if len(lines) < 4 or not lines[0].startswith("untrusted comment:"):
        raise SignatureError("fichier de signature minisign illisible")
    prefix = "trusted comment: "
    if not lines[2].startswith(prefix):
        raise SignatureError("fichier de signature minisign illisible (commentaire de confiance)")
    sig = _b64(lines[1], 74, "signature")
    global_sig = _b64(lines[3], 64, "signature du commentaire")
    algorithm, key_id, sig_bytes = sig[:2], sig[2:10], sig[10:]
    if algorithm == b"ED":
        prehashed = True
        message = hashlib.blake2b(data, digest_size=64).digest()
    elif algorithm == b"Ed":
        prehashed = False
        message = data
    else:
        raise SignatureError("signature minisign : algorithme inconnu")
    if key_id != key.key_id:
        raise SignatureError(
            f"signé avec une autre clé ({key_id[::-1].hex().upper()}, "
            f"clé attendue {key.key_id_hex})"
        )
    comment = lines[2][len(prefix) :].encode("utf-8")
    pk = Ed25519PublicKey.from_public_bytes(key.key)
    try:
        pk.verify(sig_bytes, message)
    except InvalidSignature:
        raise SignatureError("signature invalide : le fichier a été modifié") from None
    try:
        pk.verify(global_sig, sig_bytes + comment)
    except InvalidSignature:
        raise SignatureError(
            "signature invalide : le commentaire de confiance a été modifié"
        ) from None
    return Verified(key.key_id_hex, comment.decode("utf-8"), prehashed)

#!/usr/bin/env python3
"""Reference reader for TokenVault files, written from docs/FORMAT.md (formats 2 and 1).

    python3 docs/open_vault.py VAULT KEYRING [--passphrase-env NAME | --passphrase-file FILE]

Prints the vault's entries as JSON. A format-1 vault's plaintext is printed as it is; a
format-2 vault's entry table is printed as the equivalent format-1 document (compact, members
sorted, dates as seconds since 1970, absent fields left out). Needs the `cryptography` package
(for AES-256-GCM and AES-256-CMAC); scrypt comes from Python's `hashlib`.
"""
import argparse, base64, hashlib, json, os, re, struct, sys
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.cmac import CMAC

KEY_ID = re.compile(rb"[A-Za-z0-9._-]{1,64}")
NONCE_SIZE = {1: 12, 2: 24}  # format 1: AES-256-GCM, format 2: XAES-256-GCM


def fail(path, reason):
    sys.exit(f"{path}: {reason}")


def split_sealed(path, data, header_end, nonce_size):
    """Splits `header || ciphertext || tag`, checking the file size. The header ends with the
    nonce and the 4-byte length; it is the AAD. Returns (nonce, ciphertext || tag, aad)."""
    if len(data) < header_end:
        fail(path, "truncated")
    (n,) = struct.unpack(">I", data[header_end - 4:header_end])
    if len(data) != header_end + n + 16:
        fail(path, f"size {len(data)}, expected {header_end + n + 16} (truncated or trailing bytes)")
    return data[header_end - 4 - nonce_size:header_end - 4], data[header_end:], data[:header_end]


def xaes_key(key, nonce):
    """XAES-256-GCM (c2sp.org/XAES-256-GCM): the AES-256-GCM key and nonce for a 24-byte nonce."""
    derived = b""
    for counter in (1, 2):
        mac = CMAC(algorithms.AES(key))
        mac.update(bytes([0, counter]) + b"X\x00" + nonce[:12])
        derived += mac.finalize()
    return derived, nonce[12:]


def decrypt(path, key, nonce, ciphertext_and_tag, aad):
    if len(nonce) == 24:
        key, nonce = xaes_key(key, nonce)
    try:
        return AESGCM(key).decrypt(nonce, ciphertext_and_tag, aad)
    except InvalidTag:
        fail(path, "authentication failed: changed file, or another key or passphrase")


def read_keys(path, passphrase):
    if os.stat(path).st_mode & 0o077:
        fail(path, "group or others have access; run: chmod 600 " + path)
    data = open(path, "rb").read()
    if len(data) < 6 or data[:4] != b"TVKR":
        fail(path, "not a TokenVault keyring")
    version = data[4]
    if version not in NONCE_SIZE:
        fail(path, f"unsupported format version {version}")
    if data[5] == 0 and version == 1:
        document = data[6:]
    elif data[5] == 0:
        if len(data) < 10:
            fail(path, "truncated")
        (n,) = struct.unpack(">I", data[6:10])
        if len(data) != 10 + n + 32:
            fail(path, f"size {len(data)}, expected {10 + n + 32} (truncated or trailing bytes)")
        if hashlib.sha256(data[:-32]).digest() != data[-32:]:
            fail(path, "checksum mismatch: the file is damaged")
        document = data[10:10 + n]
    elif data[5] == 1:
        if len(data) < 15:
            fail(path, "truncated")
        log_n, r, p = data[6], *struct.unpack(">II", data[7:15])
        if not (10 <= log_n <= 20 and 1 <= r <= 32 and 1 <= p <= 16 and 128 * r << log_n <= 1 << 28
                and (r * p) << log_n <= 1 << 21):
            fail(path, "scrypt parameters out of range")
        nonce, sealed, aad = split_sealed(path, data, 31 + NONCE_SIZE[version] + 4, NONCE_SIZE[version])
        if passphrase is None:
            fail(path, "keyring is passphrase-protected; give --passphrase-env or --passphrase-file")
        key = hashlib.scrypt(passphrase, salt=data[15:31], n=1 << log_n, r=r, p=p, dklen=32,
                             maxmem=256 * r * (1 << log_n) + (1 << 20))
        document = decrypt(path, key, nonce, sealed, aad)
    else:
        fail(path, f"unknown protection {data[5]}")
    entries = json.loads(document)["keys"]  # format 1's `sealCount` is ignored
    ids = [k["id"] for k in entries]
    if not all(KEY_ID.fullmatch(i.encode()) for i in ids) or len(set(ids)) != len(ids):
        fail(path, "invalid or duplicate key id")
    if [k["state"] for k in entries].count("primary") != 1:
        fail(path, "a keyring needs exactly one primary key")
    keys = {k["id"]: base64.b64decode(k["key"], validate=True) for k in entries}
    if any(len(key) != 32 for key in keys.values()):
        fail(path, "a key is not 32 bytes")
    return keys


def open_vault(path, keys):
    """Returns the format version and the plaintext."""
    data = open(path, "rb").read()
    if len(data) < 6 or data[:4] != b"TVLT":
        fail(path, "not a TokenVault vault")
    version = data[4]
    if version not in NONCE_SIZE:
        fail(path, f"unsupported format version {version}")
    key_id = data[6:6 + data[5]]
    if len(key_id) != data[5] or not KEY_ID.fullmatch(key_id):
        fail(path, "truncated or invalid key id in header")
    sealed = split_sealed(path, data, 6 + len(key_id) + NONCE_SIZE[version] + 4, NONCE_SIZE[version])
    if key_id.decode() not in keys:
        fail(path, f"sealed with key '{key_id.decode()}', which the keyring does not hold")
    return version, decrypt(path, keys[key_id.decode()], *sealed)


class Record:
    """Reads the fields of one format-2 entry record."""

    def __init__(self, path, data):
        self.path, self.data, self.at = path, data, 0

    def take(self, n):
        if len(self.data) - self.at < n:
            fail(self.path, "entry record truncated")
        self.at += n
        return self.data[self.at - n:self.at]

    def raw(self):
        return self.take(struct.unpack(">I", self.take(4))[0])

    def text(self):
        try:
            return self.raw().decode("utf-8")
        except UnicodeDecodeError:
            fail(self.path, "entry text is not UTF-8")

    def flag(self):
        value = self.take(1)[0]
        if value > 1:
            fail(self.path, "entry record has an invalid flag")
        return value == 1

    def int64(self):
        return struct.unpack(">q", self.take(8))[0]

    def optional(self):
        return self.text() if self.flag() else None

    def date(self):
        """Milliseconds since 1970 as seconds: an integer when whole, as format 1 writes them."""
        ms = self.int64()
        return ms // 1000 if ms % 1000 == 0 else ms / 1000


def decode_table(path, table):
    """The entries of a format-2 entry table, as format 1's JSON document would hold them."""
    if len(table) < 4:
        fail(path, "entry table truncated")
    (count,) = struct.unpack(">I", table[:4])
    start = 4 + 8 * count
    if start > len(table):
        fail(path, "entry index larger than the table")
    entries, previous = {}, None
    for index in range(count):
        offset, length = struct.unpack(">II", table[4 + 8 * index:12 + 8 * index])
        if start + offset + length > len(table):
            fail(path, f"entry {index} lies outside the table")
        record = Record(path, table[start + offset:start + offset + length])
        name = record.raw()
        if previous is not None and name <= previous:
            fail(path, "entry names repeated or out of order")
        previous = name
        token = {"accessToken": record.text(), "tokenType": record.text()}
        if record.flag():
            token["expiresIn"] = record.int64()
        token["scope"] = record.optional()
        token["obtainedAt"], token["expiresAt"] = record.date(), record.date()
        token["appId"], token["nonce"] = record.optional(), record.optional()
        entry = {"token": token, "storedAt": record.date()}
        entry["tokenURL"], entry["clientId"], entry["requestedScope"] = (
            record.optional(), record.optional(), record.optional())
        # Bytes after the last field are ignored, as TokenVault does.
        try:
            name = name.decode("utf-8")
        except UnicodeDecodeError:
            fail(path, "entry name is not UTF-8")
        entry["token"] = {k: v for k, v in token.items() if v is not None}  # absent: left out
        entries[name] = {k: v for k, v in entry.items() if v is not None}
    return {"entries": entries}


def main():
    parser = argparse.ArgumentParser(description="Print the entries of a TokenVault vault as JSON.")
    parser.add_argument("vault")
    parser.add_argument("keyring")
    parser.add_argument("--passphrase-env", metavar="NAME")
    parser.add_argument("--passphrase-file", metavar="FILE")
    args = parser.parse_args()
    passphrase = None
    if args.passphrase_env:
        passphrase = os.environ.get(args.passphrase_env, "").encode() or None
    elif args.passphrase_file:
        passphrase = open(args.passphrase_file, "rb").read()
        passphrase = passphrase.removesuffix(b"\n").removesuffix(b"\r") or None
    version, plaintext = open_vault(args.vault, read_keys(args.keyring, passphrase))
    if version == 1:
        json.loads(plaintext)["entries"]  # a vault document has an `entries` object
        sys.stdout.write(plaintext.decode() + "\n")
    else:
        document = decode_table(args.vault, plaintext)
        sys.stdout.write(json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

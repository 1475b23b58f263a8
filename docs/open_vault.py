#!/usr/bin/env python3
"""Reference reader for TokenVault files, written from docs/FORMAT.md (format version 1).

    python3 docs/open_vault.py VAULT KEYRING [--passphrase-env NAME | --passphrase-file FILE]

Prints the vault's plaintext JSON. Needs the `cryptography` package.
"""
import argparse, base64, hashlib, json, os, re, struct, sys
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_ID = re.compile(rb"[A-Za-z0-9._-]{1,64}")


def fail(path, reason):
    sys.exit(f"{path}: {reason}")


def split_sealed(path, data, header_end):
    """Checks the size of `header || ciphertext || tag`; the header ends with the 4-byte length."""
    (n,) = struct.unpack(">I", data[header_end - 4:header_end])
    if len(data) != header_end + n + 16:
        fail(path, f"size {len(data)}, expected {header_end + n + 16} (truncated or trailing bytes)")
    return data[header_end - 16:header_end - 4], data[header_end:], data[:header_end]


def decrypt(path, key, nonce, ciphertext_and_tag, aad):
    try:
        return AESGCM(key).decrypt(nonce, ciphertext_and_tag, aad)
    except InvalidTag:
        fail(path, "authentication failed: changed file, or another key or passphrase")


def read_keys(path, passphrase):
    if os.stat(path).st_mode & 0o077:
        fail(path, "group or others have access; run: chmod 600 " + path)
    data = open(path, "rb").read()
    if len(data) < 6 or data[:4] != b"TVKR" or data[4] != 1:
        fail(path, "not a version 1 TokenVault keyring")
    if data[5] == 0:
        document = data[6:]
    elif data[5] == 1:
        if len(data) < 47:
            fail(path, "truncated")
        log_n, r, p = data[6], *struct.unpack(">II", data[7:15])
        if not (10 <= log_n <= 22 and 1 <= r <= 32 and 1 <= p <= 16):
            fail(path, "scrypt parameters out of range")
        sealed = split_sealed(path, data, 47)
        if passphrase is None:
            fail(path, "keyring is passphrase-protected; give --passphrase-env or --passphrase-file")
        key = hashlib.scrypt(passphrase, salt=data[15:31], n=1 << log_n, r=r, p=p, dklen=32,
                             maxmem=256 * r * (1 << log_n) + (1 << 20))
        document = decrypt(path, key, *sealed)
    else:
        fail(path, f"unknown protection {data[5]}")
    entries = json.loads(document)["keys"]
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
    data = open(path, "rb").read()
    if len(data) < 6 or data[:4] != b"TVLT" or data[4] != 1:
        fail(path, "not a version 1 TokenVault vault")
    key_id = data[6:6 + data[5]]
    if len(data) < 22 + len(key_id) or not KEY_ID.fullmatch(key_id):
        fail(path, "truncated or invalid key id in header")
    sealed = split_sealed(path, data, 22 + len(key_id))
    if key_id.decode() not in keys:
        fail(path, f"sealed with key '{key_id.decode()}', which the keyring does not hold")
    return decrypt(path, keys[key_id.decode()], *sealed)


def main():
    parser = argparse.ArgumentParser(description="Print the plaintext JSON of a TokenVault vault.")
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
        passphrase = passphrase.removesuffix(b"\n").removesuffix(b"\r")
    plaintext = open_vault(args.vault, read_keys(args.keyring, passphrase))
    json.loads(plaintext)["entries"]  # a vault document has an `entries` object
    sys.stdout.write(plaintext.decode() + "\n")


if __name__ == "__main__":
    main()

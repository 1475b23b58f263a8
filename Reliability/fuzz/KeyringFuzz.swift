import TokenVault

/// Keyring files. The first byte says what the rest is:
/// - 0: a whole keyring file as read from disk; a passphrase-sealed one is opened with
///   ``FuzzKey`` as the derived key (no scrypt run: the fuzzer exercises the format, not the KDF);
/// - 1: a key list (JSON), wrapped here in an unprotected format-2 file with its checksum, so the
///   fuzzer reaches the list's parser behind the checksum.
///
/// Whatever decodes must hold a valid keyring and survive being written and read again.
enum KeyringFuzz {
    static func run(_ input: [UInt8]) -> Bool {
        guard let mode = input.first else { return false }
        let payload = Array(input.dropFirst())
        let file = mode % 2 == 0 ? payload : unprotectedFile(keyList: payload)
        let keyring: KeyringFile
        do {
            keyring = try decode(file)
        } catch {
            expect(error is VaultError, "a keyring that does not decode throws a VaultError (\(type(of: error)))")
            return false
        }
        expect(keyring.keys.filter { $0.info.state == .primary }.count == 1, "exactly one primary key")
        expect(Set(keyring.keys.map(\.id)).count == keyring.keys.count, "key ids are unique")
        expect(keyring.keys.allSatisfy { KeyringKey.isValidID($0.id) }, "key ids are valid")

        guard let written = try? keyring.encoded(nonce: FuzzKey.xaesNonce), let reread = try? decode(written) else {
            expect(false, "a keyring that decoded is written and reads back")
            return true
        }
        expect(reread.keys.map(\.id) == keyring.keys.map(\.id), "a rewritten keyring keeps its key ids in order")
        expect(reread.keys.map(\.key) == keyring.keys.map(\.key), "a rewritten keyring keeps its keys")
        expect(reread.keys.map(\.info.state) == keyring.keys.map(\.info.state), "a rewritten keyring keeps its key states")
        for (a, b) in zip(reread.keys, keyring.keys) {
            let x = a.info.createdAt.timeIntervalSince1970, y = b.info.createdAt.timeIntervalSince1970
            expect(abs(x - y) <= 1e-6 * max(1, abs(y)), "a rewritten keyring keeps its creation dates")
        }
        return true
    }

    private static func decode(_ file: [UInt8]) throws -> KeyringFile {
        try KeyringFile.decode(file, path: "fuzz.keyring") { _, _ in FuzzKey.key }
    }

    /// An unprotected format-2 keyring holding `keyList`: header, length, list, SHA-256 of all that.
    static func unprotectedFile(keyList: [UInt8]) -> [UInt8] {
        var file = KeyringFile.magic + [KeyringFile.formatVersion, 0]
        file.appendBigEndian(UInt32(keyList.count))
        file += keyList
        file += try! SHA256.hash(file)
        return file
    }
}

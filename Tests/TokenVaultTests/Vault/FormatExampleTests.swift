import Foundation
import Testing
@testable import TokenVault

/// Checks the worked example of docs/FORMAT.md against the code. The example bytes are read from
/// the document itself (between `<!-- example:NAME -->` markers), so the two cannot drift apart.
@Suite struct FormatExampleTests {
    static let keyID = "0123456789abcdef"
    static let keyBytes = Array(UInt8(0x00)...UInt8(0x1f))
    static let vaultNonce = Array(UInt8(0xa0)...UInt8(0xab))
    static let keyringNonce = Array(UInt8(0xb0)...UInt8(0xbb))
    static let vaultNonceV2 = Array(UInt8(0xc0)...UInt8(0xd7))
    static let keyringNonceV2 = Array(UInt8(0xe0)...UInt8(0xf7))
    static let passphrase = "correct horse battery staple"
    static let scrypt = Scrypt(logN: 10, r: 8, p: 1)
    static let salt = Array(UInt8(0x20)...UInt8(0x2f))

    /// The one entry of the example vault, as the document describes it.
    static let expectedEntry = VaultEntry(
        token: OAuthToken(
            accessToken: "A21AA-example", tokenType: "Bearer", expiresIn: 32400, scope: "openid payments",
            obtainedAt: Date(timeIntervalSince1970: 1_700_000_000.123), appId: "APP-80W284485P519543T"),
        storedAt: Date(timeIntervalSince1970: 1_700_000_000.5),
        origin: TokenOrigin(tokenURL: "https://api-m.sandbox.paypal.com/v1/oauth2/token", clientID: "AbC123", scope: nil))

    // MARK: Reading the document

    /// The lines between `<!-- example:NAME -->` and `<!-- /example:NAME -->`, without code fences.
    static func example(_ name: String) throws -> String {
        // Tests/TokenVaultTests/Vault/FormatExampleTests.swift -> package root.
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        let text = try String(contentsOf: url.appendingPathComponent("docs/FORMAT.md"), encoding: .utf8)
        let start = try #require(text.range(of: "<!-- example:\(name) -->"), "no example '\(name)' in FORMAT.md")
        let end = try #require(text.range(of: "<!-- /example:\(name) -->", range: start.upperBound..<text.endIndex))
        return text[start.upperBound..<end.lowerBound]
            .split(separator: "\n")
            .filter { !$0.hasPrefix("```") }
            .joined(separator: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The bytes of a hex example block (pairs of hex digits separated by white space).
    static func hexExample(_ name: String) throws -> [UInt8] {
        let digits = Array(try example(name).filter { !$0.isWhitespace })
        try #require(digits.count % 2 == 0, "odd number of hex digits in '\(name)'")
        return try stride(from: 0, to: digits.count, by: 2).map { index in
            try #require(UInt8(String(digits[index..<index + 2]), radix: 16), "bad hex in '\(name)'")
        }
    }

    static func key() throws -> SymmetricKey { try SymmetricKey(bytes: keyBytes) }

    /// The example keyring's one key.
    static func keys() throws -> [KeyringKey] {
        [KeyringKey(info: KeyInfo(id: keyID, state: .primary, createdAt: Date(timeIntervalSince1970: 1_700_000_000)), key: try key())]
    }

    /// Bytes as lowercase hex, so that a mismatch is readable in the test output.
    static func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    // MARK: Keyring

    @Test func unprotectedKeyringDecodesToTheExampleKey() throws {
        let bytes = try Self.hexExample("keyring-hex")
        let file = try KeyringFile.decode(bytes, path: "example.keys") { _, _ in nil }
        #expect(file.keys.count == 1)
        let key = try #require(file.key(id: Self.keyID))
        #expect(key.info.state == .primary)
        #expect(key.info.createdAt == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(key.key == (try Self.key()))
        // Protection 0 has no length field: JSON white space may follow the key list, nothing else.
        #expect(try KeyringFile.decode(bytes + Array("\n".utf8), path: "k") { _, _ in nil }.keys.count == 1)
        #expect(throws: VaultError.malformed(path: "k", reason: "key list is not valid JSON")) {
            try KeyringFile.decode(bytes + Array("x".utf8), path: "k") { _, _ in nil }
        }
    }

    @Test func protectedKeyringDecodesToTheSameKey() throws {
        let bytes = try Self.hexExample("protected-keyring-hex")
        let file = try KeyringFile.decode(bytes, path: "example.keys") { scrypt, salt in
            #expect(scrypt == Scrypt(logN: 10, r: 8, p: 1))
            #expect(salt == Array(UInt8(0x20)...UInt8(0x2f)))
            return try scrypt.deriveKey(passphrase: Array(Self.passphrase.utf8), salt: salt)
        }
        #expect(file.key(id: Self.keyID)?.key == (try Self.key()))
        #expect(throws: VaultError.passphraseRequired(path: "example.keys")) {
            try KeyringFile.decode(bytes, path: "example.keys") { _, _ in nil }
        }

        // Sealing the unprotected example's key list with the documented key and nonce, under the
        // 47-byte header as additional data, gives exactly these bytes.
        guard case .passphrase(_, _, let derived) = file.protection else {
            Issue.record("not a protected keyring")
            return
        }
        let derivedHex = "b1aa361090d651e82c90e381b4d002569bd01fe28aa72edbcd49c1097e509eba"
        #expect(derived.withUnsafeBytes { Self.hex($0) } == derivedHex)
        let header = Array(bytes[0..<47])
        let keyList = Array(try Self.hexExample("keyring-hex").dropFirst(6))
        let box = try AESGCM.seal(keyList, using: derived, nonce: Self.keyringNonce, authenticating: header)
        #expect(Self.hex(header + box.ciphertext + box.tag) == Self.hex(bytes))
    }

    // MARK: Vault

    @Test func vaultExampleOpensToTheExampleEntry() throws {
        let bytes = try Self.hexExample("vault-hex")
        let key = try Self.key()
        let opened = try VaultFile.open(bytes, path: "example.vault", keyringPath: "example.keys") {
            $0 == Self.keyID ? key : nil
        }
        #expect(opened.formatVersion == 1)
        #expect(opened.keyID == Self.keyID)
        let entries = try opened.table.allEntries()
        #expect(entries.count == 1)
        let entry = try #require(entries["paypal"])
        #expect(entry == Self.expectedEntry)
        #expect(entry.token.accessToken == "A21AA-example")
        #expect(entry.token.tokenType == "Bearer")
        #expect(entry.token.expiresIn == 32400)
        #expect(entry.token.scope == "openid payments")
        #expect(entry.token.appId == "APP-80W284485P519543T")
        #expect(entry.token.nonce == nil)
        #expect(Self.milliseconds(entry.token.obtainedAt) == 1_700_000_000_123)
        #expect(Self.milliseconds(entry.token.expiresAt) == 1_700_032_400_123)
        #expect(Self.milliseconds(entry.storedAt) == 1_700_000_000_500)
        #expect(entry.tokenURL == "https://api-m.sandbox.paypal.com/v1/oauth2/token")
        #expect(entry.clientID == "AbC123")
        #expect(entry.requestedScope == nil)
    }

    @Test func vaultExampleIsTheDocumentedJSONSealedWithAESGCM() throws {
        let bytes = try Self.hexExample("vault-hex")
        let json = Array(try Self.example("vault-json").utf8)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let encoded = try encoder.encode(VaultFile.Document(entries: ["paypal": Self.expectedEntry]))
        #expect(String(decoding: encoded, as: UTF8.self) == String(decoding: json, as: UTF8.self))
        #expect(try encoder.encode(VaultFile.Document(entries: [:])).count == 14)

        let prefix = VaultFile.headerPrefix(version: 1, keyID: Self.keyID)
        let sealed = try SealedMessage.seal(json, using: try Self.key(), after: prefix, construction: .aes256GCM, nonce: Self.vaultNonce)
        #expect(sealed.count == 38 + json.count + 16)
        #expect(Self.hex(sealed) == Self.hex(bytes))
    }

    @Test func vaultOfTheWrongSizeIsMalformed() throws {
        let bytes = try Self.hexExample("vault-hex")
        let key = try Self.key()
        #expect(throws: VaultError.malformed(path: "v", reason: "truncated (380 bytes)")) {
            try VaultFile.open(Array(bytes.dropLast()), path: "v", keyringPath: "k") { _ in key }
        }
        #expect(throws: VaultError.malformed(path: "v", reason: "1 unexpected bytes after the tag")) {
            try VaultFile.open(bytes + [0], path: "v", keyringPath: "k") { _ in key }
        }
    }

    @Test func readersIgnoreUnknownMembersAndTreatNullAsMissing() throws {
        let json = Array(#"""
            {"entries":{"a":{"extra":1,"requestedScope":null,"storedAt":1700000000,"token":{"accessToken":"t",\#
            "expiresAt":1700003600,"nonce":null,"obtainedAt":1700000000,"tokenType":"Bearer"}}},"more":[]}
            """#.utf8)
        let prefix = VaultFile.headerPrefix(version: 1, keyID: Self.keyID)
        let key = try Self.key()
        let sealed = try SealedMessage.seal(json, using: key, after: prefix, construction: .aes256GCM, nonce: Self.vaultNonce)
        let opened = try VaultFile.open(sealed, path: "v", keyringPath: "k") { _ in key }
        let entry = try #require(try opened.table.entry(named: "a"))
        #expect(entry.requestedScope == nil)
        #expect(entry.token.nonce == nil)
        #expect(entry.token.expiresIn == nil)
        #expect(Self.milliseconds(entry.token.expiresAt) == 1_700_003_600_000)
    }

    // MARK: Format 2

    @Test func v2UnprotectedKeyringIsTheKeyListWithItsLengthAndChecksum() throws {
        let bytes = try Self.hexExample("v2-keyring-hex")
        let file = try KeyringFile.decode(bytes, path: "example.keys") { _, _ in nil }
        #expect(file.keys.count == 1)
        let key = try #require(file.key(id: Self.keyID))
        #expect(key.info.state == .primary)
        #expect(key.info.createdAt == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(key.key == (try Self.key()))
        if case .passphrase = file.protection { Issue.record("decoded as protected") }

        // Protection 0 has no nonce: encoding the example key gives exactly the documented bytes.
        #expect(Self.hex(try KeyringFile(keys: try Self.keys(), protection: .none).encoded()) == Self.hex(bytes))
        #expect(bytes.count == 10 + 130 + 32)
        #expect(Self.hex(try SHA256.hash(Array(bytes.dropLast(32)))) == Self.hex(bytes.suffix(32)))

        // A damaged byte fails the checksum; a byte after it is refused.
        var damaged = bytes
        damaged[20] ^= 0x01
        #expect(throws: VaultError.malformed(path: "k", reason: "checksum mismatch: the file is damaged")) {
            try KeyringFile.decode(damaged, path: "k") { _, _ in nil }
        }
        #expect(throws: VaultError.malformed(path: "k", reason: "1 unexpected bytes after the tag")) {
            try KeyringFile.decode(bytes + [0x0a], path: "k") { _, _ in nil }
        }
        #expect(throws: VaultError.malformed(path: "k", reason: "truncated (171 bytes)")) {
            try KeyringFile.decode(Array(bytes.dropLast()), path: "k") { _, _ in nil }
        }
    }

    @Test func v2EntryTableIsTheDocumentedRecord() throws {
        let bytes = try Self.hexExample("v2-table-hex")
        #expect(Self.hex(EntryTable.encode(["paypal": Self.expectedEntry])) == Self.hex(bytes))
        #expect(EntryTable.encode([:]) == [0, 0, 0, 0])

        let table = try EntryTable(plaintext: bytes, path: "example.vault")
        #expect(table.count == 1)
        #expect(try table.entry(named: "paypal") == Self.expectedEntry)
        #expect(try table.entry(named: "paypal2") == nil)
        #expect(try table.allEntries() == ["paypal": Self.expectedEntry])

        // Bytes after a record's last field (inside its length) are ignored.
        var extended = bytes
        extended[11] += 3
        extended += [0x01, 0x02, 0x03]
        #expect(try EntryTable(plaintext: extended, path: "v").entry(named: "paypal") == Self.expectedEntry)
        // A record cut short is malformed.
        var cut = bytes
        cut[11] -= 1
        #expect(throws: VaultError.malformed(path: "v", reason: "entry record truncated")) {
            try EntryTable(plaintext: cut, path: "v").entry(named: "paypal")
        }
    }

    /// Found by the vault fuzz target: a date beyond what the writer writes (years 1 to 9999) was
    /// read as some other date, so the entry changed when it was next written.
    @Test func v2DatesOutsideWhatTheWriterWritesAreMalformed() throws {
        var entry = Self.expectedEntry
        entry.storedAt = Date(timeIntervalSince1970: Double(0x0000_2233_4455_6677) / 1000)
        var bytes = EntryTable.encode(["paypal": entry])
        let marker: [UInt8] = [0x00, 0x00, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77]
        let at = try #require((0...(bytes.count - 8)).first { Array(bytes[$0..<($0 + 8)]) == marker })
        #expect(try EntryTable(plaintext: bytes, path: "v").entry(named: "paypal") == entry)

        bytes[at + 1] = 0xe6  // 0x00e6223344556677 ms: far beyond year 9999
        #expect(throws: VaultError.malformed(path: "v", reason: "entry record has a date out of range")) {
            try EntryTable(plaintext: bytes, path: "v").entry(named: "paypal")
        }
        // What the writer makes of a date beyond the bound reads back: the bound, 9999-12-31T23:59:59.999Z.
        entry.storedAt = Date(timeIntervalSince1970: 1e15)
        let clamped = try EntryTable(plaintext: EntryTable.encode(["paypal": entry]), path: "v").entry(named: "paypal")
        #expect(clamped?.storedAt.timeIntervalSince1970 == 253_402_300_799.999)
        // Every millisecond of the range survives a rewrite, the ends included.
        for milliseconds: Int64 in [-62_135_596_800_000, -1, 0, 1, 253_402_300_799_998, 253_402_300_799_999] {
            entry.storedAt = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            let first = try #require(try EntryTable(plaintext: EntryTable.encode(["e": entry]), path: "v").entry(named: "e"))
            let second = try EntryTable(plaintext: EntryTable.encode(["e": first]), path: "v").entry(named: "e")
            #expect(second == first)
            #expect((first.storedAt.timeIntervalSince1970 * 1000).rounded() == Double(milliseconds))
        }
    }

    /// Two names of distinct bytes that are equal Strings (combining marks in either order) were
    /// one dictionary key: one entry hid the other. Such a table is refused.
    @Test func v2NamesEqualUnderCanonicalEquivalenceAreRepeatedNames() throws {
        var bytes = EntryTable.encode(["a\u{301}\u{327}": Self.expectedEntry, "b\u{301}\u{327}": Self.expectedEntry])
        let second: [UInt8] = Array("b\u{301}\u{327}".utf8)
        let at = try #require((0...(bytes.count - second.count)).first { Array(bytes[$0..<($0 + second.count)]) == second })
        bytes.replaceSubrange(at..<(at + second.count), with: Array("a\u{327}\u{301}".utf8))  // same length, sorts after
        #expect(throws: VaultError.malformed(path: "v", reason: "entry names repeated or out of order")) {
            try EntryTable(plaintext: bytes, path: "v").allEntries()
        }
    }

    @Test func v2VaultIsTheTableSealedWithXAES256GCM() throws {
        let bytes = try Self.hexExample("v2-vault-hex")
        let table = try Self.hexExample("v2-table-hex")
        let key = try Self.key()
        let sealed = try VaultFile.seal(table, keyID: Self.keyID, key: key, nonce: Self.vaultNonceV2)
        #expect(sealed.count == 50 + table.count + 16)
        #expect(Self.hex(sealed) == Self.hex(bytes))

        // The documented derived key and GCM nonce; AES-256-GCM under them, with the 50-byte
        // header as additional data, gives the same bytes.
        let derived = try XAES256GCM.deriveKey(key: key, nonce: Self.vaultNonceV2)
        #expect(derived.key.withUnsafeBytes { Self.hex($0) } == "2831d8fdc7f6fe596b6a55ab2df3cd8184d37314129e443ed7a12cd590fd51df")
        #expect(derived.gcmNonce == Array(UInt8(0xcc)...UInt8(0xd7)))
        let header = Array(bytes[0..<50])
        let box = try AESGCM.seal(table, using: derived.key, nonce: derived.gcmNonce, authenticating: header)
        #expect(Self.hex(header + box.ciphertext + box.tag) == Self.hex(bytes))

        let opened = try VaultFile.open(bytes, path: "example.vault", keyringPath: "example.keys") {
            $0 == Self.keyID ? key : nil
        }
        #expect(opened.formatVersion == 2)
        #expect(opened.keyID == Self.keyID)
        #expect(try opened.table.entry(named: "paypal") == Self.expectedEntry)
        #expect(try opened.table.allEntries() == ["paypal": Self.expectedEntry])

        #expect(throws: VaultError.malformed(path: "v", reason: "truncated (259 bytes)")) {
            try VaultFile.open(Array(bytes.dropLast()), path: "v", keyringPath: "k") { _ in key }
        }
        #expect(throws: VaultError.malformed(path: "v", reason: "1 unexpected bytes after the tag")) {
            try VaultFile.open(bytes + [0], path: "v", keyringPath: "k") { _ in key }
        }
        var changedNonce = bytes
        changedNonce[22] ^= 0x01
        #expect(throws: VaultError.authenticationFailed(path: "v")) {
            try VaultFile.open(changedNonce, path: "v", keyringPath: "k") { _ in key }
        }
    }

    @Test func v2ProtectedKeyringIsTheKeyListSealedWithXAES256GCM() throws {
        let bytes = try Self.hexExample("v2-protected-keyring-hex")
        let derived = try Self.scrypt.deriveKey(passphrase: Array(Self.passphrase.utf8), salt: Self.salt)
        #expect(derived.withUnsafeBytes { Self.hex($0) } == "b1aa361090d651e82c90e381b4d002569bd01fe28aa72edbcd49c1097e509eba")
        let file = KeyringFile(keys: try Self.keys(), protection: .passphrase(scrypt: Self.scrypt, salt: Self.salt, key: derived))
        #expect(Self.hex(try file.encoded(nonce: Self.keyringNonceV2)) == Self.hex(bytes))

        let decoded = try KeyringFile.decode(bytes, path: "example.keys") { scrypt, salt in
            #expect(scrypt == Self.scrypt)
            #expect(salt == Self.salt)
            return try scrypt.deriveKey(passphrase: Array(Self.passphrase.utf8), salt: salt)
        }
        #expect(decoded.keys.count == 1)
        #expect(decoded.primary.info == (try Self.keys())[0].info)
        #expect(decoded.key(id: Self.keyID)?.key == (try Self.key()))

        // The documented per-message key; the plaintext is the unprotected keyring's key list.
        let perMessage = try XAES256GCM.deriveKey(key: derived, nonce: Self.keyringNonceV2)
        #expect(perMessage.key.withUnsafeBytes { Self.hex($0) } == "37a4ad0bb11d6ae3e461118956b4e798786991bb0d5a18be5bcb20209f4fd566")
        #expect(perMessage.gcmNonce == Array(UInt8(0xec)...UInt8(0xf7)))
        let keyList = Array(try Self.hexExample("v2-keyring-hex")[10..<140])
        let plaintext = try XAES256GCM.open(
            Array(bytes[59..<(59 + 130)]), tag: Array(bytes[(59 + 130)...]), nonce: Self.keyringNonceV2, using: derived,
            authenticating: Array(bytes[0..<59]))
        #expect(plaintext == keyList)

        #expect(throws: VaultError.passphraseRequired(path: "example.keys")) {
            try KeyringFile.decode(bytes, path: "example.keys") { _, _ in nil }
        }
        #expect(throws: VaultError.authenticationFailed(path: "k")) {
            try KeyringFile.decode(bytes, path: "k") { scrypt, salt in
                try scrypt.deriveKey(passphrase: Array("wrong passphrase".utf8), salt: salt)
            }
        }
    }
}

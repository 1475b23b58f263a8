import Foundation
import TokenVault

/// Vault files under ``FuzzKey``. The first byte says what the rest is:
/// - 0: a whole vault file, opened as if read from disk (header, lengths, tag);
/// - 1: a format-2 entry table, sealed here and opened, so the fuzzer reaches the table's
///   parser behind the tag;
/// - 2: a format-1 JSON document, sealed here as a format-1 file and opened.
///
/// Whatever opens must read back consistently: one entry found by name is the entry every
/// entry's decoding gives, and the table written from the entries reads back the same.
enum VaultFuzz {
    static func run(_ input: [UInt8]) -> Bool {
        guard let mode = input.first else { return false }
        let payload = Array(input.dropFirst())
        let file: [UInt8]
        switch mode % 3 {
        case 0:
            file = payload
        case 1:
            file = try! VaultFile.seal(payload, keyID: FuzzKey.id, key: FuzzKey.key, nonce: FuzzKey.xaesNonce)
        default:
            file = try! SealedMessage.seal(
                payload, using: FuzzKey.key, after: VaultFile.headerPrefix(version: 1, keyID: FuzzKey.id),
                construction: .aes256GCM, nonce: FuzzKey.gcmNonce)
        }
        let opened: VaultFile.Opened
        do {
            opened = try VaultFile.open(file, path: "fuzz.vault", keyringPath: "fuzz.keyring") { $0 == FuzzKey.id ? FuzzKey.key : nil }
        } catch {
            expect(error is VaultError, "a vault that does not open throws a VaultError (\(type(of: error)))")
            return false
        }
        expect(opened.keyID == FuzzKey.id, "the key id read is the one the file was sealed with")
        expect(opened.formatVersion == 1 || opened.formatVersion == 2, "format 1 or 2")
        return check(opened.table)
    }

    /// The rules a table that opened keeps; whether its entries decoded.
    static func check(_ table: EntryTable) -> Bool {
        guard let entries = try? table.allEntries() else { return false }  // a malformed record is refused: fine
        expect(entries.count == table.count, "every index slot is one distinct entry")
        for (name, entry) in entries {
            expect((try? table.entry(named: name)) == entry, "entry(named:) finds the entry allEntries() decoded")
        }
        expect((try? table.entry(named: "\u{0}not-an-entry")) ?? nil == nil, "a name that is not there is not found")

        // Written and read again: the same names and tokens; dates to the millisecond.
        let rewritten = reread(EntryTable.encode(entries))
        expect(Set(rewritten.keys) == Set(entries.keys), "a rewritten table keeps every name")
        for (name, entry) in entries {
            expect(sameEntry(rewritten[name]!, entry), "a rewritten entry reads back the same")
        }
        expect(reread(EntryTable.encode(rewritten)) == rewritten, "a second rewrite changes nothing")

        // One entry replaced, one removed and one added, the others copied as they are.
        let first = entries.keys.min()
        var changes: [String: VaultEntry?] = ["fuzz-added": sample]
        if let first { changes[first] = .some(nil) }
        if let last = entries.keys.max(), last != first { changes[last] = sample }
        guard let applied = try? table.applying(changes) else {
            expect(false, "changes to a table that decodes apply")
            return true
        }
        var expected = entries
        for (name, change) in changes { expected[name] = change }
        let after = reread(applied)
        expect(Set(after.keys) == Set(expected.keys), "applying changes leaves exactly the expected names")
        for (name, entry) in expected { expect(sameEntry(after[name]!, entry), "applying changes keeps every other entry") }
        return true
    }

    private static let sample = VaultEntry(
        token: OAuthToken(accessToken: "fuzz-token", tokenType: "Bearer", expiresIn: 60, obtainedAt: Date(timeIntervalSince1970: 1_700_000_000)),
        storedAt: Date(timeIntervalSince1970: 1_700_000_000))

    private static func reread(_ plaintext: [UInt8]) -> [String: VaultEntry] {
        var plaintext = plaintext
        defer { plaintext.cleanse() }
        guard let table = try? EntryTable(plaintext: plaintext, path: ""), let entries = try? table.allEntries() else {
            expect(false, "a table TokenVault wrote reads back")
            return [:]
        }
        return entries
    }

    /// Equal but for dates, which format 2 keeps to the millisecond.
    private static func sameEntry(_ a: VaultEntry, _ b: VaultEntry) -> Bool {
        func close(_ x: Date, _ y: Date) -> Bool {
            abs(x.timeIntervalSince1970 - y.timeIntervalSince1970) <= 0.001 + abs(y.timeIntervalSince1970) * 1e-12
        }
        var a = a
        guard close(a.storedAt, b.storedAt), close(a.token.obtainedAt, b.token.obtainedAt), close(a.token.expiresAt, b.token.expiresAt) else {
            return false
        }
        a.storedAt = b.storedAt
        a.token.obtainedAt = b.token.obtainedAt
        a.token.expiresAt = b.token.expiresAt
        return a == b
    }
}

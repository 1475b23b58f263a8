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
        var absent = "\u{0}not-an-entry"
        while entries[absent] != nil { absent += "\u{0}" }
        expect((try? table.entry(named: absent)) == .some(nil), "a name that is not there is not found")

        // Written and read again: exactly the same entries (dates are whole milliseconds).
        expect(reread(EntryTable.encode(entries)) == entries, "a rewritten table reads back the same entries")

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
        expect(after == expected, "applying changes changes only those entries")
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
}

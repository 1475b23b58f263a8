import ArgumentParser
import Foundation
import TokenVault

extension VaultCLI {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the vault's entries and the key that seals it. Never prints a token.")

        @OptionGroup var options: VaultOptions

        @Flag(help: "Print JSON.")
        var json = false

        struct Report: Encodable {
            struct Entry: Encodable {
                var name: String
                var tokenType: String
                var scope: String?
                var expiresAt: String
                var expired: Bool
                var keyId: String
            }

            var formatVersion: Int
            /// The key sealing the vault; for PostgreSQL, the key every row is sealed with, or
            /// `null` while rows are sealed with different keys (see each entry's `keyId`).
            var keyId: String?
            var entries: [Entry]
        }

        func run() async throws {
            let contents = try await options.contents()
            let now = Date()
            let entries = contents.entries.sorted { $0.key < $1.key }.map { name, entry in
                Report.Entry(
                    name: name, tokenType: entry.entry.token.tokenType, scope: entry.entry.token.scope,
                    expiresAt: entry.entry.token.expiresAt.iso8601, expired: entry.entry.token.isExpired(at: now, clockSkew: 0),
                    keyId: entry.keyID)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                let report = Report(formatVersion: contents.formatVersion, keyId: contents.keyID, entries: entries)
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
                return
            }
            print("vault \(contents.shownName): format \(contents.formatVersion), sealed with key \(contents.keyID ?? "(several: see --json)")")
            if entries.isEmpty { print("no entries") }
            for entry in entries {
                let state = entry.expired ? "EXPIRED" : "valid"
                print("\(shown(entry.name))  \(shown(entry.tokenType))  expires \(entry.expiresAt) (\(state))  scope: \(shown(entry.scope ?? "-"))")
            }
        }
    }
}

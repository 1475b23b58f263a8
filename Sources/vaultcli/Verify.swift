import ArgumentParser
import TokenVault

extension VaultCLI {
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open the vault and check its header, tag and every entry.",
            discussion: "Exits 0 when the vault is intact; otherwise with the status of what is wrong (4 tampered or wrong key, 5 unknown key, 7 truncated or malformed).")

        @OptionGroup var options: VaultOptions

        func run() async throws {
            let contents = try await options.contents()
            for (name, stored) in contents.entries where stored.entry.token.accessToken.isEmpty {
                throw VaultError.malformed(path: contents.shownName, reason: "entry '\(name)' has an empty access token")
            }
            print("ok: \(contents.shownName) format \(contents.formatVersion), key \(contents.keyID ?? "(several)"), \(contents.entries.count) entries")
        }
    }
}

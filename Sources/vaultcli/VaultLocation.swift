import ArgumentParser
import Foundation
import PostgresNIO
import TokenVault
import TokenVaultPostgres

/// The vault a command works on: a vault file, or a vault in PostgreSQL when the location is a
/// `postgres://` URL.
enum VaultLocation {
    case file(Vault)
    case postgres(PostgresVault, PostgresURL)

    /// What to call it in messages (a URL without its password).
    var shownName: String {
        switch self {
        case .file(let vault): vault.path
        case .postgres(let vault, let url): "\(url) (vault \(vault.name))"
        }
    }

    /// The entry `name`, or `nil` when there is none.
    func entry(named name: String) async throws -> VaultEntry? {
        switch self {
        case .file(let vault): try vault.entry(named: name)
        case .postgres(let vault, _): try await vault.entry(named: name)?.entry
        }
    }

    /// The store a manager keeps the entry's token in.
    func tokenStore(entry: String) -> any TokenStore {
        switch self {
        case .file(let vault): VaultTokenStore(vault: vault, entry: entry, logger: .cli)
        case .postgres(let vault, _): PostgresTokenStore(vault: vault, entry: entry)
        }
    }

    /// Stores `token` as the entry `name`, replacing the previous one.
    func store(_ token: OAuthToken, as name: String) async throws {
        switch self {
        case .file(let vault): try vault.store(token, as: name)
        case .postgres(let vault, _): try await vault.update(entry: name) { _ in VaultEntry(token: token) }
        }
    }

    /// Deletes the entry `name`.
    func removeEntry(named name: String) async throws {
        switch self {
        case .file(let vault):
            try vault.removeEntry(named: name)
        case .postgres(let vault, _):
            guard try await vault.remove(entry: name) else { throw VaultError.entryNotFound(name: name, path: shownName) }
        }
    }
}

extension VaultOptions {
    /// Whether the vault is in PostgreSQL.
    var isPostgres: Bool { PostgresURL.isPostgresURL(vaultPath) }

    /// Runs `body` with the vault; for PostgreSQL, with a connection pool running meanwhile.
    func withVault<T: Sendable>(_ body: (VaultLocation) async throws -> T) async throws -> T {
        guard isPostgres else { return try await body(.file(try openVault())) }
        return try await withPostgresVault(url: vaultPath, keyring: try openKeyring()) { try await body(.postgres($0, $1)) }
    }
}

/// Refuses a `postgres://` URL among `vaults` (given with `--vault`) that holds a password: the
/// command line is visible to every user of the machine.
func refusePasswordsOnTheCommandLine(_ vaults: [String]) throws {
    for vault in vaults where PostgresURL.isPostgresURL(vault) && URLComponents(string: vault)?.password != nil {
        throw ValidationError(
            "--vault holds a password, which every user of this machine can read on the command line; put the URL in TOKENVAULT_VAULT, or the password in PGPASSWORD.")
    }
}

/// Runs `body` with the PostgreSQL vault at `url`, its connection pool running meanwhile.
func withPostgresVault<T: Sendable>(
    url: String, keyring: Keyring, _ body: (PostgresVault, PostgresURL) async throws -> T
) async throws -> T {
    let location = try PostgresURL(url)
    let client = PostgresClient(configuration: location.configuration)
    let vault = PostgresVault(
        client: client, name: location.vaultName, keyring: keyring, operationTimeout: location.operationTimeout,
        refreshLockTimeout: location.refreshLockTimeout, logger: .cli)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        return try await body(vault, location)
    }
}

/// A vault's entries as `status` and `verify` show them.
struct LocationContents: Sendable {
    var shownName: String
    var formatVersion: Int
    /// The key sealing every entry, or `nil` when entries are sealed with different keys.
    var keyID: String?
    var entries: [String: PostgresVault.Stored]
}

extension VaultOptions {
    /// Opens the vault and every entry in it.
    func contents() async throws -> LocationContents {
        try await withVault { vault in
            switch vault {
            case .file(let file):
                let contents = try file.contents()
                return LocationContents(
                    shownName: vault.shownName, formatVersion: contents.formatVersion, keyID: contents.keyID,
                    entries: contents.entries.mapValues { PostgresVault.Stored(entry: $0, keyID: contents.keyID) })
            case .postgres(let postgres, _):
                let entries = try await postgres.entries()
                let keys = Set(entries.values.map(\.keyID))
                let keyID = keys.count == 1 ? keys.first : entries.isEmpty ? try postgres.keyring.load().primary.id : nil
                return LocationContents(shownName: vault.shownName, formatVersion: 2, keyID: keyID, entries: entries)
            }
        }
    }
}

import TokenVault

extension Keyring {
    /// Rotates the primary key of vaults kept in PostgreSQL.
    ///
    /// 1. A new key (or with `promoting`, the key of that id, added earlier and already copied
    ///    to every replica) is made primary; the keyring is durable before anything is sealed.
    /// 2. Each row not sealed with it is re-sealed, compare-and-swap on its generation, so a
    ///    replica's concurrent write is never lost (the row is read again and re-sealed).
    /// 3. With `retireOld`, keys that no row of `vaults` uses any more are removed.
    ///
    /// Replicas keep their own copies of the keyring: a row sealed with a key their copy lacks
    /// does not open there. Add the key, copy the keyring, then promote it (docs/ROTATION.md).
    package func rotate(postgresVaults vaults: [PostgresVault], retireOld: Bool, promoting keyID: String? = nil) async throws -> RotationReport {
        let oldPrimary = try load().primary.id
        let newPrimary = try keyID.map { try promoteKey(id: $0).id } ?? addKey(primary: true).id
        var resealed: [String] = []
        for vault in vaults {
            resealed += try await vault.resealWithPrimaryKey().map { vault.location(of: $0) }
        }
        var retired: [String] = []
        if retireOld {
            var inUse: Set<String> = []
            for vault in vaults { inUse.formUnion(try await vault.entries().values.map(\.keyID)) }
            retired = try retireKeys(except: inUse)
        }
        return RotationReport(oldPrimary: oldPrimary, newPrimary: newPrimary, resealed: resealed, retired: retired)
    }
}

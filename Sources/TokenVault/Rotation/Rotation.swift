import Foundation

/// What `rotate` did.
package struct RotationReport: Sendable {
    package var oldPrimary: String
    package var newPrimary: String
    package var resealed: [String]
    package var retired: [String]

    package init(oldPrimary: String, newPrimary: String, resealed: [String], retired: [String]) {
        self.oldPrimary = oldPrimary
        self.newPrimary = newPrimary
        self.resealed = resealed
        self.retired = retired
    }
}

extension Keyring {
    /// Adds a new random key; it becomes primary only when `primary` is `true` (the previous
    /// primary then becomes active).
    package func addKey(primary: Bool) throws -> KeyInfo {
        try update { file in
            let key = try KeyringKey.generate(state: primary ? .primary : .active)
            if primary {
                for index in file.keys.indices { file.keys[index].info.state = .active }
            }
            file.keys.append(key)
            return key.info
        }
    }

    /// Makes the key `id`, added earlier, the primary key (the previous primary becomes active).
    ///
    /// A fleet whose replicas each hold a copy of the keyring adds the key first, gives every
    /// replica the new copy, and only then promotes it, so that no replica meets a row sealed
    /// with a key it does not have.
    /// - Throws: `VaultError.keyNotFound` when the keyring has no such key.
    package func promoteKey(id: String) throws -> KeyInfo {
        try update { file in
            guard let index = file.keys.firstIndex(where: { $0.id == id }) else { throw VaultError.keyNotFound(id: id, path: path) }
            for other in file.keys.indices { file.keys[other].info.state = .active }
            file.keys[index].info.state = .primary
            return file.keys[index].info
        }
    }

    /// Removes the keys that are neither primary nor in `inUse`; returns their ids.
    package func retireKeys(except inUse: Set<String>) throws -> [String] {
        try update { file in
            let retired = file.keys.filter { $0.info.state != .primary && !inUse.contains($0.id) }.map(\.id)
            file.keys.removeAll { retired.contains($0.id) }
            return retired
        }
    }

    /// Rotates the primary key with no downtime and no loss at any crash point.
    ///
    /// 1. A new key (or with `promoting`, the key of that id, added earlier) is made primary,
    ///    and the keyring is durable before anything is sealed with it.
    /// 2. Each vault is re-sealed with it under the vault's lock (each replace is atomic).
    /// 3. With `retireOld`, keys that none of `vaults` uses any more are removed, under the
    ///    vaults' locks, only after every vault is durable under the new key.
    ///
    /// After a crash anywhere, every vault is sealed with a key the keyring on disk holds.
    ///
    /// - Throws: `VaultError.fileNotFound` before anything is changed when a named vault does not
    ///   exist (a mistyped path must not let `retireOld` remove the key of the real vault), and
    ///   the vault's error when one does not open with this keyring.
    package func rotate(vaultPaths: [String], retireOld: Bool, promoting keyID: String? = nil) throws -> RotationReport {
        let vaultPaths = try Self.distinctExistingFiles(vaultPaths)
        // Every vault must open with this keyring before the keyring changes: a vault of another
        // keyring, or a tampered one, stops the rotation with nothing written.
        for path in vaultPaths { _ = try Vault(path: path, keyring: self).open() }
        let oldPrimary = try load().primary.id
        let newPrimary = try keyID.map { try promoteKey(id: $0).id } ?? addKey(primary: true).id
        CrashPoint.hit(.afterKeyringWrite)
        var resealed: [String] = []
        for path in vaultPaths {
            try Vault(path: path, keyring: self).withLock { locked in
                guard locked.exists else { throw VaultError.fileNotFound(path: path) }
                try locked.write(try locked.entries())
            }
            resealed.append(path)
        }
        let retired = retireOld ? try retireKeys(unusedBy: vaultPaths) : []
        return RotationReport(oldPrimary: oldPrimary, newPrimary: newPrimary, resealed: resealed, retired: retired)
    }

    /// Removes the key `id`; refused for the primary key and for a key that seals one of `vaults`.
    package func retireKey(id: String, vaultPaths: [String]) throws {
        let vaultPaths = try Self.distinctExistingFiles(vaultPaths)
        return try withVaultLocks(vaultPaths[...]) {
            let inUse = try keyIDs(sealing: vaultPaths)
            try update { file in
                guard let key = file.key(id: id) else {
                    throw VaultError.keyNotFound(id: id, path: path)
                }
                guard key.info.state != .primary else {
                    throw VaultError.primaryKeyRetirement(id: id)
                }
                if let vault = inUse.first(where: { $0.value == id })?.key {
                    throw VaultError.keyInUse(id: id, vault: vault)
                }
                file.keys.removeAll { $0.id == id }
            }
        }
    }

    /// Sets, changes or (with `nil`) removes the passphrase that seals the keyring.
    package func changePassphrase(to newPassphrase: Passphrase?, scrypt: Scrypt = .default) throws {
        // Derived before taking the lock, so that writers do not wait for scrypt.
        let protection = try KeyringFile.Protection.derived(from: newPassphrase, scrypt: scrypt)
        try update { $0.protection = protection }
    }

    /// The canonical paths (`realpath`) of `paths`, without repeats and sorted, so that locks are
    /// taken once each and in one order by every process.
    /// - Throws: `VaultError.fileNotFound` for a path that does not exist.
    static func distinctExistingFiles(_ paths: [String]) throws -> [String] {
        try Set(paths.map { path in
            guard let resolved = realpath(path, nil) else { throw VaultError.fileNotFound(path: path) }
            defer { free(resolved) }
            return String(cString: resolved)
        }).sorted()
    }

    private func retireKeys(unusedBy vaultPaths: [String]) throws -> [String] {
        try withVaultLocks(vaultPaths[...]) {
            try retireKeys(except: Set(try keyIDs(sealing: vaultPaths).values))
        }
    }

    /// The key id in each vault's header, by vault path.
    private func keyIDs(sealing vaultPaths: [String]) throws -> [String: String] {
        var ids: [String: String] = [:]
        for path in vaultPaths {
            ids[path] = try Vault(path: path, keyring: self).open().keyID  // the header alone decides; no entry decoded
        }
        return ids
    }

    /// Runs `body` holding every vault's lock (always taken before the keyring's lock).
    private func withVaultLocks<T>(_ paths: ArraySlice<String>, _ body: () throws -> T) throws -> T {
        guard let first = paths.first else { return try body() }
        return try Vault(path: first, keyring: self).withLock { _ in try withVaultLocks(paths.dropFirst(), body) }
    }
}

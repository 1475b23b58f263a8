import Foundation
import Testing
@testable import TokenVault

/// A vault object keeps the file it last read or wrote open and reads the path again only when
/// `stat` shows another file or a change; a keyring object keeps no file open, and trusts `stat`
/// only for a keyring file last changed seconds before it was read. These tests change the files
/// under long-lived objects in every way and check that each change is seen.
@Suite struct UnchangedFileTests {
    @Test func aReplacementOfTheSameSizeIsSeenAtOnce() throws {
        let dir = try TemporaryDirectory()
        let reader = try dir.makeVault()
        let writer = Vault(path: reader.path, keyring: Keyring(path: reader.keyring.path))
        for round in 0..<200 {
            // Same length every round, back to back: only the file's identity tells them apart.
            let token = String(format: "A21AA-%04d", round)
            try writer.store(OAuthToken(accessToken: token, expiresIn: 3600), as: "paypal")
            #expect(try reader.entry(named: "paypal")?.token.accessToken == token, "round \(round)")
        }
    }

    @Test func aVaultDoesNotReadAgainTheFileItJustWrote() throws {
        let dir = try TemporaryDirectory()
        let vault = try dir.makeVault()
        try vault.store(OAuthToken(accessToken: "first"), as: "paypal")
        // The file it wrote is kept open for writing; a read would open it read-only instead.
        func keptOpen() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").compactMap { fd in
                guard (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + fd)) == vault.path,
                    let info = try? String(contentsOfFile: "/proc/self/fdinfo/" + fd, encoding: .utf8),
                    let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags:") })
                else { return nil }
                return (Int(flags.split(separator: "\t").last ?? "", radix: 8) ?? 0) & Int(O_ACCMODE) == Int(O_WRONLY) ? "written" : "read"
            }
        }
        #expect(try keptOpen() == ["written"])
        #expect(try vault.entry(named: "paypal")?.token.accessToken == "first")
        try vault.store(OAuthToken(accessToken: "second"), as: "paypal")
        #expect(try vault.entry(named: "paypal")?.token.accessToken == "second")
        #expect(try keptOpen() == ["written"], "neither the read nor the write read the file again")
        // Another writer's file is read (once).
        try Vault(path: vault.path, keyring: Keyring(path: vault.keyring.path)).store(OAuthToken(accessToken: "third"), as: "paypal")
        #expect(try vault.entry(named: "paypal")?.token.accessToken == "third")
        #expect(try keptOpen() == ["read"])
    }

    @Test func twoObjectsWritingInTurnKeepEachOthersEntries() throws {
        let dir = try TemporaryDirectory()
        let first = try dir.makeVault()
        let second = Vault(path: first.path, keyring: Keyring(path: first.keyring.path))
        for round in 0..<100 {
            try first.store(OAuthToken(accessToken: "first-\(round)"), as: "first")
            try second.store(OAuthToken(accessToken: "second-\(round)"), as: "second")
        }
        for vault in [first, second, Vault(path: first.path, keyring: Keyring(path: first.keyring.path))] {
            let entries = try vault.contents().entries
            #expect(entries["first"]?.token.accessToken == "first-99")
            #expect(entries["second"]?.token.accessToken == "second-99")
        }
    }

    @Test func aVaultChangedInPlaceIsReadAgain() throws {
        let dir = try TemporaryDirectory()
        let vault = try dir.makeVault()
        try vault.store(OAuthToken(accessToken: "kept"), as: "paypal")
        let original = try Data(contentsOf: URL(fileURLWithPath: vault.path))
        #expect(try vault.entry(named: "paypal")?.token.accessToken == "kept")

        // Another program appends to the file itself, not to a new file.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: vault.path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0]))
        try handle.close()
        #expect(throws: VaultError.self) { try vault.entry(named: "paypal") }
        #expect(throws: VaultError.self) { try vault.store(OAuthToken(accessToken: "new"), as: "paypal") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: vault.path)) == original + [0], "a refused write left the file as it was")
    }

    @Test func aKeyringMadeReadableByOthersIsRefusedByTheObjectThatLoadedIt() throws {
        let dir = try TemporaryDirectory()
        let keyring = Keyring(path: dir.file("vault.keys"))
        try keyring.create()
        #expect(try keyring.keys().count == 1)
        #expect(chmod(keyring.path, 0o644) == 0)
        #expect(throws: VaultError(StorageError.insecurePermissions(path: keyring.path, mode: 0o644))) { try keyring.keys() }
        #expect(chmod(keyring.path, 0o600) == 0)
        #expect(try keyring.keys().count == 1)
    }

    @Test func aKeyringReplacedByAnotherObjectIsNotKeptOpen() throws {
        // A keyring replaced by a rotation or `passphrase add` must not stay readable through a
        // descriptor of this process (retired or clear-text keys).
        let dir = try TemporaryDirectory()
        let keyring = Keyring(path: dir.file("vault.keys"))
        try keyring.create()
        let vault = Vault(path: dir.file("tokens.vault"), keyring: keyring)
        try vault.store(OAuthToken(accessToken: "t"), as: "e")
        _ = try keyring.keys()
        try Keyring(path: keyring.path).update { file in file.keys.append(try .generate(state: .active)) }
        _ = try keyring.keys()
        try vault.store(OAuthToken(accessToken: "u"), as: "e")
        let open = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").compactMap {
            try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0)
        }
        #expect(!open.contains { $0.hasPrefix(dir.path) && $0.contains("vault.keys") && !$0.hasSuffix(".lock") }, "\(open)")
    }

    @Test func aReleasedStampVouchesOnlyForAFileThatHadSettled() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("vault.keys")
        try AtomicFile.replace(path, with: Array("first".utf8))
        let read = try AtomicFile.readStamped(path, maxBytes: 1024).stamp
        #expect(read.isCurrent(at: path))
        // Just changed: once closed, its inode number could carry a file put there within the same
        // clock tick, so the released stamp vouches for nothing.
        #expect(!read.released().isCurrent(at: path))

        // As if read seconds after its last change: current while the file stays as it was.
        let later = timespec(tv_sec: Int(Date().timeIntervalSince1970) + 3, tv_nsec: 0)
        let settled = read.released(now: later)
        #expect(settled.isCurrent(at: path))
        #expect(chmod(path, 0o640) == 0)
        #expect(!settled.isCurrent(at: path), "a new mode is a change")
        #expect(chmod(path, 0o600) == 0)
        let again = try AtomicFile.readStamped(path, maxBytes: 1024).stamp.released(now: later)
        try AtomicFile.replace(path, with: Array("other".utf8))  // same size, another file
        #expect(!again.isCurrent(at: path))
    }

    @Test func aKeyAddedByAnotherObjectIsSeen() throws {
        let dir = try TemporaryDirectory()
        let keyring = Keyring(path: dir.file("vault.keys"))
        try keyring.create()
        let other = Keyring(path: keyring.path)
        for round in 1...20 {
            try other.update { file in file.keys.append(try .generate(state: .active)) }
            #expect(try keyring.keys().count == 1 + round, "round \(round)")
        }
    }
}

/// A `Vault` keeps its lock file open between writes (`ReusedLockFile`): the lock still excludes
/// every other writer, in this process and others.
@Suite struct ReusedLockFileTests {
    @Test func concurrentWritesThroughOneVaultObjectEachKeepTheirEntry() async throws {
        let dir = try TemporaryDirectory()
        let keyring = Keyring(path: dir.file("vault.keys"))
        try keyring.create()
        let vault = Vault(path: dir.file("tokens.vault"), keyring: keyring)
        try vault.create()
        // Blocking writers on 8 threads of their own (never the cooperative pool's, which the
        // async writers need to finish) and async writers, all at once.
        async let blocking: Void = withCheckedContinuation { done in
            Thread.detachNewThread {
                DispatchQueue.concurrentPerform(iterations: 8) { i in
                    try! vault.store(OAuthToken(accessToken: "sync-\(i)"), as: "sync-\(i)")
                }
                done.resume()
            }
        }
        await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<8 {
                group.addTask { try await vault.update { $0.set(VaultEntry(token: OAuthToken(accessToken: "async-\(i)")), named: "async-\(i)") } }
            }
        }
        await blocking
        let entries = try Vault(path: vault.path, keyring: Keyring(path: keyring.path)).contents().entries
        #expect(entries.count == 16)
        for i in 0..<8 {
            #expect(entries["async-\(i)"]?.token.accessToken == "async-\(i)")
            #expect(entries["sync-\(i)"]?.token.accessToken == "sync-\(i)")
        }
    }

    @Test func aDeletedLockFileIsOpenedAgainNotLockedAsAnOrphan() throws {
        let dir = try TemporaryDirectory()
        let file = dir.file("tokens.vault")
        let lockPath = FileLock.lockPath(for: file)
        let reused = ReusedLockFile(guarding: file)
        try reused.acquire().unlock()  // the descriptor is kept
        #expect(unlink(lockPath) == 0)  // someone deletes the lock file
        let lock = try reused.acquire()
        // Held on the lock file other writers open now, not on the deleted one.
        #expect(try FileLock.acquireIfFree(lockFile: lockPath) == nil)
        lock.unlock()
        #expect(try FileLock.acquireIfFree(lockFile: lockPath) != nil)
    }

    @Test func aKeptDescriptorStillExcludesEveryOtherDescriptor() throws {
        let dir = try TemporaryDirectory()
        let file = dir.file("tokens.vault")
        let reused = ReusedLockFile(guarding: file)
        try reused.acquire().unlock()
        let lock = try reused.acquire()  // through the kept descriptor
        // A descriptor opened apart, as another process or another Vault object opens one.
        #expect(try FileLock.acquireIfFree(lockFile: FileLock.lockPath(for: file)) == nil)
        lock.unlock()
        #expect(try FileLock.acquireIfFree(lockFile: FileLock.lockPath(for: file)) != nil)
        try reused.acquire().unlock()  // the kept descriptor is free again
    }
}

import Foundation
import Testing
@testable import TokenVault

/// A vault or keyring path that is a FIFO, a device or a huge sparse file is refused at once,
/// with a typed error, before anything is allocated for it (issue 12, defect 5).
@Suite struct SpecialFileTests {
    let dir: TemporaryDirectory
    let keyring: Keyring

    init() throws {
        dir = try TemporaryDirectory()
        keyring = try Keyring.create(at: dir.file("vault.keys"))
    }

    func refused(_ path: String) async throws -> VaultError? {
        try await within(.seconds(30), "opening \(path)") {
            do {
                _ = try Vault(path: path, keyring: Keyring(path: self.keyring.path)).contents()
                return nil
            } catch let error as VaultError {
                return error
            }
        } ?? nil
    }

    /// A vault and a keyring reached through symlinks stay links after writes: the files they
    /// point to are replaced and locked, so state is never split between a link's old target
    /// and a new regular file in its place (issue 12, defect 7).
    @Test func writesThroughSymlinksReplaceTheTargetsAndKeepTheLinks() throws {
        try FileManager.default.createDirectory(atPath: dir.file("real"), withIntermediateDirectories: true)
        let realKeyring = try Keyring.create(at: dir.file("real/vault.keys"))
        _ = try Vault.create(at: dir.file("real/tokens.vault"), keyring: realKeyring)
        #expect(symlink(dir.file("real/tokens.vault"), dir.file("tokens.link")) == 0)
        #expect(symlink(dir.file("real/vault.keys"), dir.file("keys.link")) == 0)

        let linked = Vault(path: dir.file("tokens.link"), keyring: Keyring(path: dir.file("keys.link")))
        try linked.store(OAuthToken(accessToken: "through-the-link", expiresIn: 3600), as: "paypal")
        _ = try linked.keyring.addKey(primary: true)

        var info = stat()
        #expect(lstat(dir.file("tokens.link"), &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK)
        #expect(lstat(dir.file("keys.link"), &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK)
        #expect(FileManager.default.fileExists(atPath: dir.file("real/tokens.vault.lock")))
        #expect(!FileManager.default.fileExists(atPath: dir.file("tokens.link.lock")))
        let direct = Vault(path: dir.file("real/tokens.vault"), keyring: Keyring(path: dir.file("real/vault.keys")))
        #expect(try direct.entry(named: "paypal")?.token.accessToken == "through-the-link")
        #expect(try direct.keyring.keys().count == 2)
    }

    @Test func aFIFOInPlaceOfTheVaultIsRefusedWithoutHanging() async throws {
        let path = dir.file("fifo.vault")
        #expect(mkfifo(path, 0o600) == 0)
        let error = try await refused(path)
        #expect(error?.code == .malformed && error?.description.contains("not a regular file") == true)
    }

    @Test func aSymlinkToADeviceIsRefused() async throws {
        let path = dir.file("zero.vault")
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/zero")
        let error = try await refused(path)
        #expect(error?.code == .malformed && error?.description.contains("not a regular file") == true)
    }

    @Test func aHugeSparseFileIsRefusedUnread() async throws {
        let path = dir.file("sparse.vault")
        #expect(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 3 << 30)  // 3 GiB of nothing
        try handle.close()
        let error = try await refused(path)
        #expect(error?.code == .malformed && error?.description.contains("more than the") == true)
    }

    @Test func aKeyringThatIsAFIFOIsRefused() async throws {
        let path = dir.file("fifo.keys")
        #expect(mkfifo(path, 0o600) == 0)
        let error = try await within(.seconds(30), "loading a FIFO keyring") {
            do {
                _ = try Keyring(path: path).keys()
                return nil as VaultError?
            } catch let error as VaultError {
                return error
            }
        } ?? nil
        #expect(error?.code == .malformed)
    }

    /// Issue 12, defect 7: a lock file is never followed through a symlink, and one owned by
    /// another user (who could hold it and stop every writer) is refused.
    @Test func lockFilesAreNotFollowedAndMustBeOurs() throws {
        let vault = Vault(path: dir.file("tokens.vault"), keyring: keyring)
        let lock = FileLock.lockPath(for: vault.path)
        try FileManager.default.createSymbolicLink(atPath: lock, withDestinationPath: dir.file("elsewhere"))
        #expect(throws: VaultError.self) { try vault.store(OAuthToken(accessToken: "t"), as: "e") }
        #expect(!FileManager.default.fileExists(atPath: dir.file("elsewhere")), "the symlink was followed")
        try FileManager.default.removeItem(atPath: lock)

        try vault.store(OAuthToken(accessToken: "t"), as: "e")  // creates a lock file of our own
        guard geteuid() == 0 else { return }  // only root can give it to another user
        #expect(chown(lock, 65534, 65534) == 0)
        #expect { try vault.store(OAuthToken(accessToken: "u"), as: "e") } throws: { error in
            (error as? VaultError)?.code == .insecurePermissions && "\(error)".contains("owned by user 65534")
        }
        #expect(try vault.entry(named: "e")?.token.accessToken == "t")
    }
}

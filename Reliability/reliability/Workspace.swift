import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A folder holding one vault and one keyring, and the commands that work on them.
struct Workspace: Sendable {
    let folder: String
    let runner: CommandRunner
    let check: String
    /// Extra environment for every command (e.g. the passphrase variable).
    var environment: [String: String] = [:]

    var vaultPath: String { folder + "/tokens.vault" }
    var keyringPath: String { folder + "/vault.keys" }

    /// A new empty folder `name` under `root`.
    init(root: String, name: String, runner: CommandRunner, check: String) {
        folder = root + "/" + name
        try? FileManager.default.removeItem(atPath: folder)
        try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        self.runner = runner
        self.check = check
    }

    /// The vault and keyring of this workspace, as every command gets them.
    var locationEnvironment: [String: String] {
        environment.merging(["TOKENVAULT_VAULT": vaultPath, "TOKENVAULT_KEYRING": keyringPath]) { $1 }
    }

    /// Runs `vaultcli` on this workspace's vault and keyring.
    @discardableResult
    func run(
        _ arguments: [String], stdin: [UInt8] = [], environment extra: [String: String] = [:], bound: Double = 30,
        killAfter: Double? = nil
    ) -> CommandResult {
        runner.run(
            arguments, check: check, stdin: stdin, environment: locationEnvironment.merging(extra) { $1 }, bound: bound,
            killAfter: killAfter)
    }

    /// The names of temporary files a killed writer left in the folder (`.NAME.tmp-<hex>`).
    func temporaryFiles() -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return Set(names.filter { $0.hasPrefix(".") && $0.contains(".tmp-") })
    }

    func read(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    /// Writes `bytes` to `path` in place, mode 0600 (a tampered copy, not an atomic write).
    func write(_ path: String, _ bytes: [UInt8]) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        precondition(fd >= 0, "reliability: cannot write \(path): errno \(errno)")
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            precondition(n > 0 || errno == EINTR, "reliability: write \(path): errno \(errno)")
            if n > 0 { offset += n }
        }
    }
}

/// A token response body for `vaultcli put`.
func tokenResponse(_ accessToken: String, expiresIn: Int = 32400) -> [UInt8] {
    Array(#"{"access_token":"\#(accessToken)","token_type":"Bearer","expires_in":\#(expiresIn),"scope":"reliability"}"#.utf8)
}

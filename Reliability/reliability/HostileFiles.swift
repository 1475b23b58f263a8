import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Check 4b: a vault or keyring that is not a file TokenVault wrote: a symlink to `/dev/zero`, a
/// FIFO, a 3 GiB sparse file, a directory; a keyring that group or others can read. Each command
/// that opens it must refuse it with a typed status within its bound, never hang or read it, and
/// leave it as it was.
struct HostileFiles {
    static let name = "hostile files"
    static let bound = 15.0

    let runner: CommandRunner
    let root: String
    let secrets: Secrets

    /// A way to replace a file, and the statuses that refuse it.
    struct Replacement {
        var label: String
        var expected: Set<Int32>
        var make: (String) -> Void
    }

    func run() -> CheckSummary {
        var summary = CheckSummary(name: Self.name, unit: "cases")
        let workspace = Workspace(root: root, name: "files", runner: runner, check: Self.name)
        let stored = "A21AA-files-" + Secrets.randomHex(8)
        secrets.addToken(stored)
        guard workspace.run(["init"]).succeeded, workspace.run(["put", "--name", "svc"], stdin: tokenResponse(stored)).succeeded,
              let vault = workspace.read(workspace.vaultPath), let keyring = workspace.read(workspace.keyringPath)
        else {
            summary.fail("could not set up the vault")
            return summary
        }
        let special: [Replacement] = [
            Replacement(label: "a symlink to /dev/zero", expected: [7]) { symlink("/dev/zero", $0) },
            Replacement(label: "a symlink to /dev/urandom", expected: [7]) { symlink("/dev/urandom", $0) },
            Replacement(label: "a FIFO", expected: [7]) { mkfifo($0, 0o600) },
            Replacement(label: "a 3 GiB sparse file", expected: [7]) { path in
                let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
                ftruncate(fd, 3 << 30)
                close(fd)
            },
            Replacement(label: "a directory", expected: [7]) { mkdir($0, 0o700) },
        ]
        let readable = { (mode: mode_t) in
            Replacement(label: "mode \(String(mode, radix: 8))", expected: [6]) { path in
                workspace.write(path, keyring)
                chmod(path, mode)
            }
        }
        // Keyring special files: refused as not regular (7), or first as key material others can read (6).
        let keyringCases = special.map { Replacement(label: $0.label, expected: [6, 7], make: $0.make) }
            // Group read alone is allowed for a root-owned keyring (the PostgreSQL rule, for secret mounts).
            + (geteuid() == 0 ? [readable(0o644), readable(0o604), readable(0o660)] : [readable(0o644), readable(0o640), readable(0o604)])
        let vaultCommands: [(arguments: [String], stdin: [UInt8])] = [
            (["verify"], []), (["token", "--name", "svc"], []), (["status"], []),
            (["put", "--name", "other"], tokenResponse("A21AA-files-put-" + Secrets.randomHex(4))),
            (["rotate"], []),
        ]
        let keyringCommands: [(arguments: [String], stdin: [UInt8])] = [
            (["key", "list"], []), (["verify"], []), (["token", "--name", "svc"], []),
            (["put", "--name", "other"], tokenResponse("A21AA-files-put-" + Secrets.randomHex(4))),
            (["rotate"], []), (["key", "add"], []),
        ]
        for (file, replacements, commands) in [("vault", special, vaultCommands), ("keyring", keyringCases, keyringCommands)] {
            let path = file == "vault" ? workspace.vaultPath : workspace.keyringPath
            for replacement in replacements {
                for command in commands {
                    summary.cases += 1
                    remove(path)
                    replacement.make(path)
                    let before = Self.describe(path)
                    let result = workspace.run(command.arguments, stdin: command.stdin, bound: Self.bound)
                    var problems: [String] = []
                    if result.timedOut || !(result.exitStatus.map(replacement.expected.contains) ?? false) {
                        problems.append("\(result.outcome), expected exit \(replacement.expected.sorted().map(String.init).joined(separator: " or "))")
                    }
                    if Self.describe(path) != before {
                        problems.append("the \(file) path was changed (\(before) became \(Self.describe(path)))")
                    }
                    if !problems.isEmpty {
                        summary.fail("\(file) is \(replacement.label), vaultcli \(command.arguments.joined(separator: " ")): \(problems.joined(separator: "; ")) — stderr: \(OAuthText.shown(result.stderrText))")
                    }
                    // Put the real files back (a directory needs rmdir; a command that wrongly
                    // succeeded may have changed the other file too).
                    if replacement.label == "a directory" { rmdir(path) } else { remove(path) }
                    for (original, bytes) in [(workspace.vaultPath, vault), (workspace.keyringPath, keyring)] {
                        remove(original)
                        workspace.write(original, bytes)
                    }
                }
            }
        }
        let token = workspace.run(["token", "--name", "svc"])
        if token.firstLine != stored {
            summary.fail("after the hostile files, the stored token no longer reads (\(token.outcome))")
            summary.dataLost += 1
        }
        return summary
    }

    /// The file type, mode and size of `path` (without following a symlink).
    static func describe(_ path: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0 else { return "missing" }
        return "type \(String(info.st_mode & S_IFMT, radix: 8)) mode \(String(info.st_mode & 0o777, radix: 8)) size \(info.st_size)"
    }
}

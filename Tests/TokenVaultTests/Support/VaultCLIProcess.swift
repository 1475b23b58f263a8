import Foundation

/// Runs the built `vaultcli` as a real process.
struct VaultCLIProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// `vaultcli`, built beside the test bundle.
    static let executable: URL = {
        let bundleFolder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        return bundleFolder.appendingPathComponent("vaultcli")
    }()

    /// The folder to run in; `--vault` and `--keyring` default to files in it.
    var directory: String
    var environment: [String: String] = [:]

    init(directory: String) {
        self.directory = directory
    }

    /// Runs `vaultcli arguments...` in `directory`, feeding `stdin`, and waits for it.
    @discardableResult
    func run(_ arguments: [String], stdin: String = "") throws -> Result {
        let process = try start(arguments, stdin: stdin)
        let out = process.standardOutput as! Pipe
        let err = process.standardError as! Pipe
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Starts `vaultcli arguments...` without waiting for it.
    func start(_ arguments: [String], stdin: String = "") throws -> Process {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["TOKENVAULT_VAULT"] = nil
        env["TOKENVAULT_KEYRING"] = nil
        env.merge(environment) { $1 }
        process.environment = env
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        return process
    }
}

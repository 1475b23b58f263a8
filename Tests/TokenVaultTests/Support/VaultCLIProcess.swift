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
    ///
    /// The wait happens on a thread of its own: blocking one of the few threads of Swift's
    /// cooperative pool would starve the tests running beside it.
    @discardableResult
    func run(_ arguments: [String], stdin: String = "") async throws -> Result {
        try await offThePool { try runBlocking(arguments, stdin: stdin) }
    }

    /// Starts one process for each argument list at once, then waits for all of them.
    func runTogether(_ argumentLists: [[String]], stdin: String = "") async throws -> [Result] {
        try await offThePool {
            let processes = try argumentLists.map { try start($0, stdin: stdin) }
            return processes.map { Self.wait(for: $0) }
        }
    }

    /// Starts `vaultcli arguments...`, kills it with SIGKILL after `microseconds`, and returns
    /// whether it had exited by itself (status 0) before the kill.
    func runKilled(_ arguments: [String], stdin: String = "", afterMicroseconds microseconds: UInt32) async throws -> Bool {
        try await offThePool {
            let process = try start(arguments, stdin: stdin)
            usleep(microseconds)  // the fault injection point, not synchronisation
            kill(process.processIdentifier, SIGKILL)
            let result = Self.wait(for: process)
            return process.terminationReason == .exit && result.status == 0
        }
    }

    /// Starts `vaultcli arguments...` and returns the running process, for a test that signals
    /// it; wait for it with ``finish(_:)``.
    func launch(_ arguments: [String]) throws -> Process {
        try start(arguments)
    }

    /// Waits for a process started with ``launch(_:)``.
    func finish(_ process: Process) async throws -> Result {
        try await offThePool { Self.wait(for: process) }
    }

    private func runBlocking(_ arguments: [String], stdin: String) throws -> Result {
        Self.wait(for: try start(arguments, stdin: stdin))
    }

    /// How long a `vaultcli` process may run before it is killed, so that a hung command fails
    /// its test (with a signal status) instead of hanging it.
    static let deadline: TimeInterval = 120

    private static func wait(for process: Process) -> Result {
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + deadline, execute: watchdog)
        defer { watchdog.cancel() }
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
    private func start(_ arguments: [String], stdin: String = "") throws -> Process {
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

/// Runs blocking work (waiting for processes) on a thread of its own and awaits its result.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}

import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How one `vaultcli` process ended, and what it wrote.
struct CommandResult: Sendable {
    /// The exit status, or `nil` when a signal ended the process.
    var exitStatus: Int32?
    /// The signal that ended the process, if one did.
    var signal: Int32?
    var stdout: [UInt8]
    var stderr: [UInt8]
    /// Wall time from spawn to reaping.
    var seconds: Double
    /// Whether the harness killed it because it ran past its bound (a hang).
    var timedOut: Bool

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    /// The first line of standard output, without its newline.
    var firstLine: String { String(stdoutText.split(separator: "\n", omittingEmptySubsequences: false).first ?? "") }
    var succeeded: Bool { exitStatus == 0 }
    var killedBySIGKILL: Bool { signal == SIGKILL }

    /// `exit 7`, `signal 9`, `hung (killed at the bound)`.
    var outcome: String {
        if timedOut { return "hung (killed at the \(Int(seconds)) s bound)" }
        if let exitStatus { return "exit \(exitStatus)" }
        return "signal \(signal ?? 0)"
    }
}

/// Runs `vaultcli` as real processes (`posix_spawn`, pipes, `poll`), each bounded in time, and
/// hands every result to the ``OutputLedger`` for the secret-leak scan. Safe to use from many
/// threads at once.
struct CommandRunner: Sendable {
    /// The `vaultcli` binary.
    let executable: String
    /// The environment every command gets (the harness's own, without any `TOKENVAULT_` variable).
    let baseEnvironment: [String: String]
    /// Where every result is recorded.
    let ledger: OutputLedger

    init(executable: String, ledger: OutputLedger) {
        self.executable = executable
        self.ledger = ledger
        self.baseEnvironment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TOKENVAULT_") }
    }

    /// Runs `vaultcli arguments...`, feeding `stdin`, and waits for it.
    ///
    /// - Parameters:
    ///   - check: The check this command belongs to (for the ledger).
    ///   - environment: Extra variables, e.g. `TOKENVAULT_VAULT` or a crash point.
    ///   - bound: Seconds after which the process counts as hung and is killed.
    ///   - killAfter: Seconds after spawning at which to send `SIGKILL` (fault injection).
    @discardableResult
    func run(
        _ arguments: [String], check: String, stdin: [UInt8] = [], environment: [String: String] = [:],
        bound: Double = 30, killAfter: Double? = nil
    ) -> CommandResult {
        let result = spawnAndWait(arguments, stdin: stdin, environment: environment, bound: bound, killAfter: killAfter)
        ledger.record(check: check, arguments: arguments, result: result)
        return result
    }

    private func spawnAndWait(
        _ arguments: [String], stdin: [UInt8], environment: [String: String], bound: Double, killAfter: Double?
    ) -> CommandResult {
        // Pipes are made and the child spawned under one lock, so that a child spawned by another
        // thread meanwhile cannot inherit these pipes before they are close-on-exec.
        Self.spawnLock.lock()
        var input: [Int32] = [-1, -1], output: [Int32] = [-1, -1], errors: [Int32] = [-1, -1]
        guard pipe(&input) == 0, pipe(&output) == 0, pipe(&errors) == 0 else {
            fatalError("reliability: pipe failed: errno \(errno)")
        }
        for fd in input + output + errors { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The harness ignores SIGPIPE; its children get the default disposition back.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let merged = baseEnvironment.merging(environment) { $1 }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let started = ContinuousClock.now
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        Self.spawnLock.unlock()
        close(input[0])
        close(output[1])
        close(errors[1])
        guard spawned == 0 else {
            close(input[1]); close(output[0]); close(errors[0])
            fatalError("reliability: cannot run \(executable): error \(spawned)")
        }
        Self.writeAll(input[1], stdin)
        close(input[1])

        if let killAfter {
            Self.sleep(until: started + .nanoseconds(Int64(killAfter * 1e9)))
            kill(pid, SIGKILL)
        }
        var stdout: [UInt8] = [], stderr: [UInt8] = []
        let deadline = started + .nanoseconds(Int64(bound * 1e9))
        let timedOut = Self.drain(output[0], errors[0], into: &stdout, &stderr, deadline: deadline, pid: pid)
        close(output[0])
        close(errors[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let seconds = Self.seconds(ContinuousClock.now - started)
        let signal = status & 0x7f
        return CommandResult(
            exitStatus: signal == 0 ? (status >> 8) & 0xff : nil, signal: signal == 0 ? nil : signal,
            stdout: stdout, stderr: stderr, seconds: seconds, timedOut: timedOut)
    }

    /// Reads both pipes until both end; kills the process at `deadline`. Returns whether it had to.
    private static func drain(
        _ out: Int32, _ err: Int32, into stdout: inout [UInt8], _ stderr: inout [UInt8], deadline: ContinuousClock.Instant,
        pid: pid_t
    ) -> Bool {
        var open: [Int32] = [out, err]
        var timedOut = false
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero {
                if !timedOut { kill(pid, SIGKILL) }
                timedOut = true
            }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let wait = timedOut ? 1000 : max(1, Int32(min(seconds(remaining) * 1000, 1000)))
            let ready = poll(&fds, nfds_t(fds.count), wait)
            if ready < 0 && errno != EINTR { break }
            for descriptor in fds where descriptor.revents != 0 {
                let n = read(descriptor.fd, &buffer, buffer.count)
                if n > 0 {
                    if descriptor.fd == out { stdout += buffer[0..<n] } else { stderr += buffer[0..<n] }
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    open.removeAll { $0 == descriptor.fd }
                }
            }
        }
        return timedOut
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return  // the child is gone (EPIPE): it read what it wanted
            }
            offset += n
        }
    }

    /// Sleeps until `instant` (the fault-injection point: no synchronisation is meant by it).
    private static func sleep(until instant: ContinuousClock.Instant) {
        let remaining = instant - ContinuousClock.now
        guard remaining > .zero else { return }
        let (secondsPart, attoseconds) = remaining.components
        var request = timespec(tv_sec: Int(secondsPart), tv_nsec: Int(attoseconds / 1_000_000_000))
        var left = timespec()
        while nanosleep(&request, &left) != 0 && errno == EINTR { request = left }
    }

    private static let spawnLock = NSLock()

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

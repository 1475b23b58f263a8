import Foundation
import Testing
@testable import TokenVault

/// Writers killed with SIGKILL at random instants never leave a vault that `verify` rejects,
/// and never lose a write that completed.
@Suite struct CrashSafetyTests {
    @Test func processesAddingEntriesAtOnceEachKeepTheirs() async throws {
        let dir = try TemporaryDirectory()
        let cli = VaultCLIProcess(directory: dir.path)
        #expect(try await cli.run(["init"]).status == 0)
        let response = #"{"access_token":"A21AA-concurrent","token_type":"Bearer","expires_in":32400}"#
        let results = try await cli.runTogether((0..<12).map { ["put", "--name", "writer-\($0)"] }, stdin: response)
        #expect(results.allSatisfy { $0.status == 0 })
        let entries = try Vault(path: dir.file("tokens.vault"), keyring: Keyring(path: dir.file("vault.keys"))).contents().entries
        #expect(Set(entries.keys) == Set((0..<12).map { "writer-\($0)" }))
    }

    @Test func sigkilledWritersNeverLeaveATornVault() async throws {
        let dir = try TemporaryDirectory()
        let cli = VaultCLIProcess(directory: dir.path)
        #expect(try await cli.run(["init"]).status == 0)
        let response = #"{"access_token":"A21AA-crash","token_type":"Bearer","expires_in":32400,"scope":"s"}"#

        // Calibrate: the median of five whole runs here, now.
        var durations: [TimeInterval] = []
        for _ in 0..<5 {
            let start = Date()
            #expect(try await cli.run(["put", "--name", "calibration"], stdin: response).status == 0)
            durations.append(Date().timeIntervalSince(start))
        }
        // Kill points are drawn from [0, window); the window adapts so that about two thirds of
        // the runs are killed, wherever the machine's load puts their length.
        var window = durations.sorted()[2] * 1.2

        var generator = SystemRandomNumberGenerator()
        var stored: Set<String> = ["calibration"]
        var killed = 0
        let iterations = 200
        for iteration in 0..<iterations {
            let name = "entry-\(iteration)"
            // Killed at a random instant of the run.
            let delay = UInt32.random(in: 0..<max(1, UInt32(window * 1_000_000)), using: &generator)
            if try await cli.runKilled(["put", "--name", name], stdin: response, afterMicroseconds: delay) {
                stored.insert(name)
                window *= 0.9
            } else {
                killed += 1
                window *= 1.05
            }
            let verify = try await cli.run(["verify"])
            #expect(verify.status == 0, "iteration \(iteration): \(verify.stderr)")
            let entries = try Vault(path: dir.file("tokens.vault"), keyring: Keyring(path: dir.file("vault.keys"))).contents().entries
            #expect(stored.isSubset(of: Set(entries.keys)), "iteration \(iteration): a completed write was lost")
        }
        #expect(killed > 0, "no writer was killed")
        print("put SIGKILL loop: \(killed) of \(iterations) writers killed; verify accepted the vault after every one; \(stored.count) completed writes all kept")
    }
}

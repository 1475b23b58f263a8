import Foundation
import Testing
@testable import TokenVault

/// Writers killed with SIGKILL at random instants never leave a vault that `verify` rejects,
/// and never lose a write that completed.
@Suite struct CrashSafetyTests {
    @Test func processesAddingEntriesAtOnceEachKeepTheirs() throws {
        let dir = try TemporaryDirectory()
        let cli = VaultCLIProcess(directory: dir.path)
        #expect(try cli.run(["init"]).status == 0)
        let response = #"{"access_token":"A21AA-concurrent","token_type":"Bearer","expires_in":32400}"#
        let writers = try (0..<12).map { try cli.start(["put", "--name", "writer-\($0)"], stdin: response) }
        for writer in writers {
            writer.waitUntilExit()
            #expect(writer.terminationStatus == 0)
        }
        let entries = try Vault(path: dir.file("tokens.vault"), keyring: Keyring(path: dir.file("vault.keys"))).contents().entries
        #expect(Set(entries.keys) == Set((0..<12).map { "writer-\($0)" }))
    }

    @Test func sigkilledWritersNeverLeaveATornVault() throws {
        let dir = try TemporaryDirectory()
        let cli = VaultCLIProcess(directory: dir.path)
        #expect(try cli.run(["init"]).status == 0)
        let response = #"{"access_token":"A21AA-crash","token_type":"Bearer","expires_in":32400,"scope":"s"}"#

        // Calibrate: how long one whole `put` takes here, now.
        var longest: TimeInterval = 0
        for _ in 0..<3 {
            let start = Date()
            #expect(try cli.run(["put", "--name", "calibration"], stdin: response).status == 0)
            longest = max(longest, Date().timeIntervalSince(start))
        }

        var generator = SystemRandomNumberGenerator()
        var stored: Set<String> = ["calibration"]
        var killed = 0
        let iterations = 200
        for iteration in 0..<iterations {
            let name = "entry-\(iteration)"
            let process = try cli.start(["put", "--name", name], stdin: response)
            // The fault injection point: a random instant of the run (not synchronisation).
            usleep(UInt32.random(in: 0..<UInt32(longest * 1.2 * 1_000_000), using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .exit && process.terminationStatus == 0 {
                stored.insert(name)
            } else {
                killed += 1
            }
            let verify = try cli.run(["verify"])
            #expect(verify.status == 0, "iteration \(iteration): \(verify.stderr)")
            let entries = try Vault(path: dir.file("tokens.vault"), keyring: Keyring(path: dir.file("vault.keys"))).contents().entries
            #expect(stored.isSubset(of: Set(entries.keys)), "iteration \(iteration): a completed write was lost")
        }
        #expect(killed > 0, "no writer was killed")
        print("put SIGKILL loop: \(killed) of \(iterations) writers killed; verify accepted the vault after every one; \(stored.count) completed writes all kept")
    }
}

import ExampleTokenServer
import Foundation
import TokenVault

/// Measures refresh ahead and hold-off against a slow local token endpoint, with the defaults
/// of `ClientCredentialsAuthManager` (only the token URL and the credentials are given):
///
/// 1. `expiry`: 6-second tokens from an endpoint that answers in 800 ms; one caller calls
///    `authorizationHeader()` every 5 ms for 20 s. How many calls took over 100 ms, and how many
///    token requests were made.
/// 2. `rejected`: the endpoint rejects the client (`invalid_client`); one caller calls every
///    5 ms for 6 s. How many token requests were made.
/// 3. `fleet`: 4 processes share one vault (`VaultTokenStore`) for 3 token lifetimes (18 s),
///    each calling every 5 ms. Token requests in all, and calls that waited after each
///    process's first.
///
///     swift run -c release refresh-check      # all three; or name one
@main
struct RefreshCheck {
    static let lifetime = 6
    static let delay = 800
    static let secretVariable = "REFRESH_CHECK_CLIENT_SECRET"

    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "replica" { return try await replica(arguments) }
        let which = arguments.first.map { [$0] } ?? ["expiry", "rejected", "fleet"]
        for check in which {
            switch check {
            case "expiry": try await expiry()
            case "rejected": try await rejected()
            case "fleet": try await fleet()
            default: print("unknown check \(check): expiry, rejected or fleet")
            }
        }
    }

    static func server() async throws -> ExampleTokenServer {
        try await ExampleTokenServer.start(clients: [.init(id: "check-client", secret: "check-secret")], tokenLifetime: lifetime, responseDelay: delay)
    }

    static func manager(_ tokenURL: String, secret: String = "check-secret", store: (any TokenStore)? = nil) -> ClientCredentialsAuthManager {
        ClientCredentialsAuthManager(
            credentials: ClientCredentialsAuthCredentials(oAuthClientId: "check-client", oAuthClientSecret: secret),
            environment: .custom(tokenURL: tokenURL), store: store)
    }

    /// Calls every 5 ms for `seconds`; returns each call's latency in milliseconds (a failed
    /// call counts with its latency too) and how many failed.
    static func calls(_ manager: ClientCredentialsAuthManager, seconds: Double) async -> (latencies: [Double], failures: Int) {
        var latencies: [Double] = []
        var failures = 0
        let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < end {
            let start = ContinuousClock.now
            do { _ = try await manager.authorizationHeader() } catch { failures += 1 }
            let elapsed = ContinuousClock.now - start
            latencies.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
            try? await Task.sleep(for: .milliseconds(5))
        }
        return (latencies, failures)
    }

    static func expiry() async throws {
        let server = try await server()
        let result = await calls(manager(server.tokenURL), seconds: 20)
        let slow = result.latencies.dropFirst().filter { $0 > 100 }
        print(
            "expiry: \(result.latencies.count) calls over 20 s, \(slow.count) over 100 ms after the first "
                + "(first call \(Int(result.latencies.first ?? 0)) ms, slowest after it \(Int(result.latencies.dropFirst().max() ?? 0)) ms), "
                + "\(result.failures) failed, \(server.tokenRequestCount) token requests")
        try await server.shutdown()
    }

    static func rejected() async throws {
        let server = try await server()
        let result = await calls(manager(server.tokenURL, secret: "wrong-secret"), seconds: 6)
        print("rejected: \(result.latencies.count) calls over 6 s, \(result.failures) failed, \(server.tokenRequestCount) token requests")
        try await server.shutdown()
    }

    static func fleet() async throws {
        let server = try await server()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("refresh-check-" + UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try Keyring.create(at: folder + "/vault.keys")
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var environment = ProcessInfo.processInfo.environment
        environment[secretVariable] = "check-secret"
        let replicas = try (0..<4).map { _ in
            let process = Process()
            process.executableURL = executable
            process.arguments = ["replica", server.tokenURL, folder, String(3 * lifetime)]
            process.environment = environment
            process.standardOutput = Pipe()
            try process.run()
            return process
        }
        var lines: [String] = []
        for process in replicas {
            let output = (process.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            lines.append(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        print("fleet: 4 processes, one vault, \(3 * lifetime) s (3 token lifetimes): \(server.tokenRequestCount) token requests in all")
        for line in lines { print("  \(line)") }
        try await server.shutdown()
    }

    /// One process of the fleet: `replica TOKEN_URL FOLDER SECONDS`, the secret in the environment.
    static func replica(_ arguments: [String]) async throws {
        let (tokenURL, folder, seconds) = (arguments[1], arguments[2], Double(arguments[3]) ?? 18)
        let secret = ProcessInfo.processInfo.environment[secretVariable] ?? ""
        let vault = Vault(path: folder + "/tokens.vault", keyring: Keyring(path: folder + "/vault.keys"))
        let result = await calls(manager(tokenURL, secret: secret, store: VaultTokenStore(vault: vault, entry: "check")), seconds: seconds)
        let waited = result.latencies.dropFirst().filter { $0 > 100 }
        print(
            "process \(getpid()): \(result.latencies.count) calls, first \(Int(result.latencies.first ?? 0)) ms, "
                + "\(waited.count) waited over 100 ms after it (slowest \(Int(result.latencies.dropFirst().max() ?? 0)) ms), \(result.failures) failed")
    }
}

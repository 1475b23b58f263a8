import ExampleTokenServer
import Foundation
import Synchronization
import TokenVault

/// Measures TokenVault against the physical floor of each operation, in one run on one machine,
/// and how cost grows with the number of vault entries. Build and run it in release:
///
///     make bench              # a table
///     make bench ARGS=--json  # one JSON object
///
/// Every measurement and its floor are sampled alternately in the same run; `ratio` is the
/// median of the measurement over the median of its floor.
@main
struct TokenVaultBenchmark {
    static func main() async throws {
        // Off the main actor: the measured calls and their floors run on the caller's executor
        // (no actor hop per call), as in a service's request handler.
        try await Task.detached { try await run() }.value
    }

    static func run() async throws {
        let json = CommandLine.arguments.contains("--json")
        let work = try Workspace()
        defer { work.remove() }
        let server = try await ExampleTokenServer.start(clients: [.init(id: "bench-client", secret: "bench-secret")])
        var results: [(key: String, measurement: Measurement, target: Double)] = []
        // `--only KEY` runs one measurement (and no scaling), for a closer look at it.
        let only = CommandLine.arguments.firstIndex(of: "--only").map { CommandLine.arguments[$0 + 1] }
        func record(_ key: String, target: Double, _ measure: () async throws -> Measurement) async rethrows {
            guard only == nil || only == key else { return }
            results.append((key, try await measure(), target))
            if !json { FileHandle.standardError.write(Data("measured \(key)\n".utf8)) }
        }

        // A manager holding a valid token (fetched once from the local endpoint, and stored).
        let environment = OAuthEnvironment.custom(tokenURL: server.tokenURL)
        let credentials = ClientCredentialsAuthCredentials(oAuthClientId: "bench-client", oAuthClientSecret: "bench-secret")
        let oneEntry = try work.vault("one")
        let manager = ClientCredentialsAuthManager(
            credentials: credentials, environment: environment, store: VaultTokenStore(vault: oneEntry, entry: "paypal"))
        let header = try await manager.authorizationHeader()
        let validUntil = Date().addingTimeInterval(3600).timeIntervalSinceReferenceDate
        let floorHeader = Mutex(header)

        try await record("authHeader", target: 1.5) { try await sampled(400, batch: 20_000, {
            consume(try await manager.authorizationHeader().utf8.count)
        }, floor: {
            let now = Date().timeIntervalSinceReferenceDate
            consume(floorHeader.withLock { now < validUntil ? $0 : "" }.utf8.count)
        }) }

        try await record("authHeaderContended", target: 2) { try await contended(tasks: 8, samples: 100, batch: 5_000, {
            consume(try await manager.authorizationHeader().utf8.count)
        }, floor: {
            let now = Date().timeIntervalSinceReferenceDate
            consume(floorHeader.withLock { now < validUntil ? $0 : "" }.utf8.count)
        }) }

        // Reads: a fresh Vault object each time (the keyring's keys are known, as in a service).
        let big = try work.vault("big", entries: 10_000)
        for (key, vault, target) in [("vaultOpen", oneEntry, 2.0), ("vaultOpen10k", big, 3.0)] {
            let sealed = try Floors.SealedVault(path: vault.path, keyring: vault.keyring)
            try await record(key, target: target) { try await sampled(key == "vaultOpen" ? 3_000 : 200, {
                consume(try Vault(path: vault.path, keyring: vault.keyring).entry(named: "paypal")?.token.accessToken.utf8.count ?? 0)
            }, floor: {
                consume(try sealed.readAndDecrypt(vault.path))
            }) }
        }

        // A restart: new keyring, vault, store and manager; a valid token stored; to the first header.
        let sealedOne = try Floors.SealedVault(path: oneEntry.path, keyring: oneEntry.keyring)
        try await record("restart", target: 3) { try await sampled(2_000, {
            let vault = Vault(path: oneEntry.path, keyring: Keyring(path: oneEntry.keyring.path))
            let restarted = ClientCredentialsAuthManager(
                credentials: credentials, environment: environment, store: VaultTokenStore(vault: vault, entry: "paypal"))
            consume(try await restarted.authorizationHeader().utf8.count)
        }, floor: {
            consume(try sealedOne.readAndDecrypt(oneEntry.path))
        }) }

        if CommandLine.arguments.contains("--breakdown") {
            // Where a restart's time goes, each part alone.
            let parts: [(String, () async throws -> Void)] = [
                ("keyring load (new Keyring)", { consume(try Keyring(path: oneEntry.keyring.path).keys().count) }),
                ("vault entry (warm keyring)", { consume(try Vault(path: oneEntry.path, keyring: oneEntry.keyring).entry(named: "paypal") == nil ? 0 : 1) }),
                ("Task start and await", { consume(await Task { 1 }.value) }),
                ("manager init", { consume(ClientCredentialsAuthManager(credentials: credentials, environment: environment).clientID.count) }),
                ("vault entry (new keyring and vault)", {
                    consume(try Vault(path: oneEntry.path, keyring: Keyring(path: oneEntry.keyring.path)).entry(named: "paypal") == nil ? 0 : 1)
                }),
                ("store read (new keyring and vault)", {
                    let store = VaultTokenStore(vault: Vault(path: oneEntry.path, keyring: Keyring(path: oneEntry.keyring.path)), entry: "paypal")
                    consume(try await store.read(for: TokenOrigin(tokenURL: server.tokenURL, clientID: "bench-client", scope: nil))?.accessToken.count ?? 0)
                }),
                ("manager first header, token in memory store", {
                    let restarted = ClientCredentialsAuthManager(
                        credentials: credentials, environment: environment, store: MemoryStore(token: OAuthToken(accessToken: "A21AA-x", expiresIn: 3600)))
                    consume(try await restarted.authorizationHeader().utf8.count)
                }),
            ]
            // Where a one-entry update's time goes, each part alone: warm (called back to back)
            // and cold (each call after a durable replace, as in an update, where the caches
            // went cold while fsync waited).
            let sideFile = work.file("breakdown.side")
            let vaultBytes = Floors.read(oneEntry.path)
            let table = try oneEntry.open().table
            let primary = try oneEntry.keyring.load().primary
            var plaintext = try table.applying([:])
            defer { plaintext.cleanse() }
            var counter = 0
            let updateParts: [(String, () throws -> Void)] = [
                ("lock and unlock", { try oneEntry.withLock { (_: LockedVault) throws in } }),
                ("vault unchanged (stat)", { consume(try oneEntry.open().formatVersion) }),
                ("keyring unchanged (stat)", { consume(try oneEntry.keyring.load().keys.count) }),
                ("token and entry", {
                    counter += 1
                    consume(VaultEntry(token: OAuthToken(accessToken: "A21AA-\(counter)", expiresIn: 32400)).token.accessToken.utf8.count)
                }),
                ("encode", {
                    counter += 1
                    var encoded = try table.applying(["paypal": VaultEntry(token: OAuthToken(accessToken: "A21AA-\(counter)", expiresIn: 32400))])
                    consume(encoded.count)
                    encoded.cleanse()
                }),
                ("seal", { consume(try VaultFile.seal(plaintext, keyID: primary.id, key: primary.key).count) }),
                ("  nonce (RAND_bytes)", { consume(try SecureRandom.bytes(count: XAES256GCM.nonceByteCount).count) }),
                ("  key derivation (CMAC)", { consume(try XAES256GCM.deriveKey(key: primary.key, nonce: [UInt8](repeating: 1, count: 24)).gcmNonce.count) }),
                ("  AES-256-GCM", { consume(try AESGCM.seal(plaintext, using: primary.key, nonce: [UInt8](repeating: 1, count: 12)).tag.count) }),
                ("decode table", { consume(try EntryTable(plaintext: plaintext, path: "x").count) }),
            ]
            for (name, part) in updateParts {
                let warm = try await sampled(2_000, part, floor: {})
                let cold = try await sampled(300, part, floor: { try AtomicFile.replace(sideFile, with: vaultBytes) })
                FileHandle.standardError.write(Data("breakdown: update: \(name): \(Int(warm.medianNs)) ns warm, \(Int(cold.medianNs)) ns cold\n".utf8))
            }
            for (name, part) in parts {
                let m = try await sampled(2_000, part, floor: {})
                FileHandle.standardError.write(Data("breakdown: \(name): \(Int(m.medianNs)) ns\n".utf8))
            }
        }

        // Updates: one token stored, against a durable replace of a file of the same size.
        for (key, vault, target) in [("vaultUpdate", oneEntry, 1.1), ("vaultUpdate10k", big, 2.0)] {
            let size = Floors.read(vault.path).count
            let floorFile = work.file("\(key).floor")
            var counter = 0
            try await record(key, target: target) { try await sampled(key == "vaultUpdate" ? 1_000 : 60, {
                counter += 1
                try vault.store(OAuthToken(accessToken: "A21AA-update-\(counter)", expiresIn: 32400), as: "paypal")
            }, floor: {
                Floors.durableReplace(floorFile, with: [UInt8](repeating: 0x5a, count: size))
            }) }
        }

        // vaultcli token as a whole process, against a hello-world linked the same way.
        let bin = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let arguments = ["token", "--name", "paypal", "--vault", oneEntry.path, "--keyring", oneEntry.keyring.path]
        try await record("cliToken", target: 1.3) { try await sampled(60, {
            try Floors.run(bin.appendingPathComponent("vaultcli"), arguments)
        }, floor: {
            try Floors.run(bin.appendingPathComponent("benchmark-hello"), [])
        }) }

        let scaling = only == nil ? try await scaling(work) : [:]
        let tokenRequests = server.tokenRequestCount
        try await server.shutdown()

        if json {
            var object: [String: any Encodable] = Dictionary(uniqueKeysWithValues: results.map { ($0.key, $0.measurement as any Encodable) })
            object["scaling"] = scaling
            object["tokenRequests"] = tokenRequests
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(AnyEncodableObject(object)), as: UTF8.self))
        } else {
            Report.print(results, scaling: scaling, tokenRequests: tokenRequests)
        }
    }

    /// `tasks` tasks at once, each calling `operation` `batch` times per sample; a sample is the
    /// wall time of one round over `batch`, the cost of a call as one task sees it.
    static func contended(
        tasks: Int, samples: Int, batch: Int,
        _ operation: @escaping @Sendable () async throws -> Void, floor: @escaping @Sendable () async throws -> Void
    ) async throws -> Measurement {
        func round(_ body: @escaping @Sendable () async throws -> Void) async throws -> Double {
            try await nanoseconds {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<tasks { group.addTask { for _ in 0..<batch { try await body() } } }
                    try await group.waitForAll()
                }
            } / Double(batch)
        }
        var measured: [Double] = []
        var floors: [Double] = []
        for _ in 0..<samples {
            measured.append(try await round(operation))
            floors.append(try await round(floor))
        }
        return Measurement(samples: measured, floor: floors)
    }

    /// Read, update and rotate at 1 to 10,000 entries.
    static func scaling(_ work: Workspace) async throws -> [String: Scaling] {
        let sizes = [1, 10, 100, 1_000, 10_000]
        var read: [Double] = []
        var update: [Double] = []
        var rotate: [Double] = []
        for size in sizes {
            let vault = try work.vault("scale-\(size)", entries: size)
            var times: [Double] = []
            for _ in 0..<(size >= 1_000 ? 100 : 500) {
                times.append(try await nanoseconds { consume(try Vault(path: vault.path, keyring: vault.keyring).entry(named: "paypal") == nil ? 0 : 1) })
            }
            read.append(Stats.median(times))
            times = []
            for i in 0..<30 {
                times.append(try await nanoseconds { try vault.store(OAuthToken(accessToken: "A21AA-\(i)", expiresIn: 60), as: "paypal") })
            }
            update.append(Stats.median(times))
            times = []
            for _ in 0..<10 {
                times.append(try await nanoseconds { _ = try vault.keyring.rotate(vaultPaths: [vault.path], retireOld: true) })
            }
            rotate.append(Stats.median(times))
            FileHandle.standardError.write(Data("scaled \(size)\n".utf8))
        }
        return [
            "read": Scaling(sizes: sizes, medianNs: read), "update": Scaling(sizes: sizes, medianNs: update),
            "rotate": Scaling(sizes: sizes, medianNs: rotate),
        ]
    }
}

/// A JSON object of mixed values.
struct AnyEncodableObject: Encodable {
    let values: [String: any Encodable]

    init(_ values: [String: any Encodable]) { self.values = values }

    func encode(to encoder: any Encoder) throws {
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        var container = encoder.container(keyedBy: Key.self)
        for (key, value) in values {
            try container.encode(value, forKey: Key(stringValue: key))
        }
    }
}

/// A store that holds one token in memory, to time the manager apart from the vault.
struct MemoryStore: TokenStore {
    let token: OAuthToken
    func read(for origin: TokenOrigin) async throws -> OAuthToken? { token }
    func withRefreshLock<T>(for origin: TokenOrigin, _ body: () async throws -> T) async throws -> T { try await body() }
    func withRefreshLockIfFree<T>(for origin: TokenOrigin, _ body: () async throws -> T) async throws -> T? { try await body() }
    func write(_ token: OAuthToken, for origin: TokenOrigin) async throws {}
}

import ExampleTokenServer
import Foundation
import Testing
@testable import TokenVault

/// `vaultcli fetch` and `vaultcli token --fetch` as real processes against a real endpoint.
@Suite struct TokenFetchProcessTests {
    static let client = ExampleTokenServer.Client(id: "cli-client", secret: "cli-secret")

    let dir: TemporaryDirectory
    var cli: VaultCLIProcess

    init() throws {
        dir = try TemporaryDirectory()
        cli = VaultCLIProcess(directory: dir.path)
        cli.environment["CLIENT_SECRET"] = Self.client.secret
    }

    func credentials(_ server: ExampleTokenServer) -> [String] {
        ["--token-url", server.tokenURL, "--client-id", Self.client.id, "--client-secret-env", "CLIENT_SECRET"]
    }

    @Test func eightProcessesStartedTogetherOnAnEmptyVaultMakeOneRequest() async throws {
        try await withTokenServer(clients: [Self.client]) { server in
            #expect(try await cli.run(["init"]).status == 0)
            let command = ["token", "--name", "paypal", "--fetch"] + credentials(server)
            let results = try await cli.runTogether(Array(repeating: command, count: 8))
            #expect(results.allSatisfy { $0.status == 0 })
            let printed = Set(results.map(\.stdout))
            #expect(server.tokenRequestCount == 1)
            #expect(printed.count == 1)
            let stored = try Vault(path: dir.file("tokens.vault"), keyring: Keyring(path: dir.file("vault.keys"))).contents()
            #expect(printed.first == (stored.entries["paypal"]?.token.accessToken).map { $0 + "\n" })
        }
    }

    @Test func fiveProcessesOneAfterAnotherMakeOneRequest() async throws {
        try await withTokenServer(clients: [Self.client]) { server in
            #expect(try await cli.run(["init"]).status == 0)
            var printed: Set<String> = []
            for _ in 0..<5 {
                let result = try await cli.run(["token", "--name", "paypal", "--fetch"] + credentials(server))
                #expect(result.status == 0, "\(result.stderr)")
                printed.insert(result.stdout)
            }
            #expect(server.tokenRequestCount == 1)
            #expect(printed.count == 1)
        }
    }

    @Test func fetchStoresAndPrintsASummaryButNeverTheToken() async throws {
        try await withTokenServer(clients: [Self.client]) { server in
            #expect(try await cli.run(["init"]).status == 0)
            let fetched = try await cli.run(["fetch", "--name", "paypal", "--auth-method", "post"] + credentials(server))
            #expect(fetched.status == 0, "\(fetched.stderr)")
            #expect(server.lastTokenRequest?.authMethod == .post)
            let token = try await cli.run(["token", "--name", "paypal"])
            #expect(token.status == 0)
            #expect(!fetched.stdout.contains(token.stdout.trimmingCharacters(in: .newlines)))
            #expect(fetched.stdout.contains("fetched 'paypal'"))
        }
    }

    @Test func theClientSecretCanComeFromAnOwnerOnlyFile() async throws {
        try await withTokenServer(clients: [Self.client]) { server in
            #expect(try await cli.run(["init"]).status == 0)
            let file = dir.file("client-secret")
            _ = FileManager.default.createFile(atPath: file, contents: Data((Self.client.secret + "\n").utf8), attributes: [.posixPermissions: 0o644])
            let arguments = ["fetch", "--name", "paypal", "--token-url", server.tokenURL, "--client-id", Self.client.id, "--client-secret-file", file]
            let refused = try await cli.run(arguments)
            #expect(refused.status == 6 && refused.stderr.contains("chmod 600"))
            chmod(file, 0o600)
            let fetched = try await cli.run(arguments)
            #expect(fetched.status == 0, "\(fetched.stderr)")
            #expect(server.tokenRequestCount == 1)
        }
    }

    @Test func rejectedCredentialsAndUnreachableEndpointHaveTheirOwnStatuses() async throws {
        try await withTokenServer(clients: [Self.client]) { server in
            var cli = self.cli
            cli.environment["CLIENT_SECRET"] = "wrong-secret"
            #expect(try await cli.run(["init"]).status == 0)
            let before = try Data(contentsOf: URL(fileURLWithPath: dir.file("tokens.vault")))
            let rejected = try await cli.run(["fetch", "--name", "paypal"] + credentials(server))
            #expect(rejected.status == 9)
            #expect(rejected.stderr.contains("invalid_client") && !rejected.stderr.contains("wrong-secret"))

            server.enqueue(.body(status: 200, contentType: "application/json", body: #"{"access_token": 42}"#))
            cli.environment["CLIENT_SECRET"] = Self.client.secret
            let malformed = try await cli.run(["fetch", "--name", "paypal"] + credentials(server))
            #expect(malformed.status == 11)

            let url = server.tokenURL
            try await server.shutdown()  // idempotent: withTokenServer's own shutdown then does nothing
            let unreachable = try await cli.run(["fetch", "--name", "paypal", "--token-url", url, "--client-id", Self.client.id, "--client-secret-env", "CLIENT_SECRET"])
            #expect(unreachable.status == 10, "\(unreachable.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("tokens.vault"))) == before, "a failed fetch changed the vault")
        }
    }

    @Test func anUnsetEnvironmentVariableExitsOneWhicheverOptionNamedIt() async throws {
        #expect(try await cli.run(["init"]).status == 0)
        let secret = try await cli.run(
            ["fetch", "--name", "p", "--token-url", "http://127.0.0.1:9/t", "--client-id", "c", "--client-secret-env", "TV_NO_SUCH_VAR"])
        #expect(secret.status == 1 && secret.stderr.contains("TV_NO_SUCH_VAR"), "\(secret.stderr)")
        let passphrase = try await cli.run(["status", "--passphrase-env", "TV_NO_SUCH_VAR"])
        #expect(passphrase.status == 1 && passphrase.stderr.contains("TV_NO_SUCH_VAR"), "\(passphrase.stderr)")
    }
}

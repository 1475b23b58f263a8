import ArgumentParser
import Foundation
import Logging
import TokenVault

/// The OAuth client to fetch tokens for. The secret is read from the environment or a file.
struct CredentialOptions: ParsableArguments {
    enum Environment: String, ExpressibleByArgument, CaseIterable {
        case sandbox, production
    }

    @Option(help: ArgumentHelp("The token endpoint, e.g. http://127.0.0.1:8080/v1/oauth2/token.", valueName: "url"))
    var tokenURL: String?

    @Option(help: ArgumentHelp("PayPal's token endpoint for this environment.", valueName: "sandbox|production"))
    var environment: Environment?

    @Option(help: ArgumentHelp("The OAuth client id.", valueName: "id"))
    var clientId: String?

    @Option(help: ArgumentHelp("Read the client secret from this environment variable.", valueName: "var"))
    var clientSecretEnv: String?

    @Option(help: ArgumentHelp("Read the client secret from this file (mode 0600).", valueName: "path"))
    var clientSecretFile: String?

    @Option(help: ArgumentHelp("The scope to request, space-separated.", valueName: "scope"))
    var scope: String?

    @Option(help: ArgumentHelp("How the client authenticates: HTTP Basic (default) or in the form body.", valueName: "basic|post"))
    var authMethod: ClientAuthMethod = .basic

    @Flag(help: "Allow an http:// token URL to a host other than loopback (sends the secret in clear).")
    var allowPlainHttp = false

    @Option(help: ArgumentHelp("The time a token request may take in all, retries included (then exit 10).", valueName: "seconds"))
    var timeout: Double = 60

    /// Whether any credential option was given.
    var isGiven: Bool { tokenURL != nil || environment != nil || clientId != nil || clientSecretEnv != nil || clientSecretFile != nil }

    /// Checks that the options describe one client completely.
    func validateComplete() throws {
        guard (tokenURL == nil) != (environment == nil) else {
            throw ValidationError("Give exactly one of --token-url and --environment.")
        }
        guard clientId != nil else { throw ValidationError("Missing --client-id.") }
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be between 0 and 3600 seconds.") }
        guard !oauthEnvironment.isRefusedPlainHTTP else {
            throw ValidationError("--token-url is http:// to a host other than loopback, which would send the client secret in clear; use https, or --allow-plain-http.")
        }
        guard (clientSecretEnv == nil) != (clientSecretFile == nil) else {
            throw ValidationError("Give exactly one of --client-secret-env and --client-secret-file.")
        }
    }

    var oauthEnvironment: OAuthEnvironment {
        if let tokenURL { return .custom(tokenURL: tokenURL, allowsPlainHTTP: allowPlainHttp) }
        return environment == .production ? .production : .sandbox
    }

    func clientSecret() throws -> String {
        if let clientSecretEnv {
            guard let value = ProcessInfo.processInfo.environment[clientSecretEnv], !value.isEmpty else {
                throw VaultError.environmentVariableUnset(clientSecretEnv)
            }
            return value
        }
        let path = clientSecretFile!
        var bytes: [UInt8]
        do { bytes = try SecretFile.read(path) } catch { throw VaultError(error) }
        defer { bytes.cleanse() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A manager for this client whose token lives in `entry` of `vault`.
    func authManager(vault: VaultLocation, entry: String, clockSkew: TimeInterval) throws -> ClientCredentialsAuthManager {
        let credentials = ClientCredentialsAuthCredentials(
            oAuthClientId: clientId!, oAuthClientSecret: try clientSecret(), oAuthClockSkew: clockSkew)
        return ClientCredentialsAuthManager(
            credentials: credentials, environment: oauthEnvironment, store: vault.tokenStore(entry: entry),
            scope: scope, authMethod: authMethod, requestTimeout: .milliseconds(Int(min(timeout, 30) * 1000)),
            fetchTimeout: .milliseconds(Int(timeout * 1000)), logger: .cli)
    }
}

extension ClientAuthMethod: ExpressibleByArgument {}

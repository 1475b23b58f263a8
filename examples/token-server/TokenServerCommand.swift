import ArgumentParser
import ExampleTokenServer
import Foundation

/// `token-server`: runs ``ExampleTokenServer`` with one client until SIGTERM or SIGINT.
///
/// ```sh
/// TOKEN_SERVER_CLIENT_SECRET=s3cret token-server --port 8080
/// # listening on http://127.0.0.1:8080
/// ```
@main
struct TokenServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token-server",
        abstract: "A PayPal-shaped OAuth 2.0 client-credentials token endpoint, for demos and tests.",
        discussion: """
            Prints "listening on URL" once bound, logs each request to stderr (without secrets or tokens) \
            and runs until SIGTERM or SIGINT. The client secret is read from the environment, never from \
            the command line.
            """
    )

    @Option(help: "The address to bind.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one.")
    var port = 0

    @Option(name: .customLong("client-id"), help: ArgumentHelp("The client id to accept.", valueName: "ID"))
    var clientID = "demo-client"

    @Option(
        name: .customLong("client-secret-env"),
        help: ArgumentHelp("The environment variable that holds the client secret.", valueName: "VAR")
    )
    var clientSecretVariable = "TOKEN_SERVER_CLIENT_SECRET"

    @Option(help: ArgumentHelp("The lifetime of issued tokens.", valueName: "SECONDS"))
    var tokenLifetime = 32400

    @Option(help: ArgumentHelp("Hold every token answer back this long (a slow endpoint).", valueName: "MILLISECONDS"))
    var delayMs = 0

    func validate() throws {
        guard (0...65535).contains(port) else {
            throw ValidationError("--port must be between 0 and 65535.")
        }
        guard tokenLifetime > 0 else {
            throw ValidationError("--token-lifetime must be positive.")
        }
    }

    func run() async throws {
        guard let secret = ProcessInfo.processInfo.environment[clientSecretVariable], !secret.isEmpty else {
            throw ValidationError("Set the client secret in the environment variable \(clientSecretVariable).")
        }
        // Installed before the "listening" line, so a signal sent right after it is never lost.
        let signals = TerminationSignals.install()
        let server = try await ExampleTokenServer.start(
            host: host,
            port: port,
            clients: [.init(id: clientID, secret: secret)],
            tokenLifetime: tokenLifetime,
            responseDelay: delayMs
        ) { entry in
            StandardStreams.error("token-server: \(entry)")
        }
        StandardStreams.output("listening on \(server.baseURL)")
        let signal = await signals.next()
        StandardStreams.error("token-server: received signal \(signal), shutting down")
        signals.cancel()
        try await server.shutdown()
    }
}

import NIOCore
import Synchronization

/// The server's mutable state, shared by every connection and guarded by one `Mutex`.
final class ServerState: Sendable {
    /// An access token the server issued and has not revoked.
    struct IssuedToken: Sendable {
        var clientID: String
        var scope: String
        /// When the token stops being accepted, on the monotonic clock.
        var expiresAt: NIODeadline
    }

    struct Values: Sendable {
        var tokenRequestCount = 0
        var issuedTokenCount = 0
        var lastTokenRequest: TokenRequestRecord?
        var behaviors: [ExampleTokenServer.Behavior] = []
        var tokens: [String: IssuedToken] = [:]
        var connections: [ObjectIdentifier: any Channel] = [:]
        var isShutDown = false
    }

    let values = Mutex(Values())

    /// Counts and records a request on the token path.
    /// - Parameters:
    ///   - record: What the client sent.
    ///   - takesBehavior: Whether the request consumes the next scripted behaviour.
    /// - Returns: The behaviour to answer with: the head of the queue, or `.normal`.
    func receiveTokenRequest(_ record: TokenRequestRecord, takesBehavior: Bool) -> ExampleTokenServer.Behavior {
        values.withLock { values in
            values.tokenRequestCount += 1
            values.lastTokenRequest = record
            guard takesBehavior, !values.behaviors.isEmpty else {
                return .normal
            }
            return values.behaviors.removeFirst()
        }
    }

    /// Stores a newly issued token and counts it.
    /// - Parameters:
    ///   - accessToken: The token.
    ///   - token: Whom it was issued to, for what, and until when.
    func issue(_ accessToken: String, _ token: IssuedToken) {
        values.withLock { values in
            values.issuedTokenCount += 1
            values.tokens[accessToken] = token
        }
    }

    /// The token's details if it was issued here, is not revoked and has not expired.
    func validToken(_ accessToken: String, now: NIODeadline = .now()) -> IssuedToken? {
        values.withLock { values in
            values.tokens[accessToken].flatMap { $0.expiresAt > now ? $0 : nil }
        }
    }

    /// Tracks an accepted connection until it closes, so shutdown can close it.
    /// - Returns: `false` when the server is already shut down (the caller closes the channel).
    func track(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let accepted = values.withLock { values in
            guard !values.isShutDown else {
                return false
            }
            values.connections[id] = channel
            return true
        }
        if accepted {
            channel.closeFuture.whenComplete { [self] _ in
                _ = values.withLock { $0.connections.removeValue(forKey: id) }
            }
        }
        return accepted
    }

    /// Marks the server as shut down.
    /// - Returns: The open connections to close, or `nil` when it was already shut down.
    func beginShutdown() -> [any Channel]? {
        values.withLock { values in
            guard !values.isShutDown else {
                return nil
            }
            values.isShutDown = true
            defer { values.connections.removeAll() }
            return Array(values.connections.values)
        }
    }
}

import NIOCore
import NIOHTTP1

/// A complete request as the connection handler received it.
struct ReceivedRequest: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer
    /// Whether the body went past ``maximumBodySize`` (its excess bytes were dropped).
    var bodyTooLarge: Bool

    /// The largest request body the server reads: 64 KiB.
    static let maximumBodySize = 64 * 1024

    /// The request path without the query.
    var path: String {
        String(head.uri.prefix { $0 != "?" })
    }

    /// The first value of a header, matched case-insensitively.
    func header(_ name: String) -> String? {
        head.headers.first(name: name)
    }
}

/// A response to write: status, extra headers and a body.
struct Response: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var contentType: String
    var body: String
    /// The authenticated client this answer was for; only for the request log.
    var clientID: String? = nil
    /// Whether to close the connection after writing.
    var closesConnection = false
}

/// What the connection handler does with a request.
enum Action: Sendable {
    /// Writes a response.
    case respond(Response)
    /// Closes the connection without answering.
    case close
    /// Waits, then does what `then` returns at that moment.
    case delay(TimeAmount, then: @Sendable () -> Action)
}

import Synchronization
import TokenVault

/// A transport answering from a script, without a network, recording what it was sent.
final class ScriptedTransport: TokenTransport {
    enum Step: Sendable {
        case respond(TransportResponse)
        case fail(OAuthError)
    }

    private let script: Mutex<[Step]>
    private let sent = Mutex<[TransportRequest]>([])

    init(_ steps: [Step]) {
        script = Mutex(steps)
    }

    /// The requests received so far.
    var requests: [TransportRequest] { sent.withLock { $0 } }

    func post(_ request: TransportRequest) async throws -> TransportResponse {
        sent.withLock { $0.append(request) }
        let step = script.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        switch step {
        case .respond(let response):
            return response
        case .fail(let error):
            throw error
        case nil:
            throw OAuthError.unreachable(reason: "script exhausted")
        }
    }

    /// A `200` with a JSON body.
    static func json(_ body: String, status: Int = 200, headers: [(name: String, value: String)] = []) -> Step {
        .respond(TransportResponse(status: status, headers: headers, body: Array(body.utf8)))
    }
}

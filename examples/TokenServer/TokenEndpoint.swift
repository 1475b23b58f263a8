import NIOCore
import NIOHTTP1

/// `POST /v1/oauth2/token`: the client-credentials grant, answered like PayPal's endpoint.
struct TokenEndpoint: Sendable {
    static let path = "/v1/oauth2/token"
    /// PayPal's sandbox app id, returned in every token response.
    static let appID = "APP-80W284485P519543T"

    /// The registered secrets by client id.
    let clients: [String: String]
    /// The scopes the server grants, in order.
    let scopes: [String]
    /// The default token lifetime in seconds.
    let tokenLifetime: Int
    /// How long every token answer is held back, in milliseconds (a slow endpoint).
    var responseDelay = 0
    let state: ServerState

    /// Counts and records the request, then answers it as scripted or normally.
    func handle(_ request: ReceivedRequest) -> Action {
        let isPOST = request.head.method == .POST
        let parsed = TokenRequest(request, clients: clients)
        let behavior = state.receiveTokenRequest(parsed.record, takesBehavior: isPOST && !request.bodyTooLarge)
        guard isPOST else {
            return .respond(.routingError(status: 405, error: "method_not_allowed", headers: [("Allow", "POST")]))
        }
        guard !request.bodyTooLarge else {
            return .respond(.payloadTooLarge)
        }
        return answer(parsed, with: responseDelay > 0 ? .delayed(milliseconds: responseDelay, then: behavior) : behavior)
    }

    /// The answer a behaviour gives to a parsed request.
    func answer(_ request: TokenRequest, with behavior: ExampleTokenServer.Behavior) -> Action {
        let action = scriptedAnswer(request, with: behavior)
        guard case .respond(var response) = action else {
            return action
        }
        // For the request log: whoever authenticated, whatever the answer.
        response.clientID = request.record.clientID
        return .respond(response)
    }

    private func scriptedAnswer(_ request: TokenRequest, with behavior: ExampleTokenServer.Behavior) -> Action {
        switch behavior {
        case .normal:
            return .respond(issue(request, lifetime: tokenLifetime, sendsExpiresIn: true))
        case .withoutExpiresIn:
            return .respond(issue(request, lifetime: tokenLifetime, sendsExpiresIn: false))
        case .expiresIn(let seconds):
            return .respond(issue(request, lifetime: seconds, sendsExpiresIn: true))
        case .oauthError(let status, let error, let description):
            return .respond(.oauthError(status: status, error: error, description: description))
        case .httpError(let status, let body):
            return .respond(Response(status: status, contentType: "text/plain; charset=utf-8", body: body))
        case .body(let status, let contentType, let body):
            return .respond(Response(status: status, contentType: contentType, body: body))
        case .closeConnection:
            return .close
        case .delayed(let milliseconds, let then):
            let delay = Int64(min(max(milliseconds, 0), 1_000_000_000))
            return .delay(.milliseconds(delay)) { answer(request, with: then) }
        }
    }

    /// Validates the request like PayPal and, when it is valid, issues a token.
    private func issue(_ request: TokenRequest, lifetime: Int, sendsExpiresIn: Bool) -> Response {
        let form: [String: String]
        switch request.form {
        case .success(let fields):
            form = fields
        case .failure(.wrongContentType):
            return .invalidRequest("Content-Type must be application/x-www-form-urlencoded")
        case .failure(.invalidEncoding):
            return .invalidRequest("Malformed form body")
        case .failure(.repeatedParameter(let name)):
            return .invalidRequest("Repeated parameter: \(name)")
        }
        if case .failure(.multipleMethods) = request.credentials {
            return .invalidRequest("Multiple client authentication methods")
        }
        guard let clientID = request.record.clientID else {
            return .oauthError(
                status: 401,
                error: "invalid_client",
                description: "Client Authentication failed",
                headers: request.sentAuthorization ? [("WWW-Authenticate", #"Basic realm="token""#)] : []
            )
        }
        switch form["grant_type"] {
        case "client_credentials":
            break
        case nil:
            return .oauthError(status: 400, error: "unsupported_grant_type", description: "Grant Type is NULL")
        case let other?:
            return .oauthError(
                status: 400,
                error: "unsupported_grant_type",
                description: "Grant Type is not supported: \(other)"
            )
        }
        guard let scope = grantedScope(requested: form["scope"]) else {
            return .oauthError(status: 400, error: "invalid_scope", description: "Requested scope is invalid")
        }

        let accessToken = TokenGenerator.accessToken()
        // Clamped so the deadline arithmetic cannot overflow; 0 or less expires at once.
        let secondsValid = Int64(min(max(lifetime, 0), 1_000_000_000))
        state.issue(accessToken, .init(clientID: clientID, scope: scope, expiresAt: .now() + .seconds(secondsValid)))
        return .json(
            status: 200,
            TokenResponseBody(
                scope: scope,
                accessToken: accessToken,
                appID: Self.appID,
                expiresIn: sendsExpiresIn ? lifetime : nil,
                nonce: TokenGenerator.nonce()
            )
        )
    }

    /// The scope to grant: all of the server's when none was requested, exactly the requested one when it is a
    /// subset, `nil` otherwise.
    func grantedScope(requested: String?) -> String? {
        let wanted = requested?.split(separator: " ").map(String.init) ?? []
        guard !wanted.isEmpty else {
            return scopes.joined(separator: " ")
        }
        guard wanted.allSatisfy(scopes.contains) else {
            return nil
        }
        var seen = Set<String>()
        return wanted.filter { seen.insert($0).inserted }.joined(separator: " ")
    }
}

extension Response {
    /// 413, closing the connection.
    static var payloadTooLarge: Response {
        var response = Response.routingError(status: 413, error: "request_too_large")
        response.closesConnection = true
        return response
    }

    /// 400 `invalid_request` with a description.
    static func invalidRequest(_ description: String) -> Response {
        .oauthError(status: 400, error: "invalid_request", description: description)
    }
}

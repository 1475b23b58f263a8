/// `GET /v1/protected`: answers 200 for a valid bearer token issued here, 401 otherwise.
struct ProtectedEndpoint: Sendable {
    static let path = "/v1/protected"

    let state: ServerState

    /// The answer to a request on the protected path.
    func handle(_ request: ReceivedRequest) -> Action {
        guard request.head.method == .GET else {
            return .respond(.routingError(status: 405, error: "method_not_allowed", headers: [("Allow", "GET")]))
        }
        guard !request.bodyTooLarge else {
            return .respond(.payloadTooLarge)
        }
        guard let accessToken = bearerToken(request.header("authorization")),
            let token = state.validToken(accessToken)
        else {
            return .respond(
                .routingError(
                    status: 401,
                    error: "invalid_token",
                    headers: [("WWW-Authenticate", #"Bearer realm="protected", error="invalid_token""#)]
                )
            )
        }
        var response = Response.json(status: 200, Body(clientID: token.clientID))
        response.clientID = token.clientID
        return .respond(response)
    }

    /// The token of an `Authorization: Bearer <token>` header.
    private func bearerToken(_ header: String?) -> String? {
        guard let parts = header?.split(separator: " ", omittingEmptySubsequences: true), parts.count == 2,
            parts[0].lowercased() == "bearer"
        else {
            return nil
        }
        return String(parts[1])
    }

    private struct Body: Encodable {
        var ok = true
        var clientID: String

        enum CodingKeys: String, CodingKey {
            case ok
            case clientID = "client_id"
        }
    }
}

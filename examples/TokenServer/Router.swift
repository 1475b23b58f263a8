/// Sends each request to its endpoint; other paths get 404.
struct Router: Sendable {
    let token: TokenEndpoint
    let protected: ProtectedEndpoint

    /// The answer to a request.
    func route(_ request: ReceivedRequest) -> Action {
        switch request.path {
        case TokenEndpoint.path:
            token.handle(request)
        case ProtectedEndpoint.path:
            protected.handle(request)
        default:
            .respond(request.bodyTooLarge ? .payloadTooLarge : .routingError(status: 404, error: "not_found"))
        }
    }
}

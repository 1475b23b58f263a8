import Metrics

/// The auth manager's metrics, through swift-metrics: nothing is recorded anywhere unless the
/// service bootstraps a metrics backend (`MetricsSystem.bootstrap`). Every metric carries the
/// dimension `client_id`.
///
/// | name | kind | dimensions | what |
/// |---|---|---|---|
/// | `tokenvault_token_requests` | counter | `outcome`: `success`, `rejected`, `unreachable`, `failed` | token requests to the endpoint (retries within one request not counted apart) |
/// | `tokenvault_token_request_duration` | timer | | how long a token request took, retries included |
/// | `tokenvault_refreshes` | counter | `kind`: `ahead` (in the background, no caller waiting), `waited` (a caller had no valid token) | refreshes started |
/// | `tokenvault_hold_offs` | counter | | hold-offs started after a terminal answer (a rejected client) |
/// | `tokenvault_store_failures` | counter | `operation`: `read`, `lock`, `write` | token store failures |
/// | `tokenvault_token_remaining_seconds` | gauge | | the held token's lifetime left, set when a token becomes current |
struct TokenMetrics: Sendable {
    let requests: [String: Counter]
    let requestDuration: Timer
    let refreshesAhead: Counter
    let refreshesWaited: Counter
    let holdOffs: Counter
    let storeFailures: [TokenStoreFailure.Operation: Counter]
    let remainingLifetime: Gauge

    init(clientID: String) {
        let client = [("client_id", clientID)]
        requests = Dictionary(uniqueKeysWithValues: ["success", "rejected", "unreachable", "failed"].map {
            ($0, Counter(label: "tokenvault_token_requests", dimensions: client + [("outcome", $0)]))
        })
        requestDuration = Timer(label: "tokenvault_token_request_duration", dimensions: client)
        refreshesAhead = Counter(label: "tokenvault_refreshes", dimensions: client + [("kind", "ahead")])
        refreshesWaited = Counter(label: "tokenvault_refreshes", dimensions: client + [("kind", "waited")])
        holdOffs = Counter(label: "tokenvault_hold_offs", dimensions: client)
        storeFailures = Dictionary(uniqueKeysWithValues: [TokenStoreFailure.Operation.read, .lock, .write].map {
            ($0, Counter(label: "tokenvault_store_failures", dimensions: client + [("operation", $0.rawValue)]))
        })
        remainingLifetime = Gauge(label: "tokenvault_token_remaining_seconds", dimensions: client)
    }

    /// Counts one token request by how it ended.
    func recordRequest(_ error: (any Error)?) {
        let outcome: String
        switch error {
        case nil: outcome = "success"
        case let error as OAuthError where error.isCredentialsRejected: outcome = "rejected"
        case let error as OAuthError where error.isUnreachable: outcome = "unreachable"
        default: outcome = "failed"
        }
        requests[outcome]?.increment()
    }
}

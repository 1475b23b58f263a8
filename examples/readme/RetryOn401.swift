import AsyncHTTPClient
import TokenVault

/// The same call, sent once more with a new token when the API answers 401.
func getOrderRetryingOn401(_ id: String, auth: ClientCredentialsAuthManager) async throws -> HTTPClientResponse {
    let request = HTTPClientRequest(url: "https://api-m.paypal.com/v2/checkout/orders/\(id)")
    return try await HTTPClient.shared.execute(request, authorizedBy: auth, timeout: .seconds(30))
}

import AsyncHTTPClient
import TokenVault

/// An API call with the token in its `Authorization` header.
func getOrder(_ id: String, auth: ClientCredentialsAuthManager) async throws -> HTTPClientResponse {
    var request = HTTPClientRequest(url: "https://api-m.paypal.com/v2/checkout/orders/\(id)")
    request.headers.add(name: "Authorization", value: try await auth.authorizationHeader())
    return try await HTTPClient.shared.execute(request, timeout: .seconds(30))
}

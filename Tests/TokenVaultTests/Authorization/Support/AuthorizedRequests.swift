import AsyncHTTPClient
import ExampleTokenServer
import Foundation
import HTTPTypes
import NIOCore
import OpenAPIRuntime
import TokenVault

/// What the shared core logs each time a response rejects the token it sent.
let unauthorizedMessage = "request unauthorized; token invalidated"

extension CapturingLogHandler.Store {
    /// How many responses rejected a token, as the auth manager saw them.
    var unauthorizedCount: Int {
        entries.count { $0.message == unauthorizedMessage }
    }
}

/// `GET server.protectedURL` through ``HTTPClient/execute(_:authorizedBy:timeout:logger:)``.
///
/// - Returns: The status code and the body as text.
func getProtected(
    _ server: ExampleTokenServer,
    authorizedBy manager: ClientCredentialsAuthManager,
    body: HTTPClientRequest.Body? = nil
) async throws -> (status: UInt, body: String) {
    var request = HTTPClientRequest(url: server.protectedURL)
    request.body = body
    let response = try await HTTPClient.shared.execute(request, authorizedBy: manager, timeout: .seconds(10))
    let bytes = try await response.body.collect(upTo: 64 * 1024)
    return (response.status.code, String(buffer: bytes))
}

/// The request an OpenAPI client would send for `GET /v1/protected`.
let protectedRequest = HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/v1/protected")

extension ExampleTokenServer {
    /// ``baseURL`` as a `URL`, the server URL an OpenAPI client is configured with.
    var openAPIBaseURL: URL {
        get throws {
            guard let url = URL(string: baseURL) else {
                throw URLError(.badURL)
            }
            return url
        }
    }
}

/// Sends an OpenAPI request with AsyncHTTPClient, as a client transport would: the end of a
/// middleware chain. The request body is read whole and sent as bytes; the response body is
/// streamed back as a `.single` body.
func sendWithAsyncHTTPClient(
    _ request: HTTPRequest,
    body: HTTPBody?,
    baseURL: URL
) async throws -> (HTTPResponse, HTTPBody?) {
    var clientRequest = HTTPClientRequest(url: baseURL.absoluteString + (request.path ?? ""))
    clientRequest.method = .init(rawValue: request.method.rawValue)
    for field in request.headerFields {
        clientRequest.headers.add(name: field.name.rawName, value: field.value)
    }
    if let body {
        clientRequest.body = .bytes(try await [UInt8](collecting: body, upTo: 64 * 1024))
    }
    let response = try await HTTPClient.shared.execute(clientRequest, timeout: .seconds(10))
    var headerFields = HTTPFields()
    for header in response.headers {
        if let name = HTTPField.Name(header.name) {
            headerFields.append(HTTPField(name: name, value: header.value))
        }
    }
    let responseBody = HTTPBody(
        response.body.map { ArraySlice($0.readableBytesView) },
        length: response.headers.first(name: "content-length").flatMap(Int64.init).map { .known($0) } ?? .unknown,
        iterationBehavior: .single
    )
    return (HTTPResponse(status: .init(code: Int(response.status.code)), headerFields: headerFields), responseBody)
}

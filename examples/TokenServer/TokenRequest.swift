import NIOCore

/// A `POST` to the token path, parsed once when it arrives.
struct TokenRequest: Sendable {
    /// Why the body is not a usable form.
    enum FormProblem: Error, Equatable {
        case wrongContentType
        case invalidEncoding
        case repeatedParameter(String)
    }

    var record: TokenRequestRecord
    var form: Result<[String: String], FormProblem>
    var credentials: Result<ClientCredentials, ClientCredentials.ReadError>
    /// Whether the client sent an `Authorization` header (then a 401 carries `WWW-Authenticate`).
    var sentAuthorization: Bool

    /// Parses a request and authenticates its client against `clients`.
    /// - Parameters:
    ///   - request: The received request.
    ///   - clients: The registered secrets by client id.
    init(_ request: ReceivedRequest, clients: [String: String]) {
        let bodyText = String(buffer: request.body)
        let mediaType = request.header("content-type")?
            .prefix { $0 != ";" }
            .trimmingCharacters(in: .whitespaces)
            .lowercased()
        if mediaType != "application/x-www-form-urlencoded" {
            form = .failure(.wrongContentType)
        } else {
            do {
                form = .success(try FormURLEncoding.parse(bodyText))
            } catch {
                switch error {
                case .invalidEncoding: form = .failure(.invalidEncoding)
                case .repeatedParameter(let name): form = .failure(.repeatedParameter(name))
                }
            }
        }
        let fields = (try? form.get()) ?? [:]
        let authorization = request.header("authorization")
        sentAuthorization = authorization != nil
        credentials = Result { () throws(ClientCredentials.ReadError) in
            try ClientCredentials.read(authorization: authorization, form: fields)
        }

        var authenticated: String?
        if case .success(let presented) = credentials, let secret = clients[presented.id],
            Self.constantTimeEqual(secret, presented.secret)
        {
            authenticated = presented.id
        }
        var headers: [String: String] = [:]
        for (name, value) in request.head.headers {
            let key = name.lowercased()
            headers[key] = headers[key].map { $0 + ", " + value } ?? value
        }
        record = TokenRequestRecord(
            method: request.head.method.rawValue,
            uri: request.head.uri,
            headers: headers,
            body: bodyText,
            form: fields,
            clientID: authenticated,
            authMethod: try? credentials.get().method
        )
    }

    /// Compares two secrets in time that depends only on their lengths.
    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let (a, b) = (Array(lhs.utf8), Array(rhs.utf8))
        guard a.count == b.count else {
            return false
        }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

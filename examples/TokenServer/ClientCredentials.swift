import Foundation

/// The client credentials a token request carried, by either RFC 6749 §2.3.1 method.
struct ClientCredentials: Sendable, Equatable {
    /// Why no usable credentials could be read.
    enum ReadError: Error, Equatable {
        /// Neither an `Authorization: Basic` header nor `client_id` and `client_secret` in the form.
        case missing
        /// An `Authorization: Basic` header that is not base64 of UTF-8 `id:secret`, or not form-urlencoded.
        case malformedBasic
        /// Both methods at once, which RFC 6749 §2.3 forbids.
        case multipleMethods
    }

    var id: String
    var secret: String
    var method: TokenRequestRecord.AuthMethod

    /// Reads the credentials from the `Authorization` header or the form body.
    /// - Parameters:
    ///   - authorization: The `Authorization` header, if any.
    ///   - form: The parsed form fields.
    /// - Returns: The credentials and how they were sent.
    static func read(authorization: String?, form: [String: String]) throws(ReadError) -> ClientCredentials {
        let basic = try authorization.flatMap { header throws(ReadError) in try basicCredentials(header) }
        let post = form["client_id"].flatMap { id in
            form["client_secret"].map { ClientCredentials(id: id, secret: $0, method: .post) }
        }
        switch (basic, post) {
        case (let basic?, nil): return basic
        case (nil, let post?): return post
        case (.some, .some): throw .multipleMethods
        case (nil, nil): throw .missing
        }
    }

    /// Decodes `Basic base64(urlencode(id):urlencode(secret))`; `nil` for other schemes.
    private static func basicCredentials(_ header: String) throws(ReadError) -> ClientCredentials? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic" else {
            return nil
        }
        let encoded = parts[1].trimmingCharacters(in: .whitespaces)
        guard let data = Data(base64Encoded: encoded), let pair = String(data: data, encoding: .utf8),
            let colon = pair.firstIndex(of: ":")
        else {
            throw .malformedBasic
        }
        do {
            return ClientCredentials(
                id: try FormURLEncoding.decode(pair[..<colon]),
                secret: try FormURLEncoding.decode(pair[pair.index(after: colon)...]),
                method: .basic
            )
        } catch {
            throw .malformedBasic
        }
    }
}

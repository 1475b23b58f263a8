/// One kind of bad answer from the token endpoint, and the exit statuses `vaultcli fetch` may
/// give for it (README: 9 credentials rejected, 10 unreachable or timed out, 11 an error or an
/// invalid token response).
struct HostileCase: Sendable {
    var name: String
    var expected: Set<Int32>
    var answer: @Sendable (ReceivedRequest) -> HostileAnswer

    static let rejected: Set<Int32> = [9]
    static let unreachable: Set<Int32> = [10]
    static let invalid: Set<Int32> = [11]
    /// A cut or garbled answer: "could not be reached" and "invalid answer" are both honest.
    static let broken: Set<Int32> = [10, 11]

    /// The kind the redirects point to: it answers a valid token, so following a redirect would
    /// change the stored token (and send the credentials to another URL).
    static let redirectTarget = "redirect-target"

    /// A valid token response, used inside the bad answers.
    static func validToken(_ label: String) -> String {
        #"{"access_token":"A21AA-hostile-\#(label)","token_type":"Bearer","expires_in":32400,"scope":"s"}"#
    }

    /// Every bad answer, with its expected statuses. `url` gives the URL of another kind.
    static func catalogue(url: @escaping @Sendable (String) -> String) -> [HostileCase] {
        var cases: [HostileCase] = []
        func json(_ name: String, _ body: String, status: Int = 200, expected: Set<Int32> = invalid,
                  contentType: String = "application/json", extra: [HostileAnswer.Header] = []) {
            cases.append(HostileCase(name: name, expected: expected) { _ in
                .response(status: status, headers: [.init(name: "Content-Type", value: contentType)] + extra, body: Array(body.utf8))
            })
        }
        func token(accessToken: String = #""A21AA-ok""#, tokenType: String = #""Bearer""#, expiresIn: String = "32400") -> String {
            #"{"access_token":\#(accessToken),"token_type":\#(tokenType),"expires_in":\#(expiresIn)}"#
        }

        // Not a token object.
        json("malformed-json", #"{"access_token":"A21AA-x","token_type":"Bearer","expires_in":"#)
        json("json-array", "[" + validToken("array") + "]")
        json("json-string", #""A21AA-string""#)
        json("json-null", "null")
        json("deeply-nested-json", #"{"access_token":"# + String(repeating: "[", count: 60000) + String(repeating: "]", count: 60000) + "}")
        json("empty-200", "")
        json("html-200", "<html><body><h1>Welcome</h1></body></html>", contentType: "text/html")
        json("wrong-content-type", validToken("wrong-content-type"), contentType: "text/html")
        json("status-201-with-token", validToken("201"), status: 201)
        json("status-204", "", status: 204)
        // Wrong or missing fields.
        json("missing-access-token", #"{"token_type":"Bearer","expires_in":32400}"#)
        json("missing-token-type", #"{"access_token":"A21AA-x","expires_in":32400}"#)
        json("access-token-number", token(accessToken: "12345"))
        json("access-token-null", token(accessToken: "null"))
        json("access-token-empty", token(accessToken: #""""#))
        json("expires-in-string", token(expiresIn: #""3600""#))
        json("token-type-number", token(tokenType: "1"))
        json("token-type-crlf", token(tokenType: #""Bearer\r\nX-Injected: 1""#))
        json("token-type-space", token(tokenType: #""Bearer token""#))
        json("token-type-markup", token(tokenType: #""<b>Bearer</b>""#))
        json("access-token-crlf", token(accessToken: #""A21AA\r\nX-Injected: 1""#))
        json("access-token-space", token(accessToken: #""A21AA x""#))
        json("access-token-nul", token(accessToken: #""A21AA\u0000x""#))
        json("access-token-esc", token(accessToken: #""A21AA\u001b[31mx""#))
        json("access-token-non-ascii", token(accessToken: #""A21AA-tøken""#))
        json("access-token-quote", token(accessToken: #""A21AA\"x""#))
        json("expires-in-negative", token(expiresIn: "-60"))
        json("expires-in-zero", token(expiresIn: "0"))
        json("expires-in-fraction", token(expiresIn: "0.5"))
        json("expires-in-1e30", token(expiresIn: "1e30"))
        json("expires-in-huge-integer", token(expiresIn: "99999999999999999999999999"))
        // Too big, encoded, cut.
        json("huge-body", #"{"access_token":"A21AA-huge","token_type":"Bearer","expires_in":32400,"pad":""# + String(repeating: "a", count: 1 << 20) + #""}"#)
        cases.append(HostileCase(name: "endless-body", expected: invalid) { _ in
            .flood(head: Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10737418240\r\n\r\n".utf8))
        })
        cases.append(HostileCase(name: "endless-chunked-body", expected: invalid) { _ in
            // One chunk of 16 GiB announced; its bytes never end.
            .flood(head: Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n400000000\r\n".utf8))
        })
        for encoding in ["gzip", "deflate"] {
            let body = encoding == "gzip" ? Compression.gzip(Array(validToken(encoding).utf8)) : Compression.zlib(Array(validToken(encoding).utf8))
            cases.append(HostileCase(name: "\(encoding)-encoded-body", expected: invalid) { _ in
                .response(status: 200, headers: [.init(name: "Content-Type", value: "application/json"), .init(name: "Content-Encoding", value: encoding)], body: body)
            })
        }
        cases.append(HostileCase(name: "cut-answer", expected: broken) { _ in
            .raw(Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"access_token\":\"A21AA-cut".utf8))
        })
        cases.append(HostileCase(name: "not-http", expected: broken) { _ in .raw(Array("SSH-2.0-OpenSSH_9.2p1\r\n".utf8)) })
        cases.append(HostileCase(name: "huge-headers", expected: broken) { _ in
            .response(status: 200, headers: (0..<200).map { .init(name: "X-Pad-\($0)", value: String(repeating: "p", count: 1000)) }
                + [.init(name: "Content-Type", value: "application/json")], body: Array(validToken("headers").utf8))
        })
        // Slow or silent.
        cases.append(HostileCase(name: "slow-drip-body", expected: unreachable) { _ in
            .drip(head: Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{".utf8))
        })
        cases.append(HostileCase(name: "slow-drip-head", expected: unreachable) { _ in .drip(head: Array("HTTP/1.1 200 OK\r\nX-Slow:".utf8)) })
        cases.append(HostileCase(name: "accept-never-answer", expected: unreachable) { _ in .silence })
        cases.append(HostileCase(name: "connection-reset", expected: unreachable) { _ in .reset })
        cases.append(HostileCase(name: "close-without-answer", expected: unreachable) { _ in .close })
        // Redirects (never followed: they would carry the credentials elsewhere).
        for status in [301, 302, 307, 308] {
            cases.append(HostileCase(name: "redirect-\(status)", expected: invalid) { _ in
                .response(status: status, headers: [.init(name: "Location", value: url(redirectTarget))], body: [])
            })
        }
        // Storms: every attempt gets the same answer.
        json("429-storm", #"{"error":"rate_limited"}"#, status: 429)
        json("429-retry-after-1", "slow down", status: 429, contentType: "text/plain", extra: [.init(name: "Retry-After", value: "1")])
        json("429-retry-after-huge", "slow down", status: 429, expected: broken, contentType: "text/plain", extra: [.init(name: "Retry-After", value: "999999999")])
        for status in [500, 502, 503] {
            json("\(status)-storm", "<html><body>\(status)</body></html>", status: status, contentType: "text/html")
        }
        json("503-retry-after", "busy", status: 503, contentType: "text/plain", extra: [.init(name: "Retry-After", value: "1")])
        // RFC 6749 §5.2 errors, each with 400 and with 401.
        for code in ["invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope"] {
            for status in [400, 401] {
                let expected = code == "invalid_client" || code == "unauthorized_client" || status == 401 ? rejected : invalid
                json("\(code)-\(status)", #"{"error":"\#(code)","error_description":"the \#(code) answer"}"#, status: status, expected: expected)
            }
        }
        json("html-error-page-500", "<!DOCTYPE html><html><head><title>Error</title></head><body><h1>Internal error</h1></body></html>", status: 500, contentType: "text/html")
        json("html-error-page-401", "<!DOCTYPE html><html><body><h1>Unauthorized</h1></body></html>", status: 401, expected: rejected, contentType: "text/html")
        // Server text that tries to leak the credentials or drive the terminal.
        for (status, code, expected) in [(400, "invalid_request", invalid), (401, "invalid_client", rejected)] {
            cases.append(HostileCase(name: "error-echoes-credentials-\(status)", expected: expected) { request in
                let echo = "Authorization: \(request.headers["authorization"] ?? "-") body: \(String(decoding: request.body, as: UTF8.self))"
                return .response(status: status, headers: [.init(name: "Content-Type", value: "application/json")],
                                 body: Array(#"{"error":"\#(code)","error_description":\#(JSONText.quoted(echo))}"#.utf8))
            })
        }
        cases.append(HostileCase(name: "error-code-echoes-credentials", expected: invalid) { request in
            let echo = "\(request.headers["authorization"] ?? "-")|\(String(decoding: request.body, as: UTF8.self))"
            return .response(status: 400, headers: [.init(name: "Content-Type", value: "application/json")],
                             body: Array(#"{"error":\#(JSONText.quoted(echo))}"#.utf8))
        })
        cases.append(HostileCase(name: "plain-500-echoes-credentials", expected: invalid) { request in
            .response(status: 500, headers: [.init(name: "Content-Type", value: "text/plain")],
                      body: Array("Authorization: \(request.headers["authorization"] ?? "-")\n\(String(decoding: request.body, as: UTF8.self))".utf8))
        })
        json("error-description-terminal-controls", #"{"error":"invalid_request","error_description":"\u001b]0;pwned\u0007\u001b[2J\r\nfake prompt$ \u202eevil\u0000"}"#, status: 400)
        json("error-code-terminal-controls", #"{"error":"invalid_\u001b[31mrequest\r\n","error_description":"x"}"#, status: 400)
        json("huge-error-description", #"{"error":"invalid_request","error_description":""# + String(repeating: "d", count: 60000) + #""}"#, status: 400)
        // Where the redirects point: a valid token, to notice a redirect that was followed.
        json(redirectTarget, validToken("redirected"), expected: [0])
        return cases
    }
}

/// JSON string quoting for the echoes.
enum JSONText {
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

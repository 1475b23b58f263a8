import Foundation
import Logging

extension ClientCredentialsAuthManager {
    /// Requests a token from the token endpoint (RFC 6749 §4.4), retrying transient failures
    /// as ``RetryPolicy`` says.
    ///
    /// Changes no state and calls no hook: a provider hook calls this to get a token from the
    /// endpoint, and ``token()`` stores what the hook returns.
    ///
    /// - Returns: The token the endpoint issued, its expiry counted from when the response came.
    /// - Throws: ``OAuthError``; `CancellationError` when the calling task is cancelled.
    public func fetchToken() async throws -> OAuthToken {
        let request = TokenRequest(
            tokenURL: tokenURL,
            clientID: credentials.oAuthClientId,
            clientSecret: credentials.oAuthClientSecret,
            scope: scope,
            authMethod: authMethod
        ).transportRequest(timeout: requestTimeout, maxResponseBytes: maxResponseBytes)

        var metadata: Logger.Metadata = [
            "oauth.token_url": "\(tokenURL)",
            "oauth.client_id": "\(clientID)",
            "oauth.auth_method": "\(authMethod.rawValue)",
        ]
        var generator = SystemRandomNumberGenerator()
        var attempt = 1
        while true {
            try Task.checkCancellation()
            metadata["oauth.attempt"] = "\(attempt)"
            logger.debug("requesting token", metadata: metadata)

            let failure: OAuthError
            var retryAfterSeconds: Int?
            do {
                let response = try await transport.post(request)
                metadata["oauth.status"] = "\(response.status)"
                do {
                    let token = try TokenResponse.token(
                        status: response.status,
                        body: response.body,
                        receivedAt: clock.now,
                        defaultLifetime: defaultTokenLifetime
                    )
                    metadata["oauth.expires_in"] = "\(token.expiresIn.map(String.init) ?? "absent")"
                    metadata["oauth.scope"] = "\(token.scope ?? "-")"
                    logger.info("token obtained", metadata: metadata)
                    return token
                } catch {
                    failure = error
                    retryAfterSeconds = response.firstHeader(named: "Retry-After").flatMap(Self.retryAfterSeconds)
                }
            } catch let error as OAuthError {
                failure = error
            } catch let error as CancellationError {
                throw error
            } catch {
                failure = .unreachable(reason: String(describing: error))
            }

            let reported = redactingSecrets(in: failure)
            metadata["oauth.error"] = "\(reported)"
            guard reported.isTransient, attempt < retryPolicy.maxAttempts else {
                logger.info("token request failed", metadata: metadata)
                throw reported
            }
            let delay = retryPolicy.delay(
                beforeRetry: attempt,
                retryAfterSeconds: retryAfterSeconds,
                using: &generator
            )
            metadata["oauth.retry_delay"] = "\(delay)"
            logger.debug("token request failed; retrying", metadata: metadata)
            metadata["oauth.retry_delay"] = nil
            metadata["oauth.status"] = nil
            metadata["oauth.error"] = nil
            try await Task.sleep(for: delay)
            attempt += 1
        }
    }

    /// A `Retry-After` value in delay-seconds (RFC 9110 §10.2.3); HTTP dates are ignored.
    static func retryAfterSeconds(_ value: String) -> Int? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else {
            return nil
        }
        return Int(trimmed) ?? Int.max
    }

    /// `error` with any client secret or access token in server- or transport-supplied text
    /// removed.
    private func redactingSecrets(in error: OAuthError) -> OAuthError {
        switch error {
        case .tokenEndpoint(let status, let code, let description):
            return .tokenEndpoint(status: status, code: redacted(code), description: description.map(redacted))
        case .unreachable(let reason):
            return .unreachable(reason: redacted(reason))
        default:
            return error
        }
    }
}

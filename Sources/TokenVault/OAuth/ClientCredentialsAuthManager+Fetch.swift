import Foundation
import Logging

extension ClientCredentialsAuthManager {
    /// Requests a token from the token endpoint (RFC 6749 §4.4), retrying transient failures
    /// as ``RetryPolicy`` says, within the manager's `fetchTimeout` in all.
    ///
    /// Changes no token state and calls no hook (it only counts and times the request in the
    /// metrics): a provider hook calls this to get a token from the endpoint, and ``token()``
    /// stores what the hook returns.
    ///
    /// - Returns: The token the endpoint issued, its expiry counted from when the response came.
    /// - Throws: ``OAuthError``; `CancellationError` when the calling task is cancelled.
    public func fetchToken() async throws -> OAuthToken {
        let started = ContinuousClock.now
        do {
            let token = try await withDeadline(.now + fetchTimeout) { try await self.requestToken() }
            metrics.recordRequest(nil)
            metrics.requestDuration.record(duration: ContinuousClock.now - started)
            return token
        } catch {
            if !(error is CancellationError) {
                metrics.recordRequest(error)
                metrics.requestDuration.record(duration: ContinuousClock.now - started)
            }
            throw error
        }
    }

    /// ``fetchToken()``'s requests and retries.
    private func requestToken() async throws -> OAuthToken {
        guard !environment.isRefusedPlainHTTP else { throw OAuthError.insecureTokenURL }
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
                        contentType: response.firstHeader(named: "Content-Type"),
                        body: response.body,
                        receivedAt: clock.now,
                        defaultLifetime: defaultTokenLifetime
                    )
                    noteServerClock(response.firstHeader(named: "Date"), receivedAt: token.obtainedAt)
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

extension ClientCredentialsAuthManager {
    /// Logs, once per manager, a token endpoint whose `Date` header differs from the local clock
    /// by more than the clock skew. The token's lifetime is counted from when its response was
    /// received, on the monotonic clock, so such an offset does not shorten or lengthen it.
    func noteServerClock(_ header: String?, receivedAt: Date) {
        guard let header, let serverDate = HTTPDate.parse(header) else { return }
        let offset = serverDate.timeIntervalSince(receivedAt)
        guard abs(offset) > max(clockSkew, 1), markClockOffsetLogged() else { return }
        logger.warning(
            "the token endpoint's clock differs from this machine's; token lifetimes are counted from receipt",
            metadata: ["oauth.token_url": "\(tokenURL)", "oauth.clock_offset_seconds": "\(Int(offset.rounded()))"])
    }
}

/// The IMF-fixdate of HTTP (RFC 9110 §5.6.7), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
enum HTTPDate {
    static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]) else { return nil }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let month = months.firstIndex(of: String(parts[2])) else { return nil }
        let time = parts[4].split(separator: ":").compactMap { Int($0) }
        guard time.count == 3 else { return nil }
        var components = DateComponents()
        components.timeZone = TimeZone(identifier: "GMT")
        (components.year, components.month, components.day) = (year, month + 1, day)
        (components.hour, components.minute, components.second) = (time[0], time[1], time[2])
        return Calendar(identifier: .gregorian).date(from: components)
    }
}

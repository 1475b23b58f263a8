import ServiceLifecycle

/// A swift-service-lifecycle `Service` that keeps a manager's token fresh in the background
/// (``ClientCredentialsAuthManager/keepFresh()``), so that even a service that goes a while
/// without calls finds a valid token, and that stops with the service group's graceful shutdown,
/// leaving no refresh task behind.
///
/// The manager refreshes ahead of expiry without it, on the calls it gets; this service adds the
/// refreshes between calls.
///
/// ```swift
/// let group = ServiceGroup(
///     services: [TokenRefreshService(manager: auth), httpServer],
///     gracefulShutdownSignals: [.sigterm],
///     logger: logger
/// )
/// try await group.run()
/// ```
public struct TokenRefreshService: Service {
    /// The manager kept fresh.
    public let manager: ClientCredentialsAuthManager

    /// A service keeping `manager`'s token fresh.
    public init(manager: ClientCredentialsAuthManager) {
        self.manager = manager
    }

    /// Keeps the token fresh until graceful shutdown or cancellation; then returns.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await manager.keepFresh() }
        } catch is CancellationError {
            // Shut down: the manager has stopped refreshing and no refresh task is left.
        }
    }
}

import NIOCore
import NIOHTTP1

/// Reads the requests of one HTTP/1.1 connection, asks the router for each answer and writes it.
///
/// `HTTPServerPipelineHandler` sits before it, so requests arrive one at a time and keep-alive works.
final class ConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let router: Router
    private let log: (@Sendable (RequestLogEntry) -> Void)?
    /// The request being read, body so far.
    private var request: ReceivedRequest?
    /// A delayed answer not yet written; cancelled when the connection goes away.
    private var pendingAnswer: Scheduled<Void>?

    init(router: Router, log: (@Sendable (RequestLogEntry) -> Void)?) {
        self.router = router
        self.log = log
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            let declaredLength = head.headers.first(name: "content-length").flatMap { Int($0) } ?? 0
            request = ReceivedRequest(
                head: head,
                body: context.channel.allocator.buffer(capacity: 0),
                bodyTooLarge: declaredLength > ReceivedRequest.maximumBodySize
            )
        case .body(var chunk):
            guard let current = request, !current.bodyTooLarge else {
                return
            }
            if current.body.readableBytes + chunk.readableBytes > ReceivedRequest.maximumBodySize {
                request?.bodyTooLarge = true
                request?.body.clear()
            } else {
                request?.body.writeBuffer(&chunk)
            }
        case .end:
            guard let complete = request else {
                return
            }
            request = nil
            perform(router.route(complete), for: complete.head, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelPendingAnswer()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelPendingAnswer()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func cancelPendingAnswer() {
        pendingAnswer?.cancel()
        pendingAnswer = nil
    }

    private func perform(_ action: Action, for head: HTTPRequestHead, context: ChannelHandlerContext) {
        switch action {
        case .respond(let response):
            write(response, for: head, context: context)
        case .close:
            logAnswer(to: head, status: nil, clientID: nil)
            context.close(promise: nil)
        case .delay(let delay, let next):
            pendingAnswer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
                pendingAnswer = nil
                perform(next(), for: head, context: context)
            }
        }
    }

    private func write(_ response: Response, for head: HTTPRequestHead, context: ChannelHandlerContext) {
        let keepAlive = head.isKeepAlive && !response.closesConnection
        let body = context.channel.allocator.buffer(string: response.body)
        var headers = HTTPHeaders(response.headers)
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        if !keepAlive {
            headers.add(name: "Connection", value: "close")
        } else if head.version == .http1_0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(
            Self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
            promise: nil
        )
        if head.method != .HEAD {
            context.write(Self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        let written = context.writeAndFlush(Self.wrapOutboundOut(.end(nil)))
        if !keepAlive {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
        logAnswer(to: head, status: response.status, clientID: response.clientID)
    }

    private func logAnswer(to head: HTTPRequestHead, status: Int?, clientID: String?) {
        guard let log else {
            return
        }
        let path = String(head.uri.prefix { $0 != "?" })
        log(RequestLogEntry(method: head.method.rawValue, path: path, status: status, clientID: clientID))
    }
}

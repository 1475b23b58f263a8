import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A token request as the hostile endpoint received it.
struct ReceivedRequest: Sendable {
    var method: String
    var path: String
    /// Header names in lower case.
    var headers: [String: String]
    var body: [UInt8]
}

/// What the hostile endpoint does with one connection.
enum HostileAnswer: Sendable {
    /// A complete HTTP/1.1 response; `Content-Length` is added unless `headers` has one.
    case response(status: Int, headers: [Header], body: [UInt8])
    /// Exactly these bytes, then close.
    case raw([UInt8])
    /// These bytes, then one more byte every second, for as long as the client listens.
    case drip(head: [UInt8])
    /// These bytes, then body bytes as fast as the client reads, for as long as it reads (up to 64 MiB).
    case flood(head: [UInt8])
    /// Reads the request and never answers.
    case silence
    /// Resets the connection (`SO_LINGER` 0, then close).
    case reset
    /// Closes the connection without a byte.
    case close

    struct Header: Sendable {
        var name: String
        var value: String
    }
}

/// A loopback HTTP server built on raw sockets, one thread per connection, that answers
/// `POST /k/<kind>` as the ``HostileCase`` of that name says: byte-level control that a real
/// server framework would not allow (resets, drips, lies about lengths).
final class HostileEndpoint: Sendable {
    let port: Int
    private let listener: Int32
    private let answers: [String: @Sendable (ReceivedRequest) -> HostileAnswer]
    private let hits = Mutex<[String: Int]>([:])

    init(answers: [String: @Sendable (ReceivedRequest) -> HostileAnswer]) {
        (listener, port) = Socket.listenLoopback()
        self.answers = answers
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// The URL of `kind`.
    func url(_ kind: String) -> String { "http://127.0.0.1:\(port)/k/\(kind)" }

    /// How many requests reached `kind`.
    func hits(_ kind: String) -> Int { hits.withLock { $0[kind] ?? 0 } }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            Thread.detachNewThread { [self] in serve(fd) }
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        Socket.setTimeouts(fd, seconds: 60)  // no connection outlives a minute
        guard let request = Self.readRequest(fd) else { return }
        let kind = request.path.hasPrefix("/k/") ? String(request.path.dropFirst(3)) : ""
        hits.withLock { $0[kind, default: 0] += 1 }
        let answer = answers[kind]?(request) ?? .response(status: 404, headers: [], body: Array("no such kind".utf8))
        switch answer {
        case .response(let status, let headers, let body):
            var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
            for header in headers { head += "\(header.name): \(header.value)\r\n" }
            if !headers.contains(where: { $0.name.lowercased() == "content-length" }) { head += "Content-Length: \(body.count)\r\n" }
            head += "Connection: close\r\n\r\n"
            Socket.sendAll(fd, Array(head.utf8) + body)
            Self.closeGracefully(fd)
        case .raw(let bytes):
            Socket.sendAll(fd, bytes)
            Self.closeGracefully(fd)
        case .drip(let head):
            guard Socket.sendAll(fd, head) else { return }
            for _ in 0..<60 {
                sleep(1)
                guard Socket.sendAll(fd, [UInt8(ascii: " ")]) else { return }
            }
        case .flood(let head):
            guard Socket.sendAll(fd, head) else { return }
            let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 16384)
            for _ in 0..<4096 {
                guard Socket.sendAll(fd, chunk) else { return }
            }
        case .silence:
            var byte: UInt8 = 0
            for _ in 0..<2 {  // two receive timeouts: up to two minutes, ended early when the client hangs up
                if recv(fd, &byte, 1, 0) == 0 { return }
            }
        case .reset:
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        case .close:
            return
        }
    }

    /// Shuts the sending side and waits (briefly) for the client to hang up, so that the answer
    /// is not cut by a reset when the client's request bytes are still unread.
    private static func closeGracefully(_ fd: Int32) {
        shutdown(fd, Int32(SHUT_WR))
        var time = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        while recv(fd, &buffer, buffer.count, 0) > 0 {}
    }

    /// Reads a request head and its `Content-Length` body; `nil` when the client sends no request.
    private static func readRequest(_ fd: Int32) -> ReceivedRequest? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let separator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { return nil }
            data += buffer[0..<n]
            if let range = data.firstRange(of: separator) { headEnd = range.upperBound }
            if data.count > 65536 { return nil }
        }
        let head = String(decoding: data[..<(headEnd! - 4)], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(data[headEnd!...])
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while body.count < min(length, 65536) {
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { break }
            body += buffer[0..<n]
        }
        return ReceivedRequest(
            method: requestLine.first.map(String.init) ?? "", path: requestLine.count > 1 ? String(requestLine[1]) : "",
            headers: headers, body: body)
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

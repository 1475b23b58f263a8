import Foundation
import TokenVault

/// The seed corpus in `Reliability/corpus`, one folder per target: valid files of every format
/// and protection, sealed under ``FuzzKey``, and token endpoint answers of every kind. Written
/// by `swift run fuzz seeds Reliability/corpus`; the fuzz runs start from a copy of it.
enum FuzzSeeds {
    static func write(to folder: String) throws {
        try write(vaultSeeds(), to: folder + "/vault")
        try write(keyringSeeds(), to: folder + "/keyring")
        try write(tokenResponseSeeds(), to: folder + "/token-response")
    }

    private static func write(_ seeds: [String: [UInt8]], to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (name, bytes) in seeds {
            try Data(bytes).write(to: URL(fileURLWithPath: folder + "/seed-" + name))
        }
    }

    static let entries: [String: VaultEntry] = {
        let obtainedAt = Date(timeIntervalSince1970: 1_700_000_000.123)
        let sandbox = VaultEntry(
            token: OAuthToken(
                accessToken: "A21AAFEpH4PsADK7qSS7pSRsgzfENtu-Q1ysgEDVDESseMHBYXVJYE8ovjj68elIDy8nF26AwPhfXTIeWAZHSLIsQkSYz9ifg",
                tokenType: "Bearer", expiresIn: 32400, scope: "https://uri.paypal.com/services/payments/payment",
                obtainedAt: obtainedAt, appId: "APP-80W284485P519543T", nonce: "2020-04-03T15:35:36ZaYZlGvEkV4yVSz8g6bAKFoGSEzuy3CQcz3ljhibkOHg"),
            storedAt: obtainedAt,
            origin: TokenOrigin(tokenURL: "https://api-m.sandbox.paypal.com/v1/oauth2/token", clientID: "client-id", scope: nil))
        let byHand = VaultEntry(token: OAuthToken(accessToken: "t", obtainedAt: Date(timeIntervalSince1970: 0)), storedAt: Date(timeIntervalSince1970: 0))
        return ["paypal-sandbox": sandbox, "by-hand": byHand]
    }()

    static func vaultSeeds() throws -> [String: [UInt8]] {
        var table = EntryTable.encode(entries)
        defer { table.cleanse() }
        let json = try JSONEncoder().encode(["entries": entries])
        let format1 = try SealedMessage.seal(
            Array(json), using: FuzzKey.key, after: VaultFile.headerPrefix(version: 1, keyID: FuzzKey.id),
            construction: .aes256GCM, nonce: FuzzKey.gcmNonce)
        return [
            "format2-file": [0] + (try VaultFile.seal(table, keyID: FuzzKey.id, key: FuzzKey.key, nonce: FuzzKey.xaesNonce)),
            "format2-empty-file": [0] + (try VaultFile.seal(EntryTable.encode([:]), keyID: FuzzKey.id, key: FuzzKey.key, nonce: FuzzKey.xaesNonce)),
            "format1-file": [0] + format1,
            "format2-table": [1] + table,
            "format1-json": [2] + Array(json),
        ]
    }

    static func keyringSeeds() throws -> [String: [UInt8]] {
        let keyList = Array(#"{"keys":[{"createdAt":1700000000,"id":"fuzz","key":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=","state":"primary"},{"createdAt":1600000000.5,"id":"old-key_1.2","key":"ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=","sealCount":12,"state":"active"}]}"#.utf8)
        // scrypt logN 15, r 8, p 1, then a fixed salt, before the sealed key list.
        let sealedPrefix = KeyringFile.magic + [KeyringFile.formatVersion, 1, 15, 0, 0, 0, 8, 0, 0, 0, 1] + [UInt8](repeating: 7, count: 16)
        let sealed = try SealedMessage.seal(keyList, using: FuzzKey.key, after: sealedPrefix, construction: .xaes256GCM, nonce: FuzzKey.xaesNonce)
        var format1SealedPrefix = sealedPrefix
        format1SealedPrefix[4] = 1
        let format1Sealed = try SealedMessage.seal(keyList, using: FuzzKey.key, after: format1SealedPrefix, construction: .aes256GCM, nonce: FuzzKey.gcmNonce)
        return [
            "format2-file": [0] + KeyringFuzz.unprotectedFile(keyList: keyList),
            "format2-passphrase-file": [0] + sealed,
            "format1-file": [0] + KeyringFile.magic + [1, 0] + keyList,
            "format1-passphrase-file": [0] + format1Sealed,
            "key-list": [1] + keyList,
        ]
    }

    static func tokenResponseSeeds() -> [String: [UInt8]] {
        let token = #"{"scope":"https://uri.paypal.com/services/invoicing https://uri.paypal.com/services/payments/payment","access_token":"A21AAFEpH4PsADK7qSS7pSRsgzfENtu-Q1ysgEDVDESseMHBYXVJYE8ovjj68elIDy8nF26AwPhfXTIeWAZHSLIsQkSYz9ifg","token_type":"Bearer","app_id":"APP-80W284485P519543T","expires_in":32400,"nonce":"2020-04-03T15:35:36ZaYZlGvEkV4yVSz8g6bAKFoGSEzuy3CQcz3ljhibkOHg"}"#
        return [
            "paypal-token": [0, 1] + Array(token.utf8),
            "minimal-token": [0, 0] + Array(#"{"access_token":"abc==","token_type":"bearer","expires_in":1.5}"#.utf8),
            "injected-token": [0, 2] + Array(#"{"access_token":"a\r\nX-Evil: 1","token_type":"Bearer\r\nX: 1","expires_in":-1}"#.utf8),
            "html-page": [0, 3] + Array("<html>access_token=abc</html>".utf8),
            "invalid-client": [4, 1] + Array(#"{"error":"invalid_client","error_description":"Client Authentication failed"}"#.utf8),
            "escapes-in-error": [5, 4] + Array(#"{"error":"invalid_request\u001b[31m","error_description":"\u202e\u0007\r\nAuthorization: Basic abc"}"#.utf8),
            "rate-limited": [6, 1] + Array(#"{"error":"rate_limited"}"#.utf8),
            "server-error": [7, 3] + Array("upstream timed out".utf8),
            "wrong-types": [0, 1] + Array(#"{"access_token":17,"token_type":null,"expires_in":"3600","scope":[]}"#.utf8),
        ]
    }
}

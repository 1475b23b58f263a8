extension OAuthToken: CustomReflectable {
    /// A mirror without the access token, so `dump` and debuggers do not show it either.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "accessToken": "<redacted>",
                "tokenType": tokenType,
                "expiresIn": expiresIn as Any,
                "scope": scope as Any,
                "obtainedAt": obtainedAt,
                "expiresAt": expiresAt,
                "appId": appId as Any,
                "nonce": nonce as Any,
            ],
            displayStyle: .struct
        )
    }
}

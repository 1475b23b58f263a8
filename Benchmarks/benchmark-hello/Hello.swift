import COpenSSL
import Foundation

// The floor of `cliToken`: an executable linked the way vaultcli is (Foundation and libcrypto),
// doing nothing but print one line.
print("hello \(OpenSSL_version_num())", to: &StandardOutput.shared)

struct StandardOutput: TextOutputStream {
    nonisolated(unsafe) static var shared = StandardOutput()

    mutating func write(_ string: String) {
        FileHandle.standardOutput.write(Data(string.utf8))
    }
}

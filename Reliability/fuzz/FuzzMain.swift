import Foundation

#if FUZZING
/// The target libFuzzer drives, named by `TOKENVAULT_FUZZ_TARGET` (vault, keyring or token-response).
private let selectedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["TOKENVAULT_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        fatalError("set TOKENVAULT_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return target
}()

/// libFuzzer's entry point (the build with `-sanitize=fuzzer` links libFuzzer's own `main`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selectedTarget.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}
#else
/// Without libFuzzer: `fuzz TARGET PATH...` runs the files (or every file of the folders) given,
/// e.g. a corpus or a crash libFuzzer saved; `fuzz seeds FOLDER` writes the seed corpus.
@main
struct FuzzReplay {
    static func main() throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "seeds", arguments.count == 2 {
            try FuzzSeeds.write(to: arguments[1])
            return
        }
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
            FileHandle.standardError.write(Data("usage: fuzz \(names) PATH...  |  fuzz seeds FOLDER\n".utf8))
            exit(64)
        }
        var count = 0
        var accepted = 0
        for path in arguments.dropFirst() {
            for file in try files(at: path) {
                count += 1
                if target.run(Array(try Data(contentsOf: URL(fileURLWithPath: file)))) { accepted += 1 }
            }
        }
        print("\(target.rawValue): \(count) inputs ran, \(accepted) accepted, no rule broken")
    }

    private static func files(at path: String) throws -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return [path] }
        return try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 }
    }
}
#endif

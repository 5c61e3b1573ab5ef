// libFuzzer's entry point for the fuzz targets (built by scripts/fuzz with
// `swiftc -sanitize=fuzzer,address`). The target is named by $GEMMA_FUZZ_TARGET.
import Foundation

private let target: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["GEMMA_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("GEMMA_FUZZ_TARGET must be one of: \(names)\n".utf8))
        exit(2)
    }
    return target
}()

/// Called by libFuzzer once per input. A broken invariant aborts, which libFuzzer reports as a
/// crash and saves the input for.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        try target.run(input)
    } catch {
        FileHandle.standardError.write(Data("fuzz failure: \(error)\n".utf8))
        abort()
    }
    return 0
}

// SHA-256 of files (model files in dump sidecars) through OpenSSL's libcrypto, remembered per
// path, size and modification time so a session hashes a 1.6 GB model once.
import CLibCrypto
import Foundation

public enum FileDigest {
    nonisolated(unsafe) private static var cache: [String: String] = [:]
    private static let lock = NSLock()

    /// The lowercase hex SHA-256 of the file at `path`.
    public static func sha256(_ path: String) throws -> String {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let key = "\(path)|\(size)|\(modified)"
        if let known = lock.withLock({ cache[key] }) { return known }

        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InspectError.file(path: path, reason: "cannot open for reading")
        }
        defer { try? handle.close() }
        guard let context = EVP_MD_CTX_new() else { throw InspectError.file(path: path, reason: "libcrypto: no digest context") }
        defer { EVP_MD_CTX_free(context) }
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
        while true {
            let chunk = handle.readData(ofLength: 8 << 20)
            if chunk.isEmpty { break }
            chunk.withUnsafeBytes { _ = EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
        }
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &digest, &length)
        let hex = digest.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
        lock.withLock { cache[key] = hex }
        return hex
    }
}

// A read-only, private memory map of a whole file (POSIX mmap), unmapped when released.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a file mapped with `mmap(PROT_READ, MAP_PRIVATE)`. The pages are never
/// written, so the view is immutable; the map lives exactly as long as this object.
///
/// `@unchecked Sendable`: the only state is an immutable pointer/length pair into a read-only
/// mapping that nobody can mutate, so sharing it between threads is safe.
final class MappedFile: @unchecked Sendable {
    /// The path the file was opened with (used in error messages).
    let path: String
    /// Start of the mapping, or nil for an empty file (which cannot be mapped).
    private let base: UnsafeRawPointer?
    /// Length of the file in bytes.
    let size: Int

    /// Opens and maps `path`. Throws `GGUFError.cannotOpen` with the system's reason.
    init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw GGUFError.cannotOpen(file: path, reason: MappedFile.systemError())
        }
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw GGUFError.cannotOpen(file: path, reason: MappedFile.systemError())
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw GGUFError.cannotOpen(file: path, reason: "not a regular file")
        }
        guard status.st_size >= 0, let size = Int(exactly: status.st_size) else {
            throw GGUFError.cannotOpen(file: path, reason: "file size \(status.st_size) is not representable")
        }
        self.size = size
        if size == 0 {
            base = nil
            return
        }
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
        guard let address, address != MAP_FAILED else {
            throw GGUFError.cannotOpen(file: path, reason: "mmap failed: " + MappedFile.systemError())
        }
        base = UnsafeRawPointer(address)
    }

    deinit {
        if let base {
            munmap(UnsafeMutableRawPointer(mutating: base), size)
        }
    }

    /// The whole file. Valid only while this object is alive.
    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : size)
    }

    /// The text of the current `errno`.
    static func systemError() -> String {
        let code = errno
        if let text = strerror(code) {
            return String(cString: text) + " (errno \(code))"
        }
        return "errno \(code)"
    }
}

// Writing a file so that readers see either the old or the complete new contents: a temporary
// file in the same directory, fsync, rename over the target, fsync of the directory. The one
// writer of every file gemma-repl writes (notebooks, dumps, pictures, GGUF files, history).
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Musl)
import Musl
private let systemWrite = Musl.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

public enum AtomicFile {
    /// A file-system call that failed: what it was, on which path, and errno.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let operation: String
        public let path: String
        public let errno: Int32

        public init(operation: String, path: String, errno: Int32) {
            self.operation = operation
            self.path = path
            self.errno = errno
        }

        public var description: String { "cannot \(operation) \(path): \(String(cString: strerror(errno)))" }
    }

    /// Writes `bytes` to `path` atomically (`replace`).
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try replace(path) { descriptor, temporary in try writeAll(descriptor, bytes, path: temporary) }
    }

    /// Replaces `path` with what `fill` writes, atomically: `fill` gets the open descriptor of a
    /// new temporary file in the same directory and that file's path (for writers that open
    /// a path themselves); then the file is synced and renamed over `path`. On failure the
    /// target is untouched, no temporary file is left behind, and the error is `fill`'s or a
    /// `Failure`. An existing file keeps its permissions; a symbolic link is followed (its
    /// target is replaced). A process killed meanwhile leaves the target whole and at most a
    /// temporary file `.NAME.tmp-PID-RANDOM` beside it.
    public static func replace(_ path: String, fill: (_ descriptor: Int32, _ temporaryPath: String) throws -> Void) throws {
        let path = resolvingSymbolicLinks(path)
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = (directory == "/" ? "" : directory) + "/." + name + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failure(operation: "create", path: temporary, errno: errno) }
        var closed = false
        do {
            defer { if !closed { close(descriptor) } }
            var existing = stat()
            if stat(path, &existing) == 0 { _ = fchmod(descriptor, existing.st_mode & 0o7777) }
            try fill(descriptor, temporary)
            guard fsync(descriptor) == 0 else { throw Failure(operation: "fsync", path: temporary, errno: errno) }
            closed = true
            guard close(descriptor) == 0 else { throw Failure(operation: "close", path: temporary, errno: errno) }
            guard rename(temporary, path) == 0 else { throw Failure(operation: "rename onto", path: path, errno: errno) }
        } catch {
            unlink(temporary)
            throw error
        }
        // Make the rename itself durable; a failure here loses nothing already written.
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// Writes every byte of `bytes` to `descriptor`, retrying short writes and EINTR; a
    /// failure names `path`.
    public static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Failure(operation: "write", path: path, errno: errno)
                }
                offset += written
            }
        }
    }

    /// `path` with every symbolic link in it resolved (the path itself when it does not exist
    /// yet, with its directory resolved).
    static func resolvingSymbolicLinks(_ path: String) -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        let slash = path.lastIndex(of: "/")
        guard let slash, slash != path.startIndex else { return path }
        let directory = String(path[..<slash])
        guard let resolved = realpath(directory, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved) + String(path[slash...])
    }
}

// Writing a file so that readers see either the old or the complete new contents: a temporary
// file in the same directory, fsync, rename over the target, fsync of the directory.
import Foundation
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

public enum AtomicFile {
    /// Writes `bytes` to `path` atomically; on failure the target is untouched and no
    /// temporary file is left behind. An existing file keeps its permissions; a symbolic link
    /// is followed (its target is replaced).
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/." + url.lastPathComponent
            + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FiguresError.fileSystem(operation: "create", path: temporary, errno: errno) }
        var closed = false
        do {
            defer { if !closed { close(descriptor) } }
            var existing = stat()
            if stat(path, &existing) == 0 { _ = fchmod(descriptor, existing.st_mode & 0o7777) }
            try bytes.withUnsafeBytes { buffer in
                guard let base = buffer.baseAddress else { return }
                var offset = 0
                while offset < buffer.count {
                    let written = systemWrite(descriptor, base + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw FiguresError.fileSystem(operation: "write", path: temporary, errno: errno)
                    }
                    offset += written
                }
            }
            guard fsync(descriptor) == 0 else {
                throw FiguresError.fileSystem(operation: "fsync", path: temporary, errno: errno)
            }
            closed = true
            guard close(descriptor) == 0 else {
                throw FiguresError.fileSystem(operation: "close", path: temporary, errno: errno)
            }
            guard rename(temporary, path) == 0 else {
                throw FiguresError.fileSystem(operation: "rename to", path: path, errno: errno)
            }
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
}
